"""The table of emulated Bot API methods, keyed by lower-cased name (Telegram ignores case)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator._core import EmulatorCore
from bot.emulator._params import Params

MethodHandler = Callable[[EmulatorCore, Params], Awaitable[Any]]
METHODS: dict[str, MethodHandler] = {}


def api_method(*names: str) -> Callable[[MethodHandler], MethodHandler]:
    """Register a handler under one or more Bot API method names."""

    def register(handler: MethodHandler) -> MethodHandler:
        for name in names:
            METHODS[name.lower()] = handler
        return handler

    return register
