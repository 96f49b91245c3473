"""Sources as documents: files and folders walked in name order, cut into units of work.

`read_paths` yields every document under the paths given, with `Rejected`
records in their places. `units` cuts the same corpus into slices a Dask
worker reads on its own (`read_unit`), planned without reading any article,
so the text never passes through the machine that planned them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bloc.ingest.documents import JSONL_SUFFIXES, read_file, read_jsonl, shown
from bloc.model import Document, Rejected


def read_paths(
    paths: Iterable[str | Path], published: dt.date | None = None
) -> Iterator[Document | Rejected]:
    """Every document under `paths` (files, or folders walked in name order)."""
    for unit in units(paths):
        if isinstance(unit, Rejected):
            yield unit
        else:
            yield from read_unit(unit, published)


@dataclass(frozen=True)
class Unit:
    """A slice of the corpus that can be read on its own, e.g. by a Dask worker.

    Either whole files, or `lines` lines of one JSON-lines file from byte
    `start` (numbered from `first`), so a worker reads its own share of a
    large file and the text never passes through the machine that planned it.
    """

    files: tuple[str, ...]
    start: int = 0
    lines: int | None = None
    first: int = 1


def units(paths: Iterable[str | Path], size: int | None = None) -> Iterator[Unit | Rejected]:
    """The corpus under `paths` cut into units of about `size` documents, in reading order.

    With no size, each file is one unit. JSON-lines files are cut at line
    boundaries by a scan for newlines, which reads no record.
    """
    group: list[str] = []
    for path in _walk(paths):
        if isinstance(path, Rejected) or path.suffix.lower() in JSONL_SUFFIXES:
            if group:
                yield Unit(tuple(group))
                group = []
            if isinstance(path, Rejected):
                yield path
            else:
                yield from _jsonl_units(path, size)
            continue
        group.append(str(path))
        if size is None or len(group) >= size:
            yield Unit(tuple(group))
            group = []
    if group:
        yield Unit(tuple(group))


def _jsonl_units(path: Path, size: int | None) -> Iterator[Unit | Rejected]:
    name = str(path)
    if size is None:
        yield Unit((name,))
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejected(name, f"cannot be read ({exc.strerror or exc})")
        return
    with handle:
        # Newlines are counted a block at a time: a huge line is never held whole.
        start = offset = count = 0
        first = 1
        last = b"\n"
        while block := handle.read(1 << 20):
            at = block.find(b"\n")
            while at != -1:
                count += 1
                if count == size:
                    yield Unit((name,), start, count, first)
                    start, first, count = offset + at + 1, first + count, 0
                at = block.find(b"\n", at + 1)
            offset += len(block)
            last = block[-1:]
        if offset == 0:
            yield Unit((name,))  # an empty file: read whole, it says so
        elif offset > start:
            yield Unit((name,), start, count + (last != b"\n"), first)


def read_unit(unit: Unit, published: dt.date | None = None) -> Iterator[Document | Rejected]:
    """The documents of one unit, in order."""
    if unit.lines is not None:
        yield from read_jsonl(Path(unit.files[0]), unit.start, unit.lines, unit.first)
        return
    for name in unit.files:
        yield from read_file(Path(name), published)


def _walk(paths: Iterable[str | Path]) -> Iterator[Path | Rejected]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield child
        elif path.exists():
            yield path
        else:
            yield Rejected(shown(given), "no such file or folder")
