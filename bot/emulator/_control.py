"""The JSON control API under /_emulator/: drive people, read chats, set faults."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.emulator.emulator import BotApiEmulator

PREFIX = "/_emulator"
MAX_WAIT_SECONDS = 25.0


def _ok(result: Any = True, status: int = 200) -> web.Response:
    return web.json_response({"ok": True, "result": result}, status=status,
                             dumps=lambda v: json.dumps(v, ensure_ascii=False))


def _fail(description: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "description": description}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text='{"ok": false, "description": "body must be JSON"}',
                                 content_type="application/json") from None
    return body if isinstance(body, dict) else {}


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


class ControlApi:
    """Routes mirroring BotApiEmulator's Python driver."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.world = emulator.core.world

    def add_routes(self, app: web.Application) -> None:
        """Register every /_emulator route."""
        routes = [
            ("GET", "/state", self.state), ("POST", "/users", self.upsert_user),
            ("POST", "/groups", self.add_group), ("POST", "/send", self.send),
            ("POST", "/edit", self.edit), ("POST", "/press", self.press),
            ("POST", "/inline_query", self.inline_query), ("GET", "/changes", self.changes),
            ("GET", "/messages", self.messages), ("GET", "/topics", self.topics),
            ("GET", "/calls", self.calls), ("DELETE", "/calls", self.clear_calls),
            ("POST", "/faults", self.add_fault), ("DELETE", "/faults", self.clear_faults),
            ("POST", "/latency", self.latency), ("POST", "/flood", self.flood),
            ("POST", "/block", self.block), ("POST", "/reset", self.reset),
            ("GET", "/files/{file_id}", self.file), ("GET", "/chats", self.chats),
            ("GET", "/answers", self.answers),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, PREFIX + path, self._guarded(handler))

    @staticmethod
    def _guarded(handler: Any) -> Any:
        async def guarded(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except (KeyError, LookupError, ValueError, TypeError) as err:
                return _fail(f"{type(err).__name__}: {err}")

        return guarded

    async def state(self, request: web.Request) -> web.Response:
        """Users, groups with members and topics, the bot, the change cursor."""
        world = self.world
        return _ok({
            "bot": world.bot_user, "cursor": world.cursor,
            "users": [vars(user) for user in world.users.values()],
            "groups": [
                {"id": g.id, "title": g.title, "is_forum": g.is_forum,
                 "members": [{"user_id": uid, "status": status,
                              "first_name": world.users[uid].first_name
                              if uid in world.users else str(uid)}
                             for uid, status in g.member_status.items()],
                 "topics": [{**vars(t)} for t in g.topics.values()]}
                for g in world.groups.values()
            ],
            "pending_updates": len(self.emulator.core.hub.pending),
        })

    async def chats(self, request: web.Request) -> web.Response:
        """Every chat with messages: id, type, title, live message count, last change cursor."""
        listing = []
        for chat_id, messages in self.world.chats.items():
            chat = self.world.chat_json(chat_id)
            live = [m for m in messages.values() if not m.deleted]
            listing.append({
                "id": chat_id, "type": chat["type"],
                "title": chat.get("title") or chat.get("first_name"),
                "messages": len(live),
                "cursor": max((m.cursor for m in messages.values()), default=0),
            })
        return _ok(listing)

    async def answers(self, request: web.Request) -> web.Response:
        """How the bot answered callback queries and inline queries."""
        core = self.emulator.core
        return _ok({
            "callback_queries": [vars(record) for record in core.callback_queries.values()],
            "inline_queries": core.inline_answers,
        })

    async def upsert_user(self, request: web.Request) -> web.Response:
        """Create a user, or change an existing one's name/language."""
        body = await _body(request)
        user = self.world.users.get(int(body["id"]))
        if user is None:
            user = self.emulator.add_user(
                int(body["id"]), body.get("first_name") or "User", body.get("username"),
                body.get("language_code", "en"), bool(body.get("started", True)),
            )
        for key in ("first_name", "username", "language_code"):
            if key in body:
                setattr(user, key, body[key])
        self.world.touch()
        return _ok(vars(user))

    async def add_group(self, request: web.Request) -> web.Response:
        """Create a forum supergroup: {chat_id, title, members: [{user_id, status}]}."""
        body = await _body(request)
        members = {int(m["user_id"]): m.get("status", "member") for m in body.get("members", [])}
        group = self.emulator.add_forum_group(
            int(body["chat_id"]), body["title"], members, bool(body.get("is_forum", True))
        )
        return _ok({"id": group.id})

    async def send(self, request: web.Request) -> web.Response:
        """A user writes privately, or a member posts in `group_id` (topic `thread_id`)."""
        body = await _body(request)
        user_id, group_id = int(body["user_id"]), _int(body.get("group_id"))
        kind = body.get("kind", "text")
        if group_id is None:
            message = self.emulator.user_sends(user_id, body.get("text"), kind,
                                               body.get("caption"))
        else:
            message = self.emulator.member_sends(group_id, user_id, body.get("text"),
                                                 _int(body.get("thread_id")), kind,
                                                 body.get("caption"))
        return _ok(message.to_view())

    async def edit(self, request: web.Request) -> web.Response:
        """A person edits their text message: {user_id, message_id, text, group_id?}."""
        body = await _body(request)
        chat_id = _int(body.get("group_id")) or int(body["user_id"])
        message = self.emulator.core.world.find_message(chat_id, int(body["message_id"]))
        if message is None or message.sender_id != int(body["user_id"]):
            raise LookupError("no such message of that user")
        from bot.emulator._people import person_edits

        return _ok(person_edits(self.emulator.core, chat_id, message.message_id,
                                body["text"]).to_view())

    async def press(self, request: web.Request) -> web.Response:
        """Press a button: {user_id, label | data, message_id?, group_id?, thread_id?}."""
        body = await _body(request)
        user_id, group_id = int(body["user_id"]), _int(body.get("group_id"))
        if group_id is None:
            query_id = self.emulator.user_presses(
                user_id, body.get("label"), body.get("data"), _int(body.get("message_id"))
            )
        else:
            query_id = self.emulator.member_presses(
                group_id, user_id, body.get("label"), body.get("data"),
                _int(body.get("thread_id")), _int(body.get("message_id")),
            )
        return _ok({"callback_query_id": query_id})

    async def inline_query(self, request: web.Request) -> web.Response:
        """An inline query: {user_id, query}."""
        body = await _body(request)
        return _ok({"inline_query_id": self.emulator.inline_query(int(body["user_id"]),
                                                                   body.get("query", ""))})

    async def _wait(self, request: web.Request) -> int:
        since = int(request.query.get("since", "0"))
        wait = min(float(request.query.get("wait", "0")), MAX_WAIT_SECONDS)
        if wait > 0:
            await self.world.wait_change(since, wait)
        return since

    async def changes(self, request: web.Request) -> web.Response:
        """Every message (any chat) changed after cursor `since`; `wait` long-polls."""
        since = await self._wait(request)
        changed = [
            message.to_view() for chat in self.world.chats.values()
            for message in chat.values() if message.cursor > since
        ]
        changed.sort(key=lambda view: view["cursor"])
        return _ok({"cursor": self.world.cursor, "messages": changed})

    async def messages(self, request: web.Request) -> web.Response:
        """Messages of `chat_id` (optionally `thread_id`) changed after `since`."""
        since = await self._wait(request)
        chat_id = int(request.query["chat_id"])
        thread_id = _int(request.query.get("thread_id"))
        views = [
            message.to_view() for message in self.world.messages_of(chat_id).values()
            if message.cursor > since and (thread_id is None or message.thread_id == thread_id)
        ]
        return _ok({"cursor": self.world.cursor, "messages": views})

    async def topics(self, request: web.Request) -> web.Response:
        """Topics of `group_id`."""
        group_id = int(request.query["group_id"])
        return _ok([vars(topic) for topic in self.emulator.topics(group_id, True)])

    async def calls(self, request: web.Request) -> web.Response:
        """The call log from index `since` (optionally one `method`)."""
        start = int(request.query.get("since", "0"))
        method = request.query.get("method", "").lower()
        calls = [
            {"index": index, **call.to_json()}
            for index, call in enumerate(self.emulator.calls[start:], start)
            if not method or call.method.lower() == method
        ]
        return _ok({"next": len(self.emulator.calls), "calls": calls})

    async def clear_calls(self, request: web.Request) -> web.Response:
        """Forget the call log."""
        self.emulator.clear_calls()
        return _ok()

    async def add_fault(self, request: web.Request) -> web.Response:
        """{method, kind: error|429|delay|drop, times, status, retry_after, delay}."""
        body = await _body(request)
        kind = body.get("kind", "error")
        if kind not in ("error", "429", "delay", "drop"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = self.emulator.inject_fault(
            body.get("method", "*"), kind, int(body.get("times", 1)),
            int(body.get("status", 500)), int(body.get("retry_after", 5)),
            float(body.get("delay", 0.0)),
        )
        return _ok(fault.to_json())

    async def clear_faults(self, request: web.Request) -> web.Response:
        """Remove faults and latency."""
        self.emulator.clear_faults()
        return _ok()

    async def latency(self, request: web.Request) -> web.Response:
        """{seconds}: constant latency added to every Bot API call."""
        self.emulator.set_latency(float((await _body(request)).get("seconds", 0)))
        return _ok()

    async def flood(self, request: web.Request) -> web.Response:
        """{enabled, per_chat_rate?, per_chat_burst?, per_group_per_minute?,
        global_per_second?}."""
        body = await _body(request)
        limits = {k: body[k] for k in ("per_chat_rate", "per_chat_burst",
                                       "per_group_per_minute", "global_per_second") if k in body}
        self.emulator.enforce_flood_limits(bool(body.get("enabled", True)), **limits)
        return _ok()

    async def block(self, request: web.Request) -> web.Response:
        """{user_id, blocked=true}."""
        body = await _body(request)
        self.emulator.block(int(body["user_id"]), bool(body.get("blocked", True)))
        return _ok()

    async def reset(self, request: web.Request) -> web.Response:
        """Forget messages, topics, updates, calls and faults."""
        self.emulator.reset()
        return _ok()

    async def file(self, request: web.Request) -> web.StreamResponse:
        """The bytes of a file (uploaded video, user photo...), or a redirect to its URL."""
        stored = self.world.files.get(request.match_info["file_id"])
        if stored is None:
            return _fail("no such file", 404)
        if stored.content is None:
            raise web.HTTPFound(stored.url or "/")
        return _ranged(request, stored.content, stored.mime_type or "application/octet-stream")


def _ranged(request: web.Request, content: bytes, mime_type: str) -> web.Response:
    """Serve bytes honouring a single `Range: bytes=a-b` header, so <video> can seek."""
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "max-age=3600"}
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", request.headers.get("Range", "").strip())
    if match is None or not any(match.groups()) or not content:
        return web.Response(body=content, content_type=mime_type, headers=headers)
    first, last = match.groups()
    size = len(content)
    start = int(first) if first else max(0, size - int(last))
    end = min(int(last), size - 1) if first and last else size - 1
    if start >= size or start > end:
        return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return web.Response(status=206, body=content[start : end + 1], content_type=mime_type,
                        headers=headers)
