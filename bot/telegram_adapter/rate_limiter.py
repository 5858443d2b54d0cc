"""A PTB rate limiter that paces messages per chat, per group and overall, and honours 429s."""

from __future__ import annotations

import asyncio
import bisect
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.errors import ConfigError

_LOGGER = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
ApiCallback = Callable[..., Coroutine[Any, Any, ApiResult]]
ChatKey = int | str

# Methods that put a message into a chat. Everything else (answerCallbackQuery,
# sendChatAction, getMe, setMyCommands, deleteMessage, createForumTopic, ...) is never delayed.
_MESSAGE_PREFIXES = ("send", "copymessage", "forwardmessage", "editmessage")
_NOT_MESSAGES = frozenset({"sendchataction"})

_GROUP_PERIOD_SECONDS = 60.0
_OVERALL_PERIOD_SECONDS = 1.0
# Two chats hit by a 429 within this many seconds are read as one bot-wide flood.
_OVERALL_FLOOD_WINDOW_SECONDS = 1.0
# Idle chat lanes are forgotten once there are more than this many.
_LANE_SWEEP_THRESHOLD = 1024
# Float slack, so a sleep that ends exactly on a boundary does not ask for another nanosleep.
_EPSILON_SECONDS = 1e-9


def is_message_method(endpoint: str) -> bool:
    """Whether a Bot API method posts or edits a message, and so counts against flood limits."""
    name = endpoint.lower()
    return name.startswith(_MESSAGE_PREFIXES) and name not in _NOT_MESSAGES


def _chat_key(chat_id: object) -> ChatKey | None:
    """The chat a request goes to: an int id, an ``@username``, or None when it has none."""
    if chat_id is None:
        return None
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    try:
        return int(text)
    except ValueError:
        return text


def _is_group(chat: ChatKey) -> bool:
    """Negative ids and ``@usernames`` are groups, supergroups or channels."""
    return isinstance(chat, str) or chat < 0


def _retry_after_seconds(exc: RetryAfter) -> float:
    """The pause a 429 asks for, whatever type PTB currently exposes it as."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _now() -> float:
    return asyncio.get_running_loop().time()


class _TokenBucket:
    """`rate` tokens per second, at most `burst` saved up; one token per message.

    The token is spent when the call returned, the latest moment the server can have seen it,
    so network jitter never brings two messages closer at the server than the bucket allows.
    """

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._updated: float | None = None

    def _refill(self, now: float) -> None:
        if self._updated is not None and now > self._updated:
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
        self._updated = now if self._updated is None else max(self._updated, now)

    def delay(self, now: float) -> float:
        self._refill(now)
        missing = 1.0 - self._tokens
        return missing / self._rate if missing > _EPSILON_SECONDS else 0.0

    def take(self) -> None:
        """The token is spent when the call returns, see `release`."""

    def release(self, returned_at: float) -> None:
        self._refill(returned_at)
        self._tokens -= 1.0

    def idle(self, now: float) -> bool:
        self._refill(now)
        return self._tokens >= self._burst


class _SlidingWindow:
    """At most `limit` messages in any `period` seconds, counted from when each call returned.

    A call occupies its slot from the moment it is sent until `period` after it returned: the
    server saw it somewhere in between, so no server-side window can hold more than `limit`.
    """

    def __init__(self, limit: int, period: float) -> None:
        self._limit = limit
        self._period = period
        self._in_flight = 0
        self._finished: list[float] = []  # sorted return times still inside the window

    def _prune(self, now: float) -> None:
        expired = bisect.bisect_right(self._finished, now - self._period + _EPSILON_SECONDS)
        del self._finished[:expired]

    def delay(self, now: float) -> float | None:
        """Seconds until a slot frees; None when every slot waits on a call still in flight."""
        self._prune(now)
        if self._in_flight + len(self._finished) < self._limit:
            return 0.0
        if not self._finished:
            return None
        return self._finished[0] + self._period - now

    def take(self) -> None:
        self._in_flight += 1

    def release(self, returned_at: float) -> None:
        self._in_flight -= 1
        bisect.insort(self._finished, returned_at)

    def idle(self, now: float) -> bool:
        self._prune(now)
        return self._in_flight == 0 and not self._finished


class _ChatLane:
    """One chat's FIFO queue, its pacing and its 429 pause."""

    def __init__(self, *paces: _TokenBucket | _SlidingWindow) -> None:
        self.lock = asyncio.Lock()  # FIFO: a released lock goes to its oldest waiter
        self.paces = paces
        self.paused_until = 0.0
        self.users = 0  # requests holding or queued on `lock`

    def delay(self, now: float) -> float:
        # A lane's own window never has a call in flight when it is asked: the lock serialises.
        waits = [pace.delay(now) or 0.0 for pace in self.paces]
        return max(*waits, self.paused_until - now)

    def take(self) -> None:
        for pace in self.paces:
            pace.take()

    def release(self, returned_at: float) -> None:
        for pace in self.paces:
            pace.release(returned_at)

    def idle(self, now: float) -> bool:
        idle_paces = all(pace.idle(now) for pace in self.paces)
        return self.users == 0 and self.paused_until <= now and idle_paces


