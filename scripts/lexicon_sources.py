"""Readers of the two sources of bloc's derived English lexicon (see derive_lexicon.py).

`read_table` reads the PLOVER authors' CAMEO-to-PLOVER table; `read_dictionary`
reads PETRARCH-2's CAMEO verb dictionary (its format is described in the file's
header and in PETRARCH-2's documentation); `shape` says what a dictionary pattern
states in terms a UD dependency parse can check, or why it cannot, and
`verb_shape` does the same for a (multi-word) verb line. A malformed line stops
with LexiconError naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bloc.core.events import PLOVER_TYPES
from bloc.errors import LexiconError

PARTICLES = frozenset({
    "up", "down", "out", "off", "back", "away", "forth", "forward", "together", "behind",
    "apart", "aside", "in", "over",
})  # fmt: skip
"""Second words of a multi-word verb that a UD parse gives as the verb's particle."""
PREPOSITIONS = frozenset({
    "by", "for", "at", "with", "to", "on", "into", "after", "of", "upon", "through", "from",
    "against", "about", "toward", "towards", "across", "under", "within", "without", "between",
    "among",
})  # fmt: skip
"""Second words that a UD parse gives as the preposition of a phrase the verb governs."""
NP_CUT = frozenset({"of", "to", "for", "in", "on", "with", "from", "by", "at"})
"""A multi-word noun ("difference of opinion") has its head before the first of these."""

KNOWN_BROKEN = frozenset({"- * VENTURE (WITH VISIT) VISIT)[042:043] # MAKE"})
"""Lines of the pinned dictionary (spaces squeezed) that are broken at the source and
skipped, counted; any other broken line stops the build."""


# ---------------------------------------------------------------- the PLOVER table


@dataclass(frozen=True)
class Plover:
    type: str
    mode: str
    context: str


def read_table(path: Path) -> dict[str, Plover]:
    """CAMEO code -> PLOVER type, mode and context; headings ("03: AGREE") are skipped."""
    table: dict[str, Plover] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or set(line) == {"~"}:
            continue
        match = re.fullmatch(r"(\d{2,4}):\s*(.*)", line)
        if not match:
            raise LexiconError(str(path), number, "expected 'CODE: TYPE, mode, context'")
        code, rest = match.groups()
        parts = [" ".join(p.split()) for p in rest.split(",")]
        if len(code) == 2:
            if len(parts) != 1 or parts[0] not in PLOVER_TYPES:
                raise LexiconError(str(path), number, "a heading is 'NN: PLOVER_TYPE'")
            continue
        if len(parts) != 3:
            raise LexiconError(str(path), number, "expected three fields: type, mode, context")
        if parts[0] not in PLOVER_TYPES:
            raise LexiconError(str(path), number, f"{parts[0]!r} is not a PLOVER type")
        row = Plover(parts[0], parts[1], "; ".join(c.strip() for c in parts[2].split(";")))
        if table.get(code, row) != row:
            raise LexiconError(str(path), number, f"code {code} is already mapped differently")
        table[code] = row
    return table


# ---------------------------------------------------------------- the verb dictionary


@dataclass
class Verb:
    word: str  # as written, lowercase, without its multi-word parts
    rest: tuple[str, ...]  # the words after the verb in a multi-word verb ("call_off")
    front: tuple[str, ...]  # words before it ("wire_+tap")
    forms: tuple[str, ...] | None  # as listed in {...}; None: regular, generated
    code: str | None
    line: int


@dataclass
class Pattern:
    pre: str
    post: str
    code: str
    line: int


@dataclass
class Block:
    name: str
    code: str
    line: int
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


_HEADING = re.compile(r"---\s+(\S+)\s+\[([^\]]*)\]\s*---.*")
_PATTERN = re.compile(r"-\s+([^*]*)\*([^*]*)\[([^\]]*)\]")
_VERB = re.compile(r"(\+?[A-Z][A-Z0-9_+'\-]*)\s*(?:\{([^{}]*)\})?\s*(?:\[([^\]]*)\])?")
_CODE = re.compile(r"(\d{2,4}|---)?!?(?::(\d{2,4}|---))?")


def _code(text: str, path: Path, number: int) -> str:
    code = text.strip()
    if not code or not _CODE.fullmatch(code):
        raise LexiconError(str(path), number, f"[{code}] is not a CAMEO code")
    return code


def _verb(text: str, path: Path, number: int) -> Verb:
    match = _VERB.fullmatch(text)
    if not match:
        raise LexiconError(str(path), number, "not a verb, a pattern, a synset or a block heading")
    word, forms, code = match.groups()
    parts = word.lower().split("_")
    marked = [i for i, p in enumerate(parts) if p.startswith("+")]
    if len(parts) > 1 and len(marked) != 1:
        raise LexiconError(str(path), number, "a multi-word verb marks its one verb with '+'")
    at = marked[0] if marked else 0
    listed = None
    if forms is not None:
        written = forms.replace(",", " ").split()
        listed = tuple(f.lower().split("_")[at].lstrip("+") for f in written)
    return Verb(
        word=parts[at].lstrip("+"),
        rest=tuple(parts[at + 1 :]),
        front=tuple(parts[:at]),
        forms=listed,
        code=_code(code, path, number) if code is not None else None,
        line=number,
    )


