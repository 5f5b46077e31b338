"""HTML for the web app: answers with clickable ``[n]`` markers, evidence cards, ranked hits, articles.

Pure functions of records, no Gradio. Every piece of article or user text goes through ``esc`` (which
also neutralises ``{ } $`` so no client-side template engine can read it), and only http(s) URLs become
links, so an ingested ``<script>`` or ``<img onerror>`` is shown as text, never run.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Sequence
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from index.api import ArticleSummary, Index
    from index.records import Article, Hit
    from qa.records import Answer

LABELS = {
    "vi": {
        "title": "Tra cứu công tác dân vận", "lang": "Ngôn ngữ", "filters": "Bộ lọc",
        "docs": "Văn bản viện dẫn", "localities": "Địa phương", "years": "Năm",
        "ask_tab": "Hỏi đáp", "search_tab": "Tìm kiếm", "corpus_tab": "Kho bài viết",
        "question": "Câu hỏi", "question_ph": "Ví dụ: Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận?",
        "ask": "Hỏi", "examples": "Câu hỏi mẫu", "query": "Từ khóa / câu tìm kiếm", "k": "Số kết quả",
        "search": "Tìm", "upload": "Tải bài viết lên ({types})",
        "articles": "Danh sách bài viết", "pick": "Xem bài viết", "counts": "{a} bài viết · {p} đoạn văn",
        "evidence": "Bằng chứng", "related": "Đoạn văn liên quan — không phải câu trả lời",
        "related_badge": "liên quan", "source": "Nguồn ↗", "open_full": "Mở toàn bài tại đoạn này",
        "full": "Toàn văn bài viết (đã làm sạch)", "no_hits": "Không có đoạn văn nào khớp.",
        "retr_both": "cả hai", "retr_dense": "ngữ nghĩa", "retr_bm25": "từ khóa",
        "score": "điểm", "abstain_badge": "Không có câu trả lời trong kho",
        "see": "Xem bằng chứng", "cols": ["Tiêu đề", "Ngày", "Địa phương", "Văn bản", "Số đoạn", "Mã bài",
                                            "Đồng bộ lúc", "Nguồn"],
        "added": "Đã thêm", "updated": "Đã cập nhật", "unchanged": "Không đổi", "refused": "Từ chối",
        "merged": "Bản đăng lại, gộp vào bài đã có", "copy": "bản đăng lại",
        "passages": "đoạn", "ask_now": "Có thể hỏi về bài mới ngay ở thẻ “Hỏi đáp”.",
        "too_big": "tệp {size} vượt giới hạn {limit}; hãy tách thành các bài nhỏ hơn",
        "bad_type": "loại tệp {ext} không được hỗ trợ; dùng {types}",
        "not_file": "không phải tệp thông thường", "busy": "Chỉ mục đang được ghi; thử lại sau giây lát.",
        "budget": "Tệp tải lên vượt hạn mức ({passages} đoạn hoặc {seconds} giây) nên đã bị từ chối và không lưu gì; hãy chia nhỏ tệp.",
        "filter_error": "Bộ lọc không hợp lệ: {msg}", "empty_q": "Hãy nhập câu hỏi.",
        "paste_urls": "Hoặc dán địa chỉ bài viết trên web (mỗi dòng một URL)", "fetch_urls": "Lấy bài từ web",
        "too_many_urls": "mỗi lần lấy tối đa {n} địa chỉ; dán phần còn lại lần sau",
    },
    "en": {
        "title": "Search on mass-mobilisation work", "lang": "Language", "filters": "Filters",
        "docs": "Document referenced", "localities": "Locality", "years": "Year",
        "ask_tab": "Ask", "search_tab": "Search", "corpus_tab": "Corpus",
        "question": "Question", "question_ph": "e.g. which districts reviewed Quyết định 290?",
        "ask": "Ask", "examples": "Example questions", "query": "Search terms", "k": "Results",
        "search": "Search", "upload": "Upload articles ({types})",
        "articles": "Articles", "pick": "Read an article", "counts": "{a} articles · {p} passages",
        "evidence": "Evidence", "related": "Related passages — not an answer",
        "related_badge": "related", "source": "Source ↗", "open_full": "Open the full article at this passage",
        "full": "Full article (cleaned)", "no_hits": "No passage matches.",
        "retr_both": "both", "retr_dense": "semantic", "retr_bm25": "keyword",
        "score": "score", "abstain_badge": "No answer in the corpus",
        "see": "See evidence", "cols": ["Title", "Date", "Locality", "Documents", "Passages", "Doc id",
                                      "Last synced", "Source"],
        "added": "Added", "updated": "Updated", "unchanged": "Unchanged", "refused": "Refused",
        "merged": "Republished copy, merged into an existing article", "copy": "the copy",
        "passages": "passages", "ask_now": "You can ask about the new articles in the “Ask” tab right away.",
        "too_big": "file is {size}, over the {limit} limit; split it into smaller articles",
        "bad_type": "unsupported file type {ext}; use {types}",
        "not_file": "not a regular file", "busy": "The index is being written; try again in a moment.",
        "budget": "The upload went over its budget ({passages} passages or {seconds} s), so it was refused and nothing was kept; split the file.",
        "filter_error": "Invalid filter: {msg}", "empty_q": "Type a question.",
        "paste_urls": "Or paste web article addresses (one URL a line)", "fetch_urls": "Fetch from the web",
        "too_many_urls": "at most {n} addresses at a time; paste the rest next time",
    },
}

CSS = """
.gradio-container { width: 100% !important; max-width: 1100px !important; margin: 0 auto !important; }
/* The page keeps its width before any content arrives (it shrank to ~450 px), and a table header breaks
   between words at most, never inside one ("S ố đ o ạ n"); a long cell value may still wrap anywhere. */
