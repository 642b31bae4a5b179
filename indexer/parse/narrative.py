"""Figures stated in the prose, and the prose's own arithmetic (breakdowns, rates)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from indexer.model import Check
from indexer.paths import data_dir, read_yaml

_UNITS = "万件|万条|万元|万人次|万份|人次|件|条|个|次|项|期|份|册|人|名|家|篇|卷|盒|页|起|批|场|所|台|户|栏|%"
_LABEL_CHARS = 24
_FIGURE = re.compile(
    rf"(?P<label>[^，。；：、,;:\n\t（）()“”\d]{{0,{_LABEL_CHARS}}}?)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<approx>余|多)?\s*(?P<unit>{_UNITS})"
)
_DIGIT = re.compile(r"\d")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_CLAUSE = re.compile(r"[^。；;！？\n]+")
_LEADING_FILLER = re.compile(
    r"^(?:其中|同时|共|全年|累计|年内|今年|目前|截至目前|此外|另外|以及|和|及|并|已|均|共计|合计)+"
)


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float
    unit: str
    approximate: str | None
    start: int
    end: int


def figure_matches(line: str) -> Iterator[re.Match[str]]:
    """The matches of ``_FIGURE.finditer(line)``, searched from where one can start: a figure's label
    (at most 24 characters, no digit) and spaces come right before its number, so no match starts more
    than 24 characters before the spaces before the next digit. (Trying all 25 label lengths at every
    position of a line took 3 ms a report.)"""
    pos = 0
    while (digit := _DIGIT.search(line, pos)) is not None:
        spaces = digit.start()
        while spaces > pos and line[spaces - 1].isspace():
            spaces -= 1
        m = _FIGURE.search(line, max(pos, spaces - _LABEL_CHARS))
        if m is None:
            return
        yield m
        pos = m.end()


def find_figures(text: str, offset: int = 0) -> list[Figure]:
    """Every number with a measure word in the prose (table rows are skipped)."""
    figures: list[Figure] = []
    line_start = 0
    for line in text.split("\n"):
        if "\t" not in line:
            for m in figure_matches(line):
                raw = m.group("num")
                after = line[m.end() : m.end() + 1]
                if after in "年月日" and after:
                    continue
                value: int | float = float(raw) if "." in raw else int(raw)
                label = _LEADING_FILLER.sub("", m.group("label").strip())
                figures.append(
                    Figure(
                        label,
                        value,
                        m.group("unit"),
                        m.group("approx"),
                        offset + line_start + m.start(),
                        offset + line_start + m.end(),
                    )
                )
        line_start += len(line) + 1
    return figures


def figures_as_dict(figures: list[Figure]) -> dict[str, int | float]:
    """Figures keyed by their label and unit, as the gold annotations record them."""
    out: dict[str, int | float] = {}
    for f in figures:
        key = f"{f.label or '数值'}({f.unit})" + (f"（{f.approximate}）" if f.approximate else "")
        base, n = key, 2
        while key in out:
            key, n = f"{base}#{n}", n + 1
        out[key] = f.value
    return out


_APPLICATIONS = re.compile(
    r"(?P<verb>收到和处理|收到并处理|受理和处理|收到|受理|接收|办理|处理)[^。；，,]{0,14}?(?:政府信息公开|信息公开|依申请公开)[^。；，,\d]{0,8}?申请[^。；，,\d]{0,6}?(?P<num>\d+)\s*件"
    r"|(?:政府信息公开|依申请公开)申请[^。；，,\d]{0,6}?(?P<num2>\d+)\s*件"
)
_NO_APPLICATIONS = re.compile(
    r"(?:未|没有)(?:收到|受理|接到|发生)[^。；，,]{0,8}(?:政府信息公开|依申请公开)[^。；，,]{0,4}申请"
)


def stated_applications(text: str) -> tuple[int, bool] | None:
    """The number of applications the prose states, and whether it says they were all handled."""
    m = _APPLICATIONS.search(text)
    if m:
        handled = "处理" in (m.group("verb") or "")
        return int(m.group("num") or m.group("num2")), handled
    if _NO_APPLICATIONS.search(text):
        return 0, False
    return None


_TOTAL_THEN_PARTS = re.compile(
    rf"(?P<total>\d+(?:\.\d+)?)\s*(?P<approx>余|多)?\s*(?P<unit>{_UNITS})[，,。]?\s*(?:其中|：|:)"
)


def breakdown_checks(text: str) -> list[Check]:
    """A total followed by 其中/： and its parts: the parts may not add up to more than the total."""
    checks: list[Check] = []
    for sentence in _sentences_with_followers(text):
        m = _TOTAL_THEN_PARTS.search(sentence)
        if m is None:
            continue
        total = float(m.group("total"))
        unit = m.group("unit")
        parts = [f for f in find_figures(sentence[m.end() :]) if f.unit == unit]
        if len(parts) < 2:
            continue
        total_parts = sum(f.value for f in parts)
        listed = " + ".join(f"{f.value:g}{f.approximate or ''}" for f in parts)
        if total_parts > total + 1e-9:
            checks.append(
                Check(
                    "narrative.breakdown",
                    False,
                    f"共{m.group('total')}{m.group('approx') or ''}{unit}，"
                    f"但其分项 {listed} = {total_parts:g} 超过总数：“{sentence.strip()[:120]}”",
                )
            )
        else:
            checks.append(Check("narrative.breakdown", True, f"{listed} ≤ {m.group('total')}{unit}"))
    return checks


def _sentences_with_followers(text: str) -> list[str]:
    """Sentences, with a following sentence that begins 其中 joined to the one it breaks down."""
    out: list[str] = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0)
        if out and s.lstrip().startswith("其中"):
            out[-1] += s
        else:
            out.append(s)
    return out


_RATE = re.compile(
    r"(?P<verb>办结|办复|答复|回复|解读|完成|公开|处理)率(?:均)?(?:达到|达|为)?\s*(?P<pct>\d+(?:\.\d+)?)%"
)
# Which verbs count the numerator of each rate (办复率 is often computed over 办结 items).
_NUMERATOR_VERBS = {"办结": "办结|办复", "办复": "办复|办结|答复", "答复": "答复|办复|回复", "回复": "回复|答复"}
_COUNT = re.compile(r"(?P<num>\d+)\s*(?:件|条|个|项)")


def rate_checks(text: str) -> list[Check]:
    """“N件, 办结M件, 办结率P%”: P must be M/N rounded to the printed precision."""
    checks: list[Check] = []
    for clause in _CLAUSE.finditer(text):
        c = clause.group(0)
        for m in _RATE.finditer(c):
            before = c[: m.start()]
            if before and re.match(r"[\u4e00-\u9fff]", before[-1]):
                continue  # a compound rate (图文解读率) names no single count to check it against
            counts = list(_COUNT.finditer(before))
            verb = m.group("verb")
            numerator = next(
                (
                    n
                    for n in reversed(counts)
                    if re.search(
                        rf"(?:{_NUMERATOR_VERBS.get(verb, verb)})[^\d，,]{{0,4}}$",
                        before[max(0, n.start() - 8) : n.start()],
                    )
                ),
                None,
            )
            if numerator is None or counts[0] is numerator:
                continue
            num, den = int(numerator.group("num")), int(counts[0].group("num"))
            if den == 0:
                continue
            printed = Decimal(m.group("pct"))
            exact = Decimal(num) * 100 / Decimal(den)
            rounded = exact.quantize(printed, rounding=ROUND_HALF_UP)
            ok = rounded == printed
            detail = f"{verb} {num}/{den} = {exact:.4f}%，应为 {rounded}%，印作 {printed}%"
            checks.append(Check("narrative.rate", ok, detail))
    return checks


@cache
def _counted_subjects() -> re.Pattern[str]:
    path = data_dir() / "lexicons" / "counted_subjects.yml"
    subjects = read_yaml(path)["subjects"]
    return re.compile("|".join(sorted(map(re.escape, subjects), key=len, reverse=True)))


def conflict_checks(text: str, figures: list[Figure]) -> list[Check]:
    """The same countable subject given two different counts (网络舆情 28个 vs 120起网络舆情)."""
    subjects = _counted_subjects()
    counts: dict[str, list[Figure]] = {}
    for f in figures:
        found = {m.group(0) for m in subjects.finditer(f.label[-8:]) if f.label.endswith(m.group(0))}
        after = subjects.match(text, f.end)
        if after:
            found.add(after.group(0))
        for subject in found:
            counts.setdefault(subject, []).append(f)
    checks = []
    for subject, figs in counts.items():
        if len({f.value for f in figs}) > 1:
            listed = ", ".join(f"{f.value:g}{f.unit}" for f in figs)
            detail = f"{subject}：正文给出不同的数字（{listed}），未说明口径有何不同"
            checks.append(Check("narrative.conflict", False, detail))
    return checks
