"""The command line starts without the heavy libraries: each is imported by the command
that uses it (bloc.cli.lazy), so `bloc --help` and `bloc --version` stay quick."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "plotly", "dask", "pandas", "duckdb", "pyarrow", "fastapi", "numpy")


def _loaded(code: str) -> set[str]:
    probe = (
        f"{code}; import sys; "
        f"print('LOADED', *(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True, text=True)
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("LOADED")]
    return set(line.split()[1:])


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    assert _loaded("import bloc.cli") == set()
    assert _loaded("import bloc") == set()


def test_help_and_version_run_without_them() -> None:
    for argv in (["--help"], ["--version"]):
        code = (
            "import sys; from bloc.cli import app; sys.argv = ['bloc', *"
            f"{argv!r}]\ntry:\n    app()\nexcept SystemExit:\n    pass"
        )
        assert _loaded(f"exec({code!r})") == set(), argv
    assert _loaded("import bloc; bloc.members") >= {"pandas", "duckdb"}  # used: imported
