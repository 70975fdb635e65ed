"""The fairness evaluation and gate: figures per group, fairlearn's ratio and difference, the proxy check."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_ratio, equalized_odds_difference

from engine.model import fairness
from engine.model.fairness import (
    EQUALISED_ODDS_DIFFERENCE_MAX,
    SELECTION_RATE_RATIO_MIN,
    FairnessReport,
    evaluate_fairness,
)

THRESHOLD = 0.5

# Eight rows, hand-computed at threshold 0.5 (flagged when probability >= 0.5):
#   a: bad 1 1 0 0, probability .9 .2 .6 .1 -> flagged 1 0 1 0: selected 2/4, TPR 1/2, FPR 1/2, mean .45
#   b: bad 1 0 0 0, probability .7 .3 .4 .5 -> flagged 1 0 0 1: selected 2/4, TPR 1/1, FPR 1/3, mean .475
TINY_BAD = np.array([1, 1, 0, 0, 1, 0, 0, 0])
TINY_PROBABILITY = np.array([0.9, 0.2, 0.6, 0.1, 0.7, 0.3, 0.4, 0.5])
TINY_GROUPS = np.array(["a", "a", "a", "a", "b", "b", "b", "b"])


def tiny_report() -> FairnessReport:
    return evaluate_fairness(
        bad=TINY_BAD,
        probability=TINY_PROBABILITY,
        threshold=THRESHOLD,
        groups={"gender": TINY_GROUPS},
        gated={"gender"},
        min_group_size=1,
    )


def scored_population(
    rng: np.random.Generator, rows: int, *, shift: dict[str, float] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes drawn from the scores; a group's scores (not its outcomes) moved by `shift` make a biased scorer."""
    group = rng.choice(np.array(["a", "b", "c"]), rows)
    probability = rng.beta(2, 5, rows)
    bad = (rng.random(rows) < probability).astype(int)
    for name, amount in (shift or {}).items():
        probability = np.where(group == name, np.clip(probability + amount, 0, 1), probability)
    return bad, probability, group


def test_tiny_example_matches_hand_computation() -> None:
    report = tiny_report()
    gender = report.attribute("gender")

    a, b = gender.groups
    assert [(figure.group, figure.count, figure.compared) for figure in gender.groups] == [
        ("a", 4, True),
        ("b", 4, True),
    ]
    # bad rate, selection rate, TPR, FPR, mean score
    assert [a.bad_rate, a.selection_rate, a.true_positive_rate, a.false_positive_rate, a.mean_score] == pytest.approx(
        [0.5, 0.5, 0.5, 0.5, 0.45]
    )
    assert [b.bad_rate, b.selection_rate, b.true_positive_rate, b.false_positive_rate, b.mean_score] == pytest.approx(
        [0.25, 0.5, 1.0, 1 / 3, 0.475]
    )
    assert gender.selection_rate_ratio == 1.0
    assert gender.equalised_odds_difference == pytest.approx(0.5)  # TPR 0.5 against 1.0


def test_tiny_example_fails_on_the_difference_alone() -> None:
    report = tiny_report()

    assert not report.passed
    assert len(report.problems) == 1
    assert report.problems[0].startswith("equalised-odds difference for gender is 0.50, over 0.1")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ratio_and_difference_are_fairleans_row_by_row(seed: int) -> None:
    rng = np.random.default_rng(seed)
    bad, probability, group = scored_population(rng, 5_000, shift={"b": 0.05 * seed})

    report = evaluate_fairness(
        bad=bad, probability=probability, threshold=0.3, groups={"gender": group}, gated={"gender"}
    )
    gender = report.attribute("gender")

    selected = (probability < 0.3).astype(int)
    assert gender.selection_rate_ratio == pytest.approx(
        demographic_parity_ratio(bad, selected, sensitive_features=group), abs=1e-12
    )
    assert gender.equalised_odds_difference == pytest.approx(
        equalized_odds_difference(bad, 1 - selected, sensitive_features=group), abs=1e-12
    )


def test_a_fair_model_passes() -> None:
    bad, probability, group = scored_population(np.random.default_rng(7), 30_000)

    report = evaluate_fairness(
        bad=bad, probability=probability, threshold=0.4, groups={"gender": group}, gated={"gender"}
    )

    assert report.passed
    assert report.problems == ()
    assert report.attribute("gender").selection_rate_ratio > 0.95
    assert report.attribute("gender").equalised_odds_difference < 0.05


