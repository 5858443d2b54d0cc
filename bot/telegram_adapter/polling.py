"""Long polling that stores each fetched batch before Telegram is told it was received.

getUpdates confirms every update below the ``offset`` it is called with. PTB's Updater asks for
the next batch as soon as it has queued the last one, so a process killed between fetching an
update and committing its effect loses that update. This poller first keeps the batch in the
database inbox (one transaction per batch; bot/store/inbox.py), and only then moves the offset;
the transaction that handles an update deletes its inbox row, so whatever a crash leaves in the
inbox is handled at the next start. If the batch cannot be stored (the database is away), the
updates are still handled as far as possible (the user gets "try again in a moment") and the
same offset is asked again after a pause: Telegram keeps them until they are stored.

An optional ``screen`` looks at each fetched update first: one it turns away (a flooding user's
extra message) is neither stored nor handed over, and is confirmed with the batch. A dropped
update needs no durability, and a flood then costs no inbox row, no task and no transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import Conflict, RetryAfter, TelegramError
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("bot.polling")

StoreBatch = Callable[[Sequence[Update]], Awaitable[None]]
Dispatch = Callable[[Update], Awaitable[object]]
#: True to keep an update (store it, handle it), False to drop it at fetch time.
Screen = Callable[[Update], bool]
MAX_PAUSE_S = 30.0


class InboxPoller:
    """getUpdates in a loop: store the batch, confirm it, hand each update to the processor."""

    def __init__(self, bot: Bot, processor: BaseUpdateProcessor, store_batch: StoreBatch,
                 dispatch: Dispatch, allowed_updates: Sequence[str], timeout: int = 20,
                 limit: int = 100, screen: Screen | None = None) -> None:
        self.bot = bot
        self.processor = processor
        self.store_batch = store_batch
        self.dispatch = dispatch
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        self.limit = limit
        self.screen = screen
        self.offset = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Drop a webhook if one is set (getUpdates refuses to run beside one), then poll."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._loop_task = asyncio.create_task(self._run(), name="inbox-polling")

    @property
    def running(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    async def stop(self) -> None:
        """Stop fetching; updates already handed over finish (their replies are sent)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def hand_over(self, update: Update) -> None:
        """Process ``update`` in its chat's order (also used for updates found in the inbox)."""
        task = asyncio.create_task(self._one(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                updates = await self.bot.get_updates(offset=self.offset or None,
                                                     limit=self.limit, timeout=self.timeout,
                                                     allowed_updates=self.allowed_updates)
            except RetryAfter as err:
                await asyncio.sleep(_seconds(err.retry_after))
                continue
            except Conflict:
                log.warning("getUpdates conflict: another instance is polling this bot")
                await asyncio.sleep(2.0)
                continue
            except TelegramError as err:  # timeouts and network errors included
                failures += 1
                log.warning("getUpdates failed", extra={"fields": {"error": type(err).__name__}})
                await asyncio.sleep(_pause(failures))
                continue
            if not updates:
                failures = 0
                continue
            kept = self._screened(updates)
            stored = True
            if kept:
                try:
                    await self.store_batch(kept)
                except Exception as err:  # noqa: BLE001 - Telegram keeps the batch; ask again
                    stored = False
                    log.warning("could not store a fetched batch",
                                extra={"fields": {"error": type(err).__name__}})
            for update in kept:  # in order: the processor queues each chat's updates FIFO
                self.hand_over(update)
            if stored:
                failures = 0
                self.offset = max(u.update_id for u in updates) + 1
            else:
                failures += 1
                await asyncio.sleep(_pause(failures))

    def _screened(self, updates: Sequence[Update]) -> list[Update]:
        """The updates the screen keeps (all of them without a screen, or if it fails)."""
        if self.screen is None:
            return list(updates)
        kept = []
        for update in updates:
            try:
                keep = self.screen(update)
            except Exception as err:  # noqa: BLE001 - unsure: keep it, handled like any other
                log.warning("update screen failed",
                            extra={"fields": {"error": type(err).__name__}})
                keep = True
            if keep:
                kept.append(update)
        return kept

    async def _one(self, update: Update) -> None:
        try:
            await self.processor.process_update(update, self.dispatch(update))
        except Exception as err:  # noqa: BLE001 - the inbox row stays; handled again later
            log.warning("update processing failed",
                        extra={"fields": {"error": type(err).__name__}})


def _pause(failures: int) -> float:
    return min(MAX_PAUSE_S, 0.5 * 2 ** min(failures, 6))


def _seconds(value: object) -> float:
    seconds = getattr(value, "total_seconds", None)
    return float(seconds()) if callable(seconds) else float(value)  # type: ignore[arg-type]
