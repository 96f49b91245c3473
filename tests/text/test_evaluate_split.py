"""The tune/check split of PLOVER's development records (text/evaluate_split.py)."""

from __future__ import annotations

import json
import random
from typing import Any

from bloc.text.evaluate_split import part, split
from helpers import PLOVER, missing


def test_a_record_keeps_its_part_whatever_else_is_in_the_file() -> None:
    ids = [f"REC-{n:05d}" for n in range(600)]
    tune, check = split(ids)
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    tune2, check2 = split(shuffled[:300])
    assert set(tune2) <= set(tune) and set(check2) <= set(check)
    # pinned: a change of hash or salt would move records between the parts
    assert [part(f"x-{n}") for n in (1, 2, 3)] == ["tune", "check", "tune"]


def test_the_parts_are_disjoint_cover_everything_and_are_about_two_to_one() -> None:
    ids = [f"REC-{n:05d}" for n in range(3000)]
    tune, check = split(ids)
    assert not set(tune) & set(check)
    assert sorted(tune + check) == ids
    assert 0.30 <= len(check) / len(ids) <= 0.37


def test_plover_development_records_split_about_two_to_one(record_property: Any) -> None:
    if not (PLOVER / "dev.jsonl").is_file():
        missing(f"PLOVER's gold-standard records are not at {PLOVER}")
    lines = (PLOVER / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines if line.strip()]
    tune, check = split(ids)
    assert len(ids) == len(tune) + len(check)  # one id is on two records: both in one part
    assert not set(tune) & set(check)
    assert 0.25 <= len(check) / len(ids) <= 0.42
    record_property("plover_split", f"tune {len(tune)}, check {len(check)}")
