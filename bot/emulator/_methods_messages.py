"""Bot API methods that post, copy, edit and delete messages."""

from __future__ import annotations

import time
from typing import Any

from bot.emulator._core import EmulatorCore
from bot.emulator._errors import ApiError, bad_request
from bot.emulator._formatting import checked_caption, checked_reply_markup, checked_text
from bot.emulator._params import Params
from bot.emulator._registry import api_method
from bot.emulator._world import MEDIA_KINDS, StoredFile, StoredMessage, reply_view

_MEDIA_METHODS = {
    "sendphoto": "photo", "sendvideo": "video", "senddocument": "document",
    "sendaudio": "audio", "sendvoice": "voice", "sendanimation": "animation",
    "sendsticker": "sticker", "sendvideonote": "video_note",
}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's limit for bots uploading through the Bot API
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})


def _target(core: EmulatorCore, params: Params) -> tuple[int, int | None]:
    chat, thread = core.check_can_post(
        params.chat_id(), params.int("message_thread_id")
    )
    core.check_flood(chat)
    return chat, thread


def _markup(params: Params) -> dict[str, Any]:
    markup = checked_reply_markup(params.json("reply_markup"))
    return {"reply_markup": markup} if markup and "inline_keyboard" in markup else {}


def _reply(core: EmulatorCore, params: Params, chat: int) -> dict[str, Any]:
    reply_id = params.int("reply_to_message_id")
    lenient = params.bool("allow_sending_without_reply")
    reply_parameters = params.json("reply_parameters")
    if isinstance(reply_parameters, dict):
        reply_id = reply_parameters.get("message_id", reply_id)
        lenient = lenient or bool(reply_parameters.get("allow_sending_without_reply"))
    if reply_id is None:
        return {}
    original = core.world.find_message(chat, int(reply_id))
    if original is None:
        if lenient:
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": reply_view(original)}


