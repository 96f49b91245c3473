"""Russian evidence on the dashboard: shown as written, marked with its language, escaped."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc import api
from bloc.ingest import ingest
from bloc.web import create_app

RUSSIAN = (
    "Армения 13 сентября 2022 года обратилась к ОДКБ за военной помощью "
    '<script>alert("x")</script>.'
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    folder = tmp_path_factory.mktemp("russian")
    record = {"id": "ru-1", "text": RUSSIAN, "published": "2022-09-14", "lang": "ru"}
    (folder / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    db = folder / "bloc.duckdb"
    assert ingest([folder / "a.jsonl"], db).events_new == 1
    event_id = str(api.events(origin="text", db=db).iloc[0]["id"])
    with TestClient(create_app(db)) as c:
        yield c, event_id


def test_the_event_page_marks_the_evidence_with_its_language(
    client: tuple[TestClient, str],
) -> None:
    c, event_id = client
    page = c.get(f"/events/{event_id}").text
    assert re.search(r'<span class="lang"[^>]*>ru</span> <q lang="ru">Армения 13 сентября', page)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_events_explorer_and_the_api_carry_the_language(client: tuple[TestClient, str]) -> None:
    c, event_id = client
    assert '<q lang="ru">' in c.get("/events?on=2022-12-31&actor=ARM").text
    evidence = c.get(f"/api/events/{event_id}").json()
    rows = evidence if isinstance(evidence, list) else [evidence]
    assert rows[0]["evidence"][0]["lang"] == "ru"
