"""`nianbao lexicon suggest`: names the lexicons do not know, found across the corpus by the phrases that
introduce them, counted over distinct reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from builders import load_generator

from indexer.api import Library
from indexer.extract.suggest import candidates_in, known_names

NIANBAO = Path(sys.executable).with_name("nianbao")
PLATFORM = "开通“乐享长河”微信公众号，发布政策信息。"
MEASURE = "推行“一窗通办”服务模式，压缩办理时限。"


def _planted_store(tmp_path: Path) -> Path:
    reports = list(load_generator().generate_reports(6, 11))
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, r in enumerate(reports):
        text = r.text
        if i < 3:  # three reports name the platform, one of them twice
            text = text.replace("。\n", "。" + PLATFORM * (2 if i == 0 else 1) + "\n", 1)
        if 2 <= i < 4:
            text = text.replace("。\n", "。" + MEASURE + "\n", 1)
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "store.db"
    Library(db).ingest([folder], workers=1)
    return db


def test_planted_platforms_and_measures_are_suggested_with_their_report_counts(tmp_path: Path) -> None:
    db = _planted_store(tmp_path)
    library = Library(db)
    platforms = {c.name: c for c in library.lexicon_suggest("platform")}
    assert platforms["乐享长河微信公众号"].reports == 3
    assert "乐享长河" in platforms["乐享长河微信公众号"].examples[0][1]
    measures = {c.name: c for c in library.lexicon_suggest("measure")}
    assert measures["一窗通办服务模式"].reports == 2
    # Known names are not suggested again.
    assert not known_names("platform") & set(platforms)
    out = subprocess.run(
        [str(NIANBAO), "lexicon", "suggest", "--kind", "measure", "--yaml", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    entries = yaml.safe_load(out)
    assert {"id": "一窗通办服务模式", "group": "其他", "aliases": []} in entries
    listed = json.loads(
        subprocess.run(
            [str(NIANBAO), "lexicon", "suggest", "--json", "--min-reports", "3", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout
    )
    assert [c["name"] for c in listed if c["name"] == "乐享长河微信公众号"] and all(c["reports"] >= 3 for c in listed)


def test_phrases_that_are_not_names_are_not_candidates() -> None:
    known = known_names("platform")
    text = "通过在政府门户网站发布。开设运行的33个政务新媒体平台。依托合水县人民政府门户网站公开。开展各类活动。"
    assert candidates_in(text, "platform", known) == []
    assert candidates_in(text, "measure", known_names("measure")) == []
    assert [n for n, _, _ in candidates_in("依托“宁夏政务”APP办理。", "platform", known)] == ["宁夏政务APP"]


def test_names_in_lists_quotes_and_counts_are_candidates() -> None:
    def names(text: str, kind: str) -> list[str]:
        return [n for n, _, _ in candidates_in(text, kind, known=set())]

    # A list closed by 等 and its kind word: each member; a quoted member stands for its item, a province
    # in brackets after a site's name is not part of it.
    listed = (
        '处置结果在县人民政府门户网站、"信用中国(宁夏)""国家企业信用信息公示系统(宁夏)"、政务"两微一端"等平台公布。'
    )
    assert {"信用中国", "国家企业信用信息公示系统", "两微一端"} <= set(names(listed, "platform"))
    assert {"县档案馆", "图书馆"} <= set(names("同时，向县档案馆、图书馆等政府信息查阅场所报送。", "platform"))
    # A quoted name before a kind word, and a measure counted where it is told.
    assert "三级审核" in names("严格执行信息发布“三级审核”机制，确保准确。", "measure")
    assert "业务指导" in names("深入各单位开展业务指导4次。", "measure")
    # Not names: topics listed before a verb (等开设专栏), bare verbs of a procedure.
    topics = "针对住房保障、农机补贴、征地拆迁等开设专题专栏。"
    assert not {"住房保障", "农机补贴"} & set(names(topics, "platform"))
    assert not {"审核", "办理"} & set(names("建立登记、审核、办理、答复等制度。", "measure"))
    # A verb read from the left: 落实行政执法公示制度 is 行政执法公示制度, not 政执法公示制度.
    assert "行政执法公示制度" in names("积极落实行政执法公示制度。", "measure")
