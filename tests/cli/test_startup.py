"""The command line starts without the heavy libraries: each is imported by the command
that uses it (bloc.cli.lazy), so `bloc --help` and `bloc --version` stay quick."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_a_dataset_import_loads_only_what_it_uses(tmp_path: Path) -> None:
    """`bloc import gdelt` with no alert rule loads neither pandas, pyarrow's compute
    functions nor the alerts, and once its actor cache is written (the first run) it
    parses none of the knowledge base's YAML (issue 28: the whole command, small files)."""
    from dataset_files import Gdelt, write_gdelt

    arm, rus = ("ARM", "ARMENIA", "ARM"), ("RUS", "RUSSIA", "RUS")
    path = write_gdelt(tmp_path / "day.CSV", [Gdelt(10, "20230601", "112", arm, rus)])
    argv = ["bloc", "import", "gdelt", str(path), "--db", str(tmp_path / "bloc.duckdb")]
    code = (
        f"import sys; from bloc.cli import app; sys.argv = {argv!r}\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "from bloc.knowledge import bundled\n"
        "print('LOADED', bundled.cache_info().misses, *(m for m in ('pandas', "
        "'pyarrow.compute', 'bloc.alerts', 'spacy') if m in sys.modules), file=sys.stderr)"
    )
    env = {**os.environ, "BLOC_CACHE": str(tmp_path / "cache")}
    seen = []
    for stored in ("1 stored", "0 stored"):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, check=True, text=True, env=env
        )
        assert f"1 rows, {stored}" in done.stdout, done.stdout + done.stderr
        (line,) = [x for x in done.stderr.splitlines() if x.startswith("LOADED")]
        seen.append(line.split()[1:])
    assert seen == [["1"], ["0"]]  # the knowledge base read once, to fill the cache
