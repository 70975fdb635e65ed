"""Access and portability (Art. 15 and 20 GDPR): one machine-readable export of everything held about a person, as
a JSON document (:func:`subject_export`) and as a ZIP of CSV files, one per table-like part (:func:`export_csv`).

A person is the set of identity keys their applications are filed under (see `engine.privacy.subject`); the export
reaches every row linked to them through those keys, their applications, their decisions, their review cases and
requests. Every table in the database is classified below as exported (and how its rows link to the person) or as
holding nothing about an applicant; a new table must be classified before the tests pass.

What is withheld, as the decision notice withholds it (`engine.decision.service`): whatever concerns our
fraud-prevention and sanctions screening. A reason routed to the fraud or the compliance role shows as the one neutral
reason ADDITIONAL_VERIFICATION with its neutral text; the acceptance rules of those reasons (and every rule over a
fraud or sanctions fact) are left out and counted; fraud and sanctions facts are left out, and so is the entry in the
insurers' incident register (`claims.incident_register`, the fraud role's) and every fact a rule routed to the fraud
or compliance role uses in any stored policy version: one fixed mask, the same for everyone, whichever policy decided;
the fraud and sanctions checks, and every check detail restricted to a role, show as one withheld entry. A check that
may carry a confidential fact or restrict a finding to a role (the claims-history check: an incident-register entry)
shows in one shape for everyone: without its confidential facts and without any role it is restricted to, with the
status it would have without them (`hit` when a fact shown is found, `clear` when none is, `unavailable` as it
was), and its details with their confidential part (the incident-register entries) left out and folded into the
decision's one withheld entry, whether or not there was any. A review case on the fraud or compliance route shows as
`restricted`, and a member of the fraud or compliance staff as "a member of staff" in the role `staff`; sanctions
re-screening alerts are left out; every legal hold shows in one shape: the application it is on, the reason the
applicant reads (a sanctions hold's worded as a legal duty to keep records) and whether it is still in force, without
its kind, dates, ids or staff. The document says so, with the legal ground (Art. 41 UAVG / Art. 23(1)(d) GDPR:
prevention and detection of criminal offences such as insurance fraud; sanctions law), in the same words for
everyone, so that neither the statement nor the shape of what is withheld tells the person whether, or which,
suspicion there was: telling would defeat the investigation, and the matches concern third parties."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from sqlalchemy import Connection, false, or_, select

from engine.decision.core import DUTCH_TIME
from engine.decision.service import CONFIDENTIAL_ROUTES, NEUTRAL_CODE
from engine.domain.checks import CheckStatus
from engine.domain.facts import CHECK_FACTS
from engine.policy.facts import fact_namespace
from engine.policy.loader import referenced_facts
from engine.privacy.config import PrivacyConfig
from engine.privacy.holds import HOLD_TEXTS, HoldKind
from engine.privacy.subject import applications_of, keys_of_application, person_keys
from engine.store.tables import (
    ApiClientRecord,
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    CheckDetailRecord,
    DecisionRecord,
    ErasureRecord,
    HumanDecisionTextRecord,
    IdentifierSightingRecord,
    LegalHoldRecord,
    ObjectionRecord,
    PolicyVersionRecord,
    PrivacyRequestEventRecord,
    PrivacyRequestRecord,
    ProcessingLimitKeyRecord,
    ProcessingLimitRecord,
    ReviewCaseRecord,
    ReviewEventRecord,
    ScreeningAlertRecord,
    StaffAccessRecord,
    StaffAccountRecord,
    SubjectKeyRecord,
    table_of,
)

FORMAT = {"name": "underwrite-subject-export", "version": 1}

# --- which tables hold what about a person --------------------------------------------------------------------------

# Every table whose rows are about an applicant: how a row links to the person, and where it shows in the export.
ABOUT_A_PERSON: dict[str, str] = {
    "applications": "its id is one of the person's applications (subject_keys) -> applications",
    "application_personal_data": "application_id -> applications[].application (null once erased)",
    "subject_keys": "application_id (the identity keys themselves) -> applications[].identity_keys",
    "decision_records": "application_id -> applications[].decisions",
    "check_details": "decision_id of the person's decisions -> applications[].decisions[].check_details",
    "human_decision_texts": "decision_id of the person's decisions -> applications[].decisions[].human_decision",
    "identifier_sightings": "person (the fraud-velocity person key of their applications) -> identifier_sightings",
    "screening_alerts": "application_id -> withheld entirely (sanctions re-screening), said so under `withheld`",
    "review_cases": "application_id -> review_cases",
    "review_events": "case_id of the person's review cases -> review_cases[].events",
    "staff_access_log": "application_id, decision_id or case_id of the person's -> staff_access",
    "automated_decision_objections": "identity_key or application_id -> objections",
    "privacy_requests": "application_id (the application it was filed from) -> privacy_requests",
    "privacy_request_events": "request_id of the person's requests -> privacy_requests[].events",
    "processing_limits": "a key of theirs in processing_limit_keys -> processing_limits",
    "processing_limit_keys": "key is one of their identity or person keys -> processing_limits[].keys",
    "legal_holds": "application_id -> legal_holds",
    "erasures": "application_id -> erasures",
}

# Every table that holds nothing about an applicant, and why.
NOT_ABOUT_AN_APPLICANT: dict[str, str] = {
    "api_clients": "the form clients and their key hashes (a client's name is shown as `received_from`)",
    "policy_versions": "the acceptance policies (a decision's policy version is in its record)",
    "audit_chain_head": "the head of the decision chain: a sequence number and a hash",
    "staff_accounts": "our staff (their display name and role are shown in the access log)",
    "staff_sessions": "our staff's logins",
    "automation_suspensions": "automated decisions switched off per product",
    "model_activations": "which risk model a product uses",
    "retention_runs": "runs of the retention schedule, counts only",
}

# --- withholding ----------------------------------------------------------------------------------------------------

# One ground for everything withheld, whichever kind it is: a ground per kind would tell which suspicion there was.
WITHHELD_GROUND: dict[str, str] = {
    "nl": "Art. 41 UAVG / art. 23 lid 1 onder d AVG: het voorkomen en opsporen van strafbare feiten, waaronder "
    "verzekeringsfraude, en de naleving van sanctiewetgeving (Sanctiewet 1977).",
    "en": "Art. 41 UAVG (Dutch GDPR Implementation Act) / Art. 23(1)(d) GDPR: the prevention and detection of "
    "criminal offences, including insurance fraud, and compliance with sanctions law (Sanctions Act 1977).",
}
WITHHELD_WHAT: dict[str, str] = {
    "nl": "Om verzekeringsfraude te voorkomen en op te sporen en om de sanctiewetgeving na te leven, geven wij een "
    "deel van onze controles niet prijs: de uitkomsten, gegevens en details van onze fraude- en sanctiecontroles "
    "en van controles die alleen bepaalde medewerkers mogen zien, de acceptatieregels en redenen die daarover gaan "
    "(een reden staat er, zoals in uw beslissing, als ADDITIONAL_VERIFICATION), herhaalde sanctiecontroles, en "
    "welk team van ons uw dossier behandelde (als 'staff' of 'restricted'). Dit staat in ieder overzicht en zegt "
    "niets over of er iets gevonden is.",
    "en": "To prevent and detect insurance fraud and to comply with sanctions law, we do not disclose part of our "
    "checks: the results, facts and details of our fraud and sanctions screening and of checks only certain staff "
    "may see, the acceptance rules and reasons about them (a reason shows, as in your decision notice, as "
    "ADDITIONAL_VERIFICATION), repeated sanctions screening, and which of our teams handled your file (as 'staff' "
    "or 'restricted'). This is in every export and says nothing about whether anything was found.",
}
CONFIDENTIAL_CHECKS = frozenset({"fraud", "sanctions"})  # the checks whose results are the fraud and compliance roles'
CONFIDENTIAL_FACTS = tuple(f"{fact_namespace(check)}." for check in sorted(CONFIDENTIAL_CHECKS))
INCIDENT_FACT = f"{fact_namespace('claims_history')}.incident_register"  # the insurers' incident register: fraud's
# Besides the fraud and sanctions checks: the checks that restrict a finding to a role (the claims-history check, an
# incident-register entry, to the fraud role). They, and every check with a confidential fact, show in one shape.
RESTRICTABLE_CHECKS = frozenset({"claims_history"})
WITHHELD = "withheld"  # a withheld check or check detail's name
RESTRICTED = "restricted"  # a fraud or compliance route, or a check restricted to a role
STAFF_ROLE = "staff"  # the role of a member of the fraud or compliance staff
STAFF_NAME = "a member of staff"  # their name
LEGAL_DUTY = "legal_duty"  # a sanctions hold's kind in a privacy request's result or events
LEGAL_DUTY_TEXT: dict[str, str] = {
    "nl": "Bewaard omdat de wet ons verplicht deze gegevens te bewaren.",
    "en": "Kept because the law requires us to keep these records.",
}
LEGAL_DUTY_REASON = f"{LEGAL_DUTY_TEXT['en']} / {LEGAL_DUTY_TEXT['nl']}"


def withheld_ground(role: str | None = None) -> dict[str, str]:
    """The legal ground for withholding what only the fraud or compliance role may see: the same for either role
    (``role`` is accepted for callers that know it, and ignored), so the ground does not tell which it was."""
    del role
    return dict(WITHHELD_GROUND)


@dataclass(frozen=True, slots=True)
class _Mask:
    """What to withhold, the same for everyone: the reason (and rule) codes routed to the fraud or compliance role
    in any stored policy version, the facts those rules use, and the incident-register fact; with the fraud and
    sanctions fact namespaces."""

    codes: frozenset[str]
    facts: frozenset[str]

    def confidential_reason(self, reason: dict[str, Any]) -> bool:
        return reason.get("route") in CONFIDENTIAL_ROUTES or reason.get("code") in self.codes

    def confidential_fact(self, name: str) -> bool:
        return name.startswith(CONFIDENTIAL_FACTS) or name in self.facts

    def confidential_rule(self, rule: dict[str, Any]) -> bool:
        used = [*(rule.get("facts_used") or {}), *(rule.get("missing_facts") or [])]
        return rule.get("code") in self.codes or any(self.confidential_fact(name) for name in used)

    def screened(self, check: str) -> bool:
        """Whether a check (other than the fraud and sanctions checks) may carry a confidential fact or restrict a
        finding to a role: then it shows in one shape for everyone, whatever it found."""
        return check in RESTRICTABLE_CHECKS or any(
            self.confidential_fact(spec.name) for spec in CHECK_FACTS.get(check, ())
        )

    def codes_of(self, codes: Iterable[str] | None) -> list[str] | None:
        """Review case reason codes, with the confidential ones as the one neutral code."""
        if codes is None:
            return None
        return sorted({NEUTRAL_CODE if code in self.codes else code for code in codes})


def _policy_rules(value: Any) -> Iterator[dict[str, Any]]:
    """Every rule (a mapping with a code) anywhere in a policy document."""
    if isinstance(value, dict):
        if "code" in value:
            yield value
        for item in value.values():
            yield from _policy_rules(item)
    elif isinstance(value, list):
        for item in value:
            yield from _policy_rules(item)


def _mask_for(connection: Connection) -> _Mask:
    """The mask, from every stored policy version (the engine stores each one it loads, before any decision under
    it), so that it does not depend on which policies decided about the person: a decision under a version without
    a rule over a confidential fact still does not show that fact."""
    codes: set[str] = set()
    facts: set[str] = {INCIDENT_FACT}
    for (source,) in connection.execute(select(_policies.c.source).order_by(_policies.c.content_hash)):
        for rule in _policy_rules(yaml.safe_load(source) or {}):
            if rule.get("route") in CONFIDENTIAL_ROUTES:
                codes.add(str(rule.get("code")))
                facts.update(referenced_facts(str(rule.get("when") or "")))
    return _Mask(codes=frozenset(codes), facts=frozenset(facts))


def _staff_view(member: _Staff | None) -> _Staff | None:
    """A member of staff as the export shows them: the fraud and compliance staff as a neutral member of staff."""
    if member is not None and member.role in CONFIDENTIAL_ROUTES:
        return _Staff(STAFF_NAME, STAFF_ROLE)
    return member


def _role_view(role: Any) -> Any:
    return STAFF_ROLE if role in CONFIDENTIAL_ROUTES else role


def _route_view(route: Any) -> Any:
    return RESTRICTED if route in CONFIDENTIAL_ROUTES else route


# What a refusal under a sanctions hold quoted, now and before its words were made neutral (requests keep the text).
_SANCTIONS_TEXTS = {
    HOLD_TEXTS[HoldKind.SANCTIONS].nl: "nl",
    HOLD_TEXTS[HoldKind.SANCTIONS].en: "en",
    "De wet (Sanctiewet 1977) verplicht ons de gegevens van een sanctiecontrole te bewaren tot vijf jaar na het einde "
    "van de sanctieregeling.": "nl",
    "The law (Dutch Sanctions Act 1977) requires us to keep the records of a sanctions screening until five years "
    "after the sanction regime has ended.": "en",
}


def _scrubbed(value: Any) -> Any:
    """A privacy request's result or event data, or an erasure's counts, as the export shows them: a sanctions hold
    as a legal duty with the neutral text, and no count of sanctions re-screening alerts."""
    if isinstance(value, dict):
        out = {key: _scrubbed(item) for key, item in value.items() if key != "screening_alerts"}
        if out.get("kind") == HoldKind.SANCTIONS.value:
            out["kind"] = LEGAL_DUTY
            if "reason" in out:
                out["reason"] = dict(LEGAL_DUTY_TEXT) if isinstance(out["reason"], dict) else LEGAL_DUTY_REASON
        return out
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    if isinstance(value, str):
        for text, language in _SANCTIONS_TEXTS.items():
            value = value.replace(text, LEGAL_DUTY_TEXT[language])
    return value


# --- the JSON document ----------------------------------------------------------------------------------------------

_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_subject_keys = table_of(SubjectKeyRecord)
_clients = table_of(ApiClientRecord)
_decisions = table_of(DecisionRecord)
_details = table_of(CheckDetailRecord)
_texts = table_of(HumanDecisionTextRecord)
_sightings = table_of(IdentifierSightingRecord)
_alerts = table_of(ScreeningAlertRecord)
_cases = table_of(ReviewCaseRecord)
_events = table_of(ReviewEventRecord)
_access = table_of(StaffAccessRecord)
_accounts = table_of(StaffAccountRecord)
_objections = table_of(ObjectionRecord)
_requests = table_of(PrivacyRequestRecord)
_request_events = table_of(PrivacyRequestEventRecord)
_limits = table_of(ProcessingLimitRecord)
_limit_keys = table_of(ProcessingLimitKeyRecord)
_holds = table_of(LegalHoldRecord)
_erasures = table_of(ErasureRecord)
_policies = table_of(PolicyVersionRecord)


def _in(column: Any, values: Sequence[str]) -> Any:
    return column.in_(list(values)) if values else false()


def _rows(connection: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in connection.execute(query).mappings()]


def _plain(value: Any) -> Any:
    """A value as JSON has it: timestamps and dates as ISO 8601 text, containers recursively."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def subject_export(
    connection: Connection, keys: Iterable[str], *, now: datetime, config: PrivacyConfig | None = None
) -> dict[str, Any]:
    """Everything held about the person with these identity keys, as a JSON-able document: their applications (as
    received, or null once erased) with each decision (reasons in Dutch and English, the rules evaluated, facts,
    check results with their source and data version, the model's score and contributions, the notice sent, and for
    a person's decision their rationale and explanation), check details, review cases with their statements,
    corrections and events, legal holds, erasures, privacy requests with their events, objections to automated
    decision-making, processing limits, fraud-velocity sightings, and who of our staff viewed their data, when.
    With ``config``, also who receives such data and how long each kind is kept.

    Withheld as the decision notice withholds it, and said so under `withheld` with the legal ground (the same for
    everyone): see the module's docstring."""
    application_ids = applications_of(connection, sorted(set(keys)))
    # every key of every one of their applications: limits and objections filed from any of them are theirs
    identity = sorted(set(keys).union(*(keys_of_application(connection, a) for a in application_ids)))
    people = person_keys(connection, application_ids)
    decisions = _rows(connection, select(_decisions).where(_in(_decisions.c.application_id, application_ids)))
    decisions.sort(key=lambda row: row["seq"])
    decision_ids = [row["id"] for row in decisions]
    cases = _rows(
        connection,
        select(_cases).where(_in(_cases.c.application_id, application_ids)).order_by(_cases.c.opened_at, _cases.c.id),
    )
    case_ids = [row["id"] for row in cases]
    staff = _staff_names(connection)
    mask = _mask_for(connection)

    document: dict[str, Any] = {
        "format": dict(FORMAT),
        "generated_at": now,
        "subject": {"identity_keys": identity, "person_keys": people},
        "applications": _applications_part(connection, application_ids, decisions, mask),
        "review_cases": _cases_part(connection, cases, staff, mask),
        "legal_holds": [
            _hold(row, today=now.astimezone(DUTCH_TIME).date())
            for row in _rows(
                connection,
                select(_holds)
                .where(_in(_holds.c.application_id, application_ids))
                .order_by(_holds.c.placed_at, _holds.c.id),
            )
        ],
        "erasures": [
            row | {"removed": _scrubbed(row["removed"])}
            for row in _rows(
                connection,
                select(_erasures).where(_in(_erasures.c.application_id, application_ids)).order_by(_erasures.c.id),
            )
        ],
        "privacy_requests": _requests_part(connection, application_ids, staff),
        "objections": _rows(
            connection,
            select(_objections)
            .where(or_(_in(_objections.c.identity_key, identity), _in(_objections.c.application_id, application_ids)))
            .order_by(_objections.c.id),
        ),
        "processing_limits": _limits_part(connection, [*identity, *people], staff),
        "identifier_sightings": _sightings_part(connection, people),
        "staff_access": _access_part(connection, application_ids, decision_ids, case_ids, staff),
        "withheld": {"what": dict(WITHHELD_WHAT), "ground": withheld_ground()},
    }
    if config is not None:
        document["controller"] = config.controller.model_dump(mode="json")
        document["recipients"] = {name: r.text.model_dump() for name, r in config.recipients.items()}
        document["retention"] = {name: rule.model_dump(mode="json") for name, rule in config.retention.items()}
    plain: dict[str, Any] = _plain(document)
    return plain


