"""What every language's actor finder shares: its words, and whom a person speaks for.

The finders themselves are each language's (`bloc.text.lang.<code>.actors`): English
looks up surface forms word by word, Russian lemmas.
"""

from __future__ import annotations

import datetime as dt
import re

from bloc.core.alliance import Office

_TOKEN = re.compile(r"[A-Za-z]\.(?:[A-Za-z]\.)+|[^\W\d_]+|\d+|\S")


def words(text: str) -> list[tuple[str, int, int]]:
    """The words of a text as the finder reads them: (word, start, end)."""
    clean = text.replace("’", "'")
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(clean)]


def actor_on(offices: tuple[Office, ...], day: dt.date | None) -> str | None:
    """Whom a person speaks for on a day: the office held then, else the nearest in time.

    A former or future office-holder is still of that state in the news ("former
    President Yeltsin"); where offices differ (a UN post, then a presidency) the
    date decides.
    """
    if not offices:
        return None
    if day is None:
        return offices[-1].actor
    for office in offices:
        if office.holds_on(day):
            return office.actor

    def distance(office: Office) -> int:
        if day < office.start:
            return (office.start - day).days
        return (day - office.end).days if office.end else 0

    return min(offices, key=distance).actor
