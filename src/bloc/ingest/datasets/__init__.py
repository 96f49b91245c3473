"""Event datasets: GDELT, POLECAT and ACLED files imported as PLOVER events (`bloc import`).

Each file is read by DuckDB's own CSV reader into an in-memory database
(`gdelt`, `polecat`, `acled`: one module per format), its codes mapped to
PLOVER types and modes and its actors to bloc's codes (`mappings.yaml`,
`mappings`, `actors`), its rows sorted into malformed, unknown, unmapped,
left out and ready (`stage`), and the ready rows stored in batches, each
merged into the events already stored by ingest's own rule (`write`).

By default only rows whose source or target is a member (at any time) of an
alliance bloc models, an alliance, or one of the outside powers that matter
to one (its rivals) are kept; `keep_all` keeps every row whose actors map.
"""

from __future__ import annotations

import logging
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from bloc.errors import BlocError
from bloc.ingest.datasets import acled, gdelt, polecat
from bloc.ingest.datasets.mappings import Mappings, load_mappings, mappings
from bloc.ingest.datasets.stage import FileReport, triage
from bloc.ingest.datasets.write import BATCH_ROWS, store_rows
from bloc.store import DATASETS, View, opened, store_path

log = logging.getLogger(__name__)

Reader = Callable[[duckdb.DuckDBPyConnection, Path, FileReport], None]
READERS: dict[str, Reader] = {"gdelt": gdelt.stage, "polecat": polecat.stage, "acled": acled.stage}

__all__ = [
    "BATCH_ROWS",
    "DATASETS",
    "FileReport",
    "ImportSummary",
    "Mappings",
    "import_files",
    "load_mappings",
    "mappings",
]


@dataclass
class ImportSummary:
    """What an import did, file by file, for the closing report."""

    dataset: str
    keep_all: bool
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    def changed(self) -> set[str]:
        """The ids of the events the import made or merged into (for alerts)."""
        return set().union(*(f.changed for f in self.files))

    def counted(self, name: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(getattr(f, name))
        return total

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per file (`bloc import --format json`)."""
        return [f.record() for f in self.files]

    def lines(self) -> list[str]:
        """The closing report `bloc import` prints: per file, what became of its rows."""
        kind = "CAMEO codes" if self.dataset == "gdelt" else "event types"
        lines: list[str] = []
        for f in self.files:
            lines += f.lines(kind, self.keep_all)
        if len(self.files) > 1:
            lines.append(
                f"{len(self.files)} files: {self.total('rows'):,} rows, "
                f"{self.total('stored'):,} stored, {self.total('events_new'):,} new events, "
                f"{self.total('events_merged'):,} merged; {self.seconds:.2f}s"
            )
        return lines


def _files(paths: Iterable[Path | str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    return found


def import_files(
    dataset: str,
    paths: Iterable[Path | str],
    db: Path | str | View | None = None,
    *,
    keep_all: bool = False,
    batch_rows: int = BATCH_ROWS,
) -> ImportSummary:
    """Import dataset files into the store; each file's rows counted by what became of them.

    A file that cannot be read at all is reported (`FileReport.failed`) and
    the others are imported. Rerunning an import stores nothing twice.
    """
    if dataset not in READERS:
        raise BlocError(f"unknown dataset {dataset!r}: use one of {', '.join(READERS)}")
    began = time.perf_counter()
    confidence = mappings().confidence[dataset]
    target = store_path(db)
    with opened(target, write=True):  # created, upgraded and its knowledge base loaded
        pass
    summary = ImportSummary(dataset, keep_all)
    for path in _files(paths):
        if path.suffix.lower() == ".zip":
            summary.files += _import_zip(dataset, path, target, keep_all, batch_rows, confidence)
        else:
            summary.files.append(
                _import_one(dataset, path, str(path), target, keep_all, batch_rows, confidence)
            )
    summary.seconds = time.perf_counter() - began
    return summary


def _import_zip(
    dataset: str, path: Path, target: Path, keep_all: bool, batch_rows: int, confidence: float
) -> list[FileReport]:
    """A zip archive (as GDELT publishes its files): each member imported in turn."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [FileReport(str(path), failed=f"cannot be read as a zip archive: {exc}")]
    reports = []
    with archive, tempfile.TemporaryDirectory(prefix="bloc-import-") as tmp:
        for member in archive.infolist():
            if member.is_dir():
                continue
            name = f"{path}:{member.filename}"
            try:
                extracted = Path(archive.extract(member, tmp))
            except (OSError, zipfile.BadZipFile) as exc:
                reports.append(FileReport(name, failed=f"cannot be extracted: {exc}"))
                continue
            reports.append(
                _import_one(dataset, extracted, name, target, keep_all, batch_rows, confidence)
            )
    return reports


def _import_one(
    dataset: str,
    path: Path,
    name: str,
    target: Path,
    keep_all: bool,
    batch_rows: int,
    confidence: float,
) -> FileReport:
    report = FileReport(name)
    began = time.perf_counter()
    try:
        if not path.is_file():
            raise FileNotFoundError("no such file")
        con = duckdb.connect()
        try:
            READERS[dataset](con, path, report)
            ready = triage(con, dataset, report, keep_all)
        finally:
            con.close()
    except (OSError, ValueError, UnicodeError, duckdb.Error) as exc:
        report.failed = f"cannot be read as a {dataset} file: {_reason(exc)}"
        log.warning("%s: %s", name, report.failed)
    else:
        store_rows(target, ready, dataset, confidence, report, batch_rows)
        log.info(
            "%s: %d rows, %d stored (%d new events, %d merged)",
            name,
            report.rows,
            report.stored,
            report.events_new,
            report.events_merged,
        )
    report.seconds = time.perf_counter() - began
    return report


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]
