"""Platforms and measures on reports whose names the lexicons have not seen: leave one sample out.

For each of the five samples, every platform and measure entry that none of the four other samples
names (in any wording of the lexicon) is held back from the lexicons, as if the sample were a report
the lexicons were never made from; the sample is then analysed and its platforms and measures are
compared with the gold annotations by the soft match of ``tests/test_entities_gold.py``. Printed:
precision and recall pooled over the five, with the whole lexicons and with the held-back ones.

    .venv/bin/python bench/entities_heldout.py [--show 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

KINDS = ("platforms", "measures")
GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.json"))


def _names(entry: dict) -> set[str]:
    return {str(entry["id"]), *(str(a) for a in entry.get("aliases") or ())}


def _pruned_data(held_out: Path, tmp: Path) -> tuple[Path, int]:
    """A data folder whose platform and measure lexicons lack what only ``held_out`` names."""
    import yaml

    samples = sorted((ROOT / "data" / "reports").glob("*.txt"))
    others = [p.read_text(encoding="utf-8") for p in samples if p != held_out]
    data = tmp / "data"
    data.mkdir()
    for item in (ROOT / "data").iterdir():
        if item.name != "lexicons":
            (data / item.name).symlink_to(item)
    (data / "lexicons").mkdir()
    dropped = 0
    for item in (ROOT / "data" / "lexicons").iterdir():
        if item.stem not in KINDS:
            (data / "lexicons" / item.name).symlink_to(item)
            continue
        content = yaml.safe_load(item.read_text(encoding="utf-8"))
        kept = [e for e in content["entries"] if any(n in t for n in _names(e) if len(n) >= 2 for t in others)]
        dropped += len(content["entries"]) - len(kept)
        content["entries"] = kept
        (data / "lexicons" / item.name).write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return data, dropped


def _score(gold_path: Path) -> dict:
    """Hits and misses of one sample under the lexicons of NIANBAO_DATA (run in a fresh process)."""
    from test_entities_gold import _names as printed_names
    from test_entities_gold import soft_match

    from indexer.analyze import analyze_file

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    report = analyze_file(ROOT / "data" / "reports" / gold["file"])
    entities = report.entities_json(mentions=False)
    out = {}
    for key in KINDS:
        found = {f: printed_names(report, f) for f in entities[key]}
        missed = [g for g in gold[key] if not any(soft_match(g, n) for ns in found.values() for n in ns)]
        extra = [f for f, ns in found.items() if not any(soft_match(g, n) for g in gold[key] for n in ns)]
        out[key] = {"gold": len(gold[key]), "found": len(found), "missed": missed, "extra": extra}
    return out


def _run(gold_path: Path, data: Path | None) -> dict:
    env = dict(os.environ)
    if data is not None:
        env["NIANBAO_DATA"] = str(data)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", str(gold_path)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=20, help="misses and extras listed per kind")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_score(Path(args.worker)), ensure_ascii=False))
        return
    totals = {(setting, key): [0, 0, 0, 0] for setting in ("whole", "held out") for key in KINDS}
    lists: dict[str, list[str]] = {f"{k} {w}": [] for k in KINDS for w in ("missed", "extra")}
    print("| sample | entries held back | platforms P / R | measures P / R |")
    print("|---|---|---|---|")
    for gold_path in GOLD:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            data, dropped = _pruned_data(ROOT / "data" / "reports" / gold["file"], Path(tmp))
            runs = {"whole": _run(gold_path, None), "held out": _run(gold_path, data)}
        cells = []
        for key in KINDS:
            for setting, res in runs.items():
                r = res[key]
                t = totals[(setting, key)]
                t[0] += r["gold"] - len(r["missed"])
                t[1] += r["gold"]
                t[2] += r["found"] - len(r["extra"])
                t[3] += r["found"]
            r = runs["held out"][key]
            p = (r["found"] - len(r["extra"])) / max(r["found"], 1)
            cells.append(f"{p:.2f} / {(r['gold'] - len(r['missed'])) / max(r['gold'], 1):.2f}")
            lists[f"{key} missed"] += [f"{gold_path.stem[:3]}:{g}" for g in r["missed"]]
            lists[f"{key} extra"] += [f"{gold_path.stem[:3]}:{f}" for f in r["extra"]]
        print(f"| {gold_path.stem[:3]} | {dropped} | {cells[0]} | {cells[1]} |")
    print()
    print("| kind | lexicons | precision | recall | target |")
    print("|---|---|---|---|---|")
    for (setting, key), (hit, gold_n, ok, found) in totals.items():
        print(f"| {key} | {setting} | {ok / max(found, 1):.2f} | {hit / max(gold_n, 1):.2f} | P ≥ 0.85, R ≥ 0.75 |")
    for name, items in lists.items():
        if items and args.show:
            print(f"{name} (held out): " + "、".join(items[: args.show]))


if __name__ == "__main__":
    main()
