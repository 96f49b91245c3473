"""The knowledge base: each alliance, its members and history, as cited data files.

`loader` reads and validates the bundled YAML under `data/` (`entries` checks
each entry, `alliances` one alliance's file); `bundled()` is the knowledge
base every stage reads, loaded once per process. `history` reads historical
states (their UN-vote codes and successors) and the exits table over time.
"""

from bloc.knowledge.entries import parse_date
from bloc.knowledge.history import exists_on, exits, predecessors, successors, vote_code
from bloc.knowledge.loader import bundled, data_dir, load_knowledge

__all__ = [
    "bundled",
    "data_dir",
    "exists_on",
    "exits",
    "load_knowledge",
    "parse_date",
    "predecessors",
    "successors",
    "vote_code",
]
