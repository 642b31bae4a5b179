"""What a researcher reads for the model's names and the reasons a file is rejected: Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.api import Library
from indexer.labels import CHECK_LABELS, reason_label

ROOT = Path(__file__).resolve().parents[1]


def test_every_rejected_file_has_its_reason_in_chinese(tmp_path: Path) -> None:
    files = {
        "empty.txt": b"",
        "old.doc": b"\xd0\xcf\x11\xe0 legacy",
        "writer.wps": b"wps",
        "data.xyz": b"x",
        "binary.txt": b"\x00\x01\x02" * 100,
        "broken.pdf": b"%PDF-1.4 truncated",
        "broken.docx": b"PK not a zip",
        "notice.txt": "关于开展春季植树活动的通知\n各单位：请于三月参加植树。".encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    summary = Library(tmp_path / "s.db").ingest([tmp_path / n for n in files], workers=1)
    failed = {Path(o.location).name: o.detail for o in summary.outcomes if o.status == "failed"}
    assert set(failed) == set(files)
    for name, reason in failed.items():
        shown = reason_label(reason)
        assert shown != reason and re.search(r"[\u4e00-\u9fff]", shown), (name, reason)


def test_every_check_has_a_chinese_name() -> None:
    ids: set[str] = set()
    check_id = re.compile(r'"((?:requests|review|proactive|narrative|tables|sections)\.[a-z_]+)"')
    for path in (ROOT / "indexer" / "parse").glob("*.py"):
        ids |= set(check_id.findall(path.read_text()))
    assert ids and ids <= set(CHECK_LABELS), ids - set(CHECK_LABELS)


def test_every_note_on_a_table_cell_reads_in_chinese(tmp_path: Path) -> None:
    """The reason a cell is blank and the basis a cell was derived on, as the report page shows them on
    hover: for the samples, their degraded copies (Markdown, flattened crawls, OCR'd text) and a row OCR
    left short, a PDF's text that lost its tables' layout, every note the parser writes is translated whole."""
    from builders import build_pdf
    from pdfminer.high_level import extract_text
    from test_degraded import degrade
    from test_ocr import SAMPLE_004, _misread

    from indexer.labels import note_label
    from indexer.parse import parse_text

    texts = [(p.read_text(encoding="utf-8"), False) for p in sorted((ROOT / "data" / "reports").glob("*.txt"))]
    texts += [(make(text, seed), False) for seed, (text, _) in enumerate(texts[:5]) for make in degrade.KINDS.values()]
    texts.append((_misread(SAMPLE_004.read_text(encoding="utf-8")), True))
    texts.append((extract_text(str(build_pdf(texts[0][0], tmp_path / "report.pdf"))), False))  # layout lost
    notes: set[str] = set()
    for text, ocr in texts:
        report = parse_text(text, path="x.txt", ocr=ocr)
        notes |= {d.basis for d in report.derived_cells}
        for table in (report.requests, report.proactive, report.review_litigation):
            cells = [v for row in (table or {}).values() for v in (row.values() if isinstance(row, dict) else row)]
            notes |= {v.reason for v in cells if v.value is None and v.reason}
    assert len(notes) >= 8  # blanks, derivations, glued runs, short rows: the kinds the samples give
    for note in notes:
        shown = note_label(note)
        assert not re.search(r"[A-Za-z]{2,}", shown.replace("OCR", "").replace("PDF", "")), (note, shown)