def read_dictionary(
    path: Path, broken: list[int] | None = None
) -> tuple[dict[str, list[str]], list[Block]]:
    """The synonym sets (name -> members) and verb blocks of a PETRARCH-2 verb dictionary.

    The numbers of lines skipped as KNOWN_BROKEN are appended to `broken`.
    """
    broken = [] if broken is None else broken
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    current_set: str | None = None
    in_verbs = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.startswith("####### VERB PATTERNS"):
            in_verbs = True
            continue
        if " ".join(raw.split()) in KNOWN_BROKEN:
            broken.append(number)
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.startswith("<"):
            continue
        if line.startswith("~"):  # PETRARCH's transformations of nested events: not lexicon
            continue
        if line.startswith("&"):
            current_set = line.strip()
            synsets[current_set] = []
        elif line.startswith("+") and not in_verbs:
            if current_set is None:
                raise LexiconError(str(path), number, "a synonym before any '&' set name")
            synsets[current_set].append(line.strip()[1:].lower())
        elif not in_verbs:
            raise LexiconError(str(path), number, "only '&' sets and '+' members before verbs")
        elif line.startswith("---"):
            heading = _HEADING.fullmatch(line.strip())
            if not heading:
                raise LexiconError(str(path), number, "a block heading is '--- NAME [CODE] ---'")
            blocks.append(Block(heading[1], _code(heading[2], path, number), number))
        elif not blocks:
            raise LexiconError(str(path), number, "a verb or pattern before any block heading")
        elif line.startswith("-"):
            match = _PATTERN.fullmatch(line.strip())
            if not match:
                raise LexiconError(str(path), number, "a pattern is '- before * after [CODE]'")
            pre, post, code = match.groups()
            blocks[-1].patterns.append(Pattern(pre, post, _code(code, path, number), number))
        else:  # ';' opened a comment in TABARI, the dictionary's ancestor
            blocks[-1].verbs.append(_verb(line.split(";", 1)[0].strip(), path, number))
    return synsets, blocks


# ---------------------------------------------------------------- patterns as UD arguments


@dataclass(frozen=True)
class Shape:
    """What a dependency parse can check: object heads, one preposition, its object heads."""

    objects: tuple[str, ...] = ()  # noun heads as written (lemmatised later), "" for any
    prep: str = ""
    pobjects: tuple[str, ...] = ()
    trimmed: bool = False  # a noun phrase lost its modifiers on the way


class Unexpressible(Exception):
    """A pattern a UD parse of the verb's arguments cannot state; the message is the reason."""


def _phrases(post: str) -> list[tuple[str, list[list[str]]]]:
    """The part after '*' as (preposition or "", its noun phrases); ValueError if broken."""
    out: list[tuple[str, list[list[str]]]] = []
    prep: tuple[str, list[list[str]]] | None = None
    phrase: list[str] | None = None

    def emit(words: list[str]) -> None:
        if prep is not None:
            prep[1].append(words)
        else:
            out.append(("", [words]))

    for token in post.split():
        word = token.strip("(){}")
        if token.startswith("("):
            if prep is not None:
                raise ValueError("a '(' inside a prepositional phrase")
            prep, word = (word.lower(), []), ""
        if token.lstrip("(").startswith("{"):
            if phrase is not None:
                raise ValueError("a '{' inside a noun phrase")
            phrase = []
        if word and phrase is not None:
            phrase.append(word)
        elif word:
            emit([word])
        if token.rstrip(")").endswith("}"):
            if phrase is None:
                raise ValueError("a '}' without its '{'")
            emit(phrase)
            phrase = None
        if token.endswith(")"):
            if prep is None or phrase is not None:
                raise ValueError("a ')' without its '(' or inside a noun phrase")
            out.append(prep)
            prep = None
    if prep is not None or phrase is not None:
        raise ValueError("an unclosed '(' or '{'")
    return out


def head(words: list[str]) -> tuple[str, bool]:
    """The head word of a noun phrase (last, or last before 'of' ...) and whether any was cut."""
    flat = [w for word in words for w in word.split("_") if w]
    cut = next((i for i, w in enumerate(flat) if w.lower() in NP_CUT and i > 0), len(flat))
    return flat[cut - 1], len(flat) > 1


