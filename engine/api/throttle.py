"""Slowing down guessing: failed attempts (a wrong applicant token, a wrong password) are counted per key (the
client's address, a username) in a sliding window; past the limit the key is refused with 429 until the window
has moved on. In memory, per worker process: with N workers a guesser gets at most N times the limit."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FailureThrottle:
    max_failures: int = 10
    window_seconds: float = 300.0
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, *keys: str) -> int | None:
        """Seconds until any of ``keys`` may try again, or None when none is blocked."""
        now = self.clock()
        waits = []
        with self._lock:
            for key in keys:
                times = self._failures.get(key)
                if times is None:
                    continue
                while times and times[0] <= now - self.window_seconds:
                    times.popleft()
                if len(times) >= self.max_failures:
                    waits.append(times[0] + self.window_seconds - now)
                elif not times:
                    del self._failures[key]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                if key not in self._failures and len(self._failures) >= self.max_keys:
                    del self._failures[next(iter(self._failures))]  # bounded memory: forget the oldest key
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while len(times) > self.max_failures:
                    times.popleft()
