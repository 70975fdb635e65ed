"""The synthetic training history: same seed, same table; the columns the specs need and nothing personal; facts as
the engine computes them on the shipped registers; a truth that moves in the spec's directions; files that round-trip
byte for byte; and shipped files that the code reproduces."""

from __future__ import annotations

import gzip
import importlib.util
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from engine.checks.assembly import build_checks
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.domain.products import PRODUCT_SPECS, Product
from engine.model import history
from engine.model.history import (
    FEATURES,
    HistoryFileError,
    HistorySource,
    draw_application,
    engine_facts,
    generate_history,
    history_columns,
    load_source,
    read_history,
    true_logit,
    true_probability,
    write_history,
)
from engine.model.spec import FeatureSpec
from engine.policy.facts import FactCatalogue, application_facts, check_facts

ROOT = Path(__file__).resolve().parents[2]
ROWS = 2_100  # two chunks: 2,000 and 100
PRODUCTS = [Product.AVP, Product.AVB]
PERSONAL = ("name", "birth", "postcode", "address", "email", "phone", "iban", "kvk", "applicant.", "identity.")


class NoVelocity:
    def other_people(self, keys: Any, *, person: str, since: Any) -> dict[str, set[str]]:
        return {}

    def restricted(self, people: set[str]) -> set[str]:
        return set()


@pytest.fixture(scope="module")
def source(registers: LocalRegisters) -> HistorySource:
    return load_source(history.DEFAULT_REGISTER_DIR, registers=registers)


@pytest.fixture(scope="module")
def drawn(registers: LocalRegisters) -> dict[Product, tuple[pd.DataFrame, list[int]]]:
    tables: dict[Product, tuple[pd.DataFrame, list[int]]] = {}
    for product in PRODUCTS:
        calls: list[int] = []
        tables[product] = (generate_history(product, rows=ROWS, registers=registers, progress=calls.append), calls)
    return tables


@pytest.fixture(scope="module")
def shipped() -> dict[Product, pd.DataFrame]:
    return {
        product: read_history(ROOT / "data" / "history" / f"{product.value.lower()}.csv.gz") for product in PRODUCTS
    }


# --- determinism ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_same_seed_gives_the_same_table_and_a_shorter_one_is_its_start(
    product: Product, registers: LocalRegisters, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    frame, _ = drawn[product]
    again = generate_history(product, rows=150, registers=registers)
    pd.testing.assert_frame_equal(again, generate_history(product, rows=150, registers=registers))
    pd.testing.assert_frame_equal(again, frame.head(150))
    other = generate_history(product, rows=150, seed=7, registers=registers)
    assert not other.drop(columns="application_no").equals(again.drop(columns="application_no"))


