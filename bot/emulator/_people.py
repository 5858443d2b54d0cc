"""What simulated people do: send, edit, press buttons, query inline; each becomes an Update."""

from __future__ import annotations

import struct
import time
import uuid
import zlib
from typing import Any

from bot.emulator._core import CallbackQueryRecord, EmulatorCore
from bot.emulator._world import MEDIA_KINDS, StoredMessage, reply_view

_MIME = {
    "photo": "image/png", "sticker": "image/png", "video": "video/mp4", "animation": "video/mp4",
    "video_note": "video/mp4", "voice": "audio/ogg", "audio": "audio/mpeg",
    "document": "application/pdf",
}


def placeholder_png(rgb: tuple[int, int, int] = (90, 140, 200), size: int = 48) -> bytes:
    """A small solid-colour PNG, so simulated photos and stickers can be displayed."""
    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(
        b"IEND", b""
    )


def text_content(text: str) -> dict[str, Any]:
    """A text message body; a leading /command gets its bot_command entity like Telegram's."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/") and len(text) > 1:
        command = text.split(maxsplit=1)[0]
        content["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}
        ]
    return content


def content_for(
    core: EmulatorCore,
    kind: str,
    text: str | None,
    caption: str | None,
    file_bytes: bytes | None,
    file_name: str | None,
) -> dict[str, Any]:
    """The Message fields for a person's message of `kind` (text, photo, sticker, poll...)."""
    if kind == "text":
        if not text:
            raise ValueError("a text message needs text")
        return text_content(text)
    content: dict[str, Any] = {}
    if kind in MEDIA_KINDS:
        default = placeholder_png() if kind in ("photo", "sticker") else b"\x00" * 64
        stored = core.world.new_file(
            kind, file_bytes or default, None, _MIME.get(kind), file_name
        )
        content[kind] = core.world.media_json(kind, stored)
        if kind == "animation":
            content["document"] = core.world.media_json("document", stored)
    elif kind == "location":
        content["location"] = {"latitude": 36.34, "longitude": 43.13}
    elif kind == "contact":
        content["contact"] = {"phone_number": "+10000000000", "first_name": text or "Contact"}
    elif kind == "poll":
        content["poll"] = {
            "id": uuid.uuid4().hex[:16], "question": text or "Poll?",
            "options": [{"text": "Yes", "voter_count": 0}, {"text": "No", "voter_count": 0}],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
            "type": "regular", "allows_multiple_answers": False,
        }
    else:
        raise ValueError(f"unknown message kind {kind!r}")
    caption = caption if caption is not None else (text if kind in MEDIA_KINDS else None)
    if caption and kind in MEDIA_KINDS and kind not in ("sticker", "video_note"):
        content["caption"] = caption
    return content


def person_sends(
    core: EmulatorCore,
    chat_id: int,
    user_id: int,
    content: dict[str, Any],
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> StoredMessage:
    """Store a person's message and queue its `message` update."""
    user = core.world.users[user_id]
    if chat_id == user_id:
        user.started = True
    if reply_to is not None:
        original = core.world.find_message(chat_id, reply_to)
        if original is not None:
            content = {**content, "reply_to_message": reply_view(original)}
    message = core.world.store_message(chat_id, user.to_json(), content, thread_id)
    core.hub.add("message", message.payload)
    return message


def person_edits(core: EmulatorCore, chat_id: int, message_id: int, text: str) -> StoredMessage:
    """Edit a person's text message and queue the `edited_message` update."""
    message = core.world.find_message(chat_id, message_id)
    if message is None or message.from_bot or message.kind != "text":
        raise LookupError(f"no editable message {message_id} in chat {chat_id}")
    message.payload.update(text_content(text))
    if not text.startswith("/"):
        message.payload.pop("entities", None)
    message.payload["edit_date"] = int(time.time())
    core.world.touch(message)
    core.hub.add("edited_message", dict(message.payload))
    return message


def find_button_message(
    core: EmulatorCore,
    chat_id: int,
    label: str | None,
    data: str | None,
    message_id: int | None,
    thread_id: int | None,
) -> tuple[StoredMessage, dict[str, Any]]:
    """The newest bot message (or `message_id`) with a button of that label or data."""
    candidates = [
        message for message in reversed(core.world.messages_of(chat_id).values())
        if message.from_bot and not message.deleted
        and (message_id is None or message.message_id == message_id)
        and (thread_id is None or message.thread_id == thread_id)
    ]
    for message in candidates:
        for row in message.buttons:
            for button in row:
                if (label is not None and button.get("text") == label) or (
                    data is not None and button.get("callback_data") == data
                ):
                    return message, button
    raise LookupError(f"no bot message in chat {chat_id} has a button {label or data!r}")


def person_presses(
    core: EmulatorCore,
    chat_id: int,
    user_id: int,
    label: str | None = None,
    data: str | None = None,
    message_id: int | None = None,
    thread_id: int | None = None,
) -> str:
    """Press an inline button; queue the callback_query update and return the query id."""
    message, button = find_button_message(core, chat_id, label, data, message_id, thread_id)
    if "callback_data" not in button:
        raise LookupError(f"button {button.get('text')!r} has no callback_data")
    query_id = str(uuid.uuid4().int >> 64)
    core.callback_queries[query_id] = CallbackQueryRecord(
        query_id, user_id, button["callback_data"]
    )
    core.hub.add("callback_query", {
        "id": query_id, "from": core.world.users[user_id].to_json(),
        "message": dict(message.payload), "chat_instance": str(abs(chat_id) * 7919 % 10**12),
        "data": button["callback_data"],
    })
    return query_id


def channel_posts(core: EmulatorCore, channel_id: int, text: str, title: str) -> StoredMessage:
    """A post in a channel where the bot is an admin: a `channel_post` update."""
    core.world.channels.setdefault(channel_id, title)
    message = core.world.store_message(
        channel_id, None, {"sender_chat": core.world.chat_json(channel_id), **text_content(text)}
    )
    core.hub.add("channel_post", message.payload)
    return message


def inline_query(core: EmulatorCore, user_id: int, query: str, offset: str = "") -> str:
    """A user types `@bot query`: queue an inline_query update and return its id."""
    query_id = str(uuid.uuid4().int >> 64)
    core.hub.add("inline_query", {
        "id": query_id, "from": core.world.users[user_id].to_json(), "query": query,
        "offset": offset, "chat_type": "private",
    })
    return query_id


def chosen_inline_result(core: EmulatorCore, user_id: int, result_id: str, query: str) -> None:
    """The user picked an inline result: a chosen_inline_result update."""
    core.hub.add("chosen_inline_result", {
        "result_id": result_id, "from": core.world.users[user_id].to_json(), "query": query,
    })
