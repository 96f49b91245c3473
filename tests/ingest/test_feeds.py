"""Feeds and `bloc watch` against a loopback server: politeness, bad answers, state, resuming."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from bloc.cli import app
from bloc.errors import FeedError, NotFoundError
from bloc.ingest.feeds import add_feed as add_public_feed
from bloc.ingest.feeds import feeds_frame, parse_feed, remove_feed
from bloc.ingest.fetch import Fetcher, Politeness
from bloc.ingest.starter import add_starter, starter
from bloc.ingest.watch import PassReport, parse_interval, watch, watch_once
from bloc.store import SCHEMA_VERSION, Store
from bloc.store.check import check_path
from feedserver import ATOM, RSS, FeedServer, article, atom, http_date, rss
from helpers import rows


def add_feed(url: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """Add a feed served by the local test server (on loopback, so allowed private)."""
    return add_public_feed(url, *args, allow_private=True, **kwargs)


FAST = Politeness(delay=0, timeout=2, retries=0, backoff=0.01)
runner = CliRunner()


@pytest.fixture
def db(kb_db: Path, tmp_path: Path) -> Path:
    """A store with the knowledge base loaded already (loading it takes a second)."""
    path = tmp_path / "bloc.duckdb"
    shutil.copy(kb_db, path)
    return path


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        s.route(
            "/robots.txt", body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
        )
        yield s


def items(db: Path, feed: str) -> dict[str, tuple[Any, ...]]:
    """url -> (status, error, document) of a feed's items."""
    found = rows(db, "SELECT url, status, error, document FROM feed_items WHERE feed = ?", [feed])
    return {url: (status, error, document) for url, status, error, document in found}


def serve_feed(server: FeedServer, name: str, numbers: range, **route: Any) -> str:
    entries = [(f"{name}-{n}", server.url(f"/{name}/{n}"), f"{name} story {n}") for n in numbers]
    for n in numbers:
        server.route(f"/{name}/{n}", body=article(n))
    return server.route(f"/{name}.xml", body=rss(entries), content_type=RSS, **route)


def one_pass(db: Path, politeness: Politeness = FAST, **kwargs: Any) -> PassReport:
    return watch_once(db, politeness=politeness, **kwargs)


# -- the good path ----------------------------------------------------------------


def test_rss_and_atom_items_are_fetched_coded_and_stored_with_url_title_and_date(
    server: FeedServer, db: Path
) -> None:
    add_feed(serve_feed(server, "wire", range(3)), "wire", "en", db)
    page = server.route("/atom/1", body=article(7, "A page title"))
    add_feed(
        server.route("/atom.xml", body=atom([("urn:1", page, "Atom entry")]), content_type=ATOM),
        "atomic",
        db=db,
    )
    report = one_pass(db)
    assert [(f.name, f.new, f.stored, f.error) for f in report.feeds] == [
        ("atomic", 1, 1, None),
        ("wire", 3, 3, None),
    ]
    documents = rows(db, "SELECT id, url, title, published, origin FROM documents ORDER BY id")
    assert documents == [
        (page, page, "Atom entry", dt.date(2022, 9, 27), "atomic"),
        *[
            (server.url(f"/wire/{n}"), server.url(f"/wire/{n}"), f"wire story {n}",
             dt.date(2022, 9, 28), "wire")
            for n in range(3)
        ],
    ]  # fmt: skip
    # Coded: each page's REQUEST, with the page's address on its evidence.
    evidence = rows(
        db,
        "SELECT e.source, e.type, e.target, v.url FROM events e JOIN evidence v "
        "ON v.event_id = e.id WHERE e.origin = 'text' ORDER BY v.url",
    )
    assert ("KAZ", "REQUEST", "CSTO", server.url("/wire/1")) in evidence
    assert {url for *_, url in evidence} == {page} | {server.url(f"/wire/{n}") for n in range(3)}
    assert {status for status, *_ in items(db, "wire").values()} == {"stored"}
    agents = {r.headers.get("User-Agent", "") for r in server.requests}
    assert len(agents) == 1 and agents.pop().startswith("bloc/")
    assert check_path(db).ok


