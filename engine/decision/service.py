"""The decision service: intake → checks → decide → record, and replay of a recorded decision."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import structlog
from pydantic import TypeAdapter
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from engine.checks import Check, run_checks
from engine.checks.fraud import identifier_keys, person_fingerprint
from engine.decision.core import DUTCH_TIME, decide, is_under_16
from engine.decision.reasons import (
    APPLICANT_UNDER_16,
    MODEL_UNAVAILABLE,
    OBJECTION_UNKNOWN,
    PERSON_FIRST,
    PROCESSING_RESTRICTED,
)
from engine.decision.tokens import applicant_token, token_hash
from engine.domain.application import Application, AvbApplication, AvpApplication, check_dates
from engine.domain.checks import CheckResult
from engine.domain.decision import Decision, Effect, Outcome, Reason
from engine.domain.products import Product
from engine.errors import (
    FieldProblem,
    IdempotencyConflict,
    InvalidApplication,
    NotFound,
    NotReplayable,
    StoreUnavailable,
)
from engine.notice.predecision import NoticeRegistry
from engine.policy.facts import FactCatalogue
from engine.policy.model import Policy
from engine.policy.registry import PolicyRegistry
from engine.privacy.limits import extend_to_person
from engine.privacy.subject import MATCHING_KINDS, subject_key_rows
from engine.review.intake import ReviewIntake, close_superseded_case, insert_case
from engine.scoring import UNKNOWN_MODEL, ModelSource, ModelUnavailable, RiskModel, UnavailableModel
from engine.store import decisions as store
from engine.store.audit import canonical_json, input_digest, sha256_hex
from engine.store.checks import Identifiers
from engine.store.database import Database
from engine.store.writer import WriterClosed

log = structlog.get_logger(__name__)
APPLICATION_ADAPTER: TypeAdapter[AvpApplication | AvbApplication] = TypeAdapter(Application)


@dataclass(frozen=True)
class DecisionRuntime:
    """Everything a decision needs besides the application, built once at start-up and shared read-only."""

    policies: PolicyRegistry
    notices: NoticeRegistry
    token_key: bytes
    checks: Sequence[Check] = ()
    models: ModelSource | None = None  # the active risk model per product; none: the rules alone
    check_executor: Executor | None = None
    check_budget_seconds: float = 0.3
    review: ReviewIntake | None = None  # standing objections, the automation switch, review cases of referrals

    def __post_init__(self) -> None:
        if self.checks and self.check_executor is None:
            raise ValueError("checks are configured but there is no executor to run them")

    def catalogue(self, product: Product) -> FactCatalogue:
        return self.policies.catalogue_for(product)

    def with_checks(self, checks: Sequence[Check], *, executor: Executor, budget_seconds: float) -> DecisionRuntime:
        return replace(self, checks=tuple(checks), check_executor=executor, check_budget_seconds=budget_seconds)

    def with_review(self, review: ReviewIntake) -> DecisionRuntime:
        return replace(self, review=review)

    def with_models(self, models: ModelSource) -> DecisionRuntime:
        return replace(self, models=models)

    def model_for(self, product: Product) -> RiskModel | None:
        return self.models.active(product) if self.models is not None else None


@dataclass(frozen=True, slots=True)
class Submitted:
    record: dict[str, Any]
    applicant_token: str
    replayed: bool  # True when an Idempotency-Key matched an earlier request


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A decided application, ready to be written by the single writer."""

    client_id: str
    idempotency_key: str | None
    request_hash: str
    token: str
    application: store.NewApplication
    row: dict[str, Any]
    policy: store.PolicySource | None  # None when the policy version is known to be stored
    identifiers: Identifiers
    check_results: list[CheckResult]
    case: dict[str, Any] | None  # the review case a referral opens

    def write(self, connection: Connection) -> dict[str, Any]:
        stored = store.record_decision(
            connection,
            application=self.application,
            decision=self.row,
            policy=self.policy,
            identifiers=self.identifiers,
            check_results=self.check_results,
        )
        if self.application.supersedes_id is not None:  # a rectification: the old version's case is closed
            close_superseded_case(
                connection,
                application_id=self.application.supersedes_id,
                decision_id=stored["id"],
                now=self.application.received_at,
            )
        if self.case is not None:
            insert_case(connection, self.case, actor="system", data={"decision_id": stored["id"]})
        if self.row["reasons"] and self.row["reasons"][0]["code"] == PROCESSING_RESTRICTED.code:
            extend_to_person(
                connection,
                identity_keys=[key for kind, key in self.application.subject_keys if kind in MATCHING_KINDS],
                person_key=self.identifiers.person,
            )
        return stored


