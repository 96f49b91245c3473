"""Record what every command prints on the seeds store, and compare two such records.

For changes that must not change behaviour (a move of modules, a refactor):
record the outputs before and after, then compare them byte for byte.

    python scripts/same_output.py record OUT [--src DIR]   # DIR: a checkout's src/ to run
    python scripts/same_output.py compare BEFORE AFTER

`record` ingests the five reference articles (../shared/seeds) and the
project's test articles into a fresh store, then runs each command below with
`--format json` (the report as HTML, its generation date blanked). It then
runs `bloc demo` into a second fresh store (the knowledge base alone, what a
new user sees first), records what it prints and the report it writes, and
runs every command again on that store (outputs named `demo-*`). `--src`
runs another checkout's bloc (PYTHONPATH), so an older commit can be recorded
with this script. Commands default to today, so record both sides on one day.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
ARTICLES = ROOT / "tests" / "data" / "articles"

COMMANDS: dict[str, list[str]] = {
    "members-csto": ["members", "CSTO", "--on", "2023-05-01"],
    "members-nato": ["members", "NATO", "--on", "2024-04-01"],
    "history-csto": ["history", "CSTO"],
    "history-nato": ["history", "NATO"],
    "events": ["events"],
    "events-arm": ["events", "--actor", "ARM", "--since", "2022-01-01"],
    "events-text": ["events", "--origin", "text"],
    "alignment": ["alignment", "CSTO", "--by", "quarter", "--since", "2020-01-01"],
    "alignment-arm": ["alignment", "CSTO", "--member", "ARM", "--until", "2023-12-31"],
    "dyads": ["dyads", "CSTO", "--on", "2022-12-31"],
    "dyads-matrix": ["dyads", "CSTO", "--on", "2022-12-31", "--matrix"],
    "reliability-csto": ["reliability", "CSTO"],
    "reliability-nato": ["reliability", "NATO", "--on", "2020-01-01"],
    "reliability-summary": ["reliability", "CSTO", "--summary"],
    "cohesion": ["cohesion", "CSTO", "--by", "year", "--since", "2019-01-01"],
    "cohesion-nato": ["cohesion", "NATO", "--by", "quarter", "--until", "2023-06-30"],
    "risk": ["risk", "CSTO", "--on", "2023-05-31"],
    "risk-today": ["risk", "CSTO"],
    "explain": ["risk", "CSTO", "--on", "2023-05-31", "--explain", "ARM"],
    "compare": ["compare", "CSTO", "NATO", "--on", "2023-05-31"],
    "simulate": [
        "simulate", "CSTO", "--requester", "ARM", "--threat", "external", "--aggressor", "AZE",
        "--on", "2022-09-14", "--seed", "1", "--draws", "2000",
    ],
    "simulate-tjk": [
        "simulate", "CSTO", "--requester", "TJK", "--threat", "incursion", "--aggressor", "ISKP",
        "--on", "2023-06-01", "--seed", "3", "--draws", "2000", "--assume", "leader-at-war",
    ],
    "backtest-csto": ["backtest", "CSTO", "--draws", "500"],
    "backtest-nato": ["backtest", "NATO", "--draws", "500"],
    "check": ["check"],
}  # fmt: skip


def run(args: list[str], src: Path | None, db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="140")
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return subprocess.run(
        [sys.executable, "-m", "bloc", *args, "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def record(out: Path, src: Path | None) -> None:
    if not SEEDS.is_dir():
        sys.exit(f"the reference articles are not at {SEEDS}")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "seeds.duckdb"
        for corpus in (SEEDS, ARTICLES):
            done = run(["ingest", str(corpus), "--published", "2023-01-15"], src, db)
            if done.returncode:
                sys.exit(f"ingest {corpus} failed:\n{done.stderr}")
        for name, args in COMMANDS.items():
            done = run([*args, "--format", "json"], src, db)
            (out / f"{name}.json").write_text(done.stdout + f"\n(exit {done.returncode})\n")
        report = Path(tmp) / "report.html"
        done = run(["report", "CSTO", "--on", "2023-05-31", "--out", str(report)], src, db)
        html = report.read_text(encoding="utf-8") if report.exists() else done.stderr
        html = re.sub(r"Written by bloc on \d{4}-\d{2}-\d{2}", "Written by bloc on DATE", html)
        (out / "report.html").write_text(html, encoding="utf-8")
        demo(out, src, Path(tmp))
    print(f"recorded {2 * len(COMMANDS) + 3} outputs in {out}")


def demo(out: Path, src: Path | None, tmp: Path) -> None:
    """`bloc demo` into a fresh store, then every command on it (the store path blanked)."""
    db = tmp / "demo.duckdb"
    report = tmp / "demo-report.html"
    done = run(["demo", "--report", str(report)], src, db)
    printed = done.stdout.replace(str(tmp), "TMP") + f"\n(exit {done.returncode})\n"
    (out / "demo-printed.txt").write_text(printed, encoding="utf-8")
    html = report.read_text(encoding="utf-8") if report.exists() else done.stderr
    html = re.sub(r"Written by bloc on \d{4}-\d{2}-\d{2}", "Written by bloc on DATE", html)
    (out / "demo-report.html").write_text(html, encoding="utf-8")
    for name, args in COMMANDS.items():
        done = run([*args, "--format", "json"], src, db)
        (out / f"demo-{name}.json").write_text(done.stdout + f"\n(exit {done.returncode})\n")


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    different = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if not a.exists() else 'before'}")
            different += 1
            continue
        if a.read_bytes() != b.read_bytes():
            different += 1
            diff = difflib.unified_diff(
                a.read_text().splitlines(), b.read_text().splitlines(), lineterm="", n=1
            )
            print(f"{name}: differs\n" + "\n".join(list(diff)[:20]))
    print(f"{len(names)} outputs compared, {different} differ")
    return 1 if different else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--src", type=Path, default=None)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.what == "record":
        record(args.out, args.src)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
