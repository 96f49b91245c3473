"""The confidence model: the features the coder states, the fit, and the check part's AUC.

The unit tests run on hand-built parses and planted data; the slow one codes the
check part of PLOVER's development split (never fitted on) with the shipped model
and measures the ROC AUC of confidence for right against wrong events.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from bloc.errors import BlocError
from bloc.text import calibration
from bloc.text.calibration import Features, Model, confidence, parse_model
from bloc.text.calibration_fit import (
    PENALTIES,
    SEED,
    Outcome,
    auc,
    bootstrap,
    fit,
    fold_of,
    outcomes,
    table,
)
from bloc.text.coder import code_parse
from bloc.text.reading import reading
from bloc.text.reference import Context
from helpers import PLOVER, built, missing

AUC_FLOOR = 0.72
"""A little under the check AUC measured when the model was last fitted (0.763, on 52
events of which 13 wrong: its 95% bootstrap interval is 0.57-0.93), as the F1 floors of
test_plover.py are. It measures the shipped model, whatever a refit made it: confidence
grown blind to right and wrong (0.5) falls under it. One wrong event moving across the
right ones moves the figure by up to 0.08, so a change to the coder calls for a refit
(`python scripts/calibrate.py`) before this test is read."""


def _coded(parse: Any, names: list[tuple[str, str]]) -> list[Any]:
    from helpers import named

    lex = reading("en")
    assert lex is not None
    context = Context(
        alliances=frozenset({"CSTO"}), kinds=dict.fromkeys(("ARM", "AZE", "RUS"), "state")
    )
    return code_parse(parse, named(parse, *names), context, lex.lex)


def test_the_coder_states_features_for_each_act() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj", 1),
        ("accused", "accuse", "VERB", "root", 1),
        ("Azerbaijan", "azerbaijan", "PROPN", "obj", 1),
    )
    (act,) = _coded(p, [("Armenia", "ARM"), ("Azerbaijan", "AZE")])
    f = act.features
    assert f is not None
    assert (f.type, f.via, f.path, f.relation) == ("ACCUSE", "subj", "obj", "root")
    assert (f.source_form, f.target_form, f.origin) == ("name", "name", "curated")
    assert (f.tokens, f.events, f.pairs, f.rank, f.height, f.gap, f.reach) == (3, 1, 1, 0, 0, 1, 1)
    assert not (f.same or f.negated or f.terms().get("secondary"))
    assert (f.hops, f.above, f.speech) == (1, 0, True)  # "accused" is a speech act
    assert not (f.outranked or f.governed)


def test_an_act_in_a_coordinated_clause_is_secondary_and_second() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj", 1),
        ("accused", "accuse", "VERB", "root", 1),
        ("Azerbaijan", "azerbaijan", "PROPN", "obj", 1),
        ("and", "and", "CCONJ", "cc", 5),
        ("Russia", "russia", "PROPN", "nsubj", 5),
        ("threatened", "threaten", "VERB", "conj", 1),
        ("Baku", "baku", "PROPN", "obj", 5),
    )
    acts = _coded(
        p, [("Armenia", "ARM"), ("Azerbaijan", "AZE"), ("Russia", "RUS"), ("Baku", "AZE")]
    )
    assert len(acts) == 2
    first, second = (a.features for a in acts)
    assert (first.rank, second.rank) == (0, 1) and first.events == second.events == 2
    assert second.relation == "conj" and second.terms()["secondary"] == 1.0
    assert second.height == 1 and first.height == 0
    # the main clause's act outranks the coordinated one
    assert (first.outranked, first.above) == (False, 0)
    assert (second.outranked, second.above) == (True, 1)


def test_an_act_read_through_the_clause_it_governs_says_so() -> None:
    p = built(
        "en",
        ("Armenia", "armenia", "PROPN", "nsubj", 1),
        ("threatened", "threaten", "VERB", "root", 1),
        ("to", "to", "PART", "mark", 3),
        ("attack", "attack", "VERB", "xcomp", 1),
        ("Azerbaijan", "azerbaijan", "PROPN", "obj", 3),
    )
    (act,) = _coded(p, [("Armenia", "ARM"), ("Azerbaijan", "AZE")])
    f = act.features
    assert f is not None and (act.type, f.governed) == ("THREATEN", True)
    # the target hangs from the governed verb: two steps in the parse, three words away
    assert (f.hops, f.reach, f.gap) == (2, 3, 1)
    assert f.triggers == 2 and f.above == 0 and not f.outranked


def test_terms_name_each_category_and_count() -> None:
    terms = Features(type="AID", via="subj", path="obl", tokens=9, triggers=3).terms()
    assert terms["type=AID"] == terms["via=subj"] == terms["path=obl"] == 1.0
    assert terms["more_triggers"] == 2.0 and math.isclose(terms["log_words"], math.log(10))
    assert "derived" not in terms and "negated" not in terms
    terms = Features(type="AID", hops=3, above=2, outranked=True, governed=True).terms()
    assert math.isclose(terms["log_hops"], math.log(4)) and terms["above"] == 2.0
    assert terms["outranked"] == terms["governed"] == 1.0
    assert Features(type="AID", origin="derived").terms()["derived"] == 1.0


def test_a_model_weighs_only_the_terms_it_names() -> None:
    model = Model(0.0, {"same": -2.0, "unheard-of": 5.0})
    assert model.probability(Features(type="AID")) == 0.5
    assert model.probability(Features(type="AID", same=True)) < 0.2


def test_confidence_is_never_certain(monkeypatch: pytest.MonkeyPatch) -> None:
    sure = Model(50.0, {})
    monkeypatch.setattr(calibration, "model", lambda: sure)
    assert confidence(Features(type="AID"), 0.5) == 0.999
    monkeypatch.setattr(calibration, "model", lambda: Model(-50.0, {}))
    assert confidence(Features(type="AID"), 0.5) == 0.001


def test_no_features_keep_the_coders_own_score_and_the_shipped_model_loads() -> None:
    assert confidence(None, 0.42) == 0.42
    value = confidence(Features(type="AGREE"), 0.42)
    assert 0.0 < value < 1.0
    shipped = yaml.safe_load(
        (Path(calibration.__file__).with_name("calibration.yaml")).read_text("utf-8")
    )
    assert shipped["provenance"]["command"] == "python scripts/calibrate.py"
    assert "tune part only" in shipped["provenance"]["gold"]


@pytest.mark.parametrize("data", [None, [], {"intercept": "x", "weights": {}}, {"weights": {}}])
def test_a_malformed_model_says_how_to_rebuild_it(data: object) -> None:
    with pytest.raises(BlocError, match=r"scripts/calibrate\.py"):
        parse_model(data)


def test_auc_counts_pairs_and_ties() -> None:
    assert auc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert auc([0.1, 0.9], [True, False]) == 0.0
    assert auc([0.5, 0.5], [True, False]) == 0.5
    assert math.isnan(auc([0.5], [True]))


def test_table_bins_every_event_once() -> None:
    rows = table([0.05, 0.5, 0.55, 1.0], [False, True, False, True])
    assert sum(n for _, n, _ in rows) == 4
    assert dict((label, (n, ok)) for label, n, ok in rows)["0.4-0.6"] == (2, 1)
    assert rows[-1][1:] == (1, 1)  # a confidence of exactly 1 is in the last bin


def _planted(n: int, seed: int) -> list[Outcome]:
    """Events whose rightness depends on the trigger's height and on `same`, plus noise."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        height, same = int(rng.integers(0, 6)), bool(rng.integers(0, 2))
        p = 1 / (1 + math.exp(-(2.0 - 0.8 * height - 1.0 * same)))
        f = Features(type="AID", height=height, same=same)
        out.append(Outcome(f"r{i}", f, 0.5, bool(rng.random() < p)))
    return out


