"""Russian parses: Natasha's Slovnet models, converted to the UD-style adapter.

Natasha 1.6.0 ships its Navec embeddings and Slovnet morphology and syntax
models inside the wheel (nothing is downloaded); razdel tokenizes, and
pymorphy3 (with its Russian dictionaries, a pinned package too) gives lemmas,
disambiguated by the tagger's part of speech and case. Slovnet's output is
already Universal Dependencies; the conversion only brings it to the analyses
the role logic reads for English:
- "не" is `neg`; a genitive noun under a noun with no preposition is its
  possessor (`nmod:poss`: "учения ОДКБ", "нападение Азербайджана");
- a bare instrumental under a passive verb is its agent (`obl:agent`:
  "атакована азербайджанскими военными");
- "должен", "обязан", "мочь" with an infinitive are auxiliaries of that
  infinitive, as English modals are;
- a quotation's attribution ("«...», — заявил Токаев"), which UD makes a
  parataxis of the quoted clause, governs the quote as its `ccomp`;
- "будет"/"будут" with an infinitive make it future (Tense "Fut"), as the
  perfective present already is;
- a compound adjective of two demonyms ("киргизско-таджикской") is split
  into two coordinated adjectives, so each names its state.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bloc.text.parse import Parse, Parser, Token

log = logging.getLogger(__name__)

BATCH = 32
"""Sentences per Slovnet batch: larger batches gained nothing and cost memory."""
MODALS = frozenset({"должен", "должный", "обязан", "обязанный", "мочь"})
"""Words of obligation and possibility that govern an infinitive: made auxiliaries."""
_CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
_POS = {
    "NOUN": {"NOUN"},
    "PROPN": {"NOUN"},
    "VERB": {"VERB", "INFN", "PRTF", "PRTS", "GRND"},
    "AUX": {"VERB"},
    "ADJ": {"ADJF", "ADJS", "COMP", "PRTF", "PRTS", "NUMR"},
    "ADV": {"ADVB", "COMP", "PRED"},
    "PRON": {"NPRO"},
    "DET": {"ADJF", "NPRO"},
    "NUM": {"NUMR"},
    "ADP": {"PREP"},
    "CCONJ": {"CONJ"},
    "SCONJ": {"CONJ"},
    "PART": {"PRCL"},
}
_COMPOUND = re.compile(r"^([а-яё]+[оеОЕ])(-)([а-яё]+)$", re.IGNORECASE)
_FUTURE_AUX = re.compile(r"^буд(?:у|ешь|ет|ем|ете|ут)$", re.IGNORECASE)
_POSSESSIVE = frozenset({"его", "её", "ее", "их"})
_DASHES = frozenset({"—", "–", "-"})


def normal(word: str) -> str:
    """Lower case with ё as е: how bloc compares Russian words and lemmas."""
    return word.lower().replace("ё", "е").replace("\u0301", "")


@functools.cache
def morph() -> Any:
    """pymorphy3's analyser with its Russian dictionaries: one per process."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=300_000)
def lemma(word: str) -> str:
    """The most likely lemma of a word out of context (for the gate and the gazetteer)."""
    parses = morph().parse(word)
    return normal(parses[0].normal_form) if parses else normal(word)


@functools.lru_cache(maxsize=300_000)
def lemmas(word: str) -> frozenset[str]:
    """Every lemma a word may have, and the word itself: what a name's word may match
    ("Пашинян" is read first as a plural of "пашинянин")."""
    return frozenset({normal(word), *(normal(p.normal_form) for p in morph().parse(word))})


