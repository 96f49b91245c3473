"""The two rules every stage must apply alike: the merge rule and the look-ahead rule.

- `same_happening`: two reports are one happening when they have the same
  source, target and type and their dates agree at the coarser precision
  (2022-09 and 2022-09-13 agree; 2022-09 and 2022-10 do not). Ingest merges
  such reports into one event (`reinforced` raises its confidence, the finer
  date is kept), `check --repair` replays that merge, and the measures take a
  text event restating a curated one as that curated one.
- `known_from` / `known_by`: the no-look-ahead rule. A figure as of a day uses
  only what was both dated and known by then. A coded report is known from the
  first publication of an article reporting it (a publication known only to
  its month, from the month's last day), but never before its own date; a
  curated entry (the historical record), or a report whose articles print no
  date, from the end of its own dated period (a month-precision entry once its
  month has ended).

Array forms (for the measures' NumPy columns) sit beside the scalar ones; the
SQL forms are built in `bloc.store.rules_sql` from `PRECISIONS` and tested
against these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from bloc.core.dated import Dated, agree

if TYPE_CHECKING:  # imported where used: `import bloc` and the command line start without it
    import numpy as np

CONFIDENCE_CAP = 0.99
AGREEMENT_BONUS = 0.05  # each further agreeing report raises confidence this much


class Keyed(Protocol):
    """Who did what to whom: the part of a report two reports of one happening share."""

    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def type(self) -> str: ...


class Report(Keyed, Protocol):
    """What the merge rule reads of a report: who did what to whom, and when."""

    @property
    def date(self) -> dt.date: ...
    @property
    def precision(self) -> str: ...


def happening_key(report: Keyed) -> tuple[str, str, str]:
    """The part of a report that must be equal for two to be one happening."""
    return (report.source, report.target, report.type)


def same_happening(a: Report, b: Report) -> bool:
    """Are these two reports of one happening? Same source, target and type, and dates
    that agree at the coarser precision."""
    return happening_key(a) == happening_key(b) and same_time(
        (a.date, a.precision), (b.date, b.precision)
    )


def same_time(a: tuple[dt.date, str], b: tuple[dt.date, str]) -> bool:
    """The date half of `same_happening`, for callers that already hold the reports of one
    source, target and type together (an index by key): the dates agree."""
    return agree(a, b)


def periods_overlap(
    start: np.ndarray, end: np.ndarray, other_start: np.ndarray, other_end: np.ndarray
) -> np.ndarray:
    """`same_time` on periods given as first and last day numbers, element-wise.

    Calendar periods nest (a day lies in one month, a month in one year), so
    two dates agree at the coarser precision exactly when their periods overlap.
    """
    import numpy as np

    return np.asarray((start <= other_end) & (other_start <= end))


def reinforced(confidence: float, report: float) -> float:
    """An event's confidence once one more report of it agrees: sources agree."""
    return min(CONFIDENCE_CAP, max(confidence, report) + AGREEMENT_BONUS)


def first_published(published: Iterable[Dated | None]) -> Dated | None:
    """The publication that makes a report known first: the earliest period end."""
    return min((p for p in published if p is not None), key=lambda p: p.end, default=None)


def known_from(dated: Dated, published: Dated | None, curated: bool = False) -> dt.date:
    """The first day a report is both dated and known (see the module docstring).

    `published`: the first publication of an article reporting it (`first_published`).
    """
    if curated or published is None:
        return dated.end
    return max(dated.day, published.end)


def known_by(
    on: dt.date, dated: Dated, published: Iterable[Dated | None] = (), curated: bool = False
) -> bool:
    """Is a report dated and known by `on`? The one look-ahead rule."""
    return known_from(dated, first_published(published), curated) <= on


def known_days(
    day: np.ndarray, end: np.ndarray, published_end: np.ndarray, curated: np.ndarray
) -> np.ndarray:
    """`known_from` over day-number columns (`published_end`: NaN where none is dated)."""
    import numpy as np

    known = np.where(curated | np.isnan(published_end), end, np.fmax(published_end, day))
    return np.asarray(np.fmax(day, known))
