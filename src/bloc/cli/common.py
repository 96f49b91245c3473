"""What every command shares: the Typer application, options, output and errors."""

from __future__ import annotations

import enum
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.table import Table

from bloc.cli.lazy import lazy
from bloc.errors import BlocError
from bloc.store.view import ORIGINS, View

app = typer.Typer(
    help="bloc: an observatory for military alliances (CSTO first, NATO as the comparison).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

if TYPE_CHECKING:
    import pandas as pd

    from bloc import api
    from bloc import store as _store
else:
    pd = lazy("pandas")
    api = lazy("bloc.api")
    _store = lazy("bloc.store")


out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 140)


err = Console(stderr=True)


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $BLOC_DB or the user data directory)."),
]


class Engine(enum.StrEnum):
    local = "local"
    dask = "dask"


class ExportFormat(enum.StrEnum):
    parquet = "parquet"
    jsonl = "jsonl"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


OriginOption = Annotated[
    list[str] | None,
    typer.Option(
        "--origin",
        help=f"Only events these origins report ({', '.join(ORIGINS)} or all); repeatable. "
        "Default: every origin.",
    ),
]


AsCodedOption = Annotated[
    bool,
    typer.Option(
        "--as-coded",
        help="The events as coded, without analysts' review decisions (docs/review.md).",
    ),
]


EveryActorOption = Annotated[
    bool,
    typer.Option(
        "--every-actor",
        help="Count events of every kind of actor (rebels, parties, companies, ...) and "
        "domestic ones too; by default the measures count only events between states "
        '(docs/datasets.md, "Who the actors are").',
    ),
]


def chosen_view(
    db: Path | None, origin: list[str] | None, as_coded: bool = False, every_actor: bool = False
) -> View:
    """The command's one session on the store, passed down to every reader: through the
    origins chosen, as coded or reviewed, over states only or every actor (`--every-actor`),
    with the bundled knowledge base."""
    return View(db or _store.default_db_path(), origin, as_coded=as_coded, every_actor=every_actor)


def fail(exc: BlocError) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    raise typer.Exit(1)


def cell(value: Any) -> str:
    plain = api.plain(value)
    if isinstance(plain, float):
        return f"{plain:.3f}"
    if isinstance(plain, dict):  # a risk's parts: "misalignment 0.146; refusals 0.087"
        return "; ".join(f"{k} {cell(v)}" for k, v in plain.items())
    if isinstance(plain, list):
        return "; ".join(
            str(v.get("document", v)) if isinstance(v, dict) else str(v) for v in plain
        )
    return "" if plain is None else str(plain)


class Summary(Protocol):
    """What a batch command reports: JSON-ready records and lines for people."""

    def records(self) -> Any: ...

    def lines(self) -> Iterable[str]: ...


def emit_summary(summary: Summary, fmt: Format) -> None:
    """A batch's report: its records as JSON with `--format json`, else its lines."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(summary.records(), indent=2, ensure_ascii=False) + "\n")
    else:
        for line in summary.lines():
            out.print(line, markup=False, highlight=False)


def emit(
    frame: pd.DataFrame,
    fmt: Format,
    title: str | None = None,
    columns: list[str] | None = None,
) -> None:
    """Print a frame as a Rich table (only `columns`, if given), JSON array or CSV."""
    if fmt is Format.json:
        sys.stdout.write(api.to_json(frame) + "\n")
    elif fmt is Format.csv:
        records = api.to_records(frame)
        flat = pd.DataFrame(
            [
                {k: cell(v) if isinstance(v, list | dict) else v for k, v in r.items()}
                for r in records
            ],
            columns=frame.columns,
        )
        sys.stdout.write(flat.to_csv(index=False))
    else:
        table = Table(title=title, show_lines=False, title_justify="left")
        if columns:
            frame = frame[columns]
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            # Article text is untrusted: never interpret it as Rich markup.
            table.add_row(*(escape(cell(v)) for v in row))
        out.print(table)


def say(text: str, console: Console = out) -> None:
    """Print text that may come from an article, a feed or a page: never read as markup."""
    console.print(text, markup=False, highlight=False)


def escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("bloc")
        except PackageNotFoundError:  # run from a source tree without installing
            number = "0+unknown"
        out.print(f"bloc {number}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print bloc's version."),
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


OnOption = Annotated[
    str | None, typer.Option("--on", help="As of this date, YYYY-MM-DD (default: today).")
]


ByOption = Annotated[str, typer.Option("--by", help="Period: month, quarter or year.")]


SinceOption = Annotated[str | None, typer.Option(help="First day shown (default: first evidence).")]


UntilOption = Annotated[str | None, typer.Option(help="Last day shown (default: today).")]


def run() -> None:  # pragma: no cover - console entry point
    app()
