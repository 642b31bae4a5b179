"""The spaCy pipeline: the index's segmentation as tokenizer, then matchers, pattern components, a linker.

    tokenizer          nianbao.tokenizer   — indexer.segment cuts; protected spans stay whole
    nianbao_documents                      — 《…》 titles, 文号, article references, （以下简称…）
    nianbao_lexicon                        — platform / measure / agency names from data/lexicons
    nianbao_agency_shapes                  — agencies by the shape of their names (place + org + suffix)
    nianbao_relative_agencies              — a region's own bodies by short form after a place (县政府办)
    nianbao_declared_names                 — an agency's abbreviation the report declares (（以下简称…）)
    nianbao_platform_names                 — named platform instances (“原州发布”, 大美合水APP)
    nianbao_introduced_names               — platforms and measures no lexicon knows, named beyond doubt
    nianbao_linker                         — canonical ids (Span.kb_id_), aliases resolved per report

Mentions are ``doc.spans["mentions"]``: label_ is the kind, kb_id_ the canonical id, ``nb(span)``
a dict of attributes (``nb(span)``) (doc_number, doc_kind, article, family, group, instance_of, …).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache
from typing import Any

import rjieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from indexer.extract import documents
from indexer.extract.lexicons import agency_shape, lexicon
from indexer.parse.region import load_gazetteer
from indexer.patterns import Literals, trie_pattern
from indexer.segment import _pieces, number_start

MENTIONS = "mentions"
_CJK = r"\u4e00-\u9fff"


def nb(span: Span) -> dict[str, Any]:
    """A mention's attributes (kept by span id: spaCy keys span extensions by offsets alone)."""
    return span.doc.user_data["nb"][span.id_]


class SegmentingTokenizer:
    """spaCy tokenizer giving the same cuts as the index (indexer.segment), every character covered."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        for piece, _, protected in _pieces(text):
            if protected and piece.startswith("《"):
                words += ["《", piece[1:-1], "》"]
            elif protected:
                words.append(piece)
            else:
                words += [w for w in rjieba.cut(piece) if w]
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        doc.user_data["text"] = text  # Doc.text joins every token on each access; components read this
        return doc


@spacy.registry.tokenizers("nianbao.tokenizer")
def make_tokenizer() -> Any:
    return lambda nlp: SegmentingTokenizer(nlp.vocab)


def _add(
    doc: Doc, start: int, end: int, label: str, attrs: dict[str, Any] | None = None, strict: bool = True
) -> Span | None:
    store = doc.user_data.setdefault("nb", {})
    key = f"{label}:{start}:{end}:{len(store)}"
    span = doc.char_span(start, end, label=label, alignment_mode="strict" if strict else "expand", span_id=key)
    if span is None:
        return None
    store[key] = dict(attrs or {})
    doc.spans[MENTIONS].append(span)
    return span


@Language.component("nianbao_documents")
def find_documents(doc: Doc) -> Doc:
    if MENTIONS not in doc.spans:
        doc.spans[MENTIONS] = []
    text = doc.user_data["text"]
    titled_numbers: list[tuple[int, int]] = []
    titles = documents.find_titles(text)
    doc.user_data["titles"] = [(t.start, t.end) for t in titles]
    for t in titles:
        attrs = {"title": t.title, "doc_number": t.doc_number, "doc_kind": documents.document_kind(t.title)}
        article = documents.ARTICLE.match(text, t.mark_end)
        if article:
            attrs["article"] = article.group(0)
        span = _add(doc, t.start, t.end, "document", attrs) or _add(
            doc, t.start, t.end, "document", attrs, strict=False
        )
        if span is not None and attrs["doc_kind"] == "publication" and t.title.endswith("公报"):
            _add(doc, t.start, t.end, "platform", {"entry": "政府公报", "instance": t.title}, strict=False)
        if span is not None and t.doc_number:
            titled_numbers.append((t.mark_start, t.mark_end))
    for m in documents.DOC_NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in titled_numbers):
            continue  # the 文号 of a title, already attached to it
        start = number_start(text, m.start(), m.end())
        number = text[start : m.end()]
        _add(doc, start, m.end(), "document", {"doc_number": number, "title": None}, strict=False)
    doc.user_data["short_names"] = {
        m.group(1): _previous_title(doc, m.start()) for m in documents.SHORT_NAME.finditer(text)
    }
    return doc


def _previous_title(doc: Doc, pos: int) -> str | None:
    before = [s for s in doc.spans[MENTIONS] if s.label_ == "document" and s.end_char <= pos and nb(s).get("title")]
    return nb(before[-1])["title"] if before else None


def _inside_title(doc: Doc, start: int, end: int) -> bool:
    return _title_around(doc, start, end) is not None


_PRACTICE_TITLE_END = ("", "工作制度", "制度", "工作手册", "手册", "示范文本")


def _title_around(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The (start, end) of the 《…》 title holding a span, if any (titles are few; a list scan is cheap)."""
    return next(((a, b) for a, b in doc.user_data["titles"] if a <= start and end <= b), None)