class _OverallGate:
    """The bot-wide window, shared FIFO by the heads of all chat queues, and the global pause."""

    def __init__(self, per_second: int) -> None:
        self._window = _SlidingWindow(per_second, _OVERALL_PERIOD_SECONDS)
        self._queue = asyncio.Lock()
        self._changed = asyncio.Event()
        self.paused_until = 0.0

    async def acquire(self) -> None:
        async with self._queue:
            while True:
                now = _now()
                window_delay = self._window.delay(now)
                pause_delay = self.paused_until - now
                if window_delay == 0.0 and pause_delay <= 0:
                    self._window.take()
                    return
                if window_delay is None:  # wait for a call to return, or the pause to end
                    timeout = pause_delay if pause_delay > 0 else None
                else:
                    timeout = max(window_delay, pause_delay)
                self._changed.clear()
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout)
                except TimeoutError:
                    pass

    def release(self, returned_at: float) -> None:
        self._window.release(returned_at)
        self._changed.set()

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)
        self._changed.set()


@dataclass(frozen=True)
class RateLimiterStats:
    """A snapshot for metrics."""

    too_many_requests: int  # 429 answers seen since start
    overall_pauses: int  # 429s read as a bot-wide flood, which paused every chat
    waiting: int  # message requests queued or sleeping, not on the wire
    in_flight: int  # message requests on the wire
    paused_chats: int  # chats inside a retry_after pause
    tracked_chats: int  # chats with pacing state kept in memory


