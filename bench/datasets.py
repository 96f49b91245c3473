"""One day of GDELT events through `bloc import`, beside DuckDB's bare read of the same file.

usage: python bench/datasets.py [--rows 200000] [--runs 3] [--events 0]

1. Writes one day of synthetic GDELT 2.0 export rows (61 tab-separated columns,
   no header): made-up ids, actors drawn from bloc's knowledge base and the
   rest of the world with CAMEO role suffixes, regions and bodies, event codes
   drawn from the CAMEO codes bloc maps (and a few it does not), one actor only
   on some rows, made-up places and addresses. Nothing in it is GDELT's.
2. Times DuckDB reading the file into a table (every column as text: the
   least any import must do), then `bloc import gdelt` of it into a store
   holding the knowledge base (and, with --events, that many synthetic events
   from bench/events.py to merge into), with the default actor filter and
   with --all. Each is the best of --runs runs, a fresh copy of the store each
   time; the spread of the runs is printed too.
   Beside them, the least any import into a store does (`least_import`: open
   the store file, read, write each row as an event with its evidence, close):
   the floor of the ratio on a small file, where fixed costs dominate.
3. Prints both, the ratio, and the goal's verdict: one day (about 200,000
   rows) imported in under GOAL_SECONDS.
4. With --command, also the whole command as a user runs it (a fresh process:
   start-up, import, report) beside a fresh process that reads the file with
   DuckDB bare, with each one's peak memory (issue 28: at most 5x the time and
   2x the memory on a 2,000-row file: `--rows 2000 --command`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import events as synthetic_events
from timing import met

from bloc.ingest.datasets import import_files, mappings
from bloc.ingest.datasets.gdelt import COLUMNS
from bloc.knowledge import bundled
from bloc.store import opened

GOAL_SECONDS = 5.0
DAY = "20240315"
ROLES = ("", "", "", "GOV", "MIL", "COP", "OPP", "BUS", "MED", "CVL", "JUD", "LEG")


def _actors(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code, name, country) for n actors: modelled states often, the world, bodies, regions."""
    kb = bundled()
    modelled = sorted(
        {s.member for al in kb.alliances.values() for s in al.membership} | {"UKR", "CHN", "IRN"}
    )
    world = sorted(c for c, a in kb.actors.items() if a.kind == "state" and c not in modelled)
    pick = rng.random(n)
    country = np.where(
        pick < 0.45,
        rng.choice(modelled, n),
        rng.choice(world, n),
    ).astype(object)
    code = country + rng.choice(ROLES, n)
    name = np.array([kb.actors[c].name.upper() for c in country], dtype=object)
    bodies = pick > 0.95
    code[bodies] = rng.choice(
        ["IGOUNO", "IGOWSTNAT", "IGOEUREEC", "NGOHRIAMN", "IGO"], bodies.sum()
    )
    name[bodies] = "INTERNATIONAL BODY"
    country[bodies] = ""
    regions = (pick > 0.92) & ~bodies
    code[regions] = rng.choice(["AFR", "EUR", "WST", "SAS", "MEA"], regions.sum())
    name[regions] = "A REGION"
    country[regions] = ""
    return code, name, country


def write_day(path: Path, rows: int, seed: int = 0) -> Path:
    """One day of synthetic GDELT export rows."""
    rng = np.random.default_rng(seed)
    codes = [c for c, v in mappings().cameo.items()]
    weights = np.array([8.0 if c[:2] in ("01", "04", "05") else 1.0 for c in codes])
    event = rng.choice(codes, rows, p=weights / weights.sum()).astype(object)
    event[rng.random(rows) < 0.01] = "099"  # not a CAMEO code
    code1, name1, country1 = _actors(rng, rows)
    code2, name2, country2 = _actors(rng, rows)
    alone = rng.random(rows) < 0.15
    code2[alone], name2[alone], country2[alone] = "", "", ""
    back = rng.integers(0, 30, rows) * (rng.random(rows) < 0.2)
    sqldate = (pd.Timestamp(DAY) - pd.to_timedelta(back, unit="D")).strftime("%Y%m%d")
    added = DAY + pd.Series(rng.integers(0, 96, rows)).map(
        lambda q: f"{q // 4:02d}{q % 4 * 15:02d}00"
    )
    frame = pd.DataFrame({c: "" for c in COLUMNS}, index=range(rows))
    frame["GLOBALEVENTID"] = np.arange(1_100_000_000, 1_100_000_000 + rows).astype(str)
    frame["SQLDATE"] = sqldate
    frame["MonthYear"] = sqldate.str[:6]
    frame["Year"] = sqldate.str[:4]
    frame["FractionDate"] = "2024.2027"
    frame["Actor1Code"], frame["Actor1Name"], frame["Actor1CountryCode"] = code1, name1, country1
    frame["Actor2Code"], frame["Actor2Name"], frame["Actor2CountryCode"] = code2, name2, country2
    frame["IsRootEvent"] = rng.integers(0, 2, rows).astype(str)
    frame["EventCode"] = event
    frame["EventBaseCode"] = pd.Series(event).str[:3]
    frame["EventRootCode"] = pd.Series(event).str[:2]
    frame["QuadClass"] = rng.integers(1, 5, rows).astype(str)
    frame["GoldsteinScale"] = rng.uniform(-10, 10, rows).round(1).astype(str)
    for column in ("NumMentions", "NumSources", "NumArticles"):
        frame[column] = rng.integers(1, 20, rows).astype(str)
    frame["AvgTone"] = rng.normal(-2, 3, rows).round(6).astype(str)
    for side in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        frame[side + "Type"] = rng.integers(1, 5, rows).astype(str)
        frame[side + "FullName"] = "Testville, Test Province, Testland"
        frame[side + "CountryCode"] = "TL"
        frame[side + "ADM1Code"] = "TL01"
        frame[side + "Lat"] = rng.uniform(-60, 70, rows).round(4).astype(str)
        frame[side + "Long"] = rng.uniform(-180, 180, rows).round(4).astype(str)
        frame[side + "FeatureID"] = rng.integers(1, 10**6, rows).astype(str)
    frame["DATEADDED"] = added
    frame["SOURCEURL"] = "https://news.example/day/" + frame["GLOBALEVENTID"] + ".html"
    frame.to_csv(path, sep="\t", header=False, index=False, quoting=3)  # csv.QUOTE_NONE
    return path


