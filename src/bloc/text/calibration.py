"""Confidence that means something: the coder's raw score mapped to a probability of being right.

The table (calibration.yaml, made by `scripts/calibrate.py`) is an isotonic fit of
the raw scores of the events the coder makes on PLOVER's development gold to whether
each was right (source, target and type as PLOVER's authors coded them): among events
whose calibrated confidence is at least c, about a fraction c were right there.
"""

from __future__ import annotations

import bisect
import functools
from importlib import resources

import yaml

from bloc.errors import BlocError


@functools.cache
def _table() -> tuple[tuple[float, ...], tuple[float, ...]]:
    text = (resources.files("bloc.text") / "calibration.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    try:
        steps = [(float(s["up_to"]), float(s["confidence"])) for s in data["steps"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise BlocError(
            f"calibration.yaml is malformed ({exc}); rebuild it with scripts/calibrate.py"
        ) from None
    steps.sort()
    return tuple(s[0] for s in steps), tuple(s[1] for s in steps)


def calibrated(raw: float) -> float:
    """The probability that an event of this raw score is right (the step it falls in)."""
    bounds, values = _table()
    if not bounds:
        return raw
    return values[min(bisect.bisect_left(bounds, raw), len(values) - 1)]
