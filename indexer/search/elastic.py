"""The search interface on Elasticsearch 8.x, for a corpus larger than one machine.

Two kinds of documents (``doc_type``). A *report* document per report answers searches as the
embedded index does (``indexer.search.embedded``): per index column, ``words_<c>`` holds the same
jieba words and sub-words, pre-segmented and analysed by whitespace (no IK/jieba plugin), and
``text_<c>`` the normalized text, matched as a phrase of character pairs (``nianbao_bigrams``,
positions kept) or, for one character, as that character (``.chars``) — a substring match. The query
syntax (``indexer.search.query``) becomes one bool query with the same meaning as on the embedded
index; facets are terms aggregations of report documents (one per report: distinct reports) and the
section facet is a filters aggregation. A *passage* document per passage carries the original text,
entities and categories: the page's snippets are the best passages of its reports, and the entity and
problem counts aggregate passages by report.

Indexes are versioned (``nianbao-passages-v<time>``) behind the alias ``nianbao-passages``; a
re-index fills a new index and switches the alias when it is complete, so searches keep working.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from indexer.errors import NianbaoError
from indexer.search.base import ReportHit, SearchQuery, SearchResult
from indexer.search.embedded import IndexedReport, escape
from indexer.search.query import Node, Not, Or, Term, parse, read_query, terms
from indexer.search.snippets import passage_hit
from indexer.segment import index_text, query_terms
from indexer.store import original_text

ALIAS = "nianbao-passages"
TEMPLATE = "nianbao-passages"
_FACETS = ("province", "city", "county", "level", "year")
COLUMNS = ("preamble", "overview", "proactive", "applications", "review_litigation", "problems", "other")
HEAD_BOOST = 4.0
_PASSAGE = {"term": {"doc_type": "passage"}}
_REPORT = {"term": {"doc_type": "report"}}


def entity_id(kind: str, canonical: str) -> str:
    """The id an entity has in the graph and in the index: doc:…, platform:…, measure:…, agency:…."""
    return f"{'doc' if kind == 'document' else kind}:{canonical}"


def settings() -> dict[str, Any]:
    return {
        "number_of_shards": int(os.environ.get("NIANBAO_ES_SHARDS", "1")),
        "number_of_replicas": int(os.environ.get("NIANBAO_ES_REPLICAS", "0")),
        "analysis": {
            "tokenizer": {
                "nianbao_chars": {"type": "ngram", "min_gram": 1, "max_gram": 1},
                "nianbao_bigrams": {"type": "ngram", "min_gram": 2, "max_gram": 2},
            },
            "analyzer": {
                "nianbao_words": {"type": "custom", "tokenizer": "whitespace"},
                "nianbao_chars": {"type": "custom", "tokenizer": "nianbao_chars"},
                "nianbao_bigrams": {"type": "custom", "tokenizer": "nianbao_bigrams"},
            },
        },
    }


def mappings() -> dict[str, Any]:
    keyword = {"type": "keyword"}
    return {
        "dynamic": "strict",
        "properties": {
            "doc_type": {"type": "keyword"},  # report | passage
            "row_id": {"type": "long"},  # the report's row in the store (what the writer removes by)
            **{f"words_{c}": {"type": "text", "analyzer": "nianbao_words"} for c in range(len(COLUMNS))},
            **{
                f"text_{c}": {
                    "type": "text",
                    "analyzer": "nianbao_bigrams",
                    "fields": {"chars": {"type": "text", "analyzer": "nianbao_chars"}},
                }
                for c in range(len(COLUMNS))
            },
            "report_id": {"type": "keyword"},  # the stable report id (reports.uid)
            "passage_id": {"type": "long"},
            "path": keyword,
            "title": {"type": "text", "analyzer": "nianbao_bigrams", "fields": {"raw": keyword}},
            "publisher": keyword,
            "level": keyword,
            "year": {"type": "integer"},
            "province": keyword,
            "city": keyword,
            "county": keyword,
            "section": keyword,
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "orig_start": {"type": "integer"},
            "orig_end": {"type": "integer"},
            "words": {"type": "text", "analyzer": "nianbao_words", "similarity": "BM25"},
            "text": {
                "type": "text",
                "analyzer": "nianbao_bigrams",
                "fields": {
                    "chars": {"type": "text", "analyzer": "nianbao_chars"},
                    "bigrams": {"type": "text", "analyzer": "nianbao_bigrams"},
                },
            },
            "original": {"type": "text", "index": False},
            "doc_numbers": keyword,
            "entities": keyword,
            "region_key": keyword,
            "problem_categories": keyword,
            "fix_categories": keyword,
            "stats": {
                "properties": {
                    "applications": {"type": "integer"},
                    "handled": {"type": "integer"},
                    "disclosed": {"type": "integer"},
                }
            },
        },
    }


def index_template() -> dict[str, Any]:
    """The body of PUT _index_template/nianbao-passages."""
    return {"index_patterns": [f"{ALIAS}-v*"], "template": {"settings": settings(), "mappings": mappings()}}


@dataclass(frozen=True)
class EsConfig:
    url: str
    user: str | None = None
    password: str | None = None
    api_key: str | None = None
    verify_certs: bool = True
    ca_certs: str | None = None

    @classmethod
    def from_env(cls) -> EsConfig:
        url = os.environ.get("NIANBAO_ES_URL")
        if not url:
            raise NianbaoError("NIANBAO_ES_URL is not set: name the Elasticsearch server, e.g. http://localhost:9200")
        return cls(
            url=url,
            user=os.environ.get("NIANBAO_ES_USER"),
            password=os.environ.get("NIANBAO_ES_PASSWORD"),
            api_key=os.environ.get("NIANBAO_ES_API_KEY"),
            verify_certs=os.environ.get("NIANBAO_ES_VERIFY_CERTS", "true").lower() not in ("0", "false", "no"),
            ca_certs=os.environ.get("NIANBAO_ES_CA_CERTS"),
        )


def connect_es(config: EsConfig) -> Any:
    """An Elasticsearch client that has answered a ping; clear errors when it cannot."""
    from elasticsearch import AuthenticationException, Elasticsearch
    from elasticsearch import ConnectionError as EsConnectionError

    auth: dict[str, Any] = {}
    if config.api_key:
        auth["api_key"] = config.api_key
    elif config.user:
        auth["basic_auth"] = (config.user, config.password or "")
    client = Elasticsearch(
        config.url,
        verify_certs=config.verify_certs,
        ca_certs=config.ca_certs,
        request_timeout=30,
        retry_on_timeout=True,
        max_retries=3,
        **auth,
    )
    try:
        client.info()
    except AuthenticationException:
        raise NianbaoError(
            f"Elasticsearch at {config.url} rejected the credentials (NIANBAO_ES_USER/PASSWORD or NIANBAO_ES_API_KEY)"
        ) from None
    except EsConnectionError as exc:
        raise NianbaoError(f"Elasticsearch at {config.url} is unreachable: {exc}") from None
    return client


# ------------------------------------------------------------------ indexing


def report_document(report: IndexedReport) -> dict[str, Any]:
    """The report document of one report: its metadata and, per index column, its words and text."""
    words = report.fields().words
    doc: dict[str, Any] = {
        "_id": f"r{report.report_id}",
        "doc_type": "report",
        "row_id": report.report_id,
        "report_id": report.uid,
        **{k: report.metadata.get(k) for k in ("path", "title", "publisher", "level", "year")},
        **{k: report.metadata.get(k) for k in ("province", "city", "county")},
    }
    for c, text in enumerate(report.columns):
        if text:
            doc[f"words_{c}"] = words[c]
            doc[f"text_{c}"] = text
    return doc


def passage_documents(conn: sqlite3.Connection, report_id: int | None = None) -> Iterator[dict[str, Any]]:
    """The passages of one report (or of every report) as Elasticsearch documents (the store is the source)."""
    where, params = ("WHERE id = ?", (report_id,)) if report_id is not None else ("", ())
    for rid, uid, path, title, publisher, level, year, province, city, county, text in conn.execute(
        "SELECT id, uid, path, title, publisher, level, year, province, city, county, unzip(text) FROM reports"
        f" {where} ORDER BY id",
        params,
    ).fetchall():
        original = original_text(conn, rid)
        entities = sorted(
            {
                entity_id(k, c)
                for k, c in conn.execute("SELECT DISTINCT kind, canonical FROM mentions WHERE report_id = ?", (rid,))
            }
        )
        numbers = sorted(
            {
                c
                for (c,) in conn.execute(
                    "SELECT DISTINCT canonical FROM mentions"
                    " WHERE report_id = ? AND kind = 'document' AND canonical LIKE '%号'",
                    (rid,),
                )
            }
        )
        categories = {
            kind: sorted(
                c
                for (c,) in conn.execute(
                    "SELECT DISTINCT category FROM item_categories WHERE report_id = ? AND kind = ?", (rid, kind)
                )
            )
            for kind in ("problem", "fix")
        }
        stats = {
            name: int(v)
            for name, v in conn.execute(
                "SELECT CASE row WHEN '新收' THEN 'applications' WHEN '总计' THEN 'handled' END, value FROM table_cells"
                " WHERE report_id = ? AND tbl = 'requests' AND col = '总计' AND row IN ('新收', '总计')"
                " AND value IS NOT NULL",
                (rid,),
            )
        }
        for pid, kind, start, end, o_start, o_end in conn.execute(
            "SELECT id, kind, start, end, orig_start, orig_end FROM passages WHERE report_id = ? ORDER BY id", (rid,)
        ).fetchall():
            passage = text[start:end]
            yield {
                "_id": str(pid),
                "doc_type": "passage",
                "row_id": rid,
                "report_id": uid,
                "passage_id": pid,
                "path": path,
                "title": title,
                "publisher": publisher,
                "level": level,
                "year": year,
                "province": province,
                "city": city,
                "county": county,
                "section": kind,
                "start": start,
                "end": end,
                "orig_start": o_start,
                "orig_end": o_end,
                "words": index_text(passage),
                "text": passage,
                "original": original[o_start:o_end],
                "doc_numbers": numbers,
                "entities": entities,
                "stats": stats,
                "region_key": "/".join(x for x in (province, city, county) if x),
                "problem_categories": categories["problem"],
                "fix_categories": categories["fix"],
            }


@dataclass
class IndexReport:
    index: str
    indexed: int
    failed: list[tuple[str, str]]  # (report path, reason)
    expected: int
    seconds: float
    switched: bool  # the alias points at the new index (only when it is complete)


class ElasticWriter:
    """The writer interface (``add``, ``remove``, ``commit``) on one Elasticsearch index: a report is its
    report document and its passages' (read from the store); nothing is searchable before ``commit``."""

    def __init__(self, client: Any, index: str, conn: sqlite3.Connection) -> None:
        self.client, self.index, self.conn = client, index, conn
        self.actions: list[dict[str, Any]] = []
        self.removed: list[int] = []
        self.paths: dict[str, str] = {}  # document id → the report's path (what a failure names)
        self.indexed = 0
        self.failed: list[tuple[str, str]] = []  # (report path, reason)

    def add(self, report: IndexedReport) -> None:
        for doc in (report_document(report), *passage_documents(self.conn, report.report_id)):
            self.actions.append(doc)
            self.paths[doc["_id"]] = report.metadata.get("path") or report.uid

    def remove(self, report_id: int) -> None:
        self.removed.append(report_id)

    def commit(self) -> None:
        from elasticsearch import helpers

        if self.removed:
            self.client.delete_by_query(
                index=self.index, query={"terms": {"row_id": self.removed}}, refresh=True, conflicts="proceed"
            )
            self.removed = []
        for ok, item in helpers.streaming_bulk(
            self.client,
            self.actions,
            index=self.index,
            chunk_size=500,
            max_retries=5,
            initial_backoff=2,
            max_backoff=60,
            raise_on_error=False,
            raise_on_exception=False,
        ):
            if ok:
                self.indexed += 1
            else:
                detail = next(iter(item.values()))
                reason = detail.get("error", {})
                reason = reason.get("reason", str(reason)) if isinstance(reason, dict) else str(reason)
                doc_id = str(detail.get("_id", ""))
                self.failed.append((self.paths.get(doc_id, f"document {doc_id}"), reason))
        self.actions = []
        self.client.indices.refresh(index=self.index)


