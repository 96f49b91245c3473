"""Exit risk carries the weight of its evidence: thin evidence counts little, none reads so.

The misalignment component used to read the prior (alignment 0, so 0.50
shrunk toward it) for any member with little evidence, and NATO's members
all scored 0.11-0.12 from that default. These tests pin what replaced it on
the knowledge base alone (tests/measures/test_votes.py, with the record).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bloc import measures
from bloc.measures.decay import PRIOR_WEIGHT

DAY = "2026-06-30"  # a fixed "today", three years after the last hand-typed vote


def test_nato_is_no_longer_a_flat_default(kb_db: Path) -> None:
    ranked = measures.risk("NATO", on=DAY, db=kb_db).set_index("member")
    # Before: every member 0.11-0.12, Albania second on misalignment 0.33 from the prior.
    assert ranked.score.max() < 0.05
    alb = ranked.loc["ALB"]
    assert alb.score == pytest.approx(0.0, abs=1e-9)  # four votes, all beside the US
    assert alb.misalignment == pytest.approx(0.0, abs=1e-9)
    why = " ".join(alb.reasons)
    assert "misalignment 0.00 (4 signals, thin evidence: counted" in why
    # Turkey's record holds some disagreement: its misalignment is above Albania's.
    assert ranked.loc["TUR"].misalignment > alb.misalignment


def test_misalignment_is_the_record_counted_by_its_evidence(kb_db: Path) -> None:
    """The component is (mass - pull) / (2 (mass + k)): the record's own misalignment,
    (1 - mean tone) / 2, times mass / (mass + k); checked against the signals by hand."""
    on = "2023-05-31"
    ranked = measures.risk("CSTO", on=on, db=kb_db).set_index("member")
    signals = measures.signals("CSTO", on=on, db=kb_db)
    for member in ("ARM", "BLR"):
        mine = signals[(signals.member == member) & (signals.kind != "member")]
        mass, pull = float(mine.decayed.sum()), float((mine.decayed * mine.tone).sum())
        expected = (1 - pull / mass) / 2 * mass / (mass + PRIOR_WEIGHT)
        assert ranked.loc[member].misalignment == pytest.approx(expected, abs=1e-6), member


def test_a_member_with_no_evidence_has_no_score(kb_db: Path) -> None:
    ranked = measures.risk("CSTO", on="1998-12-31", db=kb_db)
    assert ranked.score.isna().all()
    assert all(list(r) == ["no evidence"] for r in ranked.reasons)
