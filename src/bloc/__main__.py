"""`python -m bloc`: the command line, for when the `bloc` script is not on PATH."""

from bloc.cli import app

app(prog_name="bloc")