def _names_practice(text: str, title: tuple[int, int], end: int) -> bool:
    """《原州区政务预公开工作制度》 names a practice: the title ends with it (and 制度/手册)."""
    return text[end : title[1]] in _PRACTICE_TITLE_END


@Language.factory(
    "nianbao_lexicon",
    default_config={"kinds": ["platform", "measure", "agency"], "in_titles": ["measure"]},
)
def make_lexicon_matcher(nlp: Language, name: str, kinds: list[str], in_titles: list[str]) -> Any:
    """``in_titles``: kinds also found inside 《…》 titles (《…政务预公开工作制度》 names a practice)."""
    lexicons = {kind: lexicon(kind + "s" if kind != "agency" else "agencies") for kind in kinds}

    def match(doc: Doc) -> Doc:
        text = doc.user_data["text"]
        for kind, lex in lexicons.items():
            for start, end in lex.matcher.finditer(text):
                title = _title_around(doc, start, end)
                if title is not None and (kind not in in_titles or not _names_practice(text, title, end)):
                    continue
                entry = lex.by_alias[text[start:end]]
                attrs = {"entry": entry.id, **entry.attrs}
                if _NEGATION.search(text, max(0, start - 8), start):
                    attrs["negated"] = True
                if _add(doc, start, end, kind, attrs) is None and end - start >= 4:
                    _add(doc, start, end, kind, attrs, strict=False)
        return doc

    return match


# "未开展视频解读", "缺乏故事解读": the practice is named as missing.
_NEGATION = re.compile(r"(?:未|没有|缺乏|缺少|尚未|尚无|无)[\u4e00-\u9fff]{0,4}$")
_PLACE_LEVEL = "省|自治区|自治州|地区|盟|市|州|县|自治县|旗|自治旗|区|特区|林区|镇|乡|苏木|街道"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_FUNCTION_CHARS = set("在和及与或对向由从为是被将把于全各本我该所等并其之以经由")


