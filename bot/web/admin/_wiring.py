"""The console's context for a bot process (BotRuntime): one call for the run and demo wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.web.admin._context import ConsoleContext

if TYPE_CHECKING:
    from bot.runtime import BotRuntime


def console_context_for(runtime: BotRuntime, *, cookie_secure: bool = True) -> ConsoleContext:
    """Publishing switches ``runtime.engine``; clip edits switch the library when the runtime
    has a ``publish_library(library)`` method (else they apply at the next start)."""
    return ConsoleContext(
        db=runtime.db, settings=runtime.settings, publish=runtime.engine.publish,
        current_dialogs=lambda: runtime.engine.registry.current,
        library=lambda: runtime.library, risk=runtime.risk,
        secret_key=runtime.settings.secret_key,
        publish_library=getattr(runtime, "publish_library", None), cookie_secure=cookie_secure)
