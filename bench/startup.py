"""How long the command line takes to start: `bloc --help` and `bloc --version`.

Each is timed as a fresh process (the best of several runs), beside a baseline in
the same run: a Python process that imports Typer and Rich alone, the least the
command line needs. The ratio to the baseline is what to compare across
machines; the seconds move with the machine's load. With `--against DIR`, the
same commands run from another checkout's src/ (an older commit), for a before
and after in one run. It also lists the heavy libraries importing `bloc.cli`
loads (none is the aim: tests/cli/test_startup.py asserts it).

    python bench/startup.py [--runs 7] [--against /path/to/other/src]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("pandas", "duckdb", "numpy", "pyarrow", "spacy", "plotly", "dask", "fastapi")


def best(command: list[str], src: Path, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return min(times)


def loaded(src: Path) -> list[str]:
    code = f"import bloc.cli, sys; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return done.stdout.decode().split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another checkout's src/ to compare")
    args = parser.parse_args()
    python = sys.executable
    baseline = best([python, "-c", "import typer, rich.console, rich.table"], SRC, args.runs)
    print(f"baseline (Python with Typer and Rich): {baseline:.3f} s")
    trees = {"this tree": SRC, **({"against": args.against} if args.against else {})}
    for name, src in trees.items():
        for label, argv in (("--help", ["--help"]), ("--version", ["--version"])):
            try:
                seconds = best([python, "-m", "bloc", *argv], src, args.runs)
            except subprocess.CalledProcessError:
                print(f"{name}: bloc {label} failed")
                continue
            print(f"{name}: bloc {label}: {seconds:.3f} s, {seconds / baseline:.2f}x the baseline")
        heavy = ", ".join(loaded(src)) or "none of " + ", ".join(HEAVY)
        print(f"{name}: importing bloc.cli loads: {heavy}")


if __name__ == "__main__":
    main()
