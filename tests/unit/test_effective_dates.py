"""A policy takes effect on its `effective_from` day; notices and runtimes refuse to be set up wrongly."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from engine.decision.reasons import CORE_CODES
from engine.decision.service import DecisionRuntime
from engine.domain.products import Product
from engine.notice.predecision import NoticeError, NoticeRegistry
from engine.policy import PolicyError, PolicyRegistry
from tests.unit.conftest import POLICY_DIR

NOTICE_DIR = POLICY_DIR.parent / "notices"


def _with_future_version(tmp_path: Path, effective_from: str) -> PolicyRegistry:
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    (policies / "avp" / "1.2.0.yaml").unlink()  # the test's own 1.1.0 is the newest
    text = (policies / "avp" / "1.0.0.yaml").read_text()
    text = text.replace("version: 1.0.0", "version: 1.1.0").replace(
        'effective_from: "2026-11-01"', f'effective_from: "{effective_from}"'
    )
    (policies / "avp" / "1.1.0.yaml").write_text(text)
    return PolicyRegistry.from_directory(policies, reserved_codes=CORE_CODES)


def test_a_new_version_takes_effect_on_its_day(tmp_path: Path) -> None:
    registry = _with_future_version(tmp_path, "2027-01-01")
    assert registry.active(Product.AVP, date(2026, 12, 31)).version == "1.0.0"
    assert registry.active(Product.AVP, date(2027, 1, 1)).version == "1.1.0"
    assert registry.active(Product.AVP).version == "1.1.0"


def test_no_policy_in_effect_stops_start_up(tmp_path: Path) -> None:
    registry = PolicyRegistry.from_directory(POLICY_DIR, reserved_codes=CORE_CODES)
    with pytest.raises(PolicyError, match=r"no policy for AV[BP] is in effect on 2026-10-31"):
        registry.check_in_effect(date(2026, 10, 31))
    registry.check_in_effect(date(2026, 11, 1))


def test_a_notice_stored_under_the_wrong_name_is_refused(tmp_path: Path) -> None:
    notices = tmp_path / "notices"
    shutil.copytree(NOTICE_DIR, notices)
    (notices / "avp" / "1.0.0.yaml").rename(notices / "avp" / "2.0.0.yaml")
    with pytest.raises(NoticeError, match=r"must be stored as avp/1\.0\.0\.yaml"):
        NoticeRegistry.from_directory(notices)


def test_a_notice_version_must_be_semantic(tmp_path: Path) -> None:
    notices = tmp_path / "notices"
    shutil.copytree(NOTICE_DIR, notices)
    path = notices / "avp" / "1.0.0.yaml"
    path.write_text(path.read_text().replace("version: 1.0.0", "version: 2026-12"))
    with pytest.raises(NoticeError, match="version"):
        NoticeRegistry.from_directory(notices)


def test_checks_without_an_executor_are_refused(registry: PolicyRegistry) -> None:
    class FakeCheck:
        name, source, facts = "credit", "test", ()

    with pytest.raises(ValueError, match="no executor"):
        DecisionRuntime(
            policies=registry, notices=NoticeRegistry.from_directory(NOTICE_DIR), token_key=b"k", checks=[FakeCheck()]
        )
