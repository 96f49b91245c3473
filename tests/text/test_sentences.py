"""The sentence splitter: abbreviations and initials, and linear time on long runs."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.model import Sentence
from bloc.text.sentences import rules, split


def _split_reference(text: str) -> Iterator[Sentence]:
    """The splitter as it was, reading the whole paragraph back at every full stop."""
    index = 0
    for para in re.finditer(r"[^\n]+", text):
        start, body, cursor = para.start(), para.group(), 0
        for match in rules().boundary.finditer(body):
            before = body[cursor : match.start() + 1]
            last = re.search(r"([A-Za-z.]+)\.$", before.rstrip("\"”’')]"))
            if last:
                word = last.group(1).lower().rstrip(".")
                if word in rules().abbreviations or (len(word) == 1 and word.isalpha()):
                    continue
            end = match.end()
            chunk = body[cursor:end].strip()
            if chunk:
                offset = start + cursor + (len(body[cursor:end]) - len(body[cursor:end].lstrip()))
                yield Sentence(index, offset, offset + len(chunk), chunk)
                index += 1
            cursor = end
        chunk = body[cursor:].strip()
        if chunk:
            offset = start + cursor + (len(body[cursor:]) - len(body[cursor:].lstrip()))
            yield Sentence(index, offset, offset + len(chunk), chunk)
            index += 1


PIECES = (
    "Mr.", "mr.", "Gen.", "U.S.", "u.s.", "e.g.", "i.e.", "A.", "B.", "x.", "No.", "St.",
    "Approx.", "approximately.", "Xylophonistsmr.", "abcdefghijklmnmr.", "abcdefghijklmnomr.",
    "a.b.c.d.e.f.g.h.i.", "Smith", "said", "Armenia", "CSTO", "2022.", "3", "?", "!", "…",
    ".", "..", '"', "”", "’", ")", "(", "“", "\n", "  ",
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join))
def test_split_decides_as_the_whole_paragraph_look_back_did(text: str) -> None:
    assert list(split(text)) == list(_split_reference(text))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=500))
def test_split_on_any_text_gives_spans_of_the_text(text: str) -> None:
    found = list(split(text))
    assert found == list(_split_reference(text))
    for number, sentence in enumerate(found):
        assert sentence.index == number and sentence.text
        assert text[sentence.start : sentence.end] == sentence.text


def test_a_run_of_abbreviations_is_split_in_linear_time() -> None:
    """'Mr. ' 25,000 times took 42 s: each stop re-read the paragraph so far."""
    text = "Mr. " * 25_000 + "Smith arrived. Then he left."
    began = time.process_time()
    found = [s.text for s in split(text)]
    assert time.process_time() - began < 2.0  # about 0.05 s; it was 42 s
    assert found == [text[: -len(" Then he left.")], "Then he left."]