@dataclass(frozen=True, slots=True)
class _Staff:
    display_name: str
    role: str


def _staff_names(connection: Connection) -> dict[str, _Staff]:
    """Staff by id and by username (events name their actor by username)."""
    out: dict[str, _Staff] = {}
    for row in connection.execute(
        select(_accounts.c.id, _accounts.c.username, _accounts.c.display_name, _accounts.c.role)
    ):
        member = _Staff(row.display_name, row.role)
        out[row.id] = member
        out[row.username] = member
    return out


def _applications_part(
    connection: Connection, application_ids: list[str], decisions: list[dict[str, Any]], mask: _Mask
) -> list[dict[str, Any]]:
    rows = _rows(
        connection,
        select(_applications, _clients.c.name.label("received_from"))
        .outerjoin(_clients, _clients.c.id == _applications.c.client_id)
        .where(_in(_applications.c.id, application_ids))
        .order_by(_applications.c.received_at, _applications.c.id),
    )
    payloads = {
        row["application_id"]: row["payload"]
        for row in _rows(connection, select(_personal).where(_in(_personal.c.application_id, application_ids)))
    }
    keys: dict[str, list[str]] = {}
    for row in _rows(connection, select(_subject_keys).where(_in(_subject_keys.c.application_id, application_ids))):
        keys.setdefault(row["application_id"], []).append(row["identity_key"])
    decision_ids = [d["id"] for d in decisions]
    details: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(
        connection,
        select(_details).where(_in(_details.c.decision_id, decision_ids)).order_by(_details.c.check),
    ):
        details.setdefault(row["decision_id"], []).append(row)
    texts = {
        row["decision_id"]: row
        for row in _rows(connection, select(_texts).where(_in(_texts.c.decision_id, decision_ids)))
    }
    out = []
    for row in rows:
        out.append(
            {
                "id": row["id"],
                "product": row["product"],
                "received_at": row["received_at"],
                "received_from": row["received_from"],
                "supersedes": row["supersedes_id"],
                "superseded_by": row["superseded_by"],
                "cover_ended_on": row["cover_ended_on"],
                "erased_at": row["erased_at"],
                "identity_keys": sorted(keys.get(row["id"], [])),
                "application": payloads.get(row["id"]),
                "decisions": [
                    _decision(d, _details_shown(d["id"], details.get(d["id"], []), mask), texts.get(d["id"]), mask)
                    for d in decisions
                    if d["application_id"] == row["id"]
                ],
            }
        )
    return out


