"""The derived English lexicon (text/lang/en/derived.py and derived_lexicon.tsv).

Small files in the derived format show what the reader accepts, expands and
refuses; the shipped file is loaded and, when the sources are on this machine
(../shared/data/lexicons), rebuilt and compared byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bloc.core.events import PLOVER_TYPES
from bloc.errors import LexiconError
from bloc.text.lang.en.derived import FILE, load, parse
from helpers import PLOVER, missing

LEXICONS = PLOVER.parent / "lexicons"
SCRIPTS = Path(__file__).resolve().parents[4] / "scripts"

SMALL = """\
# an invented lexicon in the derived format
@codes\tcode\ttype\tmode\tcontext
010\t\t\t
042\tCONSULT\tvisit\t
043\tCONSULT\tvisit\t
070\tAID\t\t
111\tACCUSE\tdisapprove\t
@verbs\tlemma\tparticle\tobject\tprep\tpobject\tcode\tforms\tgroups\tline
blarg\toff\t\t\t\t111\tblargs blarged blarging\tZORBLE:10\t12
zorble\t\t\t\t\t---\tzorbles zorbled zorbling\tZORBLE:10 FLOOP:20\t11
@patterns\tgroup\tobjects\tprep\tpobjects\tcode\tline
FLOOP:20\tparcel\t\t\t010\t22
FLOOP:20\twidget\t\t\t111\t23
ZORBLE:10\t\tto\t\t042:043\t14
ZORBLE:10\twidget\t\t\t070\t13
"""


def test_verbs_expand_into_their_groups_patterns_first_group_first() -> None:
    entries = parse(SMALL, "small.tsv")
    zorble = [e for e in entries if e.lemma == "zorble"]
    assert [(e.objects, e.prep, e.code) for e in zorble] == [
        ((), "to", "042:043"),
        (("widget",), "", "070"),  # FLOOP's widget (111) comes later and is left out
        (("parcel",), "", "010"),
    ]
    assert zorble[0].reverse == "CONSULT" and zorble[0].origin == "ZORBLE:14"
    assert zorble[2].type == ""  # a statement: no PLOVER event
    blarg = [e for e in entries if e.lemma == "blarg"]
    assert (blarg[0].particle, blarg[0].type, blarg[0].mode) == ("off", "ACCUSE", "disapprove")
    assert blarg[0].forms == ("blargs", "blarged", "blarging")
    assert len({e.key for e in entries}) == len(entries)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("070\tAID\t\t", "070\tHELP\t\t", "'HELP' is not a PLOVER type"),
        ("FLOOP:20\twidget\t\t\t111\t23", "FLOOP:20\twidget\t\t111\t23", "5 tab-separated fields"),
        ("ZORBLE:10\twidget\t\t\t070\t13", "ZORBLE:10\twidget\t\t\t071\t13", "'071' is not in"),
        ("FLOOP:20\tparcel\t\t\t010\t22", "FLOOP:20\tParcel\t\t\t010\t22", "not a lowercase word"),
        ("FLOOP:20\twidget\t\t\t111\t23", "FLOOP:20\tparcel\t\t\t111\t23", "the same as line"),
        ("ZORBLE:10 FLOOP:20", "ZORBLE:10 FLEEP:20", "group FLEEP:20 has no @patterns"),
        ("@verbs\tlemma", "@patterns\tlemma", "expected section @verbs"),
        ("FLOOP:20\tparcel\t\t\t010\t22", "FLOOP:20\t\t\tsome\t010\t22", "pobjects without a prep"),
    ],
)
def test_a_malformed_line_fails_with_file_and_line(old: str, new: str, problem: str) -> None:
    assert old in SMALL
    text = SMALL.replace(old, new, 1)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if new in row)
    with pytest.raises(LexiconError, match=problem) as caught:
        parse(text, "small.tsv")
    assert caught.value.line == line  # a missing group is named at the verb that names it
    assert str(caught.value).startswith(f"small.tsv, line {caught.value.line}: ")


def test_a_file_without_its_sections_is_refused() -> None:
    with pytest.raises(LexiconError, match="ends before its @patterns"):
        parse("# nothing but a comment\n", "empty.tsv")


def test_the_shipped_lexicon_loads_and_covers_every_plover_type() -> None:
    entries = load()
    assert {e.type for e in entries} - {""} == set(PLOVER_TYPES)
    assert len({e.lemma for e in entries if e.type}) >= 1000  # "thousands of verbs", not 392
    assert len({e.key for e in entries}) == len(entries)
    assert FILE.stat().st_size < 400_000
    text = FILE.read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in text and "MIT" in text and "scripts/derive_lexicon.py" in text
    assert (FILE.parent / "DERIVED_LEXICON_NOTICE.md").is_file()


def test_the_shipped_lexicon_is_what_the_script_makes_from_the_sources(tmp_path: Path) -> None:
    if not (LEXICONS / "petrarch2-CAMEO.2.0.txt").is_file():
        missing(f"PETRARCH-2's dictionary and PLOVER's table are not at {LEXICONS}")
    sys.path.insert(0, str(SCRIPTS))
    try:
        import derive_lexicon
    finally:
        sys.path.remove(str(SCRIPTS))
    out = tmp_path / "derived_lexicon.tsv"
    assert derive_lexicon.main([str(LEXICONS), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == FILE.read_text(encoding="utf-8"), (
        "derived_lexicon.tsv is stale: rebuild it with scripts/derive_lexicon.py"
    )