def submit_application(
    *,
    db: Database,
    runtime: DecisionRuntime,
    client_id: str,
    application: AvpApplication | AvbApplication,
    idempotency_key: str | None,
    now: datetime,
    supersedes_id: str | None = None,
) -> Submitted:
    """Decide one application and record the decision before returning it. ``supersedes_id``: the application
    this one corrects (a rectification), marked superseded in the same transaction."""
    payload = application.model_dump(mode="json")  # the application as received, stored and replayed
    request_hash = sha256_hex(canonical_json(payload))
    if idempotency_key is not None and (earlier := _earlier_request(db, client_id, idempotency_key, request_hash)):
        return earlier
    _validate(runtime, application, now=now)
    found = _look_up(db, runtime, application, now=now)
    prepared = _prepare(
        db,
        runtime,
        client_id,
        application,
        payload,
        found,
        idempotency_key,
        request_hash,
        now=now,
        supersedes_id=supersedes_id,
    )
    try:
        stored = db.writer.write(prepared.write)
    except Exception as exc:
        return _after_failed_write(db, prepared, exc)
    return _submitted(db, prepared, stored)


async def submit_application_async(
    *,
    db: Database,
    runtime: DecisionRuntime,
    client_id: str,
    application: AvpApplication | AvbApplication,
    idempotency_key: str | None,
    now: datetime,
) -> Submitted:
    """As :func:`submit_application`, for the event loop: checks run in a thread and the write is awaited, so no
    thread waits for the commit."""
    payload = application.model_dump(mode="json")  # the application as received, stored and replayed
    request_hash = sha256_hex(canonical_json(payload))
    if idempotency_key is not None and (
        earlier := await asyncio.to_thread(_earlier_request, db, client_id, idempotency_key, request_hash)
    ):
        return earlier
    _validate(runtime, application, now=now)
    found = await asyncio.to_thread(_look_up, db, runtime, application, now=now)
    prepared = _prepare(db, runtime, client_id, application, payload, found, idempotency_key, request_hash, now=now)
    try:
        stored = await db.writer.write_async(prepared.write)
    except Exception as exc:
        return _after_failed_write(db, prepared, exc)
    return _submitted(db, prepared, stored)


def validate_application(
    runtime: DecisionRuntime, application: AvpApplication | AvbApplication, *, now: datetime
) -> None:
    """Refuse (InvalidApplication, naming each field) what :func:`submit_application` would refuse before deciding."""
    _validate(runtime, application, now=now)


def _validate(runtime: DecisionRuntime, application: AvpApplication | AvbApplication, *, now: datetime) -> None:
    """What the schema cannot know: dates at receipt, the notice version, and whether we may process at all."""
    today = now.astimezone(DUTCH_TIME).date()
    problems = [FieldProblem(loc=p.loc, msg=p.msg) for p in check_dates(application, today=today)]
    if runtime.notices.get(application.product, application.notice_version) is None:
        known = ", ".join(sorted(runtime.notices.notices[application.product]))
        problems.append(FieldProblem(loc=("notice_version",), msg=f"unknown notice version; known: {known}"))
    if not problems and is_under_16(application, now=now):
        problems.append(
            FieldProblem(
                loc=("applicant", "date_of_birth"),
                msg=APPLICANT_UNDER_16.applicant_text.in_language(application.language.value),
                code=APPLICANT_UNDER_16.code,
            )
        )
    if problems:
        raise InvalidApplication(problems)


@dataclass(frozen=True, slots=True)
class _LookedUp:
    """What deciding needs besides the application and the policy, found off the event loop."""

    checks: list[CheckResult]
    person_first: Reason | None
    model: RiskModel | None


def _look_up(
    db: Database, runtime: DecisionRuntime, application: AvpApplication | AvbApplication, *, now: datetime
) -> _LookedUp:
    """The checks' results, whether a person must decide first (a standing objection or suspended automation), and
    the active risk model (whose activation is reread from the database now and then). A store that cannot say
    whether a person must decide first refers to a person: never a rejection."""
    checks = _run_checks(runtime, application, now=now)
    try:
        model = runtime.model_for(application.product)
    except Exception as exc:
        log.exception("model_lookup_failed", product=application.product.value)
        model = UnavailableModel(UNKNOWN_MODEL, f"the active model could not be found: {exc}")
    if runtime.review is None:
        return _LookedUp(checks, None, model)
    try:
        return _LookedUp(checks, runtime.review.person_first(db.engine, application), model)
    except SQLAlchemyError:
        return _LookedUp(checks, OBJECTION_UNKNOWN, model)


