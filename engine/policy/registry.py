"""All policy versions on disk, per product; the newest is active, older ones stay loadable for replay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from engine.domain.products import Product
from engine.policy.facts import FactCatalogue
from engine.policy.loader import PolicyError, load_policy, load_policy_text
from engine.policy.model import Policy


def _semver_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@dataclass
class PolicyRegistry:
    policies: dict[Product, dict[str, Policy]] = field(default_factory=dict)
    catalogue_for: Callable[[Product], FactCatalogue] = FactCatalogue.for_product
    reserved_codes: frozenset[str] = frozenset()

    @classmethod
    def from_directory(
        cls,
        directory: Path,
        *,
        catalogue_for: Callable[[Product], FactCatalogue] = FactCatalogue.for_product,
        reserved_codes: Iterable[str] = (),
    ) -> PolicyRegistry:
        """Load every ``<product>/<version>.yaml`` under ``directory``; every product needs at least one."""
        registry = cls(catalogue_for=catalogue_for, reserved_codes=frozenset(reserved_codes))
        if not directory.is_dir():
            raise PolicyError(f"policy directory {directory} does not exist")
        for path in sorted(directory.glob("*/*.yaml")):
            policy = load_policy(path, catalogue_for=catalogue_for, reserved_codes=registry.reserved_codes)
            if path.parent.name.upper() != policy.product.value or path.stem != policy.version:
                raise PolicyError(
                    f"{path}: a policy for {policy.product} version {policy.version} must be stored as "
                    f"{policy.product.value.lower()}/{policy.version}.yaml"
                )
            registry.add(policy)
        missing = [product.value for product in Product if product not in registry.policies]
        if missing:
            raise PolicyError(f"{directory}: no policy for {', '.join(missing)}")
        return registry

    def add(self, policy: Policy) -> None:
        versions = self.policies.setdefault(policy.product, {})
        known = versions.get(policy.version)
        if known is not None and known.content_hash != policy.content_hash:
            raise PolicyError(
                f"policy {policy.product} {policy.version} exists with other content: "
                "give a changed policy a new version"
            )
        versions[policy.version] = policy

    def active(self, product: Product, on: date | None = None) -> Policy:
        """The newest version in effect on ``on`` (its ``effective_from`` reached); without a day, the newest."""
        versions = [p for p in self.policies[product].values() if on is None or p.effective_from <= on]
        if not versions:
            raise PolicyError(f"no policy for {product} is in effect on {on}")
        return max(versions, key=lambda policy: _semver_key(policy.version))

    def check_in_effect(self, on: date) -> None:
        """Refuse to start when a product would have no policy in effect today."""
        for product in self.policies:
            self.active(product, on)

    def get(self, product: Product, version: str) -> Policy | None:
        return self.policies.get(product, {}).get(version)

    def load_stored(self, source: str) -> Policy:
        """Compile a policy document kept in the database (for replay of a version no longer on disk)."""
        return load_policy_text(
            source,
            source_name="<stored policy>",
            catalogue_for=self.catalogue_for,
            reserved_codes=self.reserved_codes,
        )

    def all(self) -> list[Policy]:
        return [policy for versions in self.policies.values() for policy in versions.values()]
