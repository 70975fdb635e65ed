"""The products this engine underwrites and the cover each offers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Product(StrEnum):
    AVP = "AVP"  # personal liability (particuliere aansprakelijkheid)
    AVB = "AVB"  # business liability (bedrijfsaansprakelijkheid)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    code: Product
    name_nl: str
    name_en: str
    insured_limits_eur: tuple[int, ...]
    deductibles_eur: tuple[int, ...]
    max_start_delay_days: int = 365


PRODUCT_SPECS: dict[Product, ProductSpec] = {
    Product.AVP: ProductSpec(
        code=Product.AVP,
        name_nl="Particuliere aansprakelijkheidsverzekering",
        name_en="Personal liability insurance",
        insured_limits_eur=(1_250_000, 2_500_000),
        deductibles_eur=(0, 100, 250),
    ),
    Product.AVB: ProductSpec(
        code=Product.AVB,
        name_nl="Bedrijfsaansprakelijkheidsverzekering",
        name_en="Business liability insurance",
        insured_limits_eur=(1_250_000, 2_500_000, 5_000_000),
        deductibles_eur=(0, 250, 500, 1_000, 2_500),
    ),
}
