"""Review on the dashboard over HTTP: read-only by default, the token, the session cookie and
CSRF checks, figures that move after a decision, and two clients deciding at once."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc import api
from bloc.ingest import ingest
from bloc.ingest.datasets import import_files
from bloc.store import opened
from bloc.web import ReviewGate, create_app, serving
from dataset_files import Gdelt, write_gdelt
from review_files import ARTICLES, write

TOKEN = "a-review-token-for-the-tests"
ARM = ("ARM", "ARMENIA", "ARM")
RUS = ("RUSGOV", "RUSSIA", "RUS")
RISK = "/api/alliances/CSTO/risk?on=2023-12-31"
N = 40


@pytest.fixture(scope="module")
def base(kb_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The knowledge base, the review articles, and forty imported accusations of Russia."""
    folder = tmp_path_factory.mktemp("review-web")
    db = folder / "bloc.duckdb"
    shutil.copy(kb_db, db)
    ingest([write(folder, ARTICLES)], db=db)
    rows = [
        Gdelt(8000 + i, (dt.date(2022, 3, 7) + dt.timedelta(weeks=i)).strftime("%Y%m%d"),
              "112", ARM, RUS)
        for i in range(N)
    ]  # fmt: skip
    import_files("gdelt", [write_gdelt(folder / "rows.CSV", rows)], db)
    return db


@pytest.fixture
def store(base: Path, tmp_path: Path) -> Path:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(base, db)
    return db


def decisions(db: Path) -> list[tuple[Any, ...]]:
    with opened(db) as s:
        return s.con.execute(
            "SELECT event_id, decision, reviewer FROM decisions ORDER BY id"
        ).fetchall()


def generation(db: Path) -> int:
    with opened(db) as s:
        return s.generation()


def text_event(db: Path, source: str) -> str:
    return str(api.events(origin="text", actor=source, db=db, as_coded=True)["id"].iloc[0])


def signed_in(client: TestClient, name: str = "Ana") -> str:
    """Sign in with the token; the CSRF token the pages' forms then carry."""
    answer = client.post(
        "/review/signin", data={"token": TOKEN, "reviewer": name}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/review")
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert match, page.text
    return match.group(1)


@pytest.fixture
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store, review=ReviewGate(TOKEN))) as client:
        yield client


