"""Alert rules: what a user wants to be told, checked before anything is stored.

Four kinds, each about one alliance (or, for `source-quiet`, the feeds):

- `risk-above`: a member's exit risk reaches `threshold` (0-1);
- `risk-jump`: a member's exit risk rises by `amount` or more within `window` days;
- `event`: an event of one of `types` (and `modes`, if given) from `source` to
  `target`, each an actor code, `member` (a member of the alliance on the
  event's date), `alliance` (the alliance itself) or `any`; `both_ways`
  also matches the event with source and target swapped;
- `source-quiet`: a feed (`feed`, or every feed) has not answered for `hours`.

A rule is stored as its JSON (`spec`), so a rule written by hand in a YAML
file and one made by `bloc alerts add` are the same thing. `starter_rules`
gives the defaults for every alliance the knowledge base holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bloc.core.alliance import KnowledgeBase
from bloc.core.events import PLOVER_TYPES
from bloc.errors import AlertError
from bloc.knowledge.world import world_actors

KINDS = ("risk-above", "risk-jump", "event", "source-quiet")
ROLES = ("member", "alliance", "any")
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-_]{0,79}$")
FIELDS = {
    "risk-above": {"threshold"},
    "risk-jump": {"amount", "window"},
    "event": {"types", "modes", "source", "target", "both_ways"},
    "source-quiet": {"feed", "hours"},
}


@dataclass(frozen=True)
class Rule:
    """One alert rule; `check` says whether it makes sense before it is stored."""

    id: str
    kind: str
    alliance: str | None = None
    threshold: float | None = None
    amount: float | None = None
    window: int | None = None  # days
    types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    source: str = "any"
    target: str = "any"
    both_ways: bool = False
    feed: str | None = None
    hours: float | None = None
    note: str = field(default="", compare=False)

    def spec(self) -> str:
        """The rule as stored: its fields as JSON, the unset ones left out."""
        defaults = {f.name: f.default for f in fields(self)}
        values = {k: v for k, v in asdict(self).items() if v != defaults[k]}
        values.pop("id", None)
        return json.dumps(values, sort_keys=True)

    def describe(self) -> str:
        """One line a reader understands, for lists and alert titles."""
        if self.kind == "risk-above":
            return f"a {self.alliance} member's exit risk reaches {self.threshold:.2f}"
        if self.kind == "risk-jump":
            return (
                f"a {self.alliance} member's exit risk rises by {self.amount:.2f} or more "
                f"within {self.window} days"
            )
        if self.kind == "source-quiet":
            which = f"the feed {self.feed}" if self.feed else "a feed"
            return f"{which} has not answered for {self.hours:g} hours"
        what = "/".join(self.types) + (f" ({', '.join(self.modes)})" if self.modes else "")
        way = "between" if self.both_ways else "from"
        join = "and" if self.both_ways else "to"
        return f"{what} {way} {_role(self.source, self.alliance)} {join} " + _role(
            self.target, self.alliance
        )


RISK_KINDS = KINDS[:2]
"""The rules that read an alliance's exit risk (and its running sums in the store)."""


def risk_alliances(rules: list[Rule]) -> list[str]:
    """The alliances some risk rule watches, sorted: those whose running sums are kept."""
    return sorted({str(r.alliance) for r in rules if r.kind in RISK_KINDS})


def _role(role: str, alliance: str | None) -> str:
    return {"member": f"a {alliance} member", "alliance": str(alliance), "any": "anyone"}.get(
        role, role
    )


def rule_from(raw: dict[str, Any], where: str = "the rule") -> Rule:
    """A rule from its fields (a YAML entry, the CLI's options, a stored spec), unchecked."""
    if not isinstance(raw, dict):
        raise AlertError(f"{where}: a rule is a mapping of fields, got {type(raw).__name__}")
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        raise AlertError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r:.40}")
    allowed = {"id", "kind", "alliance", "note"} | FIELDS[kind]
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise AlertError(
            f"{where}: a {kind} rule has no field {', '.join(unknown)} "
            f"(its fields: {', '.join(sorted(allowed))})"
        )
    try:
        return Rule(
            id=str(raw.get("id") or ""),
            kind=kind,
            alliance=str(raw["alliance"]).upper() if raw.get("alliance") else None,
            threshold=_number(raw, "threshold"),
            amount=_number(raw, "amount"),
            window=int(raw["window"]) if raw.get("window") is not None else None,
            types=tuple(str(t).upper() for t in _list(raw.get("types"))),
            modes=tuple(str(m) for m in _list(raw.get("modes"))),
            source=_actor(raw.get("source")),
            target=_actor(raw.get("target")),
            both_ways=bool(raw.get("both_ways", False)),
            feed=str(raw["feed"]) if raw.get("feed") else None,
            hours=_number(raw, "hours"),
            note=str(raw.get("note") or ""),
        )
    except (TypeError, ValueError) as exc:
        raise AlertError(f"{where}: {exc}") from None


def _number(raw: dict[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key} must be a number, got {value!r:.40}")
    return float(value)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)


