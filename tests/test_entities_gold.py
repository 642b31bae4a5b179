"""Entity extraction against the gold `citations`, `platforms` and `measures` of the five samples.

Soft match for platforms and measures (the gold names are annotators' short names): both sides are
stripped of spaces and punctuation; a gold item also stands for its part before a parenthesis and
for the text inside it. A gold item and an extracted item match when one contains the other (the
shorter having at least two characters) or when their character-bigram Dice similarity is ≥ 0.5.
An extracted item is its canonical name together with the forms the report prints it in.
Recall = share of gold items matched by some extracted item; precision = share of extracted items
matching some gold item; both pooled over the five reports.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from indexer.analyze import analyze_file
from indexer.model import Report

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.json"))
_PUNCT = re.compile(r"[\s（）()“”\"'、，,。:：《》〈〉<>·/]")


@cache
def analysed(name: str) -> Report:
    return analyze_file(ROOT / "data" / "reports" / name)


def gold_and_report(path: Path) -> tuple[dict, Report]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    return gold, analysed(gold["file"])


def _variants(item: str) -> set[str]:
    out = {item}
    m = re.match(r"^(.*?)[（(](.*)[）)]\s*$", item)
    if m:
        out |= {m.group(1), m.group(2)}
    return {_PUNCT.sub("", v) for v in out if _PUNCT.sub("", v)}


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def soft_match(gold_item: str, found: str) -> bool:
    f = _PUNCT.sub("", found)
    for g in _variants(gold_item):
        shorter = min(g, f, key=len)
        if len(shorter) >= 2 and (g in f or f in g):
            return True
        a, b = _bigrams(g), _bigrams(f)
        if 2 * len(a & b) / (len(a) + len(b)) >= 0.5:
            return True
    return False


def _names(report: Report, canonical: str) -> set[str]:
    """An extracted item is its canonical name and the forms it is printed in."""
    return {canonical} | {m.surface for m in report.mentions if m.canonical == canonical}


def _pooled(key: str) -> tuple[float, float, list[str], list[str]]:
    gold_total = gold_hit = found_total = found_hit = 0
    missed, extra = [], []
    for path in GOLD:
        gold, report = gold_and_report(path)
        found = {f: _names(report, f) for f in report.entities_json()[key]}
        for g in gold[key]:
            gold_total += 1
            if any(soft_match(g, n) for names in found.values() for n in names):
                gold_hit += 1
            else:
                missed.append(f"{path.stem[:3]}:{g}")
        for f, names in found.items():
            found_total += 1
            if any(soft_match(g, n) for g in gold[key] for n in names):
                found_hit += 1
            else:
                extra.append(f"{path.stem[:3]}:{f}")
    return gold_hit / gold_total, found_hit / max(found_total, 1), missed, extra


@pytest.mark.parametrize("key", ["platforms", "measures"])
def test_platforms_and_measures_soft_match(key: str) -> None:
    recall, precision, missed, extra = _pooled(key)
    assert recall >= 0.9, (recall, missed)
    assert precision >= 0.9, (precision, extra)


def test_citation_titles_recall_and_precision() -> None:
    gold_titles = found_titles = hits = 0
    missing, extra = [], []
    for path in GOLD:
        gold, report = gold_and_report(path)
        expected = [c["title"] for c in gold["citations"]]
        found = [c["title"] for c in report.entities_json()["citations"]]
        gold_titles += len(expected)
        found_titles += len(found)
        hits += len(set(expected) & set(found))
        missing += [t for t in expected if t not in found]
        extra += [t for t in found if t not in expected]
    assert hits == gold_titles, missing
    assert hits / found_titles >= 0.95, extra


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem[:3])
def test_citations_in_order_with_doc_numbers_and_kinds(path: Path) -> None:
    gold, report = gold_and_report(path)
    found = {c["title"]: c for c in report.entities_json()["citations"]}
    order = [
        c["title"] for c in report.entities_json()["citations"] if c["title"] in {g["title"] for g in gold["citations"]}
    ]
    assert order == [g["title"] for g in gold["citations"]]
    for g in gold["citations"]:
        assert found[g["title"]]["doc_number"] == g["doc_number"], g["title"]
        assert found[g["title"]]["kind"] == g["kind"], g["title"]


def test_parse_json_emits_the_gold_entity_keys() -> None:
    model = analysed(GOLD[0].name.replace(".json", ".txt")).to_json()
    for key in ("citations", "platforms", "measures", "mentions"):
        assert key in model
    mention = model["mentions"][0]
    assert {"kind", "canonical", "surface", "start", "end", "sentence_start", "sentence_end", "section"} <= set(mention)
