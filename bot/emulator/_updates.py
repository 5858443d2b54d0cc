"""The update queue: getUpdates long polling with offset rules, and the webhook pusher."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.emulator._errors import ApiError, bad_request

_log = logging.getLogger(__name__)
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


@dataclass
class Webhook:
    """The webhook settings and its delivery health, as getWebhookInfo reports them."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0
    attempts: deque[float] = field(default_factory=lambda: deque(maxlen=1000))


class UpdateHub:
    """Holds unconfirmed updates and hands them to one poller or to the webhook, in order."""

    def __init__(self, retry_base_delay: float = 0.05, retry_max_delay: float = 2.0) -> None:
        self.pending: deque[dict[str, Any]] = deque()
        self.allowed_updates: frozenset[str] | None = None
        self.webhook: Webhook | None = None
        self.retry_base_delay = retry_base_delay
        self.retry_max_delay = retry_max_delay
        self._next_update_id = 100_000_001
        self._arrived = asyncio.Event()
        self._poll_generation = 0
        self._pusher: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    def add(self, update_type: str, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of `update_type` (message, callback_query...) and wake its reader."""
        update = {"update_id": self._next_update_id, update_type: body}
        self._next_update_id += 1
        self.pending.append(update)
        self._wake()
        return update

    def _wake(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()

    def _allowed(self, update: dict[str, Any]) -> bool:
        update_type = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return update_type in self.allowed_updates
        return update_type not in DEFAULT_EXCLUDED

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset > 0:
            while self.pending and self.pending[0]["update_id"] < offset:
                self.pending.popleft()
        else:
            while len(self.pending) > -offset:
                self.pending.popleft()

    def _available(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` deliverable updates; not-allowed ones met on the way are dropped."""
        ready: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for update in self.pending:
            if not self._allowed(update):
                rejected.append(update)
            else:
                ready.append(update)
                if len(ready) >= limit:
                    break
        for update in rejected:
            self.pending.remove(update)
        return ready

    async def get_updates(
        self,
        offset: int | None,
        limit: int,
        timeout: float,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below `offset`, then answer at once or when an update arrives."""
        if self.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        if not 1 <= limit <= 100:
            limit = 100 if limit > 100 else 1
        if allowed_updates is not None:
            self.allowed_updates = frozenset(allowed_updates)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # terminates an older waiting poll
        self._confirm(offset)
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            updates = self._available(limit)
            if updates:
                return updates
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            arrived = self._arrived
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                return []
            if self.webhook is not None:
                raise ApiError(409, CONFLICT_WEBHOOK)
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)

    # ---- webhook -------------------------------------------------------------
    def set_webhook(
        self,
        url: str,
        secret_token: str | None,
        max_connections: int,
        allowed_updates: list[str] | None,
        drop_pending_updates: bool,
    ) -> None:
        """setWebhook; an empty url removes it. Only loopback hosts: the emulator is offline."""
        if not url:
            self.delete_webhook(drop_pending_updates)
            return
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: Wrong HTTP URL specified")
        if parts.hostname not in _LOOPBACK_HOSTS:
            raise bad_request("bad webhook: Failed to resolve host: emulator is loopback-only")
        if secret_token is not None and not _SECRET_TOKEN.match(secret_token):
            raise bad_request("secret token contains unallowed characters")
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if allowed_updates is not None:
            self.allowed_updates = frozenset(allowed_updates)
        if drop_pending_updates:
            self.pending.clear()
        self.webhook = Webhook(url=url, secret_token=secret_token, max_connections=max_connections)
        self._poll_generation += 1
        self._wake()
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push_loop(), name="emulator-webhook")

    def delete_webhook(self, drop_pending_updates: bool) -> None:
        """deleteWebhook: stop pushing; optionally forget pending updates."""
        self.webhook = None
        if drop_pending_updates:
            self.pending.clear()
        self._wake()

    def webhook_info(self) -> dict[str, Any]:
        """getWebhookInfo's WebhookInfo object."""
        hook = self.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "", "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
            if self.allowed_updates:
                info["allowed_updates"] = sorted(self.allowed_updates)
        return info

    async def _push_loop(self) -> None:
        """POST pending updates one by one, in order, retrying with backoff until accepted."""
        delay = self.retry_base_delay
        while self.webhook is not None:
            hook = self.webhook
            updates = self._available(1)
            if not updates:
                await self._arrived.wait()
                continue
            update = updates[0]
            if await self._post(hook, update):
                if self.pending and self.pending[0] is update:
                    self.pending.popleft()
                hook.delivered += 1
                delay = self.retry_base_delay
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max_delay)

    async def _post(self, hook: Webhook, update: dict[str, Any]) -> bool:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        hook.attempts.append(time.time())
        try:
            async with self._http.post(hook.url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (TimeoutError, aiohttp.ClientError, OSError) as err:
            error = f"Connection failed: {type(err).__name__}"
        hook.last_error_date = int(time.time())
        hook.last_error_message = error
        _log.debug("webhook delivery failed: %s", error)
        return False

    async def close(self) -> None:
        """Stop the pusher and its HTTP session."""
        self.webhook = None
        if self._pusher is not None:
            self._pusher.cancel()
            try:
                await self._pusher
            except (asyncio.CancelledError, Exception):
                pass
            self._pusher = None
        if self._http is not None:
            await self._http.close()
            self._http = None
