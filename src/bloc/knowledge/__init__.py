"""The knowledge base: each alliance, its members and history, as cited data files.

`loader` reads and validates the bundled YAML under `data/` (`entries` checks
each entry, `alliances` one alliance's file); `bundled()` is the knowledge
base every stage reads, loaded once per process.
"""

from bloc.knowledge.entries import parse_date
from bloc.knowledge.loader import bundled, data_dir, load_knowledge

__all__ = ["bundled", "data_dir", "load_knowledge", "parse_date"]
