"""Load on the running dashboard: many concurrent clients over every route, on loopback.

usage: python bench/load.py [--seconds 30] [--clients 32] [--articles 2000]
                            [--events 1000000] [--modes cached,uncached]
                            [--store FOLDER]

1. A store is built in a temporary folder: the knowledge base plus N synthetic
   articles (bench/corpus.py) ingested, so the event ids, members and evidence
   asked for are real ones, then --events synthetic events (bench/events.py)
   added to it: the goal is for a store of a million events.
2. `bloc serve` runs as its own process on a free loopback port: client and
   server do not share a GIL, and the server's memory (with any children) is
   sampled alone every 0.5 s. Its log goes to a file, shown when a request fails.
   It runs once with its cache of measures (`cached`) and once without
   (`uncached`, `bloc serve --no-cache`), the same load each time.
3. Every route is asked once (a request the server rejects then is this script's
   fault, not the load's). After a warm-up that is not counted, the baseline:
   every client fetches a static file (/static/favicon.svg) for a while. Then the
   load: every client cycles through every route (the JSON API, the pages, the
   POST bodies) in its own shuffled order, each time with valid parameters drawn
   at random (alliances, members, as-of days, event ids, texts to code).
4. Prints requests, errors, p50, p95 and p99 per route and overall, the
   throughput, each route's p50 as a ratio to the baseline's, and the server's
   memory: at the start and end of the load, its peak, and the growth from the
   first third of the load to the last (flat within MEMORY_TOLERANCE). Then the
   cached and uncached p50/p95/p99 of every route side by side, and the goal's
   verdict: p95 under GOAL_P95_MS on every page (and every API route) with the
   cache, 32 clients, a million events.
Exits 1 if any request failed (not the expected status, or an exception: one
example of each kind is shown) or the cached server's memory grew beyond the
tolerance (the uncached server's is shown: it swings with the requests in flight).
`--store FOLDER` builds the store there once and reuses it on later runs.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
import events as synthetic_events
from timing import Memory, met

from bloc import measures
from bloc.ingest import ingest
from bloc.knowledge import bundled
from bloc.store import Store

DAYS = ["2019-06-30", "2021-06-30", "2022-09-13", "2023-05-31", "2024-12-31"]
BASELINE = "/static/favicon.svg"
SAMPLE_EVERY = 0.5  # seconds between two readings of the server's memory
MEMORY_TOLERANCE = 0.10  # mean RSS of the last third within 10% of the first third's
STARTUP_SECONDS = 60.0
TIMEOUT_SECONDS = 120.0  # one request; slower counts as an error
GOAL_P95_MS = 1000.0  # the goal: every page's p95 under a second, 32 clients, 1M events
SCENARIOS = [  # collective-defence requests the knowledge base can simulate
    {"alliance": "CSTO", "requester": "ARM", "threat": "external", "aggressor": "AZE",
     "on": "2022-09-13"},
    {"alliance": "CSTO", "requester": "TJK", "threat": "incursion", "aggressor": "ISKP",
     "on": "2023-06-01"},
    {"alliance": "CSTO", "requester": "KAZ", "threat": "internal", "on": "2022-01-05"},
    {"alliance": "NATO", "requester": "EST", "threat": "external", "aggressor": "RUS",
     "on": "2023-05-31"},
]  # fmt: skip


@dataclass
class Request:
    """One HTTP request, ready for httpx."""

    method: str
    url: str
    params: list[tuple[str, str]] = field(default_factory=list)
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None


@dataclass
class Route:
    """A route of the server and how to make a valid request to it."""

    name: str
    make: Callable[[random.Random], Request]
    expect: int = 200


@dataclass
class Pools:
    """Valid values taken from the store, to draw parameters from."""

    alliances: list[str]
    ranked: dict[tuple[str, str], list[str]]  # (alliance, day): members ranked by exit risk
    event_ids: list[str]
    types: list[str]
    texts: list[dict[str, str]]  # synthetic articles to code


@dataclass
class Tally:
    """Latencies and failures of one route in one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


