"""BotApiEmulator: the public face of the local Telegram Bot API (server + Python driver)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from bot.emulator import _people
from bot.emulator._control import ControlApi
from bot.emulator._core import CallbackQueryRecord, EmulatorCore
from bot.emulator._http import BotApiHandlers
from bot.emulator._traffic import Fault, FaultKind, RecordedCall
from bot.emulator._world import EmulatedUser, ForumGroup, ForumTopic, StoredMessage

DEFAULT_TOKEN = "123456:EMULATOR-TOKEN"


class BotApiEmulator:
    """A Telegram Bot API on loopback, plus the simulated people who talk to the bot."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "testimony_bot",
        bot_name: str = "Testimony",
    ) -> None:
        self.token = token
        self.core = EmulatorCore(token, int(token.split(":")[0]), bot_username, bot_name)
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None

    # ---- serving -------------------------------------------------------------
    def install(self, app: web.Application, base_url: str | None = None) -> None:
        """Add the Bot API, file and /_emulator control routes to an existing aiohttp app.

        `base_url` is that app's root (e.g. "http://127.0.0.1:8080"), so that
        `bot_base_url` / `file_base_url` can be handed to PTB.
        """
        if base_url is not None:
            self.base_url = base_url.rstrip("/")
        BotApiHandlers(self.core).add_routes(app)
        ControlApi(self).add_routes(app)
        app.on_cleanup.append(lambda _app: self.core.hub.close())

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on host:port (0 picks a free port); return the root URL, e.g. http://127.0.0.1:PORT."""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the emulator serves on loopback only")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self.install(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving (and the webhook pusher)."""
        await self.core.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def bot_base_url(self) -> str:
        """What to pass to ApplicationBuilder().base_url(...)."""
        return f"{self._root()}/bot"

    @property
    def file_base_url(self) -> str:
        """What to pass to ApplicationBuilder().base_file_url(...)."""
        return f"{self._root()}/file/bot"

    def _root(self) -> str:
        if self.base_url is None:
            raise RuntimeError("the emulator is not started; call start() or use install()")
        return self.base_url

    # ---- world ---------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = True,
        last_name: str | None = None,
    ) -> EmulatedUser:
        """Create (or replace) a user; `started=False` means the bot may not write first."""
        user = EmulatedUser(user_id, first_name, username, language_code, last_name, started)
        self.core.world.users[user_id] = user
        self.core.world.touch()
        return user

    def add_forum_group(
        self,
        chat_id: int,
        title: str,
        members: Iterable[int | tuple[int, str] | dict[str, Any]] | dict[int, str] = (),
        is_forum: bool = True,
        bot_status: str = "administrator",
    ) -> ForumGroup:
        """Create a supergroup (ids look like -100...); the bot is an administrator by default.

        `members`: {user_id: status}, or a list of user ids (status "member"), of
        (user_id, status) pairs, or of {"user_id", "status"} dicts. Statuses are Telegram's:
        creator, administrator, member, restricted, left, kicked.
        """
        statuses = _member_statuses(members)
        group = ForumGroup(chat_id, title, is_forum, statuses, bot_status)
        self.core.world.add_group(group)
        return group

    def block(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them answer 403."""
        self.core.world.users[user_id].blocked = blocked

    def topics(self, group_id: int, include_deleted: bool = False) -> list[ForumTopic]:
        """The group's forum topics in creation order."""
        return [
            topic for topic in self.core.world.groups[group_id].topics.values()
            if include_deleted or not topic.deleted
        ]

    # ---- people act ----------------------------------------------------------
    def user_sends(
        self,
        user_id: int,
        text: str | None = None,
        kind: str = "text",
        caption: str | None = None,
        file_bytes: bytes | None = None,
        file_name: str | None = None,
        reply_to: int | None = None,
    ) -> StoredMessage:
        """The user writes to the bot in private (text, photo, sticker, voice, ...)."""
        content = _people.content_for(self.core, kind, text, caption, file_bytes, file_name)
        return _people.person_sends(self.core, user_id, user_id, content, reply_to=reply_to)

    def user_edits(self, user_id: int, message_id: int, text: str) -> StoredMessage:
        """The user edits one of their private messages: an edited_message update."""
        return _people.person_edits(self.core, user_id, message_id, text)

    def user_presses(
        self,
        user_id: int,
        label: str | None = None,
        data: str | None = None,
        message_id: int | None = None,
    ) -> str:
        """Press a button (by label or callback_data) on the newest bot message having it."""
        return _people.person_presses(self.core, user_id, user_id, label, data, message_id)

    def member_sends(
        self,
        group_id: int,
        user_id: int,
        text: str | None = None,
        thread_id: int | None = None,
        kind: str = "text",
        caption: str | None = None,
        file_bytes: bytes | None = None,
        reply_to: int | None = None,
    ) -> StoredMessage:
        """A group member posts in the group, in topic `thread_id` when given."""
        group = self.core.world.groups[group_id]
        if group.member_status.get(user_id, "left") in ("left", "kicked"):
            raise LookupError(f"user {user_id} is not a member of group {group_id}")
        if thread_id is not None and thread_id in group.topics and group.topics[thread_id].deleted:
            raise LookupError(f"topic {thread_id} was deleted")
        content = _people.content_for(self.core, kind, text, caption, file_bytes, None)
        return _people.person_sends(self.core, group_id, user_id, content, thread_id, reply_to)

    def member_presses(
        self,
        group_id: int,
        user_id: int,
        label: str | None = None,
        data: str | None = None,
        thread_id: int | None = None,
        message_id: int | None = None,
    ) -> str:
        """A group member presses a button on a bot message in the group (or topic)."""
        return _people.person_presses(
            self.core, group_id, user_id, label, data, message_id, thread_id
        )

    def channel_posts(self, channel_id: int, text: str, title: str = "Channel") -> StoredMessage:
        """A channel post update."""
        return _people.channel_posts(self.core, channel_id, text, title)

    def inline_query(self, user_id: int, query: str) -> str:
        """An inline query update; returns its id."""
        return _people.inline_query(self.core, user_id, query)

    def chosen_inline_result(self, user_id: int, result_id: str, query: str = "") -> None:
        """A chosen_inline_result update."""
        _people.chosen_inline_result(self.core, user_id, result_id, query)

    # ---- observe -------------------------------------------------------------
    def messages(
        self, chat_id: int, thread_id: int | None = None, include_service: bool = False
    ) -> list[StoredMessage]:
        """Live messages of a chat (or one topic), both directions, oldest first."""
        return [
            message for message in self.core.world.messages_of(chat_id).values()
            if not message.deleted
            and (thread_id is None or message.thread_id == thread_id)
            and (include_service or message.kind != "service")
        ]

    def bot_messages(self, chat_id: int, thread_id: int | None = None) -> list[StoredMessage]:
        """Only what the bot posted in the chat (or topic)."""
        return [m for m in self.messages(chat_id, thread_id) if m.from_bot]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every change); return its value."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.core.world.activity
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            # Woken by any message change or Bot API call; re-checked every 0.1 s anyway
            # for predicates that look elsewhere (the bot's database, say).
            await self.core.world.wait_activity(seen, min(remaining, 0.1))

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,
        thread_id: int | None = None,
        after: int | None = None,
    ) -> list[StoredMessage]:
        """Wait for `count` bot messages posted after message id `after` and return them all.

        `after` defaults to the newest message a person sent in that chat (or topic), so
        `user_sends(...)` then `wait_for_bot_messages(chat, 2)` means "the bot's next two".
        """
        if after is None:
            people = [m for m in self.messages(chat_id, thread_id) if not m.from_bot]
            after = people[-1].message_id if people else 0

        def replies() -> list[StoredMessage]:
            found = [m for m in self.bot_messages(chat_id, thread_id) if m.message_id > after]
            return found if len(found) >= count else []

        try:
            return await self.wait_for(replies, timeout)
        except TimeoutError:
            got = [m for m in self.bot_messages(chat_id, thread_id) if m.message_id > after]
            raise TimeoutError(
                f"expected {count} bot message(s) in chat {chat_id}, got {len(got)}"
            ) from None

    @property
    def calls(self) -> list[RecordedCall]:
        """Every Bot API call so far, in order."""
        return self.core.calls

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [call for call in self.core.calls if call.method.lower() == method.lower()]

    def clear_calls(self) -> None:
        """Forget the call log."""
        self.core.calls.clear()

    def callback_answer(self, query_id: str) -> CallbackQueryRecord | None:
        """How the bot answered a callback query (None if unknown)."""
        return self.core.callback_queries.get(query_id)

    @property
    def inline_answers(self) -> list[dict[str, Any]]:
        """Every answerInlineQuery the bot made."""
        return self.core.inline_answers

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot."""
        return len(self.core.hub.pending)

    # ---- trouble -------------------------------------------------------------
    def inject_fault(
        self,
        method: str = "*",
        kind: FaultKind = "error",
        times: int = 1,
        status: int = 500,
        retry_after: int = 5,
        delay: float = 0.0,
    ) -> Fault:
        """The next `times` calls of `method` answer 5xx / 429 / are delayed / are dropped."""
        fault = Fault(method, kind, times, status, retry_after, delay)
        self.core.faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove pending faults and the added latency."""
        self.core.faults.clear()

    def set_latency(self, seconds: float) -> None:
        """Add a constant latency to every Bot API call."""
        self.core.faults.latency = seconds

    def enforce_flood_limits(self, enabled: bool = True, **limits: Any) -> None:
        """Switch Telegram's flood limits on/off; `limits` go to FloodLimiter.configure."""
        self.core.flood.enabled = enabled
        if limits:
            self.core.flood.configure(**limits)

    def reset(self) -> None:
        """Forget messages, topics, files, updates, calls, faults; keep users and groups."""
        core = self.core
        for group in core.world.groups.values():
            group.topics.clear()
        for user in core.world.users.values():
            user.blocked = False
        core.world.chats.clear()
        core.world.files.clear()
        core.hub.pending.clear()
        core.calls.clear()
        core.callback_queries.clear()
        core.inline_answers.clear()
        core.faults.clear()
        core.flood.enabled = False
        core.flood.configure()
        core.world.touch()

    async def sleep_until_idle(self, quiet: float = 0.2, timeout: float = 5.0) -> None:
        """Wait until no message changed and no call ended for `quiet` seconds (or `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.core.world.activity
            await asyncio.sleep(quiet)
            if self.core.world.activity == seen:
                return


def _member_statuses(
    members: Iterable[int | tuple[int, str] | dict[str, Any]] | dict[int, str],
) -> dict[int, str]:
    """Normalise the accepted shapes of a member list to {user_id: status}."""
    if isinstance(members, dict):
        return {int(user_id): status for user_id, status in members.items()}
    statuses: dict[int, str] = {}
    for member in members:
        if isinstance(member, int):
            statuses[member] = "member"
        elif isinstance(member, dict):
            statuses[int(member["user_id"])] = str(member.get("status", "member"))
        else:
            statuses[int(member[0])] = member[1]
    return statuses
