"""Coded documents as Arrow tables: the form both engines hand to the store.

One table of documents and one of their events; the Dask workers write the
events table as their Parquet shards, so a shard goes into DuckDB whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from bloc.core.events import CODED
from bloc.model import DocumentResult

TEXT = pa.string()
# The columns of `CodedBatch`: a document's row, and an event's (its document's row
# in `documents`, then `CodedEvent`'s fields in order).
CODED_DOCUMENTS = pa.schema(
    [
        ("id", TEXT), ("url", TEXT), ("title", TEXT), ("published", pa.date32()),
        ("origin", TEXT), ("sha256", TEXT), ("sentences", pa.int32()),
        ("published_precision", TEXT), ("lang", TEXT),
    ]
)  # fmt: skip
ARROW = {"text": TEXT, "date": pa.date32(), "float": pa.float64(), "int": pa.int32()}
CODED_EVENTS = pa.schema([("doc", pa.int32()), *((c.name, ARROW[c.kind]) for c in CODED)])


@dataclass(frozen=True)
class CodedBatch:
    """Coded documents as two Arrow tables: the form both engines hand to the store.

    The Dask workers write exactly these tables as their shards, so the store
    takes a shard's events (sentences and all) into DuckDB without making a
    Python object of each; only the few columns the merge needs are read out.
    """

    documents: pa.Table  # CODED_DOCUMENTS
    events: pa.Table  # CODED_EVENTS, grouped by document in document order

    def __len__(self) -> int:
        return int(self.documents.num_rows)

    @classmethod
    def of(cls, results: Sequence[DocumentResult]) -> CodedBatch:
        docs = [
            (
                r.document.id,
                r.document.url,
                r.document.title,
                r.document.published,
                r.document.origin or None,
                r.sha256,
                r.sentences,
                None if r.document.published_precision == "day" else r.document.published_precision,
                r.lang or r.document.lang or None,
            )
            for r in results
        ]
        fields = CODED_EVENTS.names[1:]
        events = [
            (i, *(getattr(e, f) for f in fields)) for i, r in enumerate(results) for e in r.events
        ]
        return cls(table(CODED_DOCUMENTS, docs), table(CODED_EVENTS, events))

    @classmethod
    def concat(cls, parts: Sequence[CodedBatch]) -> CodedBatch:
        """One batch of several, in order (each part's document rows renumbered)."""
        import pyarrow.compute as pc  # here: a dataset import (bloc import) needs none of it

        if not parts:
            return cls.of([])
        events, offset = [], 0
        for part in parts:
            doc = pc.add(part.events["doc"], pa.scalar(offset, pa.int32()))
            events.append(part.events.set_column(0, "doc", doc))
            offset += len(part)
        documents = pa.concat_tables([p.documents for p in parts])
        return cls(documents, pa.concat_tables(events))

    def take(self, rows: list[int]) -> CodedBatch:
        """These documents (rows of `documents`, in this order) with their events."""
        if rows == list(range(len(self))):
            return self
        by_doc: dict[int, list[int]] = {}
        for row, doc in enumerate(self.events["doc"].to_pylist()):
            by_doc.setdefault(doc, []).append(row)
        picked: list[int] = []
        renumbered: list[int] = []
        for new, old in enumerate(rows):
            found = by_doc.get(old, [])
            picked += found
            renumbered += [new] * len(found)
        events = self.events.take(pa.array(picked, pa.int64()))
        doc = pa.array(renumbered, pa.int32())
        return CodedBatch(
            self.documents.take(pa.array(rows, pa.int64())), events.set_column(0, "doc", doc)
        )


def table(schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """Rows as an Arrow table of this schema, built column by column (no pandas in between)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)
