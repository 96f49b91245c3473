"""The English lexicon derived from PETRARCH-2's CAMEO verb dictionary (derived_lexicon.tsv).

scripts/derive_lexicon.py writes the file; this module reads it back and refuses
a malformed line with the file and line number, so a hand edit or a bad rebuild
fails where it happened instead of coding silently wrong.

The file keeps the dictionary's own economy (a few hundred kilobytes instead of
megabytes): verbs that share patterns share a *group*. It is tab-separated; `#`
lines are comments (the header with sources and licences); three sections follow,
each opened by a line naming its columns:

- `@codes`: each CAMEO code used, with its PLOVER type, mode and context (empty
  type: PLOVER has no event for it, like a public statement).
- `@verbs`: one line per verb lemma (and particle): the object, preposition and
  prepositional object that its own words name ("ask for": preposition `for`), its
  code on its own (`---`: no event without a pattern), its inflected forms, and the
  groups whose patterns it takes, first group first.
- `@patterns`: a group's patterns: the verb with a direct object whose head lemma is
  one of `objects`, and a prepositional phrase with `prep` whose head is one of
  `pobjects` (empty: any; `+` the target actor, `$` the source actor), reports the
  CAMEO code. A complex code `A:B` is A from source to target and B back.

`parse` expands this into one `DerivedEntry` per verb lemma and pattern: the
verb's own entry first, then its groups' patterns in order; a pattern whose
arguments an earlier entry of the same lemma already states is left out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bloc.core.events import PLOVER_TYPES
from bloc.errors import LexiconError
from bloc.text.lexicon import Entry

FILE = Path(__file__).with_name("derived_lexicon.tsv")
SECTIONS = {
    "@codes": ("code", "type", "mode", "context"),
    "@verbs": ("lemma", "particle", "object", "prep", "pobject", "code", "forms", "groups", "line"),
    "@patterns": ("group", "objects", "prep", "pobjects", "code", "line"),
}
ACTORS = ("+", "$")
"""Stand-ins for an actor in `pobjects`: the target (+) and the source ($)."""

WORD = re.compile(r"[a-z0-9][a-z0-9'.\-]*")
GROUP = re.compile(r"[A-Z0-9][A-Z0-9_'\-]*:\d+(?:\+\d+)?")
_SIMPLE = re.compile(r"\d{2,4}")
_TEXT = re.compile(r"[a-z0-9_\-; ]*")

Key = tuple[str, str, tuple[str, ...], str, tuple[str, ...]]


@dataclass(frozen=True)
class DerivedEntry:
    """One verb lemma (and particle) with an argument pattern, and what it reports."""

    lemma: str
    particle: str
    forms: tuple[str, ...]
    objects: tuple[str, ...]  # the direct object's head lemma is one of these (empty: any)
    prep: str
    pobjects: tuple[str, ...]
    code: str
    type: str  # a PLOVER type, or "" for no PLOVER event
    mode: str
    context: str
    reverse: str  # the PLOVER type of the target's act back on the source, or ""
    origin: str  # the dictionary block and the line of the verb or pattern

    @property
    def key(self) -> Key:
        """What the entry matches on; no two entries of a lexicon share it."""
        return (self.lemma, self.particle, self.objects, self.prep, self.pobjects)


@dataclass(frozen=True)
class _Verb:
    lemma: str
    particle: str
    object: str
    prep: str
    pobject: str
    code: str
    forms: tuple[str, ...]
    groups: tuple[str, ...]
    line: str
    at: int  # its line in the derived file


@dataclass(frozen=True)
class _Pattern:
    objects: tuple[str, ...]
    prep: str
    pobjects: tuple[str, ...]
    code: str
    line: str


def _word(value: str, what: str, empty: bool = True) -> str:
    if (value or not empty) and not WORD.fullmatch(value):
        raise ValueError(f"{what} {value!r} is not a lowercase word")
    return value


def _words(value: str, what: str, actors: bool = False) -> tuple[str, ...]:
    words = tuple(value.split(",")) if value else ()
    for word in words:
        if not (WORD.fullmatch(word) or (actors and word in ACTORS)):
            raise ValueError(f"{what} has {word!r}, which is not a lowercase word")
    if list(words) != sorted(set(words)):
        raise ValueError(f"{what} must be sorted and without repeats")
    return words


def _code(value: str, codes: dict[str, tuple[str, str, str]]) -> str:
    parts = value.split(":")
    if not value or len(parts) > 2 or not any(parts):
        raise ValueError(f"code {value!r} is not a CAMEO code")
    for part in parts:
        if part not in ("", "---") and part not in codes:
            raise ValueError(f"code {part!r} is not in the @codes section")
    return value


def _line(value: str) -> str:
    if not value.isdigit():
        raise ValueError(f"line {value!r} is not a source line number")
    return value


def _rows(text: str, file: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line number, section, fields) of every data line, sections checked and in order."""
    order, section, number = list(SECTIONS), "", 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0].startswith("@"):
            at = order.index(section) + 1 if section else 0
            want = order[at] if at < len(order) else "nothing more"
            if fields[0] != want or tuple(fields[1:]) != SECTIONS.get(want):
                raise LexiconError(file, number, f"expected section {want} with its columns")
            section = fields[0]
            continue
        if not section:
            raise LexiconError(file, number, "a data line before the @codes section")
        if len(fields) != len(SECTIONS[section]):
            found = f"{len(fields)} tab-separated fields, expected {len(SECTIONS[section])}"
            raise LexiconError(file, number, found)
        yield number, section, fields
    if section != "@patterns":
        raise LexiconError(file, max(number, 1), "the file ends before its @patterns section")


