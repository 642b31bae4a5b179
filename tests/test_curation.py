"""Entity curation: merge, rename, split, hide — decisions kept as data in the store, exported to and
imported from YAML, listed with their time, undoable, and holding after a re-ingest and a lexicon change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from indexer.api import Library
from indexer.errors import NianbaoError

ROOT = Path(__file__).resolve().parents[1]
NIANBAO = Path(sys.executable).with_name("nianbao")
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))


def _cli(db: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(NIANBAO), *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "reports"
    folder.mkdir()
    for sample in SAMPLES:
        shutil.copy(sample, folder / sample.name)
    db = tmp_path / "store.db"
    Library(db).ingest([folder], workers=1)
    return db, folder


def _measures(library: Library) -> dict[str, int]:
    return {name: library.practice(name).reports for name in library.entity_names("measure")}


def test_merge_rename_hide_hold_after_a_re_ingest_and_a_lexicon_change(store, tmp_path: Path) -> None:
    db, folder = store
    before = Library(db)
    open_day, review = before.practice("政府开放日"), before.practice("三级审核")
    reports_of = {
        name: {h.report_id for h in before.practice(name, limit=100).hits} for name in ("政府开放日", "三级审核")
    }
    _cli(db, "entity", "merge", "政府开放日", "三级审核")
    _cli(db, "entity", "rename", "政策解读", "政策解读（整理后）")
    _cli(db, "entity", "hide", "图文解读")

    def check(library: Library) -> None:
        merged = library.practice("三级审核")
        assert merged.reports == len(reports_of["政府开放日"] | reports_of["三级审核"])  # distinct reports
        assert library.practice("政府开放日").canonical == "三级审核"  # the old name leads to the merged one
        names = library.entity_names("measure")
        assert "政府开放日" not in names and "政策解读" not in names and "图文解读" not in names
        assert "政策解读（整理后）" in names
        g = library.graph()
        assert "measure:政府开放日" not in g and "measure:图文解读" not in g and "measure:三级审核" in g
        with pytest.raises(NianbaoError, match="hidden"):
            library.practice("图文解读")

    assert open_day.reports and review.reports
    check(Library(db))
    # A re-ingest: every report changed, parsed and extracted again.
    for path in folder.glob("*.txt"):
        path.write_text(
            path.read_text(encoding="utf-8") + "\n六、其他需要报告的事项\n本报告另附说明。\n", encoding="utf-8"
        )
    _cli(db, "ingest", str(folder), "--workers", "1")
    check(Library(db))
    # A lexicon change: a new alias of 政府开放日 in a copy of data/, and the reports extracted again.
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    measures = yaml.safe_load((data / "lexicons" / "measures.yml").read_text(encoding="utf-8"))
    entry = next(e for e in measures["entries"] if e["id"] == "政府开放日")
    entry["aliases"] = [*entry.get("aliases", []), "政务开放"]
    (data / "lexicons" / "measures.yml").write_text(yaml.safe_dump(measures, allow_unicode=True), encoding="utf-8")
    uids = [e.uid for e in Library(db).reports()]
    _cli(db, "remove", *uids)
    _cli(db, "ingest", str(folder), "--workers", "1", env={"NIANBAO_DATA": str(data)})
    check(Library(db))


def test_decisions_are_listed_undone_exported_and_imported(store, tmp_path: Path) -> None:
    db, _ = store
    library = Library(db)
    open_day = library.practice("政府开放日").reports
    merged = library.curate("merge", "政府开放日", "三级审核")
    library.curate("hide", "图文解读")
    listed = library.curation()
    assert [d.action for d in listed] == ["merge", "hide"] and all(d.at for d in listed)
    path = tmp_path / "curation.yml"
    assert library.export_curation(path) == 2
    library.undo_curation(merged.id)
    assert Library(db).practice("政府开放日").reports == open_day  # the extracted entity is back
    assert Library(db).curation()[0].undone_at
    # A new store from the same reports takes the decisions from the file.
    other = tmp_path / "other.db"
    Library(other).ingest(SAMPLES, workers=1)
    assert Library(other).import_curation(path) == 2
    assert Library(other).import_curation(path) == 0  # the same decisions are not added twice
    assert Library(other).practice("政府开放日").canonical == "三级审核"
    assert "图文解读" not in Library(other).entity_names("measure")


def test_split_makes_an_alias_an_entity_of_its_own(store) -> None:
    db, _ = store
    library = Library(db)
    forms = library.entity("政府开放日")["aliases"]
    assert "走进政府" in forms
    with pytest.raises(NianbaoError, match="not a way"):
        library.curate("split", "没有这种写法", "政府开放日")
    library.curate("split", "走进政府", "政府开放日")
    after = Library(db)
    assert "走进政府" not in after.entity("政府开放日")["aliases"]
    assert after.entity("走进政府")["aliases"] == ["走进政府"]
