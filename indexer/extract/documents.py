"""Cited documents: 《…》 titles, the 文号 that follows them, article references, kinds and families."""

from __future__ import annotations

import re
from dataclasses import dataclass

# 《…》 with inner marks kept as printed (<…>, 〈…〉, or a nested 《…》).
TITLE = re.compile(r"《((?:[^《》\n]|《[^《》\n]*》){1,120})》")
_NUMBER_BODY = r"[\u4e00-\u9fff]{1,16}(?:〔|\[|［|【)\d{4}(?:〕|\]|］|】)\d{1,5}号|[\u4e00-\u9fff]{0,16}令第\d{1,5}号"
DOC_NUMBER = re.compile(_NUMBER_BODY)
# A 文号 in brackets right after a title: 《…》（盐政办发〔2020〕43号）
NUMBER_AFTER_TITLE = re.compile(rf"\s*[（(]\s*({_NUMBER_BODY})\s*[）)]")
_NUM = r"[一二三四五六七八九十百零〇两\d]+"
ARTICLE = re.compile(rf"第{_NUM}条(?:第[（(]?{_NUM}[）)]?款)?(?:第[（(]{_NUM}[）)]项|第{_NUM}项)?")
# "（以下简称《条例》）" / "(以下简称“条例”)"
SHORT_NAME = re.compile(r"[（(]\s*以下(?:简称|称)\s*[《“\"]([^》”\"]{1,30})[》”\"]\s*[）)]")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?")
_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]{1,12}[）)]\s*$")
_QUOTES = "“”\"'‘’「」"

_KIND_BY_ENDING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("other", ("年度报告", "工作报告", "示范文本", "报告")),
    ("publication", ("公报", "汇编", "年鉴", "白皮书", "选编", "读本")),
    (
        "policy_document",
        (
            "通知",
            "方案",
            "要点",
            "意见",
            "规则",
            "指引",
            "计划",
            "制度",
            "手册",
            "决定",
            "安排",
            "纲要",
            "目录",
            "清单",
            "指南",
            "批复",
            "通告",
            "公告",
            "函",
            "标准",
            "规划",
            "措施",
            "机制",
            "细则",
        ),
    ),
    ("law_regulation", ("条例", "办法", "规定", "规范", "法", "章程")),
)


@dataclass(frozen=True)
class TitleMatch:
    title: str  # as printed, whitespace removed
    start: int  # of the title text (inside the marks)
    end: int
    doc_number: str | None
    mark_start: int  # of 《
    mark_end: int  # after 》 (and after the bracketed 文号, if any)


def find_titles(text: str) -> list[TitleMatch]:
    out = []
    for m in TITLE.finditer(text):
        number = NUMBER_AFTER_TITLE.match(text, m.end())
        out.append(
            TitleMatch(
                title=re.sub(r"\s+", "", m.group(1)),
                start=m.start(1),
                end=m.end(1),
                doc_number=re.sub(r"\s+", "", number.group(1)) if number else None,
                mark_start=m.start(),
                mark_end=number.end() if number else m.end(),
            )
        )
    return out


def document_kind(title: str) -> str:
    """law_regulation / policy_document / publication / other, from how the title ends."""
    core = _TRAILING_NOTE.sub("", title).strip(_QUOTES + " ")
    for kind, endings in _KIND_BY_ENDING:
        if core.endswith(endings):
            return kind
    return "other"


def family_key(title: str) -> str:
    """Titles that differ only by year are one recurring document: 《X县2020年政务公开工作要点》."""
    return _YEAR.sub("", title)


def squeeze(title: str) -> str:
    """A title compared loosely: no 中华人民共和国 prefix, marks, quotes or spaces."""
    return re.sub(r"[\s《》〈〉<>“”\"'‘’]", "", title).removeprefix("中华人民共和国")
