"""What each dashboard page (and the report) shows, computed from the measures as of a day.

The server and `bloc report` both render these dicts with the templates in
`bloc/web/templates`, which escape every string; article text is untrusted and
is never marked safe. Only the SVG map, built by `maps.risk_map` from
packaged geometry with its own strings escaped, goes in as markup.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import jinja2
import pandas as pd
from markupsafe import Markup

from bloc import api, measures, simulate
from bloc.core import glossary
from bloc.core.alliance import Alliance
from bloc.core.dated import Dated
from bloc.core.rules import known_by
from bloc.errors import UnknownActorError
from bloc.knowledge import bundled, exists_on
from bloc.knowledge.world import inhabited
from bloc.store import knowledge_of
from bloc.web import charts, maps, relation_charts, votes_chart

log = logging.getLogger(__name__)

LATEST = 12  # events on the overview page
WHY_SHOWN = 25  # the weightiest signals behind each part of a member's exit risk, on its page


def environment() -> jinja2.Environment:
    """The templates, with autoescaping on for every file."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bloc.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["pct"] = lambda v: "-" if _missing(v) else f"{float(v):.0%}"
    env.filters["precise"] = precise
    env.filters["alliance"] = lambda al, article=True: glossary.alliance(
        getattr(al, "code", str(al)), article=article
    )
    env.filters["capital"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    env.filters["type_words"] = glossary.type_words
    env.filters["threat"] = glossary.threat
    env.filters["outcome"] = glossary.outcome
    env.globals["safe_url"] = safe_url
    return env


def precise(day: Any, precision: Any) -> str:
    """An ISO day written to its precision (2022, 2022-09 or 2022-09-13), as a form takes it:
    `api.when`, the function that writes the API's and `bloc events`' `when` too."""
    return api.when(day, precision)


def with_when(rows: list[dict[str, Any]], precisions: dict[str, str] | None = None) -> None:
    """Give each row a `when`: its date written to its precision (2022-01, 1999). The
    precision is the row's `date_precision`, else `precisions` by the row's `event` id,
    else a day."""
    for row in rows:
        precision = row.get("date_precision")
        if _missing(precision) and precisions is not None:
            precision = precisions.get(str(row.get("event")))
        row["when"] = precise(row.get("date"), precision)


def curated_precisions() -> dict[str, str]:
    """The precision of every curated event, by id (explanations carry dates, not precisions)."""
    return {e.id: e.precision for e in bundled().events}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _num(value: Any, digits: int = 2) -> str:
    if _missing(value):
        return "-"
    if isinstance(value, int | str):
        return str(value)
    return f"{float(value):.{digits}f}"


def safe_url(url: Any) -> str | None:
    """A link target only for plain http(s) addresses; anything else is not linked."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


PICKER_GROUPS = {"state": "States", "organisation": "Organisations", "group": "Armed groups"}


def pickable(on: dt.date | None = None, db: api.DB = None) -> list[dict[str, Any]]:
    """The actors a picker offers, by name within each kind (states, organisations, the
    knowledge base's armed groups): no uninhabited territory (Antarctica, Bouvet Island),
    and, with `on`, no state that had ceased to exist by then. Each: code, name, group."""
    kb = knowledge_of(db)
    out = [
        {"code": a.code, "name": a.name, "group": PICKER_GROUPS[a.kind]}
        for a in kb.actors.values()
        if a.kind in PICKER_GROUPS
        and inhabited(a.code)
        and (on is None or exists_on(kb, a.code, on))
    ]
    order = list(PICKER_GROUPS.values())
    return sorted(out, key=lambda a: (order.index(a["group"]), a["name"].casefold()))


def names() -> dict[str, str]:
    return {code: actor.name for code, actor in bundled().actors.items()}


def sources(ids: list[str], urls: dict[str, str | None] | None = None) -> list[dict[str, Any]]:
    """Citable entries for knowledge-base source ids and ingested document ids: id, label
    (the full citation), title, outlet, date (at its precision) and url (when known)."""
    out = []
    for sid in dict.fromkeys(ids):
        entry = source_of(sid)
        if entry["url"] is None:
            entry["url"] = safe_url((urls or {}).get(sid))
        out.append(entry)
    return out


def source_of(sid: str) -> dict[str, Any]:
    """One source as a reader cites it: the knowledge base's title, outlet and date, or for
    an ingested document its id alone (its title is not stored)."""
    src = bundled().sources.get(sid)
    if src is None:
        return {"id": sid, "label": sid, "title": None, "outlet": None, "date": None, "url": None}
    return {
        "id": sid,
        "label": src.cite(),
        "title": src.title,
        "outlet": src.publisher,
        "date": src.when(),
        "url": safe_url(src.url),
    }


def known_events(frame: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Events dated and known by `on` (`bloc.core.rules.known_by`: curated ones are the
    record, known once their dated period has ended; others from their first publication)."""
    if frame.empty:
        return frame
    keep = []
    for date, precision, origin, evidence in zip(
        frame["date"], frame["date_precision"], frame["origin"], frame["evidence"], strict=True
    ):
        published = [
            Dated(pd.Timestamp(e["published"]).date())
            for e in evidence
            if e.get("published") is not None
        ]
        dated = Dated.of(pd.Timestamp(date).date(), precision)
        keep.append(known_by(on, dated, published, curated=origin == "curated"))
    return frame[keep]


def event_rows(frame: pd.DataFrame, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Events as dicts for templates, evidence limited to what was published by `on`."""
    rows = []
    for record in api.to_records(frame):
        evidence = record.get("evidence") or []
        if on is not None:
            evidence = [
                e
                for e in evidence
                if e.get("published") is None or e["published"] <= on.isoformat()
            ] or evidence[:1]
        curated = record.get("origin") == "curated"
        for e in evidence:
            e["link"] = safe_url(e.get("url"))
            e["summary"] = curated  # the knowledge base's words, not a quotation
            e["source"] = source_of(str(e.get("document")))
        record["evidence"] = evidence
        record["when"] = precise(record.get("date"), record.get("date_precision"))
        rows.append(record)
    return rows


def _alliance(code: str) -> Alliance:
    return bundled().alliance(code)


def _statuses(al: Alliance, on: dt.date) -> dict[str, str]:
    return {s.member: s.status for s in al.members_on(on)}


def member_link(al: Alliance, on: dt.date) -> dict[str, str]:
    return {
        s.member: f"/alliances/{al.code}/members/{s.member}?on={on.isoformat()}"
        for s in al.members_on(on)
    }


def overview(
    alliance: str,
    on: dt.date,
    db: api.DB = None,
    *,
    report: bool = False,
    data: measures.Observed | None = None,
) -> dict[str, Any]:
    """Membership, cohesion over time, the risk map and the latest events.

    Pass `data` (the store read by `measures.observe`) to share one reading.
    """
    al = _alliance(alliance)
    nm = names()
    status = _statuses(al, on)
    data = data if data is not None else measures.observe(al.code, db)
    coh = measures.cohesion(data, by="quarter", since=dt.date(2000, 1, 1), until=on)
    risk = measures.risk(data, on, db)
    pairs = measures.dyads(data, on)
    summary = measures.reliability_summary(al.code, on, db)
    scores = dict(zip(risk["member"], risk["score"], strict=True))
    scores = {m: s for m, s in scores.items() if pd.notna(s)}  # "no evidence": no colour
    link = {} if report else member_link(al, on)
    land = None if report else maps.world_url()  # the report makes no request: land inline
    involved = sorted(set(status) | {al.code})
    recent = api.events(until=on, db=db, actors=involved, latest=LATEST * 4)
    latest = known_events(recent, on).tail(LATEST).iloc[::-1]
    findings = _findings(al, on, status, coh, risk, pairs, summary, nm)
    return {
        "alliance": al,
        "on": on,
        "status": status,
        "names": nm,
        "findings": findings,
        "timeline": charts.membership_timeline(al, on, nm),
        "cohesion": charts.cohesion_chart(coh),
        "cohesion_rows": api.to_records(coh.tail(8)),
        "risk": api.to_records(risk),
        "risk_chart": charts.risk_chart(measures.risk_parts(risk), nm),
        "votes_chart": votes_chart.alliance_votes_chart(al, on, nm, db),
        "map": Markup(maps.risk_map(status, scores, nm, link, al.leader, land)),
        "latest": event_rows(latest, on),
        "links": link,
    }


def _findings(
    al: Alliance,
    on: dt.date,
    status: dict[str, str],
    coh: pd.DataFrame,
    risk: pd.DataFrame,
    pairs: pd.DataFrame,
    summary: pd.DataFrame,
    nm: dict[str, str],
) -> list[str]:
    """The state of the alliance in a few plain sentences."""
    lines = []
    inactive = [f"{nm[m]} ({s})" for m, s in status.items() if s != "member"]
    lines.append(
        f"On {on.isoformat()} {glossary.alliance(al.code)} has {len(status)} members"
        + (f", of whom {', '.join(inactive)}." if inactive else ".")
    )
    if not coh.empty:
        last = coh.iloc[-1]
        year_ago = coh[pd.to_datetime(coh["end"]) <= pd.Timestamp(on) - pd.Timedelta(days=365)]
        trend = ""
        if not year_ago.empty:
            before = float(year_ago.iloc[-1]["cohesion"])
            trend = (
                f", {'up' if last.cohesion > before else 'down'} from {before:.2f} a year earlier"
            )
        lines.append(f"Cohesion index {float(last.cohesion):.2f} (0 to 1){trend}.")
    scored = risk.dropna(subset=["score"])
    if not scored.empty:
        top = scored.iloc[0]
        lines.append(
            f"Highest exit risk: {nm[top.member]} ({top.score:.2f}), mainly "
            f"{top.reasons[0] if len(top.reasons) else 'no signal'}; lowest: "
            f"{nm[scored.iloc[-1].member]} ({scored.iloc[-1].score:.2f})."
        )
    elif not risk.empty:  # members, but no evidence on any of them by this day
        lines.append("Exit risk: no evidence on any member by this day, so no ranking.")
    hostile = pairs.dropna(subset=["score"])
    if not hostile.empty and hostile.iloc[0].score < -0.1:
        h = hostile.iloc[0]
        lines.append(
            f"Most strained pair: {nm[h.a]} and {nm[h.b]} ({h.relation}, {h.score:+.2f}, "
            f"{h.events} events)."
        )
    n = summary.requests.iloc[0]
    if n:
        lines.append(
            f"Requests for help known by then: {n}; honoured in full: "
            f"{summary.share.iloc[0]:.0%} (published reference after 1945: 22%)."
        )
    return lines


def member(alliance: str, code: str, on: dt.date, db: api.DB = None) -> dict[str, Any]:
    """One member: its alignment over time, its events and why its risk is what it is."""
    al = _alliance(alliance)
    code = code.upper()
    if code not in {s.member for s in al.membership}:
        raise UnknownActorError(f"{code!r} was never a member of {al.code}: see `bloc members`")
    nm = names()
    data = measures.observe(al.code, db)
    if code == al.leader:  # alignment is measured toward the leader: it has none of its own
        frame = pd.DataFrame(columns=["member", "end", "alignment"])
    else:
        frame = measures.alignment(data, by="quarter", member=code, until=on)
        frame = frame[pd.to_datetime(frame["end"]) >= pd.Timestamp(2000, 1, 1)]
    total = api.count_events(actor=code, until=on, db=db)
    events = known_events(api.events(actor=code, until=on, db=db, latest=400), on).iloc[::-1]
    risk = measures.risk(data, on, db)
    row = risk[risk["member"] == code]
    why: list[dict[str, Any]] = []
    note = None
    if code == al.leader:
        note = "the leading state is not ranked for exit risk"
    elif row.empty:
        note = f"not a member on {on.isoformat()}"
    else:
        explained = measures.explain(data, code, on, db=db, top=WHY_SHOWN)
        urls = _document_urls(events)
        for record in api.to_records(explained):
            record["cited"] = sources(record.get("sources") or [], urls)
            why.append(record)
        with_when(why, event_precisions(events))
    spells = [s for s in al.membership if s.member == code]
    return {
        "alliance": al,
        "on": on,
        "code": code,
        "name": nm.get(code, code),
        "names": nm,
        "spells": spells,
        "alignment": charts.alignment_chart(frame),
        "alignment_now": None if frame.empty else frame.iloc[-1]["alignment"],
        "risk": None if row.empty else api.to_records(row)[0],
        "weights": measures.SCORE_WEIGHTS,
        "parts": api.to_records(measures.risk_parts(row)),
        "why": why,
        "why_shown": WHY_SHOWN,
        "note": note,
        "events": event_rows(events.head(200), on),
        "total_events": total,
    }


def event_precisions(events: pd.DataFrame | None = None) -> dict[str, str]:
    """The precision of each event by id: every curated one, and those of `events`."""
    found = curated_precisions()
    if events is not None and not events.empty:
        found.update(zip(events["id"].astype(str), events["date_precision"], strict=True))
    return found


def _document_urls(events: pd.DataFrame) -> dict[str, str | None]:
    urls: dict[str, str | None] = {}
    for evidence in events.get("evidence", []):
        for e in evidence:
            urls.setdefault(str(e["document"]), e.get("url"))
    return urls


def relations(
    alliance: str,
    on: dt.date,
    db: api.DB = None,
    *,
    report: bool = False,
    view: str | None = None,
) -> dict[str, Any]:
    """The member-relations matrix and graph (the graph of a big alliance only on request)."""
    al = _alliance(alliance)
    nm = names()
    frame = measures.relations(al.code, on, db)
    members = sorted(_statuses(al, on))
    pairs = frame[frame["kind"] == "member"]
    scored = pairs.dropna(subset=["score"])
    big = len(members) > relation_charts.BIG
    drawn = view == "graph" or (view is None and not big)
    events = {(a, b): int(n) for a, b, n in scored[["a", "b", "events"]].itertuples(False)}
    heatmap = None
    if not scored.empty:
        heatmap = relation_charts.relations_matrix(measures.dyad_matrix(pairs), nm, events)
    when = on.isoformat()
    return {
        "alliance": al,
        "on": on,
        "names": nm,
        "big": big,
        "view": "graph" if drawn else "matrix",
        "graph": (
            relation_charts.relations_graph(
                frame, members, {} if report else member_link(al, on), nm
            )
            if drawn and frame["score"].notna().any()
            else None
        ),
        "graph_empty": (
            f"No events between {al.code} members or with the outside powers known by {when}."
            if frame["score"].isna().all()
            else None
        ),
        "heatmap": heatmap,
        "heatmap_empty": (
            f"No events between {al.code} members known by {when}, so no relations to show."
            if scored.empty
            else None
        ),
        "pairs": api.to_records(frame.dropna(subset=["score"])),
    }


def reliability(alliance: str, on: dt.date, db: api.DB = None) -> dict[str, Any]:
    """Every request for assistance and the answer, beside the reference figures."""
    al = _alliance(alliance)
    frame = measures.reliability(al.code, on, db)
    summary = measures.reliability_summary(al.code, on, db)
    rows = requests_when(al.code, api.to_records(frame), db)
    for row in rows:
        row["cited"] = sources(row.get("sources") or [])
    refs = api.to_records(summary)
    for ref in refs:
        ref["cited"] = sources([ref["source"]]) if ref["source"] != "knowledge base" else []
    return {
        "alliance": al,
        "on": on,
        "names": names(),
        "requests": rows,
        "summary": refs,
        "share_chart": charts.reliability_chart(summary),
    }


def requests_when(
    alliance: str, rows: list[dict[str, Any]], db: api.DB = None
) -> list[dict[str, Any]]:
    """Requests for help (`measures.reliability` rows) with `when`: each date at its
    precision (the 1999 Kyrgyz request is of August 1999: 1999-08)."""
    al = knowledge_of(db).alliance(alliance)
    asked = {(r.requester, r.date.isoformat()): r.precision for r in al.requests}
    for row in rows:
        row["when"] = precise(row["date"], asked.get((row["requester"], str(row["date"])[:10])))
    return rows


def simulation(
    alliance: str,
    on: dt.date,
    requester: str | None,
    threat: str,
    aggressor: str | None,
    assume: list[str],
    seed: int,
    draws: int,
    db: api.DB = None,
) -> dict[str, Any]:
    """The scenario form and, when a requester is given, the simulated answer."""
    al = _alliance(alliance)
    nm = names()
    status = _statuses(al, on)
    members = sorted(status, key=lambda m: str(nm.get(m) or m).casefold())
    # The form opens on a member in good standing (not a frozen or suspended one), by name.
    standing = [m for m in members if status[m] == "member" and m != al.leader]
    page: dict[str, Any] = {
        "alliance": al,
        "on": on,
        "names": nm,
        "members": members,
        "status": status,
        "threats": simulate.THREATS,
        "assumptions": simulate.ASSUMPTIONS,
        "actors": pickable(on, db),
        "form": {
            "requester": requester or (standing or members or [""])[0],
            "threat": threat,
            "aggressor": aggressor or "",
            "assume": assume,
            "seed": seed,
            "draws": draws,
        },
        "result": None,
        "outcomes_chart": None,
    }
    if requester:
        scenario = simulate.parse_scenario(al.code, requester, threat, aggressor, on, assume)
        result = simulate.simulate(scenario, draws=draws, seed=seed, db=db)
        invoked = [p for p in al.provisions if p.id == result["scenario"]["provision"]]
        result["words"] = {
            "provision": glossary.provision(invoked[0].article, invoked[0].kind)
            if invoked
            else result["scenario"]["provision"],
            "threat": glossary.threat(result["scenario"]["threat"]),
        }
        named = functools.partial(_named, names=nm)
        page["result"] = result
        page["reasons"] = [named(r) for r in result["reasons"]]
        page["member_reasons"] = {
            m["member"]: [named(r) for r in m["reasons"]] for m in result["members"]
        }
        page["outcomes_chart"] = charts.outcomes_chart(result["outcomes"])
    return page


_CODE = re.compile(r"\b[A-Z]{3,6}\b")


def _named(text: str, names: dict[str, str]) -> str:
    """A reason with the actor codes in it written as names ("friendly ties with AZE" ->
    "friendly ties with Azerbaijan"); alliance codes and unknown words stay as they are."""
    return _CODE.sub(lambda m: m[0] if m[0] in bundled().alliances else names.get(m[0], m[0]), text)


def comparison(alliances: list[str], on: dt.date, db: api.DB = None) -> dict[str, Any]:
    """The same measures for several alliances side by side, and their cohesion over time."""
    codes = [_alliance(a).code for a in alliances]
    frame = measures.compare(codes, on, db)
    series = {
        code: measures.cohesion(code, by="year", since=dt.date(2000, 1, 1), until=on, db=db)
        for code in codes
    }
    chart = charts.yearly_chart(series, "cohesion", "cohesion index (0-1)")
    return {
        "on": on,
        "codes": codes,
        "rows": api.to_records(frame),
        "cohesion_chart": chart,
    }
