"""Uploads into the index folder: safe names, size limits checked before reading, no symlink is ever
followed, and an HTML report of what was ingested or why a file was refused. No Gradio here."""

from __future__ import annotations

import os
import re
import secrets
import stat
import unicodedata
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Sequence

from ui_render import LABELS, esc

if TYPE_CHECKING:
    from index.api import Index


def upload_types() -> tuple[str, ...]:
    """What the readers accept (``index.ingest.sources.KINDS``), so the picker, the label and the refusal
    never disagree with ingest; read on first use, which keeps ``import ui`` free of the index package."""
    from index.ingest.sources import KINDS

    return tuple(KINDS)


def __getattr__(name: str):  # ``UPLOAD_TYPES`` as before, computed when first asked for
    if name == "UPLOAD_TYPES":
        return upload_types()
    raise AttributeError(name)


def upload_label(lang: str = "vi") -> str:
    """The upload box's label, listing every extension the readers accept."""
    return LABELS[lang]["upload"].format(types=" ".join(upload_types()))


def safe_name(name: str) -> str:
    """A base name that cannot leave the uploads folder: no directories, no leading dots, word characters."""
    base = PurePosixPath(unicodedata.normalize("NFC", str(name)).replace("\\", "/")).name
    stem, ext = os.path.splitext(base)
    stem = re.sub(r"[^\w.\-]+", "_", stem).strip("._-")[:100] or "upload"
    ext = ext.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", ext.lower()) else ""
    return stem + ext


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def save_uploads(files: Sequence[str], index: "Index", lang: str = "vi") -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """Copy acceptable uploads into ``<index>/uploads/``: (accepted (shown name, saved path), refused (name, why)).

    The size is checked from ``lstat`` before anything is read, the copy stops at the limit anyway, and the
    destination is written with O_NOFOLLOW then renamed over (a rename never follows a symlink)."""
    L = LABELS[lang]
    limit = index.settings.max_upload_bytes
    folder = index.root / "uploads"
    accepted: list[tuple[str, Path]] = []
    refused: list[tuple[str, str]] = []
    if folder.is_symlink():
        return [], [(Path(f).name, "the uploads folder is a symlink; refusing to write through it") for f in files]
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for src in files:
        shown = Path(src).name
        name = safe_name(shown)
        ext = os.path.splitext(name)[1]
        if ext not in upload_types():
            refused.append((shown, L["bad_type"].format(ext=ext or "(none)", types=" ".join(upload_types()))))
            continue
        try:
            st = os.lstat(src)
        except OSError as exc:
            refused.append((shown, str(exc.strerror or exc)))
            continue
        if not stat.S_ISREG(st.st_mode):
            refused.append((shown, L["not_file"]))
            continue
        if st.st_size > limit:
            refused.append((shown, L["too_big"].format(size=_size(st.st_size), limit=_size(limit))))
            continue
        stem, n = os.path.splitext(name)[0], 2
        while name in used:
            name, n = f"{stem}-{n}{ext}", n + 1
        used.add(name)
        dest = folder / name
        if dest.resolve().parent != folder.resolve():  # belt and braces: safe_name already forbids it
            refused.append((shown, "unsafe file name"))
            continue
        try:
            _copy_limited(src, dest, limit)
        except _TooBig:
            refused.append((shown, L["too_big"].format(size=f"> {_size(limit)}", limit=_size(limit))))
            continue
        except OSError as exc:
            refused.append((shown, f"cannot save ({exc.strerror or exc})"))
            continue
        accepted.append((shown, dest))
    return accepted, refused


class _TooBig(Exception):
    pass


def _copy_limited(src: str, dest: Path, limit: int) -> None:
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.part")
    fd_in = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        fd_out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            total = 0
            while chunk := os.read(fd_in, 1 << 20):
                total += len(chunk)
                if total > limit:
                    raise _TooBig
                os.write(fd_out, chunk)
        finally:
            os.close(fd_out)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd_in)