@dataclass
class Phase:
    """What the clients measured over one phase of the run."""

    seconds: float = 0.0
    tallies: dict[str, Tally] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # one per kind of failure

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    @property
    def requests(self) -> int:
        return sum(len(t.latencies) + t.errors for t in self.tallies.values())

    @property
    def errors(self) -> int:
        return sum(t.errors for t in self.tallies.values())

    def latencies(self) -> list[float]:
        return [x for t in self.tallies.values() for x in t.latencies]


# -- the store ------------------------------------------------------------------


def build_store(folder: Path, articles: int, events: int) -> tuple[Path, Path]:
    """The knowledge base plus `articles` synthetic articles, as scripts/screenshots.py does,
    and `events` synthetic events (bench/events.py)."""
    source = corpus.write(articles, folder / "corpus.jsonl", seed=7)
    db = folder / "bloc.duckdb"
    began = time.perf_counter()
    summary = ingest([source], db)
    if events:
        synthetic_events.generate(events, db)
    with Store.open(db, read_only=True) as store:
        row = store.con.execute("SELECT count(*) FROM events").fetchall()
    print(
        f"store: knowledge base + {summary.stored:,} synthetic articles "
        f"({summary.events_new:,} events from text) + {events:,} synthetic events: "
        f"{row[0][0]:,} events, built in {time.perf_counter() - began:.0f} s"
    )
    return db, source


def pools(db: Path, source: Path) -> Pools:
    """Real ids and members, read before the server opens the store."""
    alliances = sorted(bundled().alliances)
    ranked = {
        (code, day): [str(m) for m in measures.risk(code, day, db)["member"]]
        for code in alliances
        for day in DAYS
    }
    with Store.open(db, read_only=True) as store:
        ids = [str(r[0]) for r in store.con.execute("SELECT id FROM events ORDER BY 1").fetchall()]
        kinds = store.con.execute("SELECT DISTINCT type FROM events ORDER BY 1").fetchall()
        types = [str(r[0]) for r in kinds]
    texts = []
    with source.open(encoding="utf-8") as handle:
        for line, _ in zip(handle, range(20), strict=False):
            record = json.loads(line)
            texts.append({"text": record["text"], "published": record["published"]})
    if not ids or not all(ranked.values()):
        raise SystemExit("the store has no events or an alliance has no ranked member")
    return Pools(alliances, ranked, random.Random(1).sample(ids, min(200, len(ids))), types, texts)


# -- the routes -----------------------------------------------------------------


