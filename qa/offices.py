"""The office a "who is" question asks the holder of ("Ai là Bí thư Quận ủy Tây Hồ?", "Who is the Vice Chairman
of Can Tho City People's Committee?"), and whether a sentence states that office itself — not its deputy's
("Phó Bí thư …"), not a longer title ("Tổng Bí thư"), with the body the question names ("Quận ủy", "UBND").
``qa.answers.who`` quotes only a sentence that states it; ``qa.answers.fact`` abstains when the passages
give only the deputy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from index.text.refs import fold, fold_with_offsets, within_one_edit

from .forms import WHO_RE
from .organisations import ORGANISATIONS

# Offices of the Vietnamese political system a "who is" question asks the holder of, folded, longest first so
# "pho bi thu" is not read as "bi thu". "Phó X" is another office than "X": the deputy does not answer it.
_OFFICE_HEADS = ("tong bi thu", "bi thu", "chu tich", "truong ban", "giam doc", "truong cong an", "chanh van phong",
                 "truong phong", "bo truong", "thu tuong", "chu nhiem", "tong thu ky", "tong giam doc")
_OFFICE_RE = re.compile(r"\b(pho )?(" + "|".join(sorted(_OFFICE_HEADS, key=len, reverse=True)) + r")\b")
# The body an office belongs to, as the question's next words name it: only these count (not "cuoi cung",
# "dau tien", which say which holder, not which office). Abbreviations as reports print them.
_ABBREVIATIONS = ((r"\buy ban nhan dan\b", "ubnd"), (r"\bhoi dong nhan dan\b", "hdnd"),
                  (r"\b(?:uy ban |ub )?(?:mat tran to quoc|mttq)(?: viet nam)?\b", "mttq"))
_BODIES = (r"(?:quan|thanh|tinh|huyen|dang|thi) uy|uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|"
           r"(?:uy ban |ub )?(?:mat tran to quoc|mttq)|ban \w+(?: \w+)?|hoi \w+(?: \w+)?|cong an|"
           r"so \w+(?: \w+)?|bo \w+(?: \w+)?|van phong")
_BODY_RE = re.compile(rf"\s*({_BODIES})\b")
_GLOSSED_BODY_RE = re.compile(rf"\b({_BODIES})\b")
# After "trưởng ban" the body is the board's name itself ("Trưởng Ban Dân vận Thành ủy").
_BOARD_RE = re.compile(r"\s*(\w+ \w+)\b")
_TITLES_BETWEEN = 12  # words of other titles between a name and the office it holds ("Ủy viên Ban Thường vụ, …")
_PLACE_WORDS = 4  # words of a place between an office and the name after it ("… tỉnh Trà Vinh Đồng Văn Lâm")
_BODY_WINDOW = 4  # words an article may put between the office and its body ("Phó Bí thư Thường trực Quận ủy")


@dataclass(frozen=True)
class Office:
    """The post a "who is" question asks about: ``head`` ("bi thu", "pho chu tich") and the ``body`` it belongs to
    ("quan uy", "ubnd"; "" when the question names none), folded; ``label`` as the question prints it."""

    head: str
    body: str
    label: str


def abbreviated(folded: str) -> str:
    out = folded
    for pattern, short in _ABBREVIATIONS:
        out = re.sub(pattern, short, out)
    return out


def _asked_post(folded: str) -> re.Match | None:
    """The post a folded "who" question names, if it names one."""
    return _OFFICE_RE.search(folded) if WHO_RE.search(folded) else None


def asked_office(folded: str, question: str, offsets: list[int], places: Sequence[tuple[int, int]] = ()) -> Office | None:
    """The office a Vietnamese "who is" question asks the holder of ("Ai là Trưởng Ban Dân vận Thành ủy Cần
    Thơ?", "Chủ tịch UBND quận là ai?"). ``folded``: the folded question, documents blanked (places kept:
    "Quận ủy Tây Hồ" is both a place and the office's body); ``offsets``: each folded character's index
    in ``question``, for the label, which runs on through a place that follows or holds the body
    (``places``: spans in ``question``) or the organisation it names: "Bí thư Quận ủy Tây Hồ"."""
    m = _asked_post(folded)
    if m is None:
        return None
    head = (m.group(1) or "") + m.group(2)
    body = (_BOARD_RE if head.endswith("ban") else _BODY_RE).match(folded, m.end())
    folded_end = body.end() if body else m.end()
    for organisation in ORGANISATIONS:  # the body's whole name: "Hội Chữ thập đỏ", not "Hội Chữ thập"
        for named in organisation.asked.finditer(folded):
            if named.start() < folded_end < named.end():
                folded_end = named.end()
    start, end = offsets[m.start()], offsets[folded_end - 1] + 1
    for place_start, place_end in sorted(places):
        if start < place_start <= end + 1 < place_end + 1:
            end = place_end
    return Office(head, abbreviated(body.group(1)) if body else "", question[start:end])


def glossed_office(rendered: str) -> Office | None:
    """The office an English "who is" question asks, read from its Vietnamese gloss (``qa.gloss``: "Who is the
    Vice Chairman of Can Tho City People's Committee?" → "ai phó chủ tịch Cần Thơ thành phố ủy ban nhân dân").
    The gloss puts places and English word order between the post and its body, so the body is the first
    one named anywhere after the post."""
    folded, offsets = fold_with_offsets(rendered)
    m = _asked_post(folded)
    if m is None:
        return None
    head = (m.group(1) or "") + m.group(2)
    body = _GLOSSED_BODY_RE.search(folded, m.end())
    if body is None:
        return Office(head, "", rendered[offsets[m.start()]: offsets[m.end()]])
    name, body_start = abbreviated(body.group(1)), body.start(1)
    if head.endswith("ban") and name.startswith("ban "):  # "trưởng ban" + "ban dân vận": the board is "dân vận"
        name, body_start = name[4:], body_start + 4
    label = rendered[offsets[m.start()]: offsets[m.end()]] + " " + rendered[offsets[body_start]: offsets[body.end(1)]]
    return Office(head, name, label)


def _near(word: str, wanted: str) -> bool:
    """The same syllable, or one typed with a letter more, less or changed ("thịch" for "tịch": reports are
    typed by hand) when it is long enough that one letter does not make another common word."""
    return word == wanted or (len(wanted) >= 4 and within_one_edit(word, wanted))


def _runs(words: list[str], wanted: list[str], start: int = 0, stop: int | None = None):
    stop = len(words) if stop is None else min(stop, len(words))
    for i in range(start, stop - len(wanted) + 1):
        if all(_near(w, x) for w, x in zip(words[i:i + len(wanted)], wanted)):
            yield i


def _words(text: str) -> list[str]:
    """Folded words, and each ";" as a word of its own: it ends one person's entry in a list of people."""
    return re.findall(r"\w+|;", abbreviated(fold(text).lower()))


def _office_spans(words: list[str], office: Office):
    """(first, past-the-body) word indices of each place ``words`` give ``office`` itself."""
    head, body = office.head.split(), office.body.split()
    for i in _runs(words, head):
        if i and words[i - 1] in ("pho", "tong") and head[0] != words[i - 1]:
            continue  # "Phó Bí thư" is not "Bí thư", "Tổng Bí thư" neither
        end = i + len(head)
        if not body:
            yield i, end
            continue
        at = next(_runs(words, body, end, end + _BODY_WINDOW + len(body)), None)
        if at is not None:
            yield i, at + len(body)


def states_office(text: str, office: Office) -> bool:
    """``text`` gives ``office`` itself: its head, not a deputy's ("Phó Bí thư …" does not state "Bí thư …") nor a
    longer title ("Tổng Bí thư"), followed within a few words by its body when the question names one."""
    return next(_office_spans(_words(text), office), None) is not None


def holder_named(text: str, office: Office, names: Iterable[str]) -> bool:
    """``text`` names the holder of ``office`` as news prints it: the name nearest before the office, with at
    most a few other titles between ("ông Đậu Bá An, Trưởng Công an xã …"; "Nguyễn Trung Nhân, Ủy viên Ban
    Thường vụ, Trưởng Ban Dân vận Thành ủy"), or right after the office and its place ("Chủ tịch UBND tỉnh Trà
    Vinh Đồng Văn Lâm") — not merely a name somewhere in a sentence that mentions the post."""
    words = _words(text)
    spans = list(_office_spans(words, office))
    found = []  # (first, past-the-end) word indices of each name
    for name in names:
        name_words = fold(name).lower().split()
        found += [(k, k + len(name_words)) for k in range(len(words) - len(name_words) + 1)
                  if words[k:k + len(name_words)] == name_words]
    for start, end in spans:
        before = [stop for first, stop in found if stop <= start]
        if before and start - max(before) <= _TITLES_BETWEEN and ";" not in words[max(before) : start]:
            return True
        if any(end <= first <= end + _PLACE_WORDS and ";" not in words[end:first] for first, _ in found):
            return True
    return False