def reindex(client: Any, conn: sqlite3.Connection, progress: Callable[[int], None] | None = None) -> IndexReport:
    """Fill a new versioned index from the store, check the count, then switch the alias to it."""
    from indexer.search.sync import stored_report

    start = time.perf_counter()
    client.indices.put_index_template(name=TEMPLATE, **index_template())
    index = f"{ALIAS}-v{int(time.time() * 1000)}"
    client.indices.create(index=index)
    ids = [r[0] for r in conn.execute("SELECT id FROM reports ORDER BY id")]
    expected = (
        len(ids)
        + conn.execute(
            "SELECT ifnull(sum(json_array_length(passage_rows(passages))), 0) FROM report_passages"
        ).fetchone()[0]
    )
    writer = ElasticWriter(client, index, conn)
    for n, report_id in enumerate(ids, start=1):
        report = stored_report(conn, report_id)
        if report is not None:
            writer.add(report)
        if len(writer.actions) >= 5000 or n == len(ids):
            writer.commit()
            if progress:
                progress(n)
    writer.commit()
    count = client.count(index=index)["count"]
    complete = not writer.failed and count == writer.indexed == expected
    if complete:
        switch_alias(client, index)
    elif not writer.failed:
        raise NianbaoError(f"index {index} holds {count} documents, the store {expected}: the alias was not switched")
    return IndexReport(index, writer.indexed, writer.failed, expected, time.perf_counter() - start, complete)


