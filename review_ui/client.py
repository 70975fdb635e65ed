"""A small typed client of the staff API.

It wraps any ``httpx.Client`` whose base URL points at the engine, so FastAPI's ``TestClient`` (an ``httpx.Client``)
serves the tests and a plain client with a timeout serves the dashboard. It keeps the staff session's token and sends
it as ``Authorization: Bearer ...``; every refusal becomes an :class:`ApiError` with a sentence a reviewer can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from review_ui.models import (
    AutomationStatus,
    CaseDetail,
    CasePage,
    CaseSummary,
    DecisionDetail,
    DecisionPage,
    DecisionSummary,
    Overview,
    PrivacyRequestDetail,
    PrivacyRequestPage,
    ProcessingLimit,
    ProcessingLimitList,
    Session,
    Staff,
)

STAFF = "/v1/staff"
Model = TypeVar("Model", bound=BaseModel)
QueryValue = str | int | bool | date | None


class ApiError(Exception):
    """The API refused or failed a request: its HTTP status and a readable message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    @property
    def session_expired(self) -> bool:
        return self.status == 401

    def __str__(self) -> str:
        return self.message


def error_message(response: httpx.Response) -> str:
    """The ``detail`` of an error answer in words: a string as is, a list of problems as ``field: msg; ...``."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip() or response.reason_phrase or f"HTTP {response.status_code}"
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        return "; ".join(_problem(item) for item in detail) or f"HTTP {response.status_code}"
    if detail is None:
        return response.reason_phrase or f"HTTP {response.status_code}"
    return str(detail)


def _problem(item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item)
    loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
    message = str(item.get("msg", "invalid"))
    return f"{'.'.join(loc)}: {message}" if loc else message


@dataclass(frozen=True, slots=True)
class Download:
    """A file the API sent: its suggested name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


