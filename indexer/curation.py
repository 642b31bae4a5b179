"""Curation: a researcher's decisions about entities — merge two, rename one, split an alias off, hide a
non-entity — kept as data in the store's ``curation`` table (exported to and imported from
``data/curation.yml`` for review), and applied to the stored mentions: when a decision is made or undone,
and to every report an ingest writes, so that they survive re-ingests and lexicon changes.

A mention's canonical id as extracted is kept in its attributes (``extracted``) whenever a decision
changes it, so that undoing a decision restores what the pipeline found. Hidden entities stay in the
store and are left out of listings, answers and the graph (the API filters them).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from indexer.errors import NianbaoError
from indexer.paths import read_yaml

ACTIONS = ("merge", "rename", "split", "hide", "unhide")
CURATION_DDL = """CREATE TABLE IF NOT EXISTS curation (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    action TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT, undone_at TEXT
);"""


@dataclass
class Decision:
    """merge: ``name`` becomes ``value`` (an entity already there); rename: ``name`` is shown as ``value``;
    split: the mentions written ``name`` of the entity ``value`` become an entity of their own, ``name``;
    hide / unhide: ``name`` is left out of listings, or shown again."""

    id: int | None
    at: str
    action: str
    kind: str
    name: str
    value: str | None = None
    undone_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"at": self.at, "action": self.action, "kind": self.kind, "name": self.name}
        if self.value is not None:
            out["value"] = self.value
        if self.undone_at:
            out["undone_at"] = self.undone_at
        return out

    def describe(self) -> str:
        what = {
            "merge": f"{self.name} 并入 {self.value}",
            "rename": f"{self.name} 改名为 {self.value}",
            "split": f"写法 {self.name} 从 {self.value} 分出",
            "hide": f"隐藏 {self.name}",
            "unhide": f"取消隐藏 {self.name}",
        }[self.action]
        return what + (f"（已撤销 {self.undone_at}）" if self.undone_at else "")


@dataclass
class Rules:
    """The active decisions, compiled: what a mention's canonical id becomes, and what is hidden."""

    renamed: dict[tuple[str, str], str] = field(default_factory=dict)
    split: dict[tuple[str, str, str], str] = field(default_factory=dict)
    hidden: set[tuple[str, str]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.renamed or self.split)

    def canonical(self, kind: str, canonical: str, surface: str) -> str:
        canonical = self.split.get((kind, canonical, surface), canonical)
        seen = {canonical}
        while (kind, canonical) in self.renamed:  # A → B → C; a cycle stops where it closes
            canonical = self.renamed[(kind, canonical)]
            if canonical in seen:
                break
            seen.add(canonical)
        return canonical

    def keys(self) -> set[tuple[str, str]]:
        return set(self.renamed) | {(k, c) for k, c, _ in self.split}