def switch_alias(client: Any, index: str) -> None:
    """Point the alias at ``index`` in one atomic action, then drop the indexes it left."""
    old = (
        list(client.indices.get_alias(name=ALIAS, ignore_unavailable=True).keys())
        if client.indices.exists_alias(name=ALIAS)
        else []
    )
    actions = [{"remove": {"index": name, "alias": ALIAS}} for name in old if name != index]
    actions.append({"add": {"index": index, "alias": ALIAS}})
    client.indices.update_aliases(actions=actions)
    for name in old:
        if name != index:
            client.indices.delete(index=name)


# ------------------------------------------------------------------ searching


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [_REPORT]
    out += [
        {"term": {name: getattr(query, name)}}
        for name in ("province", "city", "county", "level")
        if getattr(query, name)
    ]
    years: dict[str, int] = {}
    if query.year_from is not None:
        years["gte"] = query.year_from
    if query.year_to is not None:
        years["lte"] = query.year_to
    if years:
        out.append({"range": {"year": years}})
    return out


def exact_clause(needle: str, field: str = "text") -> dict[str, Any]:
    """Substring match in one text field: a phrase of character pairs (2+ characters) or the character."""
    if len(needle) >= 2:
        return {"match_phrase": {f"{field}": {"query": needle, "analyzer": "nianbao_bigrams"}}}
    return {"match": {f"{field}.chars": {"query": needle, "analyzer": "nianbao_chars"}}}