def _run_checks(
    runtime: DecisionRuntime, application: AvpApplication | AvbApplication, *, now: datetime
) -> list[CheckResult]:
    if not runtime.checks:
        return []
    assert runtime.check_executor is not None  # guaranteed by DecisionRuntime
    return run_checks(
        runtime.checks,
        application,
        now=now,
        executor=runtime.check_executor,
        budget_seconds=runtime.check_budget_seconds,
    )


def _prepare(
    db: Database,
    runtime: DecisionRuntime,
    client_id: str,
    application: AvpApplication | AvbApplication,
    payload: dict[str, Any],
    found: _LookedUp,
    idempotency_key: str | None,
    request_hash: str,
    *,
    now: datetime,
    supersedes_id: str | None = None,
) -> _Prepared:
    policy = runtime.policies.active(application.product, on=now.astimezone(DUTCH_TIME).date())
    decision = decide(
        application,
        check_results=found.checks,
        policy=policy,
        model=found.model,
        now=now,
        catalogue=runtime.catalogue(application.product),
        person_first=found.person_first,
    )
    if found.model is not None and any(reason.code == MODEL_UNAVAILABLE.code for reason in decision.reasons):
        log.error("model_unavailable", product=application.product.value, model=found.model.ref.version)
    decision_id = str(uuid.uuid4())
    token = applicant_token(runtime.token_key, decision_id)
    salt = secrets.token_hex(16)
    secret = runtime.review.identity_secret if runtime.review is not None else runtime.token_key
    new_application = store.NewApplication(
        id=str(uuid.uuid4()),
        client_id=client_id,
        product=application.product.value,
        received_at=now,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        payload=payload,
        salt=salt,
        subject_keys=tuple(subject_key_rows(application, secret=secret)),
        supersedes_id=supersedes_id,
    )
    row = decision_row(
        decision,
        decision_id=decision_id,
        application_id=new_application.id,
        language=application.language.value,
        decided_at=now,
        token_hash=token_hash(token),
        digest=input_digest(payload, salt),
        pre_decision_notice={
            "version": application.notice_version,
            "content_hash": runtime.notices.hashes[(application.product, application.notice_version)],
        },
    )
    source = None
    if policy.content_hash not in db.stored_policies:
        source = store.PolicySource(policy.product.value, policy.version, policy.content_hash, policy.source)
    identifiers = Identifiers(keys=identifier_keys(application), person=person_fingerprint(application))
    case = runtime.review.case_for(row, application, now=now) if runtime.review is not None else None
    return _Prepared(
        client_id,
        idempotency_key,
        request_hash,
        token,
        new_application,
        row,
        source,
        identifiers,
        found.checks,
        case,
    )


def _submitted(db: Database, prepared: _Prepared, stored: dict[str, Any]) -> Submitted:
    if prepared.policy is not None:
        db.stored_policies.add(prepared.policy.content_hash)
    stored |= {"client_id": prepared.client_id, "received_at": prepared.application.received_at}
    return Submitted(record=stored, applicant_token=prepared.token, replayed=False)


def _after_failed_write(db: Database, prepared: _Prepared, error: Exception) -> Submitted:
    """A write that failed: another request with the same Idempotency-Key won (answer with its decision), or the
    store failed (nothing was recorded, so nothing was decided)."""
    if isinstance(error, store.DuplicateIdempotencyKey) and prepared.idempotency_key is not None:
        earlier = _earlier_request(db, prepared.client_id, prepared.idempotency_key, prepared.request_hash)
        if earlier is None:  # pragma: no cover - the row was there a moment ago and rows are never deleted
            raise StoreUnavailable("the earlier request could not be read back") from error
        return earlier
    if isinstance(error, SQLAlchemyError | WriterClosed | TimeoutError):
        raise StoreUnavailable("the decision could not be recorded") from error
    raise error


