"""Findings in words: the short account of an alliance that `bloc demo` prints.

Kept apart from the CLI so the report and the dashboard can reuse the same
sentences; every statement is built from the store, never hard-coded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bloc import api
from bloc.core import glossary
from bloc.core.dated import iso
from bloc.knowledge import bundled
from bloc.store import knowledge_of

OUTCOME_WORDS = {
    "deployment": "sent forces",
    "mission": "sent envoys or a mission, no forces",
    "statement": "consulted or issued a statement only",
    "nothing": "did nothing",
}


@dataclass(frozen=True)
class Finding:
    title: str
    lines: list[str]


def _names(codes: list[str]) -> str:
    actors = bundled().actors
    names = [actors[c].name for c in codes]
    return (
        ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else "none"
    )


def membership_finding(alliance: str, db: api.DB = None) -> Finding:
    """Members at the alliance's largest and now, and who left in between."""
    kb = knowledge_of(db)
    al = kb.alliance(alliance)
    dates = sorted({s.start for s in al.membership})
    peak = max(dates, key=lambda d: len(al.members_on(d)))
    today = dt.date.today()
    then = api.members(al.code, on=peak, db=db)
    now = api.members(al.code, on=today, db=db)
    gone = sorted(set(then.member) - set(now.member))
    lines = [
        f"On {peak.isoformat()} {al.code} had {len(then)} members: {_names(list(then.member))}.",
        f"Today ({today.isoformat()}) it has {len(now)}: {_names(list(now.member))}.",
    ]
    if gone:
        lines.append(f"Gone since then: {_names(gone)}.")
    odd = now[now.status != "member"]
    for row in odd.itertuples():
        lines.append(f"{row.name} is {row.status} since {row.since:%Y-%m-%d}.")
    return Finding(f"{al.name}: members then and now", lines)


def requests_finding(alliance: str) -> Finding:
    """Every recorded request for help and what the alliance did."""
    kb = bundled()
    al = kb.alliance(alliance)
    lines = []
    for req in al.requests:
        who = kb.actors[req.requester].name
        against = f" against {kb.actors[req.aggressor].name}" if req.aggressor else ""
        when = iso(req.date, req.precision)
        lines.append(
            f"{when}  {who} asked for help ({req.threat}{against}): "
            f"the alliance {OUTCOME_WORDS[req.outcome]}. [{', '.join(req.cite)}]"
        )
    honoured = sum(r.outcome == "deployment" for r in al.requests)
    if al.requests:
        lines.append(
            f"Forces were sent in {honoured} of {len(al.requests)} requests "
            f"({100 * honoured / len(al.requests):.0f}%)."
        )
    name = glossary.alliance(al.code, article=False)
    treaty = name if name.endswith(("Pact", "Treaty")) else f"{name} treaty"
    return Finding(f"Requests for help under the {treaty}", lines)


def cohesion_finding(alliance: str, db: api.DB = None) -> Finding:
    """Cohesion by year since 2020 and the exit-risk ranking today, from the store."""
    from bloc import measures

    code = knowledge_of(db).alliance(alliance).code
    data = measures.observe(code, db)
    frame = measures.cohesion(data, by="year", since=dt.date(2020, 1, 1))
    trend = ", ".join(f"{p} {c:.2f}" for p, c in zip(frame.period, frame.cohesion, strict=True))
    ranked = measures.risk(data, db=db)
    order = ", ".join(f"{m} {s:.2f}" for m, s in zip(ranked.member, ranked.score, strict=True))
    lines = [f"Cohesion index (0-1) at each year's end: {trend}."]
    if order:
        lines.append(f"Exit risk today, highest first: {order}.")
    lines.append(f"Why: `bloc risk {code} --explain MEMBER`; formulas in docs/analysis.md.")
    return Finding(f"Is {glossary.alliance(code)} holding?", lines)
