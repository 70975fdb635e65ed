"""Who a request is about: a data subject is found by the keyed hashes their applications are filed under (see
`SubjectKeyRecord`). Two applications are the same person's when they share e-mail address and date of birth, or
name, date of birth and address: so one request covers the applications filed with another e-mail address, and
those filed from another home, but a namesake born the same day (another e-mail address, another address) is never
taken for them. Someone who changed both e-mail address and home is found by the privacy officer, not by a token."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, insert, select

from engine.checks.fraud import person_fingerprint
from engine.domain.application import Application, AvbApplication, AvpApplication
from engine.review.intake import address_key, identity_keys
from engine.store.tables import ApplicationPersonalDataRecord, ApplicationRecord, SubjectKeyRecord, table_of

_keys = table_of(SubjectKeyRecord)
_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_APPLICATION: TypeAdapter[AvpApplication | AvbApplication] = TypeAdapter(Application)


def parse_application(payload: dict[str, Any]) -> AvpApplication | AvbApplication:
    """A stored application payload as the typed application it was received as."""
    return _APPLICATION.validate_python(payload)


def subject_key_rows(application: AvpApplication | AvbApplication, *, secret: bytes) -> list[tuple[str, str]]:
    """An application's subject keys as (kind, key): the two keys objections are filed under (name and date of
    birth, e-mail and date of birth) and one of name, date of birth and address."""
    name_key, email_key = identity_keys(application, secret=secret)
    return [("name", name_key), ("email", email_key), ("address", address_key(application, secret=secret))]


MATCHING_KINDS = ("email", "address")  # what makes two applications one person's (never the name key alone)


def limit_keys(connection: Connection, keys: Iterable[str]) -> list[str]:
    """Of these subject keys, those a restriction or objection is matched on (e-mail, and name with address)."""
    rows = connection.execute(
        select(_keys.c.identity_key).where(
            _keys.c.identity_key.in_(sorted(set(keys))), _keys.c.kind.in_(MATCHING_KINDS)
        )
    )
    return sorted(set(rows.scalars()))


def keys_of_application(connection: Connection, application_id: str) -> list[str]:
    """The identity keys an application is filed under (empty for an unknown application)."""
    rows = connection.execute(select(_keys.c.identity_key).where(_keys.c.application_id == application_id))
    return sorted(rows.scalars())


def applications_of(connection: Connection, keys: Iterable[str]) -> list[str]:
    """Every application of the person with these subject keys (one application's keys: see :func:`subject_of`),
    oldest first: those filed under the same e-mail key or the same address key (name, date of birth and address),
    never through the name key alone."""
    keys = sorted(set(keys))
    if not keys:
        return []
    kinds: dict[str, set[str]] = defaultdict(set)
    for application_id, kind in connection.execute(
        select(_keys.c.application_id, _keys.c.kind).where(_keys.c.identity_key.in_(keys))
    ):
        kinds[application_id].add(kind)
    same = [a for a, found in kinds.items() if found & set(MATCHING_KINDS)]
    if not same:
        return []
    rows = connection.execute(
        select(_applications.c.id)
        .where(_applications.c.id.in_(same))
        .order_by(_applications.c.received_at, _applications.c.id)
    )
    return list(rows.scalars())


def subject_of(connection: Connection, application_id: str) -> list[str]:
    """The subject keys a request about the person of this application is filed under: the application's own keys
    (empty once they are erased). Never widened through other applications, so two people cannot merge through a
    chain of shared keys."""
    return keys_of_application(connection, application_id)


def person_keys(connection: Connection, application_ids: Sequence[str]) -> list[str]:
    """The fraud-velocity person keys of these applications (from their personal data, where still held)."""
    if not application_ids:
        return []
    rows = connection.execute(select(_personal.c.payload).where(_personal.c.application_id.in_(list(application_ids))))
    return sorted({person_fingerprint(parse_application(payload)) for payload in rows.scalars()})


def backfill_subject_keys(engine: Engine, *, secret: bytes, batch: int = 500) -> int:
    """File applications stored before subject keys existed under their keys (from their personal data); returns how
    many were filed. Run at start-up; cheap when there is nothing to do."""
    filed = 0
    while True:
        with engine.begin() as connection:
            missing = connection.execute(
                select(_personal.c.application_id, _personal.c.payload)
                .where(~_personal.c.application_id.in_(select(_keys.c.application_id)))
                .limit(batch)
            ).all()
            rows = [
                {"application_id": application_id, "kind": kind, "identity_key": key}
                for application_id, payload in missing
                for kind, key in subject_key_rows(parse_application(payload), secret=secret)
            ]
            if rows:
                connection.execute(insert(_keys), rows)
        filed += len(missing)
        if len(missing) < batch:
            return filed
