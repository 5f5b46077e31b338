"""The learned rankers: the split that keeps heldout data out of training, the features, the rankers'
files, the calibration, and the training path end to end (a tiny ranker trained on a fixture, saved,
loaded and used to answer)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench import splits
from qa.learned.features import PASSAGE_FEATURES, PassageView, passage_features
from qa.learned.model import Calibration, ModelFileError, Ranker, calibration_from_json, ranker_from_json

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


# ---------------------------------------------------------------------------------------- splits


def test_split_is_by_article_and_deterministic():
    counts = {f"a{i:02d}": 10 + i for i in range(12)}
    first = splits.assign(counts)
    assert first == splits.assign(dict(reversed(list(counts.items()))))
    tune = sum(counts[u] for u, p in first.items() if p == "tune") / sum(counts.values())
    assert 0.5 <= tune <= 0.7


def test_shipped_split_keeps_every_article_on_one_side():
    data = splits.load()
    for name, entry in data["sets"].items():
        tune, heldout = set(entry["articles"]["tune"]), set(entry["articles"]["heldout"])
        assert tune and heldout and not tune & heldout, name
    assert splits.article_of("viquad2_dev", "viquad2_dev-a12-p004") == "a12"
    assert splits.article_of("xquad_vi_dev", "xq03-07") == "xq03"


def test_training_refuses_heldout_ids():
    data = splits.load()
    heldout_article = data["sets"]["xquad_vi_dev"]["articles"]["heldout"][0]
    tune_article = data["sets"]["xquad_vi_dev"]["articles"]["tune"][0]
    items = [{"id": "q1", "doc_id": f"{tune_article}-00"}, {"id": "q2", "doc_id": f"{heldout_article}-01"}]
    with pytest.raises(splits.HeldoutError, match="q2"):
        splits.guard_tune("xquad_vi_dev", items)
    assert splits.tune_only("xquad_vi_dev", items) == items[:1]


@pytest.mark.skipif(not (SHARED_EVAL / "xquad_vi_dev.queries.jsonl").is_file(), reason="needs ../shared/eval")
def test_training_loader_reads_only_the_tune_part():
    from training.rank_data import tune_items

    docs, queries = tune_items("xquad_vi_dev", SHARED_EVAL / "xquad_vi_dev.docs.jsonl",
                               SHARED_EVAL / "xquad_vi_dev.queries.jsonl")
    assert queries and all(splits.part_of("xquad_vi_dev", q["doc_id"]) == "tune" for q in queries)
    assert docs and all(splits.part_of("xquad_vi_dev", d["id"]) == "tune" for d in docs)


# -------------------------------------------------------------------------------------- features


def _view(text: str, doc: str, dense_rank, bm25_rank, title: str = "Bài") -> PassageView:
    return PassageView(text, title, doc, dense_rank, 0.9 - 0.01 * (dense_rank or 30), bm25_rank,
                       (20.0 - (bm25_rank or 20)) if bm25_rank else None, 1 / (60 + (dense_rank or 60)))


def test_passage_features_read_coverage_ranks_and_numbers():
    views = [_view("Quận Tây Hồ đã thành lập 91 Tổ dân vận khu dân cư.", "a", 1, 2),
             _view("Thời tiết hôm nay đẹp.", "b", 2, None)]
    x = passage_features("Quận Tây Hồ thành lập bao nhiêu Tổ dân vận năm 91?", "count", views, None)
    assert x.shape == (2, len(PASSAGE_FEATURES))
    col = {name: k for k, name in enumerate(PASSAGE_FEATURES)}
    assert x[0, col["cov_words"]] > x[1, col["cov_words"]]
    assert x[0, col["numbers"]] == 1.0 and x[1, col["numbers"]] == 0.0
    assert x[1, col["bm25_rank"]] == 60.0 and x[1, col["in_both"]] == 0.0
    assert x[0, col["type_count"]] == 1.0


# ------------------------------------------------------------------------------- rankers, calibration


def test_linear_ranker_round_trips_and_refuses_other_features():
    features = ("a", "b")
    ranker = Ranker("linear", features, np.zeros(2), np.ones(2), np.array([1.0, -1.0]), 0.5)
    again = ranker_from_json(json.loads(json.dumps(ranker.to_json())), features)
    x = np.array([[2.0, 1.0], [0.0, 3.0]])
    assert np.allclose(again.score(x), [1.5, -2.5])
    with pytest.raises(ModelFileError, match="training.train"):
        ranker_from_json(ranker.to_json(), ("a", "c"))


def test_calibration_is_monotone_and_clipped():
    from training.train import choose_threshold, isotonic_knots, reliability

    rng = np.random.default_rng(0)
    p = rng.uniform(0.2, 1.0, 400)
    right = (rng.uniform(size=400) < p).astype(float)
    kx, ky = isotonic_knots(p, right)
    cal = calibration_from_json(Calibration(kx, ky, 0.5).to_json())
    values = [cal.confidence(v) for v in np.linspace(0, 1.2, 50)]
    assert all(0.0 <= v <= 1.0 for v in values) and values == sorted(values)
    conf = np.asarray([cal.confidence(v) for v in p])
    t = choose_threshold(conf, right, 0.8)
    assert right[conf >= t].mean() >= 0.8
    assert sum(row["n"] for row in reliability(conf, right)) == 400


def test_top_probability_of_a_candidate_and_of_its_sentence():
    """Passages overlap by a sentence: with ``texts`` its two copies' shares add up (training.train reports it)."""
    from qa.learned.apply import top_probability

    scores, texts = [2.0, 2.0, 1.0], ["A.", "A.", "B."]
    e = np.exp(np.asarray(scores) - 2.0)
    assert top_probability(scores) == pytest.approx(e[0] / e.sum())
    assert top_probability(scores, texts) == pytest.approx(2 * e[0] / e.sum())
    assert top_probability(scores, texts, top=2) == pytest.approx(e[2] / e.sum())
    assert top_probability([1.0], ["A."]) == 1.0 and top_probability([], []) == 0.0