def _claims_details(details: dict[str, Any]) -> dict[str, Any]:
    """The claims register's registrations without the incident-register entries (the fraud role's)."""
    registrations = details.get("registrations") or []
    return {"registrations": [r for r in registrations if not (isinstance(r, dict) and r.get("kind") == "incident")]}


# The part of a screened check's details anyone may see; a screened check not here has its details withheld whole.
_OPEN_DETAILS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"claims_history": _claims_details}


def _details_shown(decision_id: str, rows: list[dict[str, Any]], mask: _Mask) -> list[dict[str, Any]]:
    """A decision's check details: those anyone may see as they are; those of the fraud and sanctions checks and
    those restricted to a role as one withheld entry (neither which checks nor how many). A screened check's details
    (see :meth:`_Mask.screened`) show the same way whatever it found: their open part as they are, whatever could be
    confidential in the withheld entry, whether or not there was any."""
    out: list[dict[str, Any]] = []
    withheld = False
    for row in rows:
        details = row["details"]
        if row["check"] in CONFIDENTIAL_CHECKS:
            withheld = True
            continue
        if mask.screened(row["check"]) or row["restricted_to"] is not None:
            withheld = True
            shown = _OPEN_DETAILS.get(row["check"])
            if shown is None or not isinstance(details, dict):
                continue
            details = shown(details)
        out.append(
            {
                "decision_id": decision_id,
                "check": row["check"],
                "restricted_to": None,
                "withheld": False,
                "ground": None,
                "details": details,
            }
        )
    if withheld:
        out.append(
            {
                "decision_id": decision_id,
                "check": WITHHELD,
                "restricted_to": RESTRICTED,
                "withheld": True,
                "ground": withheld_ground(),
                "details": None,
            }
        )
    return out


