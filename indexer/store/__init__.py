"""The embedded store: one SQLite file, the system of record (the search index beside it is derived).

- ``schema``: the tables, the upgrades from older schemas (one registry of steps), connections;
- ``reports``: a parsed report as rows, written, replaced and deleted;
- ``entities``: each report's entities and the running totals per entity.
"""

from indexer.store.entities import (
    EntitySummary,
    EntityTotals,
    node_attrs_of,
    publishing_agency,
    summarize_entities,
)
from indexer.store.reports import (
    PreparedReport,
    SourceFile,
    WriteBatch,
    delete_report_row,
    load_model,
    original_text,
    prepare,
    record_failure,
    stored_columns,
    write_report,
)
from indexer.store.schema import (
    REPORTS_TABLE,
    SCHEMA_VERSION,
    connect,
    default_db_path,
    pack,
    sql_functions,
    transaction,
    unpack_model,
    unpack_original,
    unzip,
)

__all__ = [
    "REPORTS_TABLE",
    "SCHEMA_VERSION",
    "EntitySummary",
    "EntityTotals",
    "PreparedReport",
    "SourceFile",
    "WriteBatch",
    "connect",
    "default_db_path",
    "delete_report_row",
    "load_model",
    "node_attrs_of",
    "original_text",
    "pack",
    "prepare",
    "publishing_agency",
    "record_failure",
    "sql_functions",
    "stored_columns",
    "summarize_entities",
    "transaction",
    "unzip",
    "unpack_model",
    "unpack_original",
    "write_report",
]