@pytest.mark.parametrize("product", PRODUCTS)
def test_progress_reports_the_rows_done_since_the_last_call(
    product: Product, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    _, calls = drawn[product]
    assert calls == [2_000, 100]


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_shipped_history_is_what_the_code_draws(
    product: Product, registers: LocalRegisters, shipped: dict[Product, pd.DataFrame]
) -> None:
    assert len(shipped[product]) == history.HISTORY_ROWS
    fresh = generate_history(product, rows=300, registers=registers)
    pd.testing.assert_frame_equal(fresh, shipped[product].head(300))


# --- columns --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("product", PRODUCTS)
def test_columns_are_the_spec_features_the_group_columns_and_the_outcome(
    product: Product, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    frame, _ = drawn[product]
    spec = FeatureSpec.load(ROOT / "data" / "model_specs" / f"{product.value.lower()}.yaml")
    assert tuple(frame.columns) == history_columns(product)
    assert FEATURES[product] == spec.feature_names
    assert set(spec.group_columns) <= set(frame.columns)
    assert spec.target.column in frame.columns
    for feature in spec.features:
        column = frame[feature.name]
        if feature.type == "number":
            assert column.dtype == np.int64, feature.name
            assert (column >= 0).all(), feature.name
        elif feature.type == "boolean":
            assert column.dtype == bool, feature.name
        else:
            assert pd.api.types.is_string_dtype(column), feature.name
            if feature.categories:
                assert set(column) <= set(feature.categories), feature.name
    assert set(frame["gender"]) == {"female", "male"}
    assert set(frame["age_band"]) <= {"18-29", "30-44", "45-64", "65+"}
    assert set(frame["origin"]) <= {"dutch", "turkish", "moroccan", "surinamese", "polish"}
    assert set(frame["region"]) <= set("123456789")
    assert frame["bad_outcome"].isin([0, 1]).all()
    assert frame["application_no"].tolist() == list(range(1, ROWS + 1))


@pytest.mark.parametrize("product", PRODUCTS)
def test_nothing_personal_is_written(product: Product, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]) -> None:
    frame, _ = drawn[product]
    for column in frame.columns:
        assert not any(part in column for part in PERSONAL), column


def test_avb_applicants_are_of_working_age_and_avp_applicants_adults(
    drawn: dict[Product, tuple[pd.DataFrame, list[int]]],
) -> None:
    assert set(drawn[Product.AVP][0]["age_band"]) == {"18-29", "30-44", "45-64", "65+"}
    assert drawn[Product.AVB][0]["age_band"].value_counts(normalize=True)["65+"] < 0.3


# --- facts from the registers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_registers_are_really_used(product: Product, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]) -> None:
    frame, _ = drawn[product]
    bands = frame["credit.score_band"].value_counts(normalize=True)
    assert set(bands.index) == {"A", "B", "C", "D", "E", "none"}
    assert 0.06 < bands["none"] < 0.2  # applicants the registers do not know
    assert 0.05 < (frame["claims.registered_5y"] > 0).mean() < 0.25
    assert (frame["claims.non_payment_3y"] > 0).any()
    assert (frame["credit.arrears_count"] > 0).any()
    declared = frame["disclosure.claims_5y_count"] > 0
    assert (declared & (frame["claims.registered_5y"] > 0)).any()
    assert frame["disclosure.refused_or_cancelled_before"].any()


def test_some_registered_claims_are_undeclared(drawn: dict[Product, tuple[pd.DataFrame, list[int]]]) -> None:
    frame, _ = drawn[Product.AVP]
    registered = frame["claims.registered_5y"] > 0
    undeclared = frame["claims.undeclared_count"] > 0
    assert undeclared.any()
    assert undeclared[registered].mean() < 0.5  # most applicants declare what the register holds
    assert not undeclared[~registered].any()


def test_some_companies_came_out_of_insolvency_recently(shipped: dict[Product, pd.DataFrame]) -> None:
    share = shipped[Product.AVB]["insolvency.company_ended_recently"].mean()
    assert 0.005 < share < 0.03


@pytest.mark.parametrize("product", PRODUCTS)
def test_facts_are_those_of_the_engines_assembled_checks(product: Product, source: HistorySource) -> None:
    import random

    settings = Settings(environment=Environment.TEST)
    check_set = build_checks(settings, velocity=NoVelocity(), registers=source.registers)
    wanted = {"identity", "credit", "claims_history", "insolvency"}
    rng = random.Random(3)
    try:
        for index in range(40):
            person = source.population[index * 997]
            application = draw_application(rng, source, product, person, seed=1)
            now = source.received_at
            results = [check.run(application, now=now) for check in check_set.checks if check.name in wanted]
            expected = application_facts(application, today=source.received_on) | check_facts(
                results, FactCatalogue.for_product(product)
            )
            assert engine_facts(source, application) == expected
    finally:
        check_set.close()


def test_every_drawn_application_is_received_on_the_registers_day(source: HistorySource) -> None:
    assert source.received_on == source.registers.manifest.as_of
    assert source.received_at.tzinfo is UTC
    assert source.received_at.date() == source.received_on


# --- the truth ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_true_probability_is_the_documented_function_of_the_facts(
    product: Product, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    frame, _ = drawn[product]
    probability = frame["true_probability"].to_numpy()
    expected = 1 / (1 + np.exp(-true_logit(frame, product)))
    assert np.abs(probability - expected).max() <= 5e-7
    assert ((probability > 0) & (probability < 1)).all()
    assert np.array_equal(probability, true_probability(frame, product))


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_truth_ignores_gender_origin_and_age(
    product: Product, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    frame, _ = drawn[product]
    shuffled = frame.copy()
    for column in ("gender", "origin", "age_band"):
        shuffled[column] = frame[column].sample(frac=1, random_state=1).to_numpy()
    assert np.array_equal(true_logit(shuffled, product), true_logit(frame, product))


DIRECTIONS = [
    ("cover.deductible_eur", -1),
    ("cover.insured_limit_eur", 1),
    ("disclosure.claims_5y_count", 1),
    ("disclosure.claims_5y_total_eur", 1),
    ("claims.registered_5y", 1),
    ("claims.non_payment_3y", 1),
    ("credit.arrears_count", 1),
]


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize(("name", "sign"), DIRECTIONS)
def test_the_truth_moves_in_the_specs_direction(
    product: Product, name: str, sign: int, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    frame, _ = drawn[product]
    spec = FeatureSpec.load(ROOT / "data" / "model_specs" / f"{product.value.lower()}.yaml")
    assert getattr(spec.feature(name), "direction", None) == ("up" if sign > 0 else "down")
    more = frame.copy()
    more[name] = frame[name] * 2 + 1
    change = true_logit(more, product) - true_logit(frame, product)
    assert (sign * change > 0).all()


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_higher_deductible_choice_lowers_the_truth(product: Product) -> None:
    frame = _one_row(product)
    logits = []
    for deductible in PRODUCT_SPECS[product].deductibles_eur:
        frame["cover.deductible_eur"] = deductible
        logits.append(true_logit(frame, product)[0])
    assert logits == sorted(logits, reverse=True)
    assert len(set(logits)) == len(logits)


def test_older_companies_and_worse_credit_move_the_truth(drawn: dict[Product, tuple[pd.DataFrame, list[int]]]) -> None:
    frame, _ = drawn[Product.AVB]
    older = frame.assign(**{"company.age_years": frame["company.age_years"] + 5})
    assert (true_logit(older, Product.AVB) < true_logit(frame, Product.AVB)).all()
    for product in PRODUCTS:
        row = _one_row(product)
        bands = []
        for band in ("A", "B", "C", "D", "E"):
            row["credit.score_band"] = band
            bands.append(true_logit(row, product)[0])
        assert bands == sorted(bands)


def test_urban_regions_carry_more_risk(drawn: dict[Product, tuple[pd.DataFrame, list[int]]]) -> None:
    row = _one_row(Product.AVP)
    row["region"] = "9"
    rural = true_logit(row, Product.AVP)[0]
    row["region"] = "1"
    assert true_logit(row, Product.AVP)[0] > rural


@pytest.mark.parametrize(("product", "rate"), [(Product.AVP, 0.06), (Product.AVB, 0.08)])
def test_the_outcome_rate_is_the_mean_true_probability_near_the_intended_base_rate(
    product: Product, rate: float, shipped: dict[Product, pd.DataFrame]
) -> None:
    frame = shipped[product]
    observed, expected = frame["bad_outcome"].mean(), frame["true_probability"].mean()
    assert abs(observed - expected) < 4 * np.sqrt(expected * (1 - expected) / len(frame))
    assert abs(expected - rate) < 0.01


def _one_row(product: Product) -> pd.DataFrame:
    row: dict[str, Any] = {name: 0 for name in FEATURES[product]}
    row |= {"disclosure.refused_or_cancelled_before": False, "credit.score_band": "A", "region": "5"}
    row |= {"cover.insured_limit_eur": 1_250_000}
    if product is Product.AVP:
        row["household.composition"] = "single"
    else:
        row |= {"insolvency.company_ended_recently": False, "company.sbi_division": "46", "company.legal_form": "bv"}
    return pd.DataFrame([row])


# --- files ----------------------------------------------------------------------------------------------------------


def test_a_history_round_trips_and_its_bytes_are_stable(
    tmp_path: Path, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]
) -> None:
    frame, _ = drawn[Product.AVB]
    first, second = tmp_path / "one" / "avb.csv.gz", tmp_path / "two" / "avb.csv.gz"
    digest = write_history(frame, first)
    assert write_history(frame, second) == digest
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[4:8] == b"\x00\x00\x00\x00"  # no time in the gzip header
    back = read_history(first)
    pd.testing.assert_frame_equal(back, frame)
    assert back["company.sbi_division"].str.len().eq(2).all()  # `01` stays `01`
    plain = tmp_path / "avb.csv"
    write_history(frame, plain)
    assert gzip.decompress(first.read_bytes()) == plain.read_bytes()
    pd.testing.assert_frame_equal(read_history(plain), frame)


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow is not installed")
def test_a_parquet_history_is_read(tmp_path: Path, drawn: dict[Product, tuple[pd.DataFrame, list[int]]]) -> None:
    frame, _ = drawn[Product.AVP]
    path = tmp_path / "avp.parquet"
    frame.to_parquet(path)
    back = read_history(path)
    assert back["credit.score_band"].tolist() == frame["credit.score_band"].tolist()
    assert back["true_probability"].tolist() == frame["true_probability"].tolist()


def test_parquet_without_pyarrow_and_unknown_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(HistoryFileError, match="pyarrow"):
        read_history(tmp_path / "avp.parquet")
    with pytest.raises(HistoryFileError, match=r"\.csv"):
        read_history(tmp_path / "avp.xlsx")
    with pytest.raises(HistoryFileError, match=r"\.csv"):
        write_history(pd.DataFrame({"a": [1]}), tmp_path / "avp.json")
