"""Bot API methods about the bot, updates, chats, forum topics, files, commands and queries."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator._core import EmulatorCore
from bot.emulator._errors import ApiError, bad_request
from bot.emulator._params import Params
from bot.emulator._registry import api_method
from bot.emulator._world import ForumTopic

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_pin_messages", "can_manage_topics",
)


@api_method("getMe")
async def get_me(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """getMe: the bot's User with its bot-only flags."""
    return {
        **core.world.bot_user, "can_join_groups": True, "can_read_all_group_messages": True,
        "supports_inline_queries": True, "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api_method("getUpdates")
async def get_updates(core: EmulatorCore, params: Params) -> list[dict[str, Any]]:
    """getUpdates with offset confirmation, limit, long-poll timeout and allowed_updates."""
    allowed = params.json("allowed_updates")
    return await core.hub.get_updates(
        offset=params.int("offset"),
        limit=params.int("limit") or 100,
        timeout=params.float("timeout") or 0.0,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )


@api_method("setWebhook")
async def set_webhook(core: EmulatorCore, params: Params) -> bool:
    """setWebhook (loopback URLs only; plain http accepted since there is no TLS here)."""
    allowed = params.json("allowed_updates")
    core.hub.set_webhook(
        url=params.str("url") or "",
        secret_token=params.str("secret_token"),
        max_connections=params.int("max_connections") or 40,
        allowed_updates=allowed if isinstance(allowed, list) else None,
        drop_pending_updates=params.bool("drop_pending_updates"),
    )
    return True


@api_method("deleteWebhook")
async def delete_webhook(core: EmulatorCore, params: Params) -> bool:
    """deleteWebhook, optionally dropping pending updates."""
    core.hub.delete_webhook(params.bool("drop_pending_updates"))
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """getWebhookInfo."""
    return core.hub.webhook_info()


@api_method("getChat")
async def get_chat(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """getChat: a ChatFullInfo."""
    chat_id = core.known_chat(params.chat_id())
    return {
        **core.world.chat_json(chat_id), "accent_color_id": 0, "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
            "premium_subscription": False, "gifts_from_channels": False,
        },
    }


def member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object with every field PTB requires for its status."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({right: right != "is_anonymous" for right in _ADMIN_RIGHTS})
        member["can_be_edited"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


@api_method("getChatMember")
async def get_chat_member(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """getChatMember: status from the group's member list ('left' when absent)."""
    chat_id = core.known_chat(params.chat_id())
    user_id = params.int("user_id", required=True) or 0
    if user_id == core.bot_id:
        group = core.world.groups.get(chat_id)
        return member_json(core.world.bot_user, group.bot_status if group else "member")
    user = core.world.users.get(user_id)
    if user is None:
        raise bad_request("PARTICIPANT_ID_INVALID")
    group = core.world.groups.get(chat_id)
    if group is None:
        status = "member" if chat_id == user_id else "left"
    else:
        status = group.member_status.get(user_id, "left")
    return member_json(user.to_json(), status)


def _forum(core: EmulatorCore, params: Params) -> Any:
    chat_id = core.known_chat(params.chat_id())
    group = core.world.groups.get(chat_id)
    if group is None or not group.is_forum:
        raise bad_request("the chat is not a forum")
    return group


def _topic(core: EmulatorCore, params: Params) -> tuple[Any, ForumTopic]:
    group = _forum(core, params)
    topic = group.topics.get(params.int("message_thread_id", required=True) or 0)
    if topic is None or topic.deleted:
        raise bad_request("message thread not found")
    return group, topic


def _service(core: EmulatorCore, group: Any, thread_id: int, content: dict[str, Any]) -> None:
    core.post_as_bot(group.id, content, thread_id)


@api_method("createForumTopic")
async def create_forum_topic(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """createForumTopic: only in a forum supergroup where the bot may manage topics."""
    group = _forum(core, params)
    if group.bot_status not in ("administrator", "creator"):
        raise bad_request("not enough rights to create a topic")
    name = params.str("name") or ""
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    color = params.int("icon_color") or _TOPIC_COLORS[0]
    if color not in _TOPIC_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")
    service = core.post_as_bot(
        group.id, {"forum_topic_created": {"name": name, "icon_color": color}}, None
    )
    thread_id = service.message_id
    service.thread_id = thread_id
    service.payload["message_thread_id"] = thread_id
    service.payload["is_topic_message"] = True
    topic = ForumTopic(thread_id, name, color, params.str("icon_custom_emoji_id"))
    group.topics[thread_id] = topic
    core.world.touch(service)
    return topic.to_json()


@api_method("editForumTopic")
async def edit_forum_topic(core: EmulatorCore, params: Params) -> bool:
    """editForumTopic: new name and/or icon; TOPIC_NOT_MODIFIED when nothing changes."""
    group, topic = _topic(core, params)
    name = params.str("name")
    emoji = params.str("icon_custom_emoji_id")
    if name is not None and not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    same_name = name is None or name == topic.name
    if same_name and (emoji is None or emoji == topic.icon_custom_emoji_id):
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.name = name or topic.name
    topic.icon_custom_emoji_id = emoji if emoji is not None else topic.icon_custom_emoji_id
    _service(core, group, topic.thread_id, {"forum_topic_edited": {"name": topic.name}})
    return True


async def _set_closed(core: EmulatorCore, params: Params, closed: bool) -> bool:
    group, topic = _topic(core, params)
    if topic.closed == closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    kind = "forum_topic_closed" if closed else "forum_topic_reopened"
    _service(core, group, topic.thread_id, {kind: {}})
    return True


@api_method("closeForumTopic")
async def close_forum_topic(core: EmulatorCore, params: Params) -> bool:
    """closeForumTopic."""
    return await _set_closed(core, params, True)


@api_method("reopenForumTopic")
async def reopen_forum_topic(core: EmulatorCore, params: Params) -> bool:
    """reopenForumTopic."""
    return await _set_closed(core, params, False)


@api_method("deleteForumTopic")
async def delete_forum_topic(core: EmulatorCore, params: Params) -> bool:
    """deleteForumTopic: the topic and its messages are gone; later posts fail."""
    group, topic = _topic(core, params)
    topic.deleted = True
    for message in core.world.messages_of(group.id).values():
        if message.thread_id == topic.thread_id and not message.deleted:
            message.deleted = True
            core.world.touch(message)
    core.world.touch()
    return True


def _commands_key(params: Params) -> str:
    scope = params.json("scope") or {"type": "default"}
    return f"{scope.get('type')}:{scope.get('chat_id', '')}:{params.str('language_code') or ''}"


@api_method("setMyCommands")
async def set_my_commands(core: EmulatorCore, params: Params) -> bool:
    """setMyCommands: at most 100 commands, names of [a-z0-9_]{1,32}, descriptions 1-256."""
    commands = params.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 BotCommand")
    for command in commands:
        if not _COMMAND.match(str(command.get("command", "")).lstrip("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    core.commands[_commands_key(params)] = commands
    return True


@api_method("getMyCommands")
async def get_my_commands(core: EmulatorCore, params: Params) -> list[dict[str, Any]]:
    """getMyCommands for a scope and language."""
    return core.commands.get(_commands_key(params), [])


@api_method("deleteMyCommands")
async def delete_my_commands(core: EmulatorCore, params: Params) -> bool:
    """deleteMyCommands."""
    core.commands.pop(_commands_key(params), None)
    return True


@api_method("getFile")
async def get_file(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """getFile: a File whose file_path is served under /file/bot<token>/."""
    stored = core.world.files.get(params.str("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > 20 * 1024 * 1024:  # bots may download files of at most 20 MB
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
        "file_size": stored.size, "file_path": stored.file_path,
    }


@api_method("answerCallbackQuery")
async def answer_callback_query(core: EmulatorCore, params: Params) -> bool:
    """answerCallbackQuery: each query once; text at most 200 characters."""
    record = core.callback_queries.get(params.str("callback_query_id") or "")
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer = {"text": text, "show_alert": params.bool("show_alert"),
                     "url": params.str("url")}
    return True


@api_method("answerInlineQuery")
async def answer_inline_query(core: EmulatorCore, params: Params) -> bool:
    """answerInlineQuery: at most 50 results, recorded for tests."""
    results = params.json("results")
    if not isinstance(results, list):
        raise bad_request("results must be an array")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    core.inline_answers.append(
        {"inline_query_id": params.str("inline_query_id"), "results": results}
    )
    return True


@api_method("logOut", "close")
async def log_out(core: EmulatorCore, params: Params) -> bool:
    """logOut / close: accepted; Telegram would make the token unusable for a while."""
    core.closed = True
    return True


def unknown_method() -> ApiError:
    """Telegram's answer to a method it does not know."""
    return ApiError(404, "Not Found")
