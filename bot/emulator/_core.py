"""Shared emulator state and the checks every sending method makes before posting."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.emulator._errors import bad_request, forbidden
from bot.emulator._traffic import FaultPlan, FloodLimiter, RecordedCall
from bot.emulator._updates import UpdateHub
from bot.emulator._world import GENERAL_THREAD_ID, StoredMessage, World


@dataclass
class CallbackQueryRecord:
    """A callback query the bot has to answer, and how it was answered."""

    query_id: str
    user_id: int
    data: str | None
    answered: bool = False
    answer: dict[str, Any] = field(default_factory=dict)


class EmulatorCore:
    """World, update queue, faults, flood limits and the call log, shared by all methods."""

    def __init__(
        self, token: str, bot_id: int, bot_username: str, bot_name: str
    ) -> None:
        self.token = token
        self.world = World(bot_id, bot_username, bot_name)
        self.hub = UpdateHub()
        self.faults = FaultPlan()
        self.flood = FloodLimiter()
        self.calls: list[RecordedCall] = []
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.inline_answers: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.profile: dict[str, str] = {}
        self.closed = False

    @property
    def bot_id(self) -> int:
        """The bot's user id."""
        return int(self.world.bot_user["id"])

    def record(
        self, method: str, params: dict[str, Any], ok: bool, error_code: int | None,
        description: str | None,
    ) -> None:
        """Append one answered call to the log."""
        self.calls.append(RecordedCall(method, params, ok, error_code, description, time.time()))
        self.world.poke()

    def known_chat(self, chat_id: int | str) -> int:
        """The numeric id of a chat the bot can see, else 400 chat not found."""
        if isinstance(chat_id, str):
            for user in self.world.users.values():
                if user.username and f"@{user.username}".lower() == chat_id.lower():
                    return user.id
            raise bad_request("chat not found")
        if chat_id in self.world.groups:
            return chat_id
        user = self.world.users.get(chat_id)
        if user is None or not user.started:
            raise bad_request("chat not found")
        return chat_id

    def check_can_post(self, chat_id: int | str, thread_id: int | None) -> tuple[int, int | None]:
        """Where a bot message goes: (chat id, thread id or None), or Telegram's refusal."""
        chat = self.known_chat(chat_id)
        group = self.world.groups.get(chat)
        if group is None:
            if self.world.users[chat].blocked:
                raise forbidden("bot was blocked by the user")
            return chat, None
        if group.bot_status in ("left", "kicked"):
            raise forbidden(
                "bot was kicked from the supergroup chat" if group.bot_status == "kicked"
                else "bot is not a member of the supergroup chat"
            )
        if thread_id is None or thread_id == GENERAL_THREAD_ID or not group.is_forum:
            return chat, None
        topic = group.topics.get(thread_id)
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return chat, thread_id

    def check_flood(self, chat_id: int) -> None:
        """Apply the flood limits to one more message into `chat_id`."""
        self.flood.check(chat_id, is_group=chat_id in self.world.groups)

    def post_as_bot(
        self, chat_id: int, content: dict[str, Any], thread_id: int | None
    ) -> StoredMessage:
        """Store a bot message (after the checks) and return it."""
        return self.world.store_message(chat_id, self.world.bot_user, content, thread_id)

    def message_to_edit(self, chat_id: int | str, message_id: int | None) -> StoredMessage:
        """A bot message that edit methods may change, or Telegram's refusal."""
        chat = self.known_chat(chat_id)
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self.world.find_message(chat, message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message
