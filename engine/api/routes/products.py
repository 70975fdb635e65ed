"""What a form must show before the applicant submits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from engine.api.deps import ServicesDep
from engine.api.schemas import ErrorOut, NoticeOut, NoticeSectionOut
from engine.domain.application import Language
from engine.domain.products import Product
from engine.errors import NotFound

router = APIRouter(prefix="/v1/products", tags=["forms"])


@router.get(
    "/{code}/notice",
    response_model=NoticeOut,
    responses={404: {"model": ErrorOut, "description": "Unknown product or notice version."}},
    summary="The pre-decision notice a form must show, with its version",
)
def get_notice(
    code: str,
    services: ServicesDep,
    lang: Annotated[Language, Query(description="nl or en")] = Language.NL,
    version: Annotated[str | None, Query(description="A specific version; default: the current one.")] = None,
) -> NoticeOut:
    """Send the returned `version` back as `notice_version` in the application."""
    try:
        product = Product(code.upper())
    except ValueError:
        raise NotFound(code) from None
    notices = services.runtime.notices
    notice = notices.get(product, version) if version else notices.current(product)
    if notice is None:
        raise NotFound(code)
    language = lang.value
    return NoticeOut(
        product=product.value,
        version=notice.version,
        content_hash=notices.hashes[(product, notice.version)],
        effective_from=notice.effective_from,
        language=language,
        sections=[
            NoticeSectionOut(id=s.id, title=getattr(s.title, language), body=getattr(s.body, language))
            for s in notice.sections
        ],
    )