def test_a_biased_scorer_fails_on_the_ratio_and_names_the_attribute() -> None:
    bad, probability, group = scored_population(np.random.default_rng(7), 30_000, shift={"c": 0.3})

    report = evaluate_fairness(
        bad=bad, probability=probability, threshold=0.4, groups={"origin": group}, gated={"origin"}
    )
    origin = report.attribute("origin")

    assert not report.passed
    assert not origin.passed
    assert origin.selection_rate_ratio < SELECTION_RATE_RATIO_MIN
    assert any("selection-rate ratio for origin" in problem and "'c'" in problem for problem in report.problems)


def test_different_error_rates_with_equal_selection_rates_fail_on_the_difference() -> None:
    # Each group: 1,000 rows, 200 bad, 200 flagged. Group a flags exactly its bad rows (TPR 1, FPR 0); group b flags
    # 200 rows regardless of outcome (TPR 0.2, FPR 0.2). Both accept 80% automatically.
    bad_a = np.r_[np.ones(200), np.zeros(800)]
    probability_a = np.r_[np.full(200, 0.9), np.full(800, 0.1)]
    bad_b = np.r_[np.ones(200), np.zeros(800)]
    probability_b = np.r_[np.full(40, 0.9), np.full(160, 0.1), np.full(160, 0.9), np.full(640, 0.1)]

    report = evaluate_fairness(
        bad=np.r_[bad_a, bad_b],
        probability=np.r_[probability_a, probability_b],
        threshold=THRESHOLD,
        groups={"age_band": np.repeat(["18-25", "26-40"], 1_000)},
        gated={"age_band"},
    )
    age = report.attribute("age_band")

    assert age.selection_rate_ratio == pytest.approx(1.0)
    assert age.equalised_odds_difference == pytest.approx(0.8)
    assert not report.passed
    assert report.problems == (
        "equalised-odds difference for age_band is 0.80, over 0.1: the true-positive rate (bad outcomes flagged) "
        "runs from 20.0% for group '26-40' to 100.0% for group '18-25'",
    )


def test_a_biased_watched_attribute_is_reported_but_does_not_fail() -> None:
    bad, probability, region = scored_population(np.random.default_rng(3), 30_000, shift={"a": 0.3})
    gender = np.random.default_rng(4).choice(["f", "m"], len(bad))

    report = evaluate_fairness(
        bad=bad,
        probability=probability,
        threshold=0.4,
        groups={"gender": gender, "region": region},
        gated={"gender"},
    )
    watched = report.attribute("region")

    assert report.passed
    assert report.problems == ()
    assert not watched.gated
    assert watched.passed
    assert watched.selection_rate_ratio < SELECTION_RATE_RATIO_MIN
    assert any("selection-rate ratio for region" in note and "not gated" in note for note in watched.notes)
    assert "watched, reported only" in report.markdown()


def test_a_group_without_bad_outcomes_leaves_the_true_positive_gap() -> None:
    # Both groups flag 10% of their good rows; group b has no bad outcomes. fairlearn would count b's undefined TPR
    # as 0 and report a difference of 1.0 (a's TPR), failing a model that treats both groups alike.
    bad = np.r_[np.ones(100), np.zeros(900), np.zeros(1_000)]
    probability = np.r_[np.full(100, 0.9), np.full(90, 0.9), np.full(810, 0.1), np.full(100, 0.9), np.full(900, 0.1)]
    group = np.repeat(["a", "b"], 1_000)

    report = evaluate_fairness(bad=bad, probability=probability, threshold=THRESHOLD, groups={"g": group}, gated={"g"})
    g = report.attribute("g")

    assert g.groups[1].true_positive_rate is None
    assert g.groups[1].false_positive_rate == pytest.approx(0.1)
    assert g.equalised_odds_difference == pytest.approx(0.0)
    assert equalized_odds_difference(bad, (probability >= THRESHOLD).astype(int), sensitive_features=group) == 1.0
    assert any("group 'b' has no bad outcomes" in note for note in g.notes)
    assert g.passed


@pytest.mark.parametrize(
    ("threshold", "selection_rate"),
    [pytest.param(0.0, 0.0, id="none-selected"), pytest.param(1.0, 1.0, id="all-selected")],
)
def test_all_or_none_selected_gives_a_ratio_of_one(threshold: float, selection_rate: float) -> None:
    bad, probability, group = scored_population(np.random.default_rng(5), 3_000)
    probability = np.clip(probability, 0.01, 0.99)

    report = evaluate_fairness(
        bad=bad, probability=probability, threshold=threshold, groups={"gender": group}, gated={"gender"}
    )
    gender = report.attribute("gender")

    assert {figure.selection_rate for figure in gender.groups} == {selection_rate}
    assert gender.selection_rate_ratio == 1.0
    assert gender.equalised_odds_difference == 0.0
    assert report.passed