RUSSIAN_PAGE = (
    "<!doctype html><html><head><title>Ереван и ОДКБ</title></head><body><article>"
    "<h1>Ереван и ОДКБ</h1>"
    "<p>Армения 12 сентября 2022 года обратилась к ОДКБ с просьбой о военной помощи после "
    "обстрелов на границе, сообщило правительство республики в своём заявлении.</p>"
    "<p>Секретариат организации пообещал рассмотреть обращение на ближайшем заседании "
    "совета, однако конкретных сроков не назвал и от комментариев отказался.</p>"
    "</article></body></html>"
).encode()


def test_a_russian_feeds_pages_are_stored_in_russian_and_coded(
    server: FeedServer, db: Path
) -> None:
    """A page from a Russian feed is stored as "ru" and read by the Russian coder."""
    page = server.route("/ru/1", body=RUSSIAN_PAGE)
    add_feed(server.route("/ru.xml", body=rss([("ru-1", page, "Ереван и ОДКБ")]), content_type=RSS),
             "lenta", "ru", db)  # fmt: skip
    assert one_pass(db).feeds[0].stored == 1
    assert rows(db, "SELECT lang FROM documents") == [("ru",)]
    coded = rows(db, "SELECT source, type, target, date FROM events WHERE origin = 'text'")
    assert ("ARM", "REQUEST", "CSTO", dt.date(2022, 9, 12)) in coded


def test_a_second_pass_fetches_no_page_again_and_asks_conditionally(
    server: FeedServer, db: Path
) -> None:
    modified = http_date(time.time() - 3600)
    add_feed(
        serve_feed(server, "wire", range(2), etag='"v1"', last_modified=modified), "wire", db=db
    )
    first = one_pass(db)
    assert first.feeds[0].stored == 2
    again = one_pass(db)
    feed_gets = server.gets("/wire.xml")
    assert len(feed_gets) == 2
    assert feed_gets[1].headers.get("If-None-Match") == '"v1"'
    assert feed_gets[1].headers.get("If-Modified-Since") == modified
    assert again.feeds[0].not_modified and again.feeds[0].new == 0
    assert [len(server.gets(f"/wire/{n}")) for n in range(2)] == [1, 1]
    # The feed changes: only its new item is fetched.
    serve_feed(server, "wire", range(3), etag='"v2"')
    third = one_pass(db)
    assert (third.feeds[0].new, third.feeds[0].stored) == (1, 1)
    assert [len(server.gets(f"/wire/{n}")) for n in range(3)] == [1, 1, 1]
    assert rows(db, "SELECT etag, last_error FROM feeds") == [('"v2"', None)]


def test_a_page_another_feed_stored_is_not_fetched_again(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(2)), "wire", db=db)
    same = [("other-guid", server.url("/wire/1"), "the same story")]
    add_feed(server.route("/mirror.xml", body=rss(same), content_type=RSS), "mirror", db=db)
    report = one_pass(db)
    assert [(f.name, f.stored, f.unchanged) for f in report.feeds] == [
        ("mirror", 1, 0),
        ("wire", 1, 1),
    ]
    assert len(server.gets("/wire/1")) == 1
    assert rows(db, "SELECT count(*) FROM documents") == [(2,)]


