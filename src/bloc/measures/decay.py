"""Time in the measures: day numbers, decay with age, and periods.

Every measure weighs a signal by its confidence and by its age on the day
asked (half as much per `HALF_LIFE_DAYS`), and counts only the signals
available by that day: both dated and known by then (the no-look-ahead rule,
whose `avail` day each signal carries; see `bloc.measures.signals`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd

from bloc.core.dated import EPOCH as DAY_ZERO
from bloc.core.dated import from_day_number
from bloc.measures.observed import Observed
from bloc.store import parse_day

Period = Literal["month", "quarter", "year"]

HALF_LIFE_DAYS = 365.0  # an event a year old counts half as much as one today
MIN_WEIGHT = 1e-3  # less decayed evidence than this (one event ~10 years old) is none
PRIOR_WEIGHT = 0.5  # pseudo-evidence at 0 (neutral): thin evidence stays near neutral
EPOCH = np.datetime64(DAY_ZERO, "D")  # the core's epoch, as in the store's SQL
# The day decayed weights are scaled to when kept as running sums (2000-01-01, near the
# data: 2**(+-40) for dates 1960-2040, well inside a float's range).
REFERENCE_DAY = 3652.0


def scaled(weight: np.ndarray, date: np.ndarray) -> np.ndarray:
    """Weights decayed to the reference day: a weight decayed to `day` is this times
    2**(-(day - REFERENCE_DAY) / HALF_LIFE_DAYS), whatever the day."""
    return np.asarray(weight * np.exp2((date - REFERENCE_DAY) / HALF_LIFE_DAYS))


def evidence_rank(weight: np.ndarray, tone: np.ndarray, date: np.ndarray) -> np.ndarray:
    """The order of the weightiest evidence, the same on every day: |weight x tone| decayed
    to the reference day (an exit risk's events, ties by event id; `bloc.measures.risk`
    and the running sums of `bloc.measures.risk_sums` both rank by it)."""
    return np.asarray(np.abs(scaled(weight, date) * tone))


def days(values: Any) -> np.ndarray:
    """Days since 1990-01-01 as floats (NaN for missing)."""
    arr = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[D]")
    return (arr - EPOCH).astype("float64")


def day_number(value: dt.date) -> float:
    return float((np.datetime64(value, "D") - EPOCH).astype("float64"))


def to_date(day: float) -> dt.date:
    return from_day_number(int(day))


def as_of(on: str | dt.date | None) -> dt.date:
    return parse_day(on) or dt.date.today()


def grouped_decayed(
    data: Observed,
    mask: np.ndarray,
    group: np.ndarray,
    values: np.ndarray,
    at: np.ndarray,
    weight: np.ndarray | None = None,
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per group: decayed sums of weight*value and of weight at each day in `at`
    (weight: the signals' own unless given), over the rows available by then.

    The decay factorises (2**(date/h) * 2**(-at/h)), so one sort and one
    cumulative sum serve every day in `at` at once.
    """
    by_avail = data.by_avail()
    order = by_avail[mask[by_avail]]
    if len(order) == 0:
        return {}
    # Already in order of availability: a stable sort by group keeps that
    # order within each group (radix sort on small integer codes).
    g = group[order]
    small = g.astype(np.int32) if g.max() < 2**31 else g
    order = order[np.argsort(small, kind="stable")]
    g = group[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(g)) + 1])
    ends = np.concatenate([starts[1:], [len(g)]])
    scale = np.exp2(data.date[order] / HALF_LIFE_DAYS)
    w = (data.weight if weight is None else weight)[order] * scale
    cum_wv = np.concatenate([[0.0], np.cumsum(w * values[order])])
    cum_w = np.concatenate([[0.0], np.cumsum(w)])
    avail = data.avail[order]
    back = np.exp2(-np.asarray(at, dtype="float64") / HALF_LIFE_DAYS)
    out = {}
    for a, b in zip(starts, ends, strict=True):
        idx = a + np.searchsorted(avail[a:b], at, side="right")
        out[int(g[a])] = ((cum_wv[idx] - cum_wv[a]) * back, (cum_w[idx] - cum_w[a]) * back)
    return out


def period_ends(start: dt.date, end: dt.date, by: Period) -> pd.DatetimeIndex:
    freq = {"month": "ME", "quarter": "QE", "year": "YE"}[by]
    ends = pd.date_range(start, end, freq=freq)
    if len(ends) == 0 or ends[-1].date() < end:
        ends = pd.DatetimeIndex([*ends, pd.Timestamp(end)])
    return ends


def period_label(day: pd.Timestamp, by: Period) -> str:
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def check_by(by: str) -> Period:
    from bloc.errors import BlocError

    if by not in ("month", "quarter", "year"):
        raise BlocError(f"--by must be month, quarter or year, not {by!r}")
    return by  # type: ignore[return-value]


def span(
    data: Observed, since: str | dt.date | None, until: str | dt.date | None
) -> tuple[dt.date, dt.date]:
    end = parse_day(until) or dt.date.today()
    start = parse_day(since)
    if start is None:
        first = float(data.date.min()) if len(data.date) else np.nan
        start = dt.date(2020, 1, 1) if np.isnan(first) else to_date(first)
    return start, end


def shrunk(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Weighted mean tone, pulled toward 0 by PRIOR_WEIGHT; NaN with no evidence."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > MIN_WEIGHT, num / (den + PRIOR_WEIGHT), np.nan)


def salience(tone: np.ndarray, weight: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """An event's weight in a pair's score: confidence x strength x decay.

    Weighting by strength |tone| lets an armed clash (0.9) outweigh a
    communique (0.2), so a ceasefire does not cancel a war.
    """
    return np.asarray(weight * np.abs(tone) * np.exp2(-age_days / HALF_LIFE_DAYS))
