"""Find the actors a Russian sentence names, in any grammatical case.

Russian inflects names ("Армения", "Армении", "Арменией"), so forms are
matched by lemma: every word of a known form, and every word of the text, is
replaced by the set of lemmas pymorphy3 gives it (with the word itself, since
a surname may be read as something else: "Пашинян" first as a plural of
"пашинянин"), and a form matches where each of its words shares a lemma with
the text's word. The forms sit in a trie keyed by those lemmas, so a word of
text costs a probe of the trie's first level per lemma, as the English
finder's one dictionary probe. A capitalised word of a form matches only a
capitalised word of text, an abbreviation ("ЕС", "ИГ") only itself in capitals.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from bloc.core.alliance import KnowledgeBase
from bloc.knowledge import bundled
from bloc.knowledge.russian import RussianForms, russian_forms
from bloc.model import Mention
from bloc.text.actors import actor_on, words
from bloc.text.lang.ru.parser import lemma, lemmas, morph, normal

log = logging.getLogger(__name__)

MAX_KEYS = 64
"""Lemma paths one form may add to the trie (the product of its words' lemma sets)."""
_PROPER = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Abbr", "Trad"})
_ANAPHORS = frozenset({"альянс", "блок", "организация"})
"""Nouns that stand for the alliance last named ("альянс", "этот блок", "организация":
written in lower case, so never a word of a name such as "Организация Объединённых Наций")."""
_BY = frozenset({"по"})  # "союзники по ОДКБ": the alliance's members


@dataclass(frozen=True)
class _Form:
    code: str | None  # None for a person, resolved by the date
    person: int | None
    kind: str  # name, demonym, capital, person
    case: tuple[str, ...]  # per word: "" any case, "cap" capitalised, "abbr" exact capitals


@dataclass
class _Node:
    next: dict[str, _Node] = field(default_factory=dict)
    forms: list[_Form] = field(default_factory=list)


def _shape(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return "abbr"
    return "cap" if word[:1].isupper() else ""


def _fits(shape: str, word: str) -> bool:
    if shape == "abbr":
        return word.isupper()
    return shape != "cap" or word[:1].isupper()


def _common(name: str) -> bool:
    """A one-word library name that is mostly an ordinary word ("Того": "that")."""
    parses = morph().parse(name.lower())
    return bool(parses) and parses[0].score > 0.5 and not _PROPER & set(parses[0].tag.grammemes)


_BODY = frozenset({"организация"})
_TREATY = frozenset({"договор", "пакт"})


def treaty_names(names: tuple[str, ...]) -> list[str]:
    """The treaty an organisation is named for: "Организация Договора о коллективной
    безопасности" gives "Договор о коллективной безопасности" (matched by lemma, so in any
    case), "Организация Варшавского договора" gives "Варшавский договор"; derived from
    the knowledge base's names, so a new alliance's treaty is known with no change here."""
    out = []
    for name in names:
        parts = [w for w, _, _ in words(name)]
        rest = parts[1:]
        if len(parts) >= 2 and lemma(parts[0]) in _BODY and any(lemma(w) in _TREATY for w in rest):
            out.append(name[name.index(rest[0]) :])
    return out


class RussianFinder:
    """Finds actor mentions in Russian text; build once per knowledge base and reuse."""

    def __init__(self, kb: KnowledgeBase, forms: RussianForms) -> None:
        self.kb = kb
        self.alliances = frozenset(kb.alliances)
        self.members = frozenset(normal(w) for w in forms.members)
        self.titles = frozenset(normal(w) for w in forms.titles)
        self.root = _Node()
        curated = {code for code, a in forms.actors.items() if a.cite != ("pycountry",)}
        for code, actor in forms.actors.items():
            for kind, surfaces in (
                ("name", actor.names),
                ("demonym", (*actor.adjectives, *actor.demonyms)),
                ("capital", actor.capitals),
            ):
                for surface in surfaces:
                    single = len(words(surface)) == 1 and surface[:1].isupper()
                    if code not in curated and single and _common(surface):
                        continue
                    self._add(surface, _Form(code, None, kind, ()))
            if kb.actors[code].kind != "state":
                for surface in treaty_names(actor.names):
                    self._add(surface, _Form(code, None, "name", ()))
        for index, names in forms.people:
            for surface in names:
                self._add(surface, _Form(None, index, "person", ()))

    def _add(self, surface: str, form: _Form) -> None:
        parts = [w for w, _, _ in words(surface)]
        shaped = _Form(form.code, form.person, form.kind, tuple(_shape(w) for w in parts))
        paths: list[list[str]] = [[]]
        for part in parts:
            keys = sorted(lemmas(part))
            paths = [[*p, k] for p in paths for k in keys][:MAX_KEYS]
        for path in paths:
            node = self.root
            for key in path:
                node = node.next.setdefault(key, _Node())
            if all(f.kind != shaped.kind or f.code != shaped.code for f in node.forms):
                node.forms.append(shaped)

    def find(
        self, text: str, day: dt.date | None, context_alliance: str | None = None
    ) -> list[Mention]:
        """Mentions in `text`, left to right; a state and a person or office beside it merge."""
        tokens = words(text)
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            match = self._longest(tokens, i)
            if match is None:
                i += 1
                continue
            form, length = match
            mention = self._mention(form, tokens, i, length, text, day)
            if mention is not None:
                found.append(mention)
            i += length
        return self.with_anaphors(text, self._merge(found, text), context_alliance)

    def _longest(self, tokens: list[tuple[str, int, int]], i: int) -> tuple[_Form, int] | None:
        nodes = [self.root]
        best: tuple[_Form, int] | None = None
        for j in range(i, len(tokens)):
            word = tokens[j][0]
            keys = lemmas(word)
            nodes = [n.next[k] for n in nodes for k in keys if k in n.next]
            if not nodes:
                break
            for node in nodes:
                for form in node.forms:
                    shapes = form.case
                    if all(_fits(s, tokens[i + k][0]) for k, s in enumerate(shapes[: j - i + 1])):
                        best = (form, j - i + 1)
                        break
        return best

    def _mention(
        self,
        form: _Form,
        tokens: list[tuple[str, int, int]],
        i: int,
        length: int,
        text: str,
        day: dt.date | None,
    ) -> Mention | None:
        code = form.code
        if form.person is not None:
            code = actor_on(self.kb.people[form.person].offices, day)
            if code is None:
                return None
        assert code is not None
        kind = form.kind
        before = [lemma(w) for w, _, _ in tokens[max(0, i - 2) : i]]
        if code in self.alliances and (
            (before and before[-1] in self.members)
            or (len(before) == 2 and before[1] in _BY and before[0] in self.members)
        ):
            kind = "members"  # "члены ОДКБ", "союзники по НАТО": its states, not the alliance
        start, stop = tokens[i][1], tokens[i + length - 1][2]
        return Mention(code, start, stop, text[start:stop], kind)

    def _merge(self, mentions: list[Mention], text: str) -> list[Mention]:
        """ "президент России Владимир Путин": one mention from the state to the name."""
        merged: list[Mention] = []
        for mention in mentions:
            if merged and merged[-1].code == mention.code:
                gap = [lemma(w) for w, _, _ in words(text[merged[-1].end : mention.start])]
                if len(gap) <= 3 and all(w in self.titles for w in gap):
                    last = merged[-1]
                    form = "person" if "person" in (last.form, mention.form) else last.form
                    merged[-1] = Mention(last.code, last.start, mention.end, last.surface, form)
                    continue
            merged.append(mention)
        return merged

    def with_anaphors(
        self, text: str, found: list[Mention], context_alliance: str | None
    ) -> list[Mention]:
        """Add "альянс", "блок" resolved to the alliance named last before them."""
        if not context_alliance:
            return found
        extra = []
        for word, start, end in words(text):
            if word[:1].isupper() and start > 0:
                continue  # a name's word ("Североатлантический альянс" is matched whole)
            if lemma(word) not in _ANAPHORS or any(m.start <= start < m.end for m in found):
                continue
            named = [m.code for m in found if m.code in self.alliances and m.end <= start]
            code = named[-1] if named else context_alliance
            extra.append(Mention(code, start, end, word, "anaphor"))
        return sorted([*found, *extra], key=lambda m: m.start) if extra else found


@functools.cache
def finder() -> RussianFinder:
    return RussianFinder(bundled(), russian_forms())
