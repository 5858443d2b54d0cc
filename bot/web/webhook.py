"""The Telegram webhook endpoint: 403 without the secret, 200 only after the update committed."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger("bot.webhook")
MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Returns normally once the update is processed (or was a duplicate); raises on failure.
UpdateHandler = Callable[[dict[str, Any]], Awaitable[object]]


def install_webhook_route(app: web.Application, path: str, secret: str,
                          handle: UpdateHandler) -> None:
    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return web.json_response({"ok": False, "error": "body too large"}, status=400)
        body = await request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return web.json_response({"ok": False, "error": "body too large"}, status=400)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        try:
            await handle(data)
        except Exception as err:  # noqa: BLE001 - Telegram must redeliver
            log.warning("webhook update failed; answering 500 so Telegram redelivers",
                        extra={"fields": {"error": type(err).__name__}})
            return web.json_response({"ok": False, "error": "retry later"}, status=500)
        return web.json_response({"ok": True})

    app.router.add_post(path, webhook)
