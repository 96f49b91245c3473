"""Ingest throughput, end to end, beside spaCy's own speeds on the same texts.

usage: python bench/ingest.py [N]   (default 2,000 articles)

All in this one process, on one core (sentences/s here is per core), over the
same synthetic corpus: bloc's whole ingest (read, clean, split, find actors,
gate, parse what passes the gate, code, date, store in DuckDB); spaCy's blank
English tokenizer with a sentencizer; and spaCy's full pinned English pipeline
(tagger, parser, lemmatizer; no NER) over every sentence. The ratios are the
figures that matter: they do not depend on the machine the way raw speed does.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from collections import Counter

import corpus
import spacy
from timing import met

from bloc.ingest import ingest
from bloc.knowledge import bundled
from bloc.model import Document
from bloc.text import english, parse, pipeline
from bloc.text.pipeline import process


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        path = corpus.write(n, Path(tmp) / "corpus.jsonl")
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]

        # Warm up every side: the knowledge base, the lexicon, the parser, spaCy's vocab.
        bundled()
        process(Document(id="warm", text="Armenia asked the CSTO for help on May 2."))
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp("warm up")
        full = english._nlp()

        began = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=256))
        tokenizer_seconds = time.perf_counter() - began
        tokens = sum(len(doc) for doc in docs)
        sentences_spacy = [s.text for doc in docs for s in doc.sents]
        sample = sentences_spacy[:: max(1, len(sentences_spacy) // 4000)]
        began = time.perf_counter()
        for _ in full.pipe(sample, batch_size=64):
            pass
        full_rate = len(sample) / (time.perf_counter() - began)

        parse_calls: Counter[str] = Counter()
        real = parse.parse_batch

        def counted(lang: str, batch: list[str], where: str = "") -> list[object]:
            parse_calls["sentences"] += len(batch)
            return real(lang, batch, where)  # type: ignore[return-value]

        pipeline.parse_batch = counted  # type: ignore[assignment]
        began = time.perf_counter()
        summary = ingest([path], db=Path(tmp) / "bench.duckdb")
        bloc_seconds = time.perf_counter() - began
        pipeline.parse_batch = real

    sentences = summary.sentences
    ours = sentences / bloc_seconds
    theirs = sentences / tokenizer_seconds
    parsed = parse_calls["sentences"]
    print(f"articles: {summary.read}, sentences: {sentences:,}, tokens: {tokens:,}")
    print(f"events: {summary.events_new:,} new, {summary.events_merged:,} merged")
    print(f"sentences past the gate and parsed: {parsed:,} ({parsed / max(1, sentences):.0%})")
    print(f"bloc ingest, end to end:               {ours:9,.0f} sentences/s ({bloc_seconds:.2f} s)")
    print(f"spaCy blank tokenizer + sentencizer:  {theirs:9,.0f} sentences/s")
    print(f"spaCy full English pipeline (no NER): {full_rate:9,.0f} sentences/s")
    print(
        f"ratio bloc / tokenizer: {ours / theirs:.3f}; bloc / full pipeline: {ours / full_rate:.1f}"
    )
    print(f"goal 1,000 sentences/s per core: {met(ours >= 1000)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
