"""The stretch of a sentence an act is dated by: its clause, or a noun trigger's phrase.

A sentence may hold acts of several times ("X, which attacked Y last year, said
on Monday..."); `bloc.text.pipeline` dates each act by the words of its own clause
or phrase. Split from `bloc.text.coder`, which records these spans on each act.
"""

from __future__ import annotations

from bloc.text.parse import Parse, Token


def phrase_span(parse: Parse, token: Token) -> tuple[int, int]:
    """The span of a noun trigger's own phrase ("Azerbaijan's 2020 offensive on..."),
    whose date is the act's (`bloc.text.dates.phrase_date`); (0, 0) for a verb."""
    if token.pos not in ("NOUN", "PROPN"):
        return 0, 0
    inside = parse.subtree(token.i)
    return min(t.start for t in inside), max(t.end for t in inside)


CLAUSES = frozenset({"root", "ccomp", "acl:relcl", "acl", "advcl", "parataxis", "csubj"})


def clause_span(
    parse: Parse, token: Token, relatives: frozenset[str]
) -> tuple[tuple[int, int], bool]:
    """The span of the clause a trigger belongs to, and whether that clause is dependent
    (a relative clause, a participle phrase): its date is its own, not the sentence's."""
    head = token
    for node in [token, *parse.ancestors(token.i)]:
        head = node
        if node.pos in ("VERB", "AUX") and node.dep in CLAUSES:
            break
    nested = {
        t.i
        for c in parse.children(head.i)
        if c.dep in ("acl:relcl", "acl", "ccomp", "advcl", "parataxis")
        and c.i != token.i
        and not any(a.i == c.i for a in parse.ancestors(token.i))
        for t in parse.subtree(c.i)
    }
    inside = [t for t in parse.subtree(head.i) if t.i not in nested]
    span = (min(t.start for t in inside), max(t.end for t in inside))
    relative = head.dep == "acl:relcl" and any(t.lemma in relatives for t in parse.children(head.i))
    return span, relative
