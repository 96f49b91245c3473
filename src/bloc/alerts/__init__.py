"""Alerts: rules a user sets, evaluated after every change, delivered by feed and webhook.

A room above `measures/` and `ingest/`: ingest, watch, import and review
return what they changed, and whoever drives them (the CLI, the watch loop,
the server) hands it to `evaluate`; `ingest/` never imports `alerts/`.
"""

from bloc.alerts.alert import Alert
from bloc.alerts.deliver import (
    SIGNATURE as SIGNATURE_HEADER,
)
from bloc.alerts.deliver import (
    Retry,
    add_hook,
    deliver_pending,
    hooks_frame,
    remove_hook,
    sign,
)
from bloc.alerts.evaluate import Changes, evaluate
from bloc.alerts.ledger import add_rules, add_starter, alerts_frame, remove_rule, rules_frame
from bloc.alerts.replay import replay
from bloc.alerts.rules import KINDS, Rule, check, load_rules_file, rule_from, starter_rules

__all__ = [
    "KINDS",
    "SIGNATURE_HEADER",
    "Alert",
    "Changes",
    "Retry",
    "Rule",
    "add_hook",
    "add_rules",
    "add_starter",
    "alerts_frame",
    "check",
    "deliver_pending",
    "evaluate",
    "hooks_frame",
    "load_rules_file",
    "remove_hook",
    "remove_rule",
    "replay",
    "rule_from",
    "rules_frame",
    "sign",
    "starter_rules",
]
