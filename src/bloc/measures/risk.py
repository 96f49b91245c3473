"""Exit risk: members ranked by how likely they are to leave or freeze, and the evidence why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance
from bloc.knowledge import bundled
from bloc.measures.cache import cached
from bloc.measures.decay import (
    HALF_LIFE_DAYS,
    MIN_WEIGHT,
    PRIOR_WEIGHT,
    as_of,
    day_number,
    evidence_rank,
)
from bloc.measures.drift import VOTE_WEIGHT, Drift, drift_of, vote_rows, weigh
from bloc.measures.observed import ALLIANCE, LEADER, MEMBER, RIVALS, TYPES, Observed
from bloc.measures.relations import dyads
from bloc.measures.signals import DB, data_of, member_on, refusal_table
from bloc.store import opened
from bloc.store.observations import cited_events, member_votes

RISK_WEIGHTS = {
    "misalignment": 0.35,
    "refusals": 0.25,
    "unanswered requests": 0.20,
    "conflict with a member": 0.10,
    "courting rivals": 0.10,
}
SCORE_WEIGHTS = {**RISK_WEIGHTS, "UN votes": VOTE_WEIGHT}
"""Every part of the score with its weight: what the dashboard's bars and breakdowns show,
so the parts add up to the score the tables print (a freeze aside, which sets it to 1)."""
# How far an answer fell short of the forces the requester asked for.
GRIEVANCE = {"deployment": 0.0, "mission": 0.5, "statement": 0.75, "nothing": 1.0}


@dataclass
class _RiskInputs:
    members: list[str]
    status: dict[str, str]
    parts: dict[str, dict[str, float]]
    rows: dict[str, dict[str, np.ndarray]]  # member -> component -> signal row indices
    evidence: dict[str, float]  # member -> decayed weight behind its misalignment
    decayed: np.ndarray  # decayed weight of every signal on the day


def _risk_inputs(data: Observed, day_date: dt.date) -> _RiskInputs:
    """Per member: each risk component (0..1) and the signal rows behind it."""
    al = data.alliance
    day = day_number(day_date)
    status = member_on(al, day_date)
    members = sorted(m for m in status if m != al.leader)
    known = data.avail <= day
    decayed = np.where(known, data.weight * np.exp2(-(day - data.date) / HALF_LIFE_DAYS), 0.0)
    n = len(data.actors)
    outer = known & (data.kind != MEMBER)
    pull = np.bincount(data.member[outer], weights=(decayed * data.tone)[outer], minlength=n)
    mass = np.bincount(data.member[outer], weights=decayed[outer], minlength=n)
    refusing = (
        outer
        & data.outgoing
        & refusal_table()[data.type]
        & ((data.kind == LEADER) | (data.kind == ALLIANCE))
    )
    refused = np.bincount(data.member[refusing], weights=decayed[refusing], minlength=n)
    courting = outer & (data.kind == RIVALS) & (data.tone < 0)
    courted = np.bincount(
        data.member[courting], weights=(decayed * -data.tone)[courting], minlength=n
    )
    pairs = pair_arrays(dyads(data, day_date))
    parts: dict[str, dict[str, float]] = {}
    rows: dict[str, dict[str, np.ndarray]] = {}
    for m in members:
        c = data.code(m)
        conflict, other = worst_pair(pairs, m)
        parts[m] = component_values(
            mass[c], pull[c], refused[c], unanswered(al, m, day_date), conflict, courted[c]
        )
        mine = data.rows_of(c)  # its rows, ascending: each component's are a subset
        foe = -1 if other is None else data.code(other)
        rows[m] = {
            "misalignment": mine[outer[mine]],
            "refusals": mine[refusing[mine]],
            "courting rivals": mine[courting[mine]],
            "conflict with a member": mine[
                known[mine] & (data.kind[mine] == MEMBER) & (data.other[mine] == foe)
            ],
        }
    evidence = {m: float(mass[data.code(m)]) for m in members}
    return _RiskInputs(members, status, parts, rows, evidence, decayed)


def unanswered(al: Alliance, member: str, day: dt.date) -> float:
    """A member's requests for help known by `day` (those `reliability` lists), each by
    how far its answer fell short, decayed."""
    return float(
        sum(
            GRIEVANCE[str(r.outcome)] * 2 ** (-(day - r.date).days / HALF_LIFE_DAYS)
            for r in al.requests
            if r.requester == member and r.date <= day
        )
    )


PairArrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def pair_arrays(pairs: pd.DataFrame) -> PairArrays:
    """`dyads`' frame as arrays (a, b, score), for `worst_pair` to read for every member."""
    a, b = pairs["a"].to_numpy(dtype=object), pairs["b"].to_numpy(dtype=object)
    return a, b, pairs["score"].to_numpy(dtype="float64")


