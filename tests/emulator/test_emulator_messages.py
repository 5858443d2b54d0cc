"""Sending, validating, editing, copying and deleting messages through the HTTP Bot API."""

from __future__ import annotations

import json

import aiohttp

from bot.emulator import BotApiEmulator

from .conftest import COUNSELOR_ID, GROUP_ID, USER_ID, BotApiClient

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}


async def test_get_me_token_case_and_unknown_method(api: BotApiClient) -> None:
    me = await api.ok("getMe")
    assert me["is_bot"] and me["username"] == "testimony_bot"
    assert (await api.call("GETME", http_method="GET"))[0] == 200
    status, body = await api.call("sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    url = f"{api.emulator.bot_base_url}999:wrong/getMe"
    async with api.session.get(url) as response:
        assert response.status == 401
        assert (await response.json())["description"] == "Unauthorized"


async def test_send_message_form_json_and_query_string(api: BotApiClient) -> None:
    sent = await api.ok("sendMessage", chat_id=USER_ID, text="<b>Hello</b> & bye",
                        parse_mode="HTML", reply_markup=json.dumps(KEYBOARD))
    assert sent["text"] == "Hello & bye"
    assert sent["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert sent["reply_markup"] == KEYBOARD
    status, body = await api.call("sendMessage", as_json=True, chat_id=USER_ID, text="json",
                                  reply_markup=KEYBOARD)
    assert status == 200 and body["result"]["message_id"] == sent["message_id"] + 1
    status, body = await api.call("sendMessage", http_method="GET", chat_id=USER_ID, text="q")
    assert status == 200
    [first, *_] = api.emulator.messages(USER_ID)
    assert first.from_bot and first.button_labels == ["Yes"]


async def test_text_validation_uses_telegram_messages(api: BotApiClient) -> None:
    cases = [
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "😀" * 4097}, "Bad Request: message is too long"),  # code points
        ({"text": "<div>x</div>", "parse_mode": "HTML"},
         'Bad Request: can\'t parse entities: Unsupported start tag "div"'),
        ({"text": "end.", "parse_mode": "MarkdownV2"},
         "Bad Request: can't parse entities: Character '.' is reserved and must be escaped "
         "with the preceding '\\'"),
    ]
    for params, description in cases:
        status, body = await api.call("sendMessage", chat_id=USER_ID, **params)
        assert (status, body["description"]) == (400, description), params
    assert (await api.call("sendMessage", chat_id=USER_ID, text="x" * 4096))[0] == 200
    assert (await api.call("sendMessage", chat_id=USER_ID, text="😀" * 4096))[0] == 200
    html_long = "<b>" + "x" * 4096 + "</b>"  # the limit applies after parsing
    status, _ = await api.call("sendMessage", chat_id=USER_ID, text=html_long, parse_mode="HTML")
    assert status == 200