def test_folds_keep_a_record_whole_and_share_out_the_wrong_events() -> None:
    rows = [Outcome(f"r{i // 2}", None, 0.5, i % 10 != 0) for i in range(100)]
    chosen = fold_of(rows, 5, np.random.default_rng(SEED))
    assert set(chosen) == {o.record for o in rows} and set(chosen.values()) == set(range(5))
    wrong = [chosen[o.record] for o in rows if not o.right]
    assert sorted(wrong) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]  # ten wrong events, two a fold
    again = fold_of(rows, 5, np.random.default_rng(SEED))
    assert again == chosen  # seeded


def test_the_fit_recovers_a_planted_signal_and_is_reproducible() -> None:
    train = _planted(300, 1)
    fitted = fit(train)
    assert fitted.model == fit(train).model  # seeded: the same data fit the same
    assert 0.5 < fitted.cv_auc <= 1.0 and fitted.penalty in PENALTIES
    assert fitted.model.weights["height"] < 0 and fitted.model.weights["same"] < 0
    held = _planted(300, 2)
    scores = [fitted.model.probability(o.features) for o in held if o.features]
    assert auc(scores, [o.right for o in held]) > 0.7
    low, high = bootstrap([(o.record, s, o.right) for o, s in zip(held, scores, strict=True)])
    assert low < auc(scores, [o.right for o in held]) < high


@pytest.mark.slow
def test_confidence_separates_right_from_wrong_on_the_check_part() -> None:
    """Issue 25's measure: the ROC AUC on the check part, which the fit never saw."""
    if not (PLOVER / "dev.jsonl").is_file():
        missing(f"PLOVER's gold-standard records are not at {PLOVER}")
    found = outcomes(PLOVER, "check")
    assert len(found) >= 20 and all(o.features is not None for o in found)
    scores = [confidence(o.features, o.prior) for o in found]
    labels = [o.right for o in found]
    assert 0 < sum(labels) < len(labels)
    measured = auc(scores, labels)
    print(f"\nconfidence on the check part: ROC AUC {measured:.3f} ({len(found)} events)")
    assert measured >= AUC_FLOOR, measured