def shape(pattern: Pattern) -> Shape:
    """The pattern as UD arguments, or Unexpressible; ValueError for broken brackets."""
    if pattern.pre.strip():
        raise Unexpressible("words before the verb")
    objects: list[str] = []
    preps: list[tuple[str, list[str]]] = []
    trimmed = False
    for prep, phrases in _phrases(pattern.post):
        heads: list[str] = []
        for phrase in phrases:
            if phrase == ["%"] or (phrase == ["$"] and not prep):
                raise Unexpressible("an actor marker as the object")
            word, cut = head(phrase)
            trimmed |= cut
            heads.append("" if word == "^" or (word == "+" and not prep) else word)
        if len(heads) > 1:
            raise Unexpressible("two or more nouns in one place")
        if prep:
            if not re.fullmatch(r"[a-z]+", prep):
                raise Unexpressible("a prepositional phrase without a preposition")
            preps.append((prep, heads))
        else:
            objects += heads
    if len(objects) > 1:
        raise Unexpressible("two or more object nouns")
    if len(preps) > 1:
        raise Unexpressible("two or more prepositional phrases")
    prep, pheads = preps[0] if preps else ("", [])
    return Shape(tuple(h for h in objects if h), prep, tuple(h for h in pheads if h), trimmed)


# ---------------------------------------------------------------- verbs and nouns


def regular_forms(verb: str) -> tuple[str, ...]:
    """-s, -ed and -ing by English's regular rules (the dictionary lists irregular forms)."""
    consonant_y = verb.endswith("y") and verb[-2:-1] not in ("a", "e", "i", "o", "u", "")
    if consonant_y:
        return (verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing")
    third = verb + "es" if verb.endswith(("s", "x", "z", "sh", "ch")) else verb + "s"
    if verb.endswith("e"):
        keep = verb.endswith(("ee", "ye", "oe"))
        return (third, verb + "d", (verb if keep else verb[:-1]) + "ing")
    return (third, verb + "ed", verb + "ing")


@dataclass(frozen=True)
class VerbShape:
    lemma: str
    forms: tuple[str, ...]
    particle: str = ""
    obj: str = ""
    prep: str = ""
    pobj: str = ""


def verb_shape(
    verb: Verb, verbs: dict[str, tuple[str, bool]], nouns: dict[str, tuple[str, bool]]
) -> VerbShape:
    """A dictionary verb as lemma, forms and the particle/object/preposition of its other words."""
    if verb.front:
        raise Unexpressible("a multi-word verb with words before the verb")
    lemma = verbs[verb.word][0]
    words = [w for w in verb.rest if w]
    particle = obj = prep = pobj = ""
    if words and words[0] in PARTICLES and (len(words) == 1 or words[1] in PREPOSITIONS):
        particle = words.pop(0)
    if words and (words[0] in PREPOSITIONS or (words[0] in PARTICLES and len(words) > 1)):
        prep = words.pop(0)
        pobj = words.pop(0) if words else ""
    elif words and words[0] not in ("and", "or"):
        obj = words.pop(0)
        prep = words.pop(0) if words and words[0] in PREPOSITIONS else ""
    if words:
        raise Unexpressible("a multi-word verb a dependency parse cannot state")
    for noun in (obj, pobj):
        if noun and not nouns[noun][1]:
            raise Unexpressible("a multi-word verb whose complement is not a noun")
    forms = verb.forms if verb.forms is not None else regular_forms(verb.word)
    listed = [verb.word] if lemma != verb.word else []
    return VerbShape(
        lemma=lemma,
        forms=tuple(dict.fromkeys(f for f in [*listed, *forms] if f != lemma)),
        particle=particle,
        obj=nouns[obj][0] if obj else "",
        prep=prep,
        pobj=nouns[pobj][0] if pobj else "",
    )


def heads(
    word: str, synsets: dict[str, list[str]], nouns: dict[str, tuple[str, bool]]
) -> list[tuple[str, int]]:
    """A pattern noun's lemmas with their loss: a synonym set gives each member's head."""
    if word in ("+", "$"):
        return [(word, 0)]
    if not word.startswith("&"):
        return [(nouns[word.lower()][0], 0)]
    if word not in synsets:
        raise Unexpressible("an undefined synonym set (PETRARCH skips these too)")
    out = []
    for member in synsets[word]:
        word, cut = head(member.replace(" ", "_").strip("_").split("_"))
        out.append((nouns[word.lower()][0], int(cut)))
    return out


def words_to_lemmatise(
    synsets: dict[str, list[str]], blocks: list[Block]
) -> tuple[set[str], set[str]]:
    """Every word that may be a noun head, and every verb, to lemmatise in one batch."""
    nouns = {w for members in synsets.values() for m in members for w in re.split(r"[ _]", m)}
    verbs: set[str] = set()
    for block in blocks:
        for verb in block.verbs:
            verbs.add(verb.word)
            nouns.update(verb.rest)
        for pattern in block.patterns:
            nouns.update(t.strip("(){}").lower() for t in re.split(r"[\s_]", pattern.post))
    return {n for n in nouns if n and n[0].isalnum()}, verbs