async def test_keyboard_validation(api: BotApiClient) -> None:
    too_long = {"inline_keyboard": [[{"text": "A", "callback_data": "é" * 33}]]}  # 66 bytes
    status, body = await api.call("sendMessage", chat_id=USER_ID, text="t",
                                  reply_markup=json.dumps(too_long))
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    exactly_64 = {"inline_keyboard": [[{"text": "A", "callback_data": "é" * 32}]]}
    await api.ok("sendMessage", chat_id=USER_ID, text="t", reply_markup=json.dumps(exactly_64))
    empty_text = {"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}
    status, body = await api.call("sendMessage", chat_id=USER_ID, text="t",
                                  reply_markup=json.dumps(empty_text))
    assert status == 400 and body["description"] == "Bad Request: BUTTON_TEXT_INVALID"


async def test_unknown_unstarted_and_blocked_chats(api: BotApiClient) -> None:
    emulator = api.emulator
    emulator.add_user(3003, "Shy", started=False)
    for chat_id in (424242, 3003):
        status, body = await api.call("sendMessage", chat_id=chat_id, text="hi")
        assert (status, body["description"]) == (400, "Bad Request: chat not found")
    emulator.user_sends(3003, "/start")
    await api.ok("sendMessage", chat_id=3003, text="welcome")
    emulator.block(USER_ID)
    status, body = await api.call("sendMessage", chat_id=USER_ID, text="hi")
    assert (status, body) == (403, {"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"})


async def test_edit_reply_markup_and_delete(api: BotApiClient) -> None:
    sent = await api.ok("sendMessage", chat_id=USER_ID, text="pick",
                        reply_markup=json.dumps(KEYBOARD))
    mid = sent["message_id"]
    status, body = await api.call("editMessageReplyMarkup", chat_id=USER_ID, message_id=mid,
                                  reply_markup=json.dumps(KEYBOARD))
    assert status == 400 and body["description"].startswith("Bad Request: message is not modified")
    await api.ok("editMessageReplyMarkup", chat_id=USER_ID, message_id=mid)
    edited = await api.ok("editMessageText", chat_id=USER_ID, message_id=mid, text="picked")
    assert edited["text"] == "picked" and "reply_markup" not in edited and "edit_date" in edited
    status, body = await api.call("editMessageText", chat_id=USER_ID, message_id=999, text="x")
    assert body["description"] == "Bad Request: message to edit not found"
    assert await api.ok("deleteMessage", chat_id=USER_ID, message_id=mid) is True
    status, body = await api.call("deleteMessage", chat_id=USER_ID, message_id=mid)
    assert body["description"] == "Bad Request: message to delete not found"
    assert api.emulator.messages(USER_ID) == []


async def test_video_upload_file_id_resend_url_and_download(api: BotApiClient) -> None:
    url = f"{api.emulator.bot_base_url}{api.emulator.token}/sendVideo"
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER_ID))
    form.add_field("caption", "A defector speaks")
    form.add_field("video", b"\x00\x00\x00\x18ftypmp42" + b"0" * 100, filename="clip.mp4",
                   content_type="video/mp4")
    async with api.session.post(url, data=form) as response:
        result = (await response.json())["result"]
    file_id = result["video"]["file_id"]
    assert result["caption"] == "A defector speaks"
    again = await api.ok("sendVideo", chat_id=USER_ID, video=file_id)
    assert again["video"]["file_id"] == file_id
    status, body = await api.call("sendVideo", chat_id=USER_ID, video="AAAA-unknown")
    assert body["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    remote = await api.ok("sendVideo", chat_id=USER_ID, video="https://cdn.example/clip.mp4")
    assert remote["video"]["file_id"] != file_id
    status, body = await api.call("sendVideo", chat_id=USER_ID, video=file_id,
                                  caption="c" * 1025)
    assert body["description"] == "Bad Request: message caption is too long"
    path = (await api.ok("getFile", file_id=file_id))["file_path"]
    async with api.session.get(f"{api.emulator.file_base_url}{api.emulator.token}/{path}") as r:
        assert (await r.read()).startswith(b"\x00\x00\x00\x18ftyp")
    assert [m.kind for m in api.emulator.messages(USER_ID)] == ["video", "video", "video"]
    files = f"{api.emulator.base_url}/_emulator/files/{file_id}"
    async with api.session.get(files, headers={"Range": "bytes=4-7"}) as r:
        assert r.status == 206 and await r.read() == b"ftyp"
        assert r.headers["Content-Range"] == "bytes 4-7/112"


async def test_copy_message_hides_sender_and_forward_is_recorded(
    api: BotApiClient, emulator: BotApiEmulator
) -> None:
    topic = await api.ok("createForumTopic", chat_id=GROUP_ID, name="Case 1")
    thread = topic["message_thread_id"]
    said = emulator.member_sends(GROUP_ID, COUNSELOR_ID, "I hear you.", thread_id=thread)
    copied = await api.ok("copyMessage", chat_id=USER_ID, from_chat_id=GROUP_ID,
                          message_id=said.message_id)
    [message] = emulator.messages(USER_ID)
    assert copied == {"message_id": message.message_id}
    assert message.text == "I hear you." and message.from_bot
    assert "forward_origin" not in message.payload
    photo = emulator.user_sends(USER_ID, kind="photo", caption="look")
    await api.ok("copyMessage", chat_id=GROUP_ID, message_thread_id=thread,
                 from_chat_id=USER_ID, message_id=photo.message_id, caption="from user")
    relayed = emulator.messages(GROUP_ID, thread_id=thread)[-1]
    assert relayed.kind == "photo" and relayed.caption == "from user"
    assert relayed.file_id == photo.file_id
    status, body = await api.call("copyMessage", chat_id=USER_ID, from_chat_id=GROUP_ID,
                                  message_id=9999)
    assert body["description"] == "Bad Request: message to copy not found"
    await api.ok("forwardMessage", chat_id=USER_ID, from_chat_id=GROUP_ID,
                 message_id=said.message_id)
    assert len(emulator.calls_to("forwardMessage")) == 1


async def test_chat_action_commands_chat_and_members(api: BotApiClient) -> None:
    assert await api.ok("sendChatAction", chat_id=USER_ID, action="upload_video") is True
    status, _ = await api.call("sendChatAction", chat_id=USER_ID, action="dancing")
    assert status == 400
    commands = [{"command": "start", "description": "Begin"}]
    await api.ok("setMyCommands", commands=json.dumps(commands))
    assert await api.ok("getMyCommands") == commands
    status, body = await api.call("setMyCommands",
                                  commands=json.dumps([{"command": "Bad-Cmd",
                                                         "description": "x"}]))
    assert body["description"] == "Bad Request: BOT_COMMAND_INVALID"
    chat = await api.ok("getChat", chat_id=GROUP_ID)
    assert chat["type"] == "supergroup" and chat["is_forum"] is True
    statuses = [
        (await api.ok("getChatMember", chat_id=GROUP_ID, user_id=user))["status"]
        for user in (COUNSELOR_ID, 2002, USER_ID)
    ]
    assert statuses == ["creator", "administrator", "left"]


async def test_callback_answer_once_and_inline_results(
    api: BotApiClient, emulator: BotApiEmulator
) -> None:
    await api.ok("sendMessage", chat_id=USER_ID, text="?", reply_markup=json.dumps(KEYBOARD))
    query_id = emulator.user_presses(USER_ID, label="Yes")
    await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Noted")
    assert emulator.callback_answer(query_id).answer["text"] == "Noted"
    status, body = await api.call("answerCallbackQuery", callback_query_id=query_id)
    assert body["description"].startswith("Bad Request: query is too old")
    results = [{"type": "article", "id": str(i), "title": "t",
                "input_message_content": {"message_text": "m"}} for i in range(51)]
    status, body = await api.call("answerInlineQuery", inline_query_id="1",
                                  results=json.dumps(results))
    assert body["description"] == "Bad Request: RESULTS_TOO_MUCH"
    await api.ok("answerInlineQuery", inline_query_id="1", results=json.dumps(results[:50]))
    assert len(emulator.inline_answers[0]["results"]) == 50