def _actor(value: Any) -> str:
    text = str(value or "any").strip()
    return text.lower() if text.lower() in ROLES else text.upper()


def check(rule: Rule, kb: KnowledgeBase) -> Rule:
    """The rule with its id filled in, or AlertError saying what is wrong and what to do."""
    name = rule.id or "the rule"
    if rule.kind != "source-quiet":
        if not rule.alliance:
            raise AlertError(f"{name}: a {rule.kind} rule needs --alliance (e.g. CSTO)")
        kb.alliance(rule.alliance)  # UnknownAllianceError names the alliances known
    if rule.kind == "risk-above":
        _fraction(name, "threshold", rule.threshold)
    elif rule.kind == "risk-jump":
        _fraction(name, "amount", rule.amount)
        if rule.window is None or not 1 <= rule.window <= 3650:
            raise AlertError(f"{name}: window must be a number of days from 1 to 3650")
    elif rule.kind == "event":
        if not rule.types:
            raise AlertError(f"{name}: an event rule needs --type (one or more PLOVER types)")
        bad = [t for t in rule.types if t not in PLOVER_TYPES]
        if bad:
            raise AlertError(
                f"{name}: {', '.join(bad)} is not a PLOVER type; use one of "
                + ", ".join(PLOVER_TYPES)
            )
        known = set(kb.actors) | set(world_actors())
        for role in (rule.source, rule.target):
            if role not in ROLES and role not in known:
                raise AlertError(
                    f"{name}: unknown actor {role!r:.20}; give an actor code (RUS, ARM, CSTO) "
                    "or member, alliance or any"
                )
    elif rule.hours is None or not 0 < rule.hours <= 24 * 365:
        raise AlertError(f"{name}: hours must be a number above 0 (e.g. 48)")
    rule_id = rule.id or default_id(rule)
    if not _ID.match(rule_id):
        raise AlertError(
            f"{rule_id!r:.90} is not a usable rule id: up to 80 lower-case letters, digits, "
            "'.', '-' or '_'"
        )
    return Rule(**{**asdict(rule), "id": rule_id})


def _fraction(name: str, key: str, value: float | None) -> None:
    if value is None or not 0 < value <= 1:
        raise AlertError(f"{name}: {key} must lie above 0 and at most 1, got {value}")


def default_id(rule: Rule) -> str:
    """A readable id from what the rule says (`csto-risk-above-0.5`)."""
    parts = [rule.alliance or "feeds", rule.kind]
    if rule.kind == "risk-above":
        parts.append(f"{rule.threshold:g}")
    elif rule.kind == "risk-jump":
        parts += [f"{rule.amount:g}", f"{rule.window}d"]
    elif rule.kind == "event":
        parts += ["-".join(rule.types), rule.source, rule.target]
    else:
        parts += [rule.feed or "any", f"{rule.hours:g}h"]
    return "-".join(parts).lower()


def load_rules_file(path: Path, kb: KnowledgeBase) -> list[Rule]:
    """Every rule of a YAML file (a list of rules, or `rules:` holding one), all checked
    before any is stored: a bad entry names the file, its place and the reason."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AlertError(f"{path}: cannot read the rules file ({exc})") from None
    entries = raw.get("rules") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise AlertError(f"{path}: expected a list of rules (or `rules:` holding one)")
    rules = []
    for i, entry in enumerate(entries):
        where = f"{path}: rules[{i}]"
        try:
            rules.append(check(rule_from(entry, where), kb))
        except AlertError as exc:
            text = str(exc)
            raise AlertError(text if text.startswith(str(path)) else f"{where}: {text}") from None
    return rules


def starter_rules(kb: KnowledgeBase) -> list[Rule]:
    """The defaults for every alliance: a member asks it for help; a member and the
    alliance break (REJECT or SANCTION, either way); two members clash (ASSAULT or
    COERCE); a member's exit risk reaches 0.5 or jumps by 0.25 within 90 days; and a
    feed silent for two days."""
    rules = []
    for code in sorted(kb.alliances):
        rules += [
            Rule(f"{code.lower()}-request", "event", code, types=("REQUEST",),
                 source="member", target="alliance"),
            Rule(f"{code.lower()}-break", "event", code, types=("REJECT", "SANCTION"),
                 source="member", target="alliance", both_ways=True),
            Rule(f"{code.lower()}-clash", "event", code, types=("ASSAULT", "COERCE"),
                 source="member", target="member"),
            Rule(f"{code.lower()}-risk-above", "risk-above", code, threshold=0.5),
            Rule(f"{code.lower()}-risk-jump", "risk-jump", code, amount=0.25, window=90),
        ]  # fmt: skip
    rules.append(Rule("feeds-quiet", "source-quiet", hours=48.0))
    return [check(rule, kb) for rule in rules]


def stored_rule(rule_id: str, kind: str, alliance: str | None, spec: str) -> Rule:
    """A rule as read back from the store."""
    raw = json.loads(spec)
    raw.update({"id": rule_id, "kind": kind, "alliance": alliance})
    return rule_from(raw, rule_id)
