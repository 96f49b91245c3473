"""Where events come from (origins), and a store seen through a choice of them.

Every event has one `origin`: the knowledge base (`curated`), bloc's coder
(`text`) or an imported dataset (`gdelt`, `polecat`, `acled`). An event
reported by several of them (a text event that a GDELT row merged into) keeps
the origin of its first record and one evidence row per report; each evidence
row's origin follows from its document: `gdelt:<row id>` and the like for a
dataset's rows, an article otherwise. Choosing origins keeps the events that
at least one chosen origin reports, so `--origin gdelt` also keeps a text
event that GDELT corroborates.

A `Session` (also named `View`, its public name) is what a command, the
dashboard or the API opens once and passes down where a store goes: the path,
the origins chosen (None: every origin), whether to read the events as coded,
without analysts' review decisions (`as_coded`; by default the decisions apply:
`bloc.store.decisions`), the knowledge base and, for a server, the cache of
computed measures that it keeps between requests.

The knowledge base has one source of truth at run time: the `KnowledgeBase`
object the session carries (the bundled one by default, or a custom one given
as `knowledge=`). Measures, the simulator, the API and the web read alliances,
actors and memberships from it (`knowledge_of`, `Store.knowledge`); the store's
copy of it (`bloc.store.knowledge`) is written from that same object when the
session opens the store, and serves only the SQL that joins it: the curated
events and their evidence, the UN votes, and the API's membership tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bloc.core.alliance import KnowledgeBase
from bloc.errors import BlocError
from bloc.knowledge import bundled

DATASETS: tuple[str, ...] = ("gdelt", "polecat", "acled")
ORIGINS: tuple[str, ...] = ("curated", "text", *DATASETS)
EVERY = "all"


def document_prefix(dataset: str) -> str:
    """How an imported row's evidence names its document: `gdelt:` then the row id."""
    return f"{dataset}:"


def origin_choice(values: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """The origins asked for (`--origin`, repeatable), checked; None means every origin.

    Nothing, `all`, or every origin named: no filter.
    """
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    chosen: list[str] = []
    for value in values:
        for part in str(value).split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name == EVERY:
                return None
            if name not in ORIGINS:
                raise BlocError(
                    f"unknown origin {part.strip()!r}: use one or more of "
                    f"{', '.join(ORIGINS)} (or {EVERY})"
                )
            if name not in chosen:
                chosen.append(name)
    if not chosen or set(chosen) == set(ORIGINS):
        return None
    return tuple(sorted(chosen, key=ORIGINS.index))


def evidence_origin_sql(event: str = "e", evidence: str = "v") -> str:
    """SQL naming the origin of an evidence row of an event (aliases of the two tables)."""
    cases = " ".join(
        f"WHEN starts_with({evidence}.document, '{document_prefix(d)}') THEN '{d}'"
        for d in DATASETS
    )
    return f"CASE WHEN {event}.origin = 'curated' THEN 'curated' {cases} ELSE 'text' END"


def origin_clause(origins: tuple[str, ...] | None, event: str = "e") -> str:
    """A WHERE condition on `events` (aliased `event`) keeping the events an origin reports.

    TRUE without a choice. The names are checked against ORIGINS before they
    are written into the SQL, so no value from outside reaches it unchecked.
    """
    if origins is None:
        return "TRUE"
    unknown = set(origins) - set(ORIGINS)
    if unknown:
        raise BlocError(f"unknown origin {sorted(unknown)[0]!r}: use one of {', '.join(ORIGINS)}")
    names = ", ".join(f"'{o}'" for o in origins)
    curated = "TRUE" if "curated" in origins else "FALSE"
    others = [o for o in origins if o != "curated"]
    if not others:
        return f"({event}.origin = 'curated')"
    return (
        f"(({event}.origin = 'curated' AND {curated}) OR ({event}.origin <> 'curated' AND "
        f"EXISTS (SELECT 1 FROM evidence v_o WHERE v_o.event_id = {event}.id "
        f"AND {evidence_origin_sql(event, 'v_o')} IN ({names}))))"
    )


class Session:
    """A store file seen through a choice of origins, as coded or as reviewed, with its
    knowledge base and the cache a server keeps of it.

    Accepted wherever a store path is (`db=`): measures, the API, pages.
    """

    def __init__(
        self,
        path: Path | str,
        origins: Iterable[str] | str | None = None,
        cache: object | None = None,
        *,
        as_coded: bool = False,
        knowledge: KnowledgeBase | None = None,
        every_actor: bool = False,
    ) -> None:
        self.path = Path(path)
        self._origins = origin_choice(origins)
        self._as_coded = bool(as_coded)
        self._every_actor = bool(every_actor)
        self._knowledge = knowledge
        # The measures' cache keys know nothing of `every_actor`: such a session keeps none.
        self.cache = None if self._every_actor else cache

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base every reader of this session uses (bundled by default)."""
        return self._knowledge if self._knowledge is not None else bundled()

    @property
    def custom_knowledge(self) -> KnowledgeBase | None:
        """The knowledge base given in place of the bundled one, if any."""
        return self._knowledge

    @property
    def origins(self) -> tuple[str, ...] | None:
        return self._origins

    @property
    def as_coded(self) -> bool:
        """True: the events as coded, without review decisions."""
        return self._as_coded

    @property
    def every_actor(self) -> bool:
        """True: the measures count events of every kind of actor, domestic ones too (by
        default only those between states: `bloc.store.kinds.state_sides`)."""
        return self._every_actor

    def choose(self, origins: Iterable[str] | str | None, as_coded: bool | None = None) -> Session:
        """The same store, knowledge and cache through another choice of origins (and of
        decisions)."""
        coded = self.as_coded if as_coded is None else as_coded
        return Session(
            self.path,
            origins,
            self.cache,
            as_coded=coded,
            knowledge=self._knowledge,
            every_actor=self._every_actor,
        )

    def __repr__(self) -> str:
        every = ", every_actor=True" if self.every_actor else ""
        return (
            f"View({str(self.path)!r}, origins={self.origins!r}, as_coded={self.as_coded!r}{every})"
        )


View = Session  # the public name (`bloc.View`), kept for users and callers

DB = Path | str | Session | None
"""Where a caller names its store: a path (or None: the default store) that the public
API opens a session on, or the session itself."""


def knowledge_of(db: object) -> KnowledgeBase:
    """The knowledge base of a session, or the bundled one for a plain path or None."""
    return db.knowledge if isinstance(db, Session) else bundled()