def _exact(text: str, column: int | None) -> dict[str, Any]:
    columns = range(len(COLUMNS)) if column is None else [column]
    parts = [exact_clause(text, f"text_{c}") for c in columns]
    return parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}


def _words(words: list[str], column: int | None) -> dict[str, Any]:
    must = []
    for word in words:
        if column is not None:
            must.append({"term": {f"words_{column}": word}})
        else:
            fields = [
                {"term": {f"words_{c}": {"value": word, "boost": HEAD_BOOST if c == 0 else 1.0}}}
                for c in range(len(COLUMNS))
            ]
            must.append({"bool": {"should": fields, "minimum_should_match": 1}})
    return {"bool": {"must": must}}


def _term(term: Term, mode: str, column: int | None) -> dict[str, Any]:
    exact = _exact(term.text, column)
    if mode == "exact":
        return exact
    words = [escape(w.lower()) for w in query_terms(term.text)]
    verbatim = {"constant_score": {"filter": exact, "boost": 0.0}}
    if not words:
        return verbatim
    if term.phrase:
        return {"bool": {"must": [verbatim], "should": [_words(words, column)]}}
    return {"bool": {"should": [_words(words, column), verbatim], "minimum_should_match": 1}}


def query_clause(node: Node, mode: str, column: int | None) -> dict[str, Any]:
    """A parsed query as a bool query over report documents, with the embedded index's meaning."""
    if isinstance(node, Term):
        return _term(node, mode, column)
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [query_clause(node.item, "exact", None)]}}
    if isinstance(node, Or):
        return {"bool": {"should": [query_clause(i, mode, column) for i in node.items], "minimum_should_match": 1}}
    must = [query_clause(i, mode, column) for i in node.items if not isinstance(i, Not)]
    must_not = [query_clause(i.item, "exact", None) for i in node.items if isinstance(i, Not)]
    return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}