@functools.lru_cache(maxsize=300_000)
def _tagged(word: str, upos: str, case: str) -> tuple[str, str]:
    """The lemma (and the tense, "Fut", "Past", "Pres" or "") of a word, read as the
    tagger's part of speech and case, else out of context."""
    parses = morph().parse(word)
    if not parses:
        return normal(word), ""
    wanted = _POS.get(upos, set())
    fitting = [p for p in parses if p.tag.POS in wanted] or parses
    if case:
        fitting = [p for p in fitting if p.tag.case == case] or fitting
    best = fitting[0]
    tense = {"futr": "Fut", "past": "Past", "pres": "Pres"}.get(str(best.tag.tense), "")
    return normal(best.normal_form), tense


@dataclass
class _Raw:
    """A token before conversion: the tagger's and the parser's readings."""

    text: str
    start: int
    end: int
    pos: str
    feats: dict[str, str]
    head: int  # index, -1 for the root
    dep: str


@functools.cache
def _models() -> tuple[Any, Any]:
    """Slovnet's morphology tagger and syntax parser over Navec, from inside the natasha wheel."""
    from natasha import NewsEmbedding
    from natasha.data import NEWS_MORPH, NEWS_SYNTAX
    from slovnet import Morph, Syntax

    embedding = NewsEmbedding()
    tagger = Morph.load(NEWS_MORPH, batch_size=BATCH)
    tagger.navec(embedding)
    syntax = Syntax.load(NEWS_SYNTAX, batch_size=BATCH)
    syntax.navec(embedding)
    return tagger, syntax


def tokens(text: str) -> list[tuple[str, int, int]]:
    """razdel's tokens of a text: (word, start, end)."""
    from razdel import tokenize

    return [(t.text, t.start, t.stop) for t in tokenize(text)]


def parser() -> Parser:
    """A batch parser over Natasha's models; loaded once, on the first Russian sentence."""
    tagger, syntax = _models()

    def parse(texts: Sequence[str]) -> list[Parse]:
        words = [tokens(t) for t in texts]
        lists = [[w for w, _, _ in ws] or ["."] for ws in words]
        tagged = list(tagger.map(lists))
        parsed = list(syntax.map(lists))
        return [
            convert(text, ws, m.tokens, s.tokens)
            for text, ws, m, s in zip(texts, words, tagged, parsed, strict=True)
        ]

    return parse


def convert(
    text: str, words: list[tuple[str, int, int]], tagged: list[Any], parsed: list[Any]
) -> Parse:
    """One sentence's Slovnet markup (morphology, syntax) as a UD-style Parse."""
    raw = [
        _Raw(w, start, end, m.pos, dict(m.feats or {}), int(s.head_id) - 1, s.rel)
        for (w, start, end), m, s in zip(words, tagged, parsed, strict=True)
    ]
    raw = _split_compounds(raw)
    n = len(raw)
    for i, r in enumerate(raw):
        if not 0 <= r.head < n or r.head == i:
            r.head, r.dep = -1, "root"
    _attribution(raw)
    _modals(raw)
    out = []
    kids: list[list[int]] = [[] for _ in raw]
    for i, r in enumerate(raw):
        if r.head >= 0:
            kids[r.head].append(i)
    for i, r in enumerate(raw):
        case = _CASES.get(r.feats.get("Case", ""), "")
        lem, tense = _tagged(r.text, r.pos, case)
        dep = _relation(raw, kids, i, lem)
        feats_tense = r.feats.get("Tense", "")
        if feats_tense != "Fut" and any(
            raw[k].dep.startswith("aux") and _FUTURE_AUX.match(raw[k].text) for k in kids[i]
        ):
            feats_tense = "Fut"
        passive = r.feats.get("Voice") == "Pass" or any(
            raw[k].dep in ("nsubj:pass", "aux:pass") for k in kids[i]
        )
        out.append(
            Token(
                i=i,
                text=r.text,
                lemma=lem,
                pos=r.pos,
                dep=dep,
                head=r.head if r.head >= 0 else i,
                start=r.start,
                end=r.end,
                tense=feats_tense or (tense if r.pos in ("VERB", "AUX") else ""),
                passive=passive,
                finite=r.feats.get("VerbForm") == "Fin",
            )
        )
    return Parse(text, tuple(out), "ru")


