"""bloc: an observatory for military alliances.

The public API: each function returns a pandas DataFrame and takes `db`, the
store file (None for `$BLOC_DB` or the user data directory), or a
`bloc.View(path, origins=[...])` to count only the events those origins
report (`as_coded=True`: without analysts' review decisions). `bloc.import_files`
imports GDELT, POLECAT and ACLED files; `bloc.votes` gives members' agreement
with their leader in the UN General Assembly; `bloc.risk_backtest` ranks every
member that ever left as it stood beforehand; `bloc.decide` and `bloc.apply_decisions`
take review decisions, and `bloc.accuracy` measures the coder on them.

    >>> import bloc
    >>> bloc.members("CSTO", on="1995-06-01")  # doctest: +SKIP
    >>> bloc.cohesion("CSTO", db=bloc.View("bloc.duckdb", origins=["text"]))  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from bloc.api import events, history, members
from bloc.errors import BlocError
from bloc.ingest.datasets import import_files
from bloc.measures import (
    accuracy,
    alignment,
    cohesion,
    compare,
    dyads,
    explain,
    reliability,
    reliability_summary,
    risk,
    risk_backtest,
    risk_placebo,
    signals,
    vote_pairs,
    votes,
)
from bloc.store import View
from bloc.store.decisions import Decision
from bloc.store.review import apply_file as apply_decisions
from bloc.store.review import decide

__all__ = [
    "BlocError",
    "Decision",
    "View",
    "accuracy",
    "alignment",
    "apply_decisions",
    "cohesion",
    "compare",
    "decide",
    "dyads",
    "events",
    "explain",
    "history",
    "import_files",
    "members",
    "reliability",
    "reliability_summary",
    "risk",
    "risk_backtest",
    "risk_placebo",
    "signals",
    "vote_pairs",
    "votes",
]
try:
    __version__ = version("bloc")
except PackageNotFoundError:  # run from a source tree without installing
    __version__ = "0+unknown"