def routes(p: Pools) -> list[Route]:
    """Every route of bloc.web, each with parameters drawn from the store's own values."""

    def pick(rng: random.Random) -> tuple[str, str, str]:
        code = rng.choice(p.alliances)
        day = rng.choice(DAYS)
        return code, day, rng.choice(p.ranked[code, day])

    def get(path: Callable[[str, str], str], *extra: str) -> Callable[[random.Random], Request]:
        """A GET of `path` (from alliance and member) as of a day, with `extra` options."""

        def make(rng: random.Random) -> Request:
            code, day, member = pick(rng)
            params = [("on", day)]
            for option in extra:
                if option == "by":
                    params.append(("by", rng.choice(["month", "quarter", "year"])))
                elif option == "member" and rng.random() < 0.5:
                    params.append(("member", member))
            return Request("GET", path(code, member), params)

        return make

    def events(path: str) -> Callable[[random.Random], Request]:
        def make(rng: random.Random) -> Request:
            code, day, member = pick(rng)
            params = [("on", day)]
            choice = rng.choice(["actor", "alliance", "type", "dates", "none"])
            if choice == "actor":
                params.append(("actor", member))
            elif choice == "alliance":
                params.append(("alliance", code))
            elif choice == "type":
                params.append(("type", rng.choice(p.types)))
            elif choice == "dates":
                params += [("since", "2020-01-01"), ("until", day)]
            if path.startswith("/api"):
                params.append(("limit", str(rng.choice([50, 500]))))
            return Request("GET", path, params)

        return make

    def compare(path: str) -> Callable[[random.Random], Request]:
        def make(rng: random.Random) -> Request:
            chosen = rng.sample(p.alliances, rng.randint(1, len(p.alliances)))
            return Request(
                "GET", path, [("on", rng.choice(DAYS))] + [("alliances", c) for c in chosen]
            )

        return make

    def scenario(rng: random.Random) -> dict[str, Any]:
        return {**rng.choice(SCENARIOS), "seed": rng.randrange(1000)}

    def simulate_page(rng: random.Random) -> Request:
        s = scenario(rng)
        params = [(k, str(v)) for k, v in s.items() if k != "alliance"]
        return Request("GET", f"/alliances/{s['alliance']}/simulate", params)

    def event(path: str) -> Callable[[random.Random], Request]:
        return lambda rng: Request("GET", path + rng.choice(p.event_ids))

    def fixed(method: str, path: str) -> Callable[[random.Random], Request]:
        return lambda rng: Request(method, path)

    return [
        # the JSON API
        Route("GET /api/alliances", fixed("GET", "/api/alliances")),
        Route("GET /api/alliances/{code}/members", get(lambda c, m: f"/api/alliances/{c}/members")),
        Route(
            "GET /api/alliances/{code}/history",
            lambda rng: Request("GET", f"/api/alliances/{rng.choice(p.alliances)}/history"),
        ),
        Route(
            "GET /api/alliances/{code}/alignment",
            get(lambda c, m: f"/api/alliances/{c}/alignment", "by", "member"),
        ),
        Route(
            "GET /api/alliances/{code}/cohesion",
            get(lambda c, m: f"/api/alliances/{c}/cohesion", "by"),
        ),
        Route("GET /api/alliances/{code}/dyads", get(lambda c, m: f"/api/alliances/{c}/dyads")),
        Route(
            "GET /api/alliances/{code}/relations",
            get(lambda c, m: f"/api/alliances/{c}/relations"),
        ),
        Route(
            "GET /api/alliances/{code}/reliability",
            get(lambda c, m: f"/api/alliances/{c}/reliability"),
        ),
        Route("GET /api/alliances/{code}/risk", get(lambda c, m: f"/api/alliances/{c}/risk")),
        Route(
            "GET /api/alliances/{code}/risk/{member}",
            get(lambda c, m: f"/api/alliances/{c}/risk/{m}"),
        ),
        Route("GET /api/compare", compare("/api/compare")),
        Route("GET /api/events", events("/api/events")),
        Route("GET /api/events/{id}", event("/api/events/")),
        Route(
            "POST /api/simulate", lambda rng: Request("POST", "/api/simulate", json=scenario(rng))
        ),
        Route("POST /api/code", lambda rng: Request("POST", "/api/code", json=rng.choice(p.texts))),
        Route("GET /openapi.json", fixed("GET", "/openapi.json")),
        # the pages
        Route("GET /", fixed("GET", "/"), expect=307),  # a redirect to the first alliance
        Route("GET /alliances/{code}", get(lambda c, m: f"/alliances/{c}")),
        Route(
            "GET /alliances/{code}/members/{member}",
            get(lambda c, m: f"/alliances/{c}/members/{m}"),
        ),
        Route("GET /alliances/{code}/relations", get(lambda c, m: f"/alliances/{c}/relations")),
        Route("GET /alliances/{code}/reliability", get(lambda c, m: f"/alliances/{c}/reliability")),
        Route("GET /alliances/{code}/simulate", simulate_page),
        Route("GET /compare", compare("/compare")),
        Route("GET /events", events("/events")),
        Route("GET /events/{id}", event("/events/")),
        Route("GET /code", fixed("GET", "/code")),
        Route("POST /code", lambda rng: Request("POST", "/code", data=rng.choice(p.texts))),
        Route("GET /docs", fixed("GET", "/docs")),
        # the control: the baseline's route, under the same load as the others
        Route(f"GET {BASELINE}", fixed("GET", BASELINE)),
    ]


