"""Score the coder on PLOVER's development records, by part of the tune/check split.

usage: python scripts/score_plover.py [--part check|tune|all] [--gold DIR] [--keep DIR]

The official path of ../shared/data/plover-gsr/README.md, run once per part: the
part's records become a JSON-lines file of articles dated 2000-01-01, `bloc ingest`
codes them into a fresh store, `bloc events --format json` lists what was coded,
and the `score.py` beside the records scores it against that part's records only.
The check part is scored first: it is the figure that was not tuned against
(`bloc.text.evaluate_split`). `--keep` leaves each part's store, events and gold
subset in a folder, to read the tune part's misses (never the check part's).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bloc.text.evaluate_split import part as part_of

PARTS = ("check", "tune", "all")


def score(gold: Path, part: str, work: Path) -> dict[str, float]:
    """Strict and relaxed precision, recall and F1 of one part, from score.py's output."""
    records = [json.loads(line) for line in (gold / "dev.jsonl").open(encoding="utf-8")]
    chosen = [r for r in records if part == "all" or part_of(r["id"]) == part]
    work.mkdir(parents=True, exist_ok=True)
    subset = work / f"gold-{part}.jsonl"
    subset.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    articles = work / f"articles-{part}.jsonl"
    dated = "2000-01-01"
    lines = [
        json.dumps({"id": r["id"], "url": "", "title": "", "published": dated, "text": r["text"]})
        for r in chosen
    ]
    articles.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    db = work / f"plover-{part}.duckdb"
    db.unlink(missing_ok=True)
    bloc = [sys.executable, "-m", "bloc"]
    ingest = [*bloc, "ingest", str(articles), "--db", str(db)]
    subprocess.run(ingest, check=True, capture_output=True)
    listed = subprocess.run(
        [*bloc, "events", "--origin", "text", "--format", "json", "--db", str(db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    events = work / f"events-{part}.json"
    events.write_text(listed, encoding="utf-8")
    scored = subprocess.run(
        [sys.executable, str(gold / "score.py"), str(events), str(subset)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    out: dict[str, float] = {"records": float(len(chosen))}
    for kind, p, r, f in re.findall(
        r"(strict|relaxed): precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)", scored
    ):
        out.update({f"{kind}_p": float(p), f"{kind}_r": float(r), f"{kind}_f1": float(f)})
    coded = re.search(r"scorable (\d+); events coded from them (\d+)", scored)
    if coded:
        out["scorable"], out["coded"] = float(coded.group(1)), float(coded.group(2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, action="append")
    parser.add_argument("--gold", type=Path, default=Path("../shared/data/plover-gsr"))
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    parts = args.part or ["check", "tune", "all"]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        for part in parts:
            s = score(args.gold, part, work)
            print(
                f"{part:5} ({int(s['records'])} records, {int(s.get('scorable', 0))} scorable, "
                f"{int(s.get('coded', 0))} events): strict P {s['strict_p']:.3f} "
                f"R {s['strict_r']:.3f} F1 {s['strict_f1']:.3f}; relaxed F1 {s['relaxed_f1']:.3f}"
            )


if __name__ == "__main__":
    main()
