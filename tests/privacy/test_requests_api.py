"""Each data-subject right end to end through the API: filed by the applicant with their token or by the privacy
officer on their behalf, on the legal clock (moved by the test, never slept)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.errors import StoreUnavailable
from engine.examples import dutch_today, load_example
from engine.privacy import rights
from engine.store.decisions import get_decision
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    IdentifierSightingRecord,
    ProcessingLimitRecord,
    table_of,
)
from tests.conftest import Api
from tests.factories import avp_body
from tests.review.support import sanctioned_body

APPLICATIONS = table_of(ApplicationRecord)
PERSONAL = table_of(ApplicationPersonalDataRecord)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(api: Api) -> Clock:
    clock = Clock(datetime.now(UTC))
    api.client.app.state.services.clock = clock  # type: ignore[attr-defined]
    return clock


def _decided(api: Api, **overrides: Any) -> dict[str, Any]:
    answer = api.submit(avp_body(dutch_today(), **overrides))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _rejected(api: Api) -> dict[str, Any]:
    answer = api.submit(load_example("avp-rejected-claims", today=dutch_today()))
    assert answer.status_code == 201 and answer.json()["outcome"] == "rejected", answer.text
    return dict(answer.json())


def _file(api: Api, decision: dict[str, Any], **body: Any) -> Any:
    return api.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/privacy-requests",
        json=body,
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )


def _mine(api: Api, decision: dict[str, Any], path: str = "", **params: str) -> Any:
    return api.client.get(
        f"/v1/applicant/decisions/{decision['decision_id']}/privacy-requests{path}",
        headers={"X-Applicant-Token": decision["applicant_token"]},
        params=params,
    )


def _engine(api: Api) -> Any:
    return api.client.app.state.services.db.engine  # type: ignore[attr-defined]


def test_access_is_ready_at_once_and_downloads_as_json_and_csv(api: Api, clock: Clock) -> None:
    first = _decided(api)
    second = _decided(api, applicant__email="sanne.other@example.nl")  # the same person, another e-mail address
    answer = _file(api, second, kind="access")
    assert answer.status_code == 202, answer.text
    request = answer.json()
    assert request["state"] == "completed" and request["export_formats"] == ["json", "csv"]
    assert "download" in request["what_happens"].lower() or "klaar" in request["what_happens"]

    document = _mine(api, first, f"/{request['id']}/export").json()
    exported = {application["id"] for application in document["applications"]}
    assert exported == {first["application_id"], second["application_id"]}  # one request covers all applications

    archive = _mine(api, second, f"/{request['id']}/export", format="csv")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        assert any(name.startswith("applications") for name in bundle.namelist())


def test_a_stranger_cannot_see_or_download_anothers_request(api: Api, clock: Clock) -> None:
    mine = _decided(api)
    other = _decided(
        api,
        applicant__given_names="Pieter",
        applicant__family_name="Jansen",
        applicant__family_name_prefix=None,
        applicant__email="pieter.jansen@example.nl",
    )
    request = _file(api, mine, kind="portability").json()
    assert _mine(api, other, f"/{request['id']}/export").status_code == 404
    assert _mine(api, other).json()["items"] == []
    wrong = dict(mine, applicant_token="not-the-token")
    assert _file(api, wrong, kind="access").status_code == 404


def test_the_clock_due_in_a_month_extension_with_reasons_then_overdue(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    clock.now = datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    request = _file(api, decision, kind="erasure").json()
    assert request["state"] == "open" and request["clock"] == "on_time"
    assert request["due_at"].startswith("2027-02-28T22:59:59")  # end of 28 February, Dutch time

    clock.now = datetime(2027, 2, 23, 9, 0, tzinfo=UTC)
    page = api.client.get("/v1/staff/privacy-requests", headers=officer).json()
    assert page["due_soon"] == 1 and page["items"][0]["clock"] == "due_soon"

    short = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/extension", json={"reason": "busy"}, headers=officer
    )
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["body", "reason"]
    extended = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/extension",
        json={"reason": "Your data sit with two insurers we must ask first.", "months": 2},
        headers=officer,
    )
    assert extended.status_code == 200, extended.text
    assert extended.json()["due_at"].startswith("2027-04-30T21:59:59")  # three months after receipt, summer time
    seen = _mine(api, decision).json()["items"][0]
    assert "two insurers" in seen["what_happens"] and seen["extended_at"] is not None
    again = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/extension",
        json={"reason": "Still more time is needed for this request."},
        headers=officer,
    )
    assert again.status_code == 409  # one extension, at most two months

    clock.now = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
    page = api.client.get("/v1/staff/privacy-requests", params={"clock": "overdue"}, headers=officer).json()
    assert page["overdue"] == 1 and [item["id"] for item in page["items"]] == [request["id"]]


def test_no_extension_after_the_first_month(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    clock.now = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
    request = _file(api, decision, kind="erasure").json()
    clock.now = datetime(2027, 4, 11, 12, 0, tzinfo=UTC)
    late = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/extension",
        json={"reason": "We need to ask two insurers for their copies."},
        headers=officer,
    )
    assert late.status_code == 409 and "first month" in late.json()["detail"]


def test_a_refusal_gives_reasons_and_the_right_to_complain(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    request = _file(api, decision, kind="erasure").json()
    refused = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/refusal",
        json={"reason": "The request is manifestly unfounded: it repeats one answered last week."},
        headers=officer,
    )
    assert refused.status_code == 200, refused.text
    seen = _mine(api, decision).json()["items"][0]
    assert seen["state"] == "refused" and "manifestly unfounded" in seen["what_happens"]
    assert "Autoriteit Persoonsgegevens" in seen["complaint"] and "Autoriteit Persoonsgegevens" in seen["what_happens"]
    twice = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/refusal",
        json={"reason": "The request is manifestly unfounded, again and again."},
        headers=officer,
    )
    assert twice.status_code == 409


def test_rectification_makes_a_new_version_decided_again(api: Api, clock: Clock) -> None:
    decision = _decided(api)
    answer = _file(
        api,
        decision,
        kind="rectification",
        corrections=[{"field": "applicant.address.house_number", "value": 114}],
        statement="I moved two doors down.",
    )
    assert answer.status_code == 202, answer.text
    request = answer.json()
    assert request["state"] == "completed"
    new = request["new_decision"]
    assert new["application_id"] != decision["application_id"] and new["applicant_token"]
    with _engine(api).connect() as connection:
        old = connection.execute(select(APPLICATIONS).where(APPLICATIONS.c.id == decision["application_id"])).one()
        fresh = connection.execute(select(APPLICATIONS).where(APPLICATIONS.c.id == new["application_id"])).one()
    assert old.superseded_by == fresh.id and fresh.supersedes_id == old.id
    assert api.applicant(decision["decision_id"], decision["applicant_token"]).status_code == 200  # both kept
    assert api.applicant(new["id"], new["applicant_token"]).json()["outcome"] == new["outcome"]
    # correcting the old version again corrects the newest one
    again = _file(
        api, decision, kind="rectification", corrections=[{"field": "applicant.phone", "value": "0612345679"}]
    )
    assert again.status_code == 202, again.text
    with _engine(api).connect() as connection:
        newest = connection.execute(
            select(APPLICATIONS.c.supersedes_id).where(
                APPLICATIONS.c.id == again.json()["new_decision"]["application_id"]
            )
        ).scalar_one()
    assert newest == new["application_id"]


@pytest.mark.parametrize(
    ("corrections", "loc"),
    [
        ([{"field": "applicant.date_of_birth", "value": "not a date"}], ["body", "corrections", 0, "value"]),
        ([{"field": "product", "value": "AVB"}], ["body", "corrections", 0, "field"]),
        ([{"field": "applicant.nothing.here", "value": 1}], ["body", "corrections", 0, "field"]),
        ([{"field": "applicant.email", "value": "sanne.devries@example.nl"}], ["body", "corrections"]),
        ([], ["body", "corrections"]),
    ],
)
def test_a_bad_rectification_names_the_field_and_changes_nothing(
    api: Api, clock: Clock, corrections: list[dict[str, Any]], loc: list[Any]
) -> None:
    decision = _decided(api)
    with _engine(api).connect() as connection:
        before = connection.execute(select(func.count()).select_from(APPLICATIONS)).scalar_one()
    answer = _file(api, decision, kind="rectification", corrections=corrections)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == loc
    assert _mine(api, decision).json()["items"] == []
    with _engine(api).connect() as connection:
        assert connection.execute(select(func.count()).select_from(APPLICATIONS)).scalar_one() == before


def test_restriction_sends_new_applications_to_a_person_until_lifted(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    request = _file(api, decision, kind="restriction").json()
    assert request["state"] == "completed" and request["result"]["limit_id"]
    later = _decided(api)
    assert later["outcome"] == "referred"
    assert later["reasons"][0]["code"] == "PROCESSING_RESTRICTED"
    lifted = api.client.post(
        f"/v1/staff/privacy-limits/{request['result']['limit_id']}/lift",
        json={"reason": "The applicant confirmed the corrected data are right."},
        headers=officer,
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_at"] is not None
    assert _decided(api)["outcome"] == "accepted"
    again = api.client.post(
        f"/v1/staff/privacy-limits/{request['result']['limit_id']}/lift",
        json={"reason": "The applicant confirmed the corrected data are right."},
        headers=officer,
    )
    assert again.status_code == 409


def test_restricted_people_are_left_out_of_velocity_counts(api: Api, clock: Clock) -> None:
    shared_phone = {"applicant__phone": "06 23456789"}
    others = [
        _decided(
            api,
            applicant__given_names=name,
            applicant__family_name="Bakker",
            applicant__family_name_prefix=None,
            applicant__email=f"{name.lower()}@example.nl",
            **shared_phone,
        )
        for name in ("Anna", "Bram", "Carla")
    ]

    def shared_count() -> int:
        answer = _decided(api, applicant__email="sanne.velocity@example.nl", **shared_phone)
        with _engine(api).connect() as connection:
            record = get_decision(connection, answer["decision_id"])
        assert record is not None
        check = next(c for c in record["checks"] if c["check"] == "fraud")
        return int(check["facts"]["shared_phone_persons"])

    assert shared_count() == 3
    for decision in others:
        assert _file(api, decision, kind="restriction").status_code == 202
    assert shared_count() == 0
    with _engine(api).connect() as connection:  # their sightings are still stored: restricted, not erased
        sightings = table_of(IdentifierSightingRecord)
        assert connection.execute(select(func.count()).select_from(sightings)).scalar_one() > 0


def test_objection_to_marketing_is_absolute_and_at_once(api: Api, clock: Clock) -> None:
    decision = _decided(api, consents__marketing_email=True)
    answer = _file(api, decision, kind="objection", scope="marketing").json()
    assert answer["state"] == "completed"
    with _engine(api).connect() as connection:
        kinds = connection.execute(select(table_of(ProcessingLimitRecord).c.kind)).scalars().all()
    assert kinds == ["no_marketing"]
    assert _file(api, decision, kind="objection").status_code == 422  # a scope is needed


def test_objection_to_further_processing_stops_it_unless_grounds_are_recorded(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    request = _file(api, decision, kind="objection", scope="processing").json()
    assert request["state"] == "open" and request["result"]["limit_id"]
    assert _decided(api)["reasons"][0]["code"] == "PROCESSING_RESTRICTED"  # stopped at once
    weighed = api.client.post(
        f"/v1/staff/privacy-requests/{request['id']}/objection-decision",
        json={"continue_processing": True, "grounds": "An open claim of a third party needs the file."},
        headers=officer,
    )
    assert weighed.status_code == 200, weighed.text
    assert weighed.json()["result"]["outcome"] == "continued"
    assert _decided(api)["outcome"] == "accepted"  # processing resumed on the recorded grounds

    other = _file(api, decision, kind="objection", scope="processing").json()
    upheld = api.client.post(
        f"/v1/staff/privacy-requests/{other['id']}/objection-decision",
        json={"continue_processing": False, "grounds": "No compelling grounds outweigh the objection."},
        headers=officer,
    )
    assert upheld.json()["result"]["outcome"] == "upheld"
    assert _decided(api)["reasons"][0]["code"] == "PROCESSING_RESTRICTED"


def test_erasure_by_the_officer_erases_and_tells_the_applicant(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _rejected(api)
    request = _file(api, decision, kind="erasure").json()
    done = api.client.post(f"/v1/staff/privacy-requests/{request['id']}/erasure", headers=officer)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed" and done.json()["result"]["erased"] == [decision["application_id"]]
    assert api.get_decision(decision["decision_id"]).status_code == 200  # the decision's facts stay
    seen = _mine(api, decision).json()["items"][0]
    assert seen["state"] == "completed" and seen["refusal_reason"] is None


def test_staff_files_on_behalf_with_verification_and_roles_are_enforced(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    underwriter = api.staff("underwriter")
    auditor = api.staff("auditor")
    decision = _decided(api)
    body = {"decision_id": decision["decision_id"], "kind": "access", "verification": {"method": "video_call"}}
    assert api.client.post("/v1/staff/privacy-requests", json=body, headers=underwriter).status_code == 403
    assert api.client.post("/v1/staff/privacy-requests", json=body, headers=auditor).status_code == 403
    missing = api.client.post(
        "/v1/staff/privacy-requests", json={k: v for k, v in body.items() if k != "verification"}, headers=officer
    )
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "verification"]
    filed = api.client.post("/v1/staff/privacy-requests", json=body, headers=officer)
    assert filed.status_code == 201, filed.text
    request = filed.json()
    assert request["channel"] == "staff" and request["verification"]["method"] == "video_call"
    assert request["applications"] == [decision["application_id"]]
    assert api.client.get(f"/v1/staff/privacy-requests/{request['id']}", headers=auditor).status_code == 200
    export = api.client.get(f"/v1/staff/privacy-requests/{request['id']}/export", headers=auditor)
    assert (
        export.status_code == 200 and json.loads(export.content)["applications"][0]["id"] == decision["application_id"]
    )


def test_an_erasure_held_by_a_sanctions_match_is_refused_in_neutral_words(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    answer = api.submit(sanctioned_body())
    assert answer.status_code == 201, answer.text
    decision = answer.json()
    request = _file(api, decision, kind="erasure").json()
    done = api.client.post(f"/v1/staff/privacy-requests/{request['id']}/erasure", headers=officer)
    assert done.status_code == 200, done.text
    seen = _mine(api, decision).json()["items"][0]
    assert seen["state"] == "refused" and seen["result"]["erased"] == []  # everything held
    assert all(set(hold) == {"application_id", "reason"} for hold in seen["result"]["held"])  # no kinds, no dates
    assert set(seen["result"]) == {"erased", "already_erased", "held"}  # no per-table counts either
    told = json.dumps(seen).lower()
    assert "sanction" not in told and "autoriteit persoonsgegevens" in told


def test_an_erasure_keeps_a_running_insurance_file_and_says_why(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    accepted = _decided(api)
    request = _file(api, accepted, kind="erasure").json()
    done = api.client.post(f"/v1/staff/privacy-requests/{request['id']}/erasure", headers=officer).json()
    assert done["state"] == "refused" and done["result"]["erased"] == []
    assert "zeven jaar" in done["refusal_reason"] and "Autoriteit Persoonsgegevens" in done["complaint"]


def test_after_erasure_the_applicant_still_sees_the_request_but_files_no_new_one(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _rejected(api)
    request = _file(api, decision, kind="erasure").json()
    assert api.client.post(f"/v1/staff/privacy-requests/{request['id']}/erasure", headers=officer).status_code == 200
    assert [item["state"] for item in _mine(api, decision).json()["items"]] == ["completed"]
    again = _file(api, decision, kind="access")
    assert again.status_code == 409 and "erased" in again.json()["detail"]


def test_a_namesake_born_the_same_day_is_not_taken_for_the_applicant(api: Api, clock: Clock) -> None:
    sanne = _decided(api)
    moved = _decided(api, applicant__address__house_number=114)  # the same e-mail address: hers
    new_mail = _decided(api, applicant__email="sanne.nieuw@example.nl")  # the same name, birth date and home: hers
    namesake = _decided(
        api,
        applicant__email="s.devries@example.org",
        applicant__phone="06 34567890",
        applicant__address={"street": "Dorpsstraat", "house_number": 3, "postcode": "1011 AB", "city": "Amsterdam"},
    )
    request = _file(api, sanne, kind="access").json()
    document = _mine(api, sanne, f"/{request['id']}/export").json()
    found = {application["id"] for application in document["applications"]}
    assert found == {sanne["application_id"], moved["application_id"], new_mail["application_id"]}
    assert namesake["application_id"] not in json.dumps(document) and "s.devries@example.org" not in json.dumps(
        document
    )
    assert _mine(api, namesake).json()["items"] == []


def test_refusing_a_second_objection_leaves_the_upheld_one_standing(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    first = _file(api, decision, kind="objection", scope="processing").json()
    upheld = api.client.post(
        f"/v1/staff/privacy-requests/{first['id']}/objection-decision",
        json={"continue_processing": False, "grounds": "No compelling grounds outweigh the objection."},
        headers=officer,
    )
    assert upheld.status_code == 200, upheld.text
    second = _file(api, decision, kind="objection", scope="processing").json()
    refused = api.client.post(
        f"/v1/staff/privacy-requests/{second['id']}/refusal",
        json={"reason": "A duplicate of your earlier objection, which we upheld."},
        headers=officer,
    )
    assert refused.status_code == 200, refused.text
    assert _decided(api)["reasons"][0]["code"] == "PROCESSING_RESTRICTED"  # the upheld objection still holds


def test_rectifying_an_application_in_review_closes_the_old_case(api: Api, clock: Clock) -> None:
    underwriter = api.staff("underwriter")
    decision = _decided(api, objects_to_automated_decision=True)  # referred: a case is open
    cases = api.client.get("/v1/staff/cases", headers=underwriter).json()["items"]
    assert [case["application_id"] for case in cases] == [decision["application_id"]]
    answer = _file(
        api, decision, kind="rectification", corrections=[{"field": "applicant.address.house_number", "value": 114}]
    ).json()
    new = answer["new_decision"]
    cases = api.client.get("/v1/staff/cases", headers=underwriter).json()["items"]
    assert [case["application_id"] for case in cases] == [new["application_id"]]  # only the new version's case


def test_a_namesakes_restriction_does_not_touch_the_applicant(api: Api, clock: Clock) -> None:
    namesake = _decided(
        api,
        applicant__email="s.devries@example.org",
        applicant__phone="06 34567890",
        applicant__address={"street": "Dorpsstraat", "house_number": 3, "postcode": "1011 AB", "city": "Amsterdam"},
    )
    assert _file(api, namesake, kind="restriction").status_code == 202
    assert _decided(api)["outcome"] == "accepted"  # Sanne de Vries, born the same day, lives and mails elsewhere


def test_a_rectification_never_brings_back_an_application_erased_meanwhile(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = api.staff("privacy")
    decision = _rejected(api)
    erasure = _file(api, decision, kind="erasure").json()
    real = rights.submit_application

    def erased_first(**arguments: Any) -> Any:  # the officer erases while the rectification is being decided
        answer = api.client.post(f"/v1/staff/privacy-requests/{erasure['id']}/erasure", headers=officer)
        assert answer.status_code == 200 and answer.json()["result"]["erased"] == [decision["application_id"]]
        return real(**arguments)

    monkeypatch.setattr(rights, "submit_application", erased_first)
    answer = _file(
        api, decision, kind="rectification", corrections=[{"field": "applicant.phone", "value": "0612345679"}]
    )
    assert answer.status_code == 409, answer.text
    with _engine(api).connect() as connection:
        assert connection.execute(select(func.count()).select_from(APPLICATIONS)).scalar_one() == 1  # no new version
        assert connection.execute(select(func.count()).select_from(PERSONAL)).scalar_one() == 0


def test_a_rectification_the_store_failed_on_is_decided_again_by_the_officer(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)

    def store_down(**_arguments: Any) -> Any:
        raise StoreUnavailable("the decision could not be recorded")

    monkeypatch.setattr(rights, "submit_application", store_down)
    answer = _file(
        api, decision, kind="rectification", corrections=[{"field": "applicant.address.house_number", "value": 114}]
    )
    assert answer.status_code == 202 and answer.json()["state"] == "open"  # on the clock, never lost
    monkeypatch.undo()
    request = answer.json()
    again = api.client.post(f"/v1/staff/privacy-requests/{request['id']}/rectification", headers=officer)
    assert again.status_code == 200, again.text
    new = again.json()["new_decision"]
    assert again.json()["state"] == "completed" and new["applicant_token"]
    assert api.applicant(new["id"], new["applicant_token"]).status_code == 200
    twice = api.client.post(f"/v1/staff/privacy-requests/{request['id']}/rectification", headers=officer)
    assert twice.status_code == 409


def test_an_objection_not_yet_weighed_is_not_lifted_around_its_request(api: Api, clock: Clock) -> None:
    officer = api.staff("privacy")
    decision = _decided(api)
    request = _file(api, decision, kind="objection", scope="processing").json()
    lifted = api.client.post(
        f"/v1/staff/privacy-limits/{request['result']['limit_id']}/lift",
        json={"reason": "Lifting it before the objection is weighed."},
        headers=officer,
    )
    assert lifted.status_code == 409 and "weigh the objection" in lifted.json()["detail"]
    assert _decided(api)["reasons"][0]["code"] == "PROCESSING_RESTRICTED"
