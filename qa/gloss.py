"""English questions over Vietnamese articles: the Vietnamese words a sentence answering them would use.

The dense side already matches across languages (e5 is multilingual), but word coverage — which decides
whether the corpus can answer at all, and helps pick the sentence — sees nothing in common between
"How many mass mobilisation teams did Tay Ho set up?" and "đã thành lập 91 Tổ dân vận". A glossary of the
terms of dân vận reports renders the question into those words ("bao nhiêu tổ dân vận thành lập Tây
Hồ"); place names come back with their tone marks from the gazetteer. What it cannot render and the
corpus never uses ("weather", "Messi") is what the corpus cannot answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.text.refs import fold

if TYPE_CHECKING:
    from .analyze import QuestionAnalysis

# English (regex, lower case) → Vietnamese, longest phrases first: "mass mobilisation team" before
# "mass mobilisation". Inflections are spelt out rather than stemmed: "members" must not become "member".
_TERMS: list[tuple[str, str]] = [
    (r"how many|how much|what number of|number of", "bao nhiêu"),
    (r"who|whom|whose", "ai"),
    (r"when|what date|which date|what day|what year|which year", "khi nào"),
    (r"where", "ở đâu"),
    (r"skil(?:l)?ful mass mobili[sz]ation|skil(?:l)?ful mobili[sz]ation|smart mass mobili[sz]ation",
     "dân vận khéo"),
    (r"mass mobili[sz]ation (?:teams?|groups?|units?)", "tổ dân vận"),
    (r"mass mobili[sz]ation (?:commission|board|department|committee)s?", "ban dân vận"),
    (r"mass mobili[sz]ation|mass mobili[sz]ing|mobili[sz]ation work|mobili[sz]ing the people", "dân vận"),
    (r"(?:government|administrative) mass mobili[sz]ation", "dân vận chính quyền"),
    (r"district party committee|district committee", "quận ủy"),
    (r"city party committee|municipal party committee|city committee", "thành ủy"),
    (r"ward party committee|party committee of the ward", "đảng ủy phường"),
    (r"party committees?", "cấp ủy"),
    (r"standing (?:board|committee)s?", "ban thường vụ"),
    (r"steering (?:committee|board)s?", "ban chỉ đạo"),
    (r"executive committee|central committee", "ban chấp hành trung ương"),
    (r"central", "trung ương"),
    (r"politburo|political bureau", "bộ chính trị"),
    (r"fatherland front", "mặt trận tổ quốc"),
    (r"red cross", "chữ thập đỏ"),
    (r"women'?s union", "hội phụ nữ"),
    (r"veterans'? association|veterans", "cựu chiến binh"),
    (r"farmers'? association|farmers", "nông dân"),
    (r"youth union|youths?", "đoàn thanh niên"),
    (r"mass organi[sz]ations?|socio-political organi[sz]ations?", "đoàn thể"),
    (r"political system", "hệ thống chính trị"),
    (r"party cells?", "chi bộ"),
    (r"party members?", "đảng viên"),
    (r"union members?", "đoàn viên"),
    (r"branch(?:es)?|chapters?", "chi hội"),
    (r"members?", "hội viên"),
    (r"cadres?|officials?|officers?", "cán bộ"),
    (r"civil servants?|public employees?", "công chức"),
    (r"head of (?:the )?police|police chiefs?|chiefs? of (?:the )?police", "trưởng công an"),
    (r"police|policemen|police officers?", "công an"),
    (r"head|chief", "trưởng ban"),
    (r"deputy|vice", "phó"),
    (r"permanent deputy secretary|standing deputy secretary", "phó bí thư thường trực"),
    (r"secretary|secretaries", "bí thư"),
    (r"chairman|chairwoman|chairperson|president", "chủ tịch"),
    (r"people'?s committee", "ủy ban nhân dân"),
    (r"people'?s council", "hội đồng nhân dân"),
    (r"chaired|chairs|presided(?: over)?|presides", "chủ trì"),
    (r"spoke|speech|addressed|said", "phát biểu"),
    (r"directed|instructed|directing|direction", "chỉ đạo"),
    (r"attended|participated|took part|participants?", "tham dự"),
    (r"conferences?|meetings?|congress", "hội nghị"),
    (r"decisions?", "quyết định"),
    (r"resolutions?", "nghị quyết"),
    (r"conclusions?", "kết luận"),
    (r"directives?", "chỉ thị"),
    (r"regulations?|rules?", "quy chế"),
    (r"plans?", "kế hoạch"),
    (r"programmes?|programs?", "chương trình"),
    (r"reviewed|reviews?|reviewing|summari[sz]ed|summari[sz]ing|summ(?:ed|ing) up|took stock", "tổng kết"),
    (r"preliminary review|interim review", "sơ kết"),
    (r"implemented|implementing|implementation|implements?|carr(?:y|ied|ying) out", "thực hiện"),
    (r"deployed|deploying|deployment|launched|rolled out", "triển khai"),
    (r"issued|issuing|issues|promulgated", "ban hành"),
    (r"established|establishing|set up|founded|formed|created", "thành lập"),
    (r"rewarded|rewards?|commended|commendations?|awarded|awards?", "khen thưởng"),
    (r"certificates? of merit|merit certificates?", "giấy khen"),
    (r"organi[sz]ed|organi[sz]es?|organi[sz]ing|held|holds?|holding", "tổ chức"),
    (r"built|build(?:ing)?|developed|develop(?:ing)?", "xây dựng"),
    (r"recogni[sz]ed|recogni[sz]es?|recognition", "công nhận"),
    (r"registered|registers?|registration", "đăng ký"),
    (r"replicated|replicate|multiplied|spread", "nhân rộng"),
    (r"supervision|supervised|supervisions?|monitoring|monitored", "giám sát"),
    (r"dialogues?", "đối thoại"),
    (r"inspection (?:teams?|delegations?|groups?)", "đoàn kiểm tra"),
    (r"inspections?|inspected", "kiểm tra"),
    (r"delegations?|teams?", "đoàn"),
    (r"work(?:ed|s|ing)? with|working sessions?|work(?:ed|ing)? sessions?", "làm việc"),
    (r"social criticism|criticism", "phản biện"),
    (r"emulation movements?|emulation", "phong trào thi đua"),
    (r"movements?|campaigns?", "phong trào"),
    (r"models?", "mô hình"),
    (r"typical examples?|exemplary|examples?", "điển hình"),
    (r"new rural areas?|new countryside", "nông thôn mới"),
    (r"civili[sz]ed urban areas?|civili[sz]ed cities", "đô thị văn minh"),
    (r"covid(?:-19)?|coronavirus|pandemic|epidemic", "dịch covid-19"),
    (r"prevention|preventing|prevent", "phòng chống"),
    (r"grassroots?|grass-roots", "cơ sở"),
    (r"democracy|democratic", "dân chủ"),
    (r"religions?|religious", "tôn giáo"),
    (r"ethnic(?: minorities| minority)?", "dân tộc"),
    (r"residential areas?|residential quarters?|neighbou?rhoods?", "khu dân cư"),
    (r"households?", "hộ"),
    (r"people|residents|citizens|population", "nhân dân"),
    (r"results?|achievements?|outcomes?", "kết quả"),
    (r"limitations?|shortcomings?|weaknesses", "hạn chế"),
    (r"tasks?|missions?|duties", "nhiệm vụ"),
    (r"solutions?|measures?", "giải pháp"),
    (r"terms?", "nhiệm kỳ"),
    (r"first (?:six|6) months|first half", "6 tháng đầu năm"),
    (r"last (?:six|6) months|second half", "6 tháng cuối năm"),
    (r"great national unity|national unity", "đại đoàn kết toàn dân"),
    (r"solidarity|unity", "đoàn kết"),
    (r"propaganda|communication|disseminat(?:ed|e|ion|ing)", "tuyên truyền"),
    (r"mobili[sz](?:ed|e|es|ing)|persuad(?:ed|e|ing)|encourag(?:ed|e|ing)", "vận động"),
    (r"received|receives?|receiving", "nhận"),
    (r"supported|supports?|supporting|assistance|assisted|assist|aid", "hỗ trợ"),
    (r"helped|helps?|helping", "giúp đỡ"),
    (r"donated|donations?|donate|contributed|contributions?|contribute", "đóng góp"),
    (r"gifts?|presents", "quà"),
    (r"scholarships?", "học bổng"),
    (r"funds?", "quỹ"),
    (r"poor|poverty", "nghèo"),
    (r"houses?|homes?", "nhà"),
    (r"roads?", "đường"),
    (r"land", "đất"),
    (r"working days|workdays?", "ngày công"),
    (r"billion", "tỷ"),
    (r"million", "triệu"),
    (r"dong|vnd", "đồng"),
    (r"percent|per cent|percentage", "%"),
    (r"increased|increases?|rose|grew", "tăng"),
    (r"decreased|decreases?|fell|reduced", "giảm"),
    (r"complaints?|denunciations?", "khiếu nại"),
    (r"petitions?|recommendations?|proposals?", "kiến nghị"),
    (r"opinions?|views|feedback", "ý kiến"),
    (r"voters?", "cử tri"),
    (r"elections?", "bầu cử"),
    (r"delegates?", "đại biểu"),
    (r"leaders?|leadership", "lãnh đạo"),
    (r"collectives?", "tập thể"),
    (r"individuals?", "cá nhân"),
    (r"outstanding|excellent(?:ly)?", "xuất sắc"),
    (r"completed|complete|fulfilled", "hoàn thành"),
    (r"achieved|achieves?|reached|attained", "đạt"),
    (r"security", "an ninh"),
    (r"order", "trật tự"),
    (r"environment(?:al)?", "môi trường"),
    (r"economic|economy", "kinh tế"),
    (r"social|society", "xã hội"),
    (r"years?", "năm"),
    (r"months?", "tháng"),
    (r"days?|dates?", "ngày"),
    (r"districts?", "quận"),
    (r"wards?", "phường"),
    (r"communes?", "xã"),
    (r"cities|city", "thành phố"),
    (r"provinces?", "tỉnh"),
    (r"localities|locality", "địa phương"),
    (r"party", "đảng"),
    (r"state", "nhà nước"),
    (r"government|authorities", "chính quyền"),
]
_QUESTION_WORDS = 4  # the first entries of _TERMS
# Renderings that are actions: they end the noun phrase a count asks about ("households received …").
_ACTIONS = frozenset({
    "thành lập", "tổ chức", "tổng kết", "sơ kết", "thực hiện", "triển khai", "ban hành", "khen thưởng",
    "xây dựng", "công nhận", "đăng ký", "nhân rộng", "kiểm tra", "chủ trì", "phát biểu", "chỉ đạo", "tham dự",
    "nhận", "hỗ trợ", "giúp đỡ", "đóng góp", "tăng", "giảm", "hoàn thành", "đạt", "vận động", "tuyên truyền",
})
_TERM_RE = re.compile(r"\b(?:" + "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TERMS)) + r")\b")
# Words that carry no content of their own: left out of both the rendering and the unknown count.
_FUNCTION_WORDS = frozenset(
    """what which why how is are was were be been being the a an of in on at to for by did does do done has
    have had and or with from that this these those there their they them it its as about after before
    during into than then also all any each other some such many much more most very so not no yes can
    could would should will shall may might must according article articles report reports reported
    mention mentioned mentions say says tell me please name list give get got make made total number
    same new first second third last one two three four five six seven eight nine ten""".split()
)
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


@dataclass(frozen=True)
class Gloss:
    text: str  # the question in the Vietnamese words its answer would use, names and numbers kept
    unrendered: tuple[str, ...]  # content words neither in the glossary nor a recognised name or number
    content_words: int  # how many content words the question has in all


def gloss(question: str, analysis: "QuestionAnalysis") -> Gloss:
    """Render an English question into Vietnamese terms, in order. Places the gazetteer recognises come
    back as their Vietnamese names ("Can Tho" → "Cần Thơ"); numbers and unknown words are kept."""
    # Document codes go through the glossary like any words: "Resolution 25" → "nghị quyết 25".
    named = sorted((loc.start, loc.end, loc.name) for loc in analysis.localities)
    pieces: list[str] = []
    unrendered: list[str] = []
    content = 0
    cursor = 0
    for start, end, name in named:
        if start < cursor:
            continue
        content += _render(question[cursor:start], pieces, unrendered)
        pieces.append(name)
        content += 1
        cursor = end
    content += _render(question[cursor:], pieces, unrendered)
    return Gloss(" ".join(pieces), tuple(unrendered), content)


def _render(text: str, pieces: list[str], unrendered: list[str]) -> int:
    """Append the Vietnamese terms and kept words of ``text``; return how many content words it had."""
    lowered = text.lower()
    content = 0
    cursor = 0
    counted: list[str] | None = None  # the noun phrase right after "how many", while it lasts
    for m in _TERM_RE.finditer(lowered):
        between = text[cursor : m.start()]
        content += _leftovers(between, pieces, unrendered)
        index = int(m.lastgroup[1:])  # the one alternative that matched: "t12" is _TERMS[12]
        term = _TERMS[index][1]
        if counted is not None and not between.strip() and term not in _ACTIONS:
            # "how many Red Cross chapters": English puts the head noun last, Vietnamese first
            # ("bao nhiêu chi hội chữ thập đỏ"), and the count's noun is read from right after "bao nhiêu".
            counted.insert(0, term)
            pieces[len(pieces) - len(counted) + 1 :] = counted
        else:
            counted = [] if index == 0 else None
            pieces.append(term)
        if counted is not None and term in _ACTIONS:
            counted = None
        content += index >= _QUESTION_WORDS  # "how many", "who": the question's form, not its content
        cursor = m.end()
    return content + _leftovers(text[cursor:], pieces, unrendered)


def _leftovers(text: str, pieces: list[str], unrendered: list[str]) -> int:
    content = 0
    for word in _WORD_RE.findall(text):
        if word.lower() in _FUNCTION_WORDS:
            continue
        content += 1
        pieces.append(word)  # a name, a number or a Vietnamese word typed into the English question
        if not any(ch.isdigit() for ch in word) and fold(word) == word.lower():
            unrendered.append(word)  # plain ASCII: an English word the glossary lacks, or a name
    return content
