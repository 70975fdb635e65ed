"""The benchmark on real credit data: the shipped loaders and specs, the cross-validated run, the published anchors and
the `underwrite model benchmark` command (shipped data, a user's own CSV, and the errors a user can make)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.config import PROJECT_ROOT
from engine.model.benchmark import (
    ANCHORS,
    CREDIT_DATA,
    GERMAN_CREDIT,
    GRADIENT_BOOSTING,
    HEADLINE_METRICS,
    LOGISTIC_REGRESSION,
    anchor_for,
    benchmark_dataset,
    dataset_names,
    dataset_spec,
    load_credit_data,
    load_german_credit,
    run_benchmark,
    with_known_categories,
)
from engine.model.pipeline import MISSING_CATEGORY, bad_outcomes, feature_frame
from engine.model.spec import CategoryFeature, FeatureSpec

SPEC_DIR = PROJECT_ROOT / "data" / "model_specs" / "benchmark"

OWN_SPEC = """\
name: own_history
target:
  column: defaulted
  bad: ["yes"]
protected: [gender]
features:
  - name: income_eur
    type: number
    transform: log1p
    direction: down
  - name: region
    type: category
"""


@pytest.fixture(scope="module")
def german() -> pd.DataFrame:
    return load_german_credit()


@pytest.fixture(scope="module")
def credit() -> pd.DataFrame:
    return load_credit_data()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "development")
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return CliRunner()


def own_history(rows: int = 400, seed: int = 3) -> pd.DataFrame:
    """A user's history: income lowers the odds of default, one region raises them."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 0.5, rows).round()
    region = rng.choice(["north", "south", "east"], rows)
    logit = 4.0 - 0.5 * np.log1p(income) + 0.8 * (region == "south")
    defaulted = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "income_eur": income,
            "region": region,
            "gender": rng.choice(["f", "m"], rows),
            "defaulted": np.where(defaulted, "yes", "no"),
        }
    )


def _run(runner: CliRunner, *args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)  # a traceback fails the test


# --- the shipped data and specs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "columns", "bad"),
    [(GERMAN_CREDIT, 1000, 21, 300), (CREDIT_DATA, 4454, 14, 1254)],
)
def test_a_shipped_dataset_loads_with_its_known_shape_and_bad_count(
    name: str, rows: int, columns: int, bad: int, german: pd.DataFrame, credit: pd.DataFrame
) -> None:
    frame = german if name == GERMAN_CREDIT else credit
    outcome = bad_outcomes(dataset_spec(name, spec_dir=SPEC_DIR), frame)

    assert frame.shape == (rows, columns)
    assert set(np.unique(outcome)) == {0, 1}
    assert int(outcome.sum()) == bad


def test_credit_data_drops_the_row_numbers_and_keeps_its_missing_values(credit: pd.DataFrame) -> None:
    assert "rownames" not in credit.columns
    assert credit["Income"].isna().sum() == 381


@pytest.mark.parametrize("name", dataset_names())
def test_every_column_of_a_shipped_dataset_is_a_feature_protected_or_the_target(
    name: str, german: pd.DataFrame, credit: pd.DataFrame
) -> None:
    frame = german if name == GERMAN_CREDIT else credit
    spec = dataset_spec(name, spec_dir=SPEC_DIR)

    assert set(spec.feature_names) | set(spec.protected) | {spec.target.column} == set(frame.columns)


def test_german_credit_keeps_sex_age_and_foreign_worker_out_of_the_features() -> None:
    spec = dataset_spec(GERMAN_CREDIT, spec_dir=SPEC_DIR)

    assert set(spec.protected) == {"personal_status_and_sex", "age_in_years", "foreign_worker"}
    assert not set(spec.protected) & set(spec.feature_names)


def test_an_unknown_dataset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'taiwan'"):
        benchmark_dataset("taiwan")


# --- the anchors ----------------------------------------------------------------------------------------------------


def test_anchors_name_their_source_and_quote_only_headline_metrics() -> None:
    for anchor in ANCHORS:
        assert anchor.dataset in dataset_names()
        assert "Lessmann" in anchor.source and "2015" in anchor.source
        assert "not the same protocol" in anchor.comparability
        assert {metric for metric, _value in anchor.figures} <= set(HEADLINE_METRICS)


def test_credit_data_has_no_anchor_and_says_why() -> None:
    assert anchor_for(CREDIT_DATA) is None
    assert "not among the datasets of Lessmann" in benchmark_dataset(CREDIT_DATA).without_anchor


# --- the run --------------------------------------------------------------------------------------------------------


