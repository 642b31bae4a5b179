"""The linker: every mention gets a canonical id (``Span.kb_id_``), resolved within its report.

- documents: （以下简称《条例》） and a later bare 《条例》 resolve to the full title; known regulations
  resolve to their lexicon id whatever the spelling (中华人民共和国 / 《》 / spaces); a 文号 prefix
  names the issuing agency; titles differing only by year share a family.
- agencies: lexicon aliases (国办 → 国务院办公厅); a name without its place (县政务公开办) takes the
  report's own region; short place names are expanded (宁夏 → 宁夏回族自治区).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span

from indexer.extract import documents
from indexer.extract.lexicons import doc_number_codes, lexicon
from indexer.extract.pipeline import is_place_chain, nb
from indexer.parse.region import load_gazetteer, region_of

MENTIONS = "mentions"
# Generic place words and the report region level they stand for.
_LEVEL_WORDS = {
    "县": "county",
    "区": "county",
    "旗": "county",
    "市": "city",
    "州": "city",
    "盟": "city",
    "自治区": "province",
    "省": "province",
    "全省": "province",
    "全区": "county",
    "全县": "county",
}
_SUFFIX_CANONICAL = {"政府办公室": "人民政府办公室", "政府办": "人民政府办公室", "政府": "人民政府"}
_PUBLISHER_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:自治区|自治州|自治县|省|市|县|区|旗|州|盟)")
_LEVEL_BY_ENDING = {word: level for word, level in _LEVEL_WORDS.items() if len(word) == 1}
_GENERIC_TITLES = ("条例", "办法", "规定", "意见", "通知", "方案", "要点", "规范")


def link(doc: Doc) -> Doc:
    region: dict[str, str | None] = doc.user_data.get("region") or {}
    spans = _without_nested(list(doc.spans.get(MENTIONS, [])))
    titles = {nb(s)["title"]: s for s in spans if s.label_ == "document" and nb(s).get("title")}
    numbers = {
        nb(s)["doc_number"]: nb(s)["title"]
        for s in spans
        if s.label_ == "document" and nb(s).get("title") and nb(s).get("doc_number")
    }
    short_names = doc.user_data.get("short_names", {})
    by_offsets: dict[tuple[int, int], str] = {}
    declared = []
    for span in spans:
        attrs = nb(span)
        if span.label_ == "agency" and attrs.get("declared"):
            declared.append(span)
            continue
        if span.label_ == "document":
            canonical = _document_id(attrs, titles, numbers, short_names, span)
            attrs["family"] = documents.family_key(canonical)
            version = regulation_version(canonical, attrs, doc.user_data["text"], span.start_char, span.end_char)
            if version:
                attrs["version"] = version
            if attrs.get("doc_number"):
                issuer = issuer_of(attrs["doc_number"], region)
                if issuer:
                    attrs["issuer"] = issuer
        elif span.label_ == "agency":
            canonical = _as_publisher(_agency_id(span, region), region)
            attrs.update(agency_place(canonical, region))
        else:
            canonical = attrs.get("entry") or span.text
        span.kb_id_ = canonical
        by_offsets[(span.start_char, span.end_char)] = canonical
    for span in declared:  # 县政府办 declared for 中宁县人民政府办公室: its id and attributes
        attrs = nb(span)
        full = tuple(attrs.pop("declared"))
        canonical = by_offsets.get(full) or _agency_id(span, region)
        attrs.update(agency_place(canonical, region))
        span.kb_id_ = canonical
    doc.spans[MENTIONS] = spans
    return doc


def _as_publisher(canonical: str, region: dict[str, str | None]) -> str:
    """原州区人民政府办公室 in the report of 固原市原州区人民政府办公室 is its publisher, named as it names itself."""
    publisher = region.get("publisher") or ""
    if publisher != canonical and publisher.endswith(canonical):
        if is_place_chain(publisher[: -len(canonical)]):
            return publisher
    return canonical


def _without_nested(spans: list[Span]) -> list[Span]:
    """Drop a mention lying inside a longer one of the same kind (政府网站 inside 县政府网站)."""
    spans.sort(key=lambda s: (s.start_char, -(s.end_char - s.start_char)))
    kept: list[Span] = []
    for s in spans:
        if any(k.label_ == s.label_ and k.start_char <= s.start_char and s.end_char <= k.end_char for k in kept[-8:]):
            continue
        kept.append(s)
    return kept


def _document_id(attrs: dict[str, Any], titles: dict, numbers: dict[str, str], short_names: dict, span: Span) -> str:
    title = attrs.get("title")
    if title is None:
        return numbers.get(attrs["doc_number"]) or attrs["doc_number"]
    full = short_names.get(title)
    if full and full != title:
        title = full
    regulation = canonical_regulation(title)
    if regulation:
        return regulation
    if title in _GENERIC_TITLES:
        # A bare 《条例》: the last fuller title ending the same way, earlier in the report.
        earlier = [t for t, s in titles.items() if t != title and t.endswith(title) and s.start_char < span.start_char]
        if earlier:
            return canonical_regulation(earlier[-1]) or earlier[-1]
    return title


def canonical_regulation(title: str) -> str | None:
    """The lexicon id of a regulation, however its title is written."""
    lex = lexicon("regulations")
    entry = lex.get(title)
    if entry:
        return entry.id
    return _regulations_by_squeezed_alias().get(documents.squeeze(title))


@cache
def _regulations_by_squeezed_alias() -> dict[str, str]:
    """Each regulation alias, compared loosely, to the regulation's id (the first alias wins)."""
    out: dict[str, str] = {}
    for alias, entry in lexicon("regulations").by_alias.items():
        out.setdefault(documents.squeeze(alias), entry.id)
    return out


