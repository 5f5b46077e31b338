"""Questions about the seed articles that the gold file does not contain (written after the answering
code, to check it generalises): place constraints, misprints in document lists, no diacritics, English."""

from __future__ import annotations

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


def test_count_without_diacritics(seed_index):
    answer, cited = _ask(seed_index, "quan tay ho co bao nhieu to dan van khu dan cu")
    assert "91" in answer.text and cited == {"000"}


def test_count_whose_passage_retrieval_ranks_low(seed_index):
    # Found failing in review, then fixed: "126 chi hội" sat in the 4th passage, and the top three held
    # other counts ("91 Tổ dân vận", "25 năm"). A sentence giving the counted noun now competes from the top 10.
    answer, cited = _ask(seed_index, "Quận Tây Hồ có bao nhiêu chi hội?")
    assert "126 chi hội" in answer.text and cited == {"000"}


def test_who_chaired_names_the_people_though_the_sentence_omits_the_city(seed_index):
    # Found failing in review, then fixed: "Chủ trì hội nghị có các đồng chí Phạm Văn Hiểu …" never names
    # Cần Thơ (the article's lead does), and lost to the lead sentence, which names a body but not who chaired.
    answer, cited = _ask(seed_index, "Ai chủ trì hội nghị ở Cần Thơ?")
    assert "Chủ trì hội nghị có các đồng chí Phạm Văn Hiểu" in answer.text and cited == {"003"}


def test_issue_date_of_a_named_document(seed_index):
    # Found failing in review, then fixed. 218: BM25 ranked its passage first, fusion 12th (the dense side
    # blurs 218 with 290); articles citing the named document now go first. 25-NQ/TW: the sentence also
    # dates another document ("23-Ctr/TU ngày 15/7/2013"); the date right after the asked code wins.
    answer, cited = _ask(seed_index, "Quyết định 218-QĐ/TW được ban hành ngày nào?")
    assert "218-QĐ/TW ngày 12/12/2013" in answer.text and cited == {"001"}
    answer, cited = _ask(seed_index, "Nghị quyết 25-NQ/TW được ban hành ngày nào?")
    assert "25-NQ/TW ngày 3/6/2013" in answer.text and cited == {"001"}


def test_a_share_answers_how_many(seed_index):
    # Found failing in review, then fixed: "8/8 phường" read as a date, so no count was seen.
    answer, cited = _ask(seed_index, "Tây Hồ có bao nhiêu phường?")
    assert "8/8 phường" in answer.text and cited == {"000"}


def test_date_and_count_facts(seed_index):
    answer, cited = _ask(seed_index, "Cần Thơ tổ chức hội nghị tổng kết Quyết định 290 vào ngày nào?")
    assert "15/7/2020" in answer.text and cited == {"003"}
    answer, cited = _ask(seed_index, "Hà Nội có bao nhiêu mô hình Dân vận khéo được đăng ký?")
    assert "39.427" in answer.text and cited == {"004"}


def test_out_of_corpus_question_abstains(seed_index):
    answer, _ = _ask(seed_index, "Giải bóng đá ngoại hạng Anh năm 2021 ai vô địch?")
    assert answer.abstained and not answer.citations