def worst_pair(pairs: PairArrays, member: str) -> tuple[float, str | None]:
    """The conflict component (how hostile the member's worst relation with another
    member is, 0..1) and that member, from `dyads`' frame, most hostile first (None:
    no events with any): the first pair of the member's with a score."""
    a, b, score = pairs
    mine = np.flatnonzero(((a == member) | (b == member)) & ~np.isnan(score))
    if len(mine) == 0:
        return 0.0, None
    first = mine[0]
    return float(max(0.0, -score[first])), str(b[first] if a[first] == member else a[first])


def component_values(
    mass: float, pull: float, refused: float, unanswered: float, conflict: float, courted: float
) -> dict[str, float]:
    """Each risk component (0..1) from the member's decayed sums: `mass` and `pull` (weight
    and weight x tone of its conduct toward the leader, the alliance and rivals, and its
    votes), `refused` (weight of its refusals), `courted` (weight x -tone toward rivals)."""
    return {
        # Its record's misalignment, counted mass / (mass + k) of itself: the prior
        # adds nothing, so thin evidence gives a small part, not a default.
        "misalignment": float((mass - pull) / (2 * (mass + PRIOR_WEIGHT))),
        "refusals": float(1 - np.exp(-refused)),
        "unanswered requests": float(1 - np.exp(-unanswered)),
        "conflict with a member": conflict,
        "courting rivals": float(1 - np.exp(-2 * courted)),
    }


def _inputs_on(data: Observed, day: dt.date) -> _RiskInputs:
    """`_risk_inputs`, kept by a cache for every member's risk and explanation of the day."""
    if data.stamp is None or data.alliance is not bundled().alliance(data.alliance.code):
        return _risk_inputs(data, day)
    key = ("risk inputs", data.stamp.key, data.alliance.code, day.isoformat())
    return data.stamp.cache.get("frames", key, lambda: _risk_inputs(data, day))


def hand_entered(data: Observed, day: dt.date) -> dict[str, float]:
    """Per member: the share of its event components' contribution (all but the UN votes)
    that hand-entered knowledge-base entries made, 0..1 (a back-test's hindsight check).

    Each component's part is split by the weight its curated signals carry in it
    (misalignment by Σ w·(1 - tone), refusals and courting by their decayed
    sums, conflict by w·|tone|); requests for help are the knowledge base's, so
    that component is all hand-entered; a member already frozen or suspended
    is so by the knowledge base's record, so its score is too.
    """
    inputs = _inputs_on(data, day)
    curated = data.curated if data.curated is not None else np.zeros(len(data.tone), bool)
    strength = {
        "misalignment": 1 - data.tone,
        "refusals": np.ones(len(data.tone)),
        "courting rivals": -data.tone,
        "conflict with a member": np.abs(data.tone),
    }
    out = {}
    for m in inputs.members:
        if inputs.status[m] != "member":
            out[m] = 1.0
            continue
        total = hand = 0.0
        for component, value in inputs.parts[m].items():
            part = RISK_WEIGHTS[component] * value
            idx = inputs.rows[m].get(component)
            if idx is None:  # unanswered requests: the knowledge base's
                share = 1.0
            else:
                w = inputs.decayed[idx] * strength[component][idx]
                share = float(w[curated[idx]].sum() / w.sum()) if w.sum() > 0 else 0.0
            total += part
            hand += part * share
        out[m] = hand / total if total > 0 else 0.0
    return out


def _request_ids(al: Alliance, member: str, day: dt.date) -> list[str]:
    return [f"{r.id}-response" for r in al.requests if r.requester == member and r.date <= day]


@cached
def risk(alliance: str | Observed, on: str | dt.date | None = None, db: DB = None) -> pd.DataFrame:
    """Members (the leader apart) ranked by risk of leaving or freezing participation.

    Columns: rank, member, score (0..1), reasons (the components, largest
    contribution first), evidence (the ids of the weightiest events behind
    them), one column per component, parts (what each component adds to the
    score) and override (the status, frozen or suspended, that sets the score
    to 1 on its own, else None). `bloc.measures.risk_parts` reads the last two
    for every figure that shows the parts.
    """
    data = data_of(alliance, db)
    day = as_of(on)
    inputs = _inputs_on(data, day)
    drifts = drift_of(data, inputs.members, day, db)
    records = []
    rank = evidence_rank(data.weight, data.tone, data.date)
    for m in inputs.members:
        counts = {k: len(r) for k, r in inputs.rows[m].items()}
        behind = np.unique(np.concatenate([np.empty(0, np.int64), *inputs.rows[m].values()]))
        top = weightiest(behind, rank[behind], data.event_ids(behind), 6)
        records.append(
            member_record(
                data.alliance, m, day, inputs.parts[m], counts, inputs.evidence[m],
                inputs.status[m], drifts.get(m), top,
            )
        )  # fmt: skip
    return risk_frame(records)


