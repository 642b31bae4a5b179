"""Entity extraction: agencies, documents, platforms and measures, each mention with its provenance."""

from __future__ import annotations

import re
from bisect import bisect_right

from indexer.model import Mention, Report

_SENTENCE_END = re.compile(r"[。！？；\n]")


def extract_entities(report: Report) -> list[Mention]:
    """Run the spaCy pipeline over a parsed report; sets and returns ``report.mentions``."""
    from indexer.extract.pipeline import MENTIONS, nb, pipeline

    nlp = pipeline()
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
    report.mentions = mentions
    return mentions
