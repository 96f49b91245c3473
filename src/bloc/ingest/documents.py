"""One file's documents: its kind told by its name, plain text and HTML read whole, JSON lines
streamed a record at a time.

A bad file (empty, binary, undecodable, too large) or a bad JSON line is a
`Rejected` with its reason, yielded in its place, so the batch goes on. What
turns one article's bytes into a `Document` is `bloc.text.read`'s; this module
decides what the articles of a file are.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from bloc.core.dated import Precision
from bloc.errors import TooLargeError
from bloc.model import Document, Rejected
from bloc.text import clean
from bloc.text.read import MAX_BYTES, NO_TEXT, decode, from_bytes, looks_like_html

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def read_file(path: Path, published: dt.date | None = None) -> Iterator[Document | Rejected]:
    """The documents of one file: a JSON-lines file's records, else the file as one article."""
    name = shown(path)
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
    html = True if suffix in HTML_SUFFIXES else False if suffix in TEXT_SUFFIXES else None
    yield from_bytes(name, raw, published, html)


def read_jsonl(
    path: Path, start: int = 0, lines: int | None = None, first: int = 1
) -> Iterator[Document | Rejected]:
    """One article per line: id, text (required); url, title, published, lang (optional).

    `start`, `lines` and `first` read only a slice (see `sources.Unit`).
    """
    name = shown(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejected(name, f"cannot be read ({exc.strerror or exc})")
        return
    records = 0
    with handle:
        handle.seek(start)
        for number, (raw, size) in enumerate(_lines(handle), start=first):
            if lines is not None and number >= first + lines:
                break
            where = f"{name}:{number}"
            if not raw.strip():
                continue
            records += 1
            if size > MAX_BYTES:
                yield Rejected(where, f"line too long ({size:,} bytes; the limit is {MAX_BYTES:,})")
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
            except RecursionError:
                yield Rejected(
                    where, "JSON nested too deeply to read (an article is one flat object)"
                )
                continue
            except ValueError as exc:  # a number of more digits than Python converts
                yield Rejected(where, f"JSON that cannot be read ({str(exc).split(':')[0]})")
                continue
            yield parse_record(record, where)
    if not records and start == 0 and lines is None:  # a whole file, not a slice of one
        yield Rejected(name, "empty file (no JSON lines)")


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
    if isinstance(doc_id, str) and _SURROGATE.search(doc_id):
        return Rejected(where, "field 'id' holds an unpaired UTF-16 surrogate escape (\\udXXX)")
    if not isinstance(text, str):
        return Rejected(where, f"field 'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        return Rejected(where, "field 'text' is empty")
    for field in ("url", "title", "lang"):
        if record.get(field) is not None and not isinstance(record[field], str):
            return Rejected(where, f"field {field!r} must be a string")
    lang = (record.get("lang") or "").strip().lower()
    if lang and not _LANG.match(lang):
        return Rejected(where, f"field 'lang' must be a language code (en, ru), got {lang!r:.20}")
    lang = lang.split("-")[0]  # "ru-RU" is read as Russian
    published = record.get("published")
    day: dt.date | None = None
    precision: Precision = "day"
    if published not in (None, ""):
        if not isinstance(published, str):
            return Rejected(where, "field 'published' must be an ISO date string")
        try:
            if _YEAR_MONTH.fullmatch(published.strip()):
                # A month is a good publication date ("2024-03"): kept at that precision.
                day = dt.date.fromisoformat(published.strip() + "-01")
                precision = "month"
            else:
                day = dt.date.fromisoformat(published[:10])
        except ValueError:
            return Rejected(
                where,
                f"field 'published' is not an ISO date (YYYY-MM-DD or YYYY-MM): {published!r:.40}",
            )
        if not dt.date(1900, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=2):
            return Rejected(where, f"field 'published' is out of range: {day}")
    body, title, url = text, record.get("title"), record.get("url")
    if looks_like_html(text):
        try:
            extracted = clean.extract_html(text)
        except TooLargeError as exc:
            return Rejected(where, f"field 'text' is {exc}")
        if extracted is None:
            return Rejected(
                where,
                NO_TEXT,
            )
        body = extracted[0]
    return Document(
        id=str(doc_id),
        text=_unpaired(body),
        title=title and _unpaired(title),
        url=url and _unpaired(url),
        published=day,
        origin=where,
        kind="jsonl",
        published_precision=precision,
        lang=lang,
    )


def _unpaired(value: str) -> str:
    """U+FFFD for unpaired surrogates ("\\ud800" in JSON): not text, and not storable."""
    return _SURROGATE.sub("\ufffd", value)


def shown(path: str | Path) -> str:
    """A path as storable, printable text: bytes of a file name that are not UTF-8 become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _lines(handle: BinaryIO) -> Iterator[tuple[bytes, int]]:
    """Each line (cut after MAX_BYTES + 1 bytes) with its full length: memory stays bounded."""
    while line := handle.readline(MAX_BYTES + 1):
        size = len(line)
        if size > MAX_BYTES and not line.endswith(b"\n"):
            while rest := handle.readline(1 << 20):
                size += len(rest)
                if rest.endswith(b"\n"):
                    break
        yield line, size
