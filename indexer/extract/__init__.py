"""Entity extraction: agencies, documents, platforms and measures, each mention with its provenance."""

from __future__ import annotations

import re
from bisect import bisect_right
from contextlib import nullcontext
from itertools import count
from typing import TYPE_CHECKING

from indexer.model import Mention, Report

if TYPE_CHECKING:
    from spacy.language import Language

_SENTENCE_END = re.compile(r"[。！？；\n]")
# spaCy keeps every new string and word it meets in the pipeline's vocabulary (tens of KB a report: an
# ingest worker reached 1.4 GB over 50,000 reports). After the first reports of a process (whose words,
# the common ones, stay), each report is processed in a memory zone, which frees what it added.
_WARM_UP = 200
_calls = count(1)


def extract_entities(report: Report) -> list[Mention]:
    """Run the spaCy pipeline over a parsed report; sets and returns ``report.mentions``."""
    from indexer.extract.pipeline import pipeline

    nlp = pipeline()
    with nlp.memory_zone() if next(_calls) > _WARM_UP else nullcontext():
        # Nothing of spaCy's may outlive the zone: mentions are built from plain strings and numbers.
        report.mentions = _mentions(nlp, report)
    return report.mentions


def _mentions(nlp: Language, report: Report) -> list[Mention]:
    from indexer.extract.pipeline import MENTIONS, nb

    doc = nlp.make_doc(report.text)
    r = report.region
    # The linker resolves 县/市/自治区 and 文号 abbreviations against the report's own region.
    doc.user_data["region"] = {
        "province": r.province if r else None,
        "city": r.city if r else None,
        "county": r.county if r else None,
        "publisher": report.publisher,
    }
    doc = nlp(doc)
    bounds = [(s.kind, s.start, s.end) for s in report.sections]
    ends = [m.end() for m in _SENTENCE_END.finditer(report.text)]
    mentions = []
    for span in doc.spans[MENTIONS]:
        i = bisect_right(ends, span.start_char)
        sentence = (ends[i - 1] if i else 0, ends[i] if i < len(ends) else len(report.text))
        section = next((k for k, a, b in bounds if a <= span.start_char < b), None)
        mentions.append(
            Mention(
                kind=span.label_,
                canonical=span.kb_id_,
                surface=span.text,
                start=span.start_char,
                end=span.end_char,
                sentence_start=sentence[0],
                sentence_end=sentence[1],
                section=section or ("preamble" if not bounds or span.start_char < bounds[0][1] else "other"),
                attrs={k: v for k, v in nb(span).items() if v is not None},
            )
        )
    return mentions
