"""Less central Bot API methods a bot may call at start-up or in groups: profile, pins, admins."""

from __future__ import annotations

from typing import Any

from bot.emulator._core import EmulatorCore
from bot.emulator._errors import bad_request
from bot.emulator._methods_chats import member_json
from bot.emulator._params import Params
from bot.emulator._registry import api_method

_PROFILE_LIMITS = {"name": 64, "description": 512, "short_description": 120}


def _profile_key(field: str, params: Params) -> str:
    return f"profile:{field}:{params.str('language_code') or ''}"


def _profile_setter(field: str) -> Any:
    async def set_field(core: EmulatorCore, params: Params) -> bool:
        value = params.str(field) or ""
        if len(value) > _PROFILE_LIMITS[field]:
            raise bad_request(f"{field.upper()}_INVALID")
        core.profile[_profile_key(field, params)] = value
        return True

    set_field.__doc__ = f"setMy{field.title().replace('_', '')}: stored per language."
    return set_field


def _profile_getter(field: str) -> Any:
    async def get_field(core: EmulatorCore, params: Params) -> dict[str, Any]:
        default = core.world.bot_user["first_name"] if field == "name" else ""
        return {field: core.profile.get(_profile_key(field, params), default)}

    get_field.__doc__ = f"getMy{field.title().replace('_', '')}."
    return get_field


for _field in _PROFILE_LIMITS:
    _camel = _field.title().replace("_", "")
    api_method(f"setMy{_camel}")(_profile_setter(_field))
    api_method(f"getMy{_camel}")(_profile_getter(_field))


@api_method("setChatMenuButton", "setMessageReaction", "setMyDefaultAdministratorRights")
async def accept(core: EmulatorCore, params: Params) -> bool:
    """Methods whose effect nothing here observes: accepted (and recorded in the call log)."""
    return True


@api_method("getChatMenuButton")
async def get_chat_menu_button(core: EmulatorCore, params: Params) -> dict[str, Any]:
    """getChatMenuButton: the default button."""
    return {"type": "default"}


@api_method("pinChatMessage", "unpinChatMessage")
async def pin_chat_message(core: EmulatorCore, params: Params) -> bool:
    """pinChatMessage / unpinChatMessage: the message must exist."""
    chat = core.known_chat(params.chat_id())
    message_id = params.int("message_id")
    if message_id is not None and core.world.find_message(chat, message_id) is None:
        raise bad_request("message to pin not found")
    return True


@api_method("unpinAllForumTopicMessages", "unpinAllChatMessages")
async def unpin_all(core: EmulatorCore, params: Params) -> bool:
    """Unpin everything (nothing is tracked)."""
    core.known_chat(params.chat_id())
    return True


@api_method("getChatAdministrators")
async def get_chat_administrators(core: EmulatorCore, params: Params) -> list[dict[str, Any]]:
    """getChatAdministrators: creators and administrators of a group, the bot included."""
    chat = core.known_chat(params.chat_id())
    group = core.world.groups.get(chat)
    if group is None:
        raise bad_request("there are no administrators in the private chat")
    admins = [
        member_json(core.world.users[user_id].to_json(), status)
        for user_id, status in group.member_status.items()
        if status in ("creator", "administrator") and user_id in core.world.users
    ]
    if group.bot_status == "administrator":
        admins.append(member_json(core.world.bot_user, "administrator"))
    return admins


@api_method("getChatMemberCount")
async def get_chat_member_count(core: EmulatorCore, params: Params) -> int:
    """getChatMemberCount: present members plus the bot."""
    chat = core.known_chat(params.chat_id())
    group = core.world.groups.get(chat)
    if group is None:
        return 2
    present = [s for s in group.member_status.values() if s not in ("left", "kicked")]
    return len(present) + (group.bot_status not in ("left", "kicked"))


@api_method("leaveChat")
async def leave_chat(core: EmulatorCore, params: Params) -> bool:
    """leaveChat: the bot leaves a group (later posts there answer 403)."""
    chat = core.known_chat(params.chat_id())
    group = core.world.groups.get(chat)
    if group is None:
        raise bad_request("chat member status can't be changed in private chats")
    group.bot_status = "left"
    return True