def parse(text: str, file: str) -> tuple[DerivedEntry, ...]:
    """Every entry of the file's text, checked and expanded; `file` names it in errors."""
    codes: dict[str, tuple[str, str, str]] = {}
    verbs: list[_Verb] = []
    groups: dict[str, list[_Pattern]] = {}
    seen: dict[tuple[str, ...], int] = {}
    for number, section, fields in _rows(text, file):
        try:
            key = _row(section, fields, codes, verbs, groups, number)
        except ValueError as problem:
            raise LexiconError(file, number, str(problem)) from None
        if key in seen:
            raise LexiconError(file, number, f"the same as line {seen[key]}")
        seen[key] = number
    for verb in verbs:
        for group in verb.groups:
            if group not in groups:
                raise LexiconError(file, verb.at, f"group {group} has no @patterns lines")
    done: set[Key] = set()  # a verb's later lines (its "look for" after "look") add, not repeat
    return tuple(entry for verb in verbs for entry in _expand(verb, groups, codes, done))


def _row(
    section: str,
    fields: list[str],
    codes: dict[str, tuple[str, str, str]],
    verbs: list[_Verb],
    groups: dict[str, list[_Pattern]],
    number: int,
) -> tuple[str, ...]:
    """Check one data line and file it; its identity (for repeats) is returned."""
    if section == "@codes":
        code, kind, mode, context = fields
        if not _SIMPLE.fullmatch(code):
            raise ValueError(f"code {code!r} is not a CAMEO code of two to four digits")
        if kind and kind not in PLOVER_TYPES:
            raise ValueError(f"type {kind!r} is not a PLOVER type")
        if not (_TEXT.fullmatch(mode) and _TEXT.fullmatch(context)):
            raise ValueError("mode and context are lowercase words, '-', '_' and ';'")
        if not kind and (mode or context):
            raise ValueError("a code without a PLOVER type has no mode or context")
        codes[code] = (kind, mode, context)
        return (section, code)
    if section == "@verbs":
        lemma, particle, obj, prep, pobject, code, forms, names, line = fields
        listed = tuple(names.split(" ")) if names else ()
        for name in listed:
            if not GROUP.fullmatch(name):
                raise ValueError(f"group {name!r} is not a group name (BLOCK:line)")
        if pobject and not prep:
            raise ValueError("a prepositional object without a preposition")
        verb = _Verb(
            _word(lemma, "lemma", empty=False), _word(particle, "particle"), _word(obj, "object"),
            _word(prep, "prep"), _word(pobject, "pobject"), _code(code, codes),
            tuple(_word(f, "form", empty=False) for f in forms.split(" ")) if forms else (),
            listed, _line(line), number,
        )  # fmt: skip
        verbs.append(verb)
        return (section, lemma, particle, obj, prep, pobject)
    group, objects, prep, pobjects, code, line = fields
    if not GROUP.fullmatch(group):
        raise ValueError(f"group {group!r} is not a group name (BLOCK:line)")
    pattern = _Pattern(
        _words(objects, "objects"), _word(prep, "prep"), _words(pobjects, "pobjects", True),
        _code(code, codes), _line(line),
    )  # fmt: skip
    if pattern.pobjects and not pattern.prep:
        raise ValueError("pobjects without a prep")
    groups.setdefault(group, []).append(pattern)
    return (section, group, objects, prep, pobjects)