# -- the server -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bloc_command() -> str:
    """The `bloc` console script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("bloc")
    found = str(beside) if beside.is_file() else shutil.which("bloc")
    if not found:
        raise SystemExit("the `bloc` command is missing: pip install -e .")
    return found


def start_server(db: Path, log: Path, cache: bool = True) -> tuple[subprocess.Popen[bytes], str]:
    """`bloc serve` in its own process; returns once it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [bloc_command(), "serve", "--db", str(db), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--cache" if cache else "--no-cache"]
    with log.open("wb") as err:
        server = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,  # uvicorn's access log: one line per request
            stderr=err,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped at start:\n{log_tail(log)}")
        try:
            if httpx.get(base + "/api/alliances", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"the server did not answer within {STARTUP_SECONDS:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def log_tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def log_failures(log: Path) -> str:
    """The exceptions in the server's log, counted, with the last traceback in full."""
    text = log.read_text(encoding="utf-8", errors="replace")
    blocks = re.findall(r"Traceback \(most recent call last\):\n(?:[ \t].*\n|\n)*(.*)", text)
    if not blocks:
        return f"(no traceback in the server's log; its last lines:)\n{log_tail(log)}"
    counts = Counter(blocks)
    summary = "\n".join(f"  {n:6,} x {line}" for line, n in counts.most_common())
    last = text[text.rindex("Traceback (most recent call last):") :].splitlines()[:80]
    return f"exceptions in the server's log:\n{summary}\nthe last traceback:\n" + "\n".join(last)


# -- the clients ----------------------------------------------------------------


def why(response: httpx.Response) -> str:
    """The server's own message in a failed response: JSON `error`, or an error page's text."""
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        pass
    found = re.search(r'<p class="error">(.*?)</p>', response.text, re.S)
    return html.unescape(found[1]) if found else repr(response.text[:300])


async def call(client: httpx.AsyncClient, route: Route, request: Request, phase: Phase) -> None:
    """One request, timed to its last byte; a failure keeps one example of its kind."""
    began = time.perf_counter()
    try:
        response = await client.request(
            request.method,
            request.url,
            params=tuple(request.params),
            json=request.json,
            data=request.data,
        )
    except httpx.HTTPError as exc:
        phase.tally(route.name).errors += 1
        kind = f"{route.name}: {type(exc).__name__}"
        phase.examples.setdefault(kind, f"{request.method} {request.url} {request.params}: {exc!r}")
        return
    if response.status_code != route.expect:
        phase.tally(route.name).errors += 1
        kind = f"{route.name}: HTTP {response.status_code}"
        phase.examples.setdefault(kind, f"{request.method} {response.request.url}: {why(response)}")
        return
    phase.tally(route.name).latencies.append(time.perf_counter() - began)


async def drive(
    base: str, clients: int, seconds: float, route_list: list[Route], seed: int = 0
) -> Phase:
    """`clients` concurrent clients, each cycling through the routes in its own shuffled order.

    Each client has its own connection (httpx's shared pool costs the driver more CPU
    per request as it grows). Requests under way at the deadline are waited for, and
    counted: the phase lasts until the last one ends.
    """
    phase = Phase()
    began = time.perf_counter()
    deadline = began + seconds

    async def one(index: int) -> None:
        rng = random.Random(seed * 10_000 + index)
        order = list(route_list)
        async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_SECONDS) as client:
            while True:
                rng.shuffle(order)
                for route in order:
                    if time.perf_counter() >= deadline:
                        return
                    await call(client, route, route.make(rng), phase)

    await asyncio.gather(*(one(i) for i in range(clients)))
    phase.seconds = time.perf_counter() - began
    return phase


async def preflight(base: str, route_list: list[Route]) -> Phase:
    """Each route once, alone: a rejected request here is a fault of this script."""
    phase = Phase()
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_SECONDS) as client:
        for route in route_list:
            await call(client, route, route.make(random.Random(0)), phase)
    return phase


# -- the report -----------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile, in milliseconds (NaN when nothing succeeded)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank] * 1000


