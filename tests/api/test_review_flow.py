"""The review flow end to end through the API: a referral opens a case, an underwriter claims and decides it, and
the applicant sees the person's decision with their explanation."""

from __future__ import annotations

from tests.api.support import example as example_body


def _submit(api, name: str):
    answer = api.submit(example_body(name))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_referral_is_worked_to_a_human_decision_the_applicant_sees(api):
    decision = _submit(api, "avp-referred-prior-cancellation")
    assert decision["outcome"] == "referred"
    underwriter = api.staff("underwriter")

    queue = api.client.get("/v1/staff/cases", headers=underwriter).json()
    [case] = [c for c in queue["items"] if c["decision_id"] == decision["decision_id"]]
    assert case["reason"] == "referred" and case["state"] == "open" and case["route"] == "underwriting"
    assert "PREVIOUSLY_REFUSED_OR_CANCELLED" in case["reason_codes"]

    seen = api.client.get(f"/v1/staff/cases/{case['id']}", headers=underwriter)
    assert seen.status_code == 200, seen.text
    assert seen.json()["permissions"]["claim"] is True

    claimed = api.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=underwriter)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["state"] == "claimed"

    decided = api.client.post(
        f"/v1/staff/cases/{case['id']}/decision",
        headers=underwriter,
        json={
            "outcome": "accepted",
            "rationale": "The earlier cancellation was for non-payment after a move; paid since, no claims.",
            "applicant_explanation": "De eerdere opzegging was een betalingsachterstand die u heeft voldaan.",
            "conditions": {"deductible_eur": 250},
        },
    )
    assert decided.status_code == 201, decided.text
    human = decided.json()
    assert human["basis"] == "human" and human["replaces_id"] == decision["decision_id"]

    mine = api.applicant(decision["decision_id"], decision["applicant_token"])
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["decision_id"] == human["id"]
    assert body["outcome"] == "accepted" and body["basis"] == "human" and body["status"] == "decided"
    assert "betalingsachterstand" in body["reasons"][0]["text"]
    assert [r["code"] for r in body["reasons"]] == ["DECIDED_BY_PERSON", "CONDITION_HIGHER_DEDUCTIBLE"]
    assert [h["basis"] for h in body["history"]] == ["automated", "human"]


def test_the_form_sees_that_a_person_superseded_its_decision(api):
    decision = _submit(api, "avp-referred-prior-cancellation")
    assert api.get_decision(decision["decision_id"]).json()["superseded_by"] is None
    underwriter = api.staff("underwriter")
    [case] = api.client.get("/v1/staff/cases", headers=underwriter).json()["items"]
    assert api.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=underwriter).status_code == 200
    human = api.client.post(
        f"/v1/staff/cases/{case['id']}/decision",
        headers=underwriter,
        json={
            "outcome": "rejected",
            "rationale": "Cancelled twice for fraud by earlier insurers; we do not accept this risk.",
            "applicant_explanation": "Uw eerdere verzekeraars hebben uw verzekering opgezegd.",
        },
    ).json()

    read_back = api.get_decision(decision["decision_id"]).json()
    assert read_back["outcome"] == "referred" and read_back["superseded_by"] == human["id"]
    assert api.get_decision(human["id"]).json()["superseded_by"] is None
