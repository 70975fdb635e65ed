"""Records and cases as the API shows them (to applicants in their language; to staff in full)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.api.review_schemas import (
    ActionOut,
    ApplicantDecisionOut,
    CaseSummaryOut,
    DecisionDetailOut,
    DecisionHistoryOut,
    DecisionSummaryOut,
    ReasonDetailOut,
    ReceiptOut,
    ReviewStatusOut,
)
from engine.api.schemas import NextStepOut, ReasonOut, ScoreExplanationOut
from engine.review.applicant import Receipt
from engine.review.due import DUTCH_TIME
from engine.review.human_decision import DECIDED_BY_PERSON


def notice_reasons(record: dict[str, Any], *, language: str, texts: dict[str, str] | None) -> list[ReasonOut]:
    """The notice's reasons; a person's decision carries the reviewer's own explanation after the first."""
    out = []
    for reason in record["notice"]["reasons"]:
        text = reason["text"][language]
        if reason["code"] == DECIDED_BY_PERSON.code and texts is not None:
            text = f"{text} {texts['applicant_explanation']}"
        out.append(ReasonOut(code=reason["code"], text=text))
    return out


def _review_status(case: dict[str, Any] | None) -> ReviewStatusOut | None:
    if case is None:
        return None
    return ReviewStatusOut(case_id=case["id"], reason=case["reason"], state=case["state"], due_by=case["due_at"])


def applicant_decision(
    asked_id: str,
    records: list[dict[str, Any]],
    *,
    case: dict[str, Any] | None,
    texts: dict[str, str] | None,
    language: str | None,
) -> ApplicantDecisionOut:
    current = records[-1]
    lang = language or current["notice"]["language"]
    in_review = case is not None and case["state"] != "decided"
    base = f"/v1/applicant/decisions/{asked_id}"
    actions = [ActionOut(action="read", method="GET", href=base)]
    actions.append(ActionOut(action="request_human_review", method="POST", href=f"{base}/review-requests"))
    actions.append(ActionOut(action="object_to_automated_decision", method="POST", href=f"{base}/objection"))
    return ApplicantDecisionOut(
        decision_id=current["id"],
        application_id=current["application_id"],
        product=current["product"],
        status="in_review" if in_review else "decided",
        outcome=current["outcome"],
        basis=current["basis"],
        decided_at=current["decided_at"],
        language=lang,
        reasons=notice_reasons(current, language=lang, texts=texts),
        next_steps=[NextStepOut(action=s["action"], text=s["text"][lang]) for s in current["notice"]["next_steps"]],
        score_explanation=ScoreExplanationOut.from_notice(current["notice"], lang),
        review=_review_status(case) if in_review else None,
        history=[
            DecisionHistoryOut(decision_id=r["id"], outcome=r["outcome"], basis=r["basis"], decided_at=r["decided_at"])
            for r in records
        ],
        actions=actions,
    )


def _date_text(moment: datetime, language: str) -> str:
    local = moment.astimezone(DUTCH_TIME)
    return local.strftime("%d-%m-%Y %H:%M") if language == "nl" else local.strftime("%Y-%m-%d %H:%M")


def receipt_out(receipt: Receipt, *, language: str, kind: str) -> ReceiptOut:
    case = receipt.case
    if case is None:
        message = {
            "nl": "Uw bezwaar is vastgelegd: voortaan beslist een medewerker over uw aanvragen.",
            "en": "Your objection is recorded: from now on a member of staff decides on your applications.",
        }[language]
    else:
        due = _date_text(case["due_at"], language)
        joined = {
            "nl": f"Wij hebben dit toegevoegd aan de beoordeling die al loopt. Een medewerker beslist uiterlijk {due}.",
            "en": f"We added this to the review already under way. A member of staff decides by {due} at the latest.",
        }
        opened = {
            "nl": f"Een medewerker neemt de beslissing opnieuw, met uw toelichting, uiterlijk {due}. U hoort de "
            "uitkomst van ons.",
            "en": f"A member of staff will take the decision again, with your statement, by {due} at the latest. "
            "We will let you know the outcome.",
        }
        message = (opened if receipt.opened else joined)[language]
        if kind == "objection":
            message += {
                "nl": " Uw bezwaar tegen geautomatiseerde besluitvorming geldt ook voor uw latere aanvragen.",
                "en": " Your objection to automated decision-making holds for your later applications too.",
            }[language]
    return ReceiptOut(
        case_id=case["id"] if case else None,
        reason=case["reason"] if case else None,
        state=case["state"] if case else None,
        due_by=case["due_at"] if case else None,
        opened=receipt.opened,
        standing_objection=kind == "objection",
        message=message,
    )


def case_summary(case: dict[str, Any], *, now: datetime | None = None) -> CaseSummaryOut:
    now = now or datetime.now(UTC)
    return CaseSummaryOut(
        id=case["id"],
        product=case["product"],
        reason=case["reason"],
        route=case["route"],
        state=case["state"],
        opened_at=case["opened_at"],
        due_at=case["due_at"],
        overdue=case["state"] != "decided" and case["due_at"] < now,
        claimed_by=case.get("claimed_by_username"),
        claimed_at=case["claimed_at"],
        decision_id=case["decision_id"],
        application_id=case["application_id"],
        reason_codes=list(case["reason_codes"]),
        insured_limit_eur=case["insured_limit_eur"],
        has_statement=bool(case["statement"]),
    )


def decision_summary(record: dict[str, Any]) -> DecisionSummaryOut:
    review = record.get("review") or {}
    return DecisionSummaryOut(
        id=record["id"],
        application_id=record["application_id"],
        product=record["product"],
        outcome=record["outcome"],
        basis=record["basis"],
        decided_at=record["decided_at"],
        replaces_id=record["replaces_id"],
        reviewer=review.get("reviewer"),
    )


def decision_detail(record: dict[str, Any], *, texts: dict[str, str] | None) -> DecisionDetailOut:
    review = None
    if record.get("review") is not None:
        review = dict(record["review"]) | (texts or {})
    return DecisionDetailOut(
        id=record["id"],
        application_id=record["application_id"],
        product=record["product"],
        outcome=record["outcome"],
        basis=record["basis"],
        advice=record["advice"],
        decided_at=record["decided_at"],
        replaces_id=record["replaces_id"],
        reasons=[ReasonDetailOut.model_validate(reason) for reason in record["reasons"]],
        rules=record["rules"],
        facts=record["facts"],
        checks=record["checks"],
        score=record["score"],
        policy={"version": record["policy_version"], "content_hash": record["policy_hash"]},
        notice=record["notice"],
        review=review,
    )
