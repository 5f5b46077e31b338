"""Questions about the seed articles that the gold file does not contain (written after the answering
code, to check it generalises): place constraints, misprints in document lists, no diacritics, English."""

from __future__ import annotations

import pytest

import qa


def _ask(idx, question: str):
    answer = qa.answer(idx, question)
    cited = {c.hit.doc_id[:3] for c in answer.citations}
    return answer, cited


def test_list_restricted_to_a_city(seed_index):
    answer, cited = _ask(seed_index, "Những địa phương nào ở Hà Nội đã tổng kết Quyết định 290?")
    assert cited == {"000", "004"}  # Cần Thơ reviewed it too, but is not in Hà Nội
    assert "Tây Hồ" in answer.text and "Cần Thơ" not in answer.text
    assert "209-QĐ/TW" in answer.text and "290-QĐ/TW" in answer.text  # misprint quoted, and resolved


def test_document_list_reads_a_misprint_as_its_document(seed_index):
    answer, cited = _ask(seed_index, "Những văn bản nào được Quận ủy Tây Hồ tổng kết?")
    labels = {item.label for item in answer.items}
    assert labels == {"290-QĐ/TW", "66-KL/TW", "43-CT/TW"} and cited == {"000"}


def test_document_list_in_english(seed_index):
    answer, cited = _ask(seed_index, "Which documents did Thanh Xuan district review?")
    assert {item.label for item in answer.items} == {"25-NQ/TW", "218-QĐ/TW"} and cited == {"001"}


@pytest.mark.parametrize(
    "question, quoted, doc",
    [
        ("quan tay ho co bao nhieu to dan van khu dan cu", "91", "000"),  # no diacritics
        # Found failing in review, then fixed: "126 chi hội" sat in the 4th passage, and the top three held
        # other counts ("91 Tổ dân vận", "25 năm"). A sentence giving the counted noun now competes from the
        # top 10.
        ("Quận Tây Hồ có bao nhiêu chi hội?", "126 chi hội", "000"),
        # Found failing in review, then fixed: "Chủ trì hội nghị có các đồng chí Phạm Văn Hiểu …" never names
        # Cần Thơ (the article's lead does), and lost to the lead sentence, which names a body but not who
        # chaired.
        ("Ai chủ trì hội nghị ở Cần Thơ?", "Chủ trì hội nghị có các đồng chí Phạm Văn Hiểu", "003"),
        # Found failing in review, then fixed. 218: BM25 ranked its passage first, fusion 12th (the dense side
        # blurs 218 with 290); articles citing the named document now go first. 25-NQ/TW: the sentence also
        # dates another document ("23-Ctr/TU ngày 15/7/2013"); the date right after the asked code wins.
        ("Quyết định 218-QĐ/TW được ban hành ngày nào?", "218-QĐ/TW ngày 12/12/2013", "001"),
        ("Nghị quyết 25-NQ/TW được ban hành ngày nào?", "25-NQ/TW ngày 3/6/2013", "001"),
        # Found failing in review, then fixed: "8/8 phường" read as a date, so no count was seen.
        ("Tây Hồ có bao nhiêu phường?", "8/8 phường", "000"),
        ("Cần Thơ tổ chức hội nghị tổng kết Quyết định 290 vào ngày nào?", "15/7/2020", "003"),
        ("Hà Nội có bao nhiêu mô hình Dân vận khéo được đăng ký?", "39.427", "004"),
    ],
)
def test_fact_answer_quotes_the_fact_from_its_article(seed_index, question: str, quoted: str, doc: str):
    answer, cited = _ask(seed_index, question)
    assert quoted in answer.text and cited == {doc}


def test_out_of_corpus_question_abstains(seed_index):
    answer, _ = _ask(seed_index, "Giải bóng đá ngoại hạng Anh năm 2021 ai vô địch?")
    assert answer.abstained and not answer.citations
