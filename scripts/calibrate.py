"""Fit the coder's confidence to PLOVER's development gold; write the table and its report.

usage: python scripts/calibrate.py [GOLD_DIR]   (default ../shared/data/plover-gsr)

Runs the coder over every scorable gold record (as README there says: one article
per record, dated 2000-01-01), marks each event it makes right or wrong (source,
target and type as PLOVER's authors coded them; IGO/NGO accept any organisation),
fits an isotonic step function from raw score to the share right, writes it to
src/bloc/text/calibration.yaml, and prints, for each threshold c, how many events
have confidence at least c and what share of them were right (the table in
docs/codebook.md). The fit is in-sample: the held-back third of PLOVER's gold is
the independent check.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pycountry
import yaml

from bloc.model import Document
from bloc.text.calibration import _table
from bloc.text.pipeline import process

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "bloc" / "text" / "calibration.yaml"
MIN_STEP = 12  # events a step must hold: fewer give a noisy share


def outcomes(gold_dir: Path) -> list[tuple[float, bool, int]]:
    """(raw score, right, record number) for every event the coder makes on the gold."""
    iso = {c.alpha_3 for c in pycountry.countries}

    def same(pred: str, code: str) -> bool:
        return pred not in iso and pred != "" if code in ("IGO", "NGO") else pred == code

    out = []
    for number, line in enumerate((gold_dir / "dev.jsonl").open(encoding="utf-8")):
        g = json.loads(line)
        if not (g["target"] or len(g["source"]) >= 2):
            continue
        doc = Document(id=g["id"], text=g["text"], published=dt.date(2000, 1, 1))
        for e in process(doc, raw=True).events:
            if g["target"]:
                roles = any(same(e.source, c) for c in g["source"]) and any(
                    same(e.target, c) for c in g["target"]
                )
            else:
                roles = e.source != e.target and all(
                    any(same(x, c) for c in g["source"]) for x in (e.source, e.target)
                )
            out.append((e.confidence, roles and e.type == g["type"], number))
    return out


def isotonic(points: list[tuple[float, bool]]) -> list[tuple[float, float, int]]:
    """Pool adjacent violators over steps of at least MIN_STEP events: (up_to, share, n)."""
    points.sort()
    blocks: list[list[float]] = []  # [upper raw, right, n]
    for raw, ok in points:
        if blocks and (blocks[-1][0] == raw or blocks[-1][2] < MIN_STEP):
            blocks[-1][0] = raw
            blocks[-1][1] += ok
            blocks[-1][2] += 1
        else:
            blocks.append([raw, float(ok), 1])
    merged = True
    while merged:
        merged = False
        for i in range(len(blocks) - 1):
            a, b = blocks[i], blocks[i + 1]
            if a[1] / a[2] > b[1] / b[2] or b[2] < MIN_STEP:
                blocks[i : i + 2] = [[b[0], a[1] + b[1], a[2] + b[2]]]
                merged = True
                break
    return [(upper, right / n, int(n)) for upper, right, n in blocks]


def main() -> int:
    gold_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    gold_dir = gold_dir / "plover-gsr" if (gold_dir / "plover-gsr").is_dir() else gold_dir
    scored = outcomes(gold_dir)
    points = [(raw, ok) for raw, ok, _ in scored]
    steps = isotonic(list(points))
    TABLE.write_text(
        "# Made by scripts/calibrate.py from PLOVER's development gold (in-sample):\n"
        "# an event whose raw score is at most up_to is right with this probability.\n"
        + yaml.safe_dump(
            {
                "events": len(points),
                "steps": [
                    {"up_to": round(u, 3), "confidence": round(c, 2), "events": n}
                    for u, c, n in steps
                ],
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    _table.cache_clear()
    right = sum(ok for _, ok in points)
    print(f"{len(points)} events, {right} right ({right / len(points):.2f})")
    print("steps (raw up to -> confidence, events):")
    for u, c, n in steps:
        print(f"  {u:.2f} -> {c:.2f} ({n})")
    from bloc.text.calibration import calibrated

    cal = [(calibrated(raw), ok) for raw, ok in points]
    print("threshold | events with confidence >= threshold | share right")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        chosen = [ok for c, ok in cal if c >= threshold]
        share = sum(chosen) / len(chosen) if chosen else float("nan")
        print(f"  {threshold:.1f} | {len(chosen)} | {share:.2f}")
    _cross_check(scored)
    return 0


def _cross_check(scored: list[tuple[float, bool, int]]) -> None:
    """Two-fold check out of sample: fit on the even records, apply to the odd, and back."""
    import bisect

    out: list[tuple[float, bool]] = []
    for fold in (0, 1):
        fitted = isotonic([(raw, ok) for raw, ok, n in scored if n % 2 != fold])
        bounds = [u for u, _, _ in fitted]
        for raw, ok, n in scored:
            if n % 2 == fold:
                step = fitted[min(bisect.bisect_left(bounds, raw), len(fitted) - 1)]
                out.append((step[1], ok))
    print("two-fold, out of sample (fit on half the records, applied to the other half):")
    print("threshold | events with confidence >= threshold | share right")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        chosen = [ok for c, ok in out if c >= threshold]
        share = sum(chosen) / len(chosen) if chosen else float("nan")
        print(f"  {threshold:.1f} | {len(chosen)} | {share:.2f}")


if __name__ == "__main__":
    sys.exit(main())