def test_a_read_only_server_refuses_every_review_route_and_shows_no_forms(store: Path) -> None:
    eid = text_event(store, "ARM")
    with TestClient(create_app(store)) as client:
        assert client.get("/review").status_code == 403
        signin = client.post("/review/signin", data={"token": TOKEN, "reviewer": "x"})
        assert signin.status_code == 403 and "read-only" in signin.text
        form = client.post(f"/events/{eid}/review", data={"decision": "reject"})
        assert form.status_code == 403
        answer = client.post(
            f"/api/events/{eid}/review",
            json={"decision": "reject"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert answer.status_code == 403 and "bloc serve --review" in answer.json()["error"]
        page = client.get(f"/events/{eid}").text
        assert '<form method="post"' not in page and "Sign in to review" not in page
        assert client.get(f"/api/events/{eid}/decisions").json() == []
    assert decisions(store) == []


def test_signing_in_needs_the_token_and_sets_a_strict_http_only_cookie(
    client: TestClient,
) -> None:
    wrong = client.post("/review/signin", data={"token": "guess", "reviewer": "Ana"})
    assert wrong.status_code == 403 and "bloc_review" not in client.cookies
    answer = client.post(
        "/review/signin",
        data={"token": TOKEN, "reviewer": "Ana", "next": "//evil.example/x"},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"].lower()
    assert answer.status_code == 303 and answer.headers["location"] == "/events"
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    page = client.get("/review")
    assert "Signed in as <strong>Ana</strong>" in page.text
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("fault", ["no session", "no csrf", "wrong csrf", "another session's"])
def test_a_form_post_without_a_session_or_its_csrf_token_is_refused(
    client: TestClient, store: Path, fault: str
) -> None:
    eid = text_event(store, "ARM")
    csrf = signed_in(client)
    if fault == "another session's":
        with TestClient(client.app) as other:
            csrf = signed_in(other, "Ben")
    data = {"decision": "reject", "csrf": csrf}
    if fault == "no csrf":
        del data["csrf"]
    elif fault == "wrong csrf":
        data["csrf"] = "0" * 64
    elif fault == "no session":
        client.cookies.clear()
    before = generation(store)
    answer = client.post(f"/events/{eid}/review", data=data, follow_redirects=False)
    assert answer.status_code == 403, answer.text
    assert decisions(store) == [] and generation(store) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "null"},
        {"Origin": "null"},  # a sandboxed frame or a data: page: no origin to trust
        {"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    ],
)
def test_a_form_sent_from_another_site_is_refused(
    client: TestClient, store: Path, headers: dict[str, str]
) -> None:
    csrf = signed_in(client)
    answer = client.post(
        f"/events/{text_event(store, 'ARM')}/review",
        data={"decision": "reject", "csrf": csrf},
        headers=headers,
    )
    assert answer.status_code == 403 and decisions(store) == []
    same = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}  # the pages' forms
    answer = client.post(
        f"/events/{text_event(store, 'ARM')}/review",
        data={"decision": "reject", "csrf": csrf},
        headers=same,
        follow_redirects=False,
    )
    assert answer.status_code == 303 and len(decisions(store)) == 1


def test_a_decision_on_the_page_moves_the_figures_at_once(client: TestClient, store: Path) -> None:
    before = client.get(RISK).json()
    events_page = client.get("/events?on=2023-12-31").text
    eid = str(api.events(origin="gdelt", db=store)["id"].iloc[-1])
    assert f"/events/{eid}" in events_page
    csrf = signed_in(client)
    page = client.get(f"/events/{eid}")
    assert page.headers["cache-control"] == "no-store" and 'name="csrf"' in page.text
    answer = client.post(
        f"/events/{eid}/review",
        data={"decision": "reject", "csrf": csrf, "basis": "0", "note": "<b>no</b>"},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, f"/events/{eid}")
    shown = client.get(f"/events/{eid}").text
    assert "Rejected by Ana" in shown and "&lt;b&gt;no&lt;/b&gt;" in shown
    client.cookies.clear()  # an anonymous visitor, whose pages the server keeps
    assert f"/events/{eid}" not in client.get("/events?on=2023-12-31").text
    assert f"/events/{eid}" in client.get("/events?on=2023-12-31&as_coded=1").text
    after = client.get(RISK).json()
    assert after != before
    assert client.get(RISK + "&as_coded=true").json() == before
    with TestClient(create_app(store, cache=False)) as fresh:
        assert fresh.get(RISK).json() == after


def test_the_json_api_takes_decisions_with_the_token_in_a_header(
    client: TestClient, store: Path
) -> None:
    eid = text_event(store, "KGZ")
    route = f"/api/events/{eid}/review"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post(route, json={"decision": "confirm"}).status_code == 403
    wrong = {"Authorization": "Bearer guess"}
    assert client.post(route, json={"decision": "confirm"}, headers=wrong).status_code == 403
    null = {**auth, "Origin": "null"}  # the token, but sent from a page with no origin
    refused = client.post(route, json={"decision": "confirm"}, headers=null)
    assert refused.status_code == 403 and "another site" in refused.json()["error"]
    body = {"decision": "correct", "type": "PROTEST", "reviewer": "script", "basis": 0}
    stored = client.post(route, json=body, headers={"X-Bloc-Token": TOKEN})
    assert stored.status_code == 200 and stored.json()["stored"] is True
    assert stored.json()["event"]["type"] == "PROTEST"
    again = client.post(route, json=body, headers=auth)
    assert again.status_code == 200 and again.json()["stored"] is False
    stale = client.post(route, json={"decision": "reject", "basis": 0}, headers=auth)
    assert stale.status_code == 409 and "script took the decision correct" in stale.json()["error"]
    bad = client.post(route, json={"decision": "correct", "type": "HUG"}, headers=auth)
    assert bad.status_code == 400 and "not a PLOVER type" in bad.json()["error"]
    missing = client.post("/api/events/t0/review", json={"decision": "confirm"}, headers=auth)
    assert missing.status_code == 404
    log = client.get(f"/api/events/{eid}/decisions").json()
    assert [(d["decision"], d["reviewer"]) for d in log] == [("correct", "script")]


@pytest.mark.slow
def test_two_clients_deciding_at_once_keep_every_decision(store: Path) -> None:
    """One reviewer through the forms, one script through the API, on the same N events."""
    ids = api.events(origin="gdelt", db=store)["id"].tolist()
    assert len(ids) == N
    start = threading.Barrier(2)
    failures: list[str] = []

    def forms(address: str) -> None:
        with httpx.Client(base_url=address, timeout=60) as web:
            web.post("/review/signin", data={"token": TOKEN, "reviewer": "Ana"})
            csrf = re.search(r'name="csrf" value="(\w+)"', web.get("/review").text)
            assert csrf
            start.wait()
            for eid in ids:
                answer = web.post(
                    f"/events/{eid}/review", data={"decision": "confirm", "csrf": csrf.group(1)}
                )
                if answer.status_code != 303:  # stored, and sent back to the event page
                    failures.append(f"form {eid}: {answer.status_code}")

    def script(address: str) -> None:
        with httpx.Client(base_url=address, timeout=60) as web:
            start.wait()
            for eid in ids:
                answer = web.post(
                    f"/api/events/{eid}/review",
                    json={"decision": "reject", "reviewer": "bot"},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                if answer.status_code != 200 or not answer.json()["stored"]:
                    failures.append(f"api {eid}: {answer.status_code} {answer.text[:100]}")

    with serving(store, review=ReviewGate(TOKEN)) as address:
        threads = [threading.Thread(target=f, args=(address,)) for f in (forms, script)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not failures, failures
    rows = decisions(store)
    assert len(rows) == 2 * N
    assert sorted((e, d, r) for e, d, r in rows) == sorted(
        [(e, "confirm", "Ana") for e in ids] + [(e, "reject", "bot") for e in ids]
    )
