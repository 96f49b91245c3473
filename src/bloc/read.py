"""Read articles from files and folders: plain text, HTML and JSON lines.

Readers yield `Document`s and `Rejected` records side by side, so one bad file
(empty, binary, undecodable, malformed) or one bad JSON line is reported with
its reason and the batch goes on. JSON-lines files are streamed line by line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bloc import clean
from bloc.dates import find_publication_date
from bloc.model import Document, Rejected

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
NO_TEXT = f"HTML with no article text that could be extracted (under {clean.MIN_WORDS} words)"
MAX_BYTES = 8 * 1024 * 1024
"""Larger articles are refused: no news article is 8 MB of text, and a cap
bounds the time one document can take."""


def read_paths(
    paths: Iterable[str | Path], published: dt.date | None = None
) -> Iterator[Document | Rejected]:
    """Every document under `paths` (files, or folders walked in name order)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield from read_file(child, published)
        elif path.exists():
            yield from read_file(path, published)
        else:
            yield Rejected(str(given), "no such file or folder")


def read_file(path: Path, published: dt.date | None = None) -> Iterator[Document | Rejected]:
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path)
        return
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            yield Rejected(name, f"too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Rejected(name, f"cannot be read ({exc.strerror or exc})")
        return
    text = decode(raw)
    if isinstance(text, Rejected):
        yield Rejected(name, text.reason)
        return
    if not text.strip():
        yield Rejected(name, "empty file")
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(text)):
        yield from _html_document(name, text, published)
    else:
        yield _text_document(name, text, published)


def decode(raw: bytes) -> str | Rejected:
    """UTF-8 (with or without BOM), else Windows-1252; binary data is refused."""
    head = raw[:8192]
    if b"\x00" in head:
        return Rejected("", "binary file (contains NUL bytes), not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and (controls / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05):
        return Rejected("", "binary file (mostly control or undecodable bytes), not text")
    return text


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head


def _text_document(name: str, text: str, published: dt.date | None) -> Document:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0][:300] if lines else None
    return Document(
        id=name,
        text=text,
        title=title,
        published=published or find_publication_date(text),
        origin=name,
        kind="txt",
    )


def _html_document(
    name: str, html: str, published: dt.date | None
) -> Iterator[Document | Rejected]:
    extracted = clean.extract_html(html)
    if extracted is None:
        yield Rejected(
            name,
            NO_TEXT,
        )
        return
    body, title, date = extracted
    yield Document(
        id=name,
        text=body,
        title=title,
        published=published or date or find_publication_date(body),
        origin=name,
        kind="html",
    )


def read_jsonl(path: Path) -> Iterator[Document | Rejected]:
    """One article per line: id, text (required); url, title, published (optional)."""
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejected(name, f"cannot be read ({exc.strerror or exc})")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{name}:{number}"
            if not raw.strip():
                continue
            if len(raw) > MAX_BYTES:
                yield Rejected(where, f"line too long ({len(raw):,} bytes)")
                continue
            text = decode(raw)
            if isinstance(text, Rejected):
                yield Rejected(where, text.reason)
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Rejected(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            yield parse_record(record, where)


def parse_record(record: Any, where: str) -> Document | Rejected:
    """A JSON article record as a Document, or the reason it is refused."""
    if not isinstance(record, dict):
        return Rejected(where, f"expected a JSON object, got {type(record).__name__}")
    for field in ("id", "text"):
        if field not in record:
            return Rejected(where, f"missing field {field!r}")
    doc_id, text = record["id"], record["text"]
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id).strip() == "":
        return Rejected(where, f"field 'id' must be a non-empty string, got {doc_id!r:.40}")
    if not isinstance(text, str):
        return Rejected(where, f"field 'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        return Rejected(where, "field 'text' is empty")
    for field in ("url", "title"):
        if record.get(field) is not None and not isinstance(record[field], str):
            return Rejected(where, f"field {field!r} must be a string")
    published = record.get("published")
    day: dt.date | None = None
    if published not in (None, ""):
        if not isinstance(published, str):
            return Rejected(where, "field 'published' must be an ISO date string")
        try:
            day = dt.date.fromisoformat(published[:10])
        except ValueError:
            return Rejected(where, f"field 'published' is not an ISO date: {published!r:.40}")
        if not dt.date(1900, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=2):
            return Rejected(where, f"field 'published' is out of range: {day}")
    body = text
    if _looks_like_html(text):
        extracted = clean.extract_html(text)
        if extracted is None:
            return Rejected(
                where,
                NO_TEXT,
            )
        body = extracted[0]
    return Document(
        id=str(doc_id),
        text=body,
        title=record.get("title"),
        url=record.get("url"),
        published=day,
        origin=where,
        kind="jsonl",
    )
