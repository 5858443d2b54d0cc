"""Call recording, injectable faults and Telegram's flood limits."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.emulator._errors import too_many_requests

FaultKind = Literal["error", "429", "delay", "drop"]
MESSAGE_METHODS = frozenset({
    "sendmessage", "sendvideo", "sendphoto", "senddocument", "sendaudio", "sendvoice",
    "sendanimation", "sendsticker", "sendvideonote", "sendlocation", "sendcontact", "sendpoll",
    "senddice", "sendmediagroup", "sendvenue", "copymessage", "forwardmessage", "copymessages",
    "forwardmessages",
})


@dataclass
class RecordedCall:
    """One Bot API call as the emulator answered it."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None
    description: str | None
    time: float

    def to_json(self) -> dict[str, Any]:
        """JSON form for the control API."""
        return {
            "method": self.method, "params": self.params, "ok": self.ok,
            "error_code": self.error_code, "description": self.description, "time": self.time,
        }


@dataclass
class Fault:
    """The next `times` calls of `method` ("*" for any) fail or stall in the given way."""

    method: str
    kind: FaultKind
    times: int = 1
    status: int = 500
    retry_after: int = 5
    delay: float = 0.0

    def matches(self, method_key: str) -> bool:
        """Whether this fault applies to a (lower-cased) method name."""
        return self.times > 0 and self.method in ("*", method_key)

    def to_json(self) -> dict[str, Any]:
        """JSON form for the control API."""
        return {
            "method": self.method, "kind": self.kind, "times": self.times, "status": self.status,
            "retry_after": self.retry_after, "delay": self.delay,
        }


class FaultPlan:
    """Pending faults plus a constant latency added to every call."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.latency = 0.0

    def add(self, fault: Fault) -> None:
        """Queue a fault; its method name is matched case-insensitively."""
        fault.method = fault.method.lower()
        self.faults.append(fault)

    def take(self, method_key: str) -> Fault | None:
        """Consume one occurrence of the first fault matching this call."""
        for fault in self.faults:
            if fault.matches(method_key):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Drop every pending fault and the latency."""
        self.faults.clear()
        self.latency = 0.0


@dataclass
class _Bucket:
    """A token bucket: `capacity` tokens, refilled at `rate` per second."""

    capacity: float
    rate: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.stamp = now

    def wait_seconds(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class FloodLimiter:
    """Telegram's documented limits: per chat, per group per minute, overall per second."""

    def __init__(self) -> None:
        self.enabled = False
        self.configure()

    def configure(
        self,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 1,
        per_group_per_minute: int = 20,
        global_per_second: int = 30,
    ) -> None:
        """Set the limits (and forget the current buckets)."""
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.per_group_per_minute = per_group_per_minute
        self.global_per_second = global_per_second
        self._chat_buckets: dict[int, _Bucket] = {}
        self._group_buckets: dict[int, _Bucket] = {}
        self._global = _Bucket(global_per_second, global_per_second)

    def check(self, chat_id: int, is_group: bool) -> None:
        """Consume one message slot for `chat_id` or raise 429 with the wait in whole seconds."""
        if not self.enabled:
            return
        now = time.monotonic()
        buckets = [
            self._global,
            self._chat_buckets.setdefault(
                chat_id, _Bucket(self.per_chat_burst, self.per_chat_rate)
            ),
        ]
        if is_group:
            buckets.append(self._group_buckets.setdefault(
                chat_id, _Bucket(self.per_group_per_minute, self.per_group_per_minute / 60)
            ))
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.wait_seconds() for bucket in buckets)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1