def _earlier_request(db: Database, client_id: str, key: str, request_hash: str) -> Submitted | None:
    try:
        with db.engine.connect() as connection:
            earlier = store.find_by_idempotency_key(connection, client_id, key)
            if earlier is None:
                return None
            if earlier["request_hash"] != request_hash:
                raise IdempotencyConflict(
                    "this Idempotency-Key was used before with a different request body; use a new key"
                )
            record = store.get_decision(connection, earlier["decision_id"])
    except SQLAlchemyError as exc:
        raise StoreUnavailable("the decision store could not be read") from exc
    assert record is not None
    return Submitted(record=record, applicant_token="", replayed=True)


def decision_row(
    decision: Decision,
    *,
    decision_id: str,
    application_id: str,
    language: str,
    decided_at: datetime,
    token_hash: str,
    digest: str,
    pre_decision_notice: dict[str, str] | None,
    replaces_id: str | None = None,
) -> dict[str, Any]:
    """The decision record's columns (without its place in the chain)."""
    if decision.reasons and decision.reasons[0].code in PERSON_FIRST:
        shown = decision.reasons[:1]  # the machine's reasons are advice for the reviewer, not the applicant's notice
    else:  # the reasons that carry the outcome: a referred applicant is not told about a knockout that did not decide
        effect = {Outcome.REFERRED: Effect.REFER, Outcome.REJECTED: Effect.REJECT}.get(decision.outcome)
        shown = [reason for reason in decision.reasons if reason.effect is effect]
    notice = {
        "language": language,
        "pre_decision_notice": pre_decision_notice,
        "outcome": decision.outcome.value,
        "reasons": _notice_reasons(shown),
        "next_steps": [step.model_dump(mode="json") for step in decision.next_steps],
    }
    explanation = score_explanation(decision, shown)
    if explanation is not None:  # only when a model scored: records without one keep their shape
        notice["score_explanation"] = explanation
    return {
        "id": decision_id,
        "application_id": application_id,
        "replaces_id": replaces_id,
        "product": decision.policy.product,
        "outcome": decision.outcome.value,
        "basis": decision.basis.value,
        "advice": decision.advice.value if decision.advice else None,
        "processed": decision.processed,
        "reasons": [reason.model_dump(mode="json") for reason in decision.reasons],
        "rules": [rule.model_dump(mode="json") for rule in decision.rules],
        "facts": decision.facts,
        "checks": [check.for_record() for check in decision.checks],
        "score": decision.score.model_dump(mode="json") if decision.score else None,
        "policy_version": decision.policy.version,
        "policy_hash": decision.policy.content_hash,
        "notice": notice,
        "decided_at": decided_at,
        "applicant_token_hash": token_hash,
        "input_digest": digest,
    }


def score_explanation(decision: Decision, shown: Sequence[Reason]) -> dict[str, Any] | None:
    """What the applicant reads about the model's part in the outcome: when the outcome rests on the score (a
    threshold reason is shown), the main factors that raised the risk and a verified counterfactual; when the
    application was accepted, the main factors that lowered it. None otherwise."""
    score = decision.score
    if score is None or not decision.processed:
        return None
    if any(reason.route in CONFIDENTIAL_ROUTES for reason in shown):
        return None  # a fraud or sanctions referral: nothing that could tell the applicant more than the neutral text
    on_score = any(reason.source == "threshold" for reason in shown)
    if on_score:
        effect = "raises"
    elif decision.outcome is Outcome.ACCEPTED:
        effect = "lowers"
    else:
        return None
    factors = [factor for factor in score.factors if factor.effect == effect]
    counterfactual = score.counterfactual if on_score else None
    if not factors and counterfactual is None:
        return None
    return {
        "factors": [{"feature": f.feature, "effect": f.effect, "text": f.text.model_dump()} for f in factors],
        "counterfactual": counterfactual.model_dump(mode="json") if counterfactual else None,
    }


NEUTRAL_CODE = "ADDITIONAL_VERIFICATION"
CONFIDENTIAL_ROUTES = frozenset({"fraud", "compliance"})


def _notice_reasons(shown: Sequence[Reason]) -> list[dict[str, Any]]:
    """The reasons as the applicant sees them. A referral routed to the fraud or compliance role shows under one
    neutral code, once, so neither the code nor the text reveals a fraud suspicion or a sanctions hit (the record
    keeps the real reasons for the reviewer)."""
    out: list[dict[str, Any]] = []
    for reason in shown:
        if reason.route in CONFIDENTIAL_ROUTES:
            if any(item["code"] == NEUTRAL_CODE for item in out):
                continue
            out.append({"code": NEUTRAL_CODE, "text": reason.applicant_text.model_dump()})
        else:
            out.append({"code": reason.code, "text": reason.applicant_text.model_dump()})
    return out


