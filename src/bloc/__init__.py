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

import importlib
from typing import TYPE_CHECKING, Any

from bloc.errors import BlocError

if TYPE_CHECKING:
    from bloc.api import events, history, members
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

# Where each public name lives. They are imported on first use, so `import bloc` (and the
# command line, `bloc --help`) does not pay for pandas, DuckDB and the rest up front.
_PUBLIC: dict[str, tuple[str, str]] = {
    **{n: ("bloc.api", n) for n in ("events", "history", "members")},
    "import_files": ("bloc.ingest.datasets", "import_files"),
    **{
        n: ("bloc.measures", n)
        for n in (
            "accuracy",
            "alignment",
            "cohesion",
            "compare",
            "dyads",
            "explain",
            "reliability",
            "reliability_summary",
            "risk",
            "risk_backtest",
            "risk_placebo",
            "signals",
            "vote_pairs",
            "votes",
        )
    },
    "View": ("bloc.store", "View"),
    "Decision": ("bloc.store.decisions", "Decision"),
    "apply_decisions": ("bloc.store.review", "apply_file"),
    "decide": ("bloc.store.review", "decide"),
}


def __getattr__(name: str) -> Any:
    """A public name, imported when first asked for (PEP 562)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("bloc")
        except PackageNotFoundError:  # run from a source tree without installing
            number = "0+unknown"
        globals()[name] = number
        return number
    if name not in _PUBLIC:
        raise AttributeError(f"module 'bloc' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


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