def _expand(
    verb: _Verb,
    groups: dict[str, list[_Pattern]],
    codes: dict[str, tuple[str, str, str]],
    done: set[Key],
) -> Iterator[DerivedEntry]:
    """The verb's own entry (when it is an event alone), then its groups' patterns."""
    block = verb.groups[0].split(":")[0] if verb.groups else "VERB"
    own = _Pattern(
        (verb.object,) if verb.object else (), verb.prep,
        (verb.pobject,) if verb.pobject else (), verb.code, verb.line,
    )  # fmt: skip
    todo = [(block, own)] if verb.code != "---" else []
    todo += [(g.split(":")[0], p) for g in verb.groups for p in groups[g]]
    for name, pattern in todo:
        entry = _entry(verb, pattern, codes, f"{name}:{pattern.line}")
        if entry.key not in done:
            done.add(entry.key)
            yield entry


def _entry(
    verb: _Verb, pattern: _Pattern, codes: dict[str, tuple[str, str, str]], origin: str
) -> DerivedEntry:
    first, _, second = pattern.code.partition(":")
    kind, mode, context = codes.get(first, ("", "", ""))
    return DerivedEntry(
        lemma=verb.lemma,
        particle=verb.particle,
        forms=verb.forms,
        objects=pattern.objects,
        prep=pattern.prep,
        pobjects=pattern.pobjects,
        code=pattern.code,
        type=kind,
        mode=mode,
        context=context,
        reverse=codes.get(second, ("", "", ""))[0],
        origin=origin,
    )


def load(path: Path = FILE) -> tuple[DerivedEntry, ...]:
    """The derived lexicon shipped beside this module (or another file of its format)."""
    return parse(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def _shipped() -> tuple[DerivedEntry, ...]:
    """The shipped file, read once per process (the coder's entries and the gate's forms)."""
    return load()


MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE", "SUPPORT"})
"""Types whose paired codes (A:A, "hosted" and "visited") are read both ways; a hostile
paired code ("shelved talks with") is one side's act, as the curated lexicon reads it."""
SPEECH_TYPES = frozenset({"ACCUSE", "REQUEST", "THREATEN", "REJECT"})
"""Types whose derived verbs are speech acts: in reported speech the speaker is their
source ("the ministry said Tbilisi had 'distorted' the facts", as "accused" is read)."""
GOVERNING_TYPES = frozenset({"REJECT", "THREATEN"})
"""Types whose derived verbs govern a complement ("balked at sending troops": one REJECT,
as the curated "refused to" is read)."""


def entries(found: tuple[DerivedEntry, ...] | None = None) -> tuple[Entry, ...]:
    """The derived lexicon as the coder's entries (`origin="derived"`), in file order.

    An entry of no PLOVER type stays, typed "": it says the verb with that argument is
    no event ("call for restraint" is an appeal), so that a vaguer reading of the same
    verb does not fire. Which codes are left out, and why, is `left_out`.
    """
    out = []
    for e in _shipped() if found is None else found:
        kind = "" if left_out(e) else e.type
        out.append(
            Entry(
                lemma=e.lemma,
                pos="verb",
                type=kind,
                mode=(e.mode or e.context or "unspecified") if kind else "",
                particle=e.particle or None,
                prep=e.prep or None,
                objects=frozenset(e.objects),
                pobjects=frozenset(p for p in e.pobjects if p not in ACTORS),
                symmetric=kind in MUTUAL_TYPES and e.reverse == kind,
                speech=kind in SPEECH_TYPES,
                governs=kind in GOVERNING_TYPES,
                origin="derived",
            )
        )
    return tuple(out)


def left_out(entry: DerivedEntry) -> bool:
    """Whether a typed derived entry is read as no event: when nothing in the parse but the
    verb itself (and any preposition) selects it.

    A dictionary verb's reading on its own, or with a preposition whose object may be
    anyone ("lead to +", "destroy with +"), names the kind of act the verb usually reports
    in wire copy ("celebrate": praise; "embolden": support; "prevent": reject); over
    analysis and commentary it fires on every figurative use ("had led Armenia to a
    rethink"). A particle ("call up") or an object ("block the roads", "force out the
    agency") makes the reading specific enough to keep.
    """
    named = any(p not in ACTORS for p in entry.pobjects)
    return not (entry.objects or named or entry.particle)


def forms(found: tuple[DerivedEntry, ...] | None = None) -> dict[str, frozenset[str]]:
    """The inflected forms the dictionary lists for each verb lemma (its irregular ones)."""
    out: dict[str, set[str]] = {}
    for e in _shipped() if found is None else found:
        out.setdefault(e.lemma, set()).update(e.forms)
    return {lemma: frozenset(f) for lemma, f in out.items()}