class ReviewApi:
    """The staff endpoints a reviewer uses, one method each."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.session: Session | None = None

    @property
    def staff(self) -> Staff | None:
        return self.session.staff if self.session is not None else None

    @property
    def logged_in(self) -> bool:
        return self.session is not None

    def forget_session(self) -> None:
        """Drop the token without asking the server (after it said the session has ended)."""
        self.session = None

    # -- session ----------------------------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> Session:
        body = self._request("POST", f"{STAFF}/sessions", json={"username": username, "password": password})
        self.session = _parse(Session, body)
        return self.session

    def logout(self) -> None:
        try:
            if self.session is not None:
                self._request("DELETE", f"{STAFF}/sessions/current")
        except ApiError as error:
            if not error.session_expired:
                raise
        finally:
            self.session = None

    def me(self) -> Staff:
        return _parse(Staff, self._request("GET", f"{STAFF}/me"))

    # -- queue and cases --------------------------------------------------------------------------------------------

    def cases(
        self,
        *,
        state: str | None = None,
        product: str | None = None,
        reason: str | None = None,
        route: str | None = None,
        code: str | None = None,
        due: str | None = None,
        mine: bool | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> CasePage:
        """The queue, soonest due first; ``code`` is one reason code (``CREDIT_ARREARS``)."""
        params = _query(
            state=state,
            product=product,
            reason=reason,
            route=route,
            code=code,
            due=due,
            mine=mine,
            limit=limit,
            offset=offset,
        )
        return _parse(CasePage, self._request("GET", f"{STAFF}/cases", params=params))

    def case(self, case_id: str) -> CaseDetail:
        return _parse(CaseDetail, self._request("GET", f"{STAFF}/cases/{case_id}"))

    def claim(self, case_id: str) -> CaseSummary:
        return _parse(CaseSummary, self._request("POST", f"{STAFF}/cases/{case_id}/claim"))

    def return_case(self, case_id: str, note: str) -> CaseSummary:
        return _parse(CaseSummary, self._request("POST", f"{STAFF}/cases/{case_id}/return", json={"note": note}))

    def forward(self, case_id: str, note: str) -> CaseSummary:
        """Compliance or fraud: the case is cleared, on to (senior) underwriting."""
        return _parse(CaseSummary, self._request("POST", f"{STAFF}/cases/{case_id}/forward", json={"note": note}))

    def release(self, case_id: str, note: str) -> CaseSummary:
        """Senior underwriter or admin: take a claimed case from its holder back to the queue."""
        return _parse(CaseSummary, self._request("POST", f"{STAFF}/cases/{case_id}/release", json={"note": note}))

    def decide(
        self,
        case_id: str,
        outcome: str,
        rationale: str,
        applicant_explanation: str,
        deductible_eur: int | None = None,
        exclusions: Iterable[str] = (),
    ) -> DecisionSummary:
        body: dict[str, Any] = {
            "outcome": outcome,
            "rationale": rationale,
            "applicant_explanation": applicant_explanation,
        }
        exclusion_list = [clause for clause in exclusions if clause.strip()]
        if deductible_eur is not None or exclusion_list:
            body["conditions"] = {"deductible_eur": deductible_eur, "exclusions": exclusion_list}
        return _parse(DecisionSummary, self._request("POST", f"{STAFF}/cases/{case_id}/decision", json=body))

    # -- decisions --------------------------------------------------------------------------------------------------

    def decisions(
        self,
        *,
        decision_id: str | None = None,
        outcome: str | None = None,
        basis: str | None = None,
        product: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> DecisionPage:
        params = _query(
            decision_id=decision_id,
            outcome=outcome,
            basis=basis,
            product=product,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
        return _parse(DecisionPage, self._request("GET", f"{STAFF}/decisions", params=params))

    def decision(self, decision_id: str) -> DecisionDetail:
        return _parse(DecisionDetail, self._request("GET", f"{STAFF}/decisions/{decision_id}"))

    # -- oversight --------------------------------------------------------------------------------------------------

    def overview(self, days: int = 30) -> Overview:
        return _parse(Overview, self._request("GET", f"{STAFF}/overview", params={"days": days}))

    def automation(self) -> AutomationStatus:
        return _parse(AutomationStatus, self._request("GET", f"{STAFF}/automation"))

    def suspend(self, product: str | None, reason: str) -> AutomationStatus:
        body = {"product": product, "reason": reason}
        return _parse(AutomationStatus, self._request("POST", f"{STAFF}/automation/suspend", json=body))

    def resume(self, product: str | None, reason: str) -> AutomationStatus:
        body = {"product": product, "reason": reason}
        return _parse(AutomationStatus, self._request("POST", f"{STAFF}/automation/resume", json=body))

    # -- privacy requests -------------------------------------------------------------------------------------------

    def privacy_requests(
        self,
        *,
        state: str | None = None,
        clock: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> PrivacyRequestPage:
        """Data-subject requests, soonest due first, with the open, nearly overdue and overdue ones counted."""
        params = _query(state=state, clock=clock, kind=kind, limit=limit, offset=offset)
        return _parse(PrivacyRequestPage, self._request("GET", f"{STAFF}/privacy-requests", params=params))

    def privacy_request(self, request_id: str) -> PrivacyRequestDetail:
        return _parse(PrivacyRequestDetail, self._request("GET", f"{STAFF}/privacy-requests/{request_id}"))

    def file_privacy_request(
        self,
        *,
        kind: str,
        verification_method: str,
        decision_id: str | None = None,
        application_id: str | None = None,
        statement: str | None = None,
        corrections: Iterable[Mapping[str, Any]] = (),
        scope: str | None = None,
    ) -> PrivacyRequestDetail:
        """File a request on a person's behalf (name one of their decisions or applications, and how their identity
        was verified)."""
        body: dict[str, Any] = {"kind": kind, "verification": {"method": verification_method}}
        if decision_id is not None:
            body["decision_id"] = decision_id
        if application_id is not None:
            body["application_id"] = application_id
        if statement:
            body["statement"] = statement
        correction_list = [dict(correction) for correction in corrections]
        if correction_list:
            body["corrections"] = correction_list
        if scope is not None:
            body["scope"] = scope
        return _parse(PrivacyRequestDetail, self._request("POST", f"{STAFF}/privacy-requests", json=body))

    def extend_privacy_request(self, request_id: str, reason: str, months: int) -> PrivacyRequestDetail:
        body = {"reason": reason, "months": months}
        return _parse(
            PrivacyRequestDetail, self._request("POST", f"{STAFF}/privacy-requests/{request_id}/extension", json=body)
        )

    def refuse_privacy_request(self, request_id: str, reason: str) -> PrivacyRequestDetail:
        body = {"reason": reason}
        return _parse(
            PrivacyRequestDetail, self._request("POST", f"{STAFF}/privacy-requests/{request_id}/refusal", json=body)
        )

    def carry_out_erasure(self, request_id: str) -> PrivacyRequestDetail:
        """Erase what no legal hold keeps; the rest is refused with the hold's reason."""
        return _parse(PrivacyRequestDetail, self._request("POST", f"{STAFF}/privacy-requests/{request_id}/erasure"))

    def decide_objection(self, request_id: str, *, continue_processing: bool, grounds: str) -> PrivacyRequestDetail:
        body = {"continue_processing": continue_processing, "grounds": grounds}
        path = f"{STAFF}/privacy-requests/{request_id}/objection-decision"
        return _parse(PrivacyRequestDetail, self._request("POST", path, json=body))

    def privacy_export(self, request_id: str, file_format: str = "json") -> Download:
        """The person's data as the API exports them (``json``, or ``csv``: a ZIP of tables); logged as a read."""
        path = f"{STAFF}/privacy-requests/{request_id}/export"
        response = self._send("GET", path, params={"format": file_format}, accept="application/json, application/zip")
        media_type = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        return Download(_filename(response, f"export-{request_id[:8]}.{file_format}"), media_type, response.content)

    def privacy_limits(self, request_id: str) -> list[ProcessingLimit]:
        """The processing limits (restriction, objections) of the request's person, lifted ones too."""
        body = self._request("GET", f"{STAFF}/privacy-requests/{request_id}/limits")
        return _parse(ProcessingLimitList, body).items

    def lift_limit(self, limit_id: str, reason: str) -> ProcessingLimit:
        body = {"reason": reason}
        return _parse(ProcessingLimit, self._request("POST", f"{STAFF}/privacy-limits/{limit_id}/lift", json=body))

    # -- transport --------------------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
    ) -> Any:
        response = self._send(method, path, params=params, json=json)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ApiError(502, f"the review API answered {method} {path} with something that is not JSON") from error

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        """One call with the session's token; a refusal or failure as an :class:`ApiError`."""
        headers = {"Accept": accept}
        if self.session is not None:
            headers["Authorization"] = f"Bearer {self.session.token}"
        try:
            response = self.http.request(method, path, params=params, json=json, headers=headers)
        except httpx.TimeoutException as error:
            raise ApiError(504, "the review API did not answer in time; try again") from error
        except httpx.TransportError as error:
            raise ApiError(503, f"the review API cannot be reached ({type(error).__name__})") from error
        if response.status_code == 401 and path != f"{STAFF}/sessions":
            self.session = None
        if response.is_error:
            raise ApiError(response.status_code, error_message(response))
        return response


def _filename(response: httpx.Response, default: str) -> str:
    """The file name the API suggests (``Content-Disposition: attachment; filename="..."``), else ``default``."""
    disposition = str(response.headers.get("content-disposition", ""))
    for part in disposition.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "filename" and value.strip('"'):
            return value.strip('"')
    return default


def _query(**values: QueryValue) -> dict[str, str | int]:
    """Query parameters without the unset ones; booleans as ``true``/``false``, dates as ISO dates."""
    params: dict[str, str | int] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, date):
            params[name] = value.isoformat()
        else:
            params[name] = value
    return params


def _parse(model: type[Model], body: Any) -> Model:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}" for problem in error.errors()[:5]
        )
        raise ApiError(
            502, f"the review API's answer does not match the contract ({model.__name__}): {problems}"
        ) from error