class AgencyShapes:
    """Agency names by their shape: place (a named unit, or just 县/市/区/自治区/省), then organisation
    words, then an agency ending (data/lexicons/agencies.yml)."""

    def __init__(self) -> None:
        suffixes, org_words = agency_shape()
        suffixes = suffixes or ("局",)
        org_words = org_words or ("政务",)
        if any(not _CJK_CHAR.fullmatch(c) for c in "".join(suffixes) + "".join(org_words)):
            raise ValueError("agency endings and organisation words must be Chinese characters")
        # Tries try the longer words first, as longest-first alternations do.
        suffix, org = trie_pattern(suffixes).pattern, trie_pattern(org_words).pattern
        self.pattern = re.compile(
            rf"(?P<place>(?:[{_CJK}]{{1,8}}?(?:{_PLACE_LEVEL}))?(?:[{_CJK}]{{1,6}}?(?:{_PLACE_LEVEL}))?|国务院|国家)"
            rf"(?P<org>(?:{org})+(?:和(?:{org}))?(?:[{_CJK}]{{0,4}}?))?(?P<suffix>{suffix})"
        )
        self._endings = Literals(suffixes)

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)``, searched only where one can be: every character of
        a match is a Chinese character and it ends with an agency ending, so it lies in a run of Chinese
        characters, before the run's last ending (trying every position of the text took 4 ms a report,
        this takes 1)."""
        ends = list(self._endings.ends(text))
        for run in _CJK_RUN.finditer(text):
            last = bisect_right(ends, run.end())
            if last and ends[last - 1] > run.start():
                yield from self.pattern.finditer(text, run.start(), ends[last - 1])


# Bodies ending so are meetings or venues, not agencies: 工作推进会, 政府信息公开查阅场所.
_NOT_AN_AGENCY = re.compile(r"(?:推进|座谈|培训|发布|工作|调度|部署|联席|例|年|大|交流|协调|现场|动员)会$|场所$|窗口$")
_TOWNSHIP_LEVEL = ("街道", "苏木", "乡", "镇")
_BARE_LEVELS = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "州", "盟", "县", "区", "旗")
_GENERIC_BEFORE = set("各全诸多两几数每")
_ONE_CHAR_LEVELS = set("省市州盟县区旗乡镇")
_FRAGMENT_ENDS = (
    "联系",
    "报送",
    "通过",
    "经过",
    "督促",
    "已经",
    "全部",
    "及时",
    "直接",
    "提交",
    "告知",
    "协调",
    "组织",
    "指导",
)


def name_start(place: str) -> str | None:
    """The place an agency name begins with, without the sentence before it: 报告由中宁县 → 中宁县,
    现就固原市原州区 → 固原市原州区, 处置结果在县 → 县 (the report's own county), 城关镇 → 城关镇.
    None for a generic or plural place (全县, 各乡镇, 县直各): no one agency."""
    mentions = load_gazetteer().mentions(place)
    chain_start = len(place)
    for m in reversed(mentions):
        if m.end != chain_start:
            break
        chain_start = m.start
    if chain_start < len(place):
        return place[chain_start:]
    for level in _TOWNSHIP_LEVEL:
        if place.endswith(level):
            name = place[: -len(level)]
            k = len(name)
            while k > 0 and len(name) - k < 4 and name[k - 1] not in _FUNCTION_CHARS | _GENERIC_BEFORE:
                k -= 1
            head = name[k:]
            if (k > 0 and name[k - 1] in _GENERIC_BEFORE) or head == "乡":
                return None  # 各镇, 乡镇: townships in general
            return head + level
    for level in _BARE_LEVELS:
        if place.endswith(level):
            before = place[: -len(level)]
            if before and before[-1] in _GENERIC_BEFORE:
                return None
            k = len(before)
            while k > 0 and before[k - 1] not in _FUNCTION_CHARS | {"年"}:
                k -= 1
            head = before[k:]
            # A name the gazetteer does not know (某某县) is kept when it is short and no verb ends it;
            # anything longer is the sentence before a bare 县/市/区 (会议内容全部通过县).
            if 0 < len(head) <= 3 and not head.endswith(_FRAGMENT_ENDS):
                return head + level
            return level
    return place


@Language.factory("nianbao_agency_shapes")
def make_agency_shapes(nlp: Language, name: str) -> Any:
    matches = AgencyShapes().matches

    def match(doc: Doc) -> Doc:
        text = doc.user_data["text"]
        for m in matches(text):
            start, place = m.start(), m.group("place") or ""
            while place and place[0] in _FUNCTION_CHARS:  # 在自治区… → 自治区…
                place, start = place[1:], start + 1
            if place:
                trimmed = name_start(place)
                if trimmed is None:
                    continue  # 全县…, 各乡镇…: a generic or plural reference, not one agency
                start += len(place) - len(trimmed)
                place = trimmed
            body = text[start + len(place) : m.end()]
            if _NOT_AN_AGENCY.search(body):
                continue  # 推进会, 查阅场所: a meeting or a venue
            if not place and start and text[start - 1] in _ONE_CHAR_LEVELS:
                if start > 1 and text[start - 2] in _GENERIC_BEFORE:
                    continue  # 全县融媒体中心
                place, start = text[start - 1], start - 1  # 县融媒体中心: the report's own county's
            elif (
                not place
                and start
                and _CJK_CHAR.match(text[start - 1])
                and text[start - 1] not in _FUNCTION_CHARS
                and not text.endswith(("政府", "委员会"), 0, start)  # 人民政府政务公开办公室: an office of it
            ):
                continue  # 先后组织办公室全体学习: a word of the sentence, not the start of a name
            if not m.group("org") and not place:
                continue
            if not m.group("org") and not m.group("suffix").startswith("人民政府"):
                continue  # a place alone before 局/办 is too weak: 区市交办
            if _inside_title(doc, start, m.end()) or m.end() - start < 4:
                continue
            _add(doc, start, m.end(), "agency", {"place": place, "suffix": m.group("suffix"), "shape": True})
        return doc

    return match


# A level word before a short form: 县政府办, 市政府办公室, 自治区政务公开办 (the longest first).
_LEVEL_PREFIX = re.compile(r"(?:自治区|自治州|自治县|自治旗|省|市|州|盟|县|区|旗|乡|镇)$")


@Language.factory("nianbao_relative_agencies")
def make_relative_agencies(nlp: Language, name: str) -> Any:
    """Short forms of a region's own bodies after a place or a level word (县政府办 → 中宁县人民政府办公室
    in 中宁县's report, 中宁县政府办公室, 我县司法局): the lexicon's ``relative`` names, which the shapes
    miss when no organisation word stands between the place and the ending."""
    relative = lexicon("relative_agencies")

    def match(doc: Doc) -> Doc:
        text = doc.user_data["text"]
        for start, end in relative.matcher.finditer(text):
            run = _CJK_RUN_BEFORE.search(text, max(0, start - 14), start)
            before = run.group(0) if run else ""
            if text.startswith(_NOT_AFTER_AGENCY, end):
                continue  # 县政府网站, 县政府信息公开, 党政办公楼: the words go on into something else
            if before[-2:-1] in ("我", "本") and before[-1:] in _ONE_CHAR_LEVELS:
                place = before[-2:]  # 我县: the report's own county
            elif _LEVEL_PREFIX.search(before):
                place = name_start(before)
                # A bare level word (县, 自治区) or a place the gazetteer knows; an unknown 某某县 here is
                # too often the sentence before it (及时公开县政府).
                if place is None or place not in _BARE_LEVELS and not is_place_chain(place):
                    continue
            else:
                continue  # 政府办 with no place before it: too common a word to be sure of
            begin = start - len(place)
            if _inside_title(doc, begin, end):
                continue
            _add(doc, begin, end, "agency", {"place": place, "suffix": text[start:end], "shape": True})
        return doc

    return match


_CJK_RUN_BEFORE = re.compile(f"[{_CJK}]+$")
# Words after a short form that make it part of another name or term (县政府网站, 县政府信息公开).
_NOT_AFTER_AGENCY = (
    "信息",
    "公开",
    "网站",
    "门户",
    "网",
    "办公楼",
    "公楼",
    "大楼",
    "工作",
    "部门",
    "机关",
    "系统",
    "采购",
    "投资",
    "债务",
    "预算",
    "决算",
    "规章",
    "文件",
    "常务",
    "全体",
    "会议",
    "公报",
    "热线",
    "数据",
    "职能",
    "购买",
    "性",
    "类",
    "领导",
    "主要",
    "分管",
    "令",
    "文",
    "发",
    "函",
    "网格",
)


def is_place_chain(place: str) -> bool:
    """The whole of ``place`` is a chain of gazetteer names (固原市原州区)."""
    mentions = load_gazetteer().mentions(place)
    return (
        bool(mentions)
        and mentions[0].start == 0
        and mentions[-1].end == len(place)
        and all(a.end == b.start for a, b in zip(mentions, mentions[1:], strict=False))
    )


@Language.component("nianbao_declared_names")
def find_declared_names(doc: Doc) -> Doc:
    """An abbreviation a report declares for an agency (中宁县人民政府办公室（以下简称“县政府办”）) is that
    agency wherever the report uses it afterwards; the linker gives it the full name's id."""
    text = doc.user_data["text"]
    agencies = [s for s in doc.spans[MENTIONS] if s.label_ == "agency"]
    for m in documents.SHORT_NAME.finditer(text):
        short = m.group(1)
        named = next((s for s in agencies if m.start() - 2 <= s.end_char <= m.start()), None)
        if named is None or len(short) < 2:
            continue
        taken = [(s.start_char, s.end_char) for s in agencies]
        pos = m.end()
        while (pos := text.find(short, pos)) >= 0:
            end = pos + len(short)
            if not any(a < end and pos < b for a, b in taken):
                attrs = {"declared": [named.start_char, named.end_char]}
                _add(doc, pos, end, "agency", attrs) or _add(doc, pos, end, "agency", attrs, strict=False)
            pos = end
    return doc


_INSTANCE = re.compile(
    rf"[“\"]([{_CJK}A-Za-z0-9]{{2,12}}(?:发布|政务|在线|之声|微博|微信|APP|App|app|客户端|头条|融媒))[”\"]"
    rf"|([{_CJK}]{{2,8}}(?:APP|App|app))(?=客户端|[、，,。）)\s]|$)"
    rf"|[“\"]([{_CJK}]{{2,14}})[”\"](专栏|专区|栏目|窗口)"
)
_INSTANCE_KIND = (
    ("APP", "客户端/APP"),
    ("App", "客户端/APP"),
    ("app", "客户端/APP"),
    ("客户端", "客户端/APP"),
    ("微博", "政务微博"),
    ("微信", "微信公众号"),
    ("头条", "今日头条"),
)


@Language.component("nianbao_platform_names")
def find_platform_names(doc: Doc) -> Doc:
    text = doc.user_data["text"]
    for m in _INSTANCE.finditer(text):
        if m.group(3):  # “政府信息公开年报”专栏: a named column of a website
            name = m.group(3) + m.group(4)
            _add(doc, m.start(), m.end(), "platform", {"instance_of": m.group(4), "entry": name}, strict=False)
            continue
        group = 1 if m.group(1) else 2
        name = m.group(group)
        kind = next((k for suffix, k in _INSTANCE_KIND if name.endswith(suffix)), "政务新媒体")
        _add(doc, m.start(group), m.end(group), "platform", {"instance_of": kind, "entry": name}, strict=False)
    return doc


@Language.factory("nianbao_introduced_names")
def make_introduced_names(nlp: Language, name: str) -> Any:
    """Platforms and measures the lexicons do not know yet, where the report names them beyond doubt
    (``indexer.extract.suggest.introduced_names``): each is its own entity, marked ``discovered`` with
    the way it was read, until a person accepts it into a lexicon."""
    from indexer.extract.suggest import introduced_names

    known = {alias: kind for kind in ("measure", "platform") for alias in lexicon(kind + "s").by_alias}

    def match(doc: Doc) -> Doc:
        text = doc.user_data["text"]

        def aligned(start: int, end: int) -> bool:
            return doc.char_span(start, end) is not None

        taken = [(s.start_char, s.end_char) for s in doc.spans[MENTIONS]]
        for start, end in doc.user_data["titles"]:
            practice = _practice_of_title(text[start:end])
            if practice and not any(a < end and start < b for a, b in taken if not (a <= start and end <= b)):
                begin, chars = end, len(practice)
                while chars:  # back over the practice's characters, past any space the print left
                    begin -= 1
                    chars -= not text[begin].isspace()
                attrs = {"entry": practice, "discovered": "title"}
                if practice not in known and _add(doc, begin, end, "measure", attrs, strict=False):
                    taken.append((begin, end))
        for kind in ("platform", "measure"):
            for entry, start, end, basis in introduced_names(text, kind, known, taken, aligned):
                if _inside_title(doc, start, end):
                    continue
                attrs = {"entry": entry, "discovered": basis}
                if _NEGATION.search(text, max(0, start - 8), start):
                    attrs["negated"] = True
                if _add(doc, start, end, kind, attrs, strict=False) is not None:
                    taken.append((start, end))
        return doc

    return match


# 《合水县人民政府信息主动公开制度》, 《…政府信息公开申请处理文书示范文本》: a title that is a practice's own
# rules names the practice, after the place, the year and the body that made it.
_PRACTICE_TITLE = re.compile(rf"[{_CJK}“”]{{4,24}}(?:工作制度|制度|工作手册|手册|示范文本)")
_TITLE_OWNER = re.compile(
    rf"^(?:[{_CJK}]{{1,6}}?(?:自治区|自治州|自治县|省|市|县|区|旗|盟)(?=人民政府|政府|[{_CJK}]{{1,8}}?(?:局|委员会)))?"
    r"(?:\d{4}年度?)?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办|政府"
    rf"|[{_CJK}]{{1,8}}?(?:局|委员会)(?=[{_CJK}]{{4}}))?(?:\d{{4}}年度?)?"
)


def _practice_of_title(title: str) -> str | None:
    title = re.sub(r"\s+", "", title)
    if not _PRACTICE_TITLE.fullmatch(title) or title.startswith(("关于", "印发")):
        return None
    mentions = load_gazetteer().mentions(title)
    cut = 0
    for m in mentions:
        if m.start != cut:
            break
        cut = m.end
    name = title[cut:]
    name = name[_TITLE_OWNER.match(name).end() :]
    return name if len(name) >= 4 else None


@Language.factory("nianbao_linker")
def make_linker(nlp: Language, name: str) -> Any:
    from indexer.extract.linking import link

    return link


@cache
def pipeline() -> Language:
    """The assembled pipeline (built once per process)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "nianbao.tokenizer"}}})
    for component in (
        "nianbao_documents",
        "nianbao_lexicon",
        "nianbao_agency_shapes",
        "nianbao_relative_agencies",
        "nianbao_declared_names",
        "nianbao_platform_names",
        "nianbao_introduced_names",
        "nianbao_linker",
    ):
        nlp.add_pipe(component)
    return nlp
