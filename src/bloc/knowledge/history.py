"""States that no longer exist, and the exits table, read over time (docs/history.md).

A historical state (the Soviet Union SUN, Czechoslovakia CSK, the German
Democratic Republic DDR) keeps its own code in the alliances it belonged to,
so that a spell, an exit or a request names the state that acted then. Two
readings join it to the states of today:

- `vote_code`: the code the UN General Assembly vote files record it under.
  A state whose legal personality and UN seat another continued (the Soviet
  Union's, by Russia) votes under that continuator's code; one that no state
  continued (Czechoslovakia, the GDR) under its own. Measures that read votes
  for an alliance's members ask this, so the Warsaw Pact's leader is found in
  the votes as RUS while its spells stay SUN's.
- `successors` / `predecessors`: the states on its former territory, for
  comparisons across the break (the Warsaw Pact's members against NATO's
  today: DDR is compared with DEU, CSK with CZE and SVK).
"""

from __future__ import annotations

import datetime as dt

from bloc.core.alliance import Exit, KnowledgeBase


def vote_code(kb: KnowledgeBase, code: str) -> str:
    """The code a state's UN votes are filed under: its continuator's, or its own."""
    actor = kb.actors.get(code)
    return actor.continuator if actor is not None and actor.continuator else code


def successors(kb: KnowledgeBase, code: str) -> tuple[str, ...]:
    """The states on a historical state's former territory (none for a state of today)."""
    actor = kb.actors.get(code)
    return actor.successors if actor is not None else ()


def predecessors(kb: KnowledgeBase, code: str) -> tuple[str, ...]:
    """The historical states `code` succeeded, in code order (RUS: SUN)."""
    return tuple(sorted(a.code for a in kb.actors.values() if code in a.successors))


def exists_on(kb: KnowledgeBase, code: str, day: dt.date) -> bool:
    """Whether the actor still existed on `day` (a state of today always does)."""
    actor = kb.actors.get(code)
    return actor is not None and (actor.until is None or day < actor.until)


def exits(kb: KnowledgeBase, alliance: str | None = None) -> list[Exit]:
    """Every exit of one alliance (every alliance's by default), by date then alliance."""
    codes = [kb.alliance(alliance).code] if alliance else sorted(kb.alliances)
    found = [x for code in codes for x in kb.alliances[code].exits]
    return sorted(found, key=lambda x: (x.date, x.alliance, x.member))
