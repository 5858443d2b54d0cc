"""Inline mode: `@bot words` answers with clip videos; chosen results counted per clip/campaign.

The handlers sit in handler group -1, before the runtime's catch-all TypeHandler (group 0),
and stop there (ApplicationHandlerStop): inline updates carry no conversation, so the runtime
has nothing to do with them. A caller outside PTB's handlers (a webhook feeding the runtime
directly) hands inline updates to `InlineOutreach.process` instead. Logs carry counts and
the language only: never the query text or a user id.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    ChosenInlineResultHandler,
    ContextTypes,
    InlineQueryHandler,
)

from bot.core.deeplinks import parse_payload
from bot.metrics import UPDATES
from bot.outreach._popular import PopularClips
from bot.outreach.links import INLINE_CAMPAIGN
from bot.outreach.results import (
    build_results,
    candidate_clips,
    read_query,
    results_button,
)
from bot.store import SqlAnalytics, SqlClipFiles, SqlUpdates

if TYPE_CHECKING:
    from bot.runtime import BotRuntime

log = logging.getLogger("bot.outreach")
INLINE_GROUP = -1
CACHE_TIME_S = 30


class InlineOutreach:
    """The two inline handlers of one bot process."""

    def __init__(self, runtime: BotRuntime) -> None:
        self.runtime = runtime
        self.popular = PopularClips(runtime.library.index)

    async def process(self, update: Update) -> bool:
        """Handle an inline update (True), or leave any other update alone (False).

        For callers outside PTB's handlers, e.g. a webhook that calls the runtime directly.
        """
        if update.inline_query is not None:
            kind, work = "InlineQuery", self._answer(update)
        elif update.chosen_inline_result is not None:
            kind, work = "ChosenInlineResult", self._count_chosen(update)
        else:
            return False
        try:
            UPDATES.labels(kind, await work).inc()
        except Exception as err:  # noqa: BLE001 - one bad inline update must not spread
            UPDATES.labels(kind, "error").inc()
            log.warning("inline update failed",
                        extra={"fields": {"kind": kind, "error": type(err).__name__}})
        return True

    async def on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB callback: handle, then stop: the runtime has nothing to do with inline updates."""
        await self.process(update)
        raise ApplicationHandlerStop

    async def _answer(self, update: Update) -> str:
        query = update.inline_query
        assert query is not None
        runtime = self.runtime
        library = runtime.library
        strings = runtime.engine.registry.current.strings
        request = read_query(library, query.query, query.from_user.language_code)
        async with runtime.db.transaction() as session:
            popular = [] if request.words else await self.popular.ranked(session)
            clip_ids = candidate_clips(library, request, popular)
            files = SqlClipFiles(session)
            file_ids = {clip_id: await files.get(clip_id) for clip_id in clip_ids}
        results = build_results(library, strings, request, clip_ids,
                                update.get_bot().username, file_ids)
        try:
            await query.answer(results, cache_time=CACHE_TIME_S, is_personal=True,
                               button=results_button(strings, request))
        except TelegramError as err:  # an expired query is normal when someone types fast
            log.info("inline answer refused", extra={"fields": {"error": type(err).__name__}})
            return "refused"
        log.info("inline query", extra={"fields": {"language": request.language,
                                                   "results": len(results),
                                                   "empty": not request.words}})
        return "ok"

    async def _count_chosen(self, update: Update) -> str:
        chosen = update.chosen_inline_result
        assert chosen is not None
        link = parse_payload(chosen.result_id)
        if link is None or not link.clip or link.clip not in self.runtime.library.index.clips:
            return "ignored"
        async with self.runtime.db.transaction() as session:
            if not await SqlUpdates(session).claim(update.update_id, time.time()):
                return "duplicate"
            await SqlAnalytics(session).count("inline_chosen", clip=link.clip,
                                              campaign=link.campaign or INLINE_CAMPAIGN)
        return "ok"


def install_inline_handlers(application: Application, runtime: BotRuntime) -> InlineOutreach:
    """Add the InlineQueryHandler and ChosenInlineResultHandler (group -1) to ``application``."""
    outreach = InlineOutreach(runtime)
    application.add_handler(InlineQueryHandler(outreach.on_update), group=INLINE_GROUP)
    application.add_handler(ChosenInlineResultHandler(outreach.on_update), group=INLINE_GROUP)
    return outreach