def test_an_item_is_marked_done_in_the_transaction_that_stores_its_page(
    server: FeedServer, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bloc.ingest.watch as watching

    add_feed(serve_feed(server, "wire", range(1)), "wire", db=db)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(watching, "mark", broken)
    with pytest.raises(RuntimeError):
        one_pass(db)
    # The page's document went with the failed mark: nothing half done.
    assert rows(db, "SELECT count(*) FROM documents") == [(0,)]
    assert rows(db, "SELECT count(*) FROM evidence WHERE document LIKE 'http%'") == [(0,)]
    assert rows(db, "SELECT status FROM feed_items") == [("new",)]
    monkeypatch.undo()
    assert one_pass(db).feeds[0].stored == 1
    assert rows(db, "SELECT status, document FROM feed_items") == [
        ("stored", server.url("/wire/0"))
    ]


# -- politeness -------------------------------------------------------------------


def test_robots_txt_is_honoured_for_pages_and_feeds(server: FeedServer, db: Path) -> None:
    entries = [("ok", server.url("/wire/1"), "fine"), ("no", server.url("/private/2"), "kept out")]
    server.route("/wire/1", body=article(1))
    server.route("/private/2", body=article(2))
    add_feed(server.route("/wire.xml", body=rss(entries), content_type=RSS), "wire", db=db)
    add_feed(server.route("/private/feed.xml", body=rss([]), content_type=RSS), "hidden", db=db)
    report = one_pass(db)
    by_name = {f.name: f for f in report.feeds}
    assert by_name["hidden"].error is not None and "robots.txt" in by_name["hidden"].error
    assert by_name["wire"].stored == 1
    ((url, reason, again),) = [(f.url, f.reason, f.again) for f in by_name["wire"].failures]
    assert url == server.url("/private/2") and "robots.txt" in reason and not again
    assert not any(p.startswith("/private/") for p in server.paths())
    assert len(server.gets("/robots.txt")) == 1  # once per host
    assert items(db, "wire")[server.url("/private/2")][0] == "failed"


def test_an_unreadable_robots_txt_keeps_bloc_off_the_host(server: FeedServer, db: Path) -> None:
    server.route("/robots.txt", status=503, body=b"down", content_type="text/plain")
    add_feed(serve_feed(server, "wire", range(1)), "wire", db=db)
    report = one_pass(db)
    error = report.feeds[0].error or ""
    assert "robots.txt could not be read" in error and "HTTP 503" in error
    assert server.paths() == ["/robots.txt"]
    assert rows(db, "SELECT last_error IS NOT NULL, last_ok FROM feeds") == [(True, None)]


def test_requests_to_one_host_are_spaced_by_the_delay(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(2)), "wire", db=db)
    one_pass(db, Politeness(delay=0.3, retries=0))
    times = [r.at for r in server.requests]
    assert len(times) == 4  # robots.txt, the feed, two pages
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.28, gaps


def test_a_slow_answer_times_out_and_is_reported(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(3)), "wire", db=db)
    server.route("/wire/1", body=article(1), delay=1.5)  # no answer within the timeout
    server.route("/wire/2", body=article(2) * 4, trickle=0.05)  # answers, but far too slowly
    report = one_pass(db, Politeness(delay=0, timeout=0.4, deadline=0.5, retries=0))
    failures = {f.url: f for f in report.feeds[0].failures}
    assert report.feeds[0].stored == 1
    assert "timed out" in failures[server.url("/wire/1")].reason
    assert "longer than 0.5 s" in failures[server.url("/wire/2")].reason
    assert all(f.again for f in failures.values())  # passing trouble: tried at the next pass
    state = items(db, "wire")
    assert {state[url][0] for url in failures} == {"retry"}


def test_server_errors_are_retried_with_exponential_backoff(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(1)), "wire", db=db)
    server.routes["/wire/0"].fail_first = 2
    server.route("/late.xml", status=503, body=b"", headers={"Retry-After": "7"})
    add_feed(server.url("/late.xml"), "late", db=db)
    pauses: list[float] = []
    polite = Politeness(delay=0, retries=2, backoff=0.01, max_backoff=5)
    with Fetcher(polite, sleep=pauses.append) as fetcher:
        report = one_pass(db, fetcher=fetcher)
    by_name = {f.name: f for f in report.feeds}
    assert by_name["wire"].stored == 1 and len(server.gets("/wire/0")) == 3
    assert "HTTP 503 (after 3 tries)" in (by_name["late"].error or "")
    assert sorted(pauses) == [0.01, 0.02, 5, 5]  # doubling; Retry-After, capped
    assert rows(db, "SELECT name, last_error IS NULL FROM feeds ORDER BY name") == [
        ("late", False),
        ("wire", True),
    ]