def _status_without(status: Any, facts: Any) -> Any:
    """A screened check's status as it would be without its confidential facts: `hit` when a fact shown is found
    (a count above zero, true), `clear` when none is; `unavailable` (no facts at all) as it was."""
    if status == CheckStatus.UNAVAILABLE.value:
        return status
    found = isinstance(facts, dict) and any(bool(value) for value in facts.values())
    return CheckStatus.HIT.value if found else CheckStatus.CLEAR.value


def _checks_shown(checks: list[dict[str, Any]], mask: _Mask) -> list[dict[str, Any]]:
    """A decision's check results: the fraud and sanctions checks as one withheld entry (no status, facts or
    source); the others without the facts the mask withholds and without the role they may be restricted to; a
    screened check (see :meth:`_Mask.screened`) with the status it would have without its confidential facts."""
    out: list[dict[str, Any]] = []
    withheld = False
    for check in checks:
        if check["check"] in CONFIDENTIAL_CHECKS:
            withheld = True
            continue
        prefix = f"{fact_namespace(check['check'])}."
        shown = {key: value for key, value in check.items() if key not in ("details_sha256", "restricted_to")}
        if isinstance(shown.get("facts"), dict):
            shown["facts"] = {k: v for k, v in shown["facts"].items() if not mask.confidential_fact(prefix + k)}
        if mask.screened(check["check"]) or check.get("restricted_to"):
            withheld = True
            shown["status"] = _status_without(check.get("status"), shown.get("facts"))
        out.append(shown)
    if withheld:
        out.append({"check": WITHHELD, "withheld": True, "ground": withheld_ground()})
    return out


