"""The simulated Telegram world: users, forum groups, topics, messages, files."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

CONTENT_KINDS = (
    "text", "photo", "video", "document", "sticker", "voice", "location", "contact", "poll",
    "animation", "video_note", "audio",
)
MEDIA_KINDS = frozenset(
    {"photo", "video", "document", "sticker", "voice", "animation", "video_note", "audio"}
)
GENERAL_THREAD_ID = 1


@dataclass
class EmulatedUser:
    """A Telegram user; `started` is False until the user has opened the bot."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    last_name: str | None = None
    started: bool = True
    blocked: bool = False

    def to_json(self) -> dict[str, Any]:
        """Telegram's User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                user[key] = getattr(self, key)
        return user


@dataclass
class ForumTopic:
    """A topic of a forum supergroup; its thread id is the id of its creation service message."""

    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        """Telegram's ForumTopic object."""
        topic: dict[str, Any] = {
            "message_thread_id": self.thread_id, "name": self.name, "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


@dataclass
class ForumGroup:
    """A supergroup (a forum when `is_forum`) with its members' statuses and topics."""

    id: int
    title: str
    is_forum: bool = True
    member_status: dict[int, str] = field(default_factory=dict)
    bot_status: str = "administrator"
    topics: dict[int, ForumTopic] = field(default_factory=dict)

    def chat_json(self) -> dict[str, Any]:
        """Telegram's Chat object for this group."""
        chat: dict[str, Any] = {"id": self.id, "title": self.title, "type": "supergroup"}
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass
class StoredFile:
    """A file known to the emulator: uploaded bytes, a recorded URL, or a user's media."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes | None = None
    url: str | None = None
    mime_type: str | None = None
    file_name: str | None = None

    @property
    def file_path(self) -> str:
        """The path under /file/bot<token>/ where getFile says the file lives."""
        return f"{self.kind}s/{self.file_unique_id}"

    @property
    def size(self) -> int:
        """Size in bytes (0 for URL-only files)."""
        return len(self.content) if self.content is not None else 0


@dataclass
class StoredMessage:
    """One message in a chat, kept as Telegram JSON plus the fields tests look at."""

    chat_id: int
    message_id: int
    thread_id: int | None
    from_bot: bool
    sender_id: int | None
    kind: str
    payload: dict[str, Any]
    cursor: int = 0
    deleted: bool = False

    @property
    def text(self) -> str | None:
        """Text of a text message, else the caption, else None."""
        return self.payload.get("text", self.payload.get("caption"))

    @property
    def caption(self) -> str | None:
        """Caption of a media message."""
        return self.payload.get("caption")

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """Rows of inline buttons (Telegram InlineKeyboardButton dicts)."""
        markup = self.payload.get("reply_markup") or {}
        return markup.get("inline_keyboard", [])

    @property
    def button_labels(self) -> list[str]:
        """Every inline button's text, row by row."""
        return [button["text"] for row in self.buttons for button in row]

    @property
    def file_id(self) -> str | None:
        """The file id of a media message (largest size for photos)."""
        media = self.payload.get(self.kind)
        if isinstance(media, list) and media:
            return media[-1]["file_id"]
        if isinstance(media, dict):
            return media.get("file_id")
        return None

    def to_view(self) -> dict[str, Any]:
        """The compact JSON the control API and the demo page use."""
        return {
            "chat_id": self.chat_id, "message_id": self.message_id, "thread_id": self.thread_id,
            "from_bot": self.from_bot, "sender_id": self.sender_id, "kind": self.kind,
            "text": self.payload.get("text"), "caption": self.caption,
            "file_id": self.file_id, "buttons": self.buttons, "deleted": self.deleted,
            "cursor": self.cursor, "date": self.payload.get("date"),
            "edited": "edit_date" in self.payload, "service": self.service_note,
        }

    @property
    def service_note(self) -> str | None:
        """A short description of a service message (topic created/closed...), else None."""
        if self.kind != "service":
            return None
        notes = {
            "forum_topic_created": "Topic created", "forum_topic_edited": "Topic renamed",
            "forum_topic_closed": "Topic closed", "forum_topic_reopened": "Topic reopened",
        }
        for key, note in notes.items():
            if key in self.payload:
                name = (self.payload[key] or {}).get("name")
                return f"{note}: {name}" if name else note
        return "Service message"


def reply_view(message: StoredMessage) -> dict[str, Any]:
    """A message as it appears in another's reply_to_message (never nested further)."""
    return {key: value for key, value in message.payload.items() if key != "reply_to_message"}


def kind_of(payload: dict[str, Any]) -> str:
    """The content kind of a Telegram Message dict."""
    for kind in CONTENT_KINDS:
        if kind in payload:
            return kind
    return "service"


class World:
    """Everything the emulator knows; methods and drivers mutate it, the cursor orders changes."""

    def __init__(self, bot_id: int, bot_username: str, bot_name: str) -> None:
        self.bot_user = {
            "id": bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username,
        }
        self.users: dict[int, EmulatedUser] = {}
        self.groups: dict[int, ForumGroup] = {}
        self.channels: dict[int, str] = {}
        self.chats: dict[int, dict[int, StoredMessage]] = {}
        self.files: dict[str, StoredFile] = {}
        self.cursor = 0
        self.activity = 0
        self._last_message_id: dict[int, int] = {}
        self._file_counter = itertools.count(1)
        self._changed = asyncio.Event()

    # ---- chats ---------------------------------------------------------------
    def chat_json(self, chat_id: int) -> dict[str, Any]:
        """Telegram's Chat object for a known private chat or group."""
        if chat_id in self.groups:
            return self.groups[chat_id].chat_json()
        if chat_id in self.channels:
            return {"id": chat_id, "title": self.channels[chat_id], "type": "channel"}
        user = self.users[chat_id]
        chat: dict[str, Any] = {"id": user.id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            chat["last_name"] = user.last_name
        if user.username:
            chat["username"] = user.username
        return chat

    def add_group(self, group: ForumGroup) -> None:
        """Register a group; message id 1 is taken (it is the General topic's id in forums)."""
        self.groups[group.id] = group
        self._last_message_id[group.id] = max(self._last_message_id.get(group.id, 0), 1)
        self.touch()

    def messages_of(self, chat_id: int) -> dict[int, StoredMessage]:
        """The message table of one chat (created on first use)."""
        return self.chats.setdefault(chat_id, {})

    def find_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """A live (not deleted) message, or None."""
        message = self.chats.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    # ---- messages ------------------------------------------------------------
    def store_message(
        self,
        chat_id: int,
        sender: dict[str, Any] | None,
        content: dict[str, Any],
        thread_id: int | None = None,
    ) -> StoredMessage:
        """Create a message with the chat's next id; `content` holds text/media/markup keys."""
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        payload: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": self.chat_json(chat_id),
        }
        if sender is not None:
            payload["from"] = sender
        if thread_id is not None:
            payload["message_thread_id"] = thread_id
            payload["is_topic_message"] = True
            root = self.find_message(chat_id, thread_id)
            if root is not None and "forum_topic_created" in root.payload:
                # As on Telegram: a topic message that is not an explicit reply "replies" to
                # the topic's creation service message (which the bot usually sent).
                payload["reply_to_message"] = reply_view(root)
        payload.update(content)
        from_bot = sender is not None and sender.get("id") == self.bot_user["id"]
        message = StoredMessage(
            chat_id=chat_id, message_id=message_id, thread_id=thread_id, from_bot=from_bot,
            sender_id=sender["id"] if sender else None, kind=kind_of(payload), payload=payload,
        )
        self.messages_of(chat_id)[message_id] = message
        self.touch(message)
        return message

    def touch(self, message: StoredMessage | None = None) -> None:
        """Advance the change cursor (stamping `message`) and wake every waiter."""
        self.cursor += 1
        if message is not None:
            message.cursor = self.cursor
        self.poke()

    def poke(self) -> None:
        """Note activity that is not a chat change (a Bot API call) and wake every waiter."""
        self.activity += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_activity(self, seen: int, timeout: float) -> None:
        """Return once anything happened after activity count `seen`, or after `timeout`."""
        if self.activity == seen:
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
            except TimeoutError:
                pass

    async def wait_change(self, since: int, timeout: float) -> None:
        """Return once the cursor is past `since`, or after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.cursor <= since:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return

    # ---- files ---------------------------------------------------------------
    def new_file(
        self,
        kind: str,
        content: bytes | None = None,
        url: str | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Register a file and give it Telegram-looking ids."""
        number = next(self._file_counter)
        unique = f"AQAD{number:05d}{secrets.token_hex(3)}"
        stored = StoredFile(
            file_id=f"BAAC{kind[:2].upper()}{number:05d}{secrets.token_urlsafe(18)}",
            file_unique_id=unique, kind=kind, content=content, url=url,
            mime_type=mime_type, file_name=file_name,
        )
        self.files[stored.file_id] = stored
        return stored

    def media_json(self, kind: str, stored: StoredFile, **extra: Any) -> Any:
        """The Telegram object (PhotoSize list for photos) describing `stored` as `kind`."""
        base: dict[str, Any] = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if kind == "photo":
            return [
                {**base, "width": 90, "height": 90},
                {**base, "width": 1280, "height": 720},
            ]
        shapes: dict[str, dict[str, Any]] = {
            "video": {"width": 1280, "height": 720, "duration": 30},
            "animation": {"width": 480, "height": 270, "duration": 3},
            "video_note": {"length": 240, "duration": 10},
            "voice": {"duration": 5},
            "audio": {"duration": 60},
            "sticker": {"type": "regular", "width": 512, "height": 512,
                        "is_animated": False, "is_video": False, "emoji": "🙂"},
            "document": {},
        }
        media = {**base, **shapes.get(kind, {})}
        if stored.mime_type and kind not in ("sticker", "video_note"):
            media["mime_type"] = stored.mime_type
        if stored.file_name and kind in ("document", "video", "audio", "animation"):
            media["file_name"] = stored.file_name
        media.update(extra)
        return media
