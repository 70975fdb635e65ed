"""Automation page: an admin sees and switches automated decisions per product; other roles do not get the page."""

from __future__ import annotations

import pytest

from engine.review.roles import Role
from review_ui.client import ApiError
from tests.ui.conftest import Backend
from tests.ui.support import dashboard, has_table, no_exception, table, texts


def test_an_admin_suspends_and_resumes_automation_for_one_product(backend: Backend) -> None:
    backend.add_staff("root", Role.ADMIN)
    at = dashboard(backend.reviewer("root")).switch_page("app_pages/automation.py").run()
    no_exception(at)
    assert "AVP: automated" in texts(at)
    assert "AVB: automated" in texts(at)

    at.selectbox(key="automation_product").set_value("AVP")
    at.text_area(key="automation_reason").input("Credit bureau feed is stale since this morning.")
    at.button(key="automation_suspend").click().run()

    no_exception(at)
    assert "Automation suspended for AVP." in [success.value for success in at.success]
    assert "AVP: suspended: a person decides" in texts(at)
    assert "AVB: automated" in texts(at)
    suspensions = table(at, "automation_suspensions")
    assert suspensions.to_dict("records")[0] | {"Since": ""} == {
        "Product": "AVP",
        "Reason": "Credit bureau feed is stale since this morning.",
        "By": "root",
        "Since": "",
    }
    assert backend.submit("avp-accepted")["outcome"] == "referred", "a person decides while automation is off"

    at.selectbox(key="automation_product").set_value("AVP")
    at.text_area(key="automation_reason").input("Feed is fresh again.")
    at.button(key="automation_resume").click().run()

    no_exception(at)
    assert "AVP: automated" in texts(at)
    assert not has_table(at, "automation_suspensions")


@pytest.mark.parametrize("role", [Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.AUDITOR])
def test_the_automation_page_is_not_there_for_other_roles(backend: Backend, role: Role) -> None:
    backend.add_staff("someone", role)
    api = backend.reviewer("someone")
    at = dashboard(api)

    no_exception(at)
    with pytest.raises(ValueError, match=r"automation\.py"):
        at.switch_page("app_pages/automation.py")
    with pytest.raises(ApiError) as refused:
        api.suspend("AVP", "not mine to switch")
    assert refused.value.status == 403
