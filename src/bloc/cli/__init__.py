"""The `bloc` command line: a thin Typer layer over `bloc.api`; the only place that prints.

One module per group of commands; importing them registers their commands on the
one application in `common`, in the order `bloc --help` lists them.
"""

# isort: off
from bloc.cli.common import app, run
from bloc.cli import data  # the knowledge base, events, ingest, import, export, check
from bloc.cli import measures  # alignment to risk, simulate, backtest
from bloc.cli import review  # review, accuracy
from bloc.cli import show  # serve, report
from bloc.cli import feeds  # feeds, watch
from bloc.cli import votes  # votes (UN General Assembly)
from bloc.cli import history  # exits
# isort: on

__all__ = ["app", "data", "feeds", "history", "measures", "review", "run", "show", "votes"]
