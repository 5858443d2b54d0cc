"""Wiring of one bot process: settings, data files, database, engine, PTB application."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.core import DeskConfig, Engine, OpenCaseTopic, SendText, Tick
from bot.core.events import (
    CounselorButton,
    CounselorCommand,
    UserButton,
    UserEvent,
    UserMedia,
    UserText,
)
from bot.core.hours import parse_hours
from bot.crypto import Crypto
from bot.flows import DialogSet, load_dialogs
from bot.library import ContentLibrary
from bot.metrics import HANDLER_SECONDS, HANDOFFS, OLDEST_WAITING, QUEUE_LENGTH, UPDATES
from bot.outreach import install_inline_handlers
from bot.outreach.inline import InlineOutreach
from bot.risk import load_risk_detector
from bot.store import Database, SqlCases, SqlUpdates, sql_ports
from bot.store.inbox import Inbox
from bot.store.locks import ChatLocks
from bot.store.outbox import Outbox
from bot.store.retention import purge_expired
from bot.store.schema import prepare_database
from bot.telegram_adapter.convert import UpdateConverter
from bot.telegram_adapter.executor import ActionExecutor
from bot.telegram_adapter.metered import MeteredRateLimiter
from bot.telegram_adapter.polling import InboxPoller
from bot.telegram_adapter.processor import ChatOrderedProcessor
from bot.telegram_adapter.rate_limiter import ChatAwareRateLimiter
from bot.telegram_adapter.shared_limiter import SharedRateLimiter

log = logging.getLogger("bot.updates")
TICK_SECONDS = 15.0
PURGE_EVERY_S = 3600.0
OUTBOX_STALE_S = 30.0
OUTBOX_BATCH = 50
#: An update still in the inbox after this long failed (the database was away): try again.
INBOX_STALE_S = 60.0
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query",
                   "chosen_inline_result", "my_chat_member"]
#: How many of the flood screen's recent answers are remembered (see BotRuntime.admit).
ADMITTED_MEMORY = 2000
COUNSELOR_STATUSES = ("creator", "administrator", "member")
MEMBERSHIP_CACHE_S = 120.0
COMMANDS = ("start", "help", "topics", "talk", "language", "delete", "stop")


@dataclass
class DataFiles:
    dialogs: DialogSet
    library: ContentLibrary


def load_data_files(settings: Settings) -> DataFiles:
    """Validate and load dialogs/ and the clip index; ValidationFailed lists every problem."""
    dialogs = load_dialogs(settings.dialogs_dir, settings.languages)
    library = ContentLibrary.load(settings.content_index, settings.languages,
                                  settings.media_root)
    return DataFiles(dialogs, library)


class FloodGate:
    """Drops a flooding user's messages before they cost a database transaction.

    The engine already slows a user past FLOOD_MESSAGES and mutes them past twice that; this
    gate, in memory and per process, stops the same flood earlier. With long polling it decides
    as an update is fetched (BotRuntime.admit), so a dropped message is never stored either. A
    message with distress or urgent cues always goes through: nobody at risk is left without an
    answer.
    """

    def __init__(self, risk: object, limit: int, window_s: float) -> None:
        self.risk = risk
        self.limit = limit
        self.window_s = window_s
        self.recent: dict[int, list[float]] = {}

    def drop(self, event: object, now: float) -> bool:
        if not isinstance(event, (UserText, UserMedia)):
            return False
        chat = event.user.chat_id
        times = [t for t in self.recent.get(chat, ()) if now - t < self.window_s]
        times.append(now)
        self.recent[chat] = times[-(self.limit + 1):]
        if len(self.recent) > 10_000:  # forget quiet chats
            self.recent = {c: ts for c, ts in self.recent.items() if now - ts[-1] < self.window_s}
        if len(times) <= self.limit:
            return False
        if isinstance(event, UserText):
            risk = self.risk.assess(event.text, None)  # type: ignore[attr-defined]
            if risk.urgent or risk.category == "distress":
                return False
        return True


_heap_settled = False


def settle_heap() -> None:
    """Once per process, when the bot is ready: move what is loaded for good (dialogs, clip
    index, risk models) out of the cyclic collector's sight.

    A full collection otherwise walks those hundreds of thousands of objects, 100-200 ms with
    the event loop stopped for every user, and a burst of traffic (a flood) is what sets it off.
    """
    global _heap_settled
    if not _heap_settled:
        _heap_settled = True
        gc.collect()  # nothing collectable is frozen with the rest
        gc.freeze()


def event_chat(event: object) -> int | None:
    user = getattr(event, "user", None)
    if user is not None:
        return int(user.chat_id)
    chat_id = getattr(event, "chat_id", None)
    return int(chat_id) if isinstance(chat_id, int) else None


class BotRuntime:
    """Everything one bot process needs; ``process`` handles one update end to end."""

    def __init__(self, settings: Settings, data: DataFiles, db: Database,
                 clock: type[time] | None = None) -> None:
        self.settings = settings
        self.db = db
        self.crypto = Crypto(settings.secret_key)
        self.library = data.library
        self.risk = load_risk_detector(settings.languages)
        desk = DeskConfig(settings.counselor_chat_id,
                          parse_hours(settings.counselor_hours, settings.timezone),
                          settings.handoff_wait_minutes * 60, settings.languages)
        self.engine = Engine(data.dialogs, data.library, self.risk, self.crypto, desk,
                             flood_messages=settings.flood_messages,
                             flood_window_s=settings.flood_window_seconds,
                             flood_mute_s=settings.flood_mute_seconds)
        self.engine.set_retention(settings.user_retention_days,
                                  settings.transcript_retention_days)
        self.converter = UpdateConverter(self.crypto, settings.counselor_chat_id)
        self.application: Application | None = None
        self.executor: ActionExecutor | None = None
        self._members: dict[int, tuple[float, bool]] = {}
        self._last_purge = 0.0
        self.inline: InlineOutreach | None = None
        # The engine mutes on a flood's 2 * FLOOD_MESSAGES + 1st message: the gate lets that
        # one through (the user is told to pause) and drops the rest.
        self.flood_gate = FloodGate(self.risk, 2 * settings.flood_messages + 1,
                                    settings.flood_window_seconds)
        self.poller: InboxPoller | None = None
        #: Polled updates settled without a transaction (inline queries, a non-counselor's
        #: press): their inbox rows go with the next batch's transaction.
        self._inbox_forget: list[int] = []
        self._apologised: dict[int, None] = {}
        #: The screen's recent answers by update id (a batch may be fetched twice).
        self._admitted: dict[int, bool] = {}

    # -- PTB application -------------------------------------------------------------------
    def build_application(self) -> Application:
        s = self.settings
        if not s.bot_token:
            raise RuntimeError("a bot token is needed to build the application")
        limiter: ChatAwareRateLimiter | SharedRateLimiter = ChatAwareRateLimiter(
            per_chat_rate=s.per_chat_messages_per_second,
            overall_per_second=int(s.overall_messages_per_second),
            group_per_minute=int(s.group_messages_per_minute),
        )
        if not self.db.is_sqlite:  # several processes may share this database
            limiter = SharedRateLimiter(limiter, self.db,
                                        per_chat_rate=s.per_chat_messages_per_second,
                                        group_per_minute=s.group_messages_per_minute,
                                        overall_per_second=s.overall_messages_per_second)
        builder = (ApplicationBuilder().token(s.bot_token).base_url(s.api_url)
                   .base_file_url(s.file_url).rate_limiter(MeteredRateLimiter(limiter))
                   .concurrent_updates(ChatOrderedProcessor(256))
                   .updater(None))  # long polling: start_polling(); both modes: prepare()
        app = builder.build()
        self.inline = install_inline_handlers(app, self)
        app.add_error_handler(self._on_error)
        if app.job_queue is not None:
            app.job_queue.run_repeating(self._on_tick, interval=TICK_SECONDS, first=TICK_SECONDS)
        self.application = app
        self.executor = ActionExecutor(app.bot, self.db, self.crypto, self.library,
                                       s.counselor_chat_id, s.media_root)
        return app

    async def prepare(self) -> None:
        """Once the application has started: re-send what a crash left unsent, learn the bot's
        username, and register the command menu in every language."""
        assert self.application is not None
        app = self.application
        resent = await self.resend_unsent()
        if resent:
            log.info("outbox", extra={"fields": {"resent_batches": resent}})
        me = await app.bot.get_me()
        self.converter.bot_username = me.username
        strings = self.engine.registry.current.strings
        for language in self.settings.languages:
            commands = [BotCommand(name, strings.get(f"commands.{name}", language)[:256])
                        for name in COMMANDS]
            await app.bot.set_my_commands(commands,
                                          language_code=None if language == "en" else language)
        settle_heap()

    async def _on_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("unhandled error", extra={"fields": {"error": type(error).__name__}})

    async def _on_tick(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tick()

    # -- processing -------------------------------------------------------------------------
    async def _is_counselor(self, user_id: int) -> bool:
        cached = self._members.get(user_id)
        now = time.monotonic()
        if cached and now - cached[0] < MEMBERSHIP_CACHE_S:
            return cached[1]
        assert self.application is not None and self.settings.counselor_chat_id is not None
        try:
            member = await self.application.bot.get_chat_member(self.settings.counselor_chat_id,
                                                                user_id)
            allowed = member.status in COUNSELOR_STATUSES
        except Exception:  # noqa: BLE001 - unknown membership means no access
            allowed = False
        self._members[user_id] = (now, allowed)
        return allowed

    async def process(self, update: Update) -> bool:
        """Handle one update; True when it was processed now (False: duplicate or ignored)."""
        assert self.executor is not None
        started = time.perf_counter()
        event = self.converter.convert(update)
        kind = type(event).__name__ if event is not None else "Ignored"
        # A polled update went through the gate when it was fetched (admit); a webhook's here.
        if self.poller is None and self.flood_gate.drop(event, time.monotonic()):
            UPDATES.labels(kind, "flood_dropped").inc()
            self._settled_without_transaction(update.update_id)
            return False
        if isinstance(event, (CounselorButton, CounselorCommand)):
            if not await self._is_counselor(event.counselor.user_id):
                if isinstance(event, CounselorButton):
                    await self.application.bot.answer_callback_query(  # type: ignore[union-attr]
                        event.callback_query_id, "Only counselors can do this.",
                        show_alert=True)
                UPDATES.labels(kind, "not_counselor").inc()
                self._settled_without_transaction(update.update_id)
                return False
        try:
            async with self.db.transaction() as session:
                locks = ChatLocks(session)
                chat_id = event_chat(event)
                if chat_id is not None:
                    await locks.hold(chat_id)  # one chat at a time, across processes
                if self.poller is not None:  # done with the inbox row when this commits
                    await Inbox(session, self.crypto).done([update.update_id])
                if not await SqlUpdates(session).claim(update.update_id, time.time()):
                    UPDATES.labels(kind, "duplicate").inc()
                    return False
                if event is None:
                    UPDATES.labels(kind, "ignored").inc()
                    return False
                outcome = await self.engine.handle(event, sql_ports(session, self.crypto, locks))
                outbox_id = (await Outbox(session, self.crypto).add(outcome.actions, time.time())
                             if outcome.actions else None)
        except Exception as err:
            UPDATES.labels(kind, "error").inc()
            log.error("update failed", extra={"fields": {"kind": kind,
                                                         "error": type(err).__name__}})
            await self._apologise(event, update.update_id)
            raise
        await self.executor.run(outcome.actions)
        for action in outcome.actions:
            if isinstance(action, OpenCaseTopic):
                HANDOFFS.labels(action.reason, str(action.urgent).lower()).inc()
        if outbox_id is not None:
            await self._sent(outbox_id)
        elapsed = time.perf_counter() - started
        HANDLER_SECONDS.observe(elapsed)
        UPDATES.labels(kind, "ok").inc()
        fields: dict[str, object] = {"kind": kind, "ms": round(elapsed * 1000, 1)}
        user = getattr(event, "user", None)
        if user is not None:
            fields["user"] = user.key
        fields.update(outcome.facts)
        log.info("update", extra={"fields": fields})
        return True

    async def dispatch(self, update: Update) -> bool:
        """One update from polling or the webhook: inline mode to outreach, the rest to process."""
        if self.inline is not None and await self.inline.process(update):
            self._settled_without_transaction(update.update_id)
            return True
        return await self.process(update)

    # -- long polling with an inbox ---------------------------------------------------------
    async def start_polling(self) -> None:
        """Handle what a previous run left in the inbox, then poll (telegram_adapter/polling)."""
        assert self.application is not None
        app = self.application
        self.poller = InboxPoller(app.bot, app.update_processor, self.store_batch,
                                  self.dispatch, ALLOWED_UPDATES, screen=self.admit)
        left = await self.reprocess_inbox(0.0)
        if left:
            log.info("inbox", extra={"fields": {"handled_again": left}})
        await self.poller.start()

    def admit(self, update: Update) -> bool:
        """The poller's screen: False drops a flooding user's message as it is fetched, before
        it costs an inbox row, a task or a transaction (distress and urgent always pass).

        An update fetched again (its batch could not be stored) gets the same answer, without
        counting twice.
        """
        known = self._admitted.get(update.update_id)
        if known is not None:
            return known
        event = self.converter.convert(update)
        keep = not self.flood_gate.drop(event, time.monotonic())
        if not keep:
            UPDATES.labels(type(event).__name__, "flood_dropped").inc()
        self._admitted[update.update_id] = keep
        if len(self._admitted) > ADMITTED_MEMORY:
            del self._admitted[next(iter(self._admitted))]
        return keep

    async def store_batch(self, updates: Sequence[Update]) -> None:
        """Keep a fetched batch in the inbox (and forget updates settled without a commit)."""
        forget, self._inbox_forget = self._inbox_forget, []
        try:
            async with self.db.transaction() as session:
                inbox = Inbox(session, self.crypto)
                await inbox.store([(u.update_id, u.to_dict()) for u in updates], time.time())
                await inbox.done(forget)
        except Exception:
            self._inbox_forget.extend(forget)
            raise

    async def reprocess_inbox(self, older_than_s: float) -> int:
        """Hand stored updates that were never handled (a crash, a failed commit) to the poller."""
        assert self.poller is not None and self.application is not None
        count = 0
        cutoff = time.time() - older_than_s
        while True:
            async with self.db.transaction() as session:
                batch = await Inbox(session, self.crypto).claim_stale(cutoff, time.time())
            for data in batch:
                update = Update.de_json(data, self.application.bot)
                if update is not None:
                    self.poller.hand_over(update)
            count += len(batch)
            if len(batch) < 100:
                return count

    def _settled_without_transaction(self, update_id: int) -> None:
        if self.poller is not None:
            self._inbox_forget.append(update_id)

    async def process_json(self, data: dict[str, object]) -> bool:
        """Webhook entry: parse, keep one chat's updates in order in this process, process.

        Raises when the update could not be processed, so that the webhook answers 500.
        """
        assert self.application is not None
        try:
            update = Update.de_json(data, self.application.bot)
        except (KeyError, TypeError, ValueError) as err:
            log.warning("webhook body is not a valid update",
                        extra={"fields": {"error": type(err).__name__}})
            return False
        result: list[bool] = []

        async def run() -> None:
            result.append(await self.dispatch(update))

        await self.application.update_processor.process_update(update, run())
        return bool(result and result[0])

    async def _apologise(self, event: object, update_id: int) -> None:
        """"Please try again in a moment", once per update (a polled update is tried again)."""
        if not isinstance(event, UserEvent.__args__) or self.executor is None:  # type: ignore
            return
        if update_id in self._apologised:
            return
        self._apologised[update_id] = None
        if len(self._apologised) > 1000:
            del self._apologised[next(iter(self._apologised))]
        strings = self.engine.registry.current.strings
        language = (event.user.language_code or "en").split("-")[0]
        actions = [SendText(event.user.chat_id, strings.get("common.try_again", language))]
        if isinstance(event, UserButton):
            from bot.core import AnswerCallback

            actions.insert(0, AnswerCallback(event.callback_query_id))
        await self.executor.run(actions)

    def publish_library(self, library: ContentLibrary) -> None:
        """Switch the running bot to another clip index (a published console edit)."""
        self.library = library
        self.engine.library = library
        self.engine.behaviours.library = library
        if self.executor is not None:
            self.executor.library = library

    async def _sent(self, outbox_id: int) -> None:
        async with self.db.transaction() as session:
            await Outbox(session, self.crypto).remove(outbox_id)

    async def resend_unsent(self, older_than_s: float | None = None) -> int:
        """Send actions a crashed process committed but did not send; returns how many batches.

        With SQLite there is one process, so at start everything pending is stale; with
        PostgreSQL only rows older than OUTBOX_STALE_S, since another process may be sending.
        """
        assert self.executor is not None
        if older_than_s is None:
            older_than_s = 0.0 if self.db.is_sqlite else OUTBOX_STALE_S
        count = 0
        cutoff = time.time() - older_than_s
        while True:
            async with self.db.transaction() as session:
                batch = await Outbox(session, self.crypto).claim_stale(cutoff, time.time())
            for outbox_id, actions in batch:  # sent outside the transaction, then removed
                await self.executor.run(actions)
                await self._sent(outbox_id)
            count += len(batch)
            if len(batch) < OUTBOX_BATCH:
                return count

    async def tick(self) -> None:
        assert self.executor is not None
        await self.resend_unsent(OUTBOX_STALE_S)
        if self.poller is not None:
            await self.reprocess_inbox(INBOX_STALE_S)
        now = time.time()
        async with self.db.transaction() as session:
            outcome = await self.engine.handle(Tick(now), sql_ports(session, self.crypto))
            waiting = await SqlCases(session, self.crypto).waiting_cases()
            if now - self._last_purge >= PURGE_EVERY_S:
                self._last_purge = now
                purged = await purge_expired(session, now,
                                             self.settings.transcript_retention_days,
                                             self.settings.user_retention_days)
                log.info("retention", extra={"fields": vars(purged)})
        QUEUE_LENGTH.set(len(waiting))
        OLDEST_WAITING.set(max((now - c.opened_at for c in waiting), default=0))
        await self.executor.run(outcome.actions)


async def open_database(settings: Settings) -> Database:
    """SQLite is created and migrated automatically; PostgreSQL must be at the code's revision."""
    db = Database(settings.database_url)
    await prepare_database(db)
    return db


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
