"""Every Bot API object the emulator returns parses in python-telegram-bot 22."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden

from bot.emulator import BotApiEmulator

from .conftest import COUNSELOR_ID, GROUP_ID, USER_ID

pytestmark = pytest.mark.e2e


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    """A PTB Bot pointed at the emulator."""
    async with Bot(emulator.token, base_url=emulator.bot_base_url,
                   base_file_url=emulator.file_base_url) as ptb_bot:
        yield ptb_bot


async def test_chat_and_members_parse(bot: Bot) -> None:
    chat = await bot.get_chat(GROUP_ID)
    assert isinstance(chat, ChatFullInfo) and chat.is_forum
    assert isinstance(await bot.get_chat_member(GROUP_ID, COUNSELOR_ID), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(GROUP_ID, bot.id), ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(GROUP_ID, USER_ID), ChatMemberLeft)
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]


async def test_media_topics_copy_and_errors(bot: Bot, emulator: BotApiEmulator) -> None:
    clip = b"\x00\x00\x00\x18ftypmp42" + bytes(500)
    video = await bot.send_video(USER_ID, clip, caption="testimony", filename="a.mp4")
    assert video.video.file_id and video.caption == "testimony"
    again = await bot.send_video(USER_ID, video.video.file_id)
    assert again.video.file_unique_id == video.video.file_unique_id
    downloaded = await (await bot.get_file(video.video.file_id)).download_as_bytearray()
    assert bytes(downloaded) == clip
    photo = await bot.send_photo(USER_ID, b"\x89PNG\r\n\x1a\n" + bytes(20))
    assert photo.photo[-1].width == 1280
    document = await bot.send_document(USER_ID, b"%PDF-1.4", filename="leaflet.pdf")
    assert document.document.file_name == "leaflet.pdf"
    assert await bot.send_chat_action(USER_ID, ChatAction.UPLOAD_VIDEO)

    topic = await bot.create_forum_topic(GROUP_ID, "Case 1")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Take case", callback_data="take")]])
    card = await bot.send_message(GROUP_ID, "New case", message_thread_id=topic.message_thread_id,
                                  reply_markup=keyboard)
    assert card.is_topic_message and card.message_thread_id == topic.message_thread_id
    await bot.edit_message_reply_markup(GROUP_ID, card.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(GROUP_ID, card.message_id, reply_markup=None)
    said = emulator.member_sends(GROUP_ID, COUNSELOR_ID, "Hello, I am here.",
                                 thread_id=topic.message_thread_id)
    copied = await bot.copy_message(USER_ID, GROUP_ID, said.message_id)
    assert emulator.messages(USER_ID)[-1].message_id == copied.message_id
    assert await bot.edit_forum_topic(GROUP_ID, topic.message_thread_id, name="Case 1 (taken)")
    assert await bot.close_forum_topic(GROUP_ID, topic.message_thread_id)
    assert await bot.reopen_forum_topic(GROUP_ID, topic.message_thread_id)
    assert await bot.delete_forum_topic(GROUP_ID, topic.message_thread_id)
    with pytest.raises(BadRequest, match="thread not found"):
        await bot.send_message(GROUP_ID, "late", message_thread_id=topic.message_thread_id)
    assert await bot.delete_message(USER_ID, copied.message_id)
    forwarded = await bot.forward_message(USER_ID, USER_ID, photo.message_id)
    assert forwarded.forward_origin is not None
    emulator.block(USER_ID)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER_ID, "hi")


async def test_inline_query_answer_and_webhook_info(bot: Bot, emulator: BotApiEmulator) -> None:
    query_id = emulator.inline_query(USER_ID, "raqqa")
    result = InlineQueryResultArticle("1", "A clip", InputTextMessageContent("watch"))
    assert await bot.answer_inline_query(query_id, [result])
    assert emulator.inline_answers[0]["results"][0]["title"] == "A clip"
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 1
    [update] = await bot.get_updates()
    assert update.inline_query.query == "raqqa"


async def test_profile_admins_and_leaving(bot: Bot) -> None:
    assert await bot.set_my_description("Testimony of people who left", language_code="en")
    description = await bot.get_my_description(language_code="en")
    assert description.description == "Testimony of people who left"
    assert (await bot.get_my_name()).name == "Testimony"
    admins = await bot.get_chat_administrators(GROUP_ID)
    assert {admin.status for admin in admins} == {"creator", "administrator"}
    assert await bot.get_chat_member_count(GROUP_ID) == 3
    assert await bot.leave_chat(GROUP_ID)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(GROUP_ID, "still here?")