def test_the_training_data_is_in_fused_order_not_the_shipped_rerankers(monkeypatch):
    """The shipped passage model was trained on the tune questions: ordering them with it would leak."""
    import qa.retrieve
    from training import rank_data

    seen = []

    def fake_evidence(corpus, question, analysis, filters=None, models=None):
        seen.append(models)
        raise StopIteration

    monkeypatch.setattr(qa.retrieve, "fact_evidence", fake_evidence)
    with pytest.raises(StopIteration):
        rank_data.retrieve(object.__new__(type("Idx", (), {"lexical": lambda self: None})),
                           "xquad_vi_dev", [{"question": "Sông Hồng dài bao nhiêu km?"}])
    assert seen and seen[0] is not None and seen[0].passage is None


# ------------------------------------------------------------------------------- training, end to end

_FIXTURE_DOCS = [
    ("fx01-00", "Hội Chữ thập đỏ", "Hội Chữ thập đỏ quận Tây Hồ có 5.573 hội viên. Hội được thành lập năm 1946. "
     "Chủ tịch hội là bà Nguyễn Thị Lan."),
    ("fx01-01", "Hội Chữ thập đỏ", "Năm 2020, hội tổ chức 12 đợt hiến máu. Hội vận động được 3 tỷ đồng cho người nghèo."),
    ("fx02-00", "Tổ dân vận", "Quận Tây Hồ đã thành lập 91 Tổ dân vận khu dân cư. Các tổ họp mỗi tháng một lần. "
     "Tổ trưởng thường là bí thư chi bộ."),
    ("fx02-01", "Tổ dân vận", "Thành phố Cần Thơ xây dựng 126 mô hình dân vận khéo. Hội nghị tổng kết diễn ra ngày 15/8/2020."),
    ("fx03-00", "Sông Hồng", "Sông Hồng dài khoảng 1.149 km. Sông chảy qua Trung Quốc và Việt Nam. "
     "Đồng bằng sông Hồng là vựa lúa lớn thứ hai."),
    ("fx03-01", "Sông Hồng", "Cầu Long Biên bắc qua sông Hồng được khánh thành năm 1902. Cầu do người Pháp xây dựng."),
]
_FIXTURE_QUESTIONS = [
    ("Hội Chữ thập đỏ quận Tây Hồ có bao nhiêu hội viên?", "fx01-00", "5.573"),
    ("Hội Chữ thập đỏ được thành lập năm nào?", "fx01-00", "1946"),
    ("Ai là chủ tịch Hội Chữ thập đỏ?", "fx01-00", "Nguyễn Thị Lan"),
    ("Năm 2020 hội tổ chức bao nhiêu đợt hiến máu?", "fx01-01", "12"),
    ("Hội vận động được bao nhiêu tiền cho người nghèo?", "fx01-01", "3 tỷ"),
    ("Quận Tây Hồ thành lập bao nhiêu Tổ dân vận?", "fx02-00", "91"),
    ("Các tổ dân vận họp bao lâu một lần?", "fx02-00", "mỗi tháng"),
    ("Cần Thơ xây dựng bao nhiêu mô hình dân vận khéo?", "fx02-01", "126"),
    ("Hội nghị tổng kết diễn ra ngày nào?", "fx02-01", "15/8/2020"),
    ("Sông Hồng dài bao nhiêu km?", "fx03-00", "1.149"),
    ("Cầu Long Biên được khánh thành năm nào?", "fx03-01", "1902"),
    ("Ai xây dựng cầu Long Biên?", "fx03-01", "người Pháp"),
]


