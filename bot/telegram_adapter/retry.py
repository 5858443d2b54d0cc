"""Send-retry policy for Bot API calls: which failures are retried, with what backoff.

A retried call must never show a message twice, and Telegram offers no way to ask whether a
message was delivered. So failures are sorted by whether the server can have acted on the call:

* **certainly not processed**: the connection could not be opened (``ConnectError``,
  ``ConnectTimeout``), no pooled connection was free (``PoolTimeout``), the request body could
  not be written (``WriteError``, ``WriteTimeout``: a server acts on a complete body only).
  Retried for every method.
* **answered with a server error** (HTTP 5xx: "Internal Server Error", "Bad Gateway", ...):
  Telegram's front ends answer 5xx when the call did not get through to the Bot API server.
  Retried for every method.
* **disconnected without an answer** (``RemoteProtocolError``): by far the most common cause is
  a pooled keep-alive connection the server closed just as we reused it, before reading the
  request; the emulator's "drop" fault is this case too (it never runs the method). Retried.
  Honest limit: if a real server crashed *after* sending the message and before answering, a
  retry shows it twice. We accept that rare duplicate rather than lose the reply.
* **ambiguous** (``ReadTimeout``, ``ReadError``, unknown transport errors): the server may be
  processing the call right now (the emulator's "delay" fault, or a slow Telegram). Calls that
  create something (``send*`` except ``sendChatAction``, ``copyMessage``, ``forwardMessage``,
  ``createForumTopic``) are *not* retried, and they get a generous read timeout
  (`RetryPolicy.send_read_timeout`) so that a slow answer is waited for rather than given up
  on. Idempotent calls (edits, answers, chat actions, reads) are retried.
* **never retried**: 400 (the request itself is wrong), 403 (the user blocked the bot, or the
  bot is not in the chat), 401/404, 409, and 429 (the rate limiter owns ``retry_after``).

Backoff: exponential from `base_delay`, capped at `max_delay`, with full jitter, at most
`attempts` tries and no new try once `budget` seconds have passed since the first one.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.metrics import BOT_API_ERRORS

log = logging.getLogger("bot.adapter.retry")
T = TypeVar("T")

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError,
             httpx.WriteTimeout)
_DISCONNECTED = (httpx.RemoteProtocolError,)
_SERVER_ERROR = re.compile(
    r"\(5\d\d\)|internal server error|bad gateway|service unavailable|gateway time-?out", re.I)
_CREATING_PREFIXES = ("send_", "copy_message", "forward_message", "create_forum_topic")
_NOT_CREATING = frozenset({"send_chat_action"})


def creates_something(method: str) -> bool:
    """Whether a (snake_case) Bot method creates a message or topic, so must not run twice."""
    return method.startswith(_CREATING_PREFIXES) and method not in _NOT_CREATING


def failure_class(err: BaseException) -> str:
    """'not_sent', 'server_error', 'disconnected', 'ambiguous' or 'final' (never retry)."""
    if not isinstance(err, NetworkError) or isinstance(err, BadRequest):
        return "final"  # 400, 401, 403, 404, 409, 429 and other API answers
    cause = err.__cause__
    if isinstance(cause, _NOT_SENT):
        return "not_sent"
    if isinstance(cause, _DISCONNECTED):
        return "disconnected"
    if cause is None or isinstance(cause, TelegramError):  # the server answered with a status
        return "server_error" if _SERVER_ERROR.search(err.message) else "final"
    return "ambiguous"  # read timeouts and errors, unknown transport failures


def should_retry(err: BaseException, method: str) -> bool:
    """Whether a failed call of `method` may be tried again without risking a duplicate."""
    kind = failure_class(err)
    if kind in ("not_sent", "server_error", "disconnected"):
        return True
    return kind == "ambiguous" and not creates_something(method)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter; see the module docstring."""

    attempts: int = 4
    base_delay: float = 0.3
    max_delay: float = 3.0
    budget: float = 10.0
    send_read_timeout: float = 30.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1-based): full jitter."""
        return random.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))

    async def call(self, method: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` until it succeeds or a failure must not (or can no longer) be retried."""
        started = time.monotonic()
        tries = 0
        while True:
            tries += 1
            try:
                return await attempt()
            except TelegramError as err:
                if not should_retry(err, method) or tries >= self.attempts:
                    raise
                pause = self.delay(tries)
                if time.monotonic() - started + pause > self.budget:
                    raise
                BOT_API_ERRORS.labels(method, "retried").inc()
                log.warning("%s failed (%s), retry %d in %.2f s", method,
                            failure_class(err), tries, pause)
                await asyncio.sleep(pause)


def _rewind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Seek file arguments back to the start, so a retried upload sends the whole file."""
    for value in (*args, *kwargs.values()):
        seek = getattr(value, "seek", None)
        if callable(seek) and hasattr(value, "read"):
            seek(0)


class RetryingBot:
    """Wraps a PTB ``Bot``: every coroutine method goes through a `RetryPolicy`.

    Creating methods get `RetryPolicy.send_read_timeout` unless the caller passes one.
    """

    def __init__(self, bot: Any, policy: RetryPolicy | None = None) -> None:
        self._bot = bot
        self._policy = policy or RetryPolicy()

    @property
    def wrapped(self) -> Any:
        """The PTB bot underneath."""
        return self._bot

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._bot, name)
        if not callable(target) or not asyncio.iscoroutinefunction(target):
            return target
        policy = self._policy

        async def call(*args: Any, **kwargs: Any) -> Any:
            if creates_something(name):
                kwargs.setdefault("read_timeout", policy.send_read_timeout)

            async def attempt() -> Any:
                _rewind(args, kwargs)
                return await target(*args, **kwargs)

            return await policy.call(name, attempt)

        return call