def test_a_page_that_keeps_failing_is_given_up_after_three_passes(
    server: FeedServer, db: Path
) -> None:
    add_feed(serve_feed(server, "wire", range(1)), "wire", db=db)
    server.route("/wire/0", status=502, body=b"")
    states = []
    for _ in range(4):
        one_pass(db)
        states.append(rows(db, "SELECT status, attempts FROM feed_items")[0])
    assert states == [("retry", 1), ("retry", 2), ("failed", 3), ("failed", 3)]
    assert len(server.gets("/wire/0")) == 3


def test_oversized_pages_are_refused_by_the_cap(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(3)), "wire", db=db)
    big = article(1) + b"<!-- " + b"x" * 60_000 + b" -->"
    server.route("/wire/1", body=big)  # says its length
    server.route("/wire/2", body=big, length=False)  # does not: counted while streaming
    report = one_pass(db, Politeness(delay=0, retries=0, max_bytes=20_000))
    failures = {f.url: f.reason for f in report.feeds[0].failures}
    assert failures[server.url("/wire/1")].startswith("too large (")
    assert "the limit is 20,000 bytes" in failures[server.url("/wire/2")]
    assert report.feeds[0].stored == 1


def test_binary_and_other_content_types_are_refused(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(4)), "wire", db=db)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    server.route("/wire/1", body=png, content_type="image/png")
    server.route("/wire/2", body=b"%PDF-1.7 ...", content_type="application/pdf")
    server.route("/wire/3", body=png, content_type="text/html")  # mislabelled
    report = one_pass(db)
    failures = {f.url: f.reason for f in report.feeds[0].failures}
    assert "content type 'image/png' is not an article page" in failures[server.url("/wire/1")]
    assert "'application/pdf'" in failures[server.url("/wire/2")]
    assert "binary content" in failures[server.url("/wire/3")]
    assert report.feeds[0].stored == 1


def test_redirects_are_followed_within_limits(server: FeedServer, db: Path) -> None:
    entries = [
        ("moved", server.url("/old/1"), "moved"),
        ("loop", server.url("/loop/a"), "loop"),
        ("chain", server.url("/chain/0"), "chain"),
        ("ftp", server.url("/to-ftp"), "ftp"),
    ]
    add_feed(server.route("/wire.xml", body=rss(entries), content_type=RSS), "wire", db=db)
    server.route("/old/1", status=301, headers={"Location": "/new/1"})
    server.route("/new/1", body=article(1))
    server.route("/loop/a", status=302, headers={"Location": "/loop/b"})
    server.route("/loop/b", status=302, headers={"Location": server.url("/loop/a")})
    for n in range(8):
        server.route(f"/chain/{n}", status=307, headers={"Location": f"/chain/{n + 1}"})
    server.route("/to-ftp", status=302, headers={"Location": "ftp://127.0.0.1/file"})
    report = one_pass(db)
    failures = {f.url: f.reason for f in report.feeds[0].failures}
    assert "redirect loop" in failures[server.url("/loop/a")]
    assert "more than 5 redirects" in failures[server.url("/chain/0")]
    assert "not an http(s) address" in failures[server.url("/to-ftp")]
    assert len(server.gets("/chain/5")) == 1 and not server.gets("/chain/6")
    # The moved page is stored under the address it now has.
    assert rows(db, "SELECT id, url FROM documents") == [(server.url("/new/1"),) * 2]
    assert items(db, "wire")[server.url("/old/1")] == ("stored", None, server.url("/new/1"))


# -- bad input ----------------------------------------------------------------------


