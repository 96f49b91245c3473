"""The dashboard in a real browser: pages, charts, clicks, forms, XSS and the offline report.

Debian's Chromium (/usr/bin/chromium) is driven by Playwright; nothing is downloaded.
One browser and one server serve the whole module; each test gets its own page, and
every page is screenshotted into a temporary folder (useful when a test fails).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from bloc import api
from bloc.ingest import ingest
from bloc.web import report, serving
from helpers import missing

CHROMIUM = Path("/usr/bin/chromium")
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
EARLIER = "2021-06-30"
WAIT_MS = 20_000
STRAY_SVG = """[...document.querySelectorAll("svg")]
    .filter((s) => !s.closest(".chart") && s.id !== "js-plotly-tester")
    .map((s) => s.outerHTML.slice(0, 200))"""
MARKUP = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
]
# One sentence that the coder turns into an event, with the markup inside it; recent
# enough to be among the latest events of the overview and the report.
HOSTILE = (
    "Armenia accused Azerbaijan of shelling Jermuk on 20 May 2023 "
    f"{MARKUP[1]} {MARKUP[0]} {MARKUP[2]}."
)
# Short synthetic articles, written for this test, each yielding a CSTO event.
ARTICLES = [
    {
        "id": "drill-2023",
        "title": "A drill without Armenia",
        "url": "https://example.org/drill-2023",
        "published": "2023-01-11",
        "text": "Armenia refused to take part in the CSTO exercise on 10 January 2023. "
        "Officials in Yerevan gave no reason for the decision.",
    },
    {
        "id": "complaint-2022",
        "title": "Yerevan complains",
        "url": "https://example.org/complaint-2022",
        "published": "2022-11-29",
        "text": "Yerevan criticised the CSTO for its slow response on 28 November 2022.",
    },
    {
        "id": "talks-2023",
        "title": "Border talks",
        "url": "https://example.org/talks-2023",
        "published": "2023-03-15",
        "text": "Kazakhstan hosted talks with Russia on 14 March 2023 about border security.",
    },
    {
        "id": "hostile-1",
        "title": " ".join(MARKUP) + " Border news",
        "url": "javascript:window.__xss=1",
        "published": "2023-05-21",
        "text": HOSTILE,
    },
]
PAGES = {  # name: (address, at least this many charts)
    "overview": (f"/alliances/CSTO?on={DAY}", 3),
    "member": (f"/alliances/CSTO/members/ARM?on={DAY}", 1),
    "relations": (f"/alliances/CSTO/relations?on={DAY}", 2),
    "reliability": (f"/alliances/CSTO/reliability?on={DAY}", 1),
    "simulate": (f"/alliances/CSTO/simulate?on={DAY}", 0),
    "compare": (f"/compare?on={DAY}", 1),
    "events": (f"/events?on={DAY}", 0),
    "event": ("/events/{hostile}", 0),
    "code": ("/code", 0),
    "docs": ("/docs", 0),
}


def every_chart(page: Page) -> None:
    """Scroll to each chart bloc.js has not drawn yet and wait for it (it draws a chart
    when it nears the screen), then wait for every chart and go back to the page's top."""
    page.wait_for_selector("body[data-first-screen=drawn]", state="attached")
    charts = page.locator(".chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        if chart.get_attribute("data-drawn") != "true":
            chart.scroll_into_view_if_needed()
            name = chart.get_attribute("id")
            page.wait_for_selector(f"#{name}[data-drawn=true]", state="attached")
    page.wait_for_selector("body[data-charts=drawn]", state="attached")
    page.evaluate("window.scrollTo(0, 0)")


@dataclass
class Tab:
    """A browser page and what it reported: console errors, page errors, dialogs."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @classmethod
    def watching(cls, page: Page, base: str) -> Tab:
        """A tab that records the page's console errors, page errors and dialogs (dismissed)."""
        tab = cls(page, base)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                tab.errors.append(f"console: {message.text} ({message.location.get('url')})")

        def on_dialog(dialog: Dialog) -> None:
            tab.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda exc: tab.errors.append(f"pageerror: {exc}"))
        page.on("dialog", on_dialog)
        return tab

    def open(self, address: str) -> None:
        self.arrive(address)
        self.drawn()

    def arrive(self, address: str) -> None:
        """Open a page and wait for its load and its first screen: every chart whose top
        is within the window drawn (bloc.js draws the others later), or Swagger UI's list."""
        response = self.page.goto(self.base + address)
        assert response is not None and response.status == 200, (address, response)
        self.first_screen()

    def first_screen(self) -> None:
        if "/docs" in self.page.url:
            self.page.wait_for_selector(".swagger-ui .opblock", timeout=WAIT_MS)
        else:
            self.page.wait_for_selector("body[data-first-screen=drawn]", state="attached")

    def drawn(self) -> None:
        """Wait until bloc.js has drawn every chart (or Swagger UI its operations): the
        first screen's at once, then each other chart scrolled to and waited for."""
        self.first_screen()
        if "/docs" not in self.page.url:
            every_chart(self.page)

    def charts(self) -> int:
        """How many charts the page has; each must be drawn by Plotly."""
        charts = self.page.locator(".chart")
        for i in range(charts.count()):
            chart = charts.nth(i)
            name = chart.get_attribute("id")
            assert chart.get_attribute("data-drawn") == "true", f"chart {name} not drawn"
            assert chart.locator(".main-svg").count() >= 1, f"chart {name} has no Plotly SVG"
        return charts.count()

    def clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.dialogs, self.dialogs


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium; skipped locally without it, a failure under CI."""
    if not CHROMIUM.is_file():
        missing(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the knowledge base, a few synthetic CSTO articles and one hostile one."""
    folder = tmp_path_factory.mktemp("browser-store")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    db = folder / "bloc.duckdb"
    summary = ingest([source], db)
    assert summary.stored == len(ARTICLES) and summary.events_new >= len(ARTICLES)
    return db


