"""Modules the commands import on first use, so `bloc --help` does not load them.

`bloc --help`, `bloc --version` and a small command should not pay for pandas,
DuckDB, spaCy, Plotly, Dask or the web stack at start: each command module
names the modules it uses through `lazy`, and a module is imported the first
time one of its attributes is read (tests/cli/test_startup.py checks what
importing `bloc.cli` loads; bench/startup.py times it).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Lazy:
    """A module imported on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy(name: str) -> Any:
    """The module `name`, imported when first used."""
    return Lazy(name)