def _relation(raw: list[_Raw], kids: list[list[int]], i: int, lem: str) -> str:
    r = raw[i]
    if lem in ("не", "ни") and r.pos == "PART":
        return "neg"
    has_case = any(raw[k].dep == "case" for k in kids[i])
    head = raw[r.head] if r.head >= 0 else None
    if (
        r.dep == "nmod"
        and not has_case
        and r.feats.get("Case") == "Gen"
        and head is not None
        and head.pos in ("NOUN", "PROPN")
    ):
        return "nmod:poss"
    if r.dep == "det" and r.text.lower() in _POSSESSIVE:
        return "nmod:poss"
    if (
        r.dep == "obl"
        and not has_case
        and r.feats.get("Case") == "Ins"
        and head is not None
        and head.feats.get("Voice") == "Pass"
    ):
        return "obl:agent"
    return r.dep


def _split_compounds(raw: list[_Raw]) -> list[_Raw]:
    """ "киргизско-таджикской" as "киргизско" (the adjective's place) and "таджикской"
    coordinated with it: two adjectives, each of which may name a state."""
    if not any(r.pos == "ADJ" and "-" in r.text for r in raw):
        return raw
    out: list[_Raw] = []
    where: list[int] = []  # old index -> new index of its first part
    for r in raw:
        where.append(len(out))
        match = _COMPOUND.match(r.text) if r.pos == "ADJ" else None
        if match is None:
            out.append(replace(r))
            continue
        first, dash, second = match.groups()
        base = len(out)
        out.append(_Raw(first, r.start, r.start + len(first), "ADJ", {}, r.head, r.dep))
        middle = r.start + len(first)
        out.append(_Raw(dash, middle, middle + 1, "PUNCT", {}, -2 - base, "punct"))
        out.append(_Raw(second, middle + 1, r.end, "ADJ", r.feats, -2 - base, "conj"))
    for r in out:
        # Heads below -1 point at a new token (-2 - index); others at an old index.
        r.head = -2 - r.head if r.head < -1 else (where[r.head] if r.head >= 0 else -1)
    return out


def _attribution(raw: list[_Raw]) -> None:
    """ "«...», — заявил Токаев": the attributing verb governs the quoted clause."""
    for i, r in enumerate(raw):
        if r.dep != "parataxis" or r.pos != "VERB" or r.head < 0:
            continue
        quote = raw[r.head]
        if quote.head != -1 or r.head > i:
            continue
        dashed = any(raw[j].text in _DASHES for j in range(max(r.head, i - 3), i))
        subject = any(k.head == i and k.dep == "nsubj" for k in raw)
        if not (dashed and subject):
            continue
        old_root = r.head
        for k in raw:
            if k.head == old_root and k.pos == "PUNCT" and raw.index(k) > i:
                k.head = i  # the full stop ends the attributing clause now
        r.head, r.dep = -1, "root"
        quote.head, quote.dep = i, "ccomp"
        return


def _modals(raw: list[_Raw]) -> None:
    """ "должна выйти", "может направить": the infinitive heads, the modal is its aux."""
    for i, r in enumerate(raw):
        if r.pos not in ("ADJ", "VERB", "AUX"):
            continue
        lem, _ = _tagged(r.text, r.pos, "")
        if lem not in MODALS:
            continue
        verb = next(
            (
                j
                for j, k in enumerate(raw)
                if k.head == i and k.dep == "xcomp" and k.feats.get("VerbForm") == "Inf"
            ),
            None,
        )
        if verb is None:
            continue
        for k in raw:
            if k.head == i and k is not raw[verb]:
                k.head = verb
                if k.dep == "cop":
                    k.dep = "aux"
        raw[verb].head, raw[verb].dep = r.head, r.dep
        r.head, r.dep = verb, "aux"