def _reasons_shown(reasons: list[dict[str, Any]], mask: _Mask) -> list[dict[str, Any]]:
    """A decision's reasons as its notice shows them: those routed to the fraud or compliance role as one neutral
    reason, with their (neutral) applicant text."""
    out: list[dict[str, Any]] = []
    for reason in reasons:
        if mask.confidential_reason(reason):
            if any(item["code"] == NEUTRAL_CODE for item in out):
                continue
            out.append(
                {
                    "code": NEUTRAL_CODE,
                    "effect": reason.get("effect"),
                    "source": reason.get("source"),
                    "route": RESTRICTED,
                    "text": reason["applicant_text"],
                    "underwriter_text": None,
                }
            )
            continue
        out.append(
            {
                "code": reason["code"],
                "effect": reason.get("effect"),
                "source": reason.get("source"),
                "route": reason.get("route"),
                "text": reason["applicant_text"],
                "underwriter_text": reason.get("underwriter_text"),
            }
        )
    return out


def _decision(
    row: dict[str, Any], details: list[dict[str, Any]], texts: dict[str, Any] | None, mask: _Mask
) -> dict[str, Any]:
    score = row["score"]
    model = None
    if score:
        factors = {factor["feature"]: factor for factor in score.get("factors", [])}
        model = {
            "version": score["model"]["version"],
            "content_hash": score["model"]["content_hash"],
            "probability": score["probability"],
            "base_logit": score.get("base_logit"),
            "contributions": [
                {
                    "feature": feature,
                    "contribution": value,
                    "effect": factors.get(feature, {}).get("effect"),
                    "text": factors.get(feature, {}).get("text"),
                }
                for feature, value in score.get("contributions", {}).items()
            ],
            "counterfactual": score.get("counterfactual"),
        }
    human = None
    review = row["review"]
    if review is not None:
        confidential = review.get("role") in CONFIDENTIAL_ROUTES  # the fraud or compliance staff's own reasoning
        human = {
            "case_id": review.get("case_id"),
            "reviewer_role": _role_view(review.get("role")),
            "conditions": review.get("conditions"),
            "rationale": texts["rationale"] if texts and not confidential else None,
            "applicant_explanation": texts["applicant_explanation"] if texts else None,
        }
    rules = row["rules"] or []
    shown_rules = [rule for rule in rules if not mask.confidential_rule(rule)]
    return {
        "id": row["id"],
        "application_id": row["application_id"],
        "replaces": row["replaces_id"],
        "decided_at": row["decided_at"],
        "product": row["product"],
        "outcome": row["outcome"],
        "basis": row["basis"],
        "advice": row["advice"],
        "processed": row["processed"],
        "policy_version": row["policy_version"],
        "reasons": _reasons_shown(row["reasons"] or [], mask),
        "rules": shown_rules,
        "rules_withheld": len(rules) - len(shown_rules),
        "facts": {name: value for name, value in (row["facts"] or {}).items() if not mask.confidential_fact(name)},
        "checks": _checks_shown(row["checks"] or [], mask),
        "model": model,
        "notice": row["notice"],
        "human_decision": human,
        "check_details": details,
    }


