"""The breach report: records, people and categories per table, and the staff access log of a window, on a database
seeded through the API (three people, one with two applications; reads by two members of staff)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.privacy.breach import NOTIFY_WITHIN, BreachError, breach_report, personal_tables
from engine.privacy.config import load_privacy_config
from tests.factories import avb_body, avp_body

CONFIG = load_privacy_config()


@dataclass
class Seeded:
    started: datetime
    decisions: dict[str, str]  # a1, a2 (the same person), b, c -> decision id


@pytest.fixture
def seeded(api) -> Seeded:
    started = datetime.now(UTC) - timedelta(seconds=1)
    bodies = {
        "a1": avp_body(),
        "a2": avb_body(),  # Sanne de Vries again, for her company
        "b": avp_body(applicant__given_names="Pieter", applicant__email="pieter@example.nl"),
        "c": avp_body(
            applicant__given_names="Fatima",
            applicant__family_name_prefix=None,
            applicant__family_name="El Amrani",
            applicant__email="fatima@example.nl",
            applicant__phone="06 87654321",
        ),
    }
    decisions = {}
    for name, body in bodies.items():
        answer = api.submit(body)
        assert answer.status_code in (200, 201), answer.text
        decisions[name] = answer.json()["decision_id"]
    anna, bram = api.staff("auditor", "anna"), api.staff("auditor", "bram")
    for headers, name in ((anna, "a1"), (anna, "b"), (anna, "a1"), (bram, "c")):
        read = api.client.get(f"/v1/staff/decisions/{decisions[name]}", headers=headers)
        assert read.status_code == 200, read.text
    return Seeded(started, decisions)


def _report(api, seeded: Seeded, **kwargs):
    services = api.client.app.state.services
    window = {"since": seeded.started, "until": datetime.now(UTC) + timedelta(seconds=1)} | kwargs
    with services.db.engine.connect() as connection:
        return breach_report(connection, CONFIG, **window)


def test_counts_records_people_categories_and_reads(api, seeded):
    tables = ["decision_records", "application_personal_data", "subject_keys", "identifier_sightings"]

    report = _report(api, seeded, tables=[*tables, "staff_access_log"])

    by_table = {row.table: row for row in report.tables}
    assert by_table["decision_records"].records == 4
    assert by_table["decision_records"].changed_in_window == 4
    assert by_table["application_personal_data"].records == 4
    assert by_table["subject_keys"].records == 12  # three subject keys per application
    for name in tables:
        assert by_table[name].people == 3, name  # Sanne's two applications are one person
    assert by_table["staff_access_log"].records == 4 and by_table["staff_access_log"].people == 3
    assert "criminal_record" in by_table["decision_records"].special_categories
    assert by_table["identifier_sightings"].special_categories == ["screening"]
    assert (report.access.accesses, report.access.staff, report.access.applications, report.access.people) == (
        4,
        2,
        3,
        3,
    )
    summary = report.summary
    assert summary.people == 3
    assert summary.records == sum(row.records for row in report.tables)
    assert {c.key for c in summary.special_categories} == {"criminal_record", "screening"}
    assert summary.notify_by - summary.discovered_at == NOTIFY_WITHIN

    everything = _report(api, seeded)
    assert [row.table for row in everything.tables] == personal_tables(CONFIG)
    assert everything.summary.people == 3

    past = datetime(2020, 1, 1, tzinfo=UTC)
    earlier = _report(api, seeded, since=past, until=past + timedelta(days=1), tables=["decision_records"])
    assert (earlier.tables[0].records, earlier.tables[0].changed_in_window) == (4, 0)
    assert earlier.access.accesses == 0

    with pytest.raises(BreachError) as refused:
        _report(api, seeded, tables=["decision_records", "applicants"])
    assert "unknown table applicants" in str(refused.value)
    for name in personal_tables(CONFIG):
        assert name in str(refused.value)


def test_narrows_to_what_one_member_of_staff_viewed_and_the_command_runs(
    api, seeded, database_url, monkeypatch, tmp_path
):
    tables = ["decision_records", "application_personal_data", "identifier_sightings"]

    anna = _report(api, seeded, tables=tables, staff="anna")
    bram = _report(api, seeded, tables=tables, staff="bram")

    assert (anna.access.accesses, anna.access.staff, anna.access.applications, anna.access.people) == (3, 1, 2, 2)
    assert {row.table: (row.records, row.people) for row in anna.tables} == {
        "decision_records": (2, 2),  # Sanne's first application and Pieter's; not her second
        "application_personal_data": (2, 2),
        "identifier_sightings": (anna.tables[2].records, 2),
    }
    assert bram.summary.people == 1 and bram.access.accesses == 1
    with pytest.raises(BreachError, match="no member of staff 'nobody'"):
        _report(api, seeded, staff="nobody")

    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "test")
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    since = (seeded.started - timedelta(days=1)).date().isoformat()

    as_json = runner.invoke(
        app, ["breach", "report", "--since", since, "--tables", "decision_records,staff_access_log", "--json"]
    )
    table = runner.invoke(app, ["breach", "report", "--since", since, "--staff", "anna"])
    unknown = runner.invoke(app, ["breach", "report", "--since", since, "--tables", "nope"])
    bad_date = runner.invoke(app, ["breach", "report", "--since", "last week"])

    assert as_json.exit_code == 0, as_json.output
    figures = json.loads(as_json.stdout)
    assert [row["records"] for row in figures["tables"]] == [4, 4]
    assert figures["summary"]["people"] == 3
    assert table.exit_code == 0, table.output
    assert "notify the Autoriteit Persoonsgegevens" in table.output
    assert unknown.exit_code == 2 and "application_personal_data" in unknown.output
    assert bad_date.exit_code == 2 and "--since" in bad_date.output
    assert "Traceback" not in unknown.output + bad_date.output
