"""Restriction and objections keep a person out of what their data would otherwise be used for: marketing
selections and model-training exports; both through the functions and through `underwrite privacy ...`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.examples import dutch_today
from engine.privacy.selections import marketing_selection, training_rows
from tests.conftest import Api
from tests.factories import avp_body

PEOPLE = ("Anna", "Bram", "Carla", "Daan")


def _apply(api: Api, name: str) -> dict[str, Any]:
    number = PEOPLE.index(name)
    answer = api.submit(
        avp_body(
            dutch_today(),
            applicant__given_names=name,
            applicant__family_name="Visser",
            applicant__family_name_prefix=None,
            applicant__email=f"{name.lower()}.visser@example.nl",
            applicant__phone=f"06 2345678{number}",
            consents__marketing_email=True,
        )
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["outcome"] == "accepted", answer.text
    return dict(answer.json())


def _file(api: Api, decision: dict[str, Any], **body: Any) -> None:
    answer = api.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/privacy-requests",
        json=body,
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code == 202, answer.text


@pytest.fixture
def people(api: Api) -> dict[str, dict[str, Any]]:
    """Four accepted applicants who consented to marketing: Anna restricts her data, Bram objects to marketing,
    Carla objects to further processing, Daan does nothing."""
    decided = {name: _apply(api, name) for name in PEOPLE}
    _file(api, decided["Anna"], kind="restriction")
    _file(api, decided["Bram"], kind="objection", scope="marketing")
    _file(api, decided["Carla"], kind="objection", scope="processing")
    return decided


def _engine(api: Api) -> Any:
    return api.client.app.state.services.db.engine  # type: ignore[attr-defined]


def test_marketing_leaves_out_restricted_and_objecting_people(api: Api, people: dict[str, dict[str, Any]]) -> None:
    with _engine(api).connect() as connection:
        selected = marketing_selection(connection, today=dutch_today())
    assert [row["given_names"] for row in selected] == ["Daan"]
    assert selected[0]["email"] == "daan.visser@example.nl"


def test_training_leaves_out_restricted_people_and_standing_objections(
    api: Api, people: dict[str, dict[str, Any]]
) -> None:
    with _engine(api).connect() as connection:
        exported = {row["decision_id"] for row in training_rows(connection)}
    assert people["Anna"]["decision_id"] not in exported  # restricted
    assert people["Carla"]["decision_id"] not in exported  # objection to further processing, not yet weighed
    assert {people["Bram"]["decision_id"], people["Daan"]["decision_id"]} <= exported  # marketing only: may train
    with _engine(api).connect() as connection:
        row = next(r for r in training_rows(connection) if r["decision_id"] == people["Daan"]["decision_id"])
    assert row["machine_outcome"] == "accepted" and any(name.startswith("fact.") for name in row)
    assert "Daan" not in json.dumps(row) and "visser" not in json.dumps(row).lower()


def test_the_commands_give_the_same_selections(
    api: Api, people: dict[str, dict[str, Any]], database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", database_url)
    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "development")
    runner = CliRunner()
    selection = tmp_path / "marketing.csv"
    result = runner.invoke(app, ["privacy", "marketing-selection", "--out", str(selection)])
    assert result.exit_code == 0, result.output
    assert [row["given_names"] for row in csv.DictReader(io.StringIO(selection.read_text()))] == ["Daan"]

    training = tmp_path / "training.csv"
    result = runner.invoke(app, ["privacy", "training-export", "--out", str(training)])
    assert result.exit_code == 0, result.output
    ids = {row["decision_id"] for row in csv.DictReader(io.StringIO(training.read_text()))}
    assert people["Anna"]["decision_id"] not in ids and people["Daan"]["decision_id"] in ids

    listed = runner.invoke(app, ["privacy", "requests", "--json"])
    assert listed.exit_code == 0, listed.output
    summary = json.loads(listed.stdout)
    assert summary["open"] == 1 and {r["kind"] for r in summary["requests"]} == {"restriction", "objection"}

    api.create_staff("officer", "privacy")
    api.create_staff("reader", "underwriter")
    refused = runner.invoke(app, ["privacy", "export", people["Daan"]["decision_id"], "--staff", "reader"])
    assert refused.exit_code == 2 and "privacy officer" in refused.output
    exported = runner.invoke(app, ["privacy", "export", people["Daan"]["decision_id"], "--staff", "officer"])
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.stdout)
    assert [a["id"] for a in document["applications"]] == [people["Daan"]["application_id"]]
    assert any(entry["action"] == "privacy_export" for entry in document["staff_access"])
    bad = runner.invoke(app, ["privacy", "requests", "--clock", "late"])
    assert bad.exit_code == 2
