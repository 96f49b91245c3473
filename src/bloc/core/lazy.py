"""Names a package exports but imports only when first asked for (PEP 562).

`bloc`, `bloc.store` and `bloc.ingest` each name what they export and where it
lives; `bloc import` must not pay for the text pipeline, nor `bloc --help` for
DuckDB. One loader serves the three, so the rule (import on first use, then
keep the value in the package) is written once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, where: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports each name of `where` from the
    module it maps to on first use and keeps it in `namespace` (the package's globals),
    so the second use costs nothing."""

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        namespace[name] = value
        return value

    return load
