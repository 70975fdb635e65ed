"""Case page: everything the machine saw and the applicant said; claim, return and decide, within authority."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from engine.review.roles import Role
from review_ui.client import ReviewApi
from tests.api.support import example
from tests.ui.conftest import Backend
from tests.ui.support import dashboard, no_exception, table, texts

CHECKS = {"credit", "claims_history", "fraud", "sanctions", "insolvency", "identity"}
STATEMENT = "The two claims were water damage at a flat I no longer rent; nothing since."
RATIONALE = "Arrears were paid off in full last month; the bureau entry is out of date and the limit is standard."
EXPLANATION = "We looked again: your payment history is in order now, so we accept your application."


def open_case(api: ReviewApi, case_id: str) -> AppTest:
    at = dashboard(api)
    at.session_state["case_id"] = case_id
    return at.switch_page("app_pages/case.py").run()


def referral(backend: Backend) -> str:
    return backend.case_of(backend.submit("avp-referred-credit-arrears")["decision_id"])


def test_the_case_page_shows_statement_checks_rules_and_reasons(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    decision = backend.submit("avp-rejected-claims")
    backend.contest(
        decision["decision_id"], STATEMENT, [{"field": "disclosure.claims_last_5_years", "value": "one claim"}]
    )
    case_id = backend.case_of(decision["decision_id"])

    at = open_case(backend.reviewer("uma"), case_id)

    no_exception(at)
    assert at.title[0].value == "Case AVP · contested"
    said = texts(at)
    assert STATEMENT in said
    corrections = table(at, "case_corrections")
    assert corrections.to_dict("records") == [
        {"Field": "disclosure.claims_last_5_years", "Applicant says": "one claim"}
    ]
    checks = table(at, "case_checks")
    assert set(checks["Check"]) == CHECKS
    assert set(checks["Status"]) <= {"clear", "hit", "unavailable"}
    assert all(checks["Source"]), "every check names its source"
    rules = table(at, "case_rules")
    hit = rules[rules["Rule"] == "CLAIMS_FREQUENCY_HIGH"]
    assert list(hit["Result"]) == ["hit"]
    assert "claims" in hit.iloc[0]["Facts used"]
    reasons = table(at, "case_reasons")
    assert "CLAIMS_FREQUENCY_HIGH" in list(reasons["Reason"])
    assert all(reasons["For the underwriter"])
    application = table(at, "case_application_applicant")
    assert "family_name" in list(application["Field"])
    history = table(at, "case_history")
    assert list(history["Decision"]) == [decision["decision_id"]]
    assert "opened" in " ".join(table(at, "case_events")["What"])


def test_claim_then_decide_records_a_human_decision(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    case_id = referral(backend)
    api = backend.reviewer("uma")
    at = open_case(api, case_id)
    assert not [button for button in at.button if button.label == "Record decision"], "decide only after claiming"

    at.button(key="case_claim").click().run()

    no_exception(at)
    assert "You hold this case now." in [success.value for success in at.success]
    assert "Holder: uma" in texts(at)
    labels = {button.label for button in at.button}
    assert {"Record decision", "Return to queue"} <= labels
    assert at.radio(key="case_outcome").label == "Outcome"
    assert at.text_area(key="case_rationale").label == "Rationale"
    assert at.text_area(key="case_explanation").label == "Explanation for the applicant"

    at.radio(key="case_outcome").set_value("accepted")
    at.text_area(key="case_rationale").input(RATIONALE)
    at.text_area(key="case_explanation").input(EXPLANATION)
    at.button(key="case_decide").click().run()

    no_exception(at)
    assert any(success.value.startswith("Decision recorded: accepted") for success in at.success)
    case = api.case(case_id)
    assert case.case.state == "decided"
    assert case.outcome_decision_id is not None
    human = [entry for entry in case.history if entry.basis == "human"]
    assert [(entry.outcome, entry.reviewer) for entry in human] == [("accepted", "uma")]
    assert "Record decision" not in {button.label for button in at.button}, "a decided case takes no decision"
    assert human[0].id in set(table(at, "case_history")["Decision"])


def test_a_too_short_rationale_is_refused_with_the_field_named(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    case_id = referral(backend)
    api = backend.reviewer("uma")
    api.claim(case_id)
    at = open_case(api, case_id)

    at.radio(key="case_outcome").set_value("rejected")
    at.text_area(key="case_rationale").input("too short")
    at.text_area(key="case_explanation").input(EXPLANATION)
    at.button(key="case_decide").click().run()

    no_exception(at)
    errors = [error.value for error in at.error]
    assert len(errors) == 1 and errors[0].startswith("Not done: rationale:"), errors
    assert api.case(case_id).case.state == "claimed"


def test_returning_a_case_puts_it_back_in_the_queue(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    case_id = referral(backend)
    api = backend.reviewer("uma")
    api.claim(case_id)
    at = open_case(api, case_id)

    at.text_area(key="case_return_note").input("Going on leave; the bureau letter is in the file.")
    at.button(key="case_return").click().run()

    no_exception(at)
    assert "The case is back in the queue." in [success.value for success in at.success]
    summary = api.case(case_id).case
    assert (summary.state, summary.claimed_by) == ("open", None)
    assert at.button(key="case_claim").disabled is False


def test_an_underwriter_cannot_take_a_senior_case_and_is_told_why(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    case_id = backend.case_of(backend.submit("avb-referred-above-authority")["decision_id"])

    at = open_case(backend.reviewer("uma"), case_id)

    no_exception(at)
    assert at.button(key="case_claim").disabled is True
    assert "Record decision" not in {button.label for button in at.button}
    infos = [info.value for info in at.info]
    assert any("senior" in info for info in infos), infos


def test_an_auditor_reads_the_case_but_cannot_claim_it(backend: Backend) -> None:
    backend.add_staff("ada", Role.AUDITOR)
    case_id = referral(backend)

    at = open_case(backend.reviewer("ada"), case_id)

    no_exception(at)
    assert set(table(at, "case_checks")["Check"]) == CHECKS
    assert at.button(key="case_claim").disabled is True
    assert "Record decision" not in {button.label for button in at.button}
    assert at.info, "the auditor is told why they cannot act"


def test_accepting_with_a_higher_deductible_and_an_exclusion_records_them(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    case_id = referral(backend)
    api = backend.reviewer("uma")
    api.claim(case_id)
    at = open_case(api, case_id)

    at.radio(key="case_outcome").set_value("accepted")
    at.text_area(key="case_rationale").input(RATIONALE)
    at.text_area(key="case_explanation").input(EXPLANATION)
    at.number_input(key="case_deductible").set_value(1000)
    at.text_area(key="case_exclusions").input("Damage caused by dogs is not covered.\n\nNo cover for rented drones.")
    at.button(key="case_decide").click().run()

    no_exception(at)
    decided = api.case(case_id)
    assert decided.outcome_decision_id is not None
    review = api.decision(decided.outcome_decision_id).review
    assert review is not None and review.reviewer == "uma"
    assert review.conditions is not None
    assert review.conditions["deductible_eur"] == 1000
    assert review.conditions["exclusions"] == [
        "Damage caused by dogs is not covered.",
        "No cover for rented drones.",
    ]


def test_claiming_a_case_someone_else_just_took_says_so(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    backend.add_staff("sam", Role.SENIOR_UNDERWRITER)
    case_id = referral(backend)
    uma = backend.reviewer("uma")
    at = open_case(uma, case_id)
    assert at.button(key="case_claim").disabled is False
    backend.reviewer("sam").claim(case_id)

    at.button(key="case_claim").click().run()

    no_exception(at)
    errors = [error.value for error in at.error]
    assert len(errors) == 1 and errors[0].startswith("Not done: "), errors
    assert "Holder: sam" in texts(at)
    assert at.button(key="case_claim").disabled is True


def test_accepting_over_a_knockout_is_refused_for_an_underwriter_with_the_reason(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    decision = backend.submit("avp-rejected-claims")
    backend.contest(decision["decision_id"], STATEMENT, [])
    case_id = backend.case_of(decision["decision_id"])
    api = backend.reviewer("uma")
    api.claim(case_id)
    at = open_case(api, case_id)
    why_not = api.case(case_id).permissions.why_not
    assert why_not is not None and why_not in [info.value for info in at.info], "the holder is told the limit"

    at.radio(key="case_outcome").set_value("accepted")
    at.text_area(key="case_rationale").input(RATIONALE)
    at.text_area(key="case_explanation").input(EXPLANATION)
    at.button(key="case_decide").click().run()

    no_exception(at)
    errors = [error.value for error in at.error]
    assert len(errors) == 1 and "senior underwriter" in errors[0], errors
    assert api.case(case_id).case.state == "claimed"


MARKDOWN_STATEMENT = "![x](http://evil.example/t.png) **bold** [link](http://evil.example) <b>html</b> # not a title"


def _rendered(at: AppTest) -> list[str]:
    """What the page renders as Markdown (where a link or an image would become live)."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
    return [str(element.value) for kind in kinds for element in getattr(at, kind)]


