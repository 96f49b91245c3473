"""The languages bloc reads, one folder each (`en`, `ru`), registered on import.

A folder holds its parse adapter (`parser.py`), actor finder (`actors.py`), dates
(`dates.py`), trigger lexicon and closed word classes (`lexicon.yaml`), page
boilerplate and abbreviations (`page.yaml`) and its phrases for the shared historical
anchors (`anchors.yaml`), and ends its `__init__` with one `register(...)` line;
`bloc.text.reading.languages()` imports every folder here.
"""

from __future__ import annotations

import importlib
import pkgutil

_FOUND = False


def discover() -> None:
    """Import every language folder here once (each registers itself), in order of code."""
    global _FOUND
    if _FOUND:
        return
    _FOUND = True
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            importlib.import_module(f"{__name__}.{module.name}")
