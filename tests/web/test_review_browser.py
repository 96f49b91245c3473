"""Review in a real browser: sign in, confirm, correct and reject events on the pages, watch the
measures move, and see forged posts refused (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from test_web_browser import CHROMIUM, FLAGS, WAIT_MS, Tab

from bloc import api
from bloc.ingest import ingest
from bloc.store import opened
from bloc.web import ReviewGate, serving
from helpers import missing
from review_files import ARTICLES, write

TOKEN = "browser-review-token-0123456789"
DAY = "2023-05-31"
XSS = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review-browser")
    db = folder / "bloc.duckdb"
    ingest([write(folder, ARTICLES)], db=db)
    return db


@pytest.fixture(scope="module")
def ids(store: Path) -> dict[tuple[str, str, str], str]:
    frame = api.events(origin="text", db=store)
    return {(r.source, r.type, r.target): str(r.id) for r in frame.itertuples()}


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    with serving(store, review=ReviewGate(TOKEN)) as address:
        yield address


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    if not CHROMIUM.is_file():
        missing(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-review")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=FLAGS,
            viewport={"width": 1300, "height": 900},
        )
        context.set_default_timeout(WAIT_MS)
        yield context
        context.close()


@pytest.fixture
def tab(context: BrowserContext, server: str, tmp_path: Path) -> Iterator[Tab]:
    page = context.new_page()
    tab = Tab.watching(page, server)
    yield tab
    with contextlib.suppress(PlaywrightError):
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    page.close()


@pytest.fixture(scope="module")
def signed_in(context: BrowserContext, server: str) -> str:
    """Sign in once through the form; the browser keeps the session cookie for the module."""
    page = context.new_page()
    page.goto(f"{server}/events?on={DAY}")
    with page.expect_navigation():
        page.click("#sign-in")
    page.fill("#reviewer-name", "Ana")
    page.fill("#review-token", TOKEN)
    with page.expect_navigation():
        page.click("#sign-in-button")
    assert page.url.startswith(f"{server}/events?on={DAY}"), page.locator("main").inner_text()
    assert page.locator("#reviewer").inner_text() == "reviewing as Ana"
    page.close()
    return "Ana"


def decisions(store: Path) -> list[tuple[str, str, str]]:
    with opened(store) as s:
        rows = s.con.execute("SELECT event_id, decision, reviewer FROM decisions ORDER BY id")
        return [(str(e), str(d), str(r)) for e, d, r in rows.fetchall()]


def risk(tab: Tab, name: str, query: str = "") -> str:
    tab.open(f"/alliances/CSTO?on={DAY}{query}")
    return tab.page.locator("#risk-table tbody tr", has_text=name).locator("td.score").inner_text()


def test_confirm_on_the_event_page(tab: Tab, signed_in: str, ids: dict, store: Path) -> None:
    eid = ids[("KAZ", "CONSULT", "RUS")]
    coded = api.events(db=store, as_coded=True).set_index("id").loc[eid, "confidence"]
    assert 0 < coded < 1  # the coder's probability, before the confirmation
    tab.open(f"/events/{eid}")
    assert tab.page.locator("#event-confidence").inner_text() == f"{coded:.2f}"
    tab.page.fill("form.decide input[name=note]", XSS)
    with tab.page.expect_navigation():
        tab.page.click("form.decide button.confirm")
    tab.drawn()
    assert tab.page.url == f"{tab.base}/events/{eid}"
    assert tab.page.locator("#event-confidence").inner_text() == "1.00"
    state = tab.page.locator("#review-state").inner_text()
    assert state.startswith(f"Confirmed by {signed_in}") and XSS in state  # the note, as text
    assert tab.page.evaluate("typeof window.__xss") == "undefined"
    assert tab.page.locator("img[src='x']").count() == 0
    assert (eid, "confirm", "Ana") in decisions(store)
    tab.clean()


def test_a_correction_on_the_event_page_moves_the_risk(tab: Tab, signed_in: str, ids: dict) -> None:
    eid = ids[("ARM", "ACCUSE", "CSTO")]
    before = risk(tab, "Armenia")
    tab.open(f"/events/{eid}")
    tab.page.select_option("form.correct select[name=type]", "AGREE")
    tab.page.fill("form.correct input[name=note]", "an agreement, not a complaint")
    with tab.page.expect_navigation():
        tab.page.click("form.correct button.correct")
    tab.drawn()
    assert tab.page.locator("#event-type").inner_text() == "AGREE"
    rows = tab.page.locator("table.corrections tbody tr").all_inner_texts()
    assert any(re.match(r"type\s+ACCUSE\s+AGREE", r) for r in rows), rows
    after = risk(tab, "Armenia")
    assert float(after) < float(before)
    # The as-coded box shows the figures without the decisions.
    tab.page.check("#as-coded")
    with tab.page.expect_navigation():
        tab.page.click("form.asof button[type=submit]")
    tab.drawn()
    assert "as_coded=1" in tab.page.url
    score = tab.page.locator("#risk-table tbody tr", has_text="Armenia").locator("td.score")
    assert score.inner_text() == before
    assert "as_coded=1" in (
        tab.page.locator("nav a", has_text="Events").get_attribute("href") or ""
    )
    tab.clean()


def test_reject_in_the_explorer_then_undo(tab: Tab, signed_in: str, ids: dict) -> None:
    eid = ids[("KGZ", "REJECT", "CSTO")]
    before = risk(tab, "Kyrgyzstan")
    tab.open(f"/events?on={DAY}")
    count = tab.page.locator("#count").inner_text()
    link = tab.page.locator(f"table.events a[href='/events/{eid}']")
    row = tab.page.locator(
        "table.events tbody tr", has=tab.page.locator(f"a[href='/events/{eid}']")
    )
    row.locator("details summary").click()
    with tab.page.expect_navigation():
        row.locator("form.decide button.reject").click()
    tab.drawn()
    assert tab.page.url == f"{tab.base}/events?on={DAY}"
    assert link.count() == 0 and tab.page.locator("#count").inner_text() != count
    assert float(risk(tab, "Kyrgyzstan")) < float(before)
    tab.open(f"/events?on={DAY}&as_coded=1")
    assert link.count() == 1
    assert row.locator(".review.r-reject").inner_text() == "rejected"
    tab.open(f"/events/{eid}")
    assert tab.page.locator("#rejected").is_visible()
    with tab.page.expect_navigation():
        tab.page.click("form.decide button.undo")
    tab.drawn()
    assert tab.page.locator("#rejected").count() == 0
    assert risk(tab, "Kyrgyzstan") == before
    tab.clean()


def test_forged_posts_are_refused_and_store_nothing(
    tab: Tab, signed_in: str, ids: dict, store: Path
) -> None:
    eid = ids[("TJK", "ACCUSE", "KGZ")]
    tab.open(f"/events/{eid}")
    before = decisions(store)
    status = tab.page.evaluate(
        """async (id) => {
            const body = new URLSearchParams({decision: "reject", csrf: "0".repeat(64)});
            const answer = await fetch(`/events/${id}/review`, {method: "POST", body});
            return answer.status;
        }""",
        eid,
    )
    assert status == 403
    # The same post without the session cookie (as a page on another site would send it).
    status = tab.page.evaluate(
        """async (id) => (await fetch(`/events/${id}/review`, {method: "POST",
            credentials: "omit", body: new URLSearchParams({decision: "reject"})})).status""",
        eid,
    )
    assert status == 403
    assert decisions(store) == before
    assert len(tab.errors) == 2 and all("403 (Forbidden)" in e for e in tab.errors)  # those two
