"""What each request does, end to end: the privacy desk files a request (from the applicant's token or on their
behalf by staff), does at once what needs no person (access and portability exports, a restriction, an objection
to marketing, a rectification decided again), and carries out what a person decides (an erasure, compelling
grounds against an objection to further processing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from engine.decision.service import DecisionRuntime, Submitted, submit_application, validate_application
from engine.decision.tokens import applicant_token
from engine.domain.application import AvbApplication, AvpApplication
from engine.errors import Conflict, NotFound, StoreUnavailable
from engine.privacy.config import PrivacyConfig
from engine.privacy.erasure import erase_subject, version_chain
from engine.privacy.limits import LimitKind, lift_limit, place_limit
from engine.privacy.rectification import corrected
from engine.privacy.requests import (
    Asked,
    Channel,
    ObjectionScope,
    RequestKind,
    check_asked,
    check_reason,
    complete_request,
    file_request,
    get_request,
    note_result,
    refuse_request,
)
from engine.privacy.subject import applications_of, limit_keys, person_keys, subject_of
from engine.review.cases import decisions_of_application
from engine.store import decisions as decision_store
from engine.store.database import Database
from engine.store.decisions import AlreadySuperseded
from engine.store.tables import ApplicationRecord, table_of

_applications = table_of(ApplicationRecord)


@dataclass(frozen=True, slots=True)
class Filed:
    request: dict[str, Any]
    decision: Submitted | None = None  # a rectification decided again: the new decision (with its token)


def newest_version(connection: Connection, application_id: str) -> dict[str, Any]:
    """The newest version of an application (following rectifications), as its envelope row."""
    chain = version_chain(connection, application_id)
    if not chain:
        raise NotFound(f"no application {application_id}")
    return dict(connection.execute(select(_applications).where(_applications.c.id == chain[-1])).mappings().one())


@dataclass(frozen=True)
class PrivacyDesk:
    """Built once per process from the database, the decision runtime and the privacy configuration."""

    db: Database
    runtime: DecisionRuntime
    config: PrivacyConfig

    def file(
        self,
        *,
        application_id: str,
        asked: Asked,
        channel: Channel,
        filed_by: str,
        verification: dict[str, Any] | None,
        now: datetime,
    ) -> Filed:
        """File a request about the person an application is about, and do at once what needs no person."""
        check_asked(asked)
        rectified: AvpApplication | AvbApplication | None = None
        with self.db.engine.connect() as connection:
            envelope = newest_version(connection, application_id)
            keys = subject_of(connection, envelope["id"])
            if not keys:  # erased: nothing left identifies the person
                raise Conflict(
                    "the personal data of this application have been erased: we hold nothing that identifies you"
                )
            payload = decision_store.get_application_payload(connection, envelope["id"])
            language = str(payload.get("language", "nl")) if payload else "nl"
            if asked.kind is RequestKind.RECTIFICATION:
                if payload is None:
                    raise Conflict("the application's personal data have been erased: there is nothing to correct")
                rectified = corrected(payload, asked.corrections)
                validate_application(self.runtime, rectified, now=now)

        def job(connection: Connection) -> dict[str, Any]:
            request = file_request(
                connection,
                asked=asked,
                application_id=envelope["id"],
                subject_keys=keys,
                language=language,
                channel=channel,
                filed_by=filed_by,
                verification=verification,
                now=now,
            )
            return self._act_on_filing(connection, request, keys, by=filed_by, now=now)

        request = self.db.writer.write(job)
        if rectified is None:
            return Filed(request)
        return self._rectify(request, envelope, rectified, by=filed_by, now=now)

    def _act_on_filing(
        self, connection: Connection, request: dict[str, Any], keys: list[str], *, by: str, now: datetime
    ) -> dict[str, Any]:
        kind = RequestKind(request["kind"])
        if kind in (RequestKind.ACCESS, RequestKind.PORTABILITY):
            held = applications_of(connection, keys)
            return complete_request(
                connection,
                request_id=request["id"],
                result={"export": {"formats": ["json", "csv"], "applications": len(held)}},
                by="system",
                now=now,
            )
        if kind is RequestKind.RESTRICTION:
            limit_id = self._limit(connection, LimitKind.RESTRICTION, request, keys, now=now)
            return complete_request(
                connection, request_id=request["id"], result={"limit_id": limit_id}, by="system", now=now
            )
        if kind is RequestKind.OBJECTION:
            if request["details"].get("scope") == ObjectionScope.MARKETING.value:
                limit_id = self._limit(connection, LimitKind.NO_MARKETING, request, keys, now=now)
                return complete_request(
                    connection, request_id=request["id"], result={"limit_id": limit_id}, by="system", now=now
                )
            # further processing stops at once, until a person records compelling grounds to continue (if any)
            limit_id = self._limit(connection, LimitKind.NO_FURTHER_PROCESSING, request, keys, now=now)
            note_result(connection, request_id=request["id"], result={"limit_id": limit_id}, by="system", now=now)
            return get_request(connection, request["id"])
        return request  # erasure: a person carries it out; rectification: decided again next

    def _limit(
        self, connection: Connection, kind: LimitKind, request: dict[str, Any], keys: list[str], *, now: datetime
    ) -> str:
        return place_limit(
            connection,
            kind=kind,
            identity_keys=limit_keys(connection, keys),
            person_keys=person_keys(connection, applications_of(connection, keys)),
            request_id=request["id"],
            by="system",
            now=now,
        )

    def _rectify(
        self,
        request: dict[str, Any],
        envelope: dict[str, Any],
        application: AvpApplication | AvbApplication,
        *,
        by: str,
        now: datetime,
    ) -> Filed:
        """Decide the corrected application as a new version; a store fault leaves the request open for a person
        (it is on the clock), never lost."""
        try:
            submitted = submit_application(
                db=self.db,
                runtime=self.runtime,
                client_id=envelope["client_id"],
                application=application,
                idempotency_key=None,
                now=now,
                supersedes_id=envelope["id"],
            )
        except AlreadySuperseded:
            reason = (
                "the application was corrected by another request, or erased, at the same moment; nothing was changed"
            )
            self.db.writer.write(
                lambda connection: refuse_request(
                    connection, request_id=request["id"], reason=reason, by="system", now=now
                )
            )
            raise Conflict(f"{reason}: correct the newest version, if there is one") from None
        except StoreUnavailable:
            return Filed(request)
        record = submitted.record
        result = {
            "application_id": record["application_id"],
            "decision_id": record["id"],
            "outcome": record["outcome"],
            "supersedes": envelope["id"],
        }
        done = self.db.writer.write(
            lambda connection: complete_request(
                connection, request_id=request["id"], result=result, by="system", now=now
            )
        )
        return Filed(done, submitted)

    def rectify_again(self, *, request_id: str, by: str, now: datetime) -> Filed:
        """Finish a rectification whose new decision could not be made or recorded when it was filed (the store
        failed): decide the corrected application now; or, when its new version was recorded but the request not
        completed, complete it with that decision. The answer carries the decision's token, for the applicant."""
        with self.db.engine.connect() as connection:
            request = get_request(connection, request_id)
            if request["kind"] != RequestKind.RECTIFICATION.value or request["state"] != "open":
                raise Conflict("only an open rectification request is decided again")
            newest = newest_version(connection, request["application_id"])
            if newest["id"] != request["application_id"]:  # decided and recorded already: only the completion is due
                record = decisions_of_application(connection, newest["id"])[-1]
                submitted = Submitted(
                    record=record, applicant_token=applicant_token(self.runtime.token_key, record["id"]), replayed=True
                )
                result = {
                    "application_id": newest["id"],
                    "decision_id": record["id"],
                    "outcome": record["outcome"],
                    "supersedes": request["application_id"],
                }
                done = self.db.writer.write(
                    lambda c: complete_request(c, request_id=request_id, result=result, by=by, now=now)
                )
                return Filed(done, submitted)
            payload = decision_store.get_application_payload(connection, newest["id"])
            corrections = request["details"].get("corrections")
            if payload is None or not corrections:
                raise Conflict("the application or the corrections have been erased: refuse the request instead")
            rectified = corrected(payload, corrections)
            validate_application(self.runtime, rectified, now=now)
        filed = self._rectify(request, newest, rectified, by=by, now=now)
        if filed.decision is None:
            raise StoreUnavailable("the corrected application could not be decided")
        return filed

    def decide_objection(
        self, *, request_id: str, continue_processing: bool, grounds: str, by: str, now: datetime
    ) -> dict[str, Any]:
        """A person weighs an objection to further processing: compelling grounds to continue (recorded, and the
        applicant reads them), or the objection upheld (processing stays stopped)."""
        grounds = check_reason(grounds, field_name="grounds")

        def job(connection: Connection) -> dict[str, Any]:
            request = get_request(connection, request_id, for_update=True)
            if request["kind"] != RequestKind.OBJECTION.value or request["details"].get("scope") != "processing":
                raise Conflict("only an objection to further processing is weighed this way")
            limit_id = (request["result"] or {}).get("limit_id")
            if continue_processing:
                if limit_id:
                    lift_limit(connection, limit_id=limit_id, by=by, reason=grounds, now=now, by_its_request=True)
                result = {"outcome": "continued", "grounds": grounds, "limit_id": limit_id}
            else:
                result = {"outcome": "upheld", "grounds": grounds, "limit_id": limit_id}
            return complete_request(connection, request_id=request_id, result=result, by=by, now=now)

        return self.db.writer.write(job)

    def erase(self, *, request_id: str, by: str, now: datetime) -> dict[str, Any]:
        """Carry out an erasure request over all of the person's applications: erase what no legal hold keeps, and
        refuse the rest with the holds' reasons (all of it refused when everything is held)."""

        def job(connection: Connection) -> dict[str, Any]:
            request = get_request(connection, request_id, for_update=True)
            if request["kind"] != RequestKind.ERASURE.value:
                raise Conflict(f"this is a {request['kind']} request, not an erasure")
            if request["state"] != "open":
                raise Conflict(f"the request is {request['state']} already")
            outcome = erase_subject(
                connection,
                request["subject_keys"],
                request_id=request_id,
                now=now,
                insurance_file_months=self.config.retention["accepted_after_cover_end"].months,
            )
            refusal = None
            if outcome.held:
                language = request["language"]
                reasons = sorted(
                    {hold.reason.in_language(language) for holds in outcome.held.values() for hold in holds}
                )
                refusal = " ".join(reasons)
            everything_held = bool(outcome.held) and not outcome.erased and not outcome.already_erased
            return complete_request(
                connection,
                request_id=request_id,
                result=_told(outcome.as_dict()),
                by=by,
                now=now,
                refusal_reason=refusal,
                refused=everything_held,
            )

        return self.db.writer.write(job)

    def refuse(self, *, request_id: str, reason: str, by: str, now: datetime) -> dict[str, Any]:
        """Refuse with reasons; a limit placed when the request was filed (an objection) is lifted with them."""

        def job(connection: Connection) -> dict[str, Any]:
            request = get_request(connection, request_id, for_update=True)
            limit_id = (request["result"] or {}).get("limit_id")
            refused = refuse_request(connection, request_id=request_id, reason=reason, by=by, now=now)
            if limit_id and request["state"] == "open":
                lift_limit(connection, limit_id=limit_id, by=by, reason=reason, now=now, by_its_request=True)
            return refused

        return self.db.writer.write(job)


def _told(result: dict[str, Any]) -> dict[str, Any]:
    """An erasure's result as the applicant may read it: which applications were erased, and what was kept and why,
    in the hold's own words, without its kind, dates or ids (a sanctions hold is worded as a legal duty to keep
    records, so nothing here tells anyone that a sanctions screening matched them)."""
    held = [{"application_id": hold["application_id"], "reason": hold["reason"]} for hold in result.get("held", [])]
    # the rows removed per table stay in the `erasures` record: their counts could hint at what a check found
    return {"erased": result.get("erased", []), "already_erased": result.get("already_erased", []), "held": held}
