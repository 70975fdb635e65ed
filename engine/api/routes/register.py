"""The register of processing (Art. 30 GDPR), public: the privacy statement offers it on request."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from engine.api.deps import ServicesDep
from engine.decision.core import DUTCH_TIME
from engine.domain.application import Language
from engine.privacy.register import ProcessingRegisterOut, build_register, products_in_effect, read_config

router = APIRouter(prefix="/v1", tags=["privacy"])


@router.get(
    "/processing-register",
    response_model=ProcessingRegisterOut,
    summary="The register of processing activities, generated from the configuration the system runs on",
)
def get_processing_register(
    services: ServicesDep,
    lang: Annotated[Language, Query(description="nl (default) or en")] = Language.NL,
) -> ProcessingRegisterOut:
    """What personal data the system holds, why, on which legal basis, who receives it and how long it is kept, and
    how the automated decisions are made: per product the policy in effect with its rules and thresholds and the
    active risk model's features. `generated_from` names the hashes of the configuration, policies and models it was
    generated from. The conditions of fraud and sanctions rules are not published."""
    config, config_hash = read_config(services.settings.privacy_config)
    today = datetime.now(DUTCH_TIME).date()
    return build_register(
        config,
        config_hash=config_hash,
        products=products_in_effect(services.runtime, today),
        language=lang,
        as_of=today,
    )
