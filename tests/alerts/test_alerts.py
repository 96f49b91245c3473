"""Alerts end to end, as a user runs them: feeds served locally, the real command line.

A watch pass stores a request for help; the starter rules raise one alert for
it, recorded once however often the pass is repeated; the Atom feed holds it;
a webhook receiver gets it, signed; a receiver answering 500 is retried and
then recorded as failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import feedparser
import pytest
from fastapi.testclient import TestClient
from receiver import Receiver
from typer.testing import CliRunner

from bloc.alerts import SIGNATURE_HEADER, Retry, deliver_pending
from bloc.cli import app
from bloc.web.app import create_app
from feedserver import RSS, FeedServer, article, rss

runner = CliRunner()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


def bloc(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def alerts_in(db: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [(str(r[0]), str(r[1])) for r in con.execute(
            "SELECT rule, title FROM alerts ORDER BY rule, title").fetchall()]  # fmt: skip
    finally:
        con.close()


def test_a_request_for_help_raises_one_alert_in_the_feed_and_the_signed_webhook(
    server: FeedServer, receiver: Receiver, db: Path
) -> None:
    page = server.route("/wire/1", body=article(1))  # Kazakhstan asks the CSTO for help
    feed = server.route("/wire.xml", body=rss([("w-1", page, "story")]), content_type=RSS)
    bloc("feeds", "add", feed, "--name", "wire", "--allow-private", "--db", str(db))
    bloc("alerts", "starter", "--db", str(db))
    added = bloc("alerts", "hook", "add", receiver.url, "--allow-private", "--db", str(db))
    secret = added.split("it is not shown again): ")[1].split()[0]

    first = bloc("watch", "--once", "--delay", "0", "--db", str(db))
    requests = [a for a in alerts_in(db) if a[0] == "csto-request"]
    assert requests == [("csto-request", requests[0][1])] and "KAZ REQUEST CSTO" in requests[0][1]
    assert "alert [csto-request] KAZ REQUEST CSTO" in first
    raised = len(alerts_in(db))

    again = bloc("watch", "--once", "--delay", "0", "--db", str(db))  # nothing new: no alert
    assert len(alerts_in(db)) == raised and "alert [" not in again
    # A check looks at every alliance's risk (the pass looked only at the CSTO, which its
    # event names): it may raise risk alerts of other alliances, once; a second raises none.
    bloc("alerts", "check", "--db", str(db))
    raised = len(alerts_in(db))
    assert "alert [" not in bloc("alerts", "check", "--db", str(db))
    assert len(alerts_in(db)) == raised

    # The webhook got each alert once, signed with the hook's secret.
    bodies = [json.loads(body) for _, body in receiver.posts]
    assert len(bodies) == raised and len({b["id"] for b in bodies}) == raised
    kaz = next(b for b in bodies if b["rule"] == "csto-request")
    assert kaz["evidence"]["source"] == "KAZ" and kaz["evidence"]["sentences"]
    for headers, body in receiver.posts:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
        assert headers["X-Bloc-Alert"] == json.loads(body)["id"]

    # The Atom feed holds it, and a feed reader's parser reads it cleanly.
    with TestClient(create_app(db)) as client:
        answer = client.get("/alerts.atom")
        page_html = client.get("/alerts").text
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    parsed: Any = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert len(titles) == raised and any("KAZ REQUEST CSTO" in t for t in titles)
    assert "KAZ REQUEST CSTO" in page_html

    logged = json.loads(bloc("alerts", "log", "--format", "json", "--db", str(db)))
    assert {row["rule"] for row in logged} >= {"csto-request"}
    assert all(row["sent"] == 1 for row in logged)


def test_a_failing_receiver_is_retried_then_recorded_as_failed_and_the_pass_goes_on(
    server: FeedServer, db: Path
) -> None:
    failing = Receiver(status=500)
    try:
        page = server.route("/wire/1", body=article(1))
        feed = server.route("/wire.xml", body=rss([("w-1", page, "story")]), content_type=RSS)
        bloc("feeds", "add", feed, "--name", "wire", "--allow-private", "--db", str(db))
        bloc("alerts", "add", "event", "--alliance", "CSTO", "--type", "REQUEST",
             "--source", "member", "--target", "alliance", "--db", str(db))  # fmt: skip
        bloc("alerts", "hook", "add", failing.url, "--allow-private", "--db", str(db))
        output = bloc("watch", "--once", "--delay", "0", "--db", str(db))
        assert "1 stored" in output  # the pass stored its article whatever the hook did
        assert len(failing.posts) == Retry().attempts  # tried, then given up
        con = duckdb.connect(str(db), read_only=True)
        status = con.execute("SELECT status, attempts, last_error FROM alert_deliveries").fetchall()
        con.close()
        assert status == [("failed", 3, "HTTP 500 (after 3 tries)")]
        assert deliver_pending(db, retry=Retry(backoff=0)).sent == 0  # failed stays failed
    finally:
        failing.close()
