"""The measured quality of the sanctions matcher, on a small generated list: the thresholds here can fail."""

from __future__ import annotations

import pytest

from engine.checks.sanctions_evaluation import (
    POSITIVE_ENTITY_VARIANTS,
    POSITIVE_PERSON_VARIANTS,
    EvaluationReport,
    build_samples,
    evaluate,
    format_table,
)
from engine.registers.identifiers import fold
from engine.registers.records import SanctionsEntry
from engine.registers.sanctions_list import generate_entries

NEGATIVE_KINDS = {"other_given_name", "namesake", "dutch_near_miss", "dutch_name", "dutch_company"}


@pytest.fixture(scope="module")
def entries() -> list[SanctionsEntry]:
    return generate_entries(entries=1_500)


@pytest.fixture(scope="module")
def report(entries: list[SanctionsEntry]) -> EvaluationReport:
    return evaluate(entries, per_kind=120, clean_population=1_500)


def test_recall_is_at_least_98_percent(report: EvaluationReport) -> None:
    assert report.positives >= 12 * 100
    assert report.recall >= 0.98, [(s.kind, s.name) for s in report.misses]


def test_ordinary_applicants_are_rarely_referred(report: EvaluationReport) -> None:
    assert report.clean_population == 1_500
    assert report.clean_alert_rate <= 0.01, report.false_alerts


def test_near_misses_mostly_do_not_alert(report: EvaluationReport) -> None:
    assert report.negatives >= 4 * 100
    assert report.false_positive_rate <= 0.10, report.false_alerts
    assert report.precision >= 0.95


def test_every_kind_is_measured(report: EvaluationReport) -> None:
    kinds = {k.kind for k in report.kinds}
    assert kinds == {*POSITIVE_PERSON_VARIANTS, *POSITIVE_ENTITY_VARIANTS, *NEGATIVE_KINDS, "clean_population"}
    for result in report.kinds:
        assert result.samples > 0
        assert 0.0 <= result.rate <= 1.0


def test_the_table_is_markdown_with_every_kind_and_the_totals(report: EvaluationReport) -> None:
    table = format_table(report)
    assert "| sample kind | subject | label | samples | flagged | recall / alert rate |" in table
    for result in report.kinds:
        assert f"| {result.kind} |" in table
    assert f"| recall (all positives, {report.positives:,}) | {report.recall:.2%} |" in table
    assert "alert rate on the clean population" in table


def test_samples_are_deterministic_and_realistic(entries: list[SanctionsEntry]) -> None:
    first = build_samples(entries, seed=3, per_kind=40, clean_population=50)
    assert first == build_samples(entries, seed=3, per_kind=40, clean_population=50)
    assert first != build_samples(entries, seed=4, per_kind=40, clean_population=50)
    by_id = {entry.id: entry for entry in entries}
    listed = {fold(name) for entry in entries for name in entry.names}
    for sample in first:
        if sample.kind in {"typo_1", "typo_2", "transliteration"}:
            entry = by_id[sample.entry_id or ""]
            assert sample.name not in entry.names  # a variant, not the listed spelling itself
        if sample.kind in {"other_given_name", "dutch_near_miss"}:
            assert fold(sample.name) not in listed  # another person, not a listed spelling
            assert sample.birth_date is None
        if sample.kind == "namesake":
            [entry] = [e for e in entries if e.names[0] == sample.name]
            assert sample.birth_date is not None
            assert sample.birth_date.isoformat() not in entry.birth_dates
            assert str(sample.birth_date.year) not in entry.birth_dates
        if sample.label == "clean":
            assert sample.birth_date is not None and sample.entry_id is None
