"""Reading files and folders: text, HTML and JSON lines, every bad file or line named with its
reason (`bloc.ingest.sources`, `bloc.ingest.documents`)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc.ingest.documents import JSONL_SUFFIXES
from bloc.ingest.sources import read_paths
from bloc.model import Document, Rejected
from bloc.text.clean import MAX_TAGS
from bloc.text.dates import find_publication_date
from bloc.text.lang.en.dates import sentence_date
from bloc.text.read import MAX_BYTES
from strategies import (
    TAGS,
    bad_record,
    good_record,
    is_reason,
    mistyped,
    mixed_encodings,
    printable,
)


def test_plain_text_dates_are_found_where_printed(tmp_path: Path) -> None:
    assert find_publication_date("Title\n\nMay 09, 2023\n171 views\n") == dt.date(2023, 5, 9)
    assert find_publication_date("The war – DW – 25.11.2022\n") == dt.date(2022, 11, 25)
    assert find_publication_date("A headline\n\nNo date here at all.") is None


def test_an_undated_text_is_read_as_undated_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Headline\n\nArmenia asked the CSTO for help.", encoding="utf-8")
    (doc,) = list(read_paths([path]))
    assert isinstance(doc, Document) and doc.published is None and doc.id == str(path)
    (given,) = list(read_paths([path], published=dt.date(2022, 9, 20)))
    assert isinstance(given, Document) and given.published == dt.date(2022, 9, 20)


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps(
            {
                "id": "a1",
                "url": "https://example.org/a1",
                "title": "T",
                "published": "2022-09-14",
                "text": "Armenia asked the CSTO for help.",
            }
        ),
        "{not json",
        json.dumps({"id": "a2", "text": 42}),
        json.dumps({"url": "x", "text": "no id"}),
        json.dumps({"id": "a3", "published": "14/09/2022", "text": "Text."}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "a4", "text": "Kazakhstan asked the CSTO for troops."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([path]))
    docs = [i for i in items if isinstance(i, Document)]
    bad = {i.path.rsplit(":", 1)[1]: i.reason for i in items if isinstance(i, Rejected)}
    assert [d.id for d in docs] == ["a1", "a4"]
    assert docs[0].published == dt.date(2022, 9, 14) and docs[0].url == "https://example.org/a1"
    assert "not valid JSON" in bad["2"]
    assert "'text' must be a string" in bad["3"]
    assert "missing field 'id'" in bad["4"]
    assert "not an ISO date" in bad["5"]
    assert "expected a JSON object" in bad["6"]


def test_html_is_extracted_and_its_furniture_dropped(tmp_path: Path) -> None:
    body = " ".join(["Armenia asked the CSTO for help after the border fighting."] * 4)
    page = (
        "<html><head><title>Alliance news</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Alliance news</h1><p>{body}</p></article>"
        "<footer>Sign up for our newsletter</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    (doc,) = list(read_paths([path]))
    assert isinstance(doc, Document)
    assert "Armenia asked the CSTO" in doc.text and "newsletter" not in doc.text


def test_bad_files_are_named_with_their_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.html").write_text("<html><body><div><p>unclosed <b>tag <script>x")
    reasons = {
        Path(i.path).name: i.reason for i in read_paths([tmp_path]) if isinstance(i, Rejected)
    }
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["blob.bin"]
    assert "no article text" in reasons["broken.html"]
    missing = list(read_paths([tmp_path / "nope.txt"]))
    assert isinstance(missing[0], Rejected) and "no such file" in missing[0].reason


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes("Headline\n\nThe minister’s visit to Yerevan.".encode("cp1252"))
    (doc,) = list(read_paths([path]))
    assert isinstance(doc, Document) and "minister’s" in doc.text


# -- fuzzing the readers (Hypothesis) -----------------------------------------
# Whatever the bytes, a reader yields Documents (with text and an id) or
# Rejected records naming the file (and line) with a reason in words, and every
# non-blank line of a JSON-lines file is accounted for.

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = (".txt", ".html", ".htm", ".md", ".jsonl", ".json", ".ndjson", "", ".bin", ".xml")
HANG_GUARD = 10.0
"""Seconds one fuzzed file may take to read: a hang guard, not a speed test
(most take milliseconds; 30,000 nested tags about 0.5 s on a loaded machine)."""


def _read(folder: Path, name: str, data: bytes) -> tuple[Path, list[Document | Rejected]]:
    path = folder / name
    path.write_bytes(data)
    began = time.perf_counter()
    items = list(read_paths([path]))
    assert time.perf_counter() - began < HANG_GUARD
    for item in items:
        assert isinstance(item, Document | Rejected)
        if isinstance(item, Document):
            assert isinstance(item.id, str) and item.id.strip() and item.text.strip()
        else:
            assert is_reason(item.reason), item.reason
            assert item.path == str(path) or item.path.startswith(f"{path}:")
    if path.suffix.lower() not in JSONL_SUFFIXES:
        assert len(items) == 1
        assert (
            items[0].path == str(path)
            if isinstance(items[0], Rejected)
            else items[0].id == str(path)
        )
    else:
        _assert_lines_accounted(path, data, items)
    return path, items


def _line(item: Document | Rejected) -> int:
    """The line of a JSON-lines file an item came from ("batch.jsonl:7")."""
    where = item.origin if isinstance(item, Document) else item.path
    return int(where.rsplit(":", 1)[1])


def _assert_lines_accounted(path: Path, data: bytes, items: list[Document | Rejected]) -> None:
    """Each non-blank line gives exactly one item, named by its line number."""
    wanted = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    if not wanted:  # a file with no records is itself refused, once
        assert len(items) == 1 and isinstance(items[0], Rejected) and items[0].path == str(path)
        return
    assert [_line(i) for i in items] == wanted


@FUZZ
@given(data=st.binary(max_size=6_000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_break_a_reader(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _read(Path(folder), f"random{suffix}", data)


@FUZZ
@given(data=mixed_encodings(), suffix=st.sampled_from((".txt", ".html", "", ".jsonl")))
def test_mixed_encodings_and_nul_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _read(Path(folder), f"mixed{suffix}", data)


@FUZZ
@given(
    text=st.text(alphabet=printable, min_size=1, max_size=2_000).filter(str.strip),
    encoding=st.sampled_from(("utf-8", "utf-8-sig", "utf-16")),
)
def test_unicode_text_files_are_read_back_exactly(text: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _, (doc,) = _read(Path(folder), "article.txt", text.encode(encoding))
    assert isinstance(doc, Document) and doc.text == text


MARKUP = (
    "<!--", "-->", "<script>", "</script>", "<style>", "<", ">", "&", "&#0;", "&#xD800;",
    "&amp", "<![CDATA[", "<?xml", "<html>", "<body>", "</html>", "<p class='x", '<a href="',
)  # fmt: skip


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    """HTML with tags opened and never closed, closed and never opened, comments cut off."""
    tokens = draw(
        st.lists(
            st.one_of(
                st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
                st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
                st.sampled_from(MARKUP),
                st.text(max_size=30),
                st.just("Armenia asked the CSTO for help after the border fighting began."),
            ),
            max_size=120,
        )
    )
    return "".join(tokens)


@FUZZ
@given(html=tag_soup(), suffix=st.sampled_from((".html", "", ".txt")))
def test_broken_html_is_read_or_refused(html: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _read(Path(folder), f"page{suffix}", html.encode())


@settings(FUZZ, max_examples=6)
@given(
    depth=st.integers(min_value=10_000, max_value=30_000),
    tag=st.sampled_from(TAGS),
    closed=st.booleans(),
    as_jsonl=st.booleans(),
)
def test_deeply_nested_html(depth: int, tag: str, closed: bool, as_jsonl: bool) -> None:
    prose = " ".join(["Armenia asked the CSTO for help after the border fighting."] * 4)
    html = f"<html><body>{f'<{tag}>' * depth}<p>{prose}</p>"
    if closed:
        html += f"</{tag}>" * depth + "</body></html>"
    with tempfile.TemporaryDirectory() as folder:
        if as_jsonl:
            _read(Path(folder), "nested.jsonl", json.dumps({"id": "n", "text": html}).encode())
        else:
            _read(Path(folder), "nested.html", html.encode())


@st.composite
def jsonl_file(draw: st.DrawFn) -> tuple[bytes, dict[int, str]]:
    """Lines of a JSON-lines file, and what each numbered line must give:
    'good', a field name its rejection must name, or '?' for anything."""
    lines: list[bytes] = []
    expect: dict[int, str] = {}
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        kind = draw(st.sampled_from(("good", "good", "bad", "junk", "blank", "shape")))
        if kind == "good":
            line = json.dumps(draw(good_record()), ensure_ascii=draw(st.booleans()))
            expect[len(lines) + 1] = "good"
        elif kind == "bad":
            record, field = draw(bad_record())
            line = json.dumps(record)
            expect[len(lines) + 1] = field
        elif kind == "shape":  # valid JSON that is no article
            shape = st.one_of(mistyped, st.none(), st.text(max_size=20))
            line = json.dumps(draw(shape.filter(lambda v: not isinstance(v, dict))))
            expect[len(lines) + 1] = "a JSON object"
        elif kind == "blank":
            line = draw(st.sampled_from(("", " ", "\t", "\r")))
        else:
            raw = draw(st.one_of(st.binary(max_size=200), mixed_encodings()))
            raw = raw.replace(b"\n", b" ")
            lines.append(raw)
            if raw.strip():
                expect[len(lines)] = "?"
            continue
        lines.append(line.encode())
    return b"\n".join(lines) + draw(st.sampled_from((b"", b"\n"))), expect


@settings(FUZZ, max_examples=80)
@given(content=jsonl_file())
def test_jsonl_every_line_is_accounted_for_and_good_records_survive(
    content: tuple[bytes, dict[int, str]],
) -> None:
    data, expect = content
    with tempfile.TemporaryDirectory() as folder:
        _, items = _read(Path(folder), "batch.jsonl", data)
    if not expect:
        return  # blank lines only: refused as a whole (checked in _read)
    by_line = {_line(i): i for i in items}
    for number, wanted in expect.items():
        item = by_line[number]
        if wanted == "good":
            assert isinstance(item, Document), (number, item)
        elif wanted != "?":
            assert isinstance(item, Rejected), (number, item)
            assert wanted in item.reason, (wanted, item.reason)


@settings(FUZZ, max_examples=5)
@given(
    size=st.integers(min_value=1_000_000, max_value=4_000_000),
    unit=st.sampled_from(("a", "word ", "Ärmenia ", "Hi. ", "\t", "<p>")),
    suffix=st.sampled_from((".txt", "", ".md", ".jsonl")),
)
def test_enormous_single_lines(size: int, unit: str, suffix: str) -> None:
    line = (unit * (size // len(unit) + 1))[:size]
    with tempfile.TemporaryDirectory() as folder:
        _, items = _read(Path(folder), f"line{suffix}", line.encode())
    if suffix == ".jsonl" and line.strip():
        assert isinstance(items[0], Rejected) and "not valid JSON" in items[0].reason
    elif suffix in (".txt", ".md") and line.strip():
        assert isinstance(items[0], Document) and items[0].text == line


@FUZZ
@given(
    day=st.dates(),
    style=st.sampled_from(("%B %d, %Y", "%d %B %Y", "%d.%m.%Y", "%Y-%m-%d", "%b. %d, %Y")),
)
def test_printed_dates_far_in_the_past_or_future(day: dt.date, style: str) -> None:
    """A header date of the 20th or 21st century is the publication date; others are ignored."""
    printed = day.strftime(style) if day.year >= 1000 else f"{day.year}-{day:%m-%d}"
    text = f"Headline\n\n{printed}\n\nArmenia asked the CSTO for help."
    with tempfile.TemporaryDirectory() as folder:
        _, (doc,) = _read(Path(folder), "dated.txt", text.encode())
    assert isinstance(doc, Document)
    if 1900 <= day.year <= 2099:
        assert doc.published == day, printed
    else:
        assert doc.published is None, printed
    found = sentence_date(f"It happened {printed}.", day)  # read against that very day
    assert found is None or found[0] <= max(day, dt.date(2099, 12, 31))


def test_empty_and_blank_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    for suffix in (".txt", ".html", ".md", "", ".jsonl"):
        empty, blank = tmp_path / f"empty{suffix}", tmp_path / f"blank{suffix}"
        empty.write_bytes(b"")
        blank.write_bytes(b" \n\t\r\n  \n")
        ((got_empty,), (got_blank,)) = list(read_paths([empty])), list(read_paths([blank]))
        assert isinstance(got_empty, Rejected) and got_empty.path == str(empty)
        assert isinstance(got_blank, Rejected) and got_blank.path == str(blank)
        assert got_empty.reason.startswith("empty file") and got_blank.reason.startswith("empty")
        if suffix != ".jsonl":
            assert got_empty.reason == "empty file"
            assert got_blank.reason == "empty file (only whitespace)"


def test_files_of_50_mb_are_refused_by_size_quickly(
    tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    size = 50 * 1024 * 1024
    paths = []
    for name, head in (
        ("huge.txt", b"Armenia asked the CSTO for help. "),
        ("huge.html", b"<html><body><p>Armenia asked the CSTO for help.</p>"),
        ("huge.jsonl", b'{"id": "big", "text": "'),
    ):
        path = tmp_path / name
        with path.open("wb") as handle:  # sparse: the rest of the file is a hole
            handle.write(head)
            handle.truncate(size)
        paths.append(path)
    jsonl = tmp_path / "mixed.jsonl"  # a 50 MB line between two good ones
    with jsonl.open("wb") as handle:
        handle.write(json.dumps({"id": "a", "text": "Kazakhstan asked for help."}).encode())
        handle.write(b'\n{"id": "b", "text": "')
        handle.seek(size, 1)
        handle.write(b'"}\n' + json.dumps({"id": "c", "text": "Armenia asked too."}).encode())
    began = time.perf_counter()
    items = list(read_paths([*paths, jsonl]))
    seconds = time.perf_counter() - began
    record_property("measured", f"four 50 MB files refused in {seconds:.2f} s")
    assert seconds < 5
    limit = f"the limit is {MAX_BYTES:,}"
    rejected = {Path(i.path).name: i.reason for i in items if isinstance(i, Rejected)}
    assert rejected["huge.txt"] == f"too large ({size:,} bytes; {limit})"
    assert rejected["huge.html"] == f"too large ({size:,} bytes; {limit})"
    assert rejected["huge.jsonl:1"] == f"line too long ({size:,} bytes; {limit})"
    line = len(b'{"id": "b", "text": "') + size + len(b'"}\n')
    assert rejected["mixed.jsonl:2"] == f"line too long ({line:,} bytes; {limit})"
    assert [d.id for d in items if isinstance(d, Document)] == ["a", "c"]
    assert [d.origin.rsplit(":", 1)[1] for d in items if isinstance(d, Document)] == ["1", "3"]


def test_a_page_of_too_many_tags_is_refused_before_extraction(tmp_path: Path) -> None:
    """8 MB of empty <div>s took about a minute in the extractor; now it is refused at once."""
    prose = "<p>" + "Armenia asked the CSTO for help after the border fighting. " * 4 + "</p>"
    path = tmp_path / "divs.html"
    filler = "<div></div>" * ((MAX_BYTES - 1_000) // len("<div></div>"))
    path.write_text(f"<html><body>{filler}{prose}</body></html>")
    began = time.perf_counter()
    (item,) = list(read_paths([path]))
    assert time.perf_counter() - began < 5
    assert isinstance(item, Rejected) and f"more than the {MAX_TAGS:,}" in item.reason
    tags = f"{filler.count('<div>') + 3:,}"  # and <html>, <body>, <p>
    assert f"HTML with {tags} tags" in item.reason
    # The same text with a normal page around it is read.
    path.write_text(f"<html><body>{'<div></div>' * 1_000}{prose}</body></html>")
    (page,) = list(read_paths([path]))
    assert isinstance(page, Document) and "Armenia asked the CSTO" in page.text


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    text = "Headline\n\nKazakhstan’s president asked the CSTO for help."
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        raw = text.encode(encoding)
        path.write_bytes(raw if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else b"\xfe\xff" + raw)
        (doc,) = list(read_paths([path]))
        assert isinstance(doc, Document) and doc.text == text
    broken = tmp_path / "broken16.txt"
    broken.write_bytes(b"\xff\xfe" + "Armenia".encode("utf-16-le") + b"\x00\xd8")  # cut pair
    (bad,) = list(read_paths([broken]))
    assert isinstance(bad, Rejected) and "UTF-16" in bad.reason


def test_json_that_python_cannot_hold_is_refused_per_line(tmp_path: Path) -> None:
    """Deep nesting and 5,000-digit numbers used to raise out of the reader, ending the batch."""
    path = tmp_path / "odd.jsonl"
    good = json.dumps({"id": "ok", "text": "Armenia asked the CSTO for help."})
    path.write_text(
        "\n".join(
            [
                "[" * 100_000,
                '{"id": ' + "[" * 5_000 + "]" * 5_000 + ', "text": "x"}',
                '{"id": ' + "7" * 5_000 + ', "text": "x"}',
                '{"id": "s\\ud800", "text": "Armenia asked the CSTO for help."}',
                '{"id": "t", "title": "T\\udfff", "text": "Armenia \\ud83d asked the CSTO."}',
                good,
            ]
        )
    )
    items = list(read_paths([path]))
    reasons = {_line(i): i.reason for i in items if isinstance(i, Rejected)}
    assert "nested too deeply" in reasons[1] and "nested too deeply" in reasons[2]
    assert "4300 digits" in reasons[3]
    assert "surrogate" in reasons[4] and "'id'" in reasons[4]
    docs = {d.id: d for d in items if isinstance(d, Document)}
    assert set(docs) == {"t", "ok"}
    assert docs["t"].text == "Armenia \ufffd asked the CSTO." and docs["t"].title == "T\ufffd"
    assert all(is_reason(r) for r in reasons.values())


def test_file_names_that_are_not_utf8_are_shown_and_stored_safely(tmp_path: Path) -> None:
    """A Latin-1 file name used to reach the store as a lone surrogate and crash the ingest."""
    folder = bytes(tmp_path)
    with open(folder + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Headline\n\nKazakhstan asked the CSTO for help.")
    with open(folder + b"/r\xe9sum\xe9.bin", "wb") as handle:
        handle.write(b"\x00\x01\x02" * 100)
    items = list(read_paths([tmp_path]))
    assert {Path(i.id if isinstance(i, Document) else i.path).name for i in items} == {
        "caf\ufffd.txt",
        "r\ufffdsum\ufffd.bin",
    }
    for item in items:
        (item.id if isinstance(item, Document) else item.path).encode("utf-8")  # no surrogates
