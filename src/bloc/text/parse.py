"""The parse adapter: one sentence as Universal-Dependencies-style tokens.

The coder reads roles (subject, object, agent, complements) from this small
interface only, so a language plugs in by converting its parser's output to
it (each language's `parser` module under `bloc.text.lang`: spaCy's English
pipeline, Natasha's Russian models, whose UD output needs little change).
Relations follow UD v2 where they exist: nsubj, nsubj:pass, obj, iobj, obl (with a
`case` child), obl:agent,
nmod, nmod:poss, amod, compound, flat, appos, xcomp, ccomp, advcl, acl,
acl:relcl, conj, cc, aux, aux:pass, cop, mark, det, compound:prt; negation
is marked `neg` on the negating word, whatever the language's own label.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from bloc.text.lang import discover

log = logging.getLogger(__name__)

RELATIONS = frozenset(
    {"root", "nsubj", "nsubj:pass", "csubj", "csubj:pass", "obj", "iobj", "obl", "obl:agent",
     "obl:npmod", "nmod", "nmod:poss", "amod", "nummod", "compound", "compound:prt", "flat",
     "flat:name", "appos", "xcomp", "ccomp", "advcl", "advmod", "acl", "acl:relcl", "conj", "cc",
     "cc:preconj", "aux", "aux:pass", "cop", "mark", "det", "case", "neg", "parataxis", "punct",
     "dep", "discourse", "attr", "expl", "fixed", "list", "orphan", "vocative"}
)  # fmt: skip
"""The relations a Parse may carry: UD v2's, `neg`, and spaCy's `attr` kept as it is."""
MAX_PARSE_TOKENS = 150
"""A longer sentence is cut to its first tokens before parsing: the parser's time
grows with length, and a 150-token "sentence" is a list or a table, not prose."""


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a parsed sentence; offsets are characters within the sentence."""

    i: int
    text: str
    lemma: str  # lower case
    pos: str  # UPOS: VERB, NOUN, PROPN, PRON, ADJ, AUX, ADP, ...
    dep: str  # UD relation to the head (root for the root)
    head: int  # index of the head (its own index for the root)
    start: int
    end: int
    tense: str = ""  # Past, Pres, Fut, or "" when the parser does not say
    passive: bool = False
    finite: bool = False  # a finite verb form (not an infinitive, participle or gerund)


@dataclass
class Parse:
    """A parsed sentence: tokens with their heads, and lookups the role logic needs."""

    text: str
    tokens: tuple[Token, ...]
    lang: str = "en"
    _children: list[list[int]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._children = [[] for _ in self.tokens]
        for t in self.tokens:
            if t.head != t.i:
                self._children[t.head].append(t.i)

    def __len__(self) -> int:
        return len(self.tokens)

    def __getitem__(self, i: int) -> Token:
        return self.tokens[i]

    def children(self, i: int, *deps: str) -> list[Token]:
        """The dependents of token i (only those with one of `deps`, if given)."""
        kids = [self.tokens[c] for c in self._children[i]]
        if not deps:
            return kids
        return [k for k in kids if k.dep in deps or k.dep.split(":")[0] in deps]

    def child(self, i: int, *deps: str) -> Token | None:
        found = self.children(i, *deps)
        return found[0] if found else None

    def head(self, i: int) -> Token | None:
        token = self.tokens[i]
        return None if token.head == i else self.tokens[token.head]

    def ancestors(self, i: int) -> Iterator[Token]:
        seen = {i}
        current = self.head(i)
        while current is not None and current.i not in seen:
            seen.add(current.i)
            yield current
            current = self.head(current.i)

    def subtree(self, i: int, stop: Callable[[Token], bool] | None = None) -> list[Token]:
        """Token i and all below it, in order; `stop` prunes a dependent and its subtree."""
        out: list[Token] = []
        todo = [i]
        while todo:
            j = todo.pop()
            out.append(self.tokens[j])
            for c in self._children[j]:
                if stop is None or not stop(self.tokens[c]):
                    todo.append(c)
        return sorted(out, key=lambda t: t.i)

    def case(self, i: int) -> str:
        """The preposition (case marker) of a nominal, lower case, '' if none."""
        marker = self.child(i, "case")
        return marker.lemma if marker is not None and marker.pos in ("ADP", "SCONJ") else ""

    def at(self, start: int, end: int) -> list[Token]:
        """The tokens overlapping characters [start, end)."""
        return [t for t in self.tokens if t.start < end and start < t.end]


Parser = Callable[[Sequence[str]], list[Parse]]
"""Parses a batch of sentences (one Parse each, in order)."""

_PARSERS: dict[str, Callable[[], Parser]] = {}


def register(lang: str, factory: Callable[[], Parser]) -> None:
    """Make a language's parser available; `factory` loads it when first needed
    (`bloc.text.reading.register` calls this for every language)."""
    _PARSERS[lang] = factory


_LOADED: dict[str, Parser] = {}


def parser_for(lang: str) -> Parser | None:
    """The parser of a language, loaded once; None for a language bloc cannot parse."""
    if lang not in _LOADED:
        discover()  # the language folders register their parsers
        factory = _PARSERS.get(lang)
        if factory is None:
            return None
        _LOADED[lang] = factory()
    return _LOADED[lang]


def parse_batch(
    lang: str, texts: Sequence[str], where: str | Sequence[str] = ""
) -> list[Parse | None]:
    """Parse sentences; a failure is logged, never raised.

    A parse that fails (the model raising on odd input) leaves that sentence
    uncoded and names it in the log (`where`: the document, or one label per
    sentence); the batch goes on.
    """
    parser = parser_for(lang)
    if parser is None or not texts:
        return [None] * len(texts)
    try:
        return list(parser(texts))
    except Exception:  # a model error on one batch: retry one by one
        log.warning("the %s parser failed on a batch; parsing one by one", lang)
    out: list[Parse | None] = []
    for n, text in enumerate(texts):
        try:
            out.append(parser([text])[0])
        except Exception as exc:
            label = f"{where}: sentence {n}" if isinstance(where, str) else where[n]
            log.warning("%s not parsed (%s: %s)", label, type(exc).__name__, exc)
            out.append(None)
    return out
