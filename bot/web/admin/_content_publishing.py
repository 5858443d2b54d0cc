"""Publishing an edited clip index as a numbered version and switching the bot's library."""

from __future__ import annotations

from pathlib import Path

from bot.errors import Problem
from bot.library import ContentLibrary
from bot.store.admin_repositories import Audit, ContentVersions
from bot.web.admin._clip_index import validate_index_text
from bot.web.admin._context import ConsoleContext
from bot.web.admin._diffs import diff_files
from bot.web.admin._errors import StaleEdit


async def publish_index(ctx: ConsoleContext, text: str, *, base_version: int, author: str,
                        note: str, target: str, before: str | None, after: str | None
                        ) -> tuple[int, list[Problem]]:
    """(new content version, problems); version 0 when refused. Raises StaleEdit."""
    async with ctx.db.transaction() as session:
        versions = ContentVersions(session)
        latest = await versions.latest()
        number = latest.number if latest else 0
        if number != base_version:
            old = await versions.get(base_version) if base_version else None
            base_text = old.text if old is not None else Path(
                ctx.settings.content_index).read_text(encoding="utf-8")
            raise StaleEdit(base_version, number, diff_files(
                {"content_index.yaml": base_text},
                {"content_index.yaml": latest.text if latest else base_text}))
        index, problems = validate_index_text(ctx, text)
        if index is None:
            return 0, problems
        await versions.add(number + 1, text, author, note)
        await Audit(session).record(author, "content_publish", target, before, after)
    if ctx.publish_library is not None:
        ctx.publish_library(ContentLibrary(index, ctx.settings.languages))
    return number + 1, problems
