"""From a source document to everything the index stores for it: cleaned article, passages, entities,
facet rows, and the exact text each passage is embedded as (whose hash keys the vector cache)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from index.settings import Settings

from index.records import Article, ArticleEntities, Passage, SourceDoc


@dataclass(frozen=True)
class PreparedArticle:
    article: Article
    entities: ArticleEntities
    passages: tuple[Passage, ...]
    model_inputs: tuple[str, ...]  # what the embedder sees, one per passage
    vector_keys: tuple[str, ...]  # content hashes of model_inputs
    facets: tuple[tuple[str, str, str], ...]  # (facet, value, label), article-level


def clean_source(source: SourceDoc) -> Article:
    """Raises ``clean.CleanError`` when nothing of the article is left."""
    from .clean import clean

    return clean(source)


def prepare(article: Article, settings: Settings) -> PreparedArticle:
    from .chunk import chunk_article
    from index.text.entities import extract_entities
    from index.text.facets import article_facets

    passages = chunk_article(
        article,
        target_tokens=settings.chunk_target_tokens,
        max_tokens=settings.chunk_max_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
    )
    entities = extract_entities(article)
    inputs = tuple(embedding_input(article.title, p.text) for p in passages)
    return PreparedArticle(
        article=article,
        entities=entities,
        passages=tuple(passages),
        model_inputs=inputs,
        vector_keys=tuple(vector_key(text) for text in inputs),
        facets=tuple(article_facets(article, entities)),
    )


def embedding_input(title: str, passage_text: str) -> str:
    """What the model sees for a passage: the title gives a short passage its topic; tone marks unified
    so 'uỷ' and 'ủy' embed alike."""
    from index.text.normalize import unify_tones

    body = unify_tones(passage_text)
    return f"{unify_tones(title)}\n{body}" if title else body


# A question longer than this is cut before embedding: e5 reads 512 tokens (about 2,000 characters) at
# once, and the engine embeds longer text window by window (a 100 kB question took two minutes).
MAX_QUERY_CHARS = 2000


def embedding_query(query: str) -> str:
    from index.text.normalize import unify_tones

    return unify_tones(query[:MAX_QUERY_CHARS])


def vector_key(model_input: str) -> str:
    return hashlib.sha256(model_input.encode("utf-8")).hexdigest()[:32]
