"""A batch of good articles among fuzzed bad files, through `bloc.ingest.ingest`.

Every good article is stored with its evidence, every bad file (or bad line of
a JSON-lines file) is named in `summary.skipped` with a reason, and nothing
raises. (Kept apart from test_ingest.py, which others are editing; it belongs
with it.)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bloc.ingest import ingest
from bloc.read import MAX_BYTES
from bloc.store import Store
from test_read import TAGS, _is_reason, bad_record, mixed_encodings

# Short news items in the project's own words, each coded into at least one event.
GOOD_TEXTS = {
    "kazakhstan.txt": (
        "Unrest in Kazakhstan\n\n6 January 2022\n\n"
        "Kazakhstan asked the CSTO for troops on 5 January 2022. "
        "Russia sent peacekeepers to Kazakhstan in January 2022.\n"
    ),
    "border.txt": (
        "Fighting on the border\n\n14 September 2022\n\n"
        "Azerbaijani troops attacked Armenian positions on 13 September 2022.\n\n"
        "Tajikistan accused Kyrgyzstan of shelling its border villages on 14 September 2022.\n"
    ),
    "treaty.md": (
        "Minsk and Moscow\n\nApril 5, 2023\n\n"
        "Belarus signed a defence agreement with Russia on 4 April 2023.\n"
    ),
}
GOOD_PAGE = (
    "<html><head><title>Armenia and the alliance</title></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>Armenia and the alliance</h1>"
    "<p>Published 24 February 2024.</p>"
    "<p>Armenia froze its participation in the CSTO in February 2024, its leaders said "
    "this week, after months of open disagreement with the other members.</p>"
    "</article></body></html>"
)
GOOD_RECORDS = [
    {
        "id": "finland-nato",
        "published": "2023-04-05",
        "text": "Finland joined NATO on 4 April 2023, ending decades of non-alignment.",
    },
    {
        "id": "poland-consults",
        "published": "2022-02-25",
        "text": "Poland requested consultations with NATO in February 2022.",
    },
]


@st.composite
def bad_files(draw: st.DrawFn) -> list[tuple[str, bytes, str]]:
    """Bad files: (name, content, what the reason must say)."""
    chosen: list[tuple[str, bytes, str]] = []
    kinds = draw(
        st.lists(
            st.sampled_from(
                ("binary", "empty", "blank", "no-text", "tags", "oversize", "latin1-name", "mixed")
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    for n, kind in enumerate(kinds):
        if kind == "binary":
            content = b"\x00" + draw(st.binary(max_size=500))
            chosen.append((f"bad{n}.bin", content, "binary"))
        elif kind == "empty":
            chosen.append((f"bad{n}{draw(st.sampled_from(('.txt', '.html', '')))}", b"", "empty"))
        elif kind == "blank":
            blank = draw(st.text(alphabet=" \t\r\n\f", min_size=1, max_size=50)).encode()
            chosen.append((f"bad{n}.txt", blank, "empty"))
        elif kind == "no-text":
            tags = draw(st.lists(st.sampled_from(TAGS), max_size=40))
            words = draw(st.lists(st.sampled_from(("Armenia", "the", "CSTO")), max_size=5))
            page = "<html><body>" + "".join(f"<{t}>" for t in tags) + " ".join(words)
            chosen.append((f"bad{n}.html", page.encode(), "no article text"))
        elif kind == "tags":
            count = draw(st.integers(min_value=50_001, max_value=80_000))
            chosen.append((f"bad{n}.htm", b"<html><body>" + b"<i>" * count, "tags"))
        elif kind == "oversize":
            chosen.append((f"bad{n}.txt", b"", "too large"))  # made sparse when written
        elif kind == "latin1-name":
            chosen.append((f"bad{n}-r\udce9sum\udce9.bin", b"\x00\x01" * 64, "binary"))
        else:
            content = draw(mixed_encodings())
            chosen.append((f"bad{n}.bin", b"\x00" + content, "binary"))
    return chosen


def _write(folder: Path, name: str, content: bytes, reason: str) -> None:
    path = Path(folder / name)
    if reason == "too large":
        with path.open("wb") as handle:
            handle.write(b"Armenia asked the CSTO for help. ")
            handle.truncate(MAX_BYTES + 1)
    else:
        path.write_bytes(content)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # about a second each: a fresh store per example
@given(
    bad=bad_files(),
    bad_lines=st.lists(bad_record(), max_size=6),
    shuffle=st.randoms(use_true_random=False),
)
def test_good_articles_are_stored_and_each_bad_file_is_named(
    bad: list[tuple[str, bytes, str]],
    bad_lines: list[tuple[dict[str, object], str]],
    shuffle: object,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inbox"
        folder.mkdir()
        for name, text in GOOD_TEXTS.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "armenia.html").write_text(GOOD_PAGE, encoding="utf-8")
        lines = [json.dumps(r) for r in GOOD_RECORDS] + [json.dumps(r) for r, _ in bad_lines]
        shuffle.shuffle(lines)  # type: ignore[attr-defined]
        (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for name, content, reason in bad:
            _write(folder, name, content, reason)

        db = Path(tmp) / "bloc.duckdb"
        summary = ingest([folder], db=db)

        good_ids = {str(folder / name) for name in (*GOOD_TEXTS, "armenia.html")}
        good_ids |= {str(r["id"]) for r in GOOD_RECORDS}
        assert summary.read == summary.stored == len(good_ids)
        with Store.open(db) as store:
            stored = {row[0] for row in store.con.execute("SELECT id FROM documents").fetchall()}
            cited = {
                row[0]
                for row in store.con.execute("SELECT DISTINCT document FROM evidence").fetchall()
            }
        assert stored == good_ids
        assert good_ids <= cited  # each good article gave at least one event

        # Every bad file, and every bad line of the feed, is named with its reason.
        skipped = {r.path: r.reason for r in summary.skipped}
        assert all(_is_reason(reason) for reason in skipped.values())
        for name, _, reason in bad:
            shown = str(folder / name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            assert reason in skipped[shown], (name, skipped.get(shown))
        feed = [p for p in skipped if p.startswith(f"{folder / 'feed.jsonl'}:")]
        assert len(feed) == len(bad_lines)
        assert len(summary.skipped) == len(bad) + len(bad_lines)
