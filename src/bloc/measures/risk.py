"""Exit risk: members ranked by how likely they are to leave or freeze, and the evidence why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bloc.core.alliance import Alliance
from bloc.knowledge import bundled
from bloc.measures.cache import cached
from bloc.measures.decay import HALF_LIFE_DAYS, MIN_WEIGHT, PRIOR_WEIGHT, as_of, day_number
from bloc.measures.drift import VOTE_WEIGHT, drift_of, vote_rows, weigh
from bloc.measures.observed import ALLIANCE, LEADER, MEMBER, RIVALS, TYPES, Observed
from bloc.measures.relations import dyads
from bloc.measures.reliability import reliability
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
    requests: pd.DataFrame


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
    requests = reliability(al.code, day_date)
    pairs = dyads(data, day_date)
    parts: dict[str, dict[str, float]] = {}
    rows: dict[str, dict[str, np.ndarray]] = {}
    for m in members:
        c = data.code(m)
        own = requests[requests.requester == m]
        unanswered = sum(
            GRIEVANCE[str(outcome)]
            * 2 ** (-(day_date - pd.Timestamp(asked).date()).days / HALF_LIFE_DAYS)
            for outcome, asked in zip(own.outcome, own.date, strict=True)
        )
        mine_pairs = pairs[((pairs.a == m) | (pairs.b == m)) & pairs.score.notna()]
        worst = mine_pairs.sort_values("score").head(1)
        conflict = float(max(0.0, -worst.score.iloc[0])) if not worst.empty else 0.0
        parts[m] = {
            # Its record's misalignment, counted mass / (mass + k) of itself: the prior
            # adds nothing, so thin evidence gives a small part, not a default.
            "misalignment": float((mass[c] - pull[c]) / (2 * (mass[c] + PRIOR_WEIGHT))),
            "refusals": float(1 - np.exp(-refused[c])),
            "unanswered requests": float(1 - np.exp(-unanswered)),
            "conflict with a member": conflict,
            "courting rivals": float(1 - np.exp(-2 * courted[c])),
        }
        mine = data.rows_of(c)  # its rows, ascending: each component's are a subset
        if worst.empty:
            foe = -1
        else:
            foe = data.code(str(worst.b.iloc[0] if worst.a.iloc[0] == m else worst.a.iloc[0]))
        rows[m] = {
            "misalignment": mine[outer[mine]],
            "refusals": mine[refusing[mine]],
            "courting rivals": mine[courting[mine]],
            "conflict with a member": mine[
                known[mine] & (data.kind[mine] == MEMBER) & (data.other[mine] == foe)
            ],
        }
    evidence = {m: float(mass[data.code(m)]) for m in members}
    return _RiskInputs(members, status, parts, rows, evidence, decayed, requests)


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
    for m in inputs.members:
        values = inputs.parts[m]
        score = sum(RISK_WEIGHTS[k] * v for k, v in values.items())
        order = sorted(RISK_WEIGHTS, key=lambda k: -RISK_WEIGHTS[k] * values[k])
        counts = {k: len(r) for k, r in inputs.rows[m].items()}
        counts["unanswered requests"] = len(_request_ids(data.alliance, m, day))
        mass = inputs.evidence[m]
        if mass < MIN_WEIGHT:  # no evidence: `weigh` says so instead of a value
            counts["misalignment"] = 0
        # Misalignment is shown whenever evidence stands behind it, a 0.00 included:
        # a member that always sided with the leader has a finding, not a blank.
        shown = [k for k in order if values[k] > 0.005 or k == "misalignment"]
        reasons = [_reason(k, values[k], counts[k], mass) for k in shown]
        shares = [(RISK_WEIGHTS[k] * values[k], counts[k]) for k in shown]
        score, reasons = weigh(score, reasons, shares, drifts.get(m))
        # What each part adds to the score, as `weigh` counted it (a part shown with no
        # signal behind it adds nothing): the figures' one source (`risk_parts`).
        parts = {
            k: 0.0 if k in shown and counts[k] == 0 else RISK_WEIGHTS[k] * values[k]
            for k in RISK_WEIGHTS
        }
        parts["UN votes"] = VOTE_WEIGHT * drifts[m].value if m in drifts else 0.0
        override = None
        if inputs.status[m] != "member":
            score = 1.0
            override = inputs.status[m]
            reasons.insert(0, f"participation already {inputs.status[m]}")
        behind = np.unique(np.concatenate([np.empty(0, np.int64), *inputs.rows[m].values()]))
        weight = np.abs(inputs.decayed[behind] * data.tone[behind])
        if len(weight) > 6:
            cut = np.argpartition(-weight, 6)[:6]
            behind, weight = behind[cut], weight[cut]
        top = behind[np.argsort(-weight, kind="stable")]
        evidence = _request_ids(data.alliance, m, day) + [str(e) for e in data.event_ids(top)]
        records.append(
            {
                "member": m,
                "score": float(score),
                "reasons": reasons,
                "evidence": list(dict.fromkeys(evidence))[:8],
                **values,
                "UN votes": drifts[m].value if m in drifts else np.nan,
                "parts": parts,
                "override": override,
            }
        )
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