def weightiest(rows: np.ndarray, rank: np.ndarray, ids: np.ndarray, k: int) -> list[str]:
    """The event ids of the `k` weightiest rows (by `evidence_rank`, ties by event id)."""
    if len(rows) > k:
        cut = np.partition(rank, len(rank) - k)[len(rank) - k]
        keep = rank >= cut
        rank, ids = rank[keep], ids[keep]
    order = sorted(zip(-rank, (str(i) for i in ids), strict=True))[:k]
    return [i for _, i in order]


def member_record(
    al: Alliance,
    m: str,
    day: dt.date,
    values: dict[str, float],
    counts: dict[str, int],
    mass: float,
    status: str,
    drift: Drift | None,
    top: list[str],
) -> dict[str, object]:
    """One member's row of `risk`: its components `values`, the signals behind each
    (`counts`), the decayed weight behind its misalignment, its status, its UN-vote
    signal and its weightiest events (`top`, ids), as score, reasons and evidence."""
    score = sum(RISK_WEIGHTS[k] * v for k, v in values.items())
    order = sorted(RISK_WEIGHTS, key=lambda k: -RISK_WEIGHTS[k] * values[k])
    counts = dict(counts)
    counts["unanswered requests"] = len(_request_ids(al, m, day))
    if mass < MIN_WEIGHT:  # no evidence: `weigh` says so instead of a value
        counts["misalignment"] = 0
    # Misalignment is shown whenever evidence stands behind it, a 0.00 included:
    # a member that always sided with the leader has a finding, not a blank.
    shown = [k for k in order if values[k] > 0.005 or k == "misalignment"]
    reasons = [_reason(k, values[k], counts[k], mass) for k in shown]
    shares = [(RISK_WEIGHTS[k] * values[k], counts[k]) for k in shown]
    score, reasons = weigh(score, reasons, shares, drift)
    # What each part adds to the score, as `weigh` counted it (a part shown with no
    # signal behind it adds nothing): the figures' one source (`risk_parts`).
    parts = {
        k: 0.0 if k in shown and counts[k] == 0 else RISK_WEIGHTS[k] * values[k]
        for k in RISK_WEIGHTS
    }
    parts["UN votes"] = VOTE_WEIGHT * drift.value if drift is not None else 0.0
    override = None
    if status != "member":
        score = 1.0
        override = status
        reasons.insert(0, f"participation already {status}")
    return {
        "member": m,
        "score": float(score),
        "reasons": reasons,
        "evidence": evidence_ids(al, m, day, top),
        **values,
        "UN votes": drift.value if drift is not None else np.nan,
        "parts": parts,
        "override": override,
    }


def evidence_ids(al: Alliance, member: str, day: dt.date, top: list[str]) -> list[str]:
    """A member's evidence: its requests for help, then its weightiest events (at most 8)."""
    return list(dict.fromkeys(_request_ids(al, member, day) + top))[:8]


def risk_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    """`risk`'s frame from its members' records, ranked."""
    columns = [
        "rank",
        "member",
        "score",
        "reasons",
        "evidence",
        *SCORE_WEIGHTS,
        "parts",
        "override",
    ]
    if not records:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(records).sort_values(
        ["score", "member"], ascending=[False, True], ignore_index=True
    )
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[columns]


def _reason(component: str, value: float, count: int, mass: float) -> str:
    """One component's reason: its value and the signals behind it (how thin, for misalignment)."""
    plural = "s" if count != 1 else ""
    thin = ""
    if component == "misalignment" and MIN_WEIGHT <= mass < PRIOR_WEIGHT:
        thin = f", thin evidence: counted {mass / (mass + PRIOR_WEIGHT):.0%}"
    return f"{component} {value:.2f} ({count} signal{plural}{thin})"