@pytest.fixture(scope="module")
def hostile(store: Path) -> str:
    """The id of the event coded from the hostile sentence (it must exist to mean much)."""
    frame = api.events(actor="AZE", origin="text", db=store)
    ids = [
        eid
        for eid, evidence in zip(frame["id"], frame["evidence"], strict=True)
        if any("window.__xss" in e["sentence"] for e in evidence)
    ]
    assert len(ids) == 1, "the hostile sentence must be coded as one event"
    return str(ids[0])


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    """The dashboard on a free loopback port, in a daemon thread."""
    with serving(store) as address:
        yield address


@pytest.fixture(scope="module")
def context(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """One browser for the module, with a profile on disk: its HTTP and code caches spare
    every page after the first two from compiling Plotly.js again (seconds on 2 cores)."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium),
            args=FLAGS,
            viewport={"width": 1300, "height": 900},
        )
        context.set_default_timeout(WAIT_MS)
        yield context
        context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def tab(
    context: BrowserContext, server: str, shots: Path, request: pytest.FixtureRequest
) -> Iterator[Tab]:
    """A fresh page that records errors and dialogs, screenshotted when the test ends."""
    page = context.new_page()
    tab = Tab.watching(page, server)
    yield tab
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    with contextlib.suppress(PlaywrightError):  # a screenshot is a help, not a test
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    page.close()


# -- pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_errors_and_draws_its_charts(tab: Tab, hostile: str, name: str) -> None:
    address, charts = PAGES[name]
    tab.open(address.format(hostile=hostile))
    assert tab.charts() >= charts
    tab.clean()
    if name == "docs":  # Swagger UI rendered the API, from the local bundle
        assert tab.page.locator(".swagger-ui .opblock").count() >= 10
    else:
        assert tab.page.locator("main h1").inner_text().strip()


def test_member_link_in_the_risk_table_opens_the_member(tab: Tab) -> None:
    tab.open(f"/alliances/CSTO?on={DAY}")
    link = tab.page.locator("#risk-table a.member-link").first
    name = link.inner_text().strip()
    href = link.get_attribute("href") or ""
    code = href.split("/members/")[1].split("?")[0]
    with tab.page.expect_navigation():
        link.click()
    tab.drawn()
    assert tab.page.url == f"{tab.base}/alliances/CSTO/members/{code}?on={DAY}"
    assert tab.page.locator("main h1").inner_text().startswith(name)
    assert tab.charts() >= 1
    tab.clean()


def test_member_node_in_the_relations_graph_opens_the_member(tab: Tab) -> None:
    tab.open(f"/alliances/CSTO/relations?on={DAY}")
    # Where Plotly drew the ARM marker of the "members" trace, in page pixels.
    box = tab.page.evaluate(
        """(code) => {
            const gd = document.getElementById("graph");
            const index = gd.data.findIndex((t) => t.name === "members");
            const trace = gd.querySelectorAll(".scatterlayer .trace")[index];
            const at = gd.data[index].text.indexOf(code);
            const point = trace.querySelectorAll(".points path.point")[at];
            const r = point.getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width};
        }""",
        "ARM",
    )
    assert box["w"] > 0, box
    with tab.page.expect_navigation():
        tab.page.mouse.click(box["x"], box["y"])
    tab.drawn()
    assert tab.page.url == f"{tab.base}/alliances/CSTO/members/ARM?on={DAY}"
    assert tab.page.locator("main h1").inner_text().startswith("Armenia")
    tab.clean()


def test_simulator_form_gives_an_outcome_and_stances(tab: Tab) -> None:
    tab.open("/alliances/CSTO/simulate?on=2022-09-13")
    assert tab.page.locator("#predicted").count() == 0
    tab.page.select_option("select#requester", "ARM")
    tab.page.select_option("select#threat", "external")
    tab.page.select_option("select#aggressor", "AZE")
    with tab.page.expect_navigation():
        tab.page.click("#run")
    tab.drawn()
    assert "requester=ARM" in tab.page.url and "aggressor=AZE" in tab.page.url
    predicted = tab.page.locator("#predicted").inner_text().strip()
    assert predicted in {"deployment", "mission", "statement", "nothing"}
    rows = tab.page.locator("#stances tbody tr")
    assert rows.count() >= 4
    assert rows.first.locator("td.stance").inner_text().strip()
    assert tab.charts() == 1
    tab.clean()


def test_as_of_control_recomputes_the_overview(tab: Tab) -> None:
    tab.open(f"/alliances/CSTO?on={DAY}")
    page = tab.page
    scores = page.locator("#risk-table td.score").all_inner_texts()
    findings = page.locator(".findings").inner_text()
    assert scores and page.locator("#asof").input_value() == DAY
    with page.expect_navigation():
        page.fill("#asof", EARLIER)  # bloc.js submits the form on change
    tab.drawn()
    assert f"on={EARLIER}" in page.url
    assert page.locator("#asof").input_value() == EARLIER
    assert page.locator("#asof-shown").inner_text() == EARLIER
    later = page.locator("#risk-table td.score").all_inner_texts()
    assert later and (later != scores or page.locator(".findings").inner_text() != findings)
    assert f"On {EARLIER}" in page.locator(".findings").inner_text()
    tab.charts()
    tab.clean()


# -- untrusted text ------------------------------------------------------------


def _assert_inert(tab: Tab) -> None:
    page = tab.page
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("[onerror], [onload]").count() == 0
    # Plotly's charts are the only SVG on these pages.
    assert page.evaluate(STRAY_SVG) == [], "an SVG element outside the charts"
    html = page.content()
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script>window.__xss=1" not in html
    visible = page.get_by_text(MARKUP[0], exact=False).first
    assert visible.is_visible()
    hrefs = page.eval_on_selector_all("[href]", "els => els.map((e) => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], hrefs
    tab.clean()


@pytest.mark.parametrize(
    "address",
    [f"/events?on={DAY}", "/events/{hostile}", f"/alliances/CSTO/members/ARM?on={DAY}"],
)
def test_article_markup_is_shown_as_text(tab: Tab, hostile: str, address: str) -> None:
    tab.open(address.format(hostile=hostile))
    _assert_inert(tab)


def test_pasted_markup_is_shown_as_text(tab: Tab) -> None:
    tab.open("/code")
    tab.page.fill("#text", HOSTILE)
    with tab.page.expect_navigation():
        tab.page.click("#code-run")
    tab.drawn()
    assert tab.page.locator("#coded tbody tr").count() >= 1
    assert tab.page.locator("mark").count() >= 1
    assert tab.page.locator("#text").input_value() == HOSTILE
    _assert_inert(tab)


# -- the report ----------------------------------------------------------------


def test_report_opens_offline_with_every_chart(
    tab: Tab, store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = report.write(
        "CSTO", tmp_path_factory.mktemp("report") / "r.html", dt.date(2023, 5, 31), store
    )
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html  # the report has no CSP
    assert not re.search(r"<script\b[^>]*\bsrc=", html, re.IGNORECASE)
    links = re.findall(r"<link\b[^>]*>", html, re.IGNORECASE)
    assert not [t for t in links if re.search(r"stylesheet|href=\"(?:https?:)?//", t, re.I)]
    address = out.resolve().as_uri()
    aborted: list[str] = []  # what the route stopped
    seen: list[str] = []  # every request the page made, routed or not

    def only_the_file(route: Route) -> None:
        if route.request.url == address:
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    def on_request(request: Request) -> None:
        if request.url != address:
            seen.append(request.url)

    tab.page.route("**/*", only_the_file)
    tab.page.on("request", on_request)
    tab.page.goto(address)
    tab.drawn()
    assert tab.charts() >= 5
    assert not aborted and not seen, (aborted, seen)
    assert tab.page.evaluate("typeof window.__xss") == "undefined"
    assert tab.page.locator("img[src='x']").count() == 0
    assert tab.page.get_by_text(MARKUP[0], exact=False).first.is_visible()
    tab.clean()
