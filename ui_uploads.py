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

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".jsonl", ".pdf", ".docx", ".odt", ".doc", ".rtf",
                ".png", ".jpg", ".jpeg", ".tif", ".tiff")


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
        if ext not in UPLOAD_TYPES:
            refused.append((shown, L["bad_type"].format(ext=ext or "(none)")))
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
        return f'<div class="tr-out"><p class="bad">{esc(why)}</p></div>'
    report, refused = out.report, out.refused
    items = []
    if report is not None:
        for key, ids in (("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged),
                         ("merged", report.merged)):
            for doc_id in ids:
                article = index.article(doc_id)
                title = article.title if article else doc_id
                items.append(f'<li class="ok">✓ {esc(L[key])}: <strong>{esc(title)}</strong> '
                             f"(<code>{esc(doc_id)}</code>, {len(index.passages(doc_id))} {esc(L['passages'])})</li>")
    for name, why in refused:
        items.append(f'<li class="bad">✗ {esc(L["refused"])}: <strong>{esc(name)}</strong> — {esc(why)}</li>')
    hint = f"<p>{esc(L['ask_now'])}</p>" if report is not None and (report.added or report.updated) else ""
    return f'<div class="tr-out"><ul class="report">{"".join(items)}</ul>{hint}</div>'