@cached
def explain(
    alliance: str | Observed,
    member: str,
    on: str | dt.date | None = None,
    db: DB = None,
    top: int | None = None,
) -> pd.DataFrame:
    """The dated, cited events behind one member's exit risk on a day.

    Columns: component, date, event, type, other, tone, decayed (weight
    after decay), summary, sources (documents or knowledge-base source ids).
    `top` keeps the weightiest that many signals of each component (by their
    decayed weight; every unanswered request is kept).
    """
    data = data_of(alliance, db)
    day = as_of(on)
    code = member.upper()
    inputs = _inputs_on(data, day)
    if code not in inputs.members:
        from bloc.errors import UnknownActorError

        raise UnknownActorError(
            f"{member!r} is not a member of {data.alliance.code} on {day.isoformat()} "
            "(or is its leading state, which is not ranked): see `bloc members`"
        )
    actors = np.array(data.actors, dtype=object)
    types = np.array(TYPES, dtype=object)
    cited, voted = _citations_on(data, inputs, day, top, db)
    rows: list[dict[str, object]] = []

    def add(component: str, event: str, signal: dict[str, object]) -> None:
        date, summary, sentence, etype, sources = cited.get(event, _UNCITED)
        vote = voted.get((code, event), _UNCITED[:3])
        date = date if date is not None else vote[0]
        summary = next((s for s in (summary, sentence, vote[1]) if s is not None), np.nan)
        sources = sources if sources is not None else vote[2]
        rows.append(
            {
                "component": component,
                "date": date,
                "event": event,
                "type": signal.get("type", etype if etype is not None else np.nan),
                "other": signal.get("other", np.nan),
                "tone": signal.get("tone", np.nan),
                "decayed": signal.get("decayed", np.nan),
                "summary": summary,
                "sources": list(sources) if sources is not None else [],
            }
        )

    for component, idx in _shown(inputs, code, top).items():
        columns = zip(
            data.event_ids(idx),
            types[data.type[idx]],
            actors[data.other[idx]],
            data.tone[idx].tolist(),
            inputs.decayed[idx].tolist(),
            strict=True,
        )
        for event, kind, other, tone, decayed in columns:
            signal = {"type": kind, "other": other, "tone": tone, "decayed": decayed}
            add(component, str(event), signal)
    for event in _request_ids(data.alliance, code, day):
        add("unanswered requests", event, {})
    drifts = drift_of(data, inputs.members, day, db, worst=True)
    rows += vote_rows(drifts.get(code), data.alliance.leader)
    out = pd.DataFrame(rows, columns=EXPLAINED)
    out["date"] = pd.to_datetime(out["date"]).dt.date
    explained: pd.DataFrame = out.sort_values(["component", "date", "event"], ignore_index=True)
    return explained


_UNCITED: tuple[None, None, None, None, None] = (None, None, None, None, None)
EXPLAINED = ["component", "date", "event", "type", "other", "tone", "decayed", "summary", "sources"]


def _shown(inputs: _RiskInputs, code: str, top: int | None) -> dict[str, np.ndarray]:
    """The rows of each component explained for a member: the weightiest `top` of each."""
    shown = {}
    for component, idx in inputs.rows[code].items():
        if top is not None and len(idx) > top:
            weight = inputs.decayed[idx]
            idx = idx[np.sort(np.argsort(-weight, kind="stable")[:top])]
        shown[component] = idx
    return shown


Cited = dict[str, tuple[object, object, object, object, list[str] | None]]
Voted = dict[tuple[str, str], tuple[object, object, list[str] | None]]


def _by_event(cites: pd.DataFrame) -> Cited:
    """Each cited event's date, summary, first sentence, type and documents."""
    return {
        str(event): (
            None if pd.isna(date) else date,
            None if pd.isna(summary) else summary,
            None if pd.isna(sentence) else sentence,
            None if pd.isna(etype) else etype,
            list(sources) if isinstance(sources, list | np.ndarray) else None,
        )
        for event, date, summary, sentence, etype, sources in cites.itertuples(index=False)
    }


def _citations_on(
    data: Observed, inputs: _RiskInputs, day: dt.date, top: int | None, db: DB
) -> tuple[Cited, Voted]:
    """What every member's explained events cite, in one query for all of them.

    A server's member pages ask for one member at a time; reading the citations of
    every member's explanation at once, kept by the cache for the day, makes the
    next member's page a lookup instead of another pass over the evidence.
    """

    def read() -> tuple[Cited, Voted]:
        ids = {
            str(i)
            for member in inputs.members
            for idx in _shown(inputs, member, top).values()
            for i in data.event_ids(idx)
        }
        ids |= {i for m in inputs.members for i in _request_ids(data.alliance, m, day)}
        with opened(db) as store:
            cites = cited_events(store, sorted(ids))
            votes = member_votes(store, list(inputs.members))
        return _by_event(cites), {
            (str(m), str(e)): (d, t, list(c) if isinstance(c, list | np.ndarray) else None)
            for m, e, d, t, c in votes.itertuples(index=False)
        }

    if data.stamp is None or data.alliance is not bundled().alliance(data.alliance.code):
        return read()
    key = ("risk citations", data.stamp.key, data.alliance.code, day.isoformat(), top)
    return data.stamp.cache.get("frames", key, read)
