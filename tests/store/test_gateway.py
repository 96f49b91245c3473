"""`store/` is the only package that speaks SQL: a grep of every other module proves it.

The one exception is reading third-party dataset files through DuckDB
(`ingest/datasets/`: the GDELT, ACLED, POLECAT and UN-votes readers and
`stage.py`, the reader the first three share; each stages a file in a scratch
in-memory database and never touches a store, writing through `store/`).
The grep parses each module and looks only at its string literals (f-strings'
pieces too), docstrings aside, so prose that mentions a table is not taken for
a query.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import bloc

PACKAGE = Path(bloc.__file__).parent
ALLOWED = {
    "store",  # the gateway
    "ingest/datasets/gdelt.py",
    "ingest/datasets/acled.py",
    "ingest/datasets/polecat.py",
    "ingest/datasets/stage.py",
    "ingest/datasets/unvotes.py",
}
KEYWORDS = r"SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH|COPY|ATTACH|PRAGMA|CHECKPOINT"
SQL = re.compile(
    rf"^[\s(]*(?:{KEYWORDS})\s"  # a string that starts as a statement does
    r"|\bSELECT\b.+\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bDELETE\s+FROM\b"
    r"|\bUPDATE\s+\w+\s+SET\b|\b(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?"
    r"(?:TABLE|VIEW|INDEX)\b",
    re.S,
)


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def sql_outside_store(root: Path) -> list[str]:
    """Every string literal that reads as SQL in a module of `root` outside ALLOWED,
    as `path:line: the start of the string`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in ALLOWED or relative in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and SQL.search(node.value)
            ):
                start = " ".join(node.value.split())[:60]
                found.append(f"{relative}:{node.lineno}: {start}")
    return found


def test_no_module_outside_the_store_holds_sql() -> None:
    assert sql_outside_store(PACKAGE) == [], "move these queries into a bloc.store function"


def test_a_planted_query_is_caught(tmp_path: Path) -> None:
    """The grep itself can fail: queries planted in a measure are named by file and line,
    while prose, docstrings and the store's own SQL are let be."""
    (tmp_path / "measures").mkdir()
    (tmp_path / "store").mkdir()
    (tmp_path / "measures" / "planted.py").write_text(
        '"""Reads SELECT x FROM events, in a docstring: prose."""\n'
        "def f(con, t):\n"
        '    note = "select the events you want from the list"\n'
        '    con.execute("SELECT id FROM events")\n'
        '    return con.execute(f"""\n        DELETE FROM {t} WHERE TRUE""")\n',
        encoding="utf-8",
    )
    (tmp_path / "store" / "fine.py").write_text('Q = "SELECT 1 FROM meta"\n', encoding="utf-8")
    assert sql_outside_store(tmp_path) == [
        "measures/planted.py:4: SELECT id FROM events",
        "measures/planted.py:5: DELETE FROM",
    ]
