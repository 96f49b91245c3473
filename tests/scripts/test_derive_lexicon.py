"""scripts/derive_lexicon.py: PETRARCH-2's verb dictionary and PLOVER's table to bloc's lexicon.

The dictionary and table excerpts here are invented (made-up verbs in the sources'
formats), so each rule of the conversion is seen on its own; the real sources are
rebuilt in tests/text/lang/en/test_derived.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from bloc.errors import LexiconError
from bloc.text.lang.en.derived import DerivedEntry, parse

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

DICTIONARY = """\
# an invented excerpt in the format of PETRARCH-2's CAMEO verb dictionary
####### SYNONYM SETS #######

&GADGET
+WIDGET
+SPROCKET_
+FLUX_CAPACITOR

####### VERB PATTERNS #######

---  ZORBLE   [---]  ---
ZORBLE
FRIMBLE {FRIMBLES FRIMBLED FRIMBLING}  [0231]
+BLARG_OFF {+BLARGS_OFF +BLARGED_OFF +BLARGING_OFF} [161]
+GLOMP_FOR
- * &GADGET                                         [072]   # ZORBLE
- * TREATY (WITH +)                                 [057]
- * {SHINY PARCEL}                                  [073]
- * PARCEL                                          [070]
- SMUGGLERS * CRATE                                 [173]
- * CRATE BARREL                                    [071]
- * (TO) (FROM)                                     [042]
- * (TO)                                            [042:043]
- * NONSENSE                                        [---]
- * &UNDEFINED                                      [080]

