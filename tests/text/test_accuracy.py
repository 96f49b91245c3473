"""Accuracy of the coder on the five reference articles against the hand-made gold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bloc.text.evaluate import score
from helpers import GOLD as TESTS_GOLD

GOLD = TESTS_GOLD / "seeds.yaml"


def test_f1_on_the_reference_articles(seeds: Path, record_property: Any) -> None:
    result = score(GOLD, seeds)
    record_property(
        "measured",
        f"coder on the five reference articles: precision {result.precision:.2f}, "
        f"recall {result.recall:.2f}, "
        f"F1 {result.f1:.2f} ({result.true_positives} of {result.gold} gold events found, "
        f"{result.predicted} coded)",
    )
    assert result.gold == 74
    assert result.f1 >= 0.7