def decisions(conn: sqlite3.Connection) -> list[Decision]:
    """Every decision, oldest first (undone ones too, with their time)."""
    try:
        rows = conn.execute("SELECT id, at, action, kind, name, value, undone_at FROM curation ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # a store written before curation existed, opened read-only
        return []
    return [Decision(*r) for r in rows]


def rules(conn: sqlite3.Connection) -> Rules:
    out = Rules()
    for d in decisions(conn):
        if d.undone_at:
            continue
        if d.action in ("merge", "rename") and d.value:
            out.renamed[(d.kind, d.name)] = d.value
        elif d.action == "split" and d.value:
            out.split[(d.kind, d.value, d.name)] = d.name
            out.renamed.pop((d.kind, d.name), None)
        elif d.action == "hide":
            out.hidden.add((d.kind, d.name))
        elif d.action == "unhide":
            out.hidden.discard((d.kind, d.name))
    return out


def curate_mentions(mentions: list[Any], active: Rules) -> list[Any]:
    """A report's mention rows with the decisions applied (the extracted id kept in ``attrs``); with no
    decision active, the extracted ids are back."""
    out = []
    for m in mentions:
        attrs = dict(_attrs(m.attrs))
        extracted = attrs.get("extracted", m.canonical)
        canonical = active.canonical(m.kind, extracted, m.surface)
        if canonical != extracted:
            attrs["extracted"] = extracted
        else:
            attrs.pop("extracted", None)
        out.append(m._replace(canonical=canonical, attrs=attrs))
    return out


def _attrs(attrs: Any) -> dict[str, Any]:
    """A mention's attrs: a dict from the pipeline, JSON text from the store."""
    return json.loads(attrs) if isinstance(attrs, str) else attrs


def as_summaries_input(mentions: Iterable[Any]) -> list[SimpleNamespace]:
    """Mention rows as the objects ``summarize_entities`` reads (attrs as a dict), in text order."""
    return [
        SimpleNamespace(kind=m.kind, canonical=m.canonical, surface=m.surface, attrs=_attrs(m.attrs))
        for m in sorted(mentions, key=lambda m: m.start)
    ]


def record(conn: sqlite3.Connection, action: str, kind: str, name: str, value: str | None = None) -> Decision:
    """Add a decision and apply it to the store (in one transaction)."""
    from indexer.store import transaction

    if action not in ACTIONS:
        raise NianbaoError(f"unknown curation action '{action}': one of {', '.join(ACTIONS)}")
    with transaction(conn):
        conn.execute(CURATION_DDL)
        cur = conn.execute(
            "INSERT INTO curation (action, kind, name, value) VALUES (?, ?, ?, ?)", (action, kind, name, value)
        )
        reapply(conn)
    return next(d for d in decisions(conn) if d.id == cur.lastrowid)


def undo(conn: sqlite3.Connection, decision_id: int) -> Decision:
    from indexer.store import transaction

    with transaction(conn):
        conn.execute(CURATION_DDL)
        found = conn.execute(
            "UPDATE curation SET undone_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? AND undone_at IS NULL",
            (decision_id,),
        ).rowcount
        if not found:
            raise NianbaoError(f"no curation decision {decision_id} to undo (`nianbao entity decisions` lists them)")
        reapply(conn)
    return next(d for d in decisions(conn) if d.id == decision_id)


def reapply(conn: sqlite3.Connection) -> int:
    """Bring the stored mentions in line with the active decisions (in the caller's transaction): every
    report with a curated mention, or a mention a decision names, is relinked. Returns their number."""
    from indexer.store.entities import link_entities, summarize_entities, unlink_entities
    from indexer.store.reports import MentionRow
    from indexer.store.schema import pack_mentions

    active = rules(conn)
    reports = {
        r
        for (r,) in conn.execute("SELECT report_id FROM report_mentions WHERE instr(unzip(mentions), '\"extracted\"')")
    }
    for kind, canonical in active.keys():
        reports.update(
            r
            for (r,) in conn.execute(
                "SELECT report_id FROM entity_reports WHERE kind = ? AND canonical = ?", (kind, canonical)
            )
        )
    fields = ", ".join(MentionRow._fields)
    for report_id in sorted(reports):
        rows = conn.execute(f"SELECT {fields} FROM mentions WHERE report_id = ? ORDER BY id", (report_id,)).fetchall()
        mentions = [MentionRow(*r[:-1], json.loads(r[-1])) for r in rows]
        curated = curate_mentions(mentions, active)
        if curated == mentions:
            continue
        unlink_entities(conn, report_id)
        conn.execute("UPDATE report_mentions SET mentions = ? WHERE report_id = ?", (pack_mentions(curated), report_id))
        row = conn.execute(
            "SELECT publisher, province, city, county, year FROM reports WHERE id = ?", (report_id,)
        ).fetchone()
        place = dict(zip(("publisher", "province", "city", "county", "year"), row, strict=True))
        link_entities(conn, report_id, place, summarize_entities(as_summaries_input(curated)))
    return len(reports)


def export_yaml(conn: sqlite3.Connection, path: Path) -> int:
    """Write every decision (undone ones too) to a YAML file for review; returns their number."""
    items = [d.to_json() for d in decisions(conn)]
    header = (
        "# Entity curation decisions (nianbao entity merge / rename / split / hide / unhide), oldest first.\n"
        "# `nianbao entity import` applies this file to a store; `nianbao entity export` writes it.\n"
    )
    path.write_text(header + yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(items)


def import_yaml(conn: sqlite3.Connection, path: Path) -> int:
    """Add the file's decisions the store does not hold yet (same time, action and names), then apply
    them all; returns the number added."""
    from indexer.store import transaction

    try:
        items = read_yaml(path) or []
    except FileNotFoundError:
        raise NianbaoError("curation file missing", path) from None
    except yaml.YAMLError as exc:
        raise NianbaoError(f"curation file is not valid YAML: {exc}", path) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise NianbaoError("curation file must be a list of decisions", path)
    added = 0
    with transaction(conn):
        conn.execute(CURATION_DDL)
        held = {(d.at, d.action, d.kind, d.name, d.value) for d in decisions(conn)}
        for item in items:
            action = item.get("action")
            if action not in ACTIONS or not item.get("kind") or not item.get("name"):
                raise NianbaoError(f"not a curation decision: {item}", path)
            at = str(item.get("at") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
            key = (at, action, item["kind"], str(item["name"]), item.get("value"))
            if key in held:
                if item.get("undone_at"):
                    conn.execute(
                        "UPDATE curation SET undone_at = ? WHERE at = ? AND action = ? AND kind = ? AND name = ?"
                        " AND undone_at IS NULL",
                        (str(item["undone_at"]), *key[:4]),
                    )
                continue
            conn.execute(
                "INSERT INTO curation (at, action, kind, name, value, undone_at) VALUES (?, ?, ?, ?, ?, ?)",
                (*key, item.get("undone_at")),
            )
            added += 1
        reapply(conn)
    return added