READ = (
    "SELECT * FROM read_csv(?, delim = '\t', header = false, columns = ?, quote = '', "
    "escape = '', auto_detect = false)"
)
"""DuckDB reading the export, every column as text: the bare read, in-process, in a fresh
process (`_BARE`) and in the floor (`least_import`)."""


def fresh_store(base: Path, folder: Path, stem: str) -> Path:
    """A fresh copy of the base store, `stem`.duckdb in `folder` (leftovers of a run removed)."""
    for leftover in folder.glob(f"{stem}.duckdb*"):
        leftover.unlink()
    return Path(shutil.copy(base, folder / f"{stem}.duckdb"))


def bare_read(path: Path) -> float:
    """DuckDB reading the export into a table, every column as text."""
    con = duckdb.connect()
    try:
        began, cpu = time.perf_counter(), time.process_time()
        con.execute(f"CREATE TABLE t AS {READ}", [str(path), dict.fromkeys(COLUMNS, "VARCHAR")])
        CPU.setdefault("bare", []).append(time.process_time() - cpu)
        return time.perf_counter() - began
    finally:
        con.close()


def least_import(path: Path, base: Path, folder: Path) -> float:
    """The least any import into a bloc store does, timed as `timed_import` is: open a copy
    of the store file, read the export as the bare read does, and write each row as one
    event, its evidence and its place in one transaction, then close (DuckDB checkpoints
    the file). No actor or code is mapped, nothing is checked, deduplicated or merged:
    a floor for the ratio, not an import."""
    db = fresh_store(base, folder, "least")
    began, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(db))
    try:
        con.execute(
            f"CREATE TEMP TABLE t AS {READ}", [str(path), dict.fromkeys(COLUMNS, "VARCHAR")]
        )
        day = "strptime(SQLDATE, '%Y%m%d')::DATE"
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT INTO events (id, date, date_precision, source, target, type, confidence, "
            f"origin) SELECT 'gdelt-' || GLOBALEVENTID, {day}, 'day', Actor1Code, Actor2Code, "
            "EventCode, 0.5, 'gdelt' FROM t"
        )
        con.execute(
            'INSERT INTO evidence (event_id, document, sentence, start, "end", published, url) '
            "SELECT 'gdelt-' || GLOBALEVENTID, 'gdelt:' || GLOBALEVENTID, 'GDELT event ' || "
            f"GLOBALEVENTID, 0, NULL, {day}, SOURCEURL FROM t"
        )
        con.execute(
            "INSERT INTO dataset_rows SELECT 'gdelt:' || GLOBALEVENTID, ActionGeo_FullName, "
            "ActionGeo_ADM1Code, ActionGeo_CountryCode, TRY_CAST(ActionGeo_Lat AS DOUBLE), "
            "TRY_CAST(ActionGeo_Long AS DOUBLE), NULL, NULL FROM t"
        )
        con.execute("COMMIT")
    finally:
        con.close()
    CPU.setdefault("least", []).append(time.process_time() - cpu)
    return time.perf_counter() - began


CPU: dict[str, list[float]] = {}
"""Processor seconds of each run (every thread of the process), by what ran: on a machine
others share, the wall-clock ratio moves with their load, the processor time much less."""


def timed_import(path: Path, base: Path, folder: Path, keep_all: bool) -> tuple[float, object]:
    db = fresh_store(base, folder, "run")
    began, cpu = time.perf_counter(), time.process_time()
    summary = import_files("gdelt", [path], db, keep_all=keep_all)
    CPU.setdefault("all" if keep_all else "import", []).append(time.process_time() - cpu)
    return time.perf_counter() - began, summary.files[0]


