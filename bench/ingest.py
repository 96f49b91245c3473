"""Ingest throughput, end to end, beside spaCy's parser and a tokenizer over the same texts,
and the local engine's worker processes against one.

usage: python bench/ingest.py [N] [--lang en|ru|both] [--workers 2]
       (default 6,000 articles, both languages, 2 workers)

Over one synthetic corpus (bench/corpus.py) per language, all in this one run:

- bloc's whole ingest (read, clean, split, find actors, gate, parse what passes
  the gate, code, date, store in DuckDB) with `--workers 1` (coding in the
  process that stores) and, for English, with `--workers N` (N worker
  processes, this one storing); each is a whole Python process, timed from
  its start (imports, loading the models) to its exit, into a store that
  already holds the knowledge base (as when adding to a store).
- for English, spaCy's pinned English pipeline with the components bloc uses
  (tagger, parser, lemmatizer, attribute ruler; no NER) run over every
  sentence of the same texts (split by bloc's splitter, in this process,
  beforehand), also a whole process from its start to its exit.
- a tokenizer alone, in this process (spaCy's blank English tokenizer with a
  sentencizer; for Russian, Natasha's tokenizer, razdel).

Sentences per second per core are sentences over the CPU seconds of the
process and of its worker processes, with numpy's BLAS held to one thread;
wall-clock figures beside them. Every process pays a fixed start-up (about 3 s
of CPU: imports, the knowledge base, the language detector, the parser) that
more workers cannot shorten, so the speed-up of whole processes grows with
the corpus; the start-up is timed apart and the ratio net of it printed too.
On a shared machine the cores are not all this run's: two `--workers 1`
ingests run side by side show what two cores give at the moment (twice one
ingest's time over theirs is a bound on the speed-up), and the share of that
bound the workers reached is printed.
The figures that matter are the ratios, all
against baselines measured in this same run: they depend less on the machine
than raw speed. Goals: bloc per core at least spaCy's pipeline per core
(issue 25); `--workers 2` at least 1.7 times `--workers 1` in wall-clock on
2 cores, with identical stored events (issue 25, checked here row by row);
1,000 sentences/s per core for English (issue 14), 300 for Russian (issue 18).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

# One core means one thread: numpy's BLAS would otherwise spin a thread per core in the
# parsers' small matrix products (Slovnet, thinc), burning CPU time for no gain.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from timing import met

GOALS = {"en": 1000, "ru": 300}
SPEED_UP = 1.7


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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_process(*args: str) -> tuple[dict[str, Any], float, float]:
    """Run this script as a child doing one job; its answer, wall seconds and CPU seconds
    (the child's and its own children's, which it waits for)."""
    cpu, began = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    seconds, cpu = time.perf_counter() - began, _children_cpu() - cpu
    if done.returncode:
        raise SystemExit(f"the child {args} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1]), seconds, cpu


def child(job: str, *args: str) -> dict[str, Any]:
    """One timed job, in a fresh process: an ingest, or spaCy over every sentence."""
    if job == "start":  # what every ingest process does before its first document
        from bloc.ingest.pool import prepare
        from bloc.store import opened

        with opened(args[0]):
            pass
        prepare()
        return {}
    if job == "spacy":
        from bloc.text.lang.en import parser as english

        full = english._nlp()
        sentences = json.loads(Path(args[0]).read_text(encoding="utf-8"))
        return {"sentences": sum(1 for _ in full.pipe(sentences, batch_size=64))}
    from bloc.ingest import ingest
    from bloc.text import parse, pipeline

    parsed: Counter[str] = Counter()
    real = parse.parse_batch

    def counted(lang: str, batch: list[str], where: object = "") -> list[object]:
        parsed["sentences"] += len(batch)  # seen here only when coding here (--workers 1)
        return real(lang, batch, where)  # type: ignore[arg-type,return-value]

    pipeline.parse_batch = counted  # type: ignore[assignment]
    summary = ingest([args[0]], db=args[1], workers=int(args[2]))
    return {
        "read": summary.read,
        "sentences": summary.sentences,
        "parsed": parsed["sentences"],
        "new": summary.events_new,
        "merged": summary.events_merged,
    }


def stored(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored row of events, evidence and documents (all but when each was stored)."""
    from bloc.store.check import stored_rows

    return stored_rows(db)


