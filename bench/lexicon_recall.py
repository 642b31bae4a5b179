"""Recall of `nianbao lexicon suggest` on names the lexicons were made to forget.

Every platform and measure entry is held back from the lexicons (none is known), the sample reports and
``--n`` generated reports are searched for candidates, and an entry counts as found when a candidate
is one of its names, or one of its names followed by the kind word (政府开放日 → 政府开放日活动). The
denominator is the entries that ``--min-reports`` reports or more name at all (in any wording of the
lexicon), so entries printed only in phrases the patterns do not cover count as misses.

    .venv/bin/python bench/lexicon_recall.py --n 300
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from indexer.extract.lexicons import lexicon  # noqa: E402
from indexer.extract.suggest import ENDINGS, suggest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="generated reports besides the samples")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-reports", type=int, default=2)
    parser.add_argument("--show", type=int, default=10, help="misses listed per kind")
    args = parser.parse_args()
    from generate import generate_reports

    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((HERE.parent / "data" / "reports").glob("*.txt"))]
    texts += [(r.filename, r.text) for r in generate_reports(args.n, args.seed)]
    print(f"{len(texts)} reports ({len(texts) - args.n} samples, {args.n} generated), seed {args.seed}")
    print(f"| kind | entries named by ≥ {args.min_reports} reports | suggested | recall | candidates |")
    print("|---|---|---|---|---|")
    misses = {}
    for kind in ("platform", "measure"):
        entries = lexicon(kind + "s").entries
        named = {}
        for e in entries:
            names = {e.id, *e.aliases}
            reports = sum(1 for _, t in texts if any(n in t for n in names if len(n) >= 2))
            if reports >= args.min_reports:
                named[e.id] = names
        found = suggest(texts, kind, known=set(), min_reports=args.min_reports)
        names_found = {c.name for c in found}
        hit = set()
        for entry, names in named.items():
            forms = names | {n + w for n in names for w in ENDINGS[kind]}
            if forms & names_found:
                hit.add(entry)
        recall = len(hit) / len(named) if named else 0.0
        print(f"| {kind} | {len(named)} | {len(hit)} | {recall:.2f} | {len(found)} |")
        misses[kind] = sorted(set(named) - hit)
    for kind, missed in misses.items():
        if missed and args.show:
            print(f"{kind} missed: " + "、".join(missed[: args.show]))


if __name__ == "__main__":
    main()