def test_german_credit_benchmark_gives_a_plausible_roc_auc(german: pd.DataFrame) -> None:
    spec = dataset_spec(GERMAN_CREDIT, spec_dir=SPEC_DIR)
    steps: list[int] = []

    result = run_benchmark(german, spec, name=GERMAN_CREDIT, folds=3, repeats=1, progress=steps.append)

    assert result.rows == 1000 and result.bad_rate == pytest.approx(0.3)
    assert result.fits == 3 and sum(steps) == 1 + 2 * 3
    assert set(result.estimators) == {LOGISTIC_REGRESSION, GRADIENT_BOOSTING}
    for estimator in result.estimators.values():
        assert 0.70 <= estimator["roc_auc"].mean <= 0.85
        assert 0.12 <= estimator["brier"].mean <= 0.21  # 0.21 = 0.3 × 0.7, the Brier score of the base rate
        assert estimator["roc_auc"].low <= estimator["roc_auc"].mean <= estimator["roc_auc"].high
    assert set(result.protected) == set(spec.protected)
    assert not set(result.protected) & set(result.features)


def test_the_same_seed_gives_the_same_figures() -> None:
    frame, spec = own_history(), FeatureSpec.from_yaml(OWN_SPEC)

    first = run_benchmark(frame, spec, name="own", folds=3, repeats=2, seed=5)
    again = run_benchmark(frame, spec, name="own", folds=3, repeats=2, seed=5)

    assert first.estimators == again.estimators


def test_a_value_seen_once_does_not_break_the_gradient_boosting_folds() -> None:
    frame = own_history()
    frame.loc[0, "region"] = "island"  # absent from the training rows of one fold

    result = run_benchmark(frame, FeatureSpec.from_yaml(OWN_SPEC), name="own", folds=5, repeats=1)

    assert result.estimators[GRADIENT_BOOSTING]["roc_auc"].mean > 0.5


def test_categories_are_taken_from_all_rows_with_missing_as_a_value(credit: pd.DataFrame) -> None:
    spec = dataset_spec(CREDIT_DATA, spec_dir=SPEC_DIR)

    resolved = with_known_categories(spec, feature_frame(spec, credit))

    home, records = resolved.feature("Home"), resolved.feature("Records")
    assert isinstance(home, CategoryFeature) and isinstance(records, CategoryFeature)
    assert home.categories == ("ignore", MISSING_CATEGORY, "other", "owner", "parents", "priv", "rent")
    assert records.categories == ("no", "yes")


def test_a_target_with_too_few_bad_rows_is_refused() -> None:
    frame = own_history()
    frame["defaulted"] = ["yes", "yes"] + ["no"] * (len(frame) - 2)

    with pytest.raises(ValueError, match="needs at least 5 of each"):
        run_benchmark(frame, FeatureSpec.from_yaml(OWN_SPEC), name="own", folds=5, repeats=1)


# --- the command ----------------------------------------------------------------------------------------------------


def test_the_command_prints_the_german_credit_table(cli: CliRunner) -> None:
    result = _run(cli, "model", "benchmark", "--dataset", "german_credit", "--repeats", "1")

    assert result.exit_code == 0, result.output
    for text in ("german_credit: 1,000 rows, bad rate 30.0%", "ROC AUC", "Brier score", "KS", "logistic regression"):
        assert text in result.output
    assert "gradient boosting" in result.output
    assert "Lessmann" in result.output and "Not the same protocol" in result.output
    assert "credit_data" not in result.output


def test_the_command_runs_on_a_users_own_csv(cli: CliRunner, tmp_path: Path) -> None:
    own_history().to_csv(tmp_path / "history.csv", index=False)
    (tmp_path / "own.yaml").write_text(OWN_SPEC, encoding="utf-8")

    result = _run(
        cli, "model", "benchmark", "--csv", "history.csv", "--spec", "own.yaml", "--folds", "3", "--repeats", "1"
    )

    assert result.exit_code == 0, result.output
    assert "history.csv: 400 rows" in result.output
    assert "ROC AUC" in result.output
    assert "protected, left out: gender" in result.output
    assert "Lessmann" not in result.output  # no published anchor for a user's own data


def test_a_spec_whose_target_column_is_missing_fails_with_a_message(cli: CliRunner, tmp_path: Path) -> None:
    own_history().to_csv(tmp_path / "history.csv", index=False)
    (tmp_path / "own.yaml").write_text(OWN_SPEC.replace("column: defaulted", "column: arrears"), encoding="utf-8")

    result = _run(cli, "model", "benchmark", "--csv", "history.csv", "--spec", "own.yaml", "--repeats", "1")

    assert result.exit_code != 0
    assert "no target column 'arrears'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "taiwan"], "unknown dataset 'taiwan'"),
        (["--csv", "history.csv"], "--csv and --spec go together"),
        (["--spec", "own.yaml"], "--csv and --spec go together"),
        (["--csv", "absent.csv", "--spec", "absent.yaml"], "cannot read feature spec absent.yaml"),
    ],
)
def test_a_wrong_invocation_fails_with_a_message(cli: CliRunner, args: list[str], message: str) -> None:
    result = _run(cli, "model", "benchmark", *args)

    assert result.exit_code != 0
    assert message in result.output
