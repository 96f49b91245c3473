"""What a page weighs on the wire: versioned assets kept for a year, compressed answers.

Through the in-process client over a store with the knowledge base alone. The
browser side (Plotly fetched only by pages with charts, load times) is in
tests/web/test_web_layout.py.
"""

from __future__ import annotations

import gzip
import re
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc.store import opened
from bloc.web import create_app
from bloc.web.app import PLOTLY, STATIC, plotly_js
from bloc.web.assets import FOREVER, REVALIDATE, version

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("weight") / "bloc.duckdb"
    with opened(db):
        pass
    with TestClient(create_app(db)) as c:
        yield c


def _raw(
    client: TestClient, url: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent (not decompressed by the client)."""
    with client.stream("GET", url, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def _assets_of(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    return [
        m for tag in tags for m in re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', tag)
    ]


def test_pages_ask_for_assets_by_versioned_addresses(client: TestClient) -> None:
    html = client.get("/alliances/CSTO").text
    found = _assets_of(html)
    expected = {
        f"/static/bloc.css?v={version(STATIC / 'bloc.css')}",
        f"/static/bloc.js?v={version(STATIC / 'bloc.js')}",
        f"/static/favicon.svg?v={version(STATIC / 'favicon.svg')}",
        f"/vendor/{PLOTLY}?v={version(plotly_js())}",
    }
    assert expected <= set(found), found
    assert not [a for a in found if "/static/" in a and "?v=" not in a], found
    docs = _assets_of(client.get("/docs").text)
    assert f"/static/docs.js?v={version(STATIC / 'docs.js')}" in docs


def test_only_pages_with_charts_load_plotly(client: TestClient) -> None:
    for page, charts in [("/alliances/CSTO", True), ("/code", False), ("/events", False)]:
        html = client.get(page).text
        assert ('data-chart-for="' in html) is charts, page
        loads = re.search(r"<script\b[^>]*\bsrc=\"/vendor/plotly-bloc\.min\.js\?v=", html)
        assert bool(loads) is charts, page


@pytest.mark.parametrize("name", ["bloc.css", "bloc.js", "favicon.svg", PLOTLY])
def test_versioned_assets_are_kept_for_a_year_others_revalidated(
    client: TestClient, name: str
) -> None:
    path = plotly_js() if name == PLOTLY else STATIC / name
    prefix = "/vendor" if name == PLOTLY else "/static"
    base = f"{prefix}/{name}"
    versioned = client.get(f"{base}?v={version(path)}")
    assert versioned.status_code == 200 and versioned.content == path.read_bytes()
    assert versioned.headers["cache-control"] == FOREVER
    for other in (base, f"{base}?v=0123456789abcdef"):  # no version, or an old one
        answer = client.get(other)
        assert answer.status_code == 200 and answer.content == path.read_bytes()
        assert answer.headers["cache-control"] == REVALIDATE
        again = client.get(other, headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304


@pytest.mark.parametrize("name", ["bloc.css", "bloc.js", PLOTLY])
def test_text_assets_are_sent_compressed_when_the_browser_accepts_it(
    client: TestClient, name: str
) -> None:
    path = plotly_js() if name == PLOTLY else STATIC / name
    url = f"{'/vendor' if name == PLOTLY else '/static'}/{name}"
    status, headers, body = _raw(client, url, GZIP)
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert int(headers["content-length"]) == len(body) < path.stat().st_size / 2
    assert gzip.decompress(body) == path.read_bytes()
    status, headers, body = _raw(client, url, PLAIN)
    assert status == 200 and "content-encoding" not in headers and body == path.read_bytes()
    # The two forms are different bytes, so they have different ETags.
    assert headers["etag"] != _raw(client, url, GZIP)[1]["etag"]


@pytest.mark.parametrize(
    "url", ["/alliances/CSTO?on=2023-05-31", "/api/alliances/CSTO/risk?on=2023-05-31"]
)
def test_pages_and_json_are_compressed_the_first_time_and_when_kept(
    client: TestClient, url: str
) -> None:
    plain = client.get(url, headers=PLAIN)
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    for _ in range(2):  # computed, then the kept answer
        status, headers, body = _raw(client, url, GZIP)
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == plain.content
        assert len(body) < len(plain.content) / 2
        assert headers["content-security-policy"]  # the security headers still on


def test_the_served_map_draws_its_land_from_one_kept_picture(client: TestClient) -> None:
    html = client.get("/alliances/CSTO?on=2023-05-31").text
    svg = html[html.index('<svg class="map"') :]
    svg = svg[: svg.index("</svg>")]
    address = re.findall(r'<image class="land" href="([^"]+)"', svg)
    assert len(address) == 1 and address[0].startswith("/static/world.svg?v=")
    assert '<g class="land"' not in svg  # no grey country inline: members only
    assert svg.count('class="member"') == len(re.findall(r'data-code="', svg)) >= 6
    status, headers, body = _raw(client, address[0], GZIP)
    assert status == 200 and headers["cache-control"] == FOREVER
    assert headers["content-type"] == "image/svg+xml" and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"<svg") and len(body) < len(gzip.decompress(body)) / 2
