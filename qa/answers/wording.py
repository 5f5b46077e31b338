"""The fixed words around quotes, in the question's language: frames, list intros, notes, abstentions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from index.records import Hit


class Quoted(Protocol):
    """What a frame reads of a citation (``qa.records.Citation``, which itself reads this table)."""

    n: int

    @property
    def quote(self) -> str: ...


@dataclass(frozen=True)
class Wording:
    according: str
    none_found: str
    list_intro: str
    not_level: str
    misprint: str
    possibly: str
    unmet: str
    unmet_time: str
    yes: str
    role_unclear: str
    roles: dict
    office: str  # "{role}" of role_unclear for an office question
    unmet_office: str
    today: str  # the "today" an abstention names: "{day:02d}/{month:02d}/{year}", "{iso}"
    time_month: str  # a month a question pins: "tháng {m}/{y}"
    time_year: str
    card: str  # what a document is, from its card; "{issued}" is card_issued or ""
    card_issued: str
    card_date: str
    card_issuer: str
    new_ward: str  # a ward created on 1 July 2025 and the old wards merged into it
    follow_up: str  # what a follow-up was read as; "{parts}": what it kept and changed
    follow_up_kinds: dict
    follow_up_replaced: str
    follow_up_added: str
    follow_up_nothing: str
    follow_up_joins: dict  # how a follow-up's new place, document or year is added to the previous question
    related: str  # the heading of the related passages under an abstention (plain text)
    direct: str = "{span} [{n}]."  # the answer span leading a quoted answer (qa.direct)
    possibly_spans: str = "Chưa chắc chắn; có thể là {spans}:"
    either: str = " hoặc "
    uncounted: str = "Các bài viết không nêu số {what}; gần nhất:"  # a count of something else is no answer


WORDING = {
    "vi": Wording(
        according="Theo bài “{title}”{date}: “{quote}” [{n}]",
        none_found="Không tìm thấy thông tin trả lời câu hỏi này trong các bài viết đã lập chỉ mục.",
        list_intro="Tìm thấy {count} kết quả trong các bài viết:",
        not_level="{label} là đơn vị cấp {level}, không phải {asked}.",
        misprint="bài viết in “{printed}”, đã đối chiếu với tiêu đề là {canonical}",
        possibly="Chưa chắc chắn; có thể là một trong các câu sau:",
        unmet="Không có bài viết nào về {what}; gần nhất:",
        unmet_time="Không có bài viết hay đoạn văn nào khớp thời gian {what}; gần nhất:",
        yes="Có",
        role_unclear="Các bài viết không nói rõ ai {role}; có thể là một trong các câu sau:",
        roles={"chair": "chủ trì", "speak": "phát biểu", "lead": "chỉ đạo hay dẫn đầu"},
        office="là {office}",
        unmet_office="Các bài viết không nói ai là {what}; gần nhất:",
        today="hôm nay ({day:02d}/{month:02d}/{year})",
        time_month="tháng {m}/{y}",
        time_year="năm {y}",
        card="{id} là {name} [1]. {issued}được {cited} bài viết trong kho trích dẫn.",
        card_issued="Ban hành {facts}; ",
        card_date="ngày {day}/{month}/{year}",
        card_issuer="do {issuer}",
        new_ward="{name} (từ 1/7/2025) gồm: {olds}.",
        follow_up="Câu hỏi tiếp theo của “{previous}”, hiểu là: “{resolved}” ({parts}).",
        follow_up_kinds={"document": "văn bản", "place": "địa phương", "year": "năm"},
        follow_up_replaced="{old} thay bằng {new}",
        follow_up_added="thêm {kind} {new}",
        follow_up_nothing="không giữ gì",
        follow_up_joins={"place": " ở ", "document": " theo ", "year": " năm "},
        related="Đoạn văn liên quan:",
    ),
    "en": Wording(
        according="According to “{title}”{date}: “{quote}” [{n}]",
        none_found="The indexed articles do not contain an answer to this question.",
        list_intro="Found {count} matching results in the articles:",
        not_level="{label} is a {level}-level unit, not a {asked}.",
        misprint="the article prints “{printed}”; its title gives {canonical}",
        possibly="Not certain; possibly one of these:",
        unmet="No article is about {what}; nearest:",
        unmet_time="No article or passage matches the time {what}; nearest:",
        yes="Yes",
        role_unclear="The articles do not say clearly who {role}; possibly one of these:",
        roles={"chair": "chaired", "speak": "spoke", "lead": "led"},
        office="is the {office}",
        unmet_office="The articles do not say who the {what} is; nearest:",
        possibly_spans="Not certain; possibly {spans}:",
        either=" or ",
        uncounted="The articles do not give the number of {what}; nearest:",
        today="today ({iso})",
        time_month="{m}/{y}",
        time_year="{y}",
        card="According to the articles, {id} is “{name}” [1]. {issued}cited by {cited} articles.",
        card_issued="Issued {facts}; ",
        card_date="on {iso}",
        card_issuer="by {issuer}",
        new_ward="{name} (since 1 July 2025) includes: {olds}.",
        follow_up="Follow-up of “{previous}”, read as: “{resolved}” ({parts}).",
        follow_up_kinds={"document": "document", "place": "place", "year": "year"},
        follow_up_replaced="{old} → {new}",
        follow_up_added="+ {kind} {new}",
        follow_up_nothing="nothing kept",
        follow_up_joins={"place": " in ", "document": " under ", "year": " in "},
        related="Related passages:",
    ),
}
LEVEL_NAME = {
    "vi": {"province": "tỉnh/thành phố", "district": "quận/huyện", "ward": "phường/xã"},
    "en": {"province": "province/city", "district": "district", "ward": "ward/commune"},
}


def according(lang: str, hit: Hit, citation: Quoted) -> str:
    date = f" ({hit.date})" if hit.date else ""
    return WORDING[lang].according.format(title=hit.title, date=date, quote=citation.quote, n=citation.n)


def misprint_note(lang: str, entities, hit: Hit) -> str:
    notes = []
    for ref in entities.refs:
        if ref.corrected_from and f"{ref.corrected_from}-{ref.kind}" in hit.passage.text:
            notes.append(WORDING[lang].misprint.format(
                printed=f"{ref.corrected_from}-{ref.kind}" + (f"/{ref.issuer}" if ref.issuer else ""),
                canonical=ref.canonical))
    return "; ".join(dict.fromkeys(notes))


def hedged(text: str, lang: str) -> bool:
    """The answer text says it is unsure, wherever that stands (a direct span may come first: "X [1]. Chưa chắc
    chắn; …"): the unsure head of ``possibly`` ("Chưa chắc chắn;", which ``possibly_spans`` opens with too) or
    its tail ("có thể là một trong các câu sau:", which ends ``role_unclear``)."""
    head, tail = WORDING.get(lang, WORDING["vi"]).possibly.split("; ", 1)
    return head + ";" in text or tail in text
