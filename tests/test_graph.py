"""The knowledge graph built from the store, its queries, export round trip, and the CLI commands."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.build import EDGE_TYPES, build_graph, neighbours
from graph.export import export_graph, read_graph
from graph.queries import cites, entity, practice, similar
from indexer.store import connect

ROOT = Path(__file__).resolve().parents[1]
NIANBAO = Path(sys.executable).with_name("nianbao")


@pytest.fixture(scope="module")
def db(sample_db: Path) -> Path:
    return sample_db


@pytest.fixture(scope="module")
def conn(db: Path) -> sqlite3.Connection:
    return connect(db, readonly=True)


def test_graph_has_typed_nodes_and_aggregated_edges(conn: sqlite3.Connection) -> None:
    g = build_graph(conn)
    types = {t for _, t in g.nodes(data="type")}
    assert types == {"region", "agency", "report", "document", "platform", "measure", "problem", "fix"}
    assert {d["relation"] for _, _, d in g.edges(data=True)} <= set(EDGE_TYPES)
    assert "region:宁夏回族自治区/吴忠市/盐池县" in g
    assert g.has_edge("region:宁夏回族自治区/吴忠市/盐池县", "region:宁夏回族自治区/吴忠市", key="part_of")
    assert g.has_edge("agency:盐池县人民政府办公室", "region:宁夏回族自治区/吴忠市/盐池县", key="located_in")
    regulation = "doc:中华人民共和国政府信息公开条例"
    citing = [u for u, _, k in g.in_edges(regulation, keys=True) if k == "cites"]
    assert len(citing) == 5
    edge = g.edges["agency:银川市西夏区人民政府", regulation, "cites"]
    assert edge["count"] >= 2 and edge["reports"]
    assert "第五十条" in g.edges["agency:盐池县人民政府办公室", regulation, "cites"]["articles"]
    assert g.has_edge("doc:盐池县2020年政务公开工作要点的通知", "agency:盐池县人民政府办公室", key="issued_by")


def test_neighbours_by_edge_type(conn: sqlite3.Connection) -> None:
    near = neighbours(build_graph(conn), "measure:政府开放日")
    assert len(near["practices (in)"]) == 3


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_round_trip(conn: sqlite3.Connection, fmt: str, tmp_path: Path) -> None:
    g = build_graph(conn)
    path = tmp_path / f"g.{fmt}"
    export_graph(g, fmt, path)
    back = read_graph(fmt, path)
    assert set(back.nodes) == set(g.nodes)
    edges = {(u, v, d["relation"]) for u, v, d in g.edges(data=True)}
    assert {(u, v, d["relation"]) for u, v, d in back.edges(data=True)} == edges


def test_export_filtered_by_type(conn: sqlite3.Connection) -> None:
    g = build_graph(conn, ["agency", "document"])
    assert {t for _, t in g.nodes(data="type")} == {"agency", "document"}
    assert {d["relation"] for _, _, d in g.edges(data=True)} <= {"cites", "issued_by", "under"}


@pytest.mark.parametrize(
    "name", ["政府信息公开条例", "《中华人民共和国政府信息公开条例》", "中华人民共和国 政府信息公开条例", "条例"]
)
def test_cites_any_alias(conn: sqlite3.Connection, name: str) -> None:
    answer = cites(conn, name)
    assert answer.canonical == "中华人民共和国政府信息公开条例"
    assert answer.reports == 5
    assert answer.by_province == {"宁夏回族自治区": 4, "甘肃省": 1}
    assert any(h.article == "第五十条" for h in answer.hits)
    assert all("条例" in h.sentence for h in answer.hits)


def test_practice_with_figures(conn: sqlite3.Connection) -> None:
    answer = practice(conn, "政府开放日")
    assert answer.reports == 3
    figures = {f for h in answer.hits for f in h.figures}
    assert "28家" in figures and "10家" in figures


def test_entity_aliases_and_neighbours(conn: sqlite3.Connection) -> None:
    answer = entity(conn, "政府信息公开条例")
    assert answer["canonical"] == "中华人民共和国政府信息公开条例"
    assert {"中华人民共和国政府信息公开条例", "政府信息公开条例"} <= set(answer["aliases"])
    assert answer["neighbours"]["regions"]


def test_similar_regions(conn: sqlite3.Connection) -> None:
    rows = similar(conn, "盐池县")
    assert rows and all(r["county"] != "盐池县" for r in rows)
    assert rows == sorted(rows, key=lambda r: -r["score"])


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NIANBAO), *args, "--db", str(db)], capture_output=True, text=True, timeout=120)


def test_cli_queries(db: Path, tmp_path: Path) -> None:
    out = _run(db, "cites", "政府信息公开条例", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["reports"] == 5
    csv_path = tmp_path / "c.csv"
    assert _run(db, "cites", "政府信息公开条例", "--csv", str(csv_path)).returncode == 0
    assert "第五十条" in csv_path.read_text(encoding="utf-8-sig")
    assert "28家" in _run(db, "practice", "政府开放日").stdout
    assert "国务院办公厅" in _run(db, "entity", "国办").stdout or _run(db, "entity", "国办").returncode == 1
    assert _run(db, "similar", "合水县").returncode == 0
    missing = _run(db, "cites", "不存在的文件名称")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_cli_graph_export(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    result = _run(db, "graph", "export", "--format", "gexf", "--types", "region,agency,document", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and "节点" in result.stdout
    bad = _run(db, "graph", "export", "--types", "people")
    assert bad.returncode == 1 and "unknown node type" in bad.stderr


def test_a_regulation_is_found_by_its_number(conn) -> None:  # noqa: ANN001
    by_title = cites(conn, "中华人民共和国政府信息公开条例")
    for number in ("国务院令第711号", "国务院令第492号"):  # the 2019 revision and the 2007 original
        answer = cites(conn, number)
        assert answer.canonical == "中华人民共和国政府信息公开条例"
        assert answer.reports == by_title.reports > 0


def test_a_name_inside_several_answers_with_the_candidates(conn) -> None:  # noqa: ANN001
    from graph.queries import AmbiguousName

    with pytest.raises(AmbiguousName) as raised:
        cites(conn, "政务公开")
    candidates = raised.value.candidates
    assert len(candidates) >= 2
    assert [r for _, _, r in candidates] == sorted((r for _, _, r in candidates), reverse=True)
    assert "did you mean" in str(raised.value)
