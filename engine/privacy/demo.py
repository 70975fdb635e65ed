"""Development only: a few privacy requests on the demo applicants, filed through the real privacy desk on the first
start, so the Privacy requests page has something to show: an access request (ready at once), an erasure and an
objection to further processing (both waiting for the privacy officer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from engine.decision.service import DecisionRuntime
from engine.privacy.config import PrivacyConfig
from engine.privacy.requests import Asked, Channel, ObjectionScope, RequestKind
from engine.privacy.rights import PrivacyDesk
from engine.store.database import Database
from engine.store.tables import ApplicationPersonalDataRecord, ApplicationRecord, PrivacyRequestRecord, table_of

_DEMO = (
    Asked(RequestKind.ACCESS, statement="Ik wil graag weten welke gegevens u van mij heeft."),
    Asked(RequestKind.ERASURE, statement="Ik heb geen verzekering afgesloten; wis mijn gegevens alstublieft."),
    Asked(
        RequestKind.OBJECTION,
        scope=ObjectionScope.PROCESSING,
        statement="Ik wil niet dat u mijn gegevens verder gebruikt.",
    ),
)


def seed_demo_requests(
    db: Database, runtime: DecisionRuntime, config: PrivacyConfig, *, client_id: str, now: datetime
) -> int:
    """File the demo requests once (when there has never been a privacy request), each about another of the demo
    client's newest applications; returns how many were filed."""
    requests, applications = table_of(PrivacyRequestRecord), table_of(ApplicationRecord)
    personal = table_of(ApplicationPersonalDataRecord)
    with db.engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(requests)).scalar_one():
            return 0
        rows = connection.execute(
            select(applications.c.id, personal.c.payload)
            .join(personal, personal.c.application_id == applications.c.id)
            .where(applications.c.client_id == client_id, applications.c.superseded_by.is_(None))
            .order_by(applications.c.received_at, applications.c.id)
        ).all()
    # only the demo variants' people (never the shipped examples' applicant, whose README example must stay accepted)
    newest = [application_id for application_id, payload in rows if _is_demo_person(payload)][-len(_DEMO) :]
    desk = PrivacyDesk(db=db, runtime=runtime, config=config)
    for application_id, asked in zip(newest, _DEMO, strict=False):
        desk.file(
            application_id=application_id,
            asked=asked,
            channel=Channel.APPLICANT,
            filed_by="applicant",
            verification=None,
            now=now,
        )
    return min(len(newest), len(_DEMO))


def _is_demo_person(payload: dict[str, Any]) -> bool:
    return str(payload["applicant"]["email"]).endswith(".demo@example.nl")
