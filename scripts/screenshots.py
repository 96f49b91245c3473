"""Screenshot every dashboard page into docs/screenshots/, for the README. Run by hand.

usage: python scripts/screenshots.py [--articles N] [--out FOLDER]

The store is built in a temporary folder from the knowledge base and the synthetic
corpus of bench/corpus.py (made-up articles): no real article is ingested, so no
article's prose can appear in a picture. Pages are shown as of 2023-05-31 (the
simulator as of 2022-09-13), in Debian's Chromium, at a laptop's size (1366x900,
NAME.png, the page's top 2,400 px) and a phone's (390x844, NAME-phone.png, its top
1,800 px): pictures of a few hundred kB, not of every row of a long table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from playwright.sync_api import ConsoleMessage, FloatRect, Page, sync_playwright

from bloc import api
from bloc.ingest import ingest
from bloc.web import serving

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DAY = "2023-05-31"
SIZES = {  # suffix: (width, height, at most this many px of the page's top)
    "": (1366, 900, 2_400),
    "-phone": (390, 844, 1_800),
}
PASTED = (  # written for this screenshot; not from any article
    "Leaders met in Yerevan on Tuesday. Armenia accused Azerbaijan of shelling border "
    "villages on 12 May 2023, and the next day Armenia asked the CSTO to send observers. "
    "Kazakhstan hosted talks with Russia on 16 May 2023 about air defence."
)


def corpus_module() -> ModuleType:
    """bench/corpus.py, which is a script and not part of the package."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    if spec is None or spec.loader is None:
        raise SystemExit("bench/corpus.py is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(folder: Path, articles: int) -> Path:
    source = corpus_module().write(articles, folder / "corpus.jsonl", seed=7)
    db = folder / "bloc.duckdb"
    summary = ingest([source], db)
    print(f"store: {summary.stored} synthetic articles, {summary.events_new} new events")
    return db


def an_event(db: Path) -> str:
    """A text-derived Armenian event known by DAY, for the event page."""
    frame = api.events(actor="ARM", origin="text", until=DAY, db=db)
    if frame.empty:
        raise SystemExit("the synthetic corpus gave no Armenian event: raise --articles")
    return str(frame["id"].iloc[-1])


def seed_shingles(window: int = 10) -> set[tuple[str, ...]]:
    """Every run of `window` words in the reference articles, when they are at hand."""
    found: set[tuple[str, ...]] = set()
    for seed in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        words = re.findall(r"[a-z0-9]+", seed.read_text(encoding="utf-8", errors="replace").lower())
        found.update(tuple(words[i : i + window]) for i in range(len(words) - window + 1))
    return found


def copies_a_seed(text: str, shingles: set[tuple[str, ...]], window: int = 10) -> bool:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return any(tuple(words[i : i + window]) in shingles for i in range(len(words) - window + 1))


def every_chart(page: Page) -> None:
    """bloc.js draws a chart below the first screen when it nears the window: scroll to
    each chart in turn, wait until all are drawn, and go back to the page's top."""
    for chart in page.locator(".chart").all():
        chart.scroll_into_view_if_needed()
    page.wait_for_selector("body[data-charts=drawn]", state="attached")
    page.evaluate("window.scrollTo(0, 0)")


def shoot(page: Page, path: Path, width: int, most: int) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    clip = FloatRect(x=0, y=0, width=width, height=min(int(height), most))
    page.screenshot(path=str(path), full_page=True, clip=clip)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    shingles = seed_shingles()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = build_store(Path(tmp), args.articles)
        shots = {
            "overview": f"/alliances/CSTO?on={DAY}",
            "member-ARM": f"/alliances/CSTO/members/ARM?on={DAY}",
            "relations": f"/alliances/CSTO/relations?on={DAY}",
            "events": f"/events?on={DAY}&alliance=CSTO",
            "event": f"/events/{an_event(db)}",
            "reliability": f"/alliances/CSTO/reliability?on={DAY}",
            "simulate": "/alliances/CSTO/simulate?on=2022-09-13&requester=ARM"
            "&threat=external&aggressor=AZE",
            "compare": f"/compare?on={DAY}",
            "code": "/code",
            "docs": "/docs",
        }
        with serving(db) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            errors: list[str] = []
            for suffix, (width, height, most) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})

                def on_console(message: ConsoleMessage) -> None:
                    if message.type == "error":
                        errors.append(message.text)

                page.on("console", on_console)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                for name, address in shots.items():
                    errors.clear()
                    response = page.goto(base + address)
                    if response is None or response.status != 200:
                        status = response and response.status
                        problems.append(f"{name}: {address} answered {status}")
                    if name == "code":
                        page.fill("#text", PASTED)
                        page.fill("input[name=published]", dt.date(2023, 5, 20).isoformat())
                        with page.expect_navigation():
                            page.click("#code-run")
                    if name == "docs":
                        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
                    else:
                        every_chart(page)
                    if shingles and copies_a_seed(page.inner_text("body"), shingles):
                        problems.append(f"{name}: shows text of a reference article; not saved")
                        continue
                    path = args.out / f"{name}{suffix}.png"
                    shoot(page, path, width, most)
                    problems += [f"{name}{suffix}: {e}" for e in errors]
                    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    print(f"{shown} ({path.stat().st_size // 1024} kB)")
                page.close()
            browser.close()
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