def run(n: int, lang: str, workers: int) -> None:
    from bloc.store import opened
    from bloc.text import clean, sentences
    from bloc.text.pipeline import MAX_CODED_CHARS

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = corpus.write(n, root / "corpus.jsonl", lang=lang)
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
        name, tokenize = _tokenizer(lang)
        tokenize(texts[:5])
        began, cpu = time.perf_counter(), time.process_time()
        tokens = tokenize(texts)
        tokenizer_seconds, tokenizer_cpu = time.perf_counter() - began, time.process_time() - cpu

        counts = (1, workers) if lang == "en" else (1,)
        for count in counts:  # the stores exist, with the knowledge base, before the timing
            with opened(root / f"w{count}.duckdb", write=True):
                pass
        runs = {
            count: whole_process("ingest", str(path), str(root / f"w{count}.duckdb"), str(count))
            for count in counts
        }
        start = whole_process("start", str(root / "w1.duckdb"))[1] if len(counts) > 1 else 0.0
        both = 0.0
        if len(counts) > 1:  # two ingests of the corpus at once, each into its own store
            for side in ("a", "b"):
                with opened(root / f"{side}.duckdb", write=True):
                    pass
            began = time.perf_counter()
            jobs = [
                subprocess.Popen(
                    [sys.executable, __file__, "--child", "ingest", str(path),
                     str(root / f"{side}.duckdb"), "1"],
                    stdout=subprocess.DEVNULL,
                )
                for side in ("a", "b")
            ]  # fmt: skip
            if any(job.wait() for job in jobs):
                raise SystemExit("an ingest run side by side failed")
            both = time.perf_counter() - began
        full = None
        if lang == "en":
            every = [
                s.text
                for t in texts
                for s in sentences.split(clean.clean_text(t, limit=MAX_CODED_CHARS))
            ]
            (root / "sentences.json").write_text(json.dumps(every), encoding="utf-8")
            full = whole_process("spacy", str(root / "sentences.json"))
        identical = (
            stored(root / "w1.duckdb") == stored(root / f"w{workers}.duckdb")
            if len(counts) > 1
            else None
        )

    one, one_seconds, one_cpu = runs[1]
    total = one["sentences"]
    ours = total / one_cpu
    share = one["parsed"] / max(1, total)
    print(f"[{lang}] articles: {one['read']}, sentences: {total:,}, tokens: {tokens:,}")
    print(f"[{lang}] events: {one['new']:,} new, {one['merged']:,} merged")
    print(f"[{lang}] sentences past the gate and parsed: {one['parsed']:,} ({share:.0%})")
    print(
        f"[{lang}] bloc ingest --workers 1, whole process: {ours:9,.0f} sentences/s per core "
        f"({one_cpu:.2f} s CPU, {total / one_seconds:,.0f}/s over {one_seconds:.2f} s)"
    )
    theirs = total / tokenizer_cpu
    print(
        f"[{lang}] {name}: {theirs:9,.0f} sentences/s per core "
        f"({tokenizer_cpu:.2f} s CPU, {tokenizer_seconds:.2f} s)"
    )
    print(f"[{lang}] ratio bloc / tokenizer: {ours / theirs:.3f}")
    if full is not None:
        done, full_seconds, full_cpu = full
        rate = done["sentences"] / full_cpu
        print(
            f"[{lang}] spaCy English pipeline (no NER) over all {done['sentences']:,} sentences, "
            f"whole process: {rate:9,.0f} sentences/s per core "
            f"({full_cpu:.2f} s CPU, {full_seconds:.2f} s)"
        )
        verdict = met(ours >= rate)
        print(f"[{lang}] ratio bloc / spaCy, per core: {ours / rate:.2f}  goal >= 1: {verdict}")
    if len(counts) > 1:
        many, many_seconds, many_cpu = runs[workers]
        assert many["sentences"] == total
        speed_up = one_seconds / many_seconds
        print(
            f"[{lang}] bloc ingest --workers {workers}, whole process: "
            f"{total / many_seconds:,.0f} sentences/s over {many_seconds:.2f} s "
            f"({total / many_cpu:,.0f} per core, {many_cpu:.2f} s CPU with its workers)"
        )
        verdict = met(speed_up >= SPEED_UP)
        print(
            f"[{lang}] ratio --workers {workers} / --workers 1, wall-clock: {speed_up:.2f} "
            f"on {len(os.sched_getaffinity(0))} cores  goal >= {SPEED_UP}: {verdict}"
        )
        print(
            f"[{lang}] start-up (imports, knowledge base, detector, parser): {start:.2f} s; "
            f"ratio net of it: {(one_seconds - start) / (many_seconds - start):.2f}"
        )
        bound = 2 * one_seconds / both
        print(
            f"[{lang}] what the cores give now: two --workers 1 ingests side by side took "
            f"{both:.2f} s, a bound of {bound:.2f} on the speed-up; --workers {workers} "
            f"reached {speed_up / bound:.0%} of it"
        )
        print(f"[{lang}] stored events, evidence and documents identical: {identical}")
    goal = GOALS[lang]
    print(f"[{lang}] goal {goal:,} sentences/s per core: {met(ours >= goal)}")


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(child(*sys.argv[2:])))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=6000)
    parser.add_argument("--lang", choices=("en", "ru", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for lang in ("en", "ru") if args.lang == "both" else (args.lang,):
        run(args.n, lang, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
