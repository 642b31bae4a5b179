"""The search interface on Elasticsearch 8.x, for a corpus larger than one machine.

One document per passage. Ranked mode matches ``words``: the same jieba words and sub-words the
embedded index stores, pre-segmented and analysed by whitespace (no IK/jieba plugin). Exact mode is
a phrase of characters: ``text.bigrams`` (every pair of characters, positions kept) for queries of
two or more characters, ``text.chars`` (every character) for one — a substring match, exhaustive.
Hits are collapsed on the report, facets are cardinalities of reports, and snippets are cut from
the original passage text on this side, as the embedded backend does.

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
from indexer.search.snippets import passage_hit
from indexer.segment import index_text, query_terms
from indexer.store import original_text

ALIAS = "nianbao-passages"
TEMPLATE = "nianbao-passages"
_FACETS = ("province", "city", "county", "level", "year", "section")


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


def passage_documents(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Every passage of the store as an Elasticsearch document (the store is the source)."""
    for rid, uid, path, title, publisher, level, year, province, city, county, text in conn.execute(
        "SELECT id, uid, path, title, publisher, level, year, province, city, county, text FROM reports ORDER BY id"
    ):
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
        ):
            passage = text[start:end]
            yield {
                "_id": str(pid),
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


def reindex(client: Any, conn: sqlite3.Connection, progress: Callable[[int], None] | None = None) -> IndexReport:
    """Fill a new versioned index from the store, check the count, then switch the alias to it."""
    from elasticsearch import helpers

    start = time.perf_counter()
    client.indices.put_index_template(name=TEMPLATE, **index_template())
    index = f"{ALIAS}-v{int(time.time() * 1000)}"
    client.indices.create(index=index)
    paths = dict(conn.execute("SELECT p.id, r.path FROM passages p JOIN reports r ON r.id = p.report_id"))
    expected = len(paths)
    indexed, failed = 0, []
    for ok, item in helpers.streaming_bulk(
        client,
        passage_documents(conn),
        index=index,
        chunk_size=500,
        max_retries=5,
        initial_backoff=2,
        max_backoff=60,
        raise_on_error=False,
        raise_on_exception=False,
    ):
        if ok:
            indexed += 1
        else:
            detail = next(iter(item.values()))
            reason = detail.get("error", {})
            reason = reason.get("reason", str(reason)) if isinstance(reason, dict) else str(reason)
            failed.append((paths.get(int(detail.get("_id", -1)), f"passage {detail.get('_id')}"), reason))
        if progress and (indexed + len(failed)) % 1000 == 0:
            progress(indexed + len(failed))
    client.indices.refresh(index=index)
    count = client.count(index=index)["count"]
    complete = not failed and count == indexed == expected
    if complete:
        switch_alias(client, index)
    elif not failed:
        raise NianbaoError(f"index {index} holds {count} passages, the store {expected}: the alias was not switched")
    return IndexReport(index, indexed, failed, expected, time.perf_counter() - start, complete)


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
    out: list[dict[str, Any]] = [
        {"term": {name: getattr(query, name)}}
        for name in ("province", "city", "county", "level", "section")
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


def exact_clause(needle: str) -> dict[str, Any]:
    """Substring match: a phrase of character pairs (2+ characters) or the character itself."""
    if len(needle) >= 2:
        return {"match_phrase": {"text.bigrams": {"query": needle, "analyzer": "nianbao_bigrams"}}}
    return {"match": {"text.chars": {"query": needle, "analyzer": "nianbao_chars"}}}


def build_request(query: SearchQuery) -> dict[str, Any]:
    """The body of the search request for a query: match, filters, collapse on report, facets."""
    needle = query.cleaned()
    if not needle.strip() and query.mode == "ranked" or not needle:
        match: dict[str, Any] = {"match_all": {}}
    elif query.mode == "exact":
        match = exact_clause(needle)
    else:
        terms = query_terms(needle)
        should: list[dict[str, Any]] = [exact_clause(needle)]
        if terms:
            should.insert(0, {"match": {"words": {"query": " ".join(terms), "operator": "and"}}})
        # Ranked never loses what exact finds: the verbatim string is an alternative way in.
        match = {"bool": {"should": should, "minimum_should_match": 1}}
    body: dict[str, Any] = {
        "query": {"bool": {"must": [match], "filter": _filters(query)}},
        "collapse": {
            "field": "report_id",
            "inner_hits": {"name": "passages", "size": query.passages_per_report, "_source": True},
        },
        "from": (max(query.page, 1) - 1) * query.per_page,
        "size": query.per_page,
        "track_total_hits": True,
        "aggs": {
            "reports": {"cardinality": {"field": "report_id", "precision_threshold": 40000}},
            **{
                name: {
                    "terms": {"field": name, "size": 200},
                    "aggs": {"reports": {"cardinality": {"field": "report_id"}}},
                }
                for name in _FACETS
            },
        },
        "_source": ["report_id", "path", "title", "publisher", "level", "year", "province", "city", "county"],
    }
    if query.sort == "year":
        body["sort"] = [{"year": {"order": "desc", "missing": "_last"}}, "_score"]
    return body


class ElasticBackend:
    """The search interface on an Elasticsearch cluster (NIANBAO_BACKEND=elasticsearch)."""

    def __init__(self, client: Any | None = None, config: EsConfig | None = None) -> None:
        self.client = client or connect_es(config or EsConfig.from_env())

    def report_count(self) -> int:
        body = {"size": 0, "aggs": {"reports": {"cardinality": {"field": "report_id"}}}}
        return int(self.client.search(index=ALIAS, **body)["aggregations"]["reports"]["value"])

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        needle = query.cleaned()
        response = self.client.search(index=ALIAS, **build_request(query))
        terms = query_terms(needle) if query.mode == "ranked" else []
        needles = [needle] if query.mode == "exact" else [needle, *terms]
        hits = []
        for h in response["hits"]["hits"]:
            src = h["_source"]
            hit = ReportHit(
                report_id=src["report_id"],
                path=src["path"],
                title=src.get("title"),
                publisher=src.get("publisher"),
                level=src.get("level"),
                year=src.get("year"),
                province=src.get("province"),
                city=src.get("city"),
                county=src.get("county"),
                score=-(h.get("_score") or 0.0),
            )
            if needle.strip():
                for inner in h["inner_hits"]["passages"]["hits"]["hits"]:
                    p = inner["_source"]
                    hit.passages.append(
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
            hits.append(hit)
        aggs = response["aggregations"]
        facets = {name: [(b["key"], int(b["reports"]["value"])) for b in aggs[name]["buckets"]] for name in _FACETS}
        return SearchResult(
            query=query,
            total_reports=int(aggs["reports"]["value"]),
            hits=hits,
            facets=facets,
            elapsed_ms=(time.perf_counter() - started) * 1000,
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
                "filter": [{"term": {"entities": entity}}],
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
    filters: list[dict[str, Any]] = [{"exists": {"field": "problem_categories"}}]
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
