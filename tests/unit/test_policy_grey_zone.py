"""The claims referrals cover the grey zone below the claims knockouts, so a knockout alone decides."""

from __future__ import annotations

import pytest

from engine.decision.core import decide
from engine.domain.decision import Outcome
from engine.domain.products import Product
from engine.policy import PolicyRegistry
from tests.factories import application, avb_body, avp_body, claims, clear_checks
from tests.unit.conftest import NOW, TODAY


@pytest.mark.parametrize(
    ("body", "outcome", "codes"),
    [
        pytest.param(avp_body(TODAY), Outcome.ACCEPTED, [], id="avp-no-claims"),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 30_000)),
            Outcome.REJECTED,
            ["CLAIMS_AMOUNT_HIGH"],
            id="avp-one-claim-above-total",
        ),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 15_000)),
            Outcome.REFERRED,
            ["LARGE_SINGLE_CLAIM"],
            id="avp-one-large-claim",
        ),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 20_000, 10_000)),
            Outcome.REJECTED,
            ["CLAIMS_AMOUNT_HIGH"],
            id="avp-two-claims-above-total",
        ),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 200, 300, 15_000)),
            Outcome.REJECTED,
            ["CLAIMS_FREQUENCY_HIGH"],
            id="avp-four-claims-one-large",
        ),
        pytest.param(
            avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 300_000)),
            Outcome.REJECTED,
            ["CLAIMS_AMOUNT_HIGH"],
            id="avb-one-claim-above-total",
        ),
        pytest.param(
            avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 60_000, 1_000)),
            Outcome.REFERRED,
            ["CLAIMS_SEVERAL", "LARGE_SINGLE_CLAIM"],
            id="avb-grey-zone",
        ),
    ],
)
def test_claims_knockouts_decide_alone_above_the_grey_zone(
    registry: PolicyRegistry, body: dict, outcome: Outcome, codes: list[str]
) -> None:
    app = application(body)
    decision = decide(app, policy=registry.active(Product(app.product)), now=NOW, check_results=clear_checks(NOW))
    assert decision.outcome is outcome
    assert [reason.code for reason in decision.reasons] == codes
