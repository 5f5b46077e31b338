"""Reading input files into ``SourceDoc`` records, refusing hostile input one file (or line) at a time.

Nothing here raises for a bad input: each unreadable file or JSONL line becomes a ``SkippedInput`` with a
one-line reason that names it and says what to do, and reading goes on with the rest.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index.records import SourceDoc, SourceKind
from index.text.normalize import has_vietnamese_diacritics

from .readers import Progress, ReadLimits, RefusedInput

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
KINDS: dict[str, SourceKind] = {
    ".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".jsonl": "jsonl",
    # Documents, read by index.ingest.readers (one reader per format family).
    ".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".doc": "doc", ".rtf": "rtf",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
}
_DOCUMENT_KINDS = frozenset({"pdf", "docx", "odt", "doc", "rtf", "image"})
_OPTIONAL_FIELDS = ("title", "url", "date")


@dataclass(frozen=True)
class SkippedInput:
    """A file or JSONL line that was not read; ``origin`` is the path, or ``path:line`` for JSONL."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


class UnreadableInput(ValueError):
    """Bytes that cannot be taken as an article; the message is the reason shown to the user."""


def read_sources(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> tuple[list[SourceDoc], list[SkippedInput]]:
    """Read every article under ``paths`` (files or directories); see ``iter_sources``."""
    docs: list[SourceDoc] = []
    skipped: list[SkippedInput] = []
    for item in iter_sources(paths, max_bytes=max_bytes, limits=limits, progress=progress):
        (docs if isinstance(item, SourceDoc) else skipped).append(item)
    return docs, skipped


def iter_sources(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> Iterator[SourceDoc | SkippedInput]:
    """Yield a ``SourceDoc`` per article and a ``SkippedInput`` per refused file or line, in input order.

    Directories are walked recursively in sorted order; hidden entries and files of other extensions are
    ignored there, while an explicitly named file of an unknown extension is reported. ``max_bytes`` limits
    one article: a whole .txt/.md/.html file, or one JSONL line (a JSONL file itself may be any size and
    is streamed line by line). Documents (PDF, images, Word-processor files) go through
    ``index.ingest.readers`` under ``limits`` (OCR reports each page to ``progress``); their doc_id is the
    file's base name too. A repeated doc_id is skipped, naming where it was first read."""
    limits = limits or ReadLimits(max_bytes=max_bytes)
    seen: dict[str, str] = {}
    for path, explicit in _walk(paths):
        if isinstance(path, SkippedInput):
            yield path
            continue
        for item in _read_file(path, explicit=explicit, max_bytes=max_bytes, limits=limits, progress=progress):
            if isinstance(item, SourceDoc):
                repeated = repeated_id(item, seen)
                if repeated is not None:
                    yield repeated
                    continue
            yield item


def repeated_id(item: SourceDoc, seen: dict[str, str]) -> SkippedInput | None:
    """The skip for a doc_id read before in this input (``seen``: doc_id → where; updated)."""
    first = seen.get(item.doc_id)
    if first is not None:
        return SkippedInput(item.origin, f"duplicate doc_id {item.doc_id!r} (first read from {first}); rename one of them")
    seen[item.doc_id] = item.origin
    return None


def _walk(paths: Iterable[str | Path]) -> Iterator[tuple[Path | SkippedInput, bool]]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk_dir(path)
        elif path.is_file():
            yield path, True
        elif path.is_symlink():
            yield SkippedInput(str(path), "broken symlink; point it at an existing file"), True
        elif not path.exists():
            yield SkippedInput(str(path), "no such file or directory"), True
        else:
            yield SkippedInput(str(path), "not a regular file or directory"), True


def _walk_dir(root: Path) -> Iterator[tuple[Path | SkippedInput, bool]]:
    real_root = root.resolve()
    # An explicit stack instead of os.walk: sorted order, and symlinks judged before they are followed.
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield SkippedInput(str(folder), f"cannot list directory ({exc.strerror})"), False
            continue
        subdirs: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    yield SkippedInput(str(path), f"symlink points outside {root} (to {target}); copy the file in instead"), False
                    continue
                if target.is_dir():
                    continue  # its target is inside the walked tree already; following it could loop
            if entry.is_dir():
                subdirs.append(path)
            elif entry.is_file() and path.suffix.lower() in KINDS:
                yield path, False
        stack.extend(reversed(subdirs))


def _read_file(
    path: Path, *, explicit: bool, max_bytes: int, limits: ReadLimits, progress: Progress | None
) -> Iterator[SourceDoc | SkippedInput]:
    origin = str(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        yield SkippedInput(origin, f"unsupported file type {path.suffix or '(none)'!r}; use {', '.join(KINDS)}")
        return
    if kind in _DOCUMENT_KINDS:
        yield _read_document(path, kind, limits, progress)
        return
    if kind == "jsonl":
        yield from _read_jsonl(path, max_bytes=max_bytes)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableInput(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; split it into articles")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:  # grew since stat, or a special file
            raise UnreadableInput(f"file is over the {max_bytes:,}-byte limit; split it into articles")
        text, converted_from = decode_article(data, min_confidence=limits.legacy_min_confidence)
    except (UnreadableInput, RefusedInput) as exc:
        yield SkippedInput(origin, str(exc))
        return
    except OSError as exc:
        yield SkippedInput(origin, f"cannot read file ({exc.strerror or exc})")
        return
    yield SourceDoc(doc_id=path.name, raw_text=text, kind=kind, origin=origin, converted_from=converted_from)


def _read_document(path: Path, kind: SourceKind, limits: ReadLimits, progress: Progress | None) -> SourceDoc | SkippedInput:
    from .readers import read_document

    try:
        got = read_document(path, limits, progress)
    except RefusedInput as exc:
        return SkippedInput(str(path), str(exc))
    except Exception as exc:  # noqa: BLE001 - a library failing on a hostile file skips that file only
        return SkippedInput(str(path), f"could not be read ({type(exc).__name__}: {str(exc)[:200]}); it may be damaged")
    return SourceDoc(doc_id=path.name, raw_text=got.text, kind=kind, origin=str(path), title=got.title,
                     page_starts=got.page_starts, converted_from=got.converted_from)


def decode_bytes(data: bytes) -> str:
    """Decode one article's bytes; see ``decode_article``."""
    return decode_article(data)[0]


def decode_article(data: bytes, *, min_confidence: float = 0.9) -> tuple[str, str | None]:
    """Decode one article's bytes: UTF-8 (BOM allowed), UTF-16 with BOM, legacy Vietnamese (TCVN3, VNI,
    VIQR: converted, and named in the second value), or clean Vietnamese Windows-1258. Raises
    ``UnreadableInput`` (or ``RefusedInput`` for an unsure legacy encoding) with the reason otherwise."""
    from .readers.text import decode_legacy_text

    converted_from = None
    if not data.strip():
        raise UnreadableInput("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"invalid UTF-16 at byte {exc.start}; re-save it as UTF-8") from None
    else:
        if b"\x00" in data:
            raise UnreadableInput("binary file (contains NUL bytes); only text articles can be read")
        legacy = decode_legacy_text(data, min_confidence=min_confidence)
        if legacy is not None:
            text, converted_from = legacy
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                text = _decode_legacy(data, exc)
    if not text.strip():
        raise UnreadableInput("empty file")
    return text, converted_from


def _decode_legacy(data: bytes, err: UnicodeDecodeError) -> str:
    where = f"byte 0x{data[err.start]:02X} at offset {err.start}"
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise UnreadableInput(
            f"not UTF-8 ({where}) and not Windows-1258 either; find its encoding and convert it, "
            "e.g. `iconv -f ENCODING -t UTF-8`"
        ) from None
    text = unicodedata.normalize("NFC", text)
    if _looks_vietnamese(text) and _looks_like_text(text):
        return text  # composed above: Windows-1258 writes tones as combining marks
    raise UnreadableInput(
        f"not UTF-8 ({where}); it decodes as Windows-1258 but shows no Vietnamese letters, so the encoding is "
        "something else (Latin-1/Windows-1252, TCVN3, VNI?); convert it with `iconv -f ENCODING -t UTF-8`"
    )


# Letters only Vietnamese uses among Latin-script languages: ă ơ ư đ and the hook-above / dot-below tones.
_DISTINCTIVE_MARKS = frozenset("\u0306\u031b\u0309\u0323")


def _looks_vietnamese(text: str) -> bool:
    # French or German text decoded as Windows-1258 also shows é or è; it is Vietnamese only when nearly
    # every accented letter is a Vietnamese one and some are letters no other language writes.
    sample = text[:200_000]
    accented = [c for c in set(sample) if c.isalpha() and not c.isascii()]
    if not accented:
        return False
    viet = [c for c in accented if has_vietnamese_diacritics(c)]
    distinctive = any(
        c in "đĐ" or _DISTINCTIVE_MARKS & set(unicodedata.normalize("NFD", c)) for c in viet
    )
    return distinctive and len(viet) >= 0.9 * len(accented)


def _looks_like_text(text: str) -> bool:
    # Random bytes decode under cp1258 too; real text is mostly letters, digits, spaces and punctuation.
    sample = text[:20000]
    odd = sum(1 for c in sample if not (c.isprintable() or c in "\n\r\t"))
    return odd <= len(sample) * 0.01


def _read_jsonl(path: Path, *, max_bytes: int, start: int = 0, end: int | None = None,
                first_line: int = 1) -> Iterator[SourceDoc | SkippedInput]:
    """The articles of a JSONL file, or of its lines from byte ``start`` (a line start, line number
    ``first_line``) to byte ``end`` (a line start; None: the end): a shard that a Ray worker reads."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield SkippedInput(str(path), f"cannot read file ({exc.strerror or exc})")
        return
    any_line = False
    with fh:
        fh.seek(start)
        lineno = first_line - 1
        while end is None or fh.tell() < end:
            raw = fh.readline(max_bytes + 1)
            if not raw:
                break
            lineno += 1
            origin = f"{path}:{lineno}"
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                # Drain the rest of the over-long line without holding it.
                while (chunk := fh.readline(1 << 20)) and not chunk.endswith(b"\n"):
                    pass
                yield SkippedInput(origin, f"line is over the {max_bytes:,}-byte limit; split the article")
                continue
            if not raw.strip():
                continue
            any_line = True
            yield _parse_jsonl_line(raw, origin)
    if not any_line and start == 0 and end is None:
        yield SkippedInput(str(path), "empty file")


def jsonl_shards(path: Path, shard_bytes: int) -> tuple[list[tuple[int, int | None, int]], bool]:
    """Cut a JSONL file at line ends into pieces of about ``shard_bytes``: (start, end or None, first line
    number) each, and whether the file holds anything but white space. Read in 1 MB blocks."""
    shards: list[tuple[int, int | None, int]] = []
    start, first, lines, pos, content = 0, 1, 0, 0, False
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            content = content or bool(chunk.strip())
            i = 0
            while True:
                want = start + shard_bytes - pos  # where in this block the shard is big enough
                cut = chunk.find(b"\n", max(i, want)) if want < len(chunk) else -1
                if cut < 0:
                    lines += chunk.count(b"\n", i)
                    break
                lines += chunk.count(b"\n", i, cut + 1)
                shards.append((start, pos + cut + 1, first))
                start, first, lines, i = pos + cut + 1, first + lines, 0, cut + 1
            pos += len(chunk)
    if pos > start:
        shards.append((start, None, first))
    return shards, content


def _parse_jsonl_line(raw: bytes, origin: str) -> SourceDoc | SkippedInput:
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM on the first line
        raw = raw[3:]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SkippedInput(origin, f"not UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1}); convert the file to UTF-8")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return SkippedInput(origin, f"invalid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object")
    if not isinstance(obj, dict):
        return SkippedInput(origin, f"expected a JSON object, got {type(obj).__name__}")
    doc_id = obj.get("id")
    if doc_id is None:
        return SkippedInput(origin, 'missing "id"; every line needs {"id": str, "text": str}')
    if not isinstance(doc_id, str) or not doc_id.strip():
        return SkippedInput(origin, f'"id" must be a non-empty string, got {json.dumps(doc_id, ensure_ascii=False)[:40]}')
    text = obj.get("text")
    if text is None:
        return SkippedInput(origin, f'missing "text" for id {doc_id!r}')
    if not isinstance(text, str):
        return SkippedInput(origin, f'"text" must be a string, got {type(text).__name__} (id {doc_id!r})')
    if not text.strip():
        return SkippedInput(origin, f'"text" is empty (id {doc_id!r})')
    extra: dict[str, str | None] = {}
    for name in _OPTIONAL_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            return SkippedInput(origin, f'"{name}" must be a string or null, got {type(value).__name__} (id {doc_id!r})')
        extra[name] = value.strip() or None if isinstance(value, str) else None
    return SourceDoc(doc_id=doc_id.strip(), raw_text=text, kind="jsonl", origin=origin, **extra)