def test_the_applicants_statement_is_shown_as_written_never_as_markdown(backend: Backend) -> None:
    """An applicant's words are not the page's: an image from their server (a tracking pixel), a link, bold text
    are shown as the characters they typed."""
    backend.add_staff("uma", Role.UNDERWRITER)
    decision = backend.submit("avp-accepted")
    backend.contest(decision["decision_id"], MARKDOWN_STATEMENT, [])

    at = open_case(backend.reviewer("uma"), backend.case_of(decision["decision_id"]))

    no_exception(at)
    assert MARKDOWN_STATEMENT in [str(element.value) for element in at.text]
    assert not [shown for shown in _rendered(at) if "evil.example" in shown or "**bold**" in shown]


def test_a_reviewers_rationale_is_shown_as_written_never_as_markdown(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    backend.add_staff("ada", Role.AUDITOR)
    case_id = referral(backend)
    uma = backend.reviewer("uma")
    uma.claim(case_id)
    rationale = f"Checked the bureau file. {MARKDOWN_STATEMENT}"
    decided = uma.decide(case_id, "rejected", rationale, EXPLANATION, deductible_eur=None, exclusions=[])

    at = dashboard(backend.reviewer("ada")).switch_page("app_pages/decisions.py").run()
    at.text_input(key="decisions_id").input(decided.id)
    at.button(key="decisions_submit").click().run()

    no_exception(at)
    assert rationale in [str(element.value) for element in at.text]
    assert not [shown for shown in _rendered(at) if "evil.example" in shown]


def test_compliance_forwards_a_cleared_case_to_a_senior_underwriter(backend: Backend) -> None:
    backend.add_staff("cora", Role.COMPLIANCE)
    body = example("avb-referred-above-authority")
    body["applicant"] |= {"given_names": "Fiktiv", "family_name": "Primerov", "date_of_birth": "1971-04-12"}
    response = backend.client.post("/v1/applications", json=body, headers={"X-API-Key": backend.api_key})
    assert response.status_code == 201, response.text
    case_id = backend.case_of(response.json()["decision_id"])
    cora = backend.reviewer("cora")
    cora.claim(case_id)
    at = open_case(cora, case_id)
    assert "forward" in (cora.case(case_id).permissions.why_not or "")

    at.text_area(key="case_forward_note").input("A namesake: passport and KvK extract checked.")
    at.button(key="case_forward").click().run()

    no_exception(at)
    assert "Forwarded." in [success.value for success in at.success]
    summary = cora.case(case_id).case
    assert (summary.state, summary.route, summary.claimed_by) == ("open", "senior_underwriting", None)
    assert at.button(key="case_claim").disabled is True  # no longer compliance's to take


def test_a_senior_underwriter_releases_a_case_an_absent_colleague_holds(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    backend.add_staff("sam", Role.SENIOR_UNDERWRITER)
    case_id = referral(backend)
    backend.reviewer("uma").claim(case_id)
    sam = backend.reviewer("sam")
    at = open_case(sam, case_id)
    assert "Holder: uma" in texts(at)

    at.text_area(key="case_release_note").input("Uma is on leave until next month.")
    at.button(key="case_release").click().run()

    no_exception(at)
    assert "The case is back in the queue." in [success.value for success in at.success]
    summary = sam.case(case_id).case
    assert (summary.state, summary.claimed_by) == ("open", None)
    assert at.button(key="case_claim").disabled is False


def test_the_case_page_shows_the_models_score_and_main_reasons(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    at = open_case(backend.reviewer("uma"), referral(backend))

    no_exception(at)
    said = texts(at)
    assert "Risk model" in said
    assert "**Main reasons** (compared with the average applicant)" in said
    reasons = [line for line in said.splitlines() if line.startswith(("↑ raises", "↓ lowers"))]
    assert reasons, "the model's main reasons are listed"
    assert any("credit.arrears_count" in line or "credit.score_band" in line for line in reasons)
