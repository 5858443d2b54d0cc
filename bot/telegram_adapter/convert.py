"""Telegram Update -> core Event (or None for updates the bot ignores)."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType, MessageEntityType

from bot.core.events import (
    CounselorButton,
    CounselorCommand,
    CounselorMessage,
    CounselorRef,
    Event,
    UserButton,
    UserCommand,
    UserMedia,
    UserRef,
    UserText,
)
from bot.crypto import Crypto

MEDIA_KINDS = ("photo", "sticker", "voice", "video", "video_note", "audio", "document",
               "animation", "location", "contact", "poll", "venue", "dice", "game", "story")


def message_kind(message: Message) -> str:
    if message.text is not None:
        return "text"
    for kind in MEDIA_KINDS:
        if getattr(message, kind, None):
            return kind
    return "other"


def _command(message: Message, bot_username: str | None) -> tuple[str, str] | None:
    text = message.text or ""
    entities = message.entities or ()
    if not text.startswith("/") or not any(
        e.type == MessageEntityType.BOT_COMMAND and e.offset == 0 for e in entities
    ):
        return None
    head, _, argument = text[1:].partition(" ")
    name, _, target = head.partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return name.lower()[:32], argument.strip()


class UpdateConverter:
    """Builds pseudonymous events: Telegram ids become keyed hashes here, at the edge."""

    def __init__(self, crypto: Crypto, counselor_chat_id: int | None,
                 bot_username: str | None = None) -> None:
        self.crypto = crypto
        self.counselor_chat_id = counselor_chat_id
        self.bot_username = bot_username

    def user_ref(self, message_user_id: int, chat_id: int, language_code: str | None) -> UserRef:
        return UserRef(self.crypto.user_key(message_user_id), chat_id, language_code)

    def counselor_ref(self, user_id: int, first_name: str) -> CounselorRef:
        return CounselorRef("c" + self.crypto.user_key(user_id)[:23], user_id, first_name)

    def convert(self, update: Update) -> Event | None:
        if update.callback_query is not None:
            return self._callback(update.callback_query)
        if update.edited_message is not None:
            message = update.edited_message
            if message.chat.type == ChatType.PRIVATE and message.from_user is not None:
                ref = self.user_ref(message.from_user.id, message.chat.id,
                                    message.from_user.language_code)
                return UserMedia(ref, "edit", message.message_id)
            return None
        message = update.message
        if message is None or message.from_user is None or message.from_user.is_bot:
            return None
        if message.chat.type == ChatType.PRIVATE:
            return self._private(message)
        if self.counselor_chat_id is not None and message.chat.id == self.counselor_chat_id:
            return self._desk(message)
        return None

    def _private(self, message: Message) -> Event:
        user = message.from_user
        assert user is not None
        ref = self.user_ref(user.id, message.chat.id, user.language_code)
        command = _command(message, self.bot_username)
        if command is not None:
            return UserCommand(ref, command[0], command[1], message.message_id)
        if message.text is not None:
            return UserText(ref, message.text, message.message_id)
        return UserMedia(ref, message_kind(message), message.message_id)

    def _thread(self, message: Message) -> int | None:
        return message.message_thread_id if message.is_topic_message else None

    def _desk(self, message: Message) -> Event | None:
        user = message.from_user
        assert user is not None
        ref = self.counselor_ref(user.id, user.first_name)
        if message.forum_topic_created or message.forum_topic_closed or message.new_chat_members:
            return None
        command = _command(message, self.bot_username)
        if command is not None:
            return CounselorCommand(ref, message.chat.id, self._thread(message), command[0],
                                    command[1], message.message_id)
        return CounselorMessage(ref, message.chat.id, self._thread(message), message.message_id,
                                message.text, message_kind(message))

    def _callback(self, query: CallbackQuery) -> Event | None:
        message = query.message
        if message is None or not isinstance(message, Message) or query.data is None:
            return None
        if message.chat.type == ChatType.PRIVATE:
            ref = self.user_ref(query.from_user.id, message.chat.id, query.from_user.language_code)
            return UserButton(ref, query.data, query.id, message.message_id)
        if self.counselor_chat_id is not None and message.chat.id == self.counselor_chat_id:
            ref = self.counselor_ref(query.from_user.id, query.from_user.first_name)
            thread = message.message_thread_id if message.is_topic_message else None
            return CounselorButton(ref, message.chat.id, thread, query.data, query.id)
        return None