def _matching(node: Node | None, query: SearchQuery, column: int | None) -> dict[str, Any]:
    match = query_clause(node, query.mode, column) if node is not None else {"match_all": {}}
    return {"bool": {"must": [match], "filter": _filters(query)}}


def build_request(query: SearchQuery) -> dict[str, Any]:
    """The body of the search request for a query: report documents, filters, facets, section counts."""
    node = parse(query.text)
    column = COLUMNS.index(query.section) if query.section in COLUMNS else None
    aggs: dict[str, Any] = {name: {"terms": {"field": name, "size": 10_000}} for name in _FACETS}
    if node is not None:
        aggs["section"] = {"filters": {"filters": {kind: _matching(node, query, c) for c, kind in enumerate(COLUMNS)}}}
    body: dict[str, Any] = {
        "query": _matching(node, query, column),
        "from": (max(query.page, 1) - 1) * query.per_page,
        "size": query.per_page,
        "track_total_hits": True,
        "aggs": aggs,
        "_source": ["row_id", "report_id", "path", "title", "publisher", "level", "year", "province", "city", "county"],
    }
    if query.mode == "exact" or query.sort == "year" or node is None:
        body["sort"] = [{"year": {"order": "desc", "missing": "_last"}}, {"row_id": "asc"}]
    else:
        body["sort"] = ["_score", {"row_id": "asc"}]
    return body


def passages_request(query: SearchQuery, uids: list[str]) -> dict[str, Any] | None:
    """The best passages of the page's reports: those holding a term of the query (verbatim, or in ranked
    mode its words), per report."""
    node = parse(query.text)
    leaves = terms(node)
    if not leaves or query.passages_per_report <= 0 or not uids:
        return None
    should: list[dict[str, Any]] = [exact_clause(t.text) for t in leaves]
    if query.mode == "ranked":
        should += [
            {"match": {"words": {"query": " ".join(query_terms(t.text)), "operator": "and"}}}
            for t in leaves
            if not t.phrase and query_terms(t.text)
        ]
    filters: list[dict[str, Any]] = [_PASSAGE, {"terms": {"report_id": uids}}]
    if query.section in COLUMNS:
        filters.append({"term": {"section": query.section}})
    return {
        "query": {"bool": {"filter": filters, "should": should, "minimum_should_match": 1}},
        "collapse": {
            "field": "report_id",
            "inner_hits": {"name": "passages", "size": query.passages_per_report, "_source": True},
        },
        "size": len(uids),
        "_source": False,
    }


