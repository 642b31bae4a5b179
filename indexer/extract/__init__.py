"""Entity extraction: agencies, documents, platforms and measures, each mention with its provenance."""

from __future__ import annotations

from indexer.model import Mention, Report


def extract_entities(report: Report) -> list[Mention]:
    """Run the spaCy pipeline over a parsed report; sets and returns ``report.mentions``."""
    from indexer.extract.pipeline import MENTIONS, nb, pipeline

    nlp = pipeline()
    doc = nlp.make_doc(report.text)
    r = report.region
    # The linker resolves 县/市/自治区 and 文号 abbreviations against the report's own region.
    doc.user_data["region"] = {"province": r.province, "city": r.city, "county": r.county} if r else {}
    doc = nlp(doc)
    bounds = [(s.kind, s.start, s.end) for s in report.sections]
    mentions = []
    for span in doc.spans[MENTIONS]:
        sent = span.sent
        section = next((k for k, a, b in bounds if a <= span.start_char < b), None)
        mentions.append(
            Mention(
                kind=span.label_,
                canonical=span.kb_id_,
                surface=span.text,
                start=span.start_char,
                end=span.end_char,
                sentence_start=sent.start_char,
                sentence_end=sent.end_char,
                section=section or ("preamble" if not bounds or span.start_char < bounds[0][1] else "other"),
                attrs={k: v for k, v in nb(span).items() if v is not None},
            )
        )
    report.mentions = mentions
    return mentions
