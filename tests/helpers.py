"""Where the tests' inputs are, and what a test does when one is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

CI = os.environ.get("CI") == "true"
TESTS = Path(__file__).resolve().parent
ARTICLES = TESTS / "data" / "articles"
GOLD = TESTS / "gold"
SEEDS = TESTS.parents[1] / "shared" / "seeds"
PLOVER = TESTS.parents[1] / "shared" / "data" / "plover-gsr"


def missing(reason: str) -> NoReturn:
    """Something a test needs is not on this machine: skipped locally, a failure under CI."""
    if CI:
        pytest.fail(f"{reason} (CI=true)")
    pytest.skip(reason)


class Harness:
    """A child Python process that runs a job and kills it on request (the SIGKILL tests).

    It prints "ready" once set up; each line sent to it is a request (a delay
    in seconds, or a word the harness knows) and each answer one line of JSON.
    """

    def __init__(self, code: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, line: str) -> dict[str, Any]:
        """Send one request and read its answer."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(line + "\n")
        stdin.flush()
        answer: dict[str, Any] = json.loads(stdout.readline())
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def overlapping_readers(
    db: Path, read: Callable[[Any], Any], *, threads: int = 4
) -> tuple[list[Any], list[BaseException], Callable[[], None]]:
    """Threads reading `db` back to back (each read held 20 ms, so the store is never
    free on its own): what each read returned, what failed, and a function that stops them."""
    from bloc.store import opened

    stop = threading.Event()
    seen: list[Any] = []
    errors: list[BaseException] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                with opened(db) as store:
                    seen.append(read(store))
                    time.sleep(0.02)
            except BaseException as exc:
                errors.append(exc)
                return

    started = [threading.Thread(target=reader) for _ in range(threads)]
    for thread in started:
        thread.start()

    def halt() -> None:
        stop.set()
        for thread in started:
            thread.join(timeout=10)

    return seen, errors, halt


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows a query gives on a store opened read-only (taking its turn, as bloc does)."""
    from bloc.store import Store

    with Store.open(db, read_only=True) as store:
        found: list[tuple[Any, ...]] = store.con.execute(sql, params or []).fetchall()
        return found


def parsed(lang: str, text: str) -> Any:
    """One sentence through the parse adapter (`bloc.text.parse`) of `lang`."""
    from bloc.text.parse import parse_batch

    (found,) = parse_batch(lang, [text])
    assert found is not None
    return found


def dep(p: Any, word: str) -> tuple[str, str]:
    """The relation of `word` in a parse and the text of its head ("" at the root)."""
    token = next(t for t in p.tokens if t.text == word)
    head = p.head(token.i)
    return token.dep, head.text if head is not None else ""


def built(lang: str, *words: tuple[str, str, str, str, int], **feats: Any) -> Any:
    """A Parse built by hand, as an adapter would give it, so the role logic and the
    coder are tested apart from any parser model. Each word is (text, lemma, UPOS,
    relation, head index; the root is its own head), joined by single spaces;
    `feats` sets a token's tense, passive or finite flag: tense_1="Past", passive_1=True.
    """
    from bloc.text.parse import Parse, Token

    tokens, at = [], 0
    for i, (text, lemma, pos, rel, head) in enumerate(words):
        tokens.append(
            Token(
                i=i,
                text=text,
                lemma=lemma,
                pos=pos,
                dep=rel,
                head=head,
                start=at,
                end=at + len(text),
                tense=feats.get(f"tense_{i}", "Past" if pos == "VERB" else ""),
                passive=feats.get(f"passive_{i}", False),
                finite=feats.get(f"finite_{i}", pos == "VERB" and rel == "root"),
            )
        )
        at += len(text) + 1
    return Parse(" ".join(w[0] for w in words), tuple(tokens), lang)


def named(parse: Any, *names: tuple[str, str]) -> list[Any]:
    """Mentions of actors at the words of a hand-built parse: (word, code)."""
    from bloc.model import Mention

    out = []
    for word, code in names:
        token = next(t for t in parse.tokens if t.text == word)
        out.append(Mention(code, token.start, token.end, word, "name"))
    return out