def issuer_of(doc_number: str, region: dict[str, str | None]) -> str | None:
    """The agency a 文号 names: 国办发 → 国务院办公厅; 盐政办发 → 盐池县人民政府办公室 (for a 盐池 report)."""
    prefix = re.split(r"[〔\[［【]|令第", doc_number, maxsplit=1)[0]
    national, codes = doc_number_codes()
    if prefix in national:
        return national[prefix]
    for code in codes:
        c = str(code["code"])
        if prefix.endswith(c) and len(prefix) > len(c):
            place = _place_from_abbreviation(prefix[: -len(c)], region)
            if place is None:
                return None
            level = _level_of(place, region) or _LEVEL_BY_ENDING.get(place[-1])
            by_level = code.get("issuer_suffix_by_level") or {}
            suffix = by_level.get(level) or code.get("issuer_suffix")
            return f"{code.get('issuer_prefix', '')}{place}{suffix}" if suffix else None
    return None


def _region_chain(region: dict[str, str | None]) -> list[str]:
    return [n for n in (region.get("county"), region.get("city"), region.get("province")) if n]


def _level_of(place: str, region: dict[str, str | None]) -> str | None:
    for level in ("county", "city", "province"):
        if region.get(level) == place:
            return level
    gaz = load_gazetteer()
    codes = gaz.full.get(place, ())
    return gaz.divisions[codes[0]].level if codes else None


def _place_from_abbreviation(abbreviation: str, region: dict[str, str | None]) -> str | None:
    """盐 → 盐池县 (the report's own county); 吴 → 吴忠市; 宁 → 宁夏回族自治区; 中宁 → 中宁县."""
    for name in _region_chain(region):
        if name.startswith(abbreviation):
            return name
    own = _PUBLISHER_PLACE.match(region.get("publisher") or "")
    if own and own.group(0).startswith(abbreviation):
        return own.group(0)  # a place the gazetteer does not know, named by the publisher itself
    gaz = load_gazetteer()
    codes = gaz.short.get(abbreviation, ()) or gaz.full.get(abbreviation, ())
    if len(codes) == 1:
        return gaz.divisions[codes[0]].name
    return None


def expand_place(place: str, region: dict[str, str | None]) -> str | None:
    """A place as written before an agency name, as a full region name (None: the report's own)."""
    if not place:
        return _region_chain(region)[0] if _region_chain(region) else None
    own = place[1:] if place[:1] in ("我", "本") else place  # 我县, 本市: the report's own
    if own in _LEVEL_WORDS:
        return region.get(_LEVEL_WORDS[own]) or own
    gaz = load_gazetteer()
    if place in gaz.full:
        return place
    codes = gaz.short.get(place, ())
    if len(codes) == 1:
        return gaz.divisions[codes[0]].name
    return place


def _agency_id(span: Span, region: dict[str, str | None]) -> str:
    attrs = nb(span)
    if not attrs.get("shape"):
        return attrs.get("entry") or span.text
    place = attrs.get("place", "")
    body = span.text[len(place) :] if span.text.startswith(place) else span.text
    relative = lexicon("relative_agencies")
    entry = relative.get(body)
    if entry:
        body = entry.id
    else:
        for short, full in _SUFFIX_CANONICAL.items():
            if body == short or body.endswith(short) and not body.endswith(full):
                body = body[: -len(short)] + full
                break
    fixed = lexicon("agencies").get(place + body) if place else None
    if fixed:
        return fixed.id
    if place in ("国务院", "国家"):
        return place + body
    return f"{expand_place(place, region) or ''}{body}"