def get_decision_for_client(*, connection: Connection, decision_id: str, client_id: str) -> dict[str, Any] | None:
    """A decision, if it exists and was created by this client (others get the same answer as a missing one)."""
    record = store.get_decision(connection, decision_id)
    if record is None or record["client_id"] != client_id:
        return None
    return record


@dataclass(frozen=True, slots=True)
class ReplayReport:
    decision_id: str
    policy_version: str
    stored_outcome: str
    replayed_outcome: str
    stored_reasons: list[str]
    replayed_reasons: list[str]
    differences: list[str]

    @property
    def matches(self) -> bool:
        return not self.differences


def replay_decision(*, connection: Connection, runtime: DecisionRuntime, decision_id: str) -> ReplayReport:
    """Re-run decide() on a record's stored inputs with the policy version it used, and compare."""
    record = store.get_decision(connection, decision_id)
    if record is None:
        raise NotFound(f"no decision {decision_id}")
    if record["basis"] != "automated":
        raise NotReplayable(
            f"decision {decision_id} was taken by a person (it replaces {record['replaces_id']}); a person's "
            "decision is not re-run: its rationale is in the record. Replay the automated decision it replaces."
        )
    payload = store.get_application_payload(connection, record["application_id"])
    if payload is None:
        raise NotFound(f"the application of decision {decision_id} has been erased; it cannot be replayed")
    policy = _policy_for(connection, runtime, record)
    application = APPLICATION_ADAPTER.validate_python(payload)
    checks = [CheckResult.from_record(check) for check in record["checks"]]
    first = PERSON_FIRST.get(record["reasons"][0]["code"]) if record["reasons"] else None
    replayed = decide(
        application,
        check_results=checks,
        policy=policy,
        model=_model_for(runtime, record),
        now=record["received_at"],
        catalogue=runtime.catalogue(application.product),
        person_first=first,
    )
    row = decision_row(
        replayed,
        decision_id=record["id"],
        application_id=record["application_id"],
        language=record["notice"]["language"],
        decided_at=record["decided_at"],
        token_hash=record["applicant_token_hash"],
        digest=record["input_digest"],
        pre_decision_notice=record["notice"].get("pre_decision_notice"),
    )
    differences = [
        name
        for name in ("outcome", "advice", "processed", "reasons", "rules", "facts", "score", "notice")
        if canonical_json(row[name]) != canonical_json(record[name])
    ]
    return ReplayReport(
        decision_id=decision_id,
        policy_version=policy.version,
        stored_outcome=record["outcome"],
        replayed_outcome=replayed.outcome.value,
        stored_reasons=[reason["code"] for reason in record["reasons"]],
        replayed_reasons=[reason.code for reason in replayed.reasons],
        differences=differences,
    )


def _model_for(runtime: DecisionRuntime, record: dict[str, Any]) -> RiskModel | None:
    """The model that scored the record (by version and content hash), or None when none did."""
    if not record["score"]:
        if any(reason["code"] == MODEL_UNAVAILABLE.code for reason in record["reasons"]):
            return UnavailableModel(UNKNOWN_MODEL, "the model failed when this decision was made")
        return None
    ref = record["score"]["model"]
    where = f"decision {record['id']} was scored by model {ref['version']} ({ref['content_hash']})"
    if runtime.models is None:
        raise NotReplayable(f"{where}, and models are switched off (UNDERWRITE_MODELS_ENABLED)")
    try:
        model = runtime.models.for_record(Product(record["product"]), ref["version"], ref["content_hash"])
    except ModelUnavailable as exc:
        raise NotReplayable(f"{where}, which cannot be used here: {exc}") from exc
    if model is None:
        raise NotReplayable(f"{where}, which is not in the models folder: restore that artifact to replay it")
    return model


def _policy_for(connection: Connection, runtime: DecisionRuntime, record: dict[str, Any]) -> Policy:
    product = Product(record["product"])
    policy = runtime.policies.get(product, record["policy_version"])
    if policy is not None and policy.content_hash == record["policy_hash"]:
        return policy
    source = store.get_policy_source(connection, record["policy_hash"])
    if source is None:
        raise NotFound(f"policy {product} {record['policy_version']} ({record['policy_hash']}) is not stored")
    return runtime.policies.load_stored(source)