def test_a_malformed_feed_is_reported_with_its_name_and_the_others_go_on(
    server: FeedServer, db: Path
) -> None:
    add_feed(serve_feed(server, "wire", range(2)), "wire", db=db)
    broken = b'<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<title>T</title>\n<<<>>>'
    add_feed(server.route("/broken.xml", body=broken, content_type=RSS), "broken", db=db)
    add_feed(server.route("/page.xml", body=article(3)), "notafeed", db=db)
    add_feed(server.url("/gone.xml"), "gone", db=db)
    result = runner.invoke(app, ["watch", "--once", "--delay", "0", "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"feed broken failed ({server.url('/broken.xml')}): malformed feed: line 4" in out
    assert "feed notafeed failed" in out and "not an RSS, Atom or JSON feed" in out
    assert "feed gone failed" in out and "HTTP 404" in out
    assert "feed wire: 2 new, 2 stored" in out
    listed = json.loads(
        runner.invoke(app, ["feeds", "list", "--db", str(db), "--format", "json"]).stdout
    )
    errors = {f["name"]: f["last_error"] for f in listed}
    assert errors["broken"].startswith("malformed feed: line 4, column 1")
    assert errors["wire"] is None
    assert rows(db, "SELECT count(*) FROM documents") == [(2,)]


def test_a_partly_malformed_feed_keeps_the_items_before_the_fault() -> None:
    body = rss([("a", "http://127.0.0.1/a", "A"), ("b", "http://127.0.0.1/b", "B")])
    parsed = parse_feed(body[:-30] + b"<item><title>cut", "http://127.0.0.1/f")
    assert [i.url for i in parsed.items][:2] == ["http://127.0.0.1/a", "http://127.0.0.1/b"]
    assert parsed.warning and "partly malformed: line 1" in parsed.warning
    with pytest.raises(FeedError, match="not an RSS, Atom or JSON feed"):
        parse_feed(b"\x89PNG\r\n\x00\x00", "http://127.0.0.1/f")


def test_a_page_with_no_article_is_reported_and_the_rest_stored(
    server: FeedServer, db: Path
) -> None:
    add_feed(serve_feed(server, "wire", range(3)), "wire", db=db)
    server.route("/wire/1", body=b"<html><body><nav>Home</nav></body></html>")
    server.route("/wire/2", body=b"")
    report = one_pass(db)
    failures = {f.url: f.reason for f in report.feeds[0].failures}
    assert "no article text" in failures[server.url("/wire/1")]
    assert failures[server.url("/wire/2")] == "empty page"
    assert report.feeds[0].stored == 1
    assert {u: s[:2] for u, s in items(db, "wire").items() if s[0] != "stored"} == {
        server.url("/wire/1"): ("failed", failures[server.url("/wire/1")]),
        server.url("/wire/2"): ("failed", "empty page"),
    }


def test_feed_text_is_never_read_as_markup(server: FeedServer, db: Path) -> None:
    url = server.route("/x.xml", body=rss([("g", server.url("/p"), "t")]), content_type=RSS)
    server.route("/p", status=410, body=b"")
    add_feed(url, "x", db=db)
    with Store.open(db) as store:
        store.con.execute("UPDATE feeds SET last_error = '[bold red]boom[/]'")
    table = runner.invoke(app, ["feeds", "list", "--db", str(db)])
    assert "[bold red]boom[/]" in table.output
    result = runner.invoke(app, ["watch", "--once", "--delay", "0", "--db", str(db)])
    assert "not stored " + server.url("/p") + ": HTTP 410 Gone" in result.output


# -- the feed list and the command line ------------------------------------------------


def test_feeds_add_list_remove(db: Path) -> None:
    url = "http://127.0.0.1:9/feed.xml"
    assert add_feed(url, db=db) == ("127.0.0.1", "added (may fetch from private addresses)")
    assert add_feed(url, db=db) == ("127.0.0.1", "already there")
    assert add_feed(url, "127.0.0.1", "ru", db) == ("127.0.0.1", "language changed from en to ru")
    with pytest.raises(FeedError, match=r"already polled as the feed '127\.0\.0\.1'"):
        add_feed(url, "other", db=db)
    with pytest.raises(FeedError, match="already polls"):
        add_feed("http://127.0.0.1:9/other.xml", "127.0.0.1", db=db)
    for bad, match in (("ftp://x/feed", "not an http"), ("feed.xml", "not an http")):
        with pytest.raises(FeedError, match=match):
            add_feed(bad, db=db)
    with pytest.raises(FeedError, match="not a usable feed name"):
        add_feed(url, "has space", db=db)
    with pytest.raises(FeedError, match="language"):
        add_feed(url, lang="de", db=db)
    frame = feeds_frame(db)
    assert frame.to_dict("records")[0]["lang"] == "ru" and len(frame) == 1
    assert remove_feed("127.0.0.1", db) == 0
    with pytest.raises(NotFoundError, match="no feed named"):
        remove_feed("127.0.0.1", db)
    result = runner.invoke(
        app,
        ["feeds", "add", url, "--name", "t", "--lang", "ru", "--allow-private", "--db", str(db)],
    )
    assert result.exit_code == 0 and "feed t: added (may fetch from private" in result.output
    again = runner.invoke(
        app, ["feeds", "add", url, "--name", "u", "--allow-private", "--db", str(db)]
    )
    assert again.exit_code == 1 and "already polled" in again.output
    assert runner.invoke(app, ["feeds", "remove", "t", "--db", str(db)]).exit_code == 0
    listed = runner.invoke(app, ["feeds", "list", "--db", str(db)])
    assert listed.exit_code == 0 and "no feeds yet" in listed.output


def test_the_starter_list_is_added_once_and_marked_unchecked(db: Path) -> None:
    outlets = starter()
    assert {o.lang for o in outlets} == {"en", "ru"} and len(outlets) >= 20
    assert {"TASS", "Kazinform", "Armenpress", "BelTA", "Kabar", "Khovar", "Eurasianet"} <= {
        o.outlet for o in outlets
    }
    first = add_starter(db, "ru")
    assert {what for _, what in first} == {"added"} and {o.lang for o, _ in first} == {"ru"}
    result = runner.invoke(app, ["feeds", "starter", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0
    added = {r["name"]: r["result"] for r in json.loads(result.stdout)}
    assert set(added) == {o.name for o in outlets}
    assert {added[o.name] for o in outlets if o.lang == "ru"} == {"already there"}
    assert "NOT CHECKED" in result.stderr
    shown = runner.invoke(app, ["feeds", "starter", "--list", "--db", str(db)])
    assert "NOT CHECKED" in shown.output


def test_intervals() -> None:
    assert [parse_interval(t) for t in ("30s", "15m", "2h", "1.5h")] == [30, 900, 7200, 5400]
    for bad in ("15", "m", "10s", "-5m", "3d"):
        with pytest.raises(FeedError):
            parse_interval(bad)
    result = runner.invoke(app, ["watch", "--interval", "5s"])
    assert result.exit_code == 1 and "too often" in result.output


def test_watch_makes_a_pass_per_interval(server: FeedServer, db: Path) -> None:
    add_feed(serve_feed(server, "wire", range(2)), "wire", db=db)
    reports: list[PassReport] = []
    began = time.monotonic()
    assert watch(db, 0.4, passes=3, on_pass=reports.append, politeness=FAST) == 3
    assert time.monotonic() - began >= 0.8
    assert [r.feeds[0].stored for r in reports] == [2, 0, 0]
    assert len(server.gets("/wire.xml")) == 3 and len(server.gets("/robots.txt")) == 1


def test_one_watch_at_a_time(server: FeedServer, db: Path) -> None:
    from bloc.ingest.watch import _one_watch

    add_feed(serve_feed(server, "wire", range(1)), "wire", db=db)
    with _one_watch(db), pytest.raises(FeedError, match="another `bloc watch`"):
        one_pass(db)
    assert one_pass(db).feeds[0].stored == 1


def test_a_schema_3_store_gains_the_feed_tables(kb_db: Path, tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 4  # the feed tables came with schema 4
    old = tmp_path / "v3.duckdb"
    old.write_bytes(kb_db.read_bytes())
    con = duckdb.connect(str(old))
    con.execute("DROP TABLE feeds; DROP TABLE feed_items")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    before = con.execute("SELECT count(*) FROM events").fetchone()
    con.close()
    assert not check_path(old).ok
    add_feed("http://127.0.0.1:9/f.xml", "f", db=old)  # any write upgrades the store
    assert rows(old, "SELECT name FROM feeds") == [("f",)]
    assert rows(old, "SELECT count(*) FROM events") == [before]
    assert check_path(old).ok