---  QUASH   [170]  ---
QUASH
"""

TABLE = """\
# an invented excerpt in the format of the PLOVER authors' CAMEO2PLOVER table
04: CONSULT
042: CONSULT, visit,   # make a visit
043: CONSULT, visit,   # host a visit
05: SUPPORT
057: SUPPORT,  , diplomatic # sign
07: AID
070: AID,   ,  # aid
072: AID,   ,   military # military aid
073: AID,   ,   humanitarian # humanitarian aid
16: SANCTION
161: SANCTION, withdraw,   diplomatic # break relations
17: COERCE
170: COERCE, ,    # coerce
173: COERCE, arrest, legal  # arrest
~~~~~
"""


@pytest.fixture(scope="module")
def script() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    try:
        import derive_lexicon
    finally:
        sys.path.remove(str(SCRIPTS))
    return derive_lexicon


def plain(words: Iterable[str], part: str) -> dict[str, tuple[str, bool]]:
    """A stand-in lemmatiser: nouns lose a plural -s, verbs stay as written."""
    out = {}
    for word in words:
        lemma = word[:-1] if part == "noun" and word.endswith("s") and len(word) > 3 else word
        out[word] = (lemma.lower(), True)
    return out


def derived(
    script: ModuleType, tmp_path: Path, dictionary: str = DICTIONARY
) -> tuple[object, tuple[DerivedEntry, ...], str]:
    (tmp_path / "verbs.txt").write_text(dictionary, encoding="utf-8")
    (tmp_path / "table.txt").write_text(TABLE, encoding="utf-8")
    report = script.derive(tmp_path / "verbs.txt", tmp_path / "table.txt", plain)
    text = script.render(report, tmp_path / "verbs.txt", tmp_path / "table.txt")
    return report, parse(text, "derived.tsv"), text


def by(entries: tuple[DerivedEntry, ...], lemma: str) -> dict[tuple[object, ...], DerivedEntry]:
    return {e.key[1:]: e for e in entries if e.lemma == lemma}


def test_patterns_become_object_and_preposition_entries(script: ModuleType, tmp_path: Path) -> None:
    _, entries, _ = derived(script, tmp_path)
    zorble = by(entries, "zorble")
    gadgets = zorble[("", ("capacitor", "sprocket", "widget"), "", ())]
    assert (gadgets.type, gadgets.context, gadgets.code) == ("AID", "military", "072")
    treaty = zorble[("", ("treaty",), "with", ("+",))]
    assert (treaty.type, treaty.context) == ("SUPPORT", "diplomatic")
    visit = zorble[("", (), "to", ())]
    assert (visit.code, visit.type, visit.mode, visit.reverse) == (
        "042:043",
        "CONSULT",
        "visit",
        "CONSULT",
    )
    # "{SHINY PARCEL}" cut to its head meets "PARCEL": the one written as it is wins
    assert zorble[("", ("parcel",), "", ())].code == "070"
    # the block is no event on its own; its patterns are
    assert ("", (), "", ()) not in zorble
    assert zorble[("", ("nonsense",), "", ())].type == ""


def test_verbs_keep_their_own_code_forms_and_words(script: ModuleType, tmp_path: Path) -> None:
    _, entries, _ = derived(script, tmp_path)
    frimble = by(entries, "frimble")[("", (), "", ())]
    assert frimble.code == "0231" and frimble.type == ""  # appeals: no row in PLOVER's table
    assert frimble.forms == ("frimbles", "frimbled", "frimbling")
    blarg = by(entries, "blarg")[("off", (), "", ())]
    assert (blarg.type, blarg.mode, blarg.forms) == (
        "SANCTION",
        "withdraw",
        ("blargs", "blarged", "blarging"),
    )
    assert by(entries, "zorble")[("", (), "to", ())].forms == ("zorbles", "zorbled", "zorbling")
    # "glomp for": the pattern's object is the object of "for" in a dependency parse
    glomp = by(entries, "glomp")
    assert glomp[("", (), "for", ("capacitor", "sprocket", "widget"))].code == "072"
    assert by(entries, "quash")[("", (), "", ())].type == "COERCE"


def test_what_cannot_be_converted_is_counted(script: ModuleType, tmp_path: Path) -> None:
    report, _, _ = derived(script, tmp_path)
    assert report.unexpressible["words before the verb"] == 1
    assert report.unexpressible["two or more object nouns"] == 1
    assert report.unexpressible["two or more prepositional phrases"] == 1
    assert report.unexpressible["an undefined synonym set (PETRARCH skips these too)"] == 1
    assert report.untyped == {"0231": 1}
    assert report.counts["patterns"] == 10
    assert report.counts["patterns converted"] == 6
    lines = "\n".join(report_lines for report_lines in _summary(script, tmp_path))
    assert "words before the verb: 1" in lines and "02: 1" in lines


def _summary(script: ModuleType, tmp_path: Path) -> list[str]:
    report, entries, _ = derived(script, tmp_path)
    lines: list[str] = script.summary(report, entries)
    return lines


def test_the_output_is_sorted_and_the_same_every_time(script: ModuleType, tmp_path: Path) -> None:
    _, _, first = derived(script, tmp_path)
    _, _, again = derived(script, tmp_path)
    assert first == again
    verbs = first.split("@verbs")[1].split("@patterns")[0].strip().splitlines()[1:]
    assert verbs == sorted(verbs)


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("- * PARCEL", "a pattern is"),
        ("- * (TO PARCEL                 [070]", "unclosed"),
        ("---  ZORBLE   ---", "block heading"),
        ("+WARBLE_+GARBLE", "marks its one verb"),
    ],
)
def test_a_malformed_dictionary_line_fails_with_file_and_line(
    script: ModuleType, tmp_path: Path, broken: str, problem: str
) -> None:
    lines = DICTIONARY.splitlines()
    at = lines.index("- * PARCEL                                          [070]")
    lines[at] = broken
    with pytest.raises(LexiconError, match=problem) as caught:
        derived(script, tmp_path, "\n".join(lines) + "\n")
    assert caught.value.line == at + 1
    assert caught.value.file.endswith("verbs.txt")
    assert f"verbs.txt, line {at + 1}:" in str(caught.value)


def test_a_malformed_table_line_fails_with_file_and_line(
    script: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "table.txt").write_text(TABLE.replace("070: AID,   ,  #", "070: HELP,  ,  #"))
    with pytest.raises(LexiconError, match="'HELP' is not a PLOVER type") as caught:
        script.read_table(tmp_path / "table.txt")
    assert caught.value.line == TABLE.splitlines().index("070: AID,   ,  # aid") + 1