def _event_data(data: Any, actor: _Staff | None, staff: dict[str, _Staff]) -> Any:
    """A review event's data as the export shows it: roles and routes of the fraud and compliance staff neutral, a
    holder by their (neutral) name, and no note of the fraud or compliance staff."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    if "role" in out:
        out["role"] = _role_view(out["role"])
    for key in ("from_route", "to_route"):
        if key in out:
            out[key] = _route_view(out[key])
    if out.get("holder") is not None:
        holder = _staff_view(staff.get(out["holder"]))
        out["holder"] = holder.display_name if holder else out["holder"]
    if actor is not None and actor.role in CONFIDENTIAL_ROUTES and out.get("note") is not None:
        out["note"] = None
        out["note_withheld"] = True
    return out


def _cases_part(
    connection: Connection, cases: list[dict[str, Any]], staff: dict[str, _Staff], mask: _Mask
) -> list[dict[str, Any]]:
    events: dict[str, list[dict[str, Any]]] = {}
    query = select(_events).where(_in(_events.c.case_id, [c["id"] for c in cases])).order_by(_events.c.id)
    for row in _rows(connection, query):
        member = staff.get(row["actor"])
        actor = _staff_view(member)
        events.setdefault(row["case_id"], []).append(
            {
                "id": row["id"],
                "case_id": row["case_id"],
                "at": row["at"],
                "actor": actor.display_name if actor else row["actor"],
                "actor_role": actor.role if actor else None,
                "kind": row["kind"],
                "data": _event_data(row["data"], member, staff),
            }
        )
    out = []
    for case in cases:
        holder = _staff_view(staff.get(case["claimed_by"] or ""))
        out.append(
            {
                "id": case["id"],
                "application_id": case["application_id"],
                "decision_id": case["decision_id"],
                "product": case["product"],
                "reason": case["reason"],
                "route": _route_view(case["route"]),
                "state": case["state"],
                "opened_at": case["opened_at"],
                "due_at": case["due_at"],
                "claimed_by": holder.display_name if holder else None,
                "claimed_at": case["claimed_at"],
                "decided_at": case["decided_at"],
                "outcome_decision_id": case["outcome_decision_id"],
                "machine_view": case["machine_view"],
                "reason_codes": mask.codes_of(case["reason_codes"]),
                "insured_limit_eur": case["insured_limit_eur"],
                "statement": case["statement"],
                "corrections": case["corrections"],
                "events": events.get(case["id"], []),
            }
        )
    return out


def _actor(value: Any, staff: dict[str, _Staff]) -> Any:
    """Who did something (a staff id or username, or a name given on the command line): a member of the fraud or
    compliance staff as a neutral member of staff, anyone else as recorded."""
    member = staff.get(value) if isinstance(value, str) else None
    return STAFF_NAME if member is not None and member.role in CONFIDENTIAL_ROUTES else value


def _actors(row: dict[str, Any], staff: dict[str, _Staff], *columns: str) -> dict[str, Any]:
    """The row's actor ``columns``, as :func:`_actor` shows them."""
    return {column: _actor(row[column], staff) for column in columns if column in row}


def _hold(row: dict[str, Any], *, today: date) -> dict[str, Any]:
    """A legal hold as the export shows it, in one shape whatever its kind: the application it is on, the reason the
    applicant reads when it keeps their data (a sanctions hold's worded as a legal duty to keep records), and
    whether it is still in force (not released, its end date not passed); without its kind, dates, ids or staff."""
    text = HOLD_TEXTS[HoldKind(row["kind"])]
    return {
        "application_id": row["application_id"],
        "reason": text.model_dump(),
        "in_force": row["released_at"] is None and (row["until"] is None or row["until"] >= today),
    }


def _requests_part(
    connection: Connection, application_ids: list[str], staff: dict[str, _Staff]
) -> list[dict[str, Any]]:
    requests = _rows(
        connection,
        select(_requests)
        .where(_in(_requests.c.application_id, application_ids))
        .order_by(_requests.c.received_at, _requests.c.id),
    )
    events: dict[str, list[dict[str, Any]]] = {}
    query = (
        select(_request_events)
        .where(_in(_request_events.c.request_id, [r["id"] for r in requests]))
        .order_by(_request_events.c.id)
    )
    for row in _rows(connection, query):
        row |= _actors(row, staff, "actor") | {"data": _scrubbed(row["data"])}
        events.setdefault(row["request_id"], []).append(row)
    for request in requests:
        request |= _actors(request, staff, "filed_by", "closed_by")
        request.pop("version", None)
        request["result"] = _scrubbed(request["result"])
        request["refusal_reason"] = _scrubbed(request["refusal_reason"])
        request["events"] = events.get(request["id"], [])
    return requests


def _limits_part(connection: Connection, keys: list[str], staff: dict[str, _Staff]) -> list[dict[str, Any]]:
    ids = select(_limit_keys.c.limit_id).where(_in(_limit_keys.c.key, keys))
    limits = _rows(
        connection, select(_limits).where(_limits.c.id.in_(ids)).order_by(_limits.c.started_at, _limits.c.id)
    )
    held: dict[str, list[dict[str, Any]]] = {}
    query = (
        select(_limit_keys)
        .where(_in(_limit_keys.c.limit_id, [limit["id"] for limit in limits]), _in(_limit_keys.c.key, keys))
        .order_by(_limit_keys.c.key_kind, _limit_keys.c.key)
    )
    for row in _rows(connection, query):
        held.setdefault(row["limit_id"], []).append(row)
    for limit in limits:
        limit |= _actors(limit, staff, "started_by", "lifted_by")
        limit["in_force"] = limit["lifted_at"] is None
        limit["keys"] = held.get(limit["id"], [])
    return limits


