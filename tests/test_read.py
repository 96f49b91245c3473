from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bloc.clean import clean_text
from bloc.dates import find_publication_date, sentence_date
from bloc.model import Document, Rejected
from bloc.read import read_paths


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


def test_clean_text_drops_page_furniture() -> None:
    text = (
        "Sign up for our newsletter\nEXXON Mobil -0.35\nOpen57.81 Trading Vol.6.96M\n"
        "A photo caption. REUTERS/Someone\n"
        "The alliance met in Minsk on Monday and discussed the border.\n"
    )
    assert clean_text(text) == "The alliance met in Minsk on Monday and discussed the border."


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