# A township name before a township body: 石空镇 + 人民政府 (the gazetteer stops at counties).
_TOWNSHIP = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:街道|镇|乡|苏木)(?=人民政府|政府|党|办|便民|综合|社会|为民|退役|财政|文化)"
)
# Endings of a body that other bodies sit under: 中宁县人民政府 above 中宁县人民政府办公室, 中宁县卫生健康局
# above its 办公室. 办 and 中心 are not among them (中宁县政务公开办 is no body above 中宁县政务公开办公室).
_PARENT_ENDINGS = ("人民政府", "人民政府办公室", "人民政府办公厅", "委员会", "局", "厅", "部", "院")


def agency_place(canonical: str, region: dict[str, str | None]) -> dict[str, str]:
    """An agency's region (``province/city/county`` as the graph's region nodes name it) and level from
    the gazetteer names it begins with, and its parent where the name shows one (the longest shorter
    name of a body it begins with). National bodies have level ``national`` and no region."""
    out: dict[str, str] = {}
    fixed = lexicon("agencies").get(canonical)
    if fixed is not None or canonical.startswith(("国务院", "国家", "中共中央", "全国")):
        out["level"] = "national"
        place_end = 0
    else:
        unit, place_end = _leading_unit(canonical, region)
        if unit is not None:
            r = region_of(unit, "")
            out["region"] = "/".join(n for n in (r.province, r.city, r.county) if n)
            out["level"] = unit.level
            rest = canonical[place_end:]
            township = _TOWNSHIP.match(rest)
            if township and not rest.startswith(("人民政府", "政府")):
                out["level"] = "township"
                place_end += township.end()
        elif _TOWNSHIP.match(canonical) and region.get("county"):
            # 石空镇人民政府 in 中宁县's report: a township of the report's county (the gazetteer stops at counties)
            out["region"] = "/".join(n for n in (region.get("province"), region.get("city"), region["county"]) if n)
            out["level"] = "township"
            place_end = _TOWNSHIP.match(canonical).end()
    agencies = lexicon("agencies")
    for cut in range(len(canonical) - 1, max(place_end, 1), -1):
        head = canonical[:cut]
        if agencies.get(head) is not None or (cut > place_end + 1 and head.endswith(_PARENT_ENDINGS)):
            out["parent"] = agencies.get(head).id if agencies.get(head) else head
            break
    return out


def _leading_unit(name: str, region: dict[str, str | None]) -> tuple[Any, int]:
    """The most specific gazetteer unit of the chain of place names a name begins with, and where the
    chain ends (an ambiguous name is read as the report's own unit when one of its readings is)."""
    gaz = load_gazetteer()
    unit, end = None, 0
    for m in gaz.mentions(name[:24]):
        if m.start != end or m.kind == "short" and m.end < len(name) and name[m.end] in "省市县区":
            break
        own = [c for c in m.codes if gaz.divisions[c].name in _region_chain(region)]
        inside = [c for c in m.codes if unit is None or unit.code in gaz.divisions[c].ancestors]
        codes = own or inside or list(m.codes)
        if len(codes) != 1:
            break
        unit, end = gaz.divisions[codes[0]], m.end
    return unit, end


def regulation_version(canonical: str, attrs: dict[str, Any], text: str, start: int, end: int) -> str | None:
    """Which edition of a regulation a mention means (``2019``, ``2007``), where the text says it: the
    文号 given with it, or a mark in its title or right around it (新修订的《条例》, 原《条例》,
    《条例》（国务院令第711号）). None when the text does not say."""
    entry = lexicon("regulations").get(canonical)
    versions = entry.attrs.get("versions") if entry else None
    if not versions:
        return None
    number = attrs.get("doc_number") or ""
    for v in versions:
        if number and documents.squeeze(number) == documents.squeeze(str(v.get("doc_number", ""))):
            return str(v["year"])
    title = attrs.get("title") or ""
    before, after = text[max(0, start - 8) : start + 1], text[end : end + 20]
    for v in versions:
        marks = [str(m) for m in v.get("marks") or ()]
        number = str(v.get("doc_number") or "")
        if any(m in title for m in marks if "《" not in m) or any(m in before for m in marks):
            return str(v["year"])
        if number and number in after.split("。")[0]:
            return str(v["year"])
    return None