def _sightings_part(connection: Connection, people: list[str]) -> list[dict[str, Any]]:
    query = select(_sightings).where(_in(_sightings.c.person, people)).order_by(_sightings.c.kind, _sightings.c.key)
    return [
        {
            "kind": row["kind"],
            "key": row["key"],
            "person_key": row["person"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
        }
        for row in _rows(connection, query)
    ]


def _access_part(
    connection: Connection,
    application_ids: list[str],
    decision_ids: list[str],
    case_ids: list[str],
    staff: dict[str, _Staff],
) -> list[dict[str, Any]]:
    query = (
        select(_access)
        .where(
            or_(
                _in(_access.c.application_id, application_ids),
                _in(_access.c.decision_id, decision_ids),
                _in(_access.c.case_id, case_ids),
            )
        )
        .order_by(_access.c.at, _access.c.id)
    )
    out = []
    for row in _rows(connection, query):
        member = _staff_view(staff.get(row["staff_id"]))
        out.append(
            {
                "id": row["id"],
                "at": row["at"],
                "staff": member.display_name if member else None,
                "role": member.role if member else None,
                "action": row["action"],
                "application_id": row["application_id"],
                "decision_id": row["decision_id"],
                "case_id": row["case_id"],
            }
        )
    return out


# --- CSV ------------------------------------------------------------------------------------------------------------

# Each CSV file of the archive: what it holds, and its columns in order (applications.csv adds the application as
# received, one `application.<dotted path>` column per field, sorted).
CSV_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "applications": (
        "Your applications: when and from where we received them, their versions (a corrected application "
        "supersedes the earlier one), when cover ended, whether erased, the keys they are filed under, and the "
        "application as you sent it (empty once erased).",
        (
            "id",
            "product",
            "received_at",
            "received_from",
            "supersedes",
            "superseded_by",
            "cover_ended_on",
            "erased_at",
            "identity_keys",
        ),
    ),
    "decisions": (
        "Every decision about your applications: outcome, whether a computer or a person decided, the policy "
        "version, the facts used, how many acceptance rules are withheld, the risk model's version and score, and "
        "the notice we sent you.",
        (
            "id",
            "application_id",
            "replaces",
            "decided_at",
            "product",
            "outcome",
            "basis",
            "advice",
            "processed",
            "policy_version",
            "model_version",
            "model_probability",
            "rules_withheld",
            "facts",
            "notice",
        ),
    ),
    "reasons": (
        "The reasons of each decision, with their code and text in Dutch and English.",
        ("decision_id", "position", "code", "effect", "source", "route", "text_nl", "text_en", "underwriter_text"),
    ),
    "rules": (
        "Each acceptance rule evaluated for a decision: whether it applied (hit), did not, or could not be "
        "evaluated, and the facts it looked at.",
        ("decision_id", "position", "code", "effect", "result", "facts_used", "missing_facts"),
    ),
    "contributions": (
        "How much each fact contributed to the risk model's score (on the log-odds scale, compared with the "
        "average applicant), with the explanation given where there is one.",
        ("decision_id", "feature", "contribution", "effect", "text_nl", "text_en"),
    ),
    "checks": (
        "The checks made for each decision (credit, claims history, insolvency, identity): status, the source "
        "and its data version, and the facts found; the screening checks we do not disclose as one withheld row, "
        "with the legal ground.",
        (
            "decision_id",
            "check",
            "status",
            "source",
            "source_version",
            "retrieved_at",
            "error",
            "facts",
            "withheld",
            "ground_nl",
            "ground_en",
        ),
    ),
    "check_details": (
        "What lies behind a check's facts. Details we do not disclose are one withheld row, on the legal ground given.",
        ("decision_id", "check", "restricted_to", "withheld", "ground_nl", "ground_en", "details"),
    ),
    "human_decisions": (
        "Decisions taken by a member of our staff: their role, the conditions, their rationale and their "
        "explanation to you.",
        ("decision_id", "case_id", "reviewer_role", "conditions", "rationale", "applicant_explanation"),
    ),
    "review_cases": (
        "Reviews by a person: why (referred, contested, objected), their state and due date, your statement and "
        "corrections.",
        (
            "id",
            "application_id",
            "decision_id",
            "product",
            "reason",
            "route",
            "state",
            "opened_at",
            "due_at",
            "claimed_by",
            "claimed_at",
            "decided_at",
            "outcome_decision_id",
            "machine_view",
            "reason_codes",
            "insured_limit_eur",
            "statement",
            "corrections",
        ),
    ),
    "review_events": (
        "What happened in each review, in order, and who did it.",
        ("id", "case_id", "at", "actor", "actor_role", "kind", "data"),
    ),
    "legal_holds": (
        "Legal duties to keep your data (an open claim or dispute, records the law requires us to keep) despite "
        "erasure or retention: the application each is on, why, in Dutch and English, and whether it still holds.",
        ("application_id", "reason_nl", "reason_en", "in_force"),
    ),
    "erasures": (
        "Erasures of your applications' personal data: when, why, and what was removed.",
        ("id", "application_id", "at", "cause", "request_id", "category", "removed"),
    ),
    "privacy_requests": (
        "Your privacy requests (access, portability, rectification, restriction, erasure, objection) and how they "
        "were handled.",
        (
            "id",
            "kind",
            "state",
            "application_id",
            "language",
            "channel",
            "filed_by",
            "verification",
            "received_at",
            "due_at",
            "extended_at",
            "extension_reason",
            "details",
            "result",
            "refusal_reason",
            "closed_at",
            "closed_by",
            "subject_keys",
        ),
    ),
    "privacy_request_events": (
        "What happened to each privacy request, in order.",
        ("id", "request_id", "at", "actor", "kind", "data"),
    ),
    "processing_limits": (
        "Limits on what we do with your data (a restriction, an upheld objection, no marketing), and whether "
        "they are still in force.",
        (
            "id",
            "kind",
            "request_id",
            "started_at",
            "started_by",
            "lifted_at",
            "lifted_by",
            "lift_reason",
            "in_force",
        ),
    ),
    "processing_limit_keys": (
        "The keys (keyed hashes of your identity, or of you as fraud checks count people) each limit holds for.",
        ("limit_id", "key", "key_kind"),
    ),
    "objections": (
        "Your objections to automated decision-making, and the key of your identity they are filed under.",
        ("id", "application_id", "decision_id", "identity_key", "created_at"),
    ),
    "identifier_sightings": (
        "For fraud-prevention checks: which identifiers (e-mail, phone, IBAN, address, as hashes) you applied "
        "with, first and last seen.",
        ("kind", "key", "person_key", "first_seen", "last_seen"),
    ),
    "staff_access": (
        "Every time a member of our staff viewed your data: when, who (name and role), and what.",
        ("id", "at", "staff", "role", "action", "application_id", "decision_id", "case_id"),
    ),
}


