"""aiohttp handlers for /bot<token>/<method> and /file/bot<token>/<path>."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator import (  # noqa: F401  (importing registers the methods)
    _methods_chats,
    _methods_messages,
    _methods_misc,
)
from bot.emulator._core import EmulatorCore
from bot.emulator._errors import ApiError
from bot.emulator._params import Params, UploadedFile
from bot.emulator._registry import METHODS

_INTERNAL = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
             504: "Gateway Timeout"}


CLIENT_GONE = "client disconnected before the answer"


def _client_gone(request: web.Request) -> bool:
    """Whether the caller hung up (a cancelled request); its answer will never be read."""
    transport = request.transport
    return transport is None or transport.is_closing()


def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=status, content_type="application/json",
    )


async def _read_params(request: web.Request) -> Params:
    """Merge query string and body (form, JSON or multipart with files)."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, UploadedFile] = {}
    if request.method != "POST" or not request.body_exists:
        return Params(values, uploads)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON") from None
        if isinstance(body, dict):
            values.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            data = await part.read()
            if part.filename is not None:
                uploads[part.name] = UploadedFile(
                    part.filename, part.headers.get("Content-Type"), bytes(data)
                )
            else:
                values[part.name] = data.decode("utf-8")
    else:
        values.update(await request.post())
    return Params(values, uploads)


class BotApiHandlers:
    """The Bot API and file routes bound to one emulator core."""

    def __init__(self, core: EmulatorCore) -> None:
        self.core = core

    def add_routes(self, app: web.Application) -> None:
        """Add the Telegram-shaped routes to `app`."""
        app.router.add_route("*", "/bot{token}/{method}", self.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_method(self, request: web.Request) -> web.StreamResponse:
        """One Bot API call: token, faults, parameters, method, recording."""
        core = self.core
        name = request.match_info["method"]
        if request.match_info["token"] != core.token:
            return _json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        handler = METHODS.get(name.lower())
        if handler is None:
            core.record(name, {}, False, 404, "Not Found")
            return _json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, 404
            )
        if core.faults.latency:
            await asyncio.sleep(core.faults.latency)
        try:
            params = await _read_params(request)
        except ApiError as err:
            core.record(name, {}, False, err.error_code, err.description)
            return _json_response(err.to_json(), err.error_code)
        recorded = params.recordable()
        fault = core.faults.take(name.lower())
        if fault is not None:
            if fault.kind == "delay":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "drop":
                core.record(name, recorded, False, None, "connection dropped")
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            else:
                error = (
                    ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                             fault.retry_after)
                    if fault.kind == "429"
                    else ApiError(
                        fault.status, _INTERNAL.get(fault.status, "Internal Server Error")
                    )
                )
                core.record(name, recorded, False, error.error_code, error.description)
                return _json_response(error.to_json(), error.error_code)
        try:
            result = await handler(core, params)
        except ApiError as err:
            if _client_gone(request):  # e.g. an abandoned long poll terminated by the next one
                core.record(name, recorded, False, None, CLIENT_GONE)
            else:
                core.record(name, recorded, False, err.error_code, err.description)
            return _json_response(err.to_json(), err.error_code)
        if _client_gone(request):
            core.record(name, recorded, False, None, CLIENT_GONE)
        else:
            core.record(name, recorded, True, None, None)
        return _json_response({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """Download a file by the file_path getFile returned."""
        if request.match_info["token"] != self.core.token:
            return _json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        path = request.match_info["path"]
        for stored in self.core.world.files.values():
            if stored.file_path == path and stored.content is not None:
                return web.Response(
                    body=stored.content,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
