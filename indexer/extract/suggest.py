"""Lexicon candidates from the corpus: names of platforms and measures that the lexicons do not know yet,
found by the phrases reports introduce them with (开设/开通/依托 … 平台/专栏/公众号/APP/热线; 开展/建立/推行
… 制度/机制/活动), with the number of reports naming each and example sentences, for a person to accept
into ``data/lexicons/platforms.yml`` or ``measures.yml``."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
        inner = _LAST_TRIGGER[kind].search(name)
        if inner and inner.end() < len(name) - 1:  # 在政务服务中心设立政务公开专区 → 政务公开专区
            name = name[inner.end() :]
        core = ending.sub("", name)
        if not core or core.isdigit() and len(core) < 5 or _NOT_A_NAME.match(name):
            continue
        if not quoted and (len(core) < 3 or _NOT_UNQUOTED.search(name) or name.startswith(_VERBS)):
            continue
        if name in known or core in known or _known_with_owner(name, known):
            continue
        out.append((name, m.start("name"), m.end("name")))
    return out


_LAST_TRIGGER = {kind: re.compile(f".*(?:{'|'.join(words)})") for kind, words in _TRIGGERS.items()}
_NOT_UNQUOTED = re.compile(r"^[在起了从对向由把将被为以于和及与或浏览通过]|[的等之]|\d+[个项家条]")
_VERBS = tuple(v for words in _TRIGGERS.values() for v in words)
_OWNER_END = re.compile(r"(?:省|市|县|区|旗|州|盟|自治区|人民政府|政府|办公室|局|委员会|中心)$")


def _known_with_owner(name: str, known: set[str]) -> bool:
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