@pytest.mark.slow
def test_train_save_load_and_answer_with_a_tiny_ranker(tmp_path):
    from training.train import train
    from qa.learned import load_models

    docs = tmp_path / "fixture.docs.jsonl"
    queries = tmp_path / "fixture.queries.jsonl"
    docs.write_text("".join(json.dumps({"id": i, "title": t, "text": x}, ensure_ascii=False) + "\n"
                            for i, t, x in _FIXTURE_DOCS), encoding="utf-8")
    queries.write_text("".join(json.dumps({"id": f"q{k}", "question": q, "doc_id": d, "answers": [a]},
                                          ensure_ascii=False) + "\n" for k, (q, d, a) in enumerate(_FIXTURE_QUESTIONS)),
                       encoding="utf-8")
    # One paragraph is heldout: training must neither index it nor read its question.
    heldout = "fx03-01"
    split_file = tmp_path / "splits.json"
    split_file.write_text(json.dumps({"sets": {"fixture": {"articles": {
        "tune": sorted({i for i, _, _ in _FIXTURE_DOCS} - {heldout}), "heldout": [heldout]}}}}))
    out = tmp_path / "weights"
    report = train({"fixture": (docs, queries)}, out, tmp_path / "cache", splits_path=split_file, folds=2,
                   kinds=("linear", "softmax"))
    assert report["questions"] == sum(d != heldout for _, d, _ in _FIXTURE_QUESTIONS)
    models = load_models(out)
    assert models.passage is not None and models.sentence is not None and models.calibration is not None
    assert 0.0 <= models.calibration.threshold <= 1.0

    # Answer with the freshly trained models, through the code qa.answer runs.
    import index
    from qa.analyze import analyze
    from qa.learned import choose
    from qa.retrieve import Corpus, fact_evidence

    idx, _ = index.build([docs], tmp_path / "idx")
    right = 0
    for question, _, answer in _FIXTURE_QUESTIONS:
        analysis = analyze(question)
        found = fact_evidence(Corpus(idx), question, analysis, models=models)
        assert found.passage_scores is not None and len(found.passage_scores) == len(found.hits)
        choice = choose(found.words, analysis.answer_type, found.hits, found.query_vector, idx.encode_sentences,
                        idx.lexical(), models, passage_scores=found.passage_scores, given=found.given)
        assert choice.candidates and 0.0 <= choice.confidence <= 1.0
        right += answer in choice.candidates[0].text
    assert right >= len(_FIXTURE_QUESTIONS) - 3


# ------------------------------------------------------------------------- sentence vectors asked for


def _embed_everything(holds, passages, sentences, encode_sentences):
    """What sentence_candidates embedded before it skipped sentences no feature reads."""
    texts = [hit.title.replace("_", " ") for _, hit, _ in passages] + [s[6] for s in sentences]
    vectors = np.asarray(encode_sentences(texts), dtype=np.float32)
    return vectors[: len(passages)], vectors[len(passages):]


def test_a_count_question_embeds_only_sentences_that_hold_a_number_and_their_windows(monkeypatch):
    from index.records import Hit, Passage
    from qa.learned import features

    def hit(doc, sentences):
        text = " ".join(sentences)
        return Hit(Passage(f"{doc}#0", doc, 0, 0, len(text), text), title=f"Tin {doc}", score=1.0)

    hits = [
        hit("a", ["Hội nghị tổng kết công tác dân vận diễn ra sáng nay.", "Quận có 126 chi hội phụ nữ.",
                  "Các đại biểu đã thảo luận sôi nổi."]),
        hit("b", ["Không khí buổi lễ rất trang trọng.", "Lãnh đạo quận phát biểu chỉ đạo."]),
        hit("c", ["Phường Nhật Tân báo cáo kết quả.", "Đã vận động được 45 hộ hiến đất."]),
    ]
    asked: list[str] = []

    def encode(texts):
        asked.extend(texts)
        return np.stack([np.random.default_rng(sum(map(ord, t))).standard_normal(16).astype(np.float32)
                         for t in texts])

    question = "Quận có bao nhiêu chi hội phụ nữ?"
    query = np.random.default_rng(1).standard_normal(16).astype(np.float32)
    cands, matrix = features.sentence_candidates(question, "count", hits, query, encode, None)
    # Embedded: the two sentences with a count, the sentence before each, and the titles of a and c.
    assert sorted(asked) == sorted(["Tin a", "Tin c", "Hội nghị tổng kết công tác dân vận diễn ra sáng nay.",
                                    "Quận có 126 chi hội phụ nữ.", "Phường Nhật Tân báo cáo kết quả.",
                                    "Đã vận động được 45 hộ hiến đất."])
    monkeypatch.setattr(features, "_vectors_needed", _embed_everything)
    all_cands, all_matrix = features.sentence_candidates(question, "count", hits, query, encode, None)
    assert cands == all_cands and len(cands) == 2
    assert np.array_equal(matrix, all_matrix)
