"""The dashboard and API through an in-process client: pages, JSON, errors and safety."""

from __future__ import annotations

import json
import re
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc.ingest import ingest
from bloc.web import CSP, MAX_BODY, create_app, event_pages, pages, serving

HOSTILE = (
    "Armenia accused Azerbaijan of shelling Jermuk on 13 September 2022 "
    '<script>alert("x")</script> <img src=x onerror="alert(1)">.'
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one article whose title, text and url carry markup and script."""
    folder = tmp_path_factory.mktemp("hostile")
    record = {
        "id": "hostile-1",
        "title": "<script>alert('title')</script>Border news",
        "text": HOSTILE,
        "url": "javascript:alert(1)",
        "published": "2022-09-14",
    }
    (folder / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = folder / "bloc.duckdb"
    summary = ingest([folder / "a.jsonl"], db)
    assert summary.events_new >= 1, "the hostile article must yield an event to mean much"
    return db


@pytest.fixture(scope="module")
def client(hostile_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(hostile_db)) as c:
        yield c


PAGES = [
    "/alliances/CSTO?on=2023-05-31",
    "/alliances/NATO?on=2023-05-31",
    "/alliances/CSTO/members/ARM?on=2023-05-31",
    "/alliances/CSTO/members/RUS?on=2023-05-31",
    "/alliances/CSTO/relations?on=2023-05-31",
    "/alliances/CSTO/reliability?on=2023-05-31",
    "/alliances/CSTO/simulate?on=2022-09-13&requester=ARM&threat=external&aggressor=AZE",
    "/compare?on=2023-05-31",
    "/events?on=2023-05-31&actor=ARM",
    "/code",
    "/docs",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_with_the_security_headers(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-security-policy"] == CSP
    script_rule = CSP.split("script-src")[1].split(";")[0]
    assert script_rule.strip() == "'self'"
    assert response.headers["x-content-type-options"] == "nosniff"
    # Only bloc's own scripts, and no inline code: every <script> is external or data.
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert 'src="/' in tag or 'type="application/json"' in tag, tag


def test_assets_are_served_locally(client: TestClient) -> None:
    plotly = client.get("/vendor/plotly-bloc.min.js")
    assert plotly.status_code == 200 and b"plotly.js" in plotly.content[:200]
    assert client.get("/vendor/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/bloc.js").status_code == 200
    page = client.get("/alliances/CSTO").text
    assert "http://" not in "".join(re.findall(r"<(?:script|link)[^>]*>", page))
    assert "https://" not in "".join(re.findall(r"<(?:script|link)[^>]*>", page))


def test_assets_come_from_memory_with_types_and_revalidation(client: TestClient) -> None:
    from bloc.web.app import STATIC

    for url, kind in [
        ("/static/bloc.css", "text/css"),
        ("/static/bloc.js", "text/javascript"),
        ("/static/favicon.svg", "image/svg+xml"),
        ("/vendor/plotly-bloc.min.js", "text/javascript"),
    ]:
        first = client.get(url)
        assert first.status_code == 200 and first.headers["content-type"].startswith(kind)
        if url.startswith("/static/"):
            assert first.content == (STATIC / url.rsplit("/", 1)[1]).read_bytes()
        again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        stale = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200 and stale.content == first.content
    plain = {"Accept-Encoding": "identity"}
    head = client.head("/static/bloc.css", headers=plain)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == (STATIC / "bloc.css").stat().st_size
    assert client.get("/static/missing.css").status_code == 404
    assert client.post("/static/bloc.css").status_code == 405


def test_overview_shows_members_map_and_findings(client: TestClient) -> None:
    html = client.get("/alliances/CSTO?on=2023-05-31").text
    assert "On 2023-05-31 the CSTO has 6 members" in html
    # The map colours each member and links it to its page.
    for code in ("ARM", "BLR", "KAZ", "KGZ", "TJK", "RUS"):
        assert f'data-code="{code}"' in html
    assert 'href="/alliances/CSTO/members/ARM?on=2023-05-31"' in html
    assert html.count('data-chart-for="') >= 3


def test_as_of_changes_the_figures_without_look_ahead(client: TestClient) -> None:
    """In 2000 Armenia was not frozen and had asked for nothing: its page must say so."""
    early = client.get("/api/alliances/CSTO/risk?on=2021-06-30").json()
    late = client.get("/api/alliances/CSTO/risk?on=2023-05-31").json()
    assert {r["member"]: r["score"] for r in early} != {r["member"]: r["score"] for r in late}
    assert late[0]["member"] == "ARM"
    members_1995 = client.get("/api/alliances/CSTO/members?on=1995-06-01").json()
    assert len(members_1995) == 9
    # The hostile article (published 2022-09-14) is unknown before then.
    before = client.get("/api/events?on=2022-09-13&actor=AZE").json()
    after = client.get("/api/events?on=2022-09-15&actor=AZE").json()
    assert not any(e["origin"] == "text" for e in before)
    assert any(e["origin"] == "text" for e in after)


def test_api_shapes(client: TestClient) -> None:
    alliances = client.get("/api/alliances").json()
    assert {a["code"] for a in alliances} >= {"CSTO", "NATO"}
    rel = client.get("/api/alliances/CSTO/reliability?on=2023-05-31").json()
    assert len(rel["requests"]) == 6 and rel["summary"][0]["requests"] == 6
    dyads = client.get("/api/alliances/CSTO/dyads?on=2022-12-31").json()
    assert (dyads[0]["a"], dyads[0]["b"]) == ("KGZ", "TJK") and dyads[0]["relation"] == "hostile"
    edges = client.get("/api/alliances/CSTO/relations?on=2023-05-31").json()
    assert {e["kind"] for e in edges} >= {"member", "outside"}
    why = client.get("/api/alliances/CSTO/risk/ARM?on=2023-05-31").json()
    assert why and all(row["sources"] for row in why)
    spec = client.get("/openapi.json").json()
    assert "/api/simulate" in spec["paths"] and "/api/events" in spec["paths"]


def test_simulate_endpoint_is_seeded(client: TestClient) -> None:
    body = {
        "alliance": "CSTO",
        "requester": "ARM",
        "threat": "external",
        "aggressor": "AZE",
        "on": "2022-09-13",
        "draws": 500,
        "seed": 3,
    }
    first = client.post("/api/simulate", json=body).json()
    again = client.post("/api/simulate", json=body).json()
    assert first["outcomes"] == again["outcomes"]
    assert abs(sum(first["outcomes"].values()) - 1) < 1e-9
    assert {m["member"] for m in first["members"]} == {"BLR", "KAZ", "KGZ", "RUS", "TJK"}


def test_the_simulator_page_says_why_a_frozen_requester_is_owed_nothing(
    client: TestClient,
) -> None:
    """Issue 19 on the dashboard: the requester's standing and who sits out, with reasons."""
    page = client.get(
        "/alliances/CSTO/simulate?on=2025-06-01&requester=ARM&threat=external&aggressor=AZE"
    ).text
    reasons = page.split('<ul id="reasons">')[1].split("</ul>")[0]
    assert "froze its participation on 2024-02-22" in reasons
    standing = page.split('<p id="standing">')[1].split("</p>")[0]
    assert "frozen since 2024-02-22: the treaty owes it no help" in standing
    before = client.get(
        "/alliances/CSTO/simulate?on=2022-09-13&requester=ARM&threat=external&aggressor=AZE"
    ).text
    i = before.find("froze its participation")
    assert i == -1 and 'id="standing"' not in before, before[i - 400 : i + 100]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/alliances/XYZ", 404, "unknown alliance"),
        ("/api/alliances/XYZ/risk", 404, "unknown alliance"),
        ("/alliances/CSTO?on=2023-13-45", 422, "on"),
        ("/api/alliances/CSTO/risk?on=yesterday", 422, "on"),
        ("/alliances/CSTO?on=1890-01-01", 404, "out of range"),
        ("/alliances/CSTO/members/FRA", 404, "never a member"),
        ("/events?since=not-a-date", 422, "since"),
        ("/api/events?actor=ZZZ", 404, "unknown actor"),
        ("/api/events?type=DROP%20TABLE", 400, "unknown event type"),
        ("/api/events/nope", 404, "no event"),
        ("/api/alliances/CSTO/alignment?by=decade", 422, "by"),
        ("/alliances/CSTO/simulate?requester=ARM&draws=0", 422, "draws"),
        ("/static/../app.py", 404, ""),
        ("/static/%2e%2e/app.py", 404, ""),
    ],
)
def test_bad_requests_get_clear_4xx(client: TestClient, url: str, status: int, words: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert words.lower() in response.text.lower()
    assert "Traceback" not in response.text


def test_sql_in_parameters_is_data(client: TestClient) -> None:
    response = client.get("/api/events", params={"actor": "ARM' OR '1'='1"})
    assert response.status_code in (400, 404, 422)
    # The store is intact afterwards.
    assert client.get("/api/alliances/CSTO/members?on=2023-05-31").status_code == 200


def test_code_endpoint_caps_its_input(client: TestClient) -> None:
    ok = client.post("/api/code", json={"text": HOSTILE, "published": "2022-09-14"})
    assert ok.status_code == 200
    assert any(e["type"] == "ACCUSE" for e in ok.json()["events"])
    big = client.post("/api/code", json={"text": "a" * (event_pages.MAX_CODE_CHARS + 1)})
    assert big.status_code == 422
    form = client.post("/code", data={"text": "b" * (event_pages.MAX_CODE_CHARS + 1)})
    assert form.status_code == 413 and "at most" in form.text
    huge = client.post(
        "/api/code",
        content=b'{"text": "' + b"c" * (MAX_BODY + 10) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413


def test_article_text_is_escaped_everywhere(client: TestClient) -> None:
    events = client.get("/api/events?on=2022-09-15&actor=AZE").json()
    hostile = next(e for e in events if e["origin"] == "text")
    for url in (
        "/events?on=2022-09-15&actor=AZE",
        f"/events/{hostile['id']}",
        "/alliances/CSTO/members/ARM?on=2022-09-15",
    ):
        html = client.get(url).text
        assert '<script>alert("x")</script>' not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(" in html, url
        assert 'href="javascript:' not in html, url
    pasted = client.post("/code", data={"text": HOSTILE, "published": "2022-09-14"}).text
    assert "<script>alert" not in pasted and "&lt;script&gt;alert(" in pasted
    assert "<mark" in pasted


def test_safe_url_only_links_web_addresses() -> None:
    assert pages.safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "/local", None, 3):
        assert pages.safe_url(bad) is None


def _raw(base: str, request: bytes) -> tuple[int, bytes]:
    """Send bytes exactly as written (no client tidies the path) and read the answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/../../pyproject.toml",
        "/static/..%2fweb.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/%252e%252e/web.py",
        "/static/....//web.py",
        "/vendor/swagger/../../../bloc/web.py",
        "/vendor/swagger/..%2f..%2f__init__.py",
        "/static//etc/passwd",
        "/static/%00.css",
    ],
)
def test_path_traversal_on_static_routes_finds_nothing(hostile_db: Path, path: str) -> None:
    with serving(hostile_db) as base:
        status, answer = _raw(
            base, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
    assert status in (400, 404), answer[:200]
    assert b"import " not in answer and b"root:" not in answer and b"[project]" not in answer


def test_a_body_without_a_length_is_refused(hostile_db: Path) -> None:
    chunked = (
        b"POST /api/code HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b'9\r\n{"text": \r\n0\r\n\r\n'
    )
    with serving(hostile_db) as base:
        status, answer = _raw(base, chunked)
    assert status == 411, answer[:300]


@pytest.mark.parametrize(
    "url",
    [
        "/api/alliances/CSTO'%20OR%201=1--/risk",
        "/api/events/t1'%20OR%20'1'='1",
        "/api/events?alliance=CSTO';DROP%20TABLE%20events;--",
        "/api/alliances/CSTO/risk/ARM%22;%20DELETE%20FROM%20events;--",
        "/events?actor=ARM'--&type=ASSAULT",
    ],
)
def test_sql_crafted_parameters_change_nothing(client: TestClient, url: str) -> None:
    before = client.get("/api/events", params={"limit": 10_000}).json()
    response = client.get(url)
    assert response.status_code in (400, 404, 422), response.text[:300]
    assert "Traceback" not in response.text
    assert client.get("/api/events", params={"limit": 10_000}).json() == before


def test_an_alliance_with_no_evidence_on_any_member_says_so_not_nan(kb_db: Path) -> None:
    """The Warsaw Pact in 1970 on the knowledge base alone: members, but no signal on any."""
    import datetime as dt

    findings = pages.overview("WARSAW", dt.date(1970, 1, 1), kb_db)["findings"]
    assert not any("nan" in line for line in findings)
    assert "Exit risk: no evidence on any member by this day, so no ranking." in findings
    assert any("7 members" in line for line in findings)
