"""A watcher safe on a server: no fetch from loopback, private, link-local or reserved hosts.

Each refused address family is asked for through the real fetcher (the check
is made when the connection is opened, so nothing is sent); the error names
the URL and the reason. A redirect from an allowed host to a private one is
refused at the redirect; a feed added with `--allow-private` is fetched.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from bloc.errors import FeedError, FetchError
from bloc.ingest import addresses
from bloc.ingest.feeds import add_feed
from bloc.ingest.fetch import Fetcher, Politeness, user_agent
from bloc.ingest.watch import watch_once
from feedserver import RSS, FeedServer, article, rss

FAST = Politeness(delay=0, retries=0, timeout=2)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9/feed.xml", "loopback"),
        ("http://[::1]:9/feed.xml", "loopback"),
        ("http://10.20.30.40/feed.xml", "private network"),
        ("http://172.16.5.4/feed.xml", "private network"),
        ("http://192.168.1.1/feed.xml", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://localhost:9/feed.xml", "loopback"),  # a name resolving to loopback
        ("http://[::ffff:10.0.0.1]/feed.xml", "private network"),  # IPv4 inside IPv6
        ("http://224.0.0.1/feed.xml", "multicast"),
        ("http://0.0.0.0/feed.xml", "unspecified"),
    ],
)
def test_each_forbidden_address_family_is_refused_naming_url_and_reason(
    url: str, reason: str
) -> None:
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(url, "feed")
    assert info.value.refused and not info.value.transient
    message = str(info.value)
    assert url in message and reason in message and "--allow-private" in message


def test_public_addresses_pass_the_rule() -> None:
    for public in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"):
        assert addresses.forbidden(ipaddress.ip_address(public)) is None
    for special in ("100.64.0.1", "198.18.0.1", "fe80::1", "fc00::1", "2002:a00:1::1"):
        assert addresses.forbidden(ipaddress.ip_address(special)) is not None


def test_a_redirect_from_an_allowed_host_to_a_private_one_is_refused(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test server lives on 127.0.0.1: count that one address as public for this test,
    # so the first hop is allowed and only the redirect's target is not.
    rule = addresses.forbidden
    monkeypatch.setattr(
        addresses, "forbidden", lambda a: None if str(a) == "127.0.0.1" else rule(a)
    )
    target = f"http://127.0.0.2:{server.port}/inside.xml"
    start = server.route("/hop.xml", status=302, headers={"Location": target}, body=b"")
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(start, "feed")
    assert info.value.refused
    assert target in str(info.value) and "loopback" in str(info.value)
    assert len(server.gets("/hop.xml")) == 1  # the allowed hop was fetched, nothing after it


def test_adding_a_private_feed_needs_allow_private(server: FeedServer, db: Path) -> None:
    url = server.route("/wire.xml", body=rss([("w-1", server.url("/w/1"), "t")]), content_type=RSS)
    with pytest.raises(FeedError, match=r"127\.0\.0\.1.*loopback.*--allow-private"):
        add_feed(url, "wire", db=db)
    server.route("/w/1", body=article(1))
    assert add_feed(url, "wire", db=db, allow_private=True)[0] == "wire"
    report = watch_once(db, politeness=FAST)
    assert report.feeds[0].error is None and report.feeds[0].stored == 1


def test_a_pass_fetches_at_most_its_cap_and_leaves_the_rest(server: FeedServer, db: Path) -> None:
    items = [(f"w-{i}", server.url(f"/w/{i}"), f"item {i}") for i in range(5)]
    for i in range(5):
        server.route(f"/w/{i}", body=article(i))
    url = server.route("/wire.xml", body=rss(items), content_type=RSS)
    add_feed(url, "wire", db=db, allow_private=True)
    capped = Politeness(delay=0, retries=0, items_per_pass=2)
    first = watch_once(db, politeness=capped)
    assert (first.feeds[0].stored, first.feeds[0].left) == (2, 3)
    second = watch_once(db, politeness=capped)
    third = watch_once(db, politeness=capped)
    assert [r.feeds[0].stored for r in (second, third)] == [2, 1]
    assert third.feeds[0].left == 0


def test_the_user_agent_names_bloc_its_version_and_the_home_page_in_the_metadata() -> None:
    meta = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    home = meta["project"]["urls"]["Homepage"]
    assert user_agent() == f"bloc/{version('bloc')} (+{home})"
