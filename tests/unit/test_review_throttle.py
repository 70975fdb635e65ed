"""The failure throttle: failed attempts per key in a sliding window, with a clock the test moves."""

from __future__ import annotations

import pytest

from engine.api.throttle import FailureThrottle


class Clock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> FailureThrottle:
    return FailureThrottle(max_failures=3, window_seconds=60.0, clock=clock)


def _fail(throttle: FailureThrottle, clock: Clock, key: str, times: int, *, every: float = 1.0) -> None:
    for _ in range(times):
        throttle.failed(key)
        clock.now += every


@pytest.mark.parametrize(("failures", "blocked"), [(0, False), (1, False), (2, False), (3, True), (7, True)])
def test_blocks_at_max_failures_within_the_window(
    throttle: FailureThrottle, clock: Clock, failures: int, blocked: bool
) -> None:
    _fail(throttle, clock, "ip:1", failures)
    assert (throttle.retry_after("ip:1") is not None) is blocked


def test_retry_after_counts_down_to_the_end_of_the_window(throttle: FailureThrottle, clock: Clock) -> None:
    start = clock.now
    _fail(throttle, clock, "ip:1", 3, every=5.0)  # failures at start, +5, +10; now start + 15
    assert throttle.retry_after("ip:1") == 45  # the first failure leaves the window at start + 60
    clock.now = start + 59.2
    assert throttle.retry_after("ip:1") == 1  # rounded up, never 0
    clock.now = start + 60.0
    assert throttle.retry_after("ip:1") is None  # the first failure has left the window: 2 of 3 remain
    throttle.failed("ip:1")  # a third failure within the window blocks again, until the second one leaves it
    assert throttle.retry_after("ip:1") == 5


def test_spread_out_failures_never_block(throttle: FailureThrottle, clock: Clock) -> None:
    for _ in range(20):
        throttle.failed("ip:1")
        assert throttle.retry_after("ip:1") is None
        clock.now += 30.0  # two per window at most


def test_unblocks_after_the_window(throttle: FailureThrottle, clock: Clock) -> None:
    _fail(throttle, clock, "ip:1", 3, every=0.0)
    assert throttle.retry_after("ip:1") == 60
    clock.now += 60.0
    assert throttle.retry_after("ip:1") is None


def test_keys_are_independent(throttle: FailureThrottle, clock: Clock) -> None:
    _fail(throttle, clock, "ip:1", 3)
    _fail(throttle, clock, "ip:2", 2)
    assert throttle.retry_after("ip:1") is not None
    assert throttle.retry_after("ip:2") is None
    assert throttle.retry_after("user:someone") is None
    # Any blocked key among several blocks the attempt (the routes pass one key each: address and decision, or
    # address and username; see tests/review/test_staff_login.py and test_applicant_actions.py).
    assert throttle.retry_after("ip:2", "ip:1") == throttle.retry_after("ip:1")


def test_one_failure_counts_for_every_key_given(throttle: FailureThrottle, clock: Clock) -> None:
    for _ in range(3):
        throttle.failed("ip:1", "user:anna")
    assert throttle.retry_after("user:anna") is not None
    assert throttle.retry_after("ip:1") is not None
    assert throttle.retry_after("user:bram") is None


def test_the_default_limit_is_ten_failures(clock: Clock) -> None:
    throttle = FailureThrottle(clock=clock)
    _fail(throttle, clock, "ip:1", 9, every=0.0)
    assert throttle.retry_after("ip:1") is None
    throttle.failed("ip:1")
    assert throttle.retry_after("ip:1") == 300