@api_method("sendMessage")
async def send_message(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """sendMessage: text (parse_mode applied), inline keyboard, topic."""
    text, entities = checked_text(params.str("text"), params.str("parse_mode"))
    chat, thread = _target(core, params)
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    content.update(_markup(params))
    content.update(_reply(core, params, chat))
    return core.post_as_bot(chat, content, thread).payload


def _resolve_file(core: EmulatorCore, params: Params, kind: str) -> StoredFile:
    """The file a send method refers to: an upload, a known file_id, or an http(s) URL."""
    upload = params.uploads.get(kind)
    value = params.str(kind)
    if value and value.startswith("attach://"):
        upload = params.uploads.get(value.removeprefix("attach://"))
    if upload is not None:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return core.world.new_file(kind, upload.data, None, upload.content_type, upload.filename)
    if not value:
        raise bad_request(f"there is no {kind} in the request")
    if value.startswith(("http://", "https://")):
        return core.world.new_file(kind, None, value, None, value.rsplit("/", 1)[-1] or None)
    stored = core.world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind and "document" not in (stored.kind, kind):
        raise bad_request(
            f"can't use file of type {stored.kind.title()} as {kind.title()}"
        )
    return stored


async def _send_media(core: EmulatorCore, params: Params, kind: str) -> dict[str, Any]:
    caption, entities = checked_caption(params.str("caption"), params.str("parse_mode"))
    stored = _resolve_file(core, params, kind)
    chat, thread = _target(core, params)
    content: dict[str, Any] = {kind: core.world.media_json(kind, stored)}
    if caption is not None:
        content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
    content.update(_markup(params))
    content.update(_reply(core, params, chat))
    return core.post_as_bot(chat, content, thread).payload


def _media_method(kind: str) -> Any:
    async def send(core: EmulatorCore, params: Params) -> dict[str, Any]:
        return await _send_media(core, params, kind)

    send.__doc__ = f"send{kind.title()}: upload, known file_id or URL, optional caption."
    return send


for _method_name, _kind in _MEDIA_METHODS.items():
    api_method(_method_name)(_media_method(_kind))


@api_method("sendLocation")
async def send_location(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """sendLocation."""
    latitude, longitude = params.float("latitude"), params.float("longitude")
    if latitude is None or longitude is None:
        raise bad_request("latitude and longitude are required")
    chat, thread = _target(core, params)
    content = {"location": {"latitude": latitude, "longitude": longitude}, **_markup(params)}
    return core.post_as_bot(chat, content, thread).payload


@api_method("sendChatAction")
async def send_chat_action(core: EmulatorCore, params: Params) -> bool:
    """sendChatAction: validates the action and the chat, posts nothing."""
    if params.str("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    core.check_can_post(params.chat_id(), params.int("message_thread_id"))
    return True


def _content_of(source: StoredMessage) -> dict[str, Any]:
    """The content fields of a message (text or media with caption), without sender or markup."""
    keep = ("text", "entities", "caption", "caption_entities", "has_media_spoiler", source.kind)
    return {key: value for key, value in source.payload.items() if key in keep}


def _source_message(core: EmulatorCore, params: Params, verb: str) -> StoredMessage:
    source_chat = core.known_chat(params.chat_id("from_chat_id"))
    message = core.world.find_message(source_chat, params.int("message_id", required=True) or 0)
    if message is None:
        raise bad_request(f"message to {verb} not found")
    if message.kind == "service":
        raise bad_request(
            "message can't be copied" if verb == "copy" else "message can't be forwarded"
        )
    return message


@api_method("copyMessage")
async def copy_message(core: EmulatorCore, params: Params) -> dict[str, int]:
    """copyMessage: the content without its sender, optionally with a new caption."""
    source = _source_message(core, params, "copy")
    chat, thread = _target(core, params)
    content = _content_of(source)
    if "caption" in params.values and source.kind in MEDIA_KINDS:
        caption, entities = checked_caption(params.str("caption"), params.str("parse_mode"))
        content.pop("caption", None)
        content.pop("caption_entities", None)
        if caption is not None:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
    content.update(_markup(params))
    content.update(_reply(core, params, chat))
    return {"message_id": core.post_as_bot(chat, content, thread).message_id}


@api_method("forwardMessage")
async def forward_message(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """forwardMessage: works like Telegram (the origin is shown), and is in the call log."""
    source = _source_message(core, params, "forward")
    chat, thread = _target(core, params)
    origin: dict[str, Any] = {"type": "user", "date": source.payload["date"]}
    if "from" in source.payload:
        origin["sender_user"] = source.payload["from"]
    content = _content_of(source)
    content["forward_origin"] = origin
    return core.post_as_bot(chat, content, thread).payload


_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def _apply_edit(
    core: EmulatorCore, message: StoredMessage, fields: dict[str, Any], params: Params
) -> dict[str, Any]:
    """Replace `fields` and the keyboard (empty values remove); refuse a no-op like Telegram."""
    wanted = {**fields, "reply_markup": _markup(params).get("reply_markup")}
    if all((message.payload.get(key) or None) == (value or None) for key, value in wanted.items()):
        raise bad_request(_NOT_MODIFIED)
    for key, value in wanted.items():
        if value:
            message.payload[key] = value
        else:
            message.payload.pop(key, None)
    message.payload["edit_date"] = int(time.time())
    core.world.touch(message)
    return message.payload


@api_method("editMessageText")
async def edit_message_text(core: EmulatorCore, params: Params) -> dict[str, Any] | bool:
    """editMessageText: 'message is not modified' when text and markup are unchanged."""
    text, entities = checked_text(params.str("text"), params.str("parse_mode"))
    if "inline_message_id" in params:
        return True
    message = core.message_to_edit(params.chat_id(), params.int("message_id"))
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    return _apply_edit(core, message, {"text": text, "entities": entities}, params)


@api_method("editMessageCaption")
async def edit_message_caption(core: EmulatorCore, params: Params) -> dict[str, Any] | bool:
    """editMessageCaption."""
    caption, entities = checked_caption(params.str("caption"), params.str("parse_mode"))
    if "inline_message_id" in params:
        return True
    message = core.message_to_edit(params.chat_id(), params.int("message_id"))
    if message.kind not in MEDIA_KINDS:
        raise bad_request("there is no caption in the message to edit")
    fields = {"caption": caption, "caption_entities": entities}
    return _apply_edit(core, message, fields, params)


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(
    core: EmulatorCore, params: Params
) -> dict[str, Any] | bool:
    """editMessageReplyMarkup: 'message is not modified' when the keyboard is identical."""
    if "inline_message_id" in params:
        return True
    message = core.message_to_edit(params.chat_id(), params.int("message_id"))
    return _apply_edit(core, message, {}, params)


@api_method("deleteMessage")
async def delete_message(core: EmulatorCore, params: Params) -> bool:
    """deleteMessage: the message disappears; a second delete fails."""
    chat = core.known_chat(params.chat_id())
    message = core.world.find_message(chat, params.int("message_id", required=True) or 0)
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    core.world.touch(message)
    return True