def test_a_single_group_has_nothing_to_compare() -> None:
    bad, probability, _ = scored_population(np.random.default_rng(5), 1_000)

    report = evaluate_fairness(
        bad=bad, probability=probability, threshold=0.3, groups={"origin": ["nl"] * 1_000}, gated={"origin"}
    )
    origin = report.attribute("origin")

    assert (origin.selection_rate_ratio, origin.equalised_odds_difference) == (1.0, 0.0)
    assert origin.passed
    assert any("1 group(s) large enough" in note for note in origin.notes)


def test_a_small_group_is_reported_but_not_compared() -> None:
    bad, probability, group = scored_population(np.random.default_rng(6), 3_000)
    group = group.astype(object)
    group[:10] = "tiny"
    probability[:10] = 0.99  # never selected: would give a ratio of 0 if it were compared

    report = evaluate_fairness(
        bad=bad, probability=probability, threshold=0.4, groups={"origin": group}, gated={"origin"}
    )
    origin = report.attribute("origin")
    tiny = next(figure for figure in origin.groups if figure.group == "tiny")

    assert (tiny.count, tiny.selection_rate, tiny.compared) == (10, 0.0, False)
    assert origin.selection_rate_ratio > SELECTION_RATE_RATIO_MIN
    assert report.passed
    assert any("'tiny'" in note and "fewer than 30" in note for note in origin.notes)
    assert "tiny (too small to compare)" in report.markdown()


def test_labels_become_strings_and_missing_ones_unknown() -> None:
    rows = 120
    labels = {
        "region": np.tile([10, 2, 1], 40),
        "origin": pd.Series(["nl", None, "eu", np.nan] * 30, index=range(1_000, 1_000 + rows)),
        "gender": pd.Series(["f", "m", None] * 40, dtype="category"),
    }

    report = evaluate_fairness(
        bad=np.tile([0, 1], rows // 2),
        probability=np.full(rows, 0.2),
        threshold=THRESHOLD,
        groups=labels,
        gated={"origin", "gender"},
    )

    assert [figure.group for figure in report.attribute("region").groups] == ["1", "2", "10"]
    assert [(figure.group, figure.count) for figure in report.attribute("origin").groups] == [
        ("eu", 30),
        ("nl", 30),
        ("unknown", 60),
    ]
    assert [figure.group for figure in report.attribute("gender").groups] == ["f", "m", "unknown"]


def test_proxy_auc_is_near_a_half_for_independent_features() -> None:
    rng = np.random.default_rng(11)
    rows = 6_000
    bad, probability, group = scored_population(rng, rows)

    report = evaluate_fairness(
        bad=bad,
        probability=probability,
        threshold=0.4,
        groups={"origin": group, "gender": rng.choice(["f", "m"], rows)},
        gated={"origin", "gender"},
        features=rng.normal(size=(rows, 5)),
    )

    for attribute in report.attributes:
        assert attribute.proxy_auc == pytest.approx(0.5, abs=0.05)


def test_proxy_auc_is_near_one_when_a_feature_is_the_attribute() -> None:
    rng = np.random.default_rng(12)
    rows = 3_000
    bad, probability, origin = scored_population(rng, rows)
    gender = rng.choice(["f", "m"], rows)
    features = pd.DataFrame(
        {
            "is_m": gender == "m",
            "origin_b": (origin == "b").astype(float),
            "origin_c": (origin == "c").astype(float),
            "noise": rng.normal(size=rows),
        }
    )

    report = evaluate_fairness(
        bad=bad,
        probability=probability,
        threshold=0.4,
        groups={"gender": gender, "origin": origin},
        gated={"gender", "origin"},
        features=features,
    )

    assert report.attribute("gender").proxy_auc == pytest.approx(1.0, abs=0.01)  # binary
    assert report.attribute("origin").proxy_auc == pytest.approx(1.0, abs=0.01)  # macro one-vs-rest
    assert report.passed  # reported, never gated


def test_proxy_auc_on_a_subsample_is_repeatable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fairness, "PROXY_SAMPLE_MAX", 500)
    rng = np.random.default_rng(13)
    bad, probability, group = scored_population(rng, 4_000)
    features = np.column_stack([(group == "a") + rng.normal(size=4_000), rng.normal(size=4_000)])

    def proxy(seed: int) -> float | None:
        return (
            evaluate_fairness(
                bad=bad,
                probability=probability,
                threshold=0.4,
                groups={"origin": group},
                gated={"origin"},
                features=features,
                seed=seed,
            )
            .attributes[0]
            .proxy_auc
        )

    assert proxy(0) == proxy(0)
    assert proxy(0) != proxy(1)
    assert 0.6 < (proxy(0) or 0) < 0.9