def ingest_uploads(files: Sequence[str] | None, index: "Index", lang: str = "vi", on_progress=None, *,
                   user: str = "web") -> str:
    """Save, ingest (within the upload budget, audited as ``user``) and describe uploads as HTML (what was
    added, or why each file was refused). ``on_progress`` gets the ingest's ``IngestProgress``."""
    from tracuu.corpus_ops import ingest_uploads as ingest

    L = LABELS[lang]
    accepted, refused = save_uploads(list(files or []), index, lang)
    out = ingest(index, accepted, refused, user=user, via="page", on_progress=on_progress)
    if out.failed:
        why = L[out.failed].format(passages=index.settings.upload_max_passages,
                                   seconds=round(index.settings.upload_max_seconds))
        return refusal_html(why)
    report, refused = out.report, out.refused
    items = []
    if report is not None:
        for key, ids in (("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged)):
            for doc_id in ids:
                items.append(f'<li class="ok">✓ {esc(L[key])}: {_named(index, doc_id, L)}</li>')
        for copy, host in zip(report.merged, report.merged_into):  # name the article the copy joined
            items.append(f'<li class="ok">✓ {esc(L["merged"])}: {_named(index, host, L)} '
                         f'<span class="meta">({esc(L["copy"])} <code>{esc(copy)}</code>)</span></li>')
    return report_html(items, refused, L, report is not None and bool(report.added or report.updated))


def ingest_urls(text: str | None, index: "Index", lang: str = "vi", on_progress=None) -> str:
    """Fetch and ingest the web pages pasted in ``text`` (one URL a line) and describe the outcome as HTML,
    like ``ingest_uploads``. Only public hosts unless ``Settings.web_page_private_hosts``: the server
    fetches, so a pasted address must not reach into the server's own network."""
    from index import IndexBusyError
    from index.ingest.web import BadUrl, WebRequest, doc_id_for, normalize_url

    L = LABELS[lang]
    limit = index.settings.web_paste_limit
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    refused = [(line, L["too_many_urls"].format(n=limit)) for line in lines[limit:]]
    urls: list[str] = []
    for line in lines[:limit]:
        try:
            urls.append(normalize_url(line))
        except BadUrl as exc:
            refused.append((line, str(exc)))
    report = None
    if urls:
        request = WebRequest(urls=tuple(dict.fromkeys(urls)), allow_private=index.settings.web_page_private_hosts)
        try:
            report = index.ingest_web(request, on_progress=on_progress)
        except IndexBusyError:
            return refusal_html(L["busy"])
        refused += [(s.origin, s.reason) for s in report.skipped]
    items = []
    if report is not None:
        done = {*report.ingest.added, *report.ingest.updated, *report.ingest.merged}
        failed = {s.origin for s in report.skipped}
        not_modified = [doc_id_for(u) for u in urls if u not in failed and doc_id_for(u) not in done]
        for key, ids in (("added", report.ingest.added), ("updated", report.ingest.updated),
                         ("unchanged", not_modified), ("merged", report.ingest.merged)):
            for doc_id in dict.fromkeys(ids):
                article = index.article(doc_id)
                title = article.title if article else doc_id
                items.append(f'<li class="ok">✓ {esc(L[key])}: <strong>{esc(title)}</strong> (<code>{esc(doc_id)}</code>, '
                             f'<a href="{esc(article.url if article else "")}" rel="noopener noreferrer" target="_blank">'
                             f"{esc(L['source'])}</a>)</li>")
    return report_html(items, refused, L, report is not None and bool(report.ingest.added or report.ingest.updated))


def report_html(items: list[str], refused: Sequence[tuple[str, str]], L: dict, changed: bool) -> str:
    """The ingest report of uploads and pasted URLs alike: what was done (``items``), then each refusal with
    its reason, then the hint to ask at once when anything was added or updated."""
    items = items + [f'<li class="bad">✗ {esc(L["refused"])}: <strong>{esc(name)}</strong> — {esc(why)}</li>'
                     for name, why in refused]
    hint = f"<p>{esc(L['ask_now'])}</p>" if changed else ""
    return f'<div class="tr-out"><ul class="report">{"".join(items)}</ul>{hint}</div>'


def refusal_html(why: str) -> str:
    """A whole request refused (busy index, no right to write, over budget): one line, escaped."""
    return f'<div class="tr-out"><p class="bad">{esc(why)}</p></div>'


def _named(index: "Index", doc_id: str, L: dict) -> str:
    """An article as the report names it: its title, doc_id and passage count."""
    article = index.article(doc_id)
    title = article.title if article else doc_id
    return (f"<strong>{esc(title)}</strong> (<code>{esc(doc_id)}</code>, {len(index.passages(doc_id))} "
            f"{esc(L['passages'])})")
