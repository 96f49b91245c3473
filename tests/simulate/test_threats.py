"""The one check of a threat's name, which the simulator and the web's API both ask."""

from __future__ import annotations

import pytest

from bloc.errors import ScenarioError
from bloc.simulate import THREATS, threat_kind


def test_a_simulator_threat_and_the_knowledge_bases_wording_both_name_a_kind() -> None:
    assert [threat_kind(t) for t in THREATS] == list(THREATS)
    assert threat_kind("external attack") == "external"
    assert threat_kind("attack on forces abroad") == "abroad"


def test_an_unknown_threat_is_refused_with_the_choices() -> None:
    with pytest.raises(ScenarioError, match="unknown threat 'meteor': use one of external, "):
        threat_kind("meteor")
