"""What governments admit and propose: problem categories across regions, fixes beside them, recurrence.

A region is a (province, city, county) triple; a report's publisher and year place it in time, so
"does the same problem come back next year" compares one publisher's consecutive reports.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from typing import Any

from indexer.extract.problems import taxonomy


def _labels(kind: str) -> dict[str, str]:
    return {c.id: c.label for c in taxonomy("problems" if kind == "problem" else "fixes")}


def _where(province: str | None, year: int | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if province:
        clauses.append("r.province = ?")
        params.append(province)
    if year:
        clauses.append("r.year = ?")
        params.append(year)
    return (" AND " + " AND ".join(clauses)) if clauses else "", params


# An item's text is the report's text from its start to its end.
ITEM_TEXT = "substr(unzip(r.text), i.start + 1, i.end - i.start)"


def _item_categories(conn: sqlite3.Connection, report_ids: list[int]) -> dict[int, list[str]]:
    """The category ids of each item of the reports, in the order they were classified (best first)."""
    out: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for item_id, category in conn.execute(
            f"SELECT item_id, category FROM item_categories WHERE report_id IN ({marks}) ORDER BY rowid", chunk
        ):
            out[item_id].append(category)
    return out


def _categories_by_report(conn: sqlite3.Connection, kind: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for rid, category in conn.execute("SELECT report_id, category FROM item_categories WHERE kind = ?", (kind,)):
        out[rid].add(category)
    return out


def problem_ranking(
    conn: sqlite3.Connection,
    province: str | None = None,
    year: int | None = None,
    examples: int = 3,
    cluster: Any = None,
) -> list[dict[str, Any]]:
    """Problem categories ranked by how many regions report them, with examples, fixes and recurrence.
    With an Elasticsearch ``cluster`` the ranking's counts come from the cluster's aggregation."""
    where, params = _where(province, year)
    # Texts are read only for the examples shown: reading every item's text took most of the time.
    rows = conn.execute(
        "SELECT ic.category, ic.report_id, ic.item_id FROM item_categories ic JOIN reports r ON r.id = ic.report_id"
        f" WHERE ic.kind = 'problem'{where} ORDER BY ic.score DESC, r.year DESC",
        params,
    ).fetchall()
    fixes = _categories_by_report(conn, "fix")
    problems_of = _categories_by_report(conn, "problem")
    reports = {
        row[0]: row[1:] for row in conn.execute("SELECT id, uid, province, city, county, publisher, year FROM reports")
    }
    by_publisher_year = {(publisher, y): rid for rid, (_, _, _, _, publisher, y) in reports.items()}
    problem_labels, fix_labels = _labels("problem"), _labels("fix")
    grouped: dict[str, dict[str, Any]] = {}
    for category, rid, item_id in rows:
        uid, prov, city, county, publisher, y = reports[rid]
        g = grouped.setdefault(
            category,
            {"regions": set(), "reports": set(), "examples": [], "fixes": Counter(), "followed": 0, "recurred": 0},
        )
        g["regions"].add((prov, city, county))
        if rid in g["reports"]:
            continue
        g["reports"].add(rid)
        if len(g["examples"]) < examples:
            g["examples"].append(
                {"report_id": uid, "region": "/".join(x for x in (prov, city, county) if x), "year": y, "item": item_id}
            )
        g["fixes"].update(fixes.get(rid, ()))
        following = by_publisher_year.get((publisher, y + 1)) if y else None
        if following is not None:
            g["followed"] += 1
            g["recurred"] += category in problems_of.get(following, set())
    wanted = [e["item"] for g in grouped.values() for e in g["examples"]]
    texts: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        texts.update(
            conn.execute(
                f"SELECT i.id, {ITEM_TEXT} FROM items i JOIN reports r ON r.id = i.report_id WHERE i.id IN ({marks})",
                chunk,
            ).fetchall()
        )
    for g in grouped.values():
        for e in g["examples"]:
            e["text"] = texts[e.pop("item")]
    ranking = [
        {
            "category": category,
            "label": problem_labels.get(category, category),
            "regions": len(g["regions"]),
            "reports": len(g["reports"]),
            "examples": g["examples"],
            "fixes": [
                {"category": f, "label": fix_labels.get(f, f), "reports": n}
                for f, n in sorted(g["fixes"].items(), key=lambda fn: (-fn[1], fn[0]))[:3]  # ties by name: stable
            ],
            "recurrence": round(g["recurred"] / g["followed"], 3) if g["followed"] else None,
            "recurrence_basis": g["followed"],
        }
        for category, g in grouped.items()
    ]
    if cluster is not None:
        counts = {c: (regions, reports) for c, regions, reports in cluster.problem_regions(province, year)}
        for r in ranking:
            r["regions"], r["reports"] = counts.get(r["category"], (0, 0))
    return sorted(ranking, key=lambda r: (-r["regions"], -r["reports"], r["category"]))


def region_items(conn: sqlite3.Connection, region: str) -> list[dict[str, Any]]:
    """A region's problems and fixes by year (county, city or province name)."""
    rows = conn.execute(
        f"SELECT r.year, r.publisher, r.uid, i.kind, {ITEM_TEXT}, i.id, r.id"
        " FROM items i JOIN reports r ON r.id = i.report_id WHERE ? IN (r.county, r.city, r.province)"
        " ORDER BY r.year, r.publisher, i.kind DESC, i.idx",
        (region,),
    ).fetchall()
    categories = _item_categories(conn, sorted({row[-1] for row in rows}))
    labels = {"problem": _labels("problem"), "fix": _labels("fix")}
    return [
        {
            "year": y,
            "publisher": p,
            "report_id": uid,
            "kind": k,
            "text": t,
            "categories": [labels[k].get(c, c) for c in categories.get(item_id, [])],
        }
        for y, p, uid, k, t, item_id, _ in rows
    ]


