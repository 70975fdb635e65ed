"""One end-to-end test in a real browser: the README's start command (`underwrite serve --ui`, development, demo
staff and cases) on a fresh SQLite file, and Debian's Chromium driven by Playwright: log in as the demo
underwriter, open a referred case, claim it, decide it with a rationale, and check through the applicant API that
the applicant sees the person's decision. A screenshot of the case page is saved as a test artifact."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from engine.config import DEVELOPMENT_SECRET, PROJECT_ROOT
from engine.decision.tokens import applicant_token
from engine.review.demo import DEMO_STAFF_PASSWORD

ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("UNDERWRITE_REQUIRE_BROWSER"):
            pytest.fail("UNDERWRITE_REQUIRE_BROWSER is set but no chromium was found")
        pytest.skip("no chromium on this machine")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, *, seconds: float, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the system stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class System:
    api: str
    ui: str


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    """The whole system as the README starts it: API and review UI, development demo data, a fresh database."""
    api_port, ui_port = _free_port(), _free_port()
    log = tmp_path / "serve.log"
    environment = {
        **os.environ,
        "UNDERWRITE_ENVIRONMENT": "development",
        "UNDERWRITE_DATABASE_URL": f"sqlite:///{tmp_path / 'underwrite.db'}",
        "UNDERWRITE_LOG_JSON": "false",
    }
    command = [str(Path(sys.executable).parent / "underwrite"), "serve", "--ui", "--port", str(api_port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--ui-port", str(ui_port)],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(f"http://127.0.0.1:{api_port}/health/ready", seconds=120, process=process, log=log)
        _wait_for(f"http://127.0.0.1:{ui_port}/_stcore/health", seconds=60, process=process, log=log)
        yield System(api=f"http://127.0.0.1:{api_port}", ui=f"http://127.0.0.1:{ui_port}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _referred_case(api: str) -> dict[str, str]:
    """A demo case the demo underwriter may claim and accept: a referral routed to any underwriter."""
    login = httpx.post(
        f"{api}/v1/staff/sessions", json={"username": "underwriter", "password": DEMO_STAFF_PASSWORD}, timeout=10
    )
    assert login.status_code == 201, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    queue = httpx.get(
        f"{api}/v1/staff/cases", params={"reason": "referred", "route": "underwriting"}, headers=headers, timeout=10
    )
    assert queue.status_code == 200, queue.text
    cases: list[dict[str, str]] = queue.json()["items"]
    assert cases, "the demo data put no underwriting referral in the queue"
    return cases[0]


def test_an_underwriter_works_a_case_in_a_real_browser(system: System) -> None:
    from playwright.sync_api import expect, sync_playwright

    case = _referred_case(system.api)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(system.ui)

            page.get_by_label("Username", exact=True).fill("underwriter")
            page.get_by_label("Password", exact=True).fill(DEMO_STAFF_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Queue")).to_be_visible()

            picker = page.get_by_label("Case to open")  # the picker's labels end in the case id
            picker.click()
            page.keyboard.type(case["id"])
            page.keyboard.press("Enter")
            page.get_by_role("button", name="Open case").click()
            expect(page.get_by_text(case["id"]).first).to_be_visible()

            page.get_by_role("button", name="Claim").click()
            expect(page.get_by_role("button", name="Record decision")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "review-ui-case.png"))
            page.get_by_text("accepted", exact=True).click()
            page.get_by_label("Rationale").fill(
                "The earlier cancellation followed a move abroad; no claims since and the premium was always paid."
            )
            page.get_by_label("Explanation for the applicant").fill(
                "De eerdere opzegging hield verband met uw verhuizing; daarna zijn er geen schades geweest."
            )
            page.screenshot(path=str(ARTIFACTS / "review-ui-decision.png"))
            page.get_by_role("button", name="Record decision").click()
            expect(page.get_by_text("Decision recorded: accepted")).to_be_visible()
        finally:
            browser.close()

    token = applicant_token(DEVELOPMENT_SECRET.encode(), case["decision_id"])
    seen = httpx.get(
        f"{system.api}/v1/applicant/decisions/{case['decision_id']}",
        headers={"X-Applicant-Token": token},
        timeout=10,
    )
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["basis"] == "human" and body["outcome"] == "accepted" and body["status"] == "decided"
    assert body["decision_id"] != case["decision_id"]
    assert "verhuizing" in body["reasons"][0]["text"]
    assert [decision["basis"] for decision in body["history"]] == ["automated", "human"]
