"""The Elasticsearch backend: one contract suite over both backends (Elasticsearch only where
NIANBAO_ES_URL names a server), and unit tests of the mapping, the request bodies, bulk failures,
the alias switch and docker-compose.yml."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, ObjectApiResponse
from elasticsearch import Elasticsearch

from indexer.errors import NianbaoError
from indexer.search import SearchQuery, SqliteBackend
from indexer.search import elastic as es
from indexer.store import connect

ROOT = Path(__file__).resolve().parents[1]
ES_URL = os.environ.get("NIANBAO_ES_URL")
NO_ES = "no Elasticsearch server: set NIANBAO_ES_URL (and NIANBAO_ES_USER/PASSWORD) to run these cases"


@pytest.fixture(scope="module")
def db(sample_db: Path) -> Path:
    return sample_db


@pytest.fixture(scope="module", params=["sqlite", "elasticsearch"])
def backend(request: pytest.FixtureRequest, db: Path) -> Any:
    if request.param == "sqlite":
        return SqliteBackend(db)
    if not ES_URL:
        pytest.skip(NO_ES)
    client = es.connect_es(es.EsConfig.from_env())
    report = es.reindex(client, connect(db, readonly=True))
    assert report.switched and not report.failed
    return es.ElasticBackend(client)


# (query, mode, filters) → the reports (by county) and the province facet every backend must return
CONTRACT = [
    ("政府开放日", "exact", {}, {"中宁县", "原州区", "西夏区"}, {"宁夏回族自治区": 3}),
    ("复议", "exact", {"province": "甘肃省"}, {"合水县"}, {"甘肃省": 1}),
    ("县", "exact", {}, {"盐池县", "中宁县", "合水县"}, None),
    ("开放日", "ranked", {}, {"中宁县", "原州区", "西夏区"}, {"宁夏回族自治区": 3}),
    ("政府信息公开条例", "ranked", {"year_from": 2020, "year_to": 2020}, {"盐池县", "西夏区", "合水县"}, None),
    ("政策解读", "exact", {"section": "problems"}, {"盐池县", "中宁县", "原州区", "西夏区", "合水县"}, None),
]


@pytest.mark.parametrize(("text", "mode", "filters", "counties", "provinces"), CONTRACT)
def test_backend_contract(
    backend: Any, text: str, mode: str, filters: dict, counties: set, provinces: dict | None
) -> None:
    result = backend.search(SearchQuery(text, mode=mode, per_page=50, **filters))
    assert {h.county for h in result.hits} == counties
    assert result.total_reports == len(counties)
    if provinces is not None:
        assert dict(result.facets["province"]) == provinces
    needle = SearchQuery(text, mode=mode).cleaned()
    for hit in result.hits:
        assert hit.passages
        marked = "".join(p.snippet[a:b] for p in hit.passages for a, b in p.highlights).replace("\n", "")
        assert needle in marked or mode == "ranked"


def test_mapping_and_template() -> None:
    template = es.index_template()
    assert template["index_patterns"] == ["nianbao-passages-v*"]
    props = template["template"]["mappings"]["properties"]
    assert props["words"]["analyzer"] == "nianbao_words"
    assert props["text"]["fields"]["chars"]["analyzer"] == "nianbao_chars"
    assert props["text"]["fields"]["bigrams"]["analyzer"] == "nianbao_bigrams"
    for keyword in ("province", "city", "county", "level", "section", "doc_numbers", "entities"):
        assert props[keyword]["type"] == "keyword"
    assert props["year"]["type"] == "integer" and props["stats"]["properties"]["applications"]["type"] == "integer"
    for c in range(len(es.COLUMNS)):  # the report documents' fields, per index column
        assert props[f"words_{c}"]["analyzer"] == "nianbao_words"
        assert props[f"text_{c}"]["analyzer"] == "nianbao_bigrams"
        assert props[f"text_{c}"]["fields"]["chars"]["analyzer"] == "nianbao_chars"
    assert props["doc_type"]["type"] == "keyword" and props["row_id"]["type"] == "long"
    analysis = template["template"]["settings"]["analysis"]
    assert analysis["analyzer"]["nianbao_words"]["tokenizer"] == "whitespace"
    assert analysis["tokenizer"]["nianbao_chars"] == {"type": "ngram", "min_gram": 1, "max_gram": 1}
    assert analysis["tokenizer"]["nianbao_bigrams"] == {"type": "ngram", "min_gram": 2, "max_gram": 2}


def _match(body: dict) -> dict:
    return body["query"]["bool"]["must"][0]


def test_exact_requests_are_character_phrases_in_every_column() -> None:
    body = es.build_request(SearchQuery("政府开放日", mode="exact"))
    should = _match(body)["bool"]["should"]
    assert should == [
        {"match_phrase": {f"text_{c}": {"query": "政府开放日", "analyzer": "nianbao_bigrams"}}}
        for c in range(len(es.COLUMNS))
    ]
    one = es.build_request(SearchQuery("县", mode="exact", section="problems"))
    column = es.COLUMNS.index("problems")
    assert _match(one) == {"match": {f"text_{column}.chars": {"query": "县", "analyzer": "nianbao_chars"}}}


def test_ranked_request_keeps_the_exact_alternative() -> None:
    body = es.build_request(SearchQuery("政府信息公开条例"))
    should = _match(body)["bool"]["should"]
    words = should[0]["bool"]["must"]
    assert [w["bool"]["should"][0]["term"]["words_0"]["value"] for w in words] == ["政府信息公开", "条例"]
    assert words[0]["bool"]["should"][0]["term"]["words_0"]["boost"] == es.HEAD_BOOST
    assert should[1]["constant_score"]["boost"] == 0.0 and "bool" in should[1]["constant_score"]["filter"]
    assert _match(body)["bool"]["minimum_should_match"] == 1


def test_the_query_syntax_becomes_one_bool_query() -> None:
    body = es.build_request(SearchQuery("(政务 OR 复议) -诉讼", mode="exact"))
    match = _match(body)["bool"]
    assert len(match["must"]) == 1 and len(match["must"][0]["bool"]["should"]) == 2
    assert match["must_not"] == [es.query_clause(es.parse("诉讼"), "exact", None)]
    alone = _match(es.build_request(SearchQuery("-诉讼", mode="ranked")))["bool"]
    assert alone["must"] == [{"match_all": {}}] and alone["must_not"]


def test_filters_facets_sections_sort_and_paging() -> None:
    q = SearchQuery(
        "公开",
        province="宁夏回族自治区",
        level="county",
        section="problems",
        year_from=2019,
        year_to=2020,
        sort="year",
        page=3,
        per_page=20,
    )
    body = es.build_request(q)
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"doc_type": "report"}} in filters and {"term": {"province": "宁夏回族自治区"}} in filters
    assert {"range": {"year": {"gte": 2019, "lte": 2020}}} in filters
    assert (body["from"], body["size"]) == (40, 20)
    assert body["sort"] == [{"year": {"order": "desc", "missing": "_last"}}, {"row_id": "asc"}]
    for facet in ("province", "city", "county", "level", "year"):
        assert body["aggs"][facet]["terms"]["field"] == facet
    assert set(body["aggs"]["section"]["filters"]["filters"]) == set(es.COLUMNS)
    passages = es.passages_request(q, ["a", "b"])
    assert {"terms": {"report_id": ["a", "b"]}} in passages["query"]["bool"]["filter"]
    assert {"term": {"section": "problems"}} in passages["query"]["bool"]["filter"]
    assert passages["collapse"]["inner_hits"]["size"] == 3


class StubIndices:
    def __init__(self, aliases: dict[str, Any]) -> None:
        self.aliases = aliases
        self.calls: list[tuple[str, Any]] = []

    def put_index_template(self, **kw: Any) -> None:
        self.calls.append(("put_index_template", kw["name"]))

    def create(self, index: str) -> None:
        self.calls.append(("create", index))

    def refresh(self, index: str) -> None:
        pass

    def exists_alias(self, name: str) -> bool:
        return bool(self.aliases)

    def get_alias(self, name: str, ignore_unavailable: bool = False) -> dict[str, Any]:
        return self.aliases

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self.calls.append(("update_aliases", actions))

    def delete(self, index: str) -> None:
        self.calls.append(("delete", index))


class StubClient(Elasticsearch):
    """The official client with its transport replaced: bulk requests are answered as a cluster does,
    failing the documents whose id is in ``reject``."""

    def __init__(self, reject: set[str], aliases: dict[str, Any] | None = None) -> None:
        super().__init__("http://127.0.0.1:9")  # never contacted: every call used is answered below
        self.reject = reject
        self.indices = StubIndices(aliases or {})
        self.stored = 0

    def options(self, **_: Any) -> StubClient:
        return self

    def bulk(self, *_: Any, operations: list[Any], **__: Any) -> dict[str, Any]:
        items = []
        for line in operations[::2]:  # action and source lines, serialized as the client sends them
            op = json.loads(line) if isinstance(line, bytes | str) else line
            doc_id = op["index"]["_id"]
            if doc_id in self.reject:
                items.append(
                    {
                        "index": {
                            "_id": doc_id,
                            "status": 400,
                            "error": {
                                "type": "mapper_parsing_exception",
                                "reason": f"failed to parse field [year] of {doc_id}",
                            },
                        }
                    }
                )
            else:
                self.stored += 1
                items.append({"index": {"_id": doc_id, "status": 201}})
        meta = ApiResponseMeta(200, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "127.0.0.1", 9))
        return ObjectApiResponse(body={"errors": bool(self.reject), "items": items, "took": 1}, meta=meta)

    def count(self, index: str) -> dict[str, int]:
        return {"count": self.stored}


def test_bulk_failures_are_reported_with_file_and_reason_and_the_alias_stays(db: Path) -> None:
    conn = connect(db, readonly=True)
    bad = conn.execute("SELECT p.id, r.path FROM passages p JOIN reports r ON r.id = p.report_id LIMIT 1").fetchone()
    client = StubClient({str(bad[0])}, aliases={"nianbao-passages-v1": {}})
    report = es.reindex(client, conn)
    assert report.failed == [(bad[1], f"failed to parse field [year] of {bad[0]}")]
    assert report.indexed == report.expected - 1 and not report.switched
    assert not [c for c in client.indices.calls if c[0] == "update_aliases"]


def test_complete_reindex_switches_the_alias_atomically(db: Path) -> None:
    client = StubClient(set(), aliases={"nianbao-passages-v1": {}})
    report = es.reindex(client, connect(db, readonly=True))
    assert report.switched and report.indexed == report.expected > 0
    actions = next(c[1] for c in client.indices.calls if c[0] == "update_aliases")
    assert actions == [
        {"remove": {"index": "nianbao-passages-v1", "alias": "nianbao-passages"}},
        {"add": {"index": report.index, "alias": "nianbao-passages"}},
    ]
    assert ("delete", "nianbao-passages-v1") in client.indices.calls


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(NianbaoError, match="unreachable"):
        es.connect_es(es.EsConfig("http://127.0.0.1:9"))


def test_missing_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIANBAO_ES_URL", raising=False)
    with pytest.raises(NianbaoError, match="NIANBAO_ES_URL"):
        es.EsConfig.from_env()


def test_tls_verification_is_on_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_ES_URL", "https://es.example:9200")
    assert es.EsConfig.from_env().verify_certs is True
    monkeypatch.setenv("NIANBAO_ES_VERIFY_CERTS", "false")
    assert es.EsConfig.from_env().verify_certs is False


def test_docker_compose_declares_the_services() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    es_service, app = compose["services"]["elasticsearch"], compose["services"]["app"]
    image = es_service["image"]
    assert image.startswith("docker.elastic.co/elasticsearch/elasticsearch:8.") and "latest" not in image
    env = "\n".join(es_service["environment"])
    assert "xpack.security.enabled=true" in env and "ELASTIC_PASSWORD=${ELASTIC_PASSWORD" in env
    assert "discovery.type=single-node" in env and "-Xmx" in env and es_service["mem_limit"]
    assert es_service["healthcheck"]["test"] and "esdata" in compose["volumes"]
    assert app["build"] == "." and app["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert "--backend elasticsearch" in app["command"] and "8501" in app["command"]
    for service in (es_service, app):
        assert all(port.startswith("127.0.0.1:") for port in service["ports"])
    assert (ROOT / "Dockerfile").exists()
    assert "ELASTIC_PASSWORD" in (ROOT / ".env.example").read_text(encoding="utf-8")


def test_entity_and_problem_aggregation_requests() -> None:
    body = es.entity_request("doc:中华人民共和国政府信息公开条例", 20)
    assert body["query"]["bool"]["filter"] == [
        {"term": {"doc_type": "passage"}},
        {"term": {"entities": "doc:中华人民共和国政府信息公开条例"}},
    ]
    assert body["collapse"]["field"] == "report_id" and body["size"] == 20
    assert body["aggs"]["regions"] == {"cardinality": {"field": "region_key"}}
    assert body["aggs"]["province"]["aggs"]["reports"] == {"cardinality": {"field": "report_id"}}
    problems = es.problems_request("宁夏回族自治区", 2020)
    assert {"term": {"province": "宁夏回族自治区"}} in problems["query"]["bool"]["filter"]
    assert problems["aggs"]["categories"]["terms"]["field"] == "problem_categories"
    assert (
        es.entity_id("document", "条例") == "doc:条例" and es.entity_id("measure", "政府开放日") == "measure:政府开放日"
    )


def test_documents_carry_entities_regions_and_categories(db: Path) -> None:
    conn = connect(db, readonly=True)
    docs = list(es.passage_documents(conn))
    assert {d["_id"] for d in docs} == {str(i) for (i,) in conn.execute("SELECT id FROM passages")}
    yanchi = next(d for d in docs if d["county"] == "盐池县")
    assert "doc:中华人民共和国政府信息公开条例" in yanchi["entities"]
    assert yanchi["region_key"] == "宁夏回族自治区/吴忠市/盐池县"
    assert "policy_interpretation" in yanchi["problem_categories"]
    assert yanchi["original"] and yanchi["words"]


@pytest.mark.skipif(not ES_URL, reason=NO_ES)
def test_cites_on_the_cluster_matches_the_store(db: Path, backend: Any) -> None:
    from graph.queries import cites

    conn = connect(db, readonly=True)
    if not isinstance(backend, es.ElasticBackend):
        pytest.skip("the cluster case only")
    on_cluster, in_store = cites(conn, "政府信息公开条例", backend=backend), cites(conn, "政府信息公开条例")
    assert (on_cluster.reports, on_cluster.by_province) == (in_store.reports, in_store.by_province)
