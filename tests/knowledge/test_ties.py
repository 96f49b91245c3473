"""Standing ties between states (ties.yaml): loaded, dated, cited, and checked."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bloc.errors import KnowledgeBaseError
from bloc.knowledge import data_dir, load_knowledge
from bloc.model import TIE_KINDS


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_ties_are_loaded_cited_and_dated() -> None:
    kb = load_knowledge()
    ties = {t.id: t for t in kb.ties}
    assert {"rus-aze-allied-2022", "tur-aze-shusha-2021", "turkic-council-2009"} <= set(ties)
    for tie in kb.ties:
        assert tie.kind in TIE_KINDS and len(set(tie.actors)) >= 2
        assert tie.cite and all(source in kb.sources for source in tie.cite)
    allied = ties["rus-aze-allied-2022"]
    assert allied.tone == pytest.approx(0.4)  # AGREE's default intensity
    assert not allied.holds_on(dt.date(2022, 2, 21)) and allied.holds_on(dt.date(2022, 2, 22))
    arms = ties["rus-aze-arms-2010"]
    assert arms.tone == pytest.approx(0.7)  # AID's
    # A year-precise start counts from the end of that year, as curated events do.
    assert arms.known_from() == dt.date(2010, 12, 31)
    turkic = ties["turkic-council-2009"]
    assert turkic.links("KAZ", "TUR") and turkic.links("AZE", "KGZ")
    assert not turkic.links("KAZ", "KAZ") and not turkic.links("RUS", "AZE")


def test_a_tie_of_unknown_kind_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "kind: organisation", "kind: friendship")
    with pytest.raises(
        KnowledgeBaseError, match=r"ties\.yaml.*turkic-council-2009.*kind must be one of"
    ):
        load_knowledge(data_copy)


def test_a_tie_naming_an_unknown_actor_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "between: [RUS, AZE]", "between: [RUS, XYZ]")
    with pytest.raises(
        KnowledgeBaseError, match=r"ties\.yaml.*rus-aze-arms-2010.*unknown actor 'XYZ'"
    ):
        load_knowledge(data_copy)


def test_a_tie_needs_two_actors_and_a_citation(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "between: [BLR, AZE]", "between: [BLR, BLR]")
    with pytest.raises(KnowledgeBaseError, match=r"blr-aze-arms-2018.*two or more different"):
        load_knowledge(data_copy)
    shutil.copy(data_dir() / "ties.yaml", data_copy / "ties.yaml")
    _edit(data_copy / "ties.yaml", "cite: [kremlin-2022-02-22]", "cite: [nowhere]")
    with pytest.raises(KnowledgeBaseError, match=r"rus-aze-allied-2022.*unknown source 'nowhere'"):
        load_knowledge(data_copy)


def test_a_tie_ending_before_it_starts_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "start: 2019-07-12", "start: 2019-07-12\n    end: 2019-01-01")
    with pytest.raises(KnowledgeBaseError, match=r"rus-tur-s400-2019.*ends \(2019-01-01\) before"):
        load_knowledge(data_copy)
