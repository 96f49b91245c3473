"""The figures as a browser draws them, on the demo store (the knowledge base alone, today):
each member's risk bar ends at the score its table row prints, a freeze included; NATO's
relations page says why its matrix is empty and offers the graph.

Debian's Chromium driven by Playwright, as in test_web_browser.py; nothing is downloaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from test_web_browser import every_chart

from bloc.web import serving
from helpers import missing

pytestmark = pytest.mark.slow  # a browser and a server: ~30 s

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
TODAY = dt.date.today().isoformat()
# The end of each member's stacked bar as Plotly holds it (sum of the segments' x), and
# the score each row of the table prints, by member code.
BARS = """() => {
    const gd = document.getElementById("risk");
    const ends = {};
    for (const trace of gd.data) {
        trace.customdata.forEach((m, i) => { ends[m] = (ends[m] || 0) + trace.x[i]; });
    }
    const rows = [...document.querySelectorAll("#risk-table tbody tr")].map((tr) => {
        const link = tr.querySelector("a.member-link");
        const code = link.getAttribute("href").split("/members/")[1].split("?")[0];
        return [code, tr.querySelector("td.score").innerText.trim()];
    });
    return {ends, rows, names: gd.data.map((t) => t.name)};
}"""


@pytest.fixture(scope="module")
def page(kb_db: Path) -> Iterator[tuple[Page, str]]:
    if not CHROMIUM.is_file():
        missing(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with serving(kb_db) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        tab = browser.new_page(viewport={"width": 1366, "height": 900})
        tab.set_default_timeout(30_000)
        yield tab, base
        browser.close()


@pytest.mark.parametrize("alliance", ["CSTO", "NATO"])
def test_each_risk_bar_ends_at_its_tables_score(page: tuple[Page, str], alliance: str) -> None:
    tab, base = page
    tab.goto(f"{base}/alliances/{alliance}?on={TODAY}")
    every_chart(tab)
    found = tab.evaluate(BARS)
    rows = [(code, score) for code, score in found["rows"] if score != "-"]
    assert len(rows) >= (5 if alliance == "CSTO" else 25)
    for code, score in rows:
        assert f"{found['ends'][code]:.2f}" == score, (code, found["ends"][code], score)
    if alliance == "CSTO":  # Armenia's freeze is a segment of its own, named in the legend
        assert "frozen participation: sets risk to 1.00" in found["names"]
        legend = tab.locator("#risk .legend").text_content() or ""
        assert "frozen participation" in legend


def test_natos_relations_say_why_the_matrix_is_empty(page: tuple[Page, str]) -> None:
    tab, base = page
    tab.goto(f"{base}/alliances/NATO/relations?on={TODAY}")
    every_chart(tab)
    assert "No events between NATO members" in tab.locator("#matrix-empty").inner_text()
    assert tab.locator("#graph").count() == 0
    with tab.expect_navigation():
        tab.click("#view-toggle a")
    every_chart(tab)
    assert tab.locator("#graph .main-svg").count() >= 1


def test_month_precision_dates_show_as_months_in_the_browser(page: tuple[Page, str]) -> None:
    """What a reader sees, not the HTML sent: the Kyrgyz request of August 1999 (known to
    the month) reads 1999-08 in the events list and on the reliability page, never as
    its first day, and the exits timeline draws CENTO's exit of March 1979 as the month."""
    tab, base = page
    tab.goto(f"{base}/events?on={TODAY}&actor=KGZ")
    listed = tab.locator("main").inner_text()
    assert "1999-08" in listed and "1999-08-01" not in listed
    tab.goto(f"{base}/alliances/CSTO/reliability?on={TODAY}")
    shown = tab.locator("main").inner_text()
    assert "1999-08" in shown and "1999-08-01" not in shown
    tab.goto(f"{base}/exits")
    every_chart(tab)
    spans = tab.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((gd) =>
            gd.data.filter((t) => t.mode === 'lines').map((t) => [t.x, t.y]))"""
    )
    cento = [
        (x[i], x[i + 1])
        for x, y in spans
        for i in range(len(x) - 1)
        if y[i] == "CENTO" and x[i] is not None and x[i + 1] is not None
    ]
    assert any(
        str(a).startswith("1979-03-01") and str(b).startswith("1979-04-01") for a, b in cento
    ), cento
