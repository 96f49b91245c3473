"""Hypothesis strategies and checks shared by the fuzz tests of reading and ingest."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st


def is_reason(reason: object) -> bool:
    """A reason a person can read: words, not a traceback or an empty string."""
    return (
        isinstance(reason, str)
        and reason == reason.strip()
        and len(reason) >= 8
        and reason[0].isalpha()
        and " " in reason
        and "Traceback" not in reason
    )


ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be")
JUNK = (b"\x00", b"\xff", b"\xfe", b"\x81", b"\x8d", b"\xc3", b"\xe2\x80", b"\xef\xbb\xbf", b"\r")


@st.composite
def mixed_encodings(draw: st.DrawFn) -> bytes:
    """Text fragments each in its own encoding, with stray bytes between them."""
    out = b""
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        text = draw(st.text(max_size=40))
        out += text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        if draw(st.booleans()):
            out += draw(st.sampled_from(JUNK))
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            out += b"\n"
    return out


printable = st.characters(
    codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\ufffd"
)  # U+FFFD is what undecodable bytes become: a text of them reads as binary


TAGS = ("div", "p", "span", "b", "i", "table", "tr", "td", "li", "ul", "article", "section")


# JSON-lines records: good ones, and ones with a known defect in a named field.
good_text = st.text(alphabet=printable, min_size=1, max_size=300).filter(
    lambda t: t.strip() and "<" not in t  # no markup: HTML is extracted, and may hold no text
)
good_id = st.one_of(
    st.text(alphabet=printable, min_size=1, max_size=30).filter(str.strip),
    st.integers(min_value=-(10**12), max_value=10**12),
)
good_day = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
mistyped = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.booleans(),
)
BAD_DAYS = (
    "0001-01-01", "1066-10-14", "1899-12-31", "9999-12-31", "2999-01-01", "-0001-01-01",
    "14/09/2022", "2022-13-01", "2022-02-30", "yesterday", "Sept. 14, 2022", "0000-00-00",
)  # fmt: skip


@st.composite
def good_record(draw: st.DrawFn) -> dict[str, object]:
    record: dict[str, object] = {"id": draw(good_id), "text": draw(good_text)}
    for field in ("title", "url"):
        if draw(st.booleans()):
            record[field] = draw(st.one_of(st.none(), st.text(alphabet=printable, max_size=40)))
    if draw(st.booleans()):
        record["published"] = draw(st.one_of(st.none(), st.just(""), good_day.map(str)))
    if draw(st.booleans()):
        record["extra"] = draw(mistyped)  # fields bloc does not know are ignored
    return record


@st.composite
def bad_record(draw: st.DrawFn) -> tuple[dict[str, object], str]:
    """A record with one defect, and the field its reason must name."""
    record = draw(good_record())
    field = draw(st.sampled_from(("id", "text", "title", "url", "published", "published-day")))
    if field in ("id", "text") and draw(st.booleans()):
        del record[field]
    elif field == "id":
        not_int = mistyped.filter(lambda v: isinstance(v, bool) or not isinstance(v, int))
        record["id"] = draw(st.one_of(not_int, st.none(), st.just("  ")))
    elif field == "text":
        record["text"] = draw(st.one_of(mistyped, st.none(), st.just(""), st.just(" \t ")))
    elif field == "published-day":
        record["published"] = draw(st.sampled_from(BAD_DAYS))
        field = "published"
    else:
        record[field] = draw(mistyped)
    return record, field


# Dates with their precision (bloc.core.dated), from the first to the last day a store holds.
precisions = st.sampled_from(("day", "month", "year"))
any_day = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
