"""How the coder reads the derived English lexicon behind the curated one.

Curated entries come first for a lemma (they win wherever one fits); derived entries
carry `origin="derived"`, need an argument to be kept, and a derived reading whose type
is empty says that use of the verb is no event. The gate reads a derived-only verb only
with a word of one of its arguments.
"""

from __future__ import annotations

from bloc.text.lang.en import derived
from bloc.text.lang.en.derived import DerivedEntry, entries, left_out
from bloc.text.lang.en.inflect import inflections
from bloc.text.lexicon import load
from bloc.text.reading import reading

YAML = """\
words: {future: [will], speculative: [may], must: [must], intent: [plan], forecast: [expect],
  reluctant: [fail], negation: [not], conditional: [if], stative: [oppose], before: [front],
  involving: [involve]}
light: [hold]
speech: [say]
targets: {AGREE: [to], CONSULT: [with], SUPPORT: [for], CONCEDE: [to], COOPERATE: [with],
  AID: [to], RETREAT: [from], REQUEST: [from], ACCUSE: [against], REJECT: [from],
  THREATEN: [against], PROTEST: [against], SANCTION: [on], MOBILIZE: [near], COERCE: [on],
  ASSAULT: [on]}
entries:
- {lemma: block, type: PROTEST, mode: demonstration, with: [road]}
"""


def _derived(lemma: str, code: str, **kw: tuple[str, ...] | str) -> DerivedEntry:
    fields: dict[str, object] = {
        "lemma": lemma, "particle": "", "forms": (), "objects": (), "prep": "",
        "pobjects": (), "code": code, "type": "SANCTION", "mode": "", "context": "",
        "reverse": "", "origin": "TEST:1",
    }  # fmt: skip
    fields.update(kw)
    return DerivedEntry(**fields)  # type: ignore[arg-type]


def test_curated_entries_come_first_and_say_where_they_come_from() -> None:
    found = entries(
        (
            _derived("block", "172", objects=("border",), type="COERCE"),
            _derived("block", "1723", objects=("road",), type="COERCE"),
        )
    )
    lex = load("en", YAML, derived=found)
    readings = lex.entries_for("block", "VERB")
    assert [e.origin for e in readings] == ["curated", "derived", "derived"]
    assert readings[0].type == "PROTEST"  # "blocked the roads": the curated reading wins


def test_a_reading_needs_an_argument_and_light_mood_and_speech_verbs_take_none() -> None:
    alone = _derived("celebrate", "051", type="SUPPORT")
    with_actor = _derived("lead", "040", prep="to", pobjects=("+",), type="CONSULT")
    with_object = _derived("shelve", "164", objects=("talk",))
    with_particle = _derived("call", "150", particle="up", type="MOBILIZE")
    assert left_out(alone) and left_out(with_actor)
    assert not left_out(with_object) and not left_out(with_particle)
    kept = entries((alone, with_object, _derived("hold", "164", objects=("talk",))))
    assert [e.type for e in kept] == ["", "SANCTION", "SANCTION"]
    lex = load("en", YAML, inflections, derived=kept)
    assert lex.entries_for("hold", "VERB") == ()  # a light verb: its noun is the trigger
    assert "celebrated" not in lex.forms  # no reading left: not in the gate's vocabulary
    assert lex.cues["shelved"] >= {"talk", "talks"}  # the gate's second word


def test_hostile_paired_codes_are_one_sided_and_cooperative_ones_mutual() -> None:
    hosted = _derived("host", "043:042", objects=("delegation",), type="CONSULT", reverse="CONSULT")
    shelved = _derived("shelve", "164:164", objects=("talk",), reverse="SANCTION")
    assert [e.symmetric for e in entries((hosted, shelved))] == [True, False]


def test_the_shipped_english_lexicon_has_both_origins() -> None:
    lex = reading("en").lex  # type: ignore[union-attr]
    origins = {e.origin for found in lex.entries.values() for e in found}
    assert origins == {"curated", "derived"}
    call = lex.entries_for("call", "VERB")
    assert call[0].origin == "curated"
    assert any(e.particle == "up" and e.type == "MOBILIZE" for e in call)
    assert len(derived.forms()["freeze"]) >= 2


def test_the_gate_reads_a_derived_only_verb_with_one_of_its_arguments() -> None:
    en = reading("en")
    assert en is not None
    lex = en.lex
    form = next(f for f, words in sorted(lex.cues.items()) if words)
    cue = sorted(lex.cues[form])[0]
    assert not en.gate(f"Russia {form} everything.")
    assert en.gate(f"Russia {form} the {cue}.")
    assert en.gate("Russia attacked Ukraine.")  # a curated trigger passes alone
