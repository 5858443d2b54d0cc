"""The admin console (issue 6): flows, strings and clips editing, publishing, insight."""

from bot.store.admin_repositories import (
    create_first_admin,
    latest_published_content,
    latest_published_dialogs,
    seed_dialogs_if_empty,
)
from bot.web.admin._app import install_admin_console, prepare_console_store
from bot.web.admin._clip_index import library_from_text
from bot.web.admin._context import ConsoleContext, ContextSlot
from bot.web.admin._wiring import console_context_for

__all__ = [
    "ConsoleContext", "ContextSlot", "console_context_for", "create_first_admin",
    "install_admin_console",
    "latest_published_content", "latest_published_dialogs", "library_from_text",
    "prepare_console_store", "seed_dialogs_if_empty",
]
