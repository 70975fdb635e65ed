"""The development demo data: it fills the review queue and the privacy requests, and leaves the README's example
as it says: accepted."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.examples import dutch_today, load_example
from engine.privacy.demo import seed_demo_requests
from engine.review.demo import seed_demo_cases
from engine.store.clients import get_client_by_key
from tests.conftest import Api


def test_the_demo_cases_fill_the_queue_and_the_readme_example_is_still_accepted(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    with services.db.engine.connect() as connection:
        client = get_client_by_key(connection, api.key)
    assert client is not None
    opened = seed_demo_cases(services.db, services.runtime, client_id=client.id, now=datetime.now(UTC))
    assert opened == 10

    cases = api.client.get("/v1/staff/cases", params={"limit": 50}, headers=api.staff("fraud")).json()["items"]
    assert any(case["route"] == "fraud" for case in cases), "one demo applicant shares an e-mail address: fraud"

    filed = seed_demo_requests(
        services.db, services.runtime, services.privacy.config, client_id=client.id, now=datetime.now(UTC)
    )
    assert filed == 3
    page = api.client.get("/v1/staff/privacy-requests", headers=api.staff("privacy")).json()
    assert page["open"] == 2 and {item["kind"] for item in page["items"]} == {"access", "erasure", "objection"}
    assert (
        seed_demo_requests(
            services.db, services.runtime, services.privacy.config, client_id=client.id, now=datetime.now(UTC)
        )
        == 0
    )

    decision = api.submit(load_example("avp-accepted", today=dutch_today())).json()
    assert (decision["outcome"], decision["reasons"]) == ("accepted", [])
