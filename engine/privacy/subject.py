"""Who a request is about: a data subject is found by the keyed hashes their applications are filed under (name
and date of birth, e-mail and date of birth; see `SubjectKeyRecord`), so that one request covers all of a person's
applications, the ones filed with another e-mail address or from another home too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, insert, select

from engine.checks.fraud import person_fingerprint
from engine.domain.application import Application, AvbApplication, AvpApplication
from engine.review.intake import identity_keys
from engine.store.tables import ApplicationPersonalDataRecord, ApplicationRecord, SubjectKeyRecord, table_of

_keys = table_of(SubjectKeyRecord)
_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_APPLICATION: TypeAdapter[AvpApplication | AvbApplication] = TypeAdapter(Application)


def parse_application(payload: dict[str, Any]) -> AvpApplication | AvbApplication:
    """A stored application payload as the typed application it was received as."""
    return _APPLICATION.validate_python(payload)


def keys_of_application(connection: Connection, application_id: str) -> list[str]:
    """The identity keys an application is filed under (empty for an unknown application)."""
    rows = connection.execute(select(_keys.c.identity_key).where(_keys.c.application_id == application_id))
    return sorted(rows.scalars())


def applications_of(connection: Connection, keys: Iterable[str]) -> list[str]:
    """Every application of the person with any of these identity keys, oldest first."""
    keys = sorted(set(keys))
    if not keys:
        return []
    ids = select(_keys.c.application_id).where(_keys.c.identity_key.in_(keys))
    rows = connection.execute(
        select(_applications.c.id).where(_applications.c.id.in_(ids)).order_by(_applications.c.received_at)
    )
    return list(rows.scalars())


def subject_of(connection: Connection, application_id: str) -> list[str]:
    """All identity keys of the person an application is about: its own keys, widened by the keys of the person's
    other applications found through them (a person who changed e-mail address is still found by name and date of
    birth, and the other way round). One step only, so two people never merge through a chain of shared keys."""
    own = keys_of_application(connection, application_id)
    if not own:
        return []
    found = set(own)
    for other in applications_of(connection, own):
        found.update(keys_of_application(connection, other))
    return sorted(found)


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
                {"application_id": application_id, "identity_key": key}
                for application_id, payload in missing
                for key in identity_keys(parse_application(payload), secret=secret)
            ]
            if rows:
                connection.execute(insert(_keys), rows)
        filed += len(missing)
        if len(missing) < batch:
            return filed
