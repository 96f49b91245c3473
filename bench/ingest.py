"""Ingest throughput, end to end, beside a tokenizer and a full parse of the same texts.

usage: python bench/ingest.py [N] [--lang en|ru|both]   (default 2,000 articles, both)

Each run is in this one process, over a synthetic corpus (bench/corpus.py):
bloc's whole ingest (read, clean, split, find actors, gate, parse what passes
the gate, code, date, store in DuckDB) and, as baselines over the same texts,
a tokenizer alone (spaCy's blank English tokenizer with a sentencizer; for
Russian, Natasha's tokenizer, razdel) and, for English, spaCy's full pinned
English pipeline (tagger, parser, lemmatizer; no NER) over every sentence.
Sentences per second per core are sentences over the process's CPU seconds,
with numpy's BLAS held to one thread, beside the wall-clock figure. The
figures that matter are the ratios: they do not depend on the machine the
way raw speed does. Goals: 1,000 sentences/s per core for English (issue 14),
300 for Russian (issue 18).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

# One core means one thread: numpy's BLAS would otherwise spin a thread per core in the
# parsers' small matrix products (Slovnet, thinc), burning CPU time for no gain.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import psutil
from timing import met

from bloc.ingest import ingest
from bloc.knowledge import bundled
from bloc.model import Document
from bloc.text import parse, pipeline
from bloc.text.pipeline import process

GOALS = {"en": 1000, "ru": 300}
WARM = {
    "en": "Armenia asked the CSTO for help on May 2.",
    "ru": "Армения 2 мая обратилась к ОДКБ за помощью.",
}


def _cpu() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def _tokenizer(lang: str) -> tuple[str, Callable[[list[str]], int]]:
    if lang == "ru":
        from razdel import tokenize

        return "Natasha's tokenizer (razdel)", lambda texts: sum(
            len(list(tokenize(t))) for t in texts
        )
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp("warm up")
    return "spaCy blank tokenizer + sentencizer", lambda texts: sum(
        len(doc) for doc in nlp.pipe(texts, batch_size=256)
    )


def _full_pipeline(texts: list[str]) -> float:
    """spaCy's full English pipeline over a sample of the corpus's sentences, per CPU s."""
    from bloc.text.lang.en import parser as english

    full = english._nlp()
    sentences = [s.text for t in texts for s in pipeline.sentences.split(t)]
    sample = sentences[:: max(1, len(sentences) // 4000)]
    cpu = _cpu()
    for _ in full.pipe(sample, batch_size=64):
        pass
    return len(sample) / (_cpu() - cpu)


def run(n: int, lang: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = corpus.write(n, Path(tmp) / "corpus.jsonl", lang=lang)
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]

        # Warm up every side: the knowledge base, the models, compiled patterns.
        bundled()
        process(Document(id="warm", text=WARM[lang], lang=lang))
        name, tokenize = _tokenizer(lang)
        tokenize(texts[:5])

        began, cpu = time.perf_counter(), _cpu()
        tokens = tokenize(texts)
        tokenizer_seconds = time.perf_counter() - began
        tokenizer_cpu = _cpu() - cpu
        full_rate = _full_pipeline(texts) if lang == "en" else None

        parsed: Counter[str] = Counter()
        real = parse.parse_batch

        def counted(lang: str, batch: list[str], where: object = "") -> list[object]:
            parsed["sentences"] += len(batch)
            return real(lang, batch, where)  # type: ignore[arg-type,return-value]

        pipeline.parse_batch = counted  # type: ignore[assignment]
        began, cpu = time.perf_counter(), _cpu()
        try:
            summary = ingest([path], db=Path(tmp) / "bench.duckdb")
        finally:
            pipeline.parse_batch = real
        bloc_seconds = time.perf_counter() - began
        bloc_cpu = _cpu() - cpu

    sentences = summary.sentences
    ours, theirs = sentences / bloc_cpu, sentences / tokenizer_cpu
    goal = GOALS[lang]
    share = parsed["sentences"] / max(1, sentences)
    print(f"[{lang}] articles: {summary.read}, sentences: {sentences:,}, tokens: {tokens:,}")
    print(f"[{lang}] events: {summary.events_new:,} new, {summary.events_merged:,} merged")
    print(f"[{lang}] sentences past the gate and parsed: {parsed['sentences']:,} ({share:.0%})")
    print(
        f"[{lang}] bloc ingest, end to end: {ours:9,.0f} sentences/s per core "
        f"({bloc_cpu:.2f} s CPU, {sentences / bloc_seconds:,.0f}/s over {bloc_seconds:.2f} s)"
    )
    print(
        f"[{lang}] {name}: {theirs:9,.0f} sentences/s per core "
        f"({tokenizer_cpu:.2f} s CPU, {tokenizer_seconds:.2f} s)"
    )
    print(f"[{lang}] ratio bloc / tokenizer: {ours / theirs:.3f}")
    if full_rate is not None:
        print(
            f"[{lang}] spaCy full English pipeline (no NER): {full_rate:9,.0f} sentences/s per core"
        )
        print(f"[{lang}] ratio bloc / full pipeline: {ours / full_rate:.2f}")
    print(f"[{lang}] goal {goal:,} sentences/s per core: {met(ours >= goal)}")
    return ours >= goal


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--lang", choices=("en", "ru", "both"), default="both")
    args = parser.parse_args()
    for lang in ("en", "ru") if args.lang == "both" else (args.lang,):
        run(args.n, lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