def report(load: Phase, baseline: Phase, clients: int, seconds: float, names: list[str]) -> None:
    base_p50 = percentile(baseline.latencies(), 50)
    base_rate = len(baseline.latencies()) / baseline.seconds
    print(
        f"baseline: GET {BASELINE} alone, {clients} clients, {baseline.seconds:.1f} s: "
        f"{baseline.requests:,} requests, {baseline.errors} errors, {base_rate:,.0f} req/s, "
        f"p50 {base_p50:.1f} ms, p99 {percentile(baseline.latencies(), 99):.1f} ms"
    )
    print(
        f"load: {clients} clients over {len(names)} routes, {seconds:.0f} s of new requests, "
        f"{load.seconds:.1f} s to the last answer (p50/base: the route's p50 over the baseline's)"
    )
    heads = ("requests", "errors", "p50 ms", "p95 ms", "p99 ms", "p50/base")
    print(f"{'route':44s} " + " ".join(f"{h:>8s}" for h in heads))
    for name in names:
        tally = load.tally(name)
        if tally.latencies:
            p50, p95 = percentile(tally.latencies, 50), percentile(tally.latencies, 95)
            p99 = percentile(tally.latencies, 99)
            figures = f"{p50:8.1f} {p95:8.1f} {p99:8.1f} {p50 / base_p50:8.1f}"
        else:
            figures = f"{'-':>8s} {'-':>8s} {'-':>8s} {'-':>8s}"
        print(f"{name:44s} {len(tally.latencies) + tally.errors:8,} {tally.errors:6,} {figures}")
    everything = load.latencies()
    rate = len(everything) / load.seconds
    print(
        f"overall: {load.requests:,} requests, {load.errors:,} errors, {rate:,.1f} req/s, "
        f"p50 {percentile(everything, 50):.1f} ms, p95 {percentile(everything, 95):.1f} ms, "
        f"p99 {percentile(everything, 99):.1f} ms"
    )
    print(f"ratio throughput load / baseline: {rate / base_rate:.3f}")


def memory_report(samples: list[int]) -> bool:
    """Print the server's memory over the load; True if it stayed flat."""
    if len(samples) < 3:
        print("server memory: too few samples (run longer)")
        return True
    third = len(samples) // 3
    first = sum(samples[:third]) / third
    last = sum(samples[-third:]) / third
    growth = last / first - 1
    flat = growth <= MEMORY_TOLERANCE
    mib = 2**20
    print(
        f"server memory (RSS with children, every {SAMPLE_EVERY} s, {len(samples)} samples): "
        f"start {samples[0] / mib:,.0f} MiB, end {samples[-1] / mib:,.0f} MiB, "
        f"peak {max(samples) / mib:,.0f} MiB"
    )
    print(
        f"memory growth, mean of the first third {first / mib:,.0f} MiB -> last third "
        f"{last / mib:,.0f} MiB: {growth:+.1%} "
        f"({'flat' if flat else 'GROWS'}: tolerance {MEMORY_TOLERANCE:.0%})"
    )
    step = max(1, round(5 / SAMPLE_EVERY))
    print("memory every 5 s, MiB: " + " ".join(f"{x / mib:.0f}" for x in samples[::step]))
    return flat


def failures(phase: Phase, log: Path) -> None:
    for kind, example in sorted(phase.examples.items()):
        print(f"  error {kind}\n    e.g. {example}")
    print(log_failures(log))


@dataclass
class Run:
    """One server's run: its load, and whether it was clean."""

    load: Phase
    ok: bool


