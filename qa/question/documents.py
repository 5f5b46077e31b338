"""What a question asks of documents, each read in one place: which documents ("những văn bản nào",
"which resolutions"), what a named document is about ("Quyết định 290 về việc gì?": its subject clause,
quoted from an article), and what a document is or who issued it ("Quyết định 290 là gì?", "who issued
Decision 290?": answered from its card)."""

from __future__ import annotations

import re

from index.text import fold, search_text

_DOCUMENT_WORDS = re.compile(
    r"\b(?:văn bản|nghị quyết|quyết định|chỉ thị|kết luận|chương trình|kế hoạch)\s+(?:nào|gì)\b|"
    r"\bwhich\s+(?:documents?|resolutions?|decisions?|directives?|conclusions?)\b|"
    r"\bwhat\s+(?:documents?|resolutions?|decisions?|directives?)\b"
)

# Folded, on the question without its named things: what a named document is about.
SUBJECT_RE = re.compile(
    r"\b(?:ve viec gi|ve van de gi|ve gi|noi dung gi|noi dung la gi|noi dung ra sao|la gi|about what|"
    r"what is .{0,40}about|what does .{0,40}(?:say|cover|concern)|what is the subject)\b")

# Folded: what the document is or says, or who issued it. "ban hành ngày nào" (its date) stays with the
# fact answers, which the seed questions measure.
_WHAT_IT_IS = re.compile(
    r"\b(?:la gi|la van ban gi|ve (?:van de|noi dung|viec) gi|noi dung (?:la )?gi|noi ve (?:dieu )?gi|quy dinh (?:ve )?gi|"
    r"do ai ban hanh|ai ban hanh|co quan nao ban hanh|what is|what's|what does|what was|about what|who issued|"
    r"issued by whom)\b"
)


def asks_for_documents(question: str) -> bool:
    return _DOCUMENT_WORDS.search(search_text(question)) is not None


def asks_what_document_is(question: str) -> bool:
    return bool(_WHAT_IT_IS.search(fold(question or "")))
