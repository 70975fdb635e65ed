"""`underwrite model train | activate | list`, in-process against a test database and a scratch models folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.model.artifact import CARD_FILE, METADATA_FILE, MODEL_FILE, SPEC_FILE
from tests.model.conftest import avp_table


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "development")
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", database_url)
    monkeypatch.setenv("UNDERWRITE_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv.gz"
    avp_table(8_000, seed=7).to_csv(path, index=False)
    return path


@pytest.fixture
def biased_history(tmp_path: Path) -> Path:
    path = tmp_path / "biased.csv"
    avp_table(6_000, seed=32, biased=True).to_csv(path, index=False)
    return path


def _train(cli: CliRunner, data: Path, version: str) -> object:
    return cli.invoke(
        app, ["model", "train", "AVP", "--data", str(data), "--version", version, "--folds", "3", "--no-compare"]
    )


def test_train_prints_the_figures_and_writes_the_artifact(cli: CliRunner, history: Path, tmp_path: Path) -> None:
    result = _train(cli, history, "0.3.0")
    assert result.exit_code == 0, result.output
    for text in ("cross-validated", "roc_auc", "oracle ROC AUC", "threshold trade-off", "fairness gate"):
        assert text in result.output
    directory = tmp_path / "models" / "avp" / "0.3.0"
    for name in (MODEL_FILE, SPEC_FILE, METADATA_FILE, CARD_FILE):
        assert (directory / name).is_file()
    assert json.loads((directory / METADATA_FILE).read_text())["data"]["rows"] == 8_000

    again = _train(cli, history, "0.3.0")
    assert again.exit_code == 1 and "already exists" in again.output


def test_activate_records_it_and_list_shows_it(cli: CliRunner, history: Path) -> None:
    assert _train(cli, history, "0.3.0").exit_code == 0
    result = cli.invoke(app, ["model", "activate", "AVP", "0.3.0", "--by", "Ada Underwriter"])
    assert result.exit_code == 0, result.output
    assert "AVP now uses 0.3.0" in result.output
    listed = cli.invoke(app, ["model", "list"])
    assert listed.exit_code == 0, listed.output
    assert "0.3.0" in listed.output and "Ada Underwriter" in listed.output


def test_a_model_that_fails_the_fairness_gate_needs_a_justification(cli: CliRunner, biased_history: Path) -> None:
    trained = _train(cli, biased_history, "0.9.0")
    assert trained.exit_code == 0, trained.output
    assert "FAILS" in trained.output
    refused = cli.invoke(app, ["model", "activate", "AVP", "0.9.0", "--by", "tester"])
    assert refused.exit_code == 2
    assert "fails the fairness gate" in refused.output and "--justification" in refused.output
    why = "Reviewed with the actuarial committee: the household factor is a legitimate rating factor."
    allowed = cli.invoke(app, ["model", "activate", "AVP", "0.9.0", "--by", "tester", "--justification", why])
    assert allowed.exit_code == 0, allowed.output
    assert "recorded justification" in allowed.output


def test_a_table_without_the_target_is_a_clear_error(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "no-target.csv"
    avp_table(500, seed=33).drop(columns=["bad_outcome"]).to_csv(path, index=False)
    result = _train(cli, path, "0.4.0")
    assert result.exit_code == 1
    assert "no target column 'bad_outcome'" in result.output
    assert not (tmp_path / "models" / "avp" / "0.4.0").exists()


def test_an_unknown_product_is_a_clear_error(cli: CliRunner, history: Path) -> None:
    result = cli.invoke(app, ["model", "train", "XYZ", "--data", str(history), "--version", "1"])
    assert result.exit_code == 1 and "unknown product" in result.output


def test_a_spec_for_another_product_or_none_is_refused_before_training(cli: CliRunner, history: Path) -> None:
    benchmark_spec = Path(__file__).parents[2] / "data" / "model_specs" / "benchmark" / "german_credit.yaml"
    result = cli.invoke(
        app, ["model", "train", "AVP", "--data", str(history), "--version", "0.5.0", "--spec", str(benchmark_spec)]
    )
    assert result.exit_code == 1 and "is a spec for no product, not AVP" in " ".join(result.output.split())
    avp_spec = Path(__file__).parents[2] / "data" / "model_specs" / "avp.yaml"
    result = cli.invoke(
        app, ["model", "train", "AVB", "--data", str(history), "--version", "0.5.0", "--spec", str(avp_spec)]
    )
    assert result.exit_code == 1 and "is a spec for AVP, not AVB" in " ".join(result.output.split())


def test_data_without_the_protected_columns_are_refused(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "no-gender.csv"
    avp_table(2_000, seed=34).drop(columns=["gender"]).to_csv(path, index=False)
    result = _train(cli, path, "0.6.0")
    said = " ".join(result.output.split())  # the console wraps long lines
    assert result.exit_code == 1 and "no column gender: the fairness gate needs every protected one" in said


def test_a_version_that_is_not_a_plain_name_is_refused(cli: CliRunner, history: Path) -> None:
    result = _train(cli, history, "../escape")
    assert result.exit_code == 1 and "--version is letters" in result.output


def test_train_reads_a_parquet_history(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "history.parquet"
    avp_table(8_000, seed=7).to_parquet(path, index=False)
    result = _train(cli, path, "0.7.0")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "models" / "avp" / "0.7.0" / METADATA_FILE).read_text())["data"]["source"] == (
        "history.parquet"
    )
