"""Read articles from files and folders: plain text, HTML and JSON lines.

Readers yield `Document`s and `Rejected` records side by side, so one bad file
(empty, binary, undecodable, malformed) or one bad JSON line is reported with
its reason and the batch goes on. JSON-lines files are streamed line by line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bloc.core.dated import Precision
from bloc.errors import TooLargeError
from bloc.model import Document, Rejected
from bloc.text import clean
from bloc.text.dates import find_publication_date

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
NO_TEXT = f"HTML with no article text that could be extracted (under {clean.MIN_WORDS} words)"
MAX_BYTES = 8 * 1024 * 1024
"""Larger articles are refused: no news article is 8 MB of text, and a cap
bounds the time one document can take."""
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def read_paths(
    paths: Iterable[str | Path], published: dt.date | None = None
) -> Iterator[Document | Rejected]:
    """Every document under `paths` (files, or folders walked in name order)."""
    for unit in units(paths):
        if isinstance(unit, Rejected):
            yield unit
        else:
            yield from read_unit(unit, published)


@dataclass(frozen=True)
class Unit:
    """A slice of the corpus that can be read on its own, e.g. by a Dask worker.

    Either whole files, or `lines` lines of one JSON-lines file from byte
    `start` (numbered from `first`), so a worker reads its own share of a
    large file and the text never passes through the machine that planned it.
    """

    files: tuple[str, ...]
    start: int = 0
    lines: int | None = None
    first: int = 1


def units(paths: Iterable[str | Path], size: int | None = None) -> Iterator[Unit | Rejected]:
    """The corpus under `paths` cut into units of about `size` documents, in reading order.

    With no size, each file is one unit. JSON-lines files are cut at line
    boundaries by a scan for newlines, which reads no record.
    """
    group: list[str] = []
    for path in _walk(paths):
        if isinstance(path, Rejected) or path.suffix.lower() in JSONL_SUFFIXES:
            if group:
                yield Unit(tuple(group))
                group = []
            if isinstance(path, Rejected):
                yield path
            else:
                yield from _jsonl_units(path, size)
            continue
        group.append(str(path))
        if size is None or len(group) >= size:
            yield Unit(tuple(group))
            group = []
    if group:
        yield Unit(tuple(group))


def _jsonl_units(path: Path, size: int | None) -> Iterator[Unit | Rejected]:
    name = str(path)
    if size is None:
        yield Unit((name,))
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejected(name, f"cannot be read ({exc.strerror or exc})")
        return
    with handle:
        # Newlines are counted a block at a time: a huge line is never held whole.
        start = offset = count = 0
        first = 1
        last = b"\n"
        while block := handle.read(1 << 20):
            at = block.find(b"\n")
            while at != -1:
                count += 1
                if count == size:
                    yield Unit((name,), start, count, first)
                    start, first, count = offset + at + 1, first + count, 0
                at = block.find(b"\n", at + 1)
            offset += len(block)
            last = block[-1:]
        if offset == 0:
            yield Unit((name,))  # an empty file: read whole, it says so
        elif offset > start:
            yield Unit((name,), start, count + (last != b"\n"), first)


def read_unit(unit: Unit, published: dt.date | None = None) -> Iterator[Document | Rejected]:
    if unit.lines is not None:
        yield from read_jsonl(Path(unit.files[0]), unit.start, unit.lines, unit.first)
        return
    for name in unit.files:
        yield from read_file(Path(name), published)


def _walk(paths: Iterable[str | Path]) -> Iterator[Path | Rejected]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield child
        elif path.exists():
            yield path
        else:
            yield Rejected(_shown(given), "no such file or folder")


def read_file(path: Path, published: dt.date | None = None) -> Iterator[Document | Rejected]:
    name = _shown(path)
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
        yield Rejected(name, "empty file" if not raw else "empty file (only whitespace)")
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(text)):
        yield from _html_document(name, text, published)
    else:
        yield _text_document(name, text, published)


def decode(raw: bytes) -> str | Rejected:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1251 for Cyrillic bytes or
    Windows-1252; binary is refused."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's "Unicode"
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return Rejected("", "marked as UTF-16 but not valid UTF-16; save it as UTF-8")
    elif b"\x00" in raw[:8192]:
        return Rejected("", "binary file (contains NUL bytes), not text")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1251" if _cyrillic_bytes(raw) else "cp1252")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and (controls / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05):
        return Rejected("", "binary file (mostly control or undecodable bytes), not text")
    return text


def _cyrillic_bytes(raw: bytes) -> bool:
    """Not UTF-8, and mostly bytes above 0xC0 where a Western text has ASCII letters: Russian
    saved in Windows-1251 (read as 1252 it would be "Àðìåíèÿ")."""
    sample = raw[:65536]
    high = sum(1 for b in sample if b >= 0xC0)
    latin = sum(1 for b in sample if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
    return high > 2 * latin


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
    try:
        extracted = clean.extract_html(html)
    except TooLargeError as exc:
        yield Rejected(name, str(exc))
        return
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


def read_jsonl(
    path: Path, start: int = 0, lines: int | None = None, first: int = 1
) -> Iterator[Document | Rejected]:
    """One article per line: id, text (required); url, title, published, lang (optional).

    `start`, `lines` and `first` read only a slice (see `Unit`).
    """
    name = _shown(path)
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
    if _looks_like_html(text):
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


def _shown(path: str | Path) -> str:
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
