"""The whole analysis of one report: read → normalize → parse → extract entities, problems and fixes."""

from __future__ import annotations

from pathlib import Path

from indexer.extract import extract_entities
from indexer.extract.problems import extract_items
from indexer.model import Report
from indexer.normalize import NormalizedText, normalize
from indexer.parse import parse_document
from indexer.read import read_report
from indexer.read.document import RawDocument


def analyze_document(raw: RawDocument) -> tuple[Report, NormalizedText]:
    norm = normalize(raw.text)
    report = parse_document(raw, norm)
    extract_entities(report)
    report.items = extract_items(report)
    return report, norm


def analyze_file(path: str | Path) -> Report:
    return analyze_document(read_report(path))[0]