def _dotted(value: Any, prefix: str) -> dict[str, Any]:
    """A nested mapping as dotted keys (lists stay values)."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _dotted(item, f"{prefix}.{key}")
        return out
    return {prefix: value}


def _text_cells(text: dict[str, str] | None) -> dict[str, str | None]:
    return {"text_nl": (text or {}).get("nl"), "text_en": (text or {}).get("en")}


def _grounds(ground: dict[str, str] | None) -> dict[str, str | None]:
    return {"ground_nl": (ground or {}).get("nl"), "ground_en": (ground or {}).get("en")}


def csv_tables(document: dict[str, Any]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """The document as tables: per CSV file, its columns and rows (values as in the document)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in CSV_FILES}
    payload_columns: set[str] = set()
    for application in document["applications"]:
        row = {key: application[key] for key in CSV_FILES["applications"][1]}
        if application["application"] is not None:
            row |= _dotted(application["application"], "application")
        payload_columns.update(key for key in row if key.startswith("application."))
        rows["applications"].append(row)
        for decision in application["decisions"]:
            model = decision["model"] or {}
            rows["decisions"].append(
                {key: decision.get(key) for key in CSV_FILES["decisions"][1]}
                | {"model_version": model.get("version"), "model_probability": model.get("probability")}
            )
            for position, reason in enumerate(decision["reasons"], start=1):
                rows["reasons"].append(
                    {"decision_id": decision["id"], "position": position, **reason, **_text_cells(reason["text"])}
                )
            for position, rule in enumerate(decision["rules"], start=1):
                rows["rules"].append({"decision_id": decision["id"], "position": position, **rule})
            for item in model.get("contributions", []):
                rows["contributions"].append({"decision_id": decision["id"], **item, **_text_cells(item["text"])})
            for check in decision["checks"]:
                rows["checks"].append({"decision_id": decision["id"], **check, **_grounds(check.get("ground"))})
            for detail in decision["check_details"]:
                rows["check_details"].append(detail | _grounds(detail["ground"]))
            if decision["human_decision"] is not None:
                rows["human_decisions"].append({"decision_id": decision["id"], **decision["human_decision"]})
    for case in document["review_cases"]:
        rows["review_cases"].append(case)
        rows["review_events"].extend(case["events"])
    for request in document["privacy_requests"]:
        rows["privacy_requests"].append(request)
        rows["privacy_request_events"].extend(request["events"])
    for limit in document["processing_limits"]:
        rows["processing_limits"].append(limit)
        rows["processing_limit_keys"].extend(limit["keys"])
    for hold in document["legal_holds"]:
        rows["legal_holds"].append(hold | {"reason_nl": hold["reason"]["nl"], "reason_en": hold["reason"]["en"]})
    for name in ("erasures", "objections", "identifier_sightings", "staff_access"):
        rows[name].extend(document[name])
    out: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for name, (_, columns) in CSV_FILES.items():
        header = list(columns) + (sorted(payload_columns) if name == "applications" else [])
        out[name] = (header, [{column: row.get(column) for column in header} for row in rows[name]])
    return out


def csv_cell(value: Any) -> str:
    """A value as one CSV cell: empty for null, true/false, numbers and text as they are, anything nested as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _readme(document: dict[str, Any]) -> str:
    lines = [
        f"{document['format']['name']} version {document['format']['version']}, generated at "
        f"{document['generated_at']}.",
        "",
        "Everything we hold about you, one CSV file per kind of record (UTF-8, comma-separated, a header row each).",
        "Empty cells are empty values; cells holding a list or a structure are JSON. Timestamps are ISO 8601 in UTC.",
        "The same data, in one document, is in the JSON export.",
        "",
    ]
    for name, (text, _) in CSV_FILES.items():
        lines.append(f"{name}.csv: {text}")
    withheld = document["withheld"]
    lines += ["", f"Withheld: {withheld['what']['en']}", f"Legal ground: {withheld['ground']['en']}"]
    return "\n".join(lines) + "\n"


def export_csv(document: dict[str, Any]) -> bytes:
    """The document (from :func:`subject_export`) as a ZIP archive: one CSV file per table-like part, with a
    README.txt saying what each file holds."""
    stamp = datetime.fromisoformat(document["generated_at"]).timetuple()[:6]  # the same document, the same bytes

    def member(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member("README.txt"), _readme(document).encode("utf-8"))
        for name, (header, rows) in csv_tables(document).items():
            text = io.StringIO(newline="")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows([csv_cell(row[column]) for column in header] for row in rows)
            archive.writestr(member(f"{name}.csv"), text.getvalue().encode("utf-8"))
    return buffer.getvalue()