def recurrence(conn: sqlite3.Connection, publisher: str) -> list[dict[str, Any]]:
    """For each pair of consecutive years of one publisher: problems that came back, and fixes of year N
    that year N+1 reports as done, each with the two passages side by side."""
    reports = dict(conn.execute("SELECT year, id FROM reports WHERE publisher = ? AND year IS NOT NULL", (publisher,)))
    out = []
    fix_categories = {c.id: c for c in taxonomy("fixes")}
    labels = {"problem": _labels("problem"), "fix": _labels("fix")}
    for year in sorted(reports):
        if year + 1 not in reports:
            continue
        before, after = reports[year], reports[year + 1]
        categories = _item_categories(conn, [before, after])
        items = {
            rid: [
                (k, t, categories.get(item_id, []))
                for k, t, item_id in conn.execute(
                    f"SELECT i.kind, {ITEM_TEXT}, i.id FROM items i JOIN reports r ON r.id = i.report_id"
                    " WHERE i.report_id = ? ORDER BY i.idx",
                    (rid,),
                )
            ]
            for rid in (before, after)
        }
        problems_next = {c: t for k, t, cs in items[after] if k == "problem" for c in cs}
        recurring = [
            {
                "category": c,
                "label": labels[k].get(c, c),
                "year": year,
                "text": t,
                "next_year_text": problems_next[c],
            }
            for k, t, cs in items[before]
            if k == "problem"
            for c in cs
            if c in problems_next
        ]
        text_next = conn.execute("SELECT unzip(text) FROM reports WHERE id = ?", (after,)).fetchone()[0]
        overview_next = _overview(conn, after, text_next)
        done = []
        for k, t, cs in items[before]:
            if k != "fix":
                continue
            for c in cs:
                evidence = _evidence(overview_next, fix_categories[c]) if c in fix_categories else None
                if evidence:
                    done.append(
                        {"category": c, "label": labels[k].get(c, c), "proposed": t, "reported_next_year": evidence}
                    )
        out.append({"year": year, "next_year": year + 1, "recurring_problems": recurring, "fixes_reported_done": done})
    return out


def _overview(conn: sqlite3.Connection, report_id: int, text: str) -> str:
    """The part of a report that says what was done (its sections before 五)."""
    rows = conn.execute(
        "SELECT start, end FROM sections WHERE report_id = ? AND kind IN ('overview', 'proactive')", (report_id,)
    ).fetchall()
    return "\n".join(text[a:b] for a, b in rows)


def _evidence(text: str, category: Any) -> str | None:
    """The sentence of a later report that shows a fix category being carried out."""
    for sentence in text.replace("\n", "。").split("。"):
        hits = {p.pattern for p in category.patterns if p.search(sentence)}
        if len(hits) >= 2:
            return sentence.strip() + "。"
    return None


def clusters(
    conn: sqlite3.Connection,
    kind: str = "problem",
    province: str | None = None,
    year: int | None = None,
    threshold: float = 0.35,
    limit: int = 5000,
) -> list[dict[str, Any]]:
    """Items no category fits, grouped by TF-IDF similarity of their words: candidate new categories."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from indexer.segment import words

    where, params = _where(province, year)
    rows = conn.execute(
        f"SELECT i.id, {ITEM_TEXT}, r.province, r.city, r.county, r.year"
        " FROM items i JOIN reports r ON r.id = i.report_id"
        f" WHERE i.kind = ? AND NOT EXISTS (SELECT 1 FROM item_categories c WHERE c.report_id = i.report_id"
        f" AND c.item_id = i.id){where} LIMIT ?",
        (kind, *params, limit),
    ).fetchall()
    if len(rows) < 2:
        return []
    vectorizer = TfidfVectorizer(
        tokenizer=lambda t: [w for w, _, _ in words(t) if len(w) > 1], lowercase=False, token_pattern=None
    )
    matrix = vectorizer.fit_transform([r[1] for r in rows])
    similar = cosine_similarity(matrix, dense_output=False) >= threshold
    count, labels = connected_components(similar, directed=False)
    vocabulary = vectorizer.get_feature_names_out()
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        weights = matrix[members].mean(axis=0).A1
        top = [vocabulary[i] for i in weights.argsort()[::-1][:5]]
        out.append(
            {
                "terms": top,
                "size": len(members),
                "regions": len({rows[i][2:5] for i in members}),
                "examples": [{"item_id": rows[i][0], "text": rows[i][1], "year": rows[i][5]} for i in members[:3]],
            }
        )
    return sorted(out, key=lambda c: -c["size"])
