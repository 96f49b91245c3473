"""The parts of an exit-risk score: what each adds sums to the score, whatever decides it."""

from __future__ import annotations

import math

import pandas as pd

from bloc import measures
from bloc.measures.risk_parts import bar_ends


def _row(member: str, score: float, parts: dict[str, float], **more: object) -> dict[str, object]:
    values = {k: parts.get(k, 0.0) / w for k, w in measures.SCORE_WEIGHTS.items()}
    return {"member": member, "score": score, "reasons": [], "parts": parts,
            "override": None, **values, **more}  # fmt: skip


def test_an_override_a_cap_and_no_evidence_each_keep_the_sum() -> None:
    frame = pd.DataFrame(
        [
            _row("AAA", 0.2, {"misalignment": 0.2}, override="suspended"),
            _row("BBB", 1.0, {"misalignment": 0.35, "refusals": 0.25, "UN votes": 0.6}),
            _row("CCC", math.nan, {}),
            _row("DDD", 0.05, {"refusals": 0.05}, reasons=["misalignment: no evidence"]),
        ]
    )
    frame.loc[frame.member == "AAA", "score"] = 1.0
    parts = measures.risk_parts(frame)
    assert bar_ends(parts) == {"AAA": 1.0, "BBB": 1.0, "DDD": 0.05}  # CCC: no evidence, no bar
    extra = parts[parts.kind.isin(["override", "cap"])].set_index("member")
    assert extra.loc["AAA", "label"] == "suspended membership: sets risk to 1.00"
    assert math.isclose(extra.loc["AAA", "adds"], 0.8)
    assert extra.loc["BBB", "kind"] == "cap" and math.isclose(extra.loc["BBB", "adds"], -0.2)
    mis = parts[(parts.member == "DDD") & (parts.part == "misalignment")].iloc[0]
    assert mis.kind == "no evidence" and mis.adds == 0.0