.gradio-container > .main, .gradio-container .wrap, #app-title { min-width: 0; }
#app-title { flex-grow: 1 !important; } #app-title h2 { white-space: nowrap; }
#articles table, #articles td, #articles th, #articles span,
#tl-table table, #tl-table td, #tl-table th, #tl-table span { font-family: var(--font) !important; }
#articles th, #articles th *, #tl-table th, #tl-table th * { white-space: normal !important;
  word-break: keep-all !important; overflow-wrap: normal !important; hyphens: manual !important; }
#articles td, #articles td *, #tl-table td, #tl-table td * { overflow-wrap: break-word; word-break: normal; }
#locale-bridge { display: none !important; }
#app-title h2 { margin: .2rem 0; } #counts .meta { margin: 0; }
@media (max-width: 640px) { #header-row { flex-wrap: wrap; } #app-title { min-width: 100% !important; } }
.tr-out { font-size: 1rem; line-height: 1.55; overflow-wrap: anywhere; }
.tr-card dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; }
.tr-card dt { font-weight: 600; } .tr-card .doc-name { font-size: 1.05rem; font-style: italic; }
a.docref { margin-right: .4rem; padding: 0 .3rem; border: 1px solid #94a3b8; border-radius: 4px; text-decoration: none; }
.tr-out .answer { border-left: 4px solid #2563eb; background: #eff6ff; color: #0f172a;
  padding: .75rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
.tr-out .answer ul { margin: .4rem 0 0 1.1rem; padding: 0; }
.tr-out .answer li { margin: .35rem 0; }
.tr-out .abstain { border-left-color: #b45309; background: #fffbeb; }
.tr-out .note { color: #92400e; font-style: italic; }
.tr-out a.cite { font-weight: 700; text-decoration: none; padding: 0 .15rem; border-radius: 4px;
  background: #dbeafe; color: #1d4ed8; white-space: nowrap; }
.tr-out a.cite:hover, .tr-out a.cite:focus { background: #1d4ed8; color: #fff; }
.tr-out h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
.tr-out .card { border: 1px solid #cbd5e1; border-radius: 8px; padding: .75rem 1rem; margin: .6rem 0;
  background: #fff; color: #0f172a; scroll-margin-top: 1rem; }
.tr-out .card:target { outline: 3px solid #f59e0b; background: #fffbeb; }
.tr-out .card.related { border-style: dashed; background: #f8fafc; }
.tr-out .card-head { font-weight: 600; }
.tr-out .badge { display: inline-block; font-size: .8rem; font-weight: 700; border-radius: 999px;
  padding: 0 .5rem; margin-right: .35rem; background: #1d4ed8; color: #fff; }
.tr-out .badge.rel { background: #64748b; }
.tr-out .badge.r-dense { background: #7c3aed; } .tr-out .badge.r-bm25 { background: #047857; }
.tr-out .badge.r-both { background: #b45309; }
.tr-out .meta { font-size: .88rem; color: #475569; margin: .2rem 0 .4rem; }
.tr-out .meta span + span::before { content: " · "; }
.tr-out .meta a { color: #1d4ed8; }
.tr-out .passage { margin: .3rem 0; padding: .4rem .7rem; border-left: 3px solid #94a3b8;
  background: #f8fafc; white-space: pre-wrap; }
.tr-out mark.quote { background: #fde68a; color: #0f172a; padding: 0 .1rem; }
.tr-out .direct { font-size: 1.6rem; font-weight: 700; margin: .1rem 0 .4rem; }
.tr-out mark.quote .direct-span { background: #f59e0b; font-weight: 700; }
.tr-out .term { text-decoration: underline 2px #2563eb; text-underline-offset: 3px; font-weight: 600; }
.tr-out details { margin-top: .3rem; }
.tr-out summary { cursor: pointer; color: #1d4ed8; font-size: .9rem; }
.tr-out .fulltext { white-space: pre-wrap; max-height: 24rem; overflow: auto; padding: .5rem .7rem;
  border: 1px solid #e2e8f0; border-radius: 6px; background: #fff; font-size: .93rem; }
.tr-out .in-article { background: #e0f2fe; scroll-margin-top: 2rem; }
.tr-out .in-article:target { outline: 2px solid #f59e0b; }
.tr-out .open-full { font-size: .9rem; }
.tr-out .ok { color: #047857; } .tr-out .bad { color: #b91c1c; }
.tr-out ul.report { padding-left: 1.1rem; }
"""


def esc(text: object) -> str:
    """HTML-escape, and turn ``{ } $`` into entities so no template syntax survives in the markup."""
    out = html.escape(str(text), quote=True)
    return out.replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def query_terms(question: str) -> list[str]:
    """The question's phrases worth marking in passages, read with the question (``qa.question.terms``)."""
    from qa.question.terms import query_terms as read_terms

    return read_terms(question)


def _mark_terms(text: str, terms: Sequence[str]) -> str:
    if not terms or not text:
        return esc(text)
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in terms)
    pattern = re.compile(r"(?<!\w)(" + alternatives + r")(?!\w)", re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc(text[pos : m.start()]))
        out.append(f'<span class="term">{esc(m.group(0))}</span>')
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def highlight(text: str, terms: Sequence[str], quote: tuple[int, int] | None = None, span: str | None = None) -> str:
    """``text`` as HTML: the quoted span in ``<mark class="quote">``, question terms in ``.term``, and the
    answer span (``Answer.direct``) inside the quote in ``.direct-span``."""
    if quote is None or not (0 <= quote[0] < quote[1] <= len(text)):
        return _mark_terms(text, terms)
    qs, qe = quote
    inner = text[qs:qe]
    at = inner.find(span) if span else -1
    marked = _mark_terms(inner, terms) if at < 0 else (
        _mark_terms(inner[:at], terms) + f'<strong class="direct-span">{esc(span)}</strong>'
        + _mark_terms(inner[at + len(span):], terms))
    return _mark_terms(text[:qs], terms) + f'<mark class="quote">{marked}</mark>' + _mark_terms(text[qe:], terms)


def _link_markers(escaped_line: str, known: set[int], lang: str) -> str:
    def repl(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a class="cite" href="#cite-{n}" title="{esc(LABELS[lang]["see"])} {n}">[{n}]</a>'

    return re.sub(r"\[(\d+)\]", repl, escaped_line)


def _entities(index: "Index", doc_id: str):
    getter = getattr(index, "entities", None)
    return getter(doc_id) if getter else None


def _full_article(index: "Index", hit: "Hit", anchor: str, terms: Sequence[str], quote, lang: str) -> str:
    article = index.article(hit.doc_id)
    if article is None:
        return ""
    p = hit.passage
    text = article.text
    if text[p.start : p.end] == p.text:
        body = (esc(text[: p.start]) + f'<span class="in-article" id="{anchor}">' + highlight(p.text, terms, quote)
                + "</span>" + esc(text[p.end :]))
        link = f'<a class="open-full" href="#{anchor}">{esc(LABELS[lang]["open_full"])} ↓</a>'
    else:  # offsets disagree with the stored text: show the article without an anchor rather than a wrong one
        body, link = esc(text), ""
    return (f'{link}<details><summary>{esc(LABELS[lang]["full"])}</summary>'
            f'<div class="fulltext">{body}</div></details>')


def page_label(page: int | None, lang: str) -> str:
    """Where in the file a quote is: "tr. 3" (Vietnamese "trang"), "p. 3"; "" for unpaged sources."""
    return "" if page is None else (f"tr. {page}" if lang == "vi" else f"p. {page}")


def _doc_links(entities, passage) -> str:
    """The documents a passage names, each a link that opens its card in the Documents tab (ui_report)."""
    refs = [r for r in getattr(entities, "refs", ()) if r.start >= 0 and passage.start <= r.start < passage.end]
    shown = dict.fromkeys(r.canonical if r.issuer else r.surface for r in refs)
    links = "".join(f'<a href="#" class="docref" data-ref="{esc(ref)}">{esc(ref)}</a> ' for ref in shown)
    return f'<span class="docrefs">{links}</span>' if links else ""


def card(index: "Index", hit: "Hit", *, card_id: str, badges: str, terms: Sequence[str], lang: str,
         quote: tuple[int, int] | None = None, extra_class: str = "", span: str | None = None) -> str:
    """One passage as evidence: title, locality, date, source link, highlighted passage, full article."""
    entities = _entities(index, hit.doc_id)
    place = getattr(getattr(entities, "primary_locality", None), "full_name", None)
    url = safe_url(hit.url)
    meta = [f'<span class="place">{esc(place)}</span>' if place else "",
            f'<span class="date">{esc(hit.date)}</span>' if hit.date else "",
            f'<span><a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(LABELS[lang]["source"])}</a></span>'
            if url else "",
            f'<span class="page">{esc(page_label(hit.passage.page, lang))}</span>' if hit.passage.page else "",
            f"<span><code>{esc(hit.passage.passage_id)}</code></span>", _doc_links(entities, hit.passage)]
    return (f'<div class="card {extra_class}" id="{card_id}">'
            f'<div class="card-head">{badges}{esc(hit.title or hit.doc_id)}</div>'
            f'<div class="meta">{"".join(meta)}</div>'
            f'<div class="passage">{highlight(hit.passage.text, terms, quote, span)}</div>'
            f'{_full_article(index, hit, card_id + "-full", terms, quote, lang)}</div>')


def render_answer(index: "Index", answer: "Answer", lang: str) -> str:
    """The answer with linked markers, then one evidence card per citation (or the related passages)."""
    L = LABELS[lang]
    terms = query_terms(answer.question)
    known = {c.n for c in answer.citations}
    labels = sorted((i.label for i in answer.items), key=len, reverse=True)
    lines = [ln for ln in answer.text.split("\n") if ln.strip()]
    parts: list[str] = []
    bullets: list[str] = []
    for line in lines:
        if line.startswith("- "):
            body = line[2:]
            label = next((lb for lb in labels if body.startswith(lb + ":")), None)
            note = ""
            m = re.match(r"^(.*\[\d+\])\s*(\(.*\))\s*$", body)
            if m:
                body, note = m.group(1), m.group(2)
            if label:
                rest = _link_markers(esc(body[len(label) + 1 :]), known, lang)
                html_line = f"<strong>{esc(label)}</strong>:{rest}"
            else:
                html_line = _link_markers(esc(body), known, lang)
            if note:
                html_line += f' <span class="note">{esc(note)}</span>'
            bullets.append(f"<li>{html_line}</li>")
        else:
            parts.append(f"<p>{_link_markers(esc(line), known, lang)}</p>")
    if bullets:
        parts.append("<ul>" + "".join(bullets) + "</ul>")
    if answer.abstained:
        head = f'<div class="answer abstain" role="status"><strong>⚠ {esc(L["abstain_badge"])}</strong>'
    else:
        head = '<div class="answer">'
    if answer.direct and answer.direct_citation in known:  # the fact first, large, above the quotes
        head += (f'<div class="direct">{esc(answer.direct)} '
                 f'{_link_markers(esc(f"[{answer.direct_citation}]"), known, lang)}</div>')
    out = [head + "".join(parts) + "</div>"]
    if answer.citations:
        out.append(f"<h3>{esc(L['evidence'])}</h3>")
        for c in answer.citations:
            out.append(card(index, c.hit, card_id=f"cite-{c.n}", badges=f'<span class="badge">[{c.n}]</span>',
                            terms=terms, lang=lang, quote=(c.quote_start, c.quote_end),
                            span=answer.direct if c.n == answer.direct_citation else None))
    if answer.abstained and answer.related:
        out.append(f"<h3>{esc(L['related'])}</h3>")
        for i, hit in enumerate(answer.related, 1):
            out.append(card(index, hit, card_id=f"related-{i}", terms=terms, lang=lang, extra_class="related",
                            badges=f'<span class="badge rel">{esc(L["related_badge"])}</span>'))
    return f'<div class="tr-out" data-q="{esc(answer.question)}">{"".join(out)}</div>'


def retriever_badges(hit: "Hit", lang: str) -> str:
    found, L = set(hit.retrievers), LABELS[lang]
    out = []
    for name, rank in (("dense", hit.dense_rank), ("bm25", hit.bm25_rank)):  # each in the page's language
        if name in found:
            out.append(f'<span class="badge r-{name}">{esc(L["retr_" + name])}{f" #{rank}" if rank else ""}</span>')
    if len(found) > 1:
        out.append(f'<span class="badge r-both">{esc(LABELS[lang]["retr_both"])}</span>')
    return "".join(out)


def render_hits(index: "Index", hits: Sequence["Hit"], query: str, lang: str) -> str:
    L = LABELS[lang]
    if not hits:
        return f'<div class="tr-out" data-q="{esc(query)}"><div class="answer abstain">{esc(L["no_hits"])}</div></div>'
    terms = query_terms(query)
    cards = []
    for rank, hit in enumerate(hits, 1):
        badges = (f'<span class="badge">#{rank}</span><span class="badge rel">{esc(L["score"])} {hit.score:.4f}</span>'
                  + retriever_badges(hit, lang) + "<br>")
        cards.append(card(index, hit, card_id=f"hit-{rank}", badges=badges, terms=terms, lang=lang))
    return f'<div class="tr-out" data-q="{esc(query)}">{"".join(cards)}</div>'


def render_article(article: "Article | None", place: str | None, lang: str) -> str:
    if article is None:
        return ""
    url = safe_url(article.url)
    meta = [f'<span class="place">{esc(place)}</span>' if place else "",
            f'<span class="date">{esc(article.date)}</span>' if article.date else "",
            f'<span><a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(LABELS[lang]["source"])}</a></span>'
            if url else "", f"<span><code>{esc(article.doc_id)}</code></span>"]
    return (f'<div class="tr-out"><div class="card" id="article-view"><div class="card-head">{esc(article.title)}</div>'
            f'<div class="meta">{"".join(meta)}</div><div class="fulltext">{esc(article.text)}</div></div></div>')


def article_rows(summaries: Sequence["ArticleSummary"], sources: dict | None = None) -> list[list]:
    """One row per article; the last two columns say when it was last synced and from which file (and
    line), with its merged republished copies after it ("+ 2 bản khác: …")."""
    rows = []
    for s in summaries:
        a, e = s.article, s.entities
        place = e.primary_locality.full_name if e.primary_locality else ""
        refs = ", ".join(dict.fromkeys(r.canonical for r in e.refs))
        found = (sources or {}).get(a.doc_id) or []
        own = found[0] if found else None
        where = f"{own.path}:{own.line}" if own and own.line else (own.path if own else a.origin)
        if len(found) > 1:
            where += f" (+{len(found) - 1}: " + ", ".join(c.url or c.path for c in found[1:]) + ")"
        rows.append([a.title, a.date or e.event_date or "", place, refs, s.passages, a.doc_id,
                     (own.synced_at or "") if own else "", where])
    return rows