def test_without_features_there_is_no_proxy_auc() -> None:
    assert tiny_report().attribute("gender").proxy_auc is None


def test_to_dict_is_json_and_round_trips() -> None:
    rng = np.random.default_rng(14)
    rows = 2_000
    bad, probability, region = scored_population(rng, rows, shift={"b": 0.3})
    report = evaluate_fairness(
        bad=bad,
        probability=probability,
        threshold=0.35,
        groups={"gender": rng.choice(["f", "m", "x"], rows, p=[0.5, 0.49, 0.01]), "region": region},
        gated={"gender"},
        features=rng.normal(size=(rows, 3)),
    )

    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    again = FairnessReport.from_dict(data)

    assert again.to_dict() == data
    assert again.passed == report.passed
    assert again.problems == report.problems
    assert again.notes == report.notes
    assert [attribute.attribute for attribute in again.attributes] == ["gender", "region"]
    assert data["limits"] == {
        "selection_rate_ratio_min": SELECTION_RATE_RATIO_MIN,
        "equalised_odds_difference_max": EQUALISED_ODDS_DIFFERENCE_MAX,
    }
    assert data["attributes"][0]["groups"][2]["compared"] is False  # x: about 20 rows


def test_to_dict_rounds_to_four_decimals_and_keeps_undefined_rates() -> None:
    data = tiny_report().to_dict()

    b = data["attributes"][0]["groups"][1]
    assert b["false_positive_rate"] == 0.3333
    assert b["mean_score"] == 0.475
    assert data["passed"] is False


def test_from_dict_refuses_what_is_not_a_report() -> None:
    with pytest.raises(ValueError, match="not a fairness report"):
        FairnessReport.from_dict({"threshold": 0.3})


def test_markdown_holds_the_groups_and_their_figures() -> None:
    text = tiny_report().markdown()

    assert "### gender (protected, gated)" in text
    assert "| a | 4 | 50.0% | 50.0% | 50.0% | 50.0% | 0.4500 |" in text
    assert "| b | 4 | 25.0% | 50.0% | 100.0% | 33.3% | 0.4750 |" in text
    assert "Selection-rate ratio: 1.0000 (at least 0.8): pass" in text
    assert "Equalised-odds difference: 0.5000 (at most 0.1): FAIL" in text
    assert "Proxy AUC" in text
    assert "**Overall: FAIL**" in text


def test_markdown_escapes_table_separators_in_group_names() -> None:
    report = evaluate_fairness(
        bad=TINY_BAD,
        probability=TINY_PROBABILITY,
        threshold=THRESHOLD,
        groups={"g": np.where(TINY_GROUPS == "a", "a|b", "c")},
        gated=(),
        min_group_size=1,
    )

    assert "| a\\|b | 4 |" in report.markdown()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"bad": np.array([0, 1, 2, 0, 0, 0, 0, 0])}, "only 0 and 1", id="bad-not-binary"),
        pytest.param({"probability": TINY_PROBABILITY[:7]}, "one value per row", id="probability-short"),
        pytest.param({"probability": TINY_PROBABILITY + 0.2}, r"in \[0, 1\]", id="probability-above-one"),
        pytest.param({"threshold": 1.5}, "threshold", id="threshold-outside"),
        pytest.param({"groups": {"gender": TINY_GROUPS[:7]}}, "one group label per row", id="labels-short"),
        pytest.param({"gated": {"gender", "origin"}}, "without group labels: origin", id="gated-unknown"),
        pytest.param({"features": np.zeros((7, 2))}, "one row per outcome", id="features-short"),
    ],
)
def test_inputs_that_cannot_be_evaluated_are_refused(change: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "bad": TINY_BAD,
        "probability": TINY_PROBABILITY,
        "threshold": THRESHOLD,
        "groups": {"gender": TINY_GROUPS},
        "gated": {"gender"},
    } | change

    with pytest.raises(ValueError, match=message):
        evaluate_fairness(**arguments)  # type: ignore[arg-type]


def test_gated_as_one_string_is_refused() -> None:
    with pytest.raises(TypeError):
        evaluate_fairness(
            bad=TINY_BAD, probability=TINY_PROBABILITY, threshold=0.5, groups={"gender": TINY_GROUPS}, gated="gender"
        )
