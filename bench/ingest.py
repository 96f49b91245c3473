"""Ingest throughput, end to end, against spaCy's blank English tokenizer.

usage: python bench/ingest.py [N]   (default 2,000 articles)

Both run in this one process, on one core (sentences/s here is per core),
over the same synthetic corpus: bloc's whole ingest (read, clean, split, find
actors, code, date, store in DuckDB) and, as the baseline, spaCy's blank
English tokenizer over the same texts. The figure that matters is the ratio:
it does not depend on the machine the way raw speed does.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import spacy
from timing import met

from bloc.ingest import ingest
from bloc.knowledge import bundled
from bloc.model import Document
from bloc.text.pipeline import process


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        path = corpus.write(n, Path(tmp) / "corpus.jsonl")
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]

        # Warm up both sides: the knowledge base, compiled patterns, spaCy's vocab.
        bundled()
        process(Document(id="warm", text="Armenia asked the CSTO for help on May 2."))
        nlp = spacy.blank("en")
        nlp("warm up")

        began = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
        tokenizer_seconds = time.perf_counter() - began

        began = time.perf_counter()
        summary = ingest([path], db=Path(tmp) / "bench.duckdb")
        bloc_seconds = time.perf_counter() - began

    sentences = summary.sentences
    ours = sentences / bloc_seconds
    theirs = sentences / tokenizer_seconds
    print(f"articles: {summary.read}, sentences: {sentences:,}, tokens: {tokens:,}")
    print(f"events: {summary.events_new:,} new, {summary.events_merged:,} merged")
    print(f"bloc ingest, end to end:       {ours:9,.0f} sentences/s ({bloc_seconds:.2f} s)")
    print(f"spaCy blank English tokenizer: {theirs:9,.0f} sentences/s ({tokenizer_seconds:.2f} s)")
    print(f"ratio bloc / tokenizer: {ours / theirs:.2f}")
    print(f"goal 2,000 sentences/s per core: {met(ours >= 2000)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
