"""Fit the coder's confidence on PLOVER's tune part; write the model; report the check part.

usage: python scripts/calibrate.py [--gold DIR] [--draws N]   (default ../shared/data/plover-gsr)

The one reproducible command for the confidence model (issue 25, item 5). It codes
the scorable records of the *tune* part of PLOVER's development split
(`bloc.text.evaluate_split`; each record an article dated 2000-01-01), marks each
event right or wrong as the records' `score.py` does (gold source, gold target, gold
type; IGO/NGO accept any organisation), fits a seeded, L2-penalised logistic
regression of right on the features the coder states (`bloc.text.calibration`; the
penalty by repeated, stratified five-fold cross-validation over tune records),
and writes the weights with their provenance to src/bloc/text/calibration.yaml,
which the coder reads. Then it codes the *check* part, which the fit never saw, and
prints the ROC AUC of confidence for right against wrong events, a bootstrap
interval over records, and a table of confidence bins (events, share right): the
figures of docs/codebook.md. The check part is read only as these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path

import yaml

from bloc.text import calibration
from bloc.text.calibration_fit import (
    FOLDS,
    REPEATS,
    SEED,
    Outcome,
    auc,
    bootstrap,
    fit,
    outcomes,
    records,
    table,
)

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "bloc" / "text" / "calibration.yaml"


def scored(found: list[Outcome]) -> list[tuple[str, float, bool]]:
    """(record, confidence as shipped now, right) for each event."""
    return [(o.record, calibration.confidence(o.features, o.prior), o.right) for o in found]


def report(name: str, rows: list[tuple[str, float, bool]], draws: int) -> dict[str, object]:
    """Print one part's figures and return them."""
    scores, labels = [s for _, s, _ in rows], [ok for _, _, ok in rows]
    right = sum(labels)
    value = auc(scores, labels)
    low, high = bootstrap(rows, draws) if draws else (float("nan"), float("nan"))
    interval = f" (95% bootstrap over records {low:.2f}-{high:.2f})" if draws else ""
    print(
        f"{name}: {len(rows)} events from {len({r for r, _, _ in rows})} records, {right} right; "
        f"ROC AUC {value:.3f}{interval}"
    )
    print("  confidence | events | right | share right")
    bins = table(scores, labels)
    for label, n, ok in bins:
        share = f"{ok / n:.2f}" if n else "-"
        print(f"  {label} | {n} | {ok} | {share}")
    return {
        "events": len(rows),
        "right": right,
        "auc": round(value, 3),
        "interval": [round(low, 3), round(high, 3)],
        "bins": [{"confidence": label, "events": n, "right": ok} for label, n, ok in bins],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared/data/plover-gsr")
    parser.add_argument("--draws", type=int, default=2000, help="bootstrap draws (0: none)")
    args = parser.parse_args()
    gold: Path = args.gold
    if not (gold / "dev.jsonl").is_file():
        print(f"error: no dev.jsonl in {gold}: pass --gold DIR (the plover-gsr folder)")
        return 2
    tune = outcomes(gold, "tune")
    fitted = fit(tune)
    digest = hashlib.sha256((gold / "dev.jsonl").read_bytes()).hexdigest()
    provenance = {
        "fitted": dt.date.today().isoformat(),
        "command": "python scripts/calibrate.py",
        "gold": f"plover-gsr/dev.jsonl (sha256 {digest[:16]}), tune part only",
        "records": len(records(gold, "tune")),
        "events": len(tune),
        "right": sum(o.right for o in tune),
        "penalty": fitted.penalty,
        "cross_validation": (
            f"{FOLDS} folds over records, stratified, {REPEATS} repeats, seed {SEED}"
        ),
        "cv_auc": round(fitted.cv_auc, 3),
    }
    header = (
        "# Made by scripts/calibrate.py: a logistic model of whether a coded event is\n"
        "# right (gold source, target and type), fitted on the tune part of PLOVER's\n"
        "# development records. confidence = 1 / (1 + exp(-(intercept + sum of\n"
        "# weight x term))); terms are bloc.text.calibration.Features.terms. Do not edit.\n"
    )
    body = {
        "provenance": provenance,
        "intercept": fitted.model.intercept,
        "weights": fitted.model.weights,
    }
    MODEL.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    calibration.model.cache_clear()
    print(
        f"fitted on tune: {provenance['events']} events, {provenance['right']} right, "
        f"terms {', '.join(fitted.terms)}; L2 penalty {fitted.penalty} "
        f"(cross-validated AUC {fitted.cv_auc:.3f})"
    )
    report("tune (in sample)", scored(tune), 0)
    check = scored(outcomes(gold, "check"))
    missing = sum(o.features is None for o in tune)
    if missing:
        print(f"note: {missing} tune events had no features (scored by the coder's prior)")
    report("check (not fitted on)", check, args.draws)
    return 0


if __name__ == "__main__":
    sys.exit(main())
