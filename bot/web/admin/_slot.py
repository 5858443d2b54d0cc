"""The running console's context for a request (503 while the bot process is starting)."""

from __future__ import annotations

from aiohttp import web

from bot.web.admin._context import ConsoleContext
from bot.web.admin._keys import SLOT


def context_of(request: web.Request) -> ConsoleContext:
    context = request.app[SLOT].context
    if context is None:
        raise web.HTTPServiceUnavailable(text="the console is starting; try again in a moment")
    return context