class ElasticBackend:
    """The search interface on an Elasticsearch cluster (NIANBAO_BACKEND=elasticsearch)."""

    def __init__(self, client: Any | None = None, config: EsConfig | None = None) -> None:
        self.client = client or connect_es(config or EsConfig.from_env())

    def report_count(self) -> int:
        return int(self.client.count(index=ALIAS, query=_REPORT)["count"])

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        query, node, notice = read_query(query)
        response = self.client.search(index=ALIAS, **build_request(query))
        leaves = [t.text for t in terms(node)]
        words = [w for t in terms(node) if not t.phrase for w in query_terms(t.text)] if query.mode == "ranked" else []
        needles = list(dict.fromkeys(leaves + words))
        hits = []
        for h in response["hits"]["hits"]:
            src = h["_source"]
            score = float(h.get("_score") or 0.0) if query.mode == "ranked" and query.sort != "year" else 0.0
            hits.append(
                ReportHit(
                    report_id=src["report_id"],
                    path=src["path"],
                    title=src.get("title"),
                    publisher=src.get("publisher"),
                    level=src.get("level"),
                    year=src.get("year"),
                    province=src.get("province"),
                    city=src.get("city"),
                    county=src.get("county"),
                    score=score,
                )
            )
        request = passages_request(query, [h.report_id for h in hits])
        if request is not None:
            by_report = {h.report_id: h for h in hits}
            for group in self.client.search(index=ALIAS, **request)["hits"]["hits"]:
                inner = sorted(
                    group["inner_hits"]["passages"]["hits"]["hits"], key=lambda i: i["_source"]["passage_id"]
                )
                for i in inner:
                    p = i["_source"]
                    by_report[p["report_id"]].passages.append(
                        passage_hit(
                            p["passage_id"],
                            p["section"],
                            p["start"],
                            p["end"],
                            p["orig_start"],
                            p["orig_end"],
                            p["original"],
                            needles,
                        )
                    )
        aggs = response["aggregations"]
        facets = {name: _facet(aggs[name]["buckets"], name == "year") for name in _FACETS}
        sections = aggs.get("section", {}).get("buckets", {})
        facets["section"] = sorted(
            ((kind, int(b["doc_count"])) for kind, b in sections.items() if b["doc_count"]), key=lambda kv: -kv[1]
        )
        return SearchResult(
            query=query,
            total_reports=int(response["hits"]["total"]["value"]),
            hits=hits,
            facets=facets,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
        )

    def entity_summary(self, entity: str, limit: int = 50) -> dict[str, Any]:
        """What cites/practice show, aggregated on the cluster: reports, regions, by province and year,
        and the passages that name the entity (one per report, best first)."""
        body = entity_request(entity, limit)
        response = self.client.search(index=ALIAS, **body)
        aggs = response["aggregations"]
        passages = [
            {**inner["_source"]}
            for h in response["hits"]["hits"]
            for inner in h["inner_hits"]["passages"]["hits"]["hits"][:1]
        ]
        return {
            "reports": int(aggs["reports"]["value"]),
            "regions": int(aggs["regions"]["value"]),
            "by_province": {b["key"]: int(b["reports"]["value"]) for b in aggs["province"]["buckets"]},
            "by_year": {int(b["key"]): int(b["reports"]["value"]) for b in aggs["year"]["buckets"]},
            "passages": passages,
        }

    def problem_regions(self, province: str | None = None, year: int | None = None) -> list[tuple[str, int, int]]:
        """Problem categories with the regions and reports naming them, ranked by regions (on the cluster)."""
        body = problems_request(province, year)
        buckets = self.client.search(index=ALIAS, **body)["aggregations"]["categories"]["buckets"]
        ranked = [(b["key"], int(b["regions"]["value"]), int(b["reports"]["value"])) for b in buckets]
        return sorted(ranked, key=lambda r: (-r[1], -r[2], r[0]))


def entity_request(entity: str, limit: int) -> dict[str, Any]:
    """Passages of the reports mentioning an entity id (doc:…, measure:…, platform:…) and the counts."""
    name = entity.split(":", 1)[1]
    return {
        "query": {
            "bool": {
                "filter": [_PASSAGE, {"term": {"entities": entity}}],
                "should": [exact_clause(name)],
                "minimum_should_match": 0,
            }
        },
        "collapse": {
            "field": "report_id",
            "inner_hits": {
                "name": "passages",
                "size": 1,
                "_source": ["report_id", "title", "year", "province", "city", "county", "publisher", "section", "text"],
            },
        },
        "size": limit,
        "sort": [{"province": "asc"}, {"year": "asc"}, "_score"],
        "aggs": {
            "reports": {"cardinality": {"field": "report_id"}},
            "regions": {"cardinality": {"field": "region_key"}},
            "province": {
                "terms": {"field": "province", "size": 100},
                "aggs": {"reports": {"cardinality": {"field": "report_id"}}},
            },
            "year": {
                "terms": {"field": "year", "size": 50},
                "aggs": {"reports": {"cardinality": {"field": "report_id"}}},
            },
        },
        "_source": False,
    }


def problems_request(province: str | None, year: int | None) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [_PASSAGE, {"exists": {"field": "problem_categories"}}]
    if province:
        filters.append({"term": {"province": province}})
    if year:
        filters.append({"term": {"year": year}})
    return {
        "size": 0,
        "query": {"bool": {"filter": filters}},
        "aggs": {
            "categories": {
                "terms": {"field": "problem_categories", "size": 200},
                "aggs": {
                    "regions": {"cardinality": {"field": "region_key"}},
                    "reports": {"cardinality": {"field": "report_id"}},
                },
            }
        },
    }


def _facet(buckets: list[dict[str, Any]], numeric: bool) -> list[tuple[Any, int]]:
    """(value, reports) of a terms aggregation of report documents, most first, ties by the value as text."""
    pairs = [(int(b["key"]) if numeric else b["key"], int(b["doc_count"])) for b in buckets]
    return sorted(pairs, key=lambda vc: (-vc[1], str(vc[0])))
