"""Login rate limiting: failures per client address and per user name in a sliding window."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    """After ``allowed`` failures within ``window_s`` a key is refused until the window ends.

    Client addresses (keys starting ``ip:``) get ``ip_factor`` times more: colleagues behind
    one proxy should not lock each other out, while one account is still guarded tightly.
    """

    def __init__(self, allowed: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic, ip_factor: int = 4) -> None:
        self.allowed = allowed
        self.ip_factor = ip_factor
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> float:
        """Seconds until every key may try again (0 when none is blocked)."""
        wait = 0.0
        for key in keys:
            times = self._recent(key)
            limit = self.allowed * (self.ip_factor if key.startswith("ip:") else 1)
            if len(times) >= limit:
                wait = max(wait, self.window_s - (self.clock() - times[0]))
        return wait

    def fail(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())
        if len(self._failures) > 10_000:
            self._failures = {k: v for k, v in self._failures.items() if v}

    def succeed(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