class ChatAwareRateLimiter(BaseRateLimiter[int]):
    """Keeps one process within Telegram's flood limits without letting one chat stall another.

    Message methods (``send*`` except ``sendChatAction``, ``copyMessage(s)``,
    ``forwardMessage(s)``, ``editMessage*``) are paced; every other method goes out at once.
    Edits count because Telegram throttles them like posts. Pacing, per message:

    * every chat: token bucket, ``per_chat_rate`` per second, ``per_chat_burst`` saved up
      (Telegram's "about one message per second" in a chat holds in groups too);
    * a group, supergroup or channel (negative id or ``@username``), in addition: at most
      ``group_per_minute`` in any 60 seconds;
    * the whole bot: at most ``overall_per_second`` in any second.

    Each chat is a FIFO queue with one request on the wire at a time, so its messages arrive in
    order; a queue waits for its own chat without holding any lock other chats need. Slots are
    freed from when a call *returned*, so network jitter cannot squeeze two messages closer at
    the server than the limits allow (the price: one round trip per chat message).

    A 429 pauses its chat for ``retry_after`` + ``retry_margin`` and retries, at most
    ``max_retries`` times (``rate_limit_args`` overrides per call), then re-raises the
    ``RetryAfter``: PTB's contract for rate limiters, and what callers that isolate failures per
    Bot API call by catching ``TelegramError`` (the action executor) expect.

    Telegram does not say which limit a 429 is for, so 429s from two different chats within a
    second (or one for a message with no chat) are read as a bot-wide flood and pause every
    message until the longest ``retry_after`` has passed. Other methods are never paused.
    """

    __slots__ = (
        "_group_per_minute",
        "_in_flight",
        "_lanes",
        "_max_retries",
        "_overall",
        "_overall_pauses",
        "_overall_per_second",
        "_per_chat_burst",
        "_per_chat_rate",
        "_recent_429s",
        "_retry_margin",
        "_sweep_at",
        "_too_many_requests",
        "_waiting",
    )

    def __init__(
        self,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 1,
        group_per_minute: int = 20,
        overall_per_second: int = 30,
        max_retries: int = 3,
        retry_margin: float = 0.1,
    ) -> None:
        if per_chat_rate <= 0 or per_chat_burst < 1:
            raise ConfigError("rate limiter: per_chat_rate must be > 0, per_chat_burst >= 1")
        if group_per_minute < 1 or overall_per_second < 1:
            raise ConfigError("rate limiter: group_per_minute, overall_per_second must be >= 1")
        if max_retries < 0 or retry_margin < 0:
            raise ConfigError("rate limiter: max_retries and retry_margin must be >= 0")
        self._per_chat_rate = per_chat_rate
        self._per_chat_burst = per_chat_burst
        self._group_per_minute = group_per_minute
        self._overall_per_second = overall_per_second
        self._max_retries = max_retries
        self._retry_margin = retry_margin
        self._lanes: dict[ChatKey, _ChatLane] = {}
        self._overall: _OverallGate | None = None
        self._recent_429s: deque[tuple[float, ChatKey]] = deque()
        self._sweep_at = _LANE_SWEEP_THRESHOLD
        self._too_many_requests = 0
        self._overall_pauses = 0
        self._waiting = 0
        self._in_flight = 0

    async def initialize(self) -> None:
        """Nothing to set up: state is created lazily on the running loop."""

    async def shutdown(self) -> None:
        """Forget all pacing state."""
        self._lanes.clear()
        self._overall = None

    @property
    def stats(self) -> RateLimiterStats:
        """Counters for metrics."""
        now = _now()
        return RateLimiterStats(
            too_many_requests=self._too_many_requests,
            overall_pauses=self._overall_pauses,
            waiting=self._waiting,
            in_flight=self._in_flight,
            paused_chats=sum(1 for lane in self._lanes.values() if lane.paused_until > now),
            tracked_chats=len(self._lanes),
        )

    async def process_request(
        self,
        callback: ApiCallback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        """Send one Bot API request when the limits allow; see the class docstring."""
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        if not is_message_method(endpoint):
            return await self._send_unpaced(callback, args, kwargs, endpoint, max_retries)
        chat = _chat_key(data.get("chat_id"))
        self._waiting += 1
        try:
            if chat is None:
                return await self._send_paced(None, callback, args, kwargs, endpoint, max_retries)
            lane = self._lane(chat)
            lane.users += 1
            try:
                async with lane.lock:
                    return await self._send_paced(
                        lane, callback, args, kwargs, endpoint, max_retries, chat
                    )
            finally:
                lane.users -= 1
        finally:
            self._waiting -= 1

    async def _send_unpaced(
        self,
        callback: ApiCallback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        max_retries: int,
    ) -> ApiResult:
        """A method that is never queued; only its own 429 makes it wait."""
        attempt = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                await asyncio.sleep(self._note_429(exc, endpoint, attempt, max_retries, None))
            attempt += 1

    async def _send_paced(
        self,
        lane: _ChatLane | None,
        callback: ApiCallback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        max_retries: int,
        chat: ChatKey | None = None,
    ) -> ApiResult:
        """Wait for the chat, then for the bot-wide window, then call; retry on 429."""
        overall = self._gate()
        attempt = 0
        while True:
            if lane is not None:
                while (delay := lane.delay(_now())) > 0:
                    await asyncio.sleep(delay)
            await overall.acquire()
            if lane is not None:
                lane.take()
            self._waiting -= 1
            self._in_flight += 1
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                # The pause lands on the lane or the gate, which the next turn waits for.
                self._note_429(exc, endpoint, attempt, max_retries, chat)
            finally:
                returned_at = _now()
                self._in_flight -= 1
                self._waiting += 1
                overall.release(returned_at)
                if lane is not None:
                    lane.release(returned_at)
            attempt += 1

    def _note_429(
        self,
        exc: RetryAfter,
        endpoint: str,
        attempt: int,
        max_retries: int,
        chat: ChatKey | None,
    ) -> float:
        """Count a 429, pause its chat or the whole bot, and return the pause in seconds.

        Re-raises the RetryAfter when the request has used up its retries; the pause still
        holds for the requests queued behind it.
        """
        self._too_many_requests += 1
        pause = _retry_after_seconds(exc) + self._retry_margin
        now = _now()
        _LOGGER.warning("429 on %s to chat %s: pausing %.1f s", endpoint, chat, pause)
        if chat is not None:
            lane = self._lanes[chat]
            lane.paused_until = max(lane.paused_until, now + pause)
        if is_message_method(endpoint) and self._is_bot_wide_flood(now, chat):
            self._overall_pauses += 1
            _LOGGER.warning("429s across chats: pausing every message for %.1f s", pause)
            self._gate().pause(now + pause)
        if attempt >= max_retries:
            _LOGGER.error("%s to chat %s: giving up after %d retries", endpoint, chat, max_retries)
            raise exc
        return pause

    def _is_bot_wide_flood(self, now: float, chat: ChatKey | None) -> bool:
        """Whether this 429 and recent ones point at the overall limit, not at one chat."""
        if chat is None:
            return True
        recent = self._recent_429s
        while recent and recent[0][0] < now - _OVERALL_FLOOD_WINDOW_SECONDS:
            recent.popleft()
        recent.append((now, chat))
        return any(other != chat for _, other in recent)

    def _gate(self) -> _OverallGate:
        if self._overall is None:
            self._overall = _OverallGate(self._overall_per_second)
        return self._overall

    def _lane(self, chat: ChatKey) -> _ChatLane:
        lane = self._lanes.get(chat)
        if lane is None:
            if len(self._lanes) >= self._sweep_at:
                self._forget_idle_lanes()
            per_chat = _TokenBucket(self._per_chat_rate, self._per_chat_burst)
            if _is_group(chat):
                per_group = _SlidingWindow(self._group_per_minute, _GROUP_PERIOD_SECONDS)
                lane = _ChatLane(per_chat, per_group)
            else:
                lane = _ChatLane(per_chat)
            self._lanes[chat] = lane
        return lane

    def _forget_idle_lanes(self) -> None:
        """Drop lanes whose chat has no queue and no pacing debt; amortised O(1) per new chat."""
        now = _now()
        for chat in [chat for chat, lane in self._lanes.items() if lane.idle(now)]:
            del self._lanes[chat]
        self._sweep_at = max(_LANE_SWEEP_THRESHOLD, 2 * len(self._lanes))
