"""Bytes of a plain-text article in a legacy Vietnamese encoding, for ``index.ingest.sources``.

Tried before Windows-1258: TCVN3 bytes also decode as Windows-1258 and can show a few Vietnamese-looking
letters there, so the structural test (``legacy_encodings.detect``) must speak first.
"""

from __future__ import annotations

from .base import RefusedInput
from .legacy_encodings import LegacyEncoding, convert_bytes, convert_text


def decode_legacy_text(data: bytes, *, min_confidence: float = 0.9) -> tuple[str, LegacyEncoding | None] | None:
    """(text, encoding) when ``data`` is legacy-encoded Vietnamese: TCVN3 or VNI bytes, VIQR, or UTF-8 text
    that carries TCVN3/VNI code points (pasted from a .VnTime document); ``encoding`` is None for UTF-8
    text that needs no conversion. None when the bytes are neither UTF-8 nor a legacy encoding (the
    caller tries Windows-1258). Raises ``RefusedInput`` when they look legacy-encoded but too uncertainly."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return convert_bytes(data, min_confidence=min_confidence)
    return convert_text(text, min_confidence=min_confidence)


__all__ = ["RefusedInput", "decode_legacy_text"]
