"""The mass organisations and bodies of the political system a question may name ("Hội Chữ thập đỏ quận
Đống Đa có bao nhiêu hội viên?"): a fixed list of the organisations Vietnamese reports name, each with the
abbreviations reports print ("Hội CTĐ", "MTTQ") and an English name. A question naming one may only be
answered from an article that names it, as for a place or a document. The question is read for them in
``qa.question.organisations``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import fold


@dataclass(frozen=True)
class Organisation:
    label: str  # as a reader writes it: "Hội Chữ thập đỏ"
    names: tuple[str, ...]  # folded forms an article may print (full name, abbreviations)
    asked: re.Pattern  # how a question names it, folded (Vietnamese or English)


def _org(label: str, article_forms: tuple[str, ...], asked: str) -> Organisation:
    return Organisation(label, tuple(fold(f).lower() for f in article_forms), re.compile(asked))


ORGANISATIONS = (
    _org("Hội Chữ thập đỏ", ("chữ thập đỏ", "hội ctđ", "hội ctd"), r"\bchu thap do\b|\bred cross\b"),
    _org("Mặt trận Tổ quốc", ("mặt trận tổ quốc", "mttq", "ủy ban mặt trận", "uỷ ban mặt trận"),
         r"\bmat tran to quoc\b|\bmttq\b|\bfatherland front\b"),
    _org("Đoàn Thanh niên", ("đoàn thanh niên", "đoàn tncs", "thành đoàn", "quận đoàn", "huyện đoàn"),
         r"\bdoan thanh nien\b|\byouth union\b"),
    _org("Hội Liên hiệp Phụ nữ", ("hội liên hiệp phụ nữ", "hội phụ nữ", "hội lhpn"),
         r"\bhoi (?:lien hiep )?phu nu\b|\bwomen'?s union\b"),
    _org("Hội Nông dân", ("hội nông dân", "hội nd"), r"\bhoi nong dan\b|\bfarmers'? (?:association|union)\b"),
    _org("Hội Cựu chiến binh", ("cựu chiến binh", "hội ccb"), r"\bcuu chien binh\b|\bveterans'? association\b"),
    _org("Công đoàn", ("công đoàn", "liên đoàn lao động"), r"\bcong doan\b|\btrade union\b"),
    _org("Hội Người cao tuổi", ("người cao tuổi", "hội nct"), r"\bnguoi cao tuoi\b|\belderly association\b"),
    _org("Hội Khuyến học", ("khuyến học",), r"\bkhuyen hoc\b|\bstudy promotion\b"),
)


def names_organisation(text: str, organisation: Organisation) -> bool:
    folded = fold(text).lower()
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) for name in organisation.names)
