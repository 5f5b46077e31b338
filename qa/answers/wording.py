"""The fixed words around quotes, in the question's language: frames, list intros, notes, abstentions."""

from __future__ import annotations

from dataclasses import dataclass

from index.records import Hit

from ..records import Citation


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
    ),
}
LEVEL_NAME = {
    "vi": {"province": "tỉnh/thành phố", "district": "quận/huyện", "ward": "phường/xã"},
    "en": {"province": "province/city", "district": "district", "ward": "ward/commune"},
}


def according(lang: str, hit: Hit, citation: Citation) -> str:
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
