"""The editable lexicons in ``data/lexicons/``: every entry has a canonical id and aliases."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from indexer.errors import NianbaoError
from indexer.paths import data_dir, read_yaml
from indexer.patterns import Literals


@dataclass(frozen=True)
class Entry:
    id: str
    aliases: tuple[str, ...]
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Lexicon:
    """Entries of one kind, and a matcher over every surface form."""

    kind: str
    entries: list[Entry]
    by_alias: dict[str, Entry] = field(init=False)
    matcher: Literals = field(init=False)

    def __post_init__(self) -> None:
        self.by_alias = {}
        for e in self.entries:
            for alias in (e.id, *e.aliases):
                self.by_alias.setdefault(alias, e)
        self.matcher = Literals(self.by_alias)
        # A regulation is asked for by its 文号 too (cites 国务院令第711号), and by names a researcher uses
        # (cites 条例); the text matcher leaves those to the document pipeline, which reads them in context.
        for e in self.entries:
            asked = (
                e.attrs.get("doc_number"),
                *(e.attrs.get("former_doc_numbers") or ()),
                *(e.attrs.get("query_aliases") or ()),
            )
            for number in asked:
                if number:
                    self.by_alias.setdefault(str(number), e)

    def get(self, name: str) -> Entry | None:
        return self.by_alias.get(name)


def _load(name: str) -> dict[str, Any]:
    path = data_dir() / "lexicons" / f"{name}.yml"
    try:
        return read_yaml(path) or {}
    except FileNotFoundError:
        raise NianbaoError("lexicon missing", path) from None
    except yaml.YAMLError as exc:
        raise NianbaoError(f"lexicon is not valid YAML: {exc}", path) from None


def _entries(items: list[dict[str, Any]] | None) -> list[Entry]:
    out = []
    for item in items or []:
        attrs = {k: v for k, v in item.items() if k not in ("id", "aliases")}
        out.append(Entry(str(item["id"]), tuple(str(a) for a in item.get("aliases") or ()), attrs))
    return out


@cache
def lexicon(kind: str) -> Lexicon:
    """platforms, measures, agencies (fixed names), relative_agencies, regulations."""
    if kind == "relative_agencies":
        return Lexicon(kind, _entries(_load("agencies").get("relative")))
    return Lexicon(kind, _entries(_load(kind).get("entries")))


@cache
def agency_shape() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Agency name endings (longest first) and the organisation words that precede them."""
    data = _load("agencies")
    suffixes = tuple(sorted({str(s) for s in data.get("suffixes") or ()}, key=lambda s: (-len(s), s)))
    return suffixes, tuple(str(w) for w in data.get("org_words") or ())


@cache
def doc_number_codes() -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Whole 文号 prefixes with a fixed issuer, and region-relative issuer codes (longest first)."""
    data = _load("doc_number_codes")
    national = {str(d["code"]): str(d["issuer"]) for d in data.get("national") or ()}
    codes = sorted(data.get("codes") or (), key=lambda d: -len(str(d["code"])))
    return national, codes
