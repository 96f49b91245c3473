"""The clustered order of a relations matrix: alike members side by side, deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bloc.measures import seriate


def _matrix(codes: list[str], score: dict[frozenset[str], float]) -> pd.DataFrame:
    m = pd.DataFrame(np.nan, index=codes, columns=codes)
    for pair, v in score.items():
        a, b = sorted(pair)
        m.at[a, b] = m.at[b, a] = v
    return m


def test_two_friendly_blocks_hostile_to_each_other_come_out_as_blocks() -> None:
    # Alphabetical order interleaves the blocks: A, C, E friends; B, D, F friends.
    codes = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    left, right = ["AAA", "CCC", "EEE"], ["BBB", "DDD", "FFF"]
    score = {}
    for block in (left, right):
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                score[frozenset((a, b))] = 0.6
    for a in left:
        for b in right:
            score[frozenset((a, b))] = -0.5
    order = seriate(_matrix(codes, score))
    assert sorted(order) == codes
    assert set(order[:3]) in (set(left), set(right)), order


def test_members_without_relations_keep_their_alphabetical_order() -> None:
    codes = ["NOR", "ALB", "USA", "FRA"]
    assert seriate(_matrix(codes, {})) == sorted(codes)
    # The same input in another row order gives the same answer.
    again = _matrix(codes[::-1], {frozenset(("NOR", "USA")): 0.4})
    assert seriate(again) == seriate(_matrix(codes, {frozenset(("USA", "NOR")): 0.4}))
