"""One article's bytes as a Document (`bloc.text.read`), and the text cleaning and dating it
relies on; reading files and folders is tested in tests/ingest/test_sources.py."""

from __future__ import annotations

import datetime as dt

from bloc.model import Document, Rejected
from bloc.text.clean import clean_text
from bloc.text.lang.en.dates import sentence_date
from bloc.text.read import NO_TEXT, from_bytes, html_document, text_document

BODY = " ".join(["Armenia asked the CSTO for help on 2 March 2023 after the fighting."] * 4)
PAGE = (
    "<html><head><title>Talks in Yerevan</title></head><body>"
    f"<article><h1>Talks in Yerevan</h1><p>{BODY}</p></article></body></html>"
)


def test_bytes_are_read_as_text_or_html_by_what_they_are() -> None:
    plain = from_bytes("a.txt", b"Headline\n\nArmenia asked the CSTO for help.")
    assert isinstance(plain, Document) and (plain.kind, plain.title) == ("txt", "Headline")
    page = from_bytes("b", PAGE.encode())
    assert isinstance(page, Document) and page.kind == "html" and "<p>" not in page.text
    forced = from_bytes("c.txt", PAGE.encode(), html=False)  # a .txt file is read as written
    assert isinstance(forced, Document) and forced.kind == "txt" and "<p>" in forced.text


def test_bytes_that_are_no_article_are_refused_with_the_name() -> None:
    assert from_bytes("e.txt", b"") == Rejected("e.txt", "empty file")
    assert from_bytes("w.txt", b" \n ") == Rejected("w.txt", "empty file (only whitespace)")
    binary = from_bytes("x.bin", b"\x00\x01" * 100)
    assert isinstance(binary, Rejected) and binary.path == "x.bin" and "binary" in binary.reason
    assert html_document("n.html", "<html><body><nav>Home</nav></body></html>") == Rejected(
        "n.html", NO_TEXT
    )


def test_a_date_given_wins_and_a_found_one_can_be_refused() -> None:
    day = dt.date(2023, 3, 5)
    given = html_document("p", PAGE, day)
    assert isinstance(given, Document) and given.published == day
    found = html_document("p", PAGE)
    assert isinstance(found, Document) and found.published == dt.date(2023, 3, 2)
    refused = html_document("p", PAGE, usable=lambda d: d.year > 2023)
    assert isinstance(refused, Document) and refused.published is None
    text = "Headline\n\nMay 09, 2023\n\nArmenia asked."
    assert text_document("t", text).published == dt.date(2023, 5, 9)
    assert text_document("t", text, usable=lambda d: False).published is None


def test_clean_text_drops_page_furniture() -> None:
    text = (
        "Sign up for our newsletter\nEXXON Mobil -0.35\nOpen57.81 Trading Vol.6.96M\n"
        "A photo caption. REUTERS/Someone\n"
        "The alliance met in Minsk on Monday and discussed the border.\n"
    )
    assert clean_text(text) == "The alliance met in Minsk on Monday and discussed the border."


def test_captions_bylines_and_read_more_blocks_are_not_the_story() -> None:
    """Issue 14: furniture around wire copy, including other stories' quoted headlines."""
    text = (
        "Armenia asked Russia for help on Monday, officials said.\n\n"
        "Photo: Armenian soldiers near the border. (Reuters/Jane Roe)\n\n"
        "By Anna Petrova\n\n"
        'Also read: "Russia accuses Armenia of betrayal"\n\n'
        "READ MORE\n"
        "Kazakhstan condemns Kyrgyzstan over border shooting\n"
        "- Armenia refuses to host CSTO drills on its soil\n"
    )
    assert clean_text(text) == "Armenia asked Russia for help on Monday, officials said."


def test_sentence_dates() -> None:
    published = dt.date(2022, 10, 18)
    assert sentence_date("On September 14, it asked.", published) == (dt.date(2022, 9, 14), "day")
    assert sentence_date("In April 2021 they clashed.", published) == (dt.date(2021, 4, 1), "month")
    assert sentence_date("It was cancelled in early October.", published) == (
        dt.date(2022, 10, 1),
        "month",
    )
    assert sentence_date("The war of 2020.", published) == (dt.date(2020, 1, 1), "year")
    assert sentence_date("The war went on.", published) is None
    assert sentence_date("Fighting in 2020 ended.", published) == (dt.date(2020, 1, 1), "year")
    assert sentence_date("They met last month.", published) == (dt.date(2022, 9, 1), "month")
    assert sentence_date("Cancelled (Interfax, October 9).", published) is None


def test_dates_as_a_reader_takes_them() -> None:
    """Issue 14: relative phrases and bare months against the publication date."""
    january = dt.date(2023, 1, 18)  # a Wednesday
    # a bare month is the latest such month before publication: last year's February
    assert sentence_date("The ministers met in February.", january) == (
        dt.date(2022, 2, 1),
        "month",
    )
    assert sentence_date("Earlier this year it asked for help.", january) == (
        dt.date(2023, 1, 1),
        "year",
    )
    december = (dt.date(2022, 12, 1), "month")
    assert sentence_date("It asked for help last month.", january) == december
    # a recap with its own full date keeps it, whatever the publication
    assert sentence_date("On 14 September 2021 it asked for help.", january) == (
        dt.date(2021, 9, 14),
        "day",
    )
    # "last week" names no day: the month it fell in, not an invented day
    assert sentence_date("It asked for help last week.", dt.date(2023, 2, 3)) == (
        dt.date(2023, 1, 1),
        "month",
    )
    assert sentence_date("It asked on Wednesday.", january) == (january, "day")


def test_sentence_dates_at_the_ends_of_the_calendar() -> None:
    """Relative dates before year 1 name no date (they used to raise OverflowError)."""
    first = dt.date.min
    for phrase in ("yesterday", "last week", "last month", "last year", "last Monday", "in March"):
        assert sentence_date(f"They met {phrase}.", first) is None, phrase
    assert sentence_date("They met today.", first) == (first, "day")
    assert sentence_date("They met yesterday.", dt.date.max) == (dt.date(9999, 12, 30), "day")
