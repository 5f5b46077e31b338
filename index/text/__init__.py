"""Vietnamese language knowledge, used by the index and by ``qa`` alike: normalisation and diacritic
folding, sentences, BM25 tokens, document references, places (the gazetteer), entities, facet keys.

Everything here is pure text in, records out: no I/O beyond the bundled gazetteer, no model.
"""

from .entities import extract_entities
from .facets import FilterError, locality_key
from .normalize import display_text, fold_diacritics, has_vietnamese_diacritics, search_text, unify_tones
from .places import find_localities
from .refs import find_refs, fold, parse_ref, within_one_edit
from .sentences import split_sentences
from .tokens import tokenize

__all__ = ["display_text", "search_text", "fold_diacritics", "fold", "unify_tones", "has_vietnamese_diacritics",
           "split_sentences", "tokenize", "find_refs", "parse_ref", "find_localities", "extract_entities",
           "locality_key", "FilterError", "within_one_edit"]