def run_server(
    db: Path, folder: Path, mode: str, route_list: list[Route], args: argparse.Namespace
) -> Run:
    """Start `bloc serve` (with or without its cache), load it, report, stop it."""
    log = folder / f"server-{mode}.log"
    server, base = start_server(db, log, cache=mode == "cached")
    try:
        print(f"\n== {mode}: bloc serve on {base}, pid {server.pid}")
        check = asyncio.run(preflight(base, route_list))
        if check.errors:
            print(f"preflight: {check.errors} of {len(route_list)} routes rejected a request")
            failures(check, log)
            return Run(check, False)
        print(f"preflight: each of the {len(route_list)} routes answered once")
        with Memory(server.pid, every=SAMPLE_EVERY) as memory:
            warm = asyncio.run(drive(base, args.clients, args.warmup, route_list, seed=1))
            print(f"warm-up: {args.warmup:.0f} s, {warm.requests:,} requests (not counted)")
            static = [r for r in route_list if r.name == f"GET {BASELINE}"]
            baseline = asyncio.run(drive(base, args.clients, args.baseline, static, seed=2))
            cpu, began, before = memory.cpu(), time.monotonic(), os.getloadavg()[0]
            load = asyncio.run(drive(base, args.clients, args.seconds, route_list, seed=3))
            ended, used, after = time.monotonic(), memory.cpu() - cpu, os.getloadavg()[0]
        report(load, baseline, args.clients, args.seconds, [r.name for r in route_list])
        print(
            f"server CPU over the load: {used:.1f} s in {ended - began:.1f} s "
            f"({used / (ended - began):.0%} of one core), "
            f"{used / max(1, load.requests) * 1000:.1f} ms per request"
        )
        flat = memory_report(memory.between(began, ended))
        if mode == "uncached" and not flat:
            # Without the cache, the memory is that of the few requests being computed
            # (each reads a million events: 0.4 to 1.9 GB from one sample to the next),
            # so a mean over a third moves with the mix; a leak would show in the
            # cached run, which runs the same code for each miss.
            print("memory of the uncached run: shown, not judged (it swings with the mix)")
            flat = True
        print(
            f"machine: {psutil.cpu_count()} cores, load average {before:.1f} before the load "
            f"and {after:.1f} after it (this run and any other work on the machine)"
        )
        errors = warm.errors + baseline.errors + load.errors
        if errors:
            print(f"FAILED: {errors:,} requests failed (warm-up and baseline included)")
            merged = Phase(examples={**warm.examples, **baseline.examples, **load.examples})
            failures(merged, log)
        return Run(load, not errors and flat)
    finally:
        stop_server(server)


def side_by_side(runs: dict[str, Run], names: list[str], events: int, clients: int) -> bool:
    """Each route's p50/p95/p99 in every mode, and the goal's verdict; True if it is met."""
    modes = list(runs)
    print(f"\n== p50 / p95 / p99 in ms per route, {clients} clients, {events:,} synthetic events")
    print(f"{'route':44s} " + " ".join(f"{m:>26s}" for m in modes))
    slow: list[str] = []
    for name in names:
        cells = []
        for mode in modes:
            values = runs[mode].load.tally(name).latencies
            p50, p95, p99 = (percentile(values, q) for q in (50, 95, 99))
            cells.append(f"{p50:8.0f} {p95:8.0f} {p99:8.0f}")
            if mode == "cached" and name != f"GET {BASELINE}" and not p95 < GOAL_P95_MS:
                slow.append(f"{name} ({p95:,.0f} ms)")
        print(f"{name:44s} " + " ".join(f"{c:>26s}" for c in cells))
    if "cached" not in runs:
        return True
    pages = [n for n in names if not n.startswith(("GET /api", "POST /api", "GET /openapi"))]
    slow_pages = [s for s in slow if s.split(" (")[0] in pages]
    print(
        f"goal: p95 under {GOAL_P95_MS:,.0f} ms on every page, {clients} clients, a store of "
        f"{events:,} synthetic events, cached: {met(not slow_pages)}"
        + (f"; over it: {', '.join(slow_pages)}" if slow_pages else "")
    )
    print(
        f"and on every API route too: {met(not slow)}"
        + (f"; over it: {', '.join(s for s in slow if s not in slow_pages)}" if slow else "")
    )
    return not slow_pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events added")
    parser.add_argument("--modes", default="cached,uncached", help="cached, uncached or both")
    parser.add_argument("--warmup", type=float, default=15.0, help="not counted")
    parser.add_argument("--baseline", type=float, default=10.0, help="length of the baseline")
    parser.add_argument(
        "--store", type=Path, help="a folder to build the store in once and reuse after (kept)"
    )
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"cached", "uncached"}:
        parser.error("--modes: cached, uncached, or both separated by a comma")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.store or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db, source = folder / "bloc.duckdb", folder / "corpus.jsonl"
        if args.store is None or not (db.exists() and source.exists()):
            db, source = build_store(folder, args.articles, args.events)
        else:
            print(f"store: {db}, reused (built by an earlier run with --store)")
        route_list = routes(pools(db, source))
        runs = {mode: run_server(db, folder, mode, route_list, args) for mode in modes}
        side_by_side(runs, [r.name for r in route_list], args.events, args.clients)
        return 0 if all(r.ok for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
