"""The cuts of a fixed text with a fixed dictionary are those of ``SEGMENTATION_VERSION``: a change of the
segmentation code that changes them fails here until the version (which stores record) is raised."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from indexer.segment import SEGMENTATION_VERSION

ROOT = Path(__file__).resolve().parents[1]
# SEGMENTATION_VERSION → digest of the index words and query terms of the first sample, cut with TERMS.
CUTS = {1: "4a8b663a734c36ed"}
TERMS = "政府开放日\n政务新媒体\n依申请公开\n三级审核\n政府信息公开\n"
SCRIPT = """
import hashlib, sys
from pathlib import Path
from indexer.segment import index_tokens, query_terms
text = Path(sys.argv[1]).read_text(encoding="utf-8")
query = "政府开放日和依申请公开《条例》国办公开办函〔2021〕30号"
words = " ".join(index_tokens(text)) + "|" + " ".join(query_terms(query))
print(hashlib.sha256(words.encode()).hexdigest()[:16])
"""


def cuts_digest(tmp_path: Path) -> str:
    (tmp_path / "dictionaries").mkdir()
    (tmp_path / "dictionaries" / "domain_terms.txt").write_text(TERMS, encoding="utf-8")
    sample = ROOT / "data" / "reports" / "000_26dfd29bd5682613.txt"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(sample)],
        capture_output=True,
        text=True,
        env={"NIANBAO_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        check=True,
    )
    return result.stdout.strip()


def test_the_cuts_are_those_of_the_segmentation_version(tmp_path: Path) -> None:
    digest = cuts_digest(tmp_path)
    assert CUTS.get(SEGMENTATION_VERSION) == digest, (
        f"the cuts changed (digest {digest}): raise SEGMENTATION_VERSION in indexer/segment.py and record"
        " the new digest in CUTS"
    )


def test_the_index_records_the_version_and_the_dictionary() -> None:
    from indexer.search.embedded import segmentation_version
    from indexer.segment import domain_terms

    terms = hashlib.sha256("\n".join(domain_terms()).encode()).hexdigest()[:16]
    assert segmentation_version() == f"rjieba:v{SEGMENTATION_VERSION}:{terms}"
