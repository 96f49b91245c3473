"""Articles for the review tests, written for them: each sentence is coded into one event.

`coded` (tests/conftest.py) ingests them into a fresh store and names the four events.
"""

from __future__ import annotations

import json
from pathlib import Path

ARTICLES = [
    {
        "id": "a1",
        "title": "Complaints and talks",
        "url": "https://example.org/a1",
        "published": "2023-03-02",
        "text": "Armenia accused the CSTO on 1 March 2023 of ignoring its call for help. "
        "Kazakhstan hosted talks with Russia on 1 March 2023 about border security.",
    },
    {
        "id": "a2",
        "title": "A drill and a border",
        "url": "https://example.org/a2",
        "published": "2023-04-12",
        "text": "Kyrgyzstan refused to take part in the CSTO exercise on 11 April 2023. "
        "Tajikistan accused Kyrgyzstan on 10 April 2023 of shelling its border villages.",
    },
]
KEYS = [
    ("ARM", "ACCUSE", "CSTO"),
    ("KAZ", "CONSULT", "RUS"),
    ("KGZ", "REJECT", "CSTO"),
    ("TJK", "ACCUSE", "KGZ"),
]
"""(source, type, target) of the events the articles are coded into."""

Coded = tuple[Path, dict[tuple[str, str, str], str]]


def write(folder: Path, articles: list[dict[str, str]]) -> Path:
    path = folder / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path
