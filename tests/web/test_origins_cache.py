"""The dashboard's `origin` parameter and its cache of measures, through the API and pages."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc.ingest.datasets import import_files
from bloc.measures.cache import MeasureCache
from bloc.web import create_app
from bloc.web.answers import AnswerCache
from dataset_files import Gdelt, write_gdelt

ARM = ("ARM", "ARMENIA", "ARM")
RUS = ("RUSGOV", "RUSSIA", "RUS")
KAZ = ("KAZ", "KAZAKHSTAN", "KAZ")

ROUTES = [
    "/api/alliances/CSTO/alignment?on=2023-12-31&by=quarter",
    "/api/alliances/CSTO/cohesion?on=2023-12-31",
    "/api/alliances/CSTO/dyads?on=2023-12-31",
    "/api/alliances/CSTO/relations?on=2023-12-31",
    "/api/alliances/CSTO/risk?on=2023-12-31",
    "/api/alliances/CSTO/risk/ARM?on=2023-12-31",
    "/api/compare?on=2023-12-31",
    "/api/events?on=2023-12-31&actor=ARM",
]


def _same(a: Any, b: Any) -> bool:
    """Equal JSON, floats to within a part in a billion."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def _rows(first: int, source: tuple[str, str, str], code: str, n: int) -> list[Gdelt]:
    return [
        Gdelt(first + i, (dt.date(2023, 1, 2) + dt.timedelta(weeks=i)).strftime("%Y%m%d"),
              code, source, RUS)
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def store(kb_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "bloc.duckdb"
    shutil.copy(kb_db, db)
    import_files("gdelt", [write_gdelt(tmp_path / "a.CSV", _rows(100, ARM, "112", 20))], db)
    return db


def test_cached_answers_are_the_computed_ones(store: Path) -> None:
    with TestClient(create_app(store)) as cached, TestClient(create_app(store, cache=False)) as raw:
        cache = cached.app.state.view.cache  # type: ignore[attr-defined]
        assert isinstance(cache, MeasureCache)
        answers = cached.app.state.answers  # type: ignore[attr-defined]
        assert isinstance(answers, AnswerCache)
        for route in ROUTES:
            for origin in ("", "&origin=gdelt", "&origin=curated&origin=text"):
                first = cached.get(route + origin)
                assert first.status_code == 200, (route, first.text)
                hits = answers.hits
                again = cached.get(route + origin)
                assert again.json() == first.json(), route
                # Sums over events read in parallel may differ in the last bit from run to run.
                assert _same(first.json(), raw.get(route + origin).json()), route
                if "/events" not in route:
                    assert answers.hits > hits, route  # answered from the web's cache


def test_a_write_to_the_store_shows_on_the_next_request(store: Path, tmp_path: Path) -> None:
    route = "/api/alliances/CSTO/dyads?on=2023-12-31"
    with TestClient(create_app(store)) as client:
        before = {(r["a"], r["b"]): r for r in client.get(route).json()}
        # Kazakhstan and Russia trade threats all year: the pair turns hostile.
        more = write_gdelt(tmp_path / "b.CSV", _rows(900, KAZ, "138", 25))
        import_files("gdelt", [more], store)
        after = {(r["a"], r["b"]): r for r in client.get(route).json()}
    pair = ("KAZ", "RUS")
    assert after[pair]["events"] == before[pair]["events"] + 25
    assert after[pair]["score"] < before[pair]["score"]
    with TestClient(create_app(store, cache=False)) as fresh:
        assert _same({f"{r['a']}-{r['b']}": r for r in fresh.get(route).json()},
                     {f"{a}-{b}": r for (a, b), r in after.items()})  # fmt: skip


def test_pages_take_the_origin_and_keep_it_in_their_links(store: Path) -> None:
    with TestClient(create_app(store)) as client:
        page = client.get("/alliances/CSTO?on=2023-12-31&origin=gdelt")
        assert page.status_code == 200
        link = r'href="/alliances/CSTO/relations\?on=2023-12-31&amp;origin=gdelt"'
        assert re.search(link, page.text)
        assert re.search(r'value="gdelt" checked', page.text)
        assert not re.search(r'value="text" checked', page.text)
        events = client.get("/events?on=2023-12-31&origin=curated")
        assert events.status_code == 200 and "gdelt:" not in events.text
        assert "gdelt:1" in client.get("/events?on=2023-12-31&origin=gdelt").text
        bad = client.get("/api/events?origin=rumour")
        assert bad.status_code == 400 and "unknown origin 'rumour'" in bad.json()["error"]
        only = client.get("/api/events?on=2023-12-31&origin=gdelt&limit=100").json()
        assert len(only) == 20 and {e["origin"] for e in only} == {"gdelt"}