_PEAK = (
    "import resource, sys; "
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
)
_BARE = (
    "import duckdb, json, sys; COLUMNS = json.loads(sys.argv[2]); "
    f"duckdb.connect().execute({'CREATE TABLE t AS ' + READ!r}, "
    "[sys.argv[1], dict.fromkeys(COLUMNS, 'VARCHAR')])"
)
_COMMAND = (
    "import sys; from bloc.cli import app; sys.argv = ['bloc', 'import', 'gdelt', sys.argv[1], "
    "'--db', sys.argv[2]]\ntry:\n    app()\nexcept SystemExit:\n    pass"
)


def in_a_process(code: str, *args: str) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of a fresh Python process running `code`."""
    began, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_PEAK}", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    CPU.setdefault(code, []).append(cpu)
    peak = next(int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("PEAK"))
    return seconds, peak


def whole_command(path: Path, base: Path, folder: Path, runs: int) -> None:
    """`bloc import gdelt FILE` as a process, beside a process reading the file bare."""
    columns = json.dumps(COLUMNS)
    bare = [in_a_process(_BARE, str(path), columns) for _ in range(runs)]
    command = []
    for _ in range(runs):
        db = fresh_store(base, folder, "cmd")
        command.append(in_a_process(_COMMAND, str(path), str(db)))
    bare_s, bare_kib = min(t for t, _ in bare), max(m for _, m in bare)
    cmd_s, cmd_kib = min(t for t, _ in command), max(m for _, m in command)
    print(f"a process reading the file bare: {bare_s:.2f} s, peak {bare_kib / 1024:.0f} MiB")
    print(
        f"the whole command (bloc import gdelt FILE): {cmd_s:.2f} s, peak {cmd_kib / 1024:.0f} "
        f"MiB; ratio {cmd_s / bare_s:.1f}x the time, {cmd_kib / bare_kib:.1f}x the memory"
    )
    bare_cpu, cmd_cpu = min(CPU[_BARE]), min(CPU[_COMMAND])
    print(
        f"  processor time: the command {cmd_cpu:.2f} s, the bare process {bare_cpu:.2f} s, "
        f"ratio {cmd_cpu / bare_cpu:.1f}"
    )


def spread(times: list[float]) -> str:
    return (
        f"best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
        f"worst {max(times):.2f} s over {len(times)} runs"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=0, help="synthetic events already stored")
    parser.add_argument("--command", action="store_true", help="also time the whole command")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        path = write_day(folder / f"{DAY}.export.CSV", args.rows)
        size = path.stat().st_size / 2**20
        took = time.perf_counter() - began
        print(f"file: {args.rows:,} rows, {size:.0f} MiB, written in {took:.0f} s")
        base = folder / "base.duckdb"
        if args.events:
            synthetic_events.generate(args.events, base)
        else:
            with opened(base):
                pass
        print(f"store: the knowledge base and {args.events:,} synthetic events")
        bare = [bare_read(path) for _ in range(args.runs)]
        print(f"DuckDB's bare read into a table: {spread(bare)}")
        least = [least_import(path, base, folder) for _ in range(args.runs)]
        print(
            f"the least a store import does (open, read, write each row, close): {spread(least)}"
            f"; processor time {min(CPU['least']):.2f} s, ratio to the bare read "
            f"{min(CPU['least']) / min(CPU['bare']):.1f}"
        )
        results = {}
        for keep_all in (False, True):
            times, report = [], None
            for _ in range(args.runs):
                seconds, report = timed_import(path, base, folder, keep_all)
                times.append(seconds)
            results[keep_all] = times
            label = "bloc import gdelt --all" if keep_all else "bloc import gdelt"
            print(f"{label}: {spread(times)}; ratio to the bare read {min(times) / min(bare):.1f}")
            cpu = min(CPU["all" if keep_all else "import"])
            print(
                f"  processor time: {cpu:.2f} s beside the bare read's {min(CPU['bare']):.2f} s, "
                f"ratio {cpu / min(CPU['bare']):.1f}; {cpu / min(CPU['least']):.1f} times the "
                "least a store import does"
            )
            print(
                f"  {report.rows:,} rows: {report.stored:,} stored as evidence of "
                f"{report.events_new:,} new events ({report.events_merged:,} merged), "
                f"{report.dropped:,} outside the actors kept, {report.one_sided:,} one actor "
                f"only, {report.unmapped_rows:,} an unmapped actor, "
                f"{sum(report.no_counterpart.values()):,} no PLOVER type, "
                f"{sum(report.unknown_codes.values()):,} unknown codes"
            )
        if args.command:
            whole_command(path, base, folder, args.runs)
        best = min(results[False])
        print(
            f"goal: one day of GDELT ({args.rows:,} rows) imported in under {GOAL_SECONDS:.0f} s: "
            f"{met(best < GOAL_SECONDS)} (best {best:.2f} s, --all {min(results[True]):.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
