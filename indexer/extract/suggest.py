"""Lexicon candidates from the corpus: names of platforms and measures that the lexicons do not know yet,
found by the phrases reports introduce them with (开设/开通/依托 … 平台/专栏/公众号/APP/热线; 开展/建立/推行
… 制度/机制/活动), with the number of reports naming each and example sentences, for a person to accept
into ``data/lexicons/platforms.yml`` or ``measures.yml``."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from indexer.extract.lexicons import lexicon

_CJK = "\u4e00-\u9fff"
# A name, perhaps quoted, perhaps with a kind word after the quote (“乐享盐池”微信公众号).
_NAME = rf"[“\"]?[{_CJK}A-Za-z0-9+＋]{{1,14}}?[”\"]?[{_CJK}]{{0,4}}?"
_TRIGGERS = {
    "platform": (
        "开设",
        "开通",
        "依托",
        "利用",
        "借助",
        "上线",
        "搭建",
        "打造",
        "用好",
        "入驻",
        "运营",
        "通过",
        "设立",
        "设置",
        "建设",
        "在",
    ),
    "measure": (
        "开展",
        "建立健全",
        "建立",
        "推行",
        "实行",
        "实施",
        "落实",
        "健全",
        "完善",
        "创新",
        "探索",
        "推广",
        "严格执行",
        "坚持",
        "采取",
        "采用",
        "组织",
        "举办",
    ),
}
ENDINGS = {
    "platform": (
        "政务服务平台",
        "平台",
        "专栏",
        "专区",
        "公众号",
        "APP",
        "App",
        "客户端",
        "热线",
        "门户网站",
        "网站",
        "小程序",
        "栏目",
        "微博",
        "抖音号",
        "视频号",
        "头条号",
        "服务号",
        "信箱",
        "系统",
        "公示栏",
        "公开栏",
        "服务网",
        "终端",
    ),
    "measure": (
        "工作制度",
        "制度",
        "工作机制",
        "机制",
        "活动",
        "模式",
        "工作法",
        "行动",
        "审核",
        "解读",
        "培训",
        "督查",
        "清单",
        "目录",
    ),
}
PATTERNS = {
    kind: re.compile(f"(?:{'|'.join(_TRIGGERS[kind])})了?(?P<name>{_NAME}(?:{'|'.join(ENDINGS[kind])}))")
    for kind in ENDINGS
}
_ENDINGS = {kind: re.compile(f"(?:{'|'.join(words)})$") for kind, words in ENDINGS.items()}
# Words that begin a phrase, not a name: 开展各类活动, 建立相关机制, 通过该平台.
_NOT_A_NAME = re.compile(
    r"^(?:各类|各项|各种|多种|多个|相关|有关|一系列|系列|一批|该|此|这|其|本|我|全|各|多|新|好|上述|以上|专门|"
    r"[0-9一二三四五六七八九十两几]+[个项次场类种期家])"
)
_SENTENCE = re.compile(r"[。！？；\n]")
_QUOTES = '“”"'


@dataclass
class Candidate:
    """A name the lexicon does not know, with the reports that name it."""

    kind: str
    name: str
    reports: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)  # (report id, sentence)
    _seen: set[str] = field(default_factory=set, repr=False)

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "reports": self.reports, "examples": self.examples}


def known_names(kind: str) -> set[str]:
    """Every alias of the lexicons a candidate of ``kind`` could repeat (platforms and measures share
    aliases: one alias belongs to one id across both files)."""
    return {a for k in ("platforms", "measures") for a in lexicon(k).by_alias}


def candidates_in(text: str, kind: str, known: set[str]) -> list[tuple[str, int, int]]:
    """(name, start, end) of each unknown name of ``kind`` the text introduces.

    A quoted name (开设“某某政民互动”栏目) is taken at its word; an unquoted one must look like a name:
    three characters or more before its ending, no 的/等 or count inside, not beginning with a function
    word or another verb of the patterns, and not a known name with a place or agency before it
    (合水县人民政府门户网站 is an instance of 政府网站)."""
    out = []
    ending = _ENDINGS[kind]
    for m in PATTERNS[kind].finditer(text):
        printed = m.group("name")
        quoted = any(q in printed for q in _QUOTES)
        name = printed.replace("“", "").replace("”", "").replace('"', "")
        inner = _last_trigger_end(kind, name)
        if inner and inner < len(name) - 1:  # 在政务服务中心设立政务公开专区 → 政务公开专区
            name = name[inner:]
        core = ending.sub("", name)
        if not core or core.isdigit() and len(core) < 5 or _NOT_A_NAME.match(name):
            continue
        if not quoted and (len(core) < 3 or _NOT_UNQUOTED.search(name) or name.startswith(_VERBS)):
            continue
        if name in known or core in known or _known_with_owner(name, known):
            continue
        out.append((name, m.start("name"), m.end("name")))
    taken = {(a, b) for _, a, b in out}
    for name, start, end in _listed(text, kind):
        if (
            any(a < end and start < b for a, b in taken)
            or name in known
            or _known_with_owner(name, known)
            or _NOT_A_NAME.match(name)
        ):
            continue
        taken.add((start, end))
        out.append((name, start, end))
    return out


# A quoted name right before a kind word: “三级审核”机制, “乐享盐池”公众号 (the name is what is quoted).
_QUOTED = {
    kind: re.compile(rf"[“\"](?P<name>[{_CJK}A-Za-z0-9+＋]{{2,14}})[”\"](?:{'|'.join(words)})")
    for kind, words in ENDINGS.items()
}
# A list closed by 等 and what its members are: 通过政府网站、政府公报、政务“两微一端”等渠道; 开设县长信箱、
# 意见征集等10个栏目; 向县档案馆、图书馆等查阅场所.
_LIST_END = {
    "platform": "平台|渠道|载体|媒体|新媒体|阵地|场所|查阅点|窗口",
    "measure": "制度|机制|措施|举措|活动|工作法|模式",
}
# What may stand between 等 and the kind word: 等政府信息查阅场所, 等新媒体平台 (not a verb: 等开设专栏).
_LIST_GAP = "(?:政府信息|政务|信息|新媒体|网络|线上|线下)?(?:公开|查阅|发布|宣传|服务)?"
_MEMBER = rf"[“”\"{_CJK}A-Za-z0-9+＋()（）]{{2,40}}"
_LIST = {
    kind: re.compile(rf"(?P<list>{_MEMBER}(?:、{_MEMBER}){{1,12}})等(?:\d+[个项家类种])?{_LIST_GAP}(?:{ends})")
    for kind, ends in _LIST_END.items()
}
# A measure counted where it is told: 开展业务指导4次, 组织专项督查 5 次.
_COUNTED = re.compile(rf"(?:开展|组织|举办|召开)(?P<name>[{_CJK}]{{2,10}}?)\s*\d+\s*(?:次|场|期|轮)")
_LEADING = re.compile(r"^[^、]*?[，,。；：:]|^[向在从对由把将给经]")  # ……，向县档案馆: 县档案馆
_REGION_NOTE = re.compile(r"[(（][^()（）]{1,8}[)）]$")  # 信用中国(宁夏): the province the site serves


def _listed(text: str, kind: str) -> list[tuple[str, int, int]]:
    """Names a text gives in a quoted form, in a list closed by 等 and its kind word, or (measures) with
    the times it was done."""
    found = [(m.group("name"), m.start("name"), m.end("name")) for m in _QUOTED[kind].finditer(text)]
    for m in _LIST[kind].finditer(text):
        base = m.start("list")
        for part in re.finditer(rf"{_MEMBER}", m.group("list")):
            member, at = part.group(), base + part.start()
            if part.start() == 0:  # the list's first member may begin with the verb that introduces it
                leading = _LEADING.match(member)
                cut = _last_trigger_end(kind, member) or (leading.end() if leading else 0)
                member, at = member[cut:], at + cut
            quoted = re.findall(r"[“\"]([^“”\"]{2,24})[”\"]", member)
            for name in quoted or [member.strip('“”"')]:  # "信用中国(宁夏)""国家企业信用信息公示系统": two
                name = _REGION_NOTE.sub("", name)
                if len(name) >= (2 if quoted or kind == "platform" else 3) and _name_like(name):
                    start = text.find(name, at, base + part.end())
                    found.append((name, start, start + len(name)))
    if kind == "measure":
        found += [(m.group("name"), m.start("name"), m.end("name")) for m in _COUNTED.finditer(text)]
    return [(n, a, b) for n, a, b in found if _name_like(n)]


def _name_like(name: str) -> bool:
    """Not a number, a phrase with 的/等 or a count, a function word or one of the patterns' verbs first,
    nor a quote or list mark inside."""
    return not (
        name.isdigit()
        or _NOT_UNQUOTED.search(name)
        or name.startswith(_VERBS)
        or any(mark in name for mark in '“”"、，,')
    )


_TRIGGER = {kind: re.compile("|".join(words)) for kind, words in _TRIGGERS.items()}


def _last_trigger_end(kind: str, text: str) -> int:
    """Where the last of the patterns' verbs in ``text`` ends, read from the left (落实行政执法: after 落实,
    not after the 实行 that straddles two words); 0 when there is none."""
    end = 0
    for m in _TRIGGER[kind].finditer(text):
        end = m.end()
    return end


_NOT_UNQUOTED = re.compile(r"^[在起了从对向由把将被为以于和及与或浏览通过]|[的等之]|\d+[个项家条]")
_VERBS = tuple(v for words in _TRIGGERS.values() for v in words)
_OWNER_END = re.compile(r"(?:省|市|县|区|旗|州|盟|自治区|人民政府|政府|办公室|局|委员会|中心)$")


def _known_with_owner(name: str, known: Collection[str]) -> bool:
    """A known name after a place or agency: 县人民政府门户网站 (政府网站's 门户网站), 中宁县政务服务网."""
    for cut in range(1, len(name) - 1):
        if name[cut:] in known and _OWNER_END.search(name[:cut]):
            return True
    return False


def suggest(
    texts: Iterable[tuple[str, str]],
    kind: str,
    known: set[str] | None = None,
    min_reports: int = 2,
    examples: int = 2,
) -> list[Candidate]:
    """Candidates of ``kind`` in (report id, text) pairs, named by at least ``min_reports`` reports,
    most reported first. ``known``: names not to suggest (default: every lexicon alias)."""
    if kind not in PATTERNS:
        raise ValueError(f"kind is platform or measure, not {kind!r}")
    known = known_names(kind) if known is None else known
    found: dict[str, Candidate] = {}
    for uid, text in texts:
        for name, start, end in candidates_in(text, kind, known):
            c = found.setdefault(name, Candidate(kind, name))
            if uid in c._seen:
                continue
            c._seen.add(uid)
            c.reports += 1
            if len(c.examples) < examples:
                c.examples.append((uid, _sentence(text, start, end)))
    ranked = [c for c in found.values() if c.reports >= min_reports]
    return sorted(ranked, key=lambda c: (-c.reports, c.name))


def _sentence(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _SENTENCE.finditer(text, max(0, start - 200), start)]
    after = _SENTENCE.search(text, end)
    return text[before[-1] if before else max(0, start - 200) : after.end() if after else end + 200].strip()


def as_yaml(candidates: list[Candidate]) -> str:
    """Entries ready to paste into a lexicon's ``entries`` (group left for the person to choose)."""
    lines = []
    for c in candidates:
        lines.append(f"  # {c.reports} reports; e.g. {c.examples[0][1][:60] if c.examples else ''}")
        lines += [f"  - id: {c.name}", "    group: 其他", "    aliases: []"]
    return "\n".join(lines) + ("\n" if lines else "")


# What a report names in passing, for the extraction pipeline: only the forms that leave no doubt that
# a name is meant, since each becomes a mention of the report (the corpus-wide suggestions above can be
# looser: a person reads them before anything is accepted).
_QUOTED_WITH_KIND = {
    kind: re.compile(
        rf"[“\"](?P<inner>[{_CJK}A-Za-z0-9+＋]{{2,14}})[”\"]\s?(?:等(?:{_LIST_END[kind]})|(?P<tail>(?:(?!等)[{_CJK}]){{0,4}}?(?:{'|'.join(words)})))"
    )
    for kind, words in ENDINGS.items()
}
# 实行“证照分离”, 坚持“谁承办谁解读”: a practice quoted after a verb that puts it in place, and not a
# word of a longer phrase (坚持“零容忍”态度, 落实“六保”任务).
_QUOTED_MEASURE = re.compile(
    rf"(?:推行|实行|实施|推进|落实|开展|建立|推广|探索|坚持|严格执行|创新|采取|采用)了?[“\"](?P<inner>[{_CJK}A-Za-z0-9+＋]{{2,14}})[”\"]"
    rf"(?![{_CJK}])"
)
# A run of list members separated by 、 inside one clause; the list is read when one member is a known
# platform and it is closed by 等 or by the end of its clause.
_ENUM_MEMBER = rf"(?:(?!等)[“”\"{_CJK}A-Za-z0-9+＋()（）]){{2,40}}"
# (Begun only where a run of member characters begins: trying every position cost 1 ms a report.)
_ENUMERATION = re.compile(
    rf"(?<![“”\"{_CJK}A-Za-z0-9+＋()（）]){_ENUM_MEMBER}(?:、{_ENUM_MEMBER})+(?=等|[，,。；;：:）)]|$)"
)
_MEMBER_CUT = re.compile(r"[^、]+")
# The verbs that introduce a measure by its name: one set up, tried or carried out (建立信息日报送制度).
_NEW_PRACTICE = ("建立", "推行", "实行", "实施", "创新", "探索", "推广", "开展", "采取", "采用", "举办")
_LIST_VERB = re.compile(r"^(?:.*?(?:通过|利用|依托|借助|在|向|用好|运用|开设|开通|以及|及|和|与))")


def introduced_names(
    text: str, kind: str, known: dict[str, str], taken: list[tuple[int, int]], aligned: Callable[[int, int], bool]
) -> list[tuple[str, int, int, str]]:
    """(name, start, end, basis) of each name of ``kind`` the lexicons do not know that the text names
    beyond doubt: a quoted name before a kind word (“331”监管平台, “三级审核”机制), a name a verb of the
    patterns introduces with its kind word (依托自治区征地信息共享平台), a quoted practice after a verb
    (实行“证照分离”, measures), or an unknown member of a list that also holds a known platform (通过广播电视台、
    宣传栏等形式 beside 政府网站; 微信公众号、微博、抖音: platforms only, since lists of measures mix in the
    topics disclosed: 政府工作报告、常务会议、规范性文件). ``known`` maps every lexicon alias to its kind;
    ``taken`` are spans already named; a name must begin and end where the segmentation cuts
    (``aligned(start, end)``), so that it is never a piece of a word."""
    found: list[tuple[str, int, int, str]] = []
    spans = list(taken)

    def add(name: str, start: int, end: int, basis: str) -> None:
        name = re.sub(r"\s+", "", name)
        if (
            len(name.strip('“”"')) < 2
            or name.strip('“”"') in known
            or any(a < end and start < b for a, b in spans)
            or not aligned(start, end)
        ):
            return
        spans.append((start, end))
        found.append((name, start, end, basis))

    for m in _QUOTED_WITH_KIND[kind].finditer(text):
        inner, tail = m.group("inner"), m.group("tail")
        if not inner.isdigit() and known.get(inner, kind) != kind:
            continue
        if tail is None:  # “两微一端”等平台: the name is what is quoted
            add(inner, m.start("inner") - 1, m.end("inner") + 1, "quoted")
        else:
            add(f"“{inner}”{tail}", m.start(), m.end(), "quoted")
    if kind == "measure":
        for m in _QUOTED_MEASURE.finditer(text):
            inner = m.group("inner")
            if not inner.isdigit() and _name_like(inner):
                add(inner, m.start("inner") - 1, m.end("inner") + 1, "quoted")
    ending = _ENDINGS[kind]
    for m in PATTERNS[kind].finditer(text):
        printed = m.group("name")
        if any(q in printed for q in _QUOTES):
            continue  # quoted names are read above
        if kind == "measure" and not text.startswith(_NEW_PRACTICE, m.start()):
            continue  # 健全考核监督机制, 完善体制机制: an existing arrangement improved, not a practice named
        start = m.start("name")
        inner = _last_trigger_end(kind, printed)
        if inner and inner < len(printed) - 1:
            printed, start = printed[inner:], start + inner
        core = ending.sub("", printed)
        if len(core) < 3 or _NOT_A_NAME.match(printed) or not _name_like(printed) or core in known:
            continue
        if printed in known or _known_with_owner(printed, known.keys()):
            continue
        add(printed, start, start + len(printed), "introduced")
    for m in _ENUMERATION.finditer(text) if kind == "platform" else ():
        members = [(p.group(), m.start() + p.start()) for p in _MEMBER_CUT.finditer(m.group())]
        first, at = members[0]
        lead = _LIST_VERB.match(first)
        if lead and lead.end() < len(first):
            members[0] = (first[lead.end() :], at + lead.end())
        names = [(name.strip('“”"'), at + (1 if name[:1] in _QUOTES else 0)) for name, at in members]
        if not any(known.get(name) == kind for name, _ in names):
            continue
        for name, at in names:
            name = _REGION_NOTE.sub("", name)
            if name in known or not 2 <= len(name) <= 14 or not _name_like(name) or _NOT_A_NAME.match(name):
                continue
            add(name, at, at + len(name), "listed")
    return found
