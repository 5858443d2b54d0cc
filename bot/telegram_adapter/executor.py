"""Core actions -> Bot API calls, after the update's transaction has committed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core.actions import (
    Action,
    AnswerCallback,
    CopyMessage,
    EditButtons,
    EditCaseTopic,
    Keyboard,
    OpenCaseTopic,
    SendClip,
    SendText,
    Typing,
)
from bot.crypto import Crypto
from bot.library import ContentLibrary
from bot.metrics import BOT_API_ERRORS, CLIPS_SENT
from bot.store import Database, SqlCases, SqlClipFiles
from bot.telegram_adapter.retry import RetryingBot, RetryPolicy

log = logging.getLogger("bot.adapter")
TOPIC_GONE = ("message thread not found", "topic_deleted", "topic not found", "thread not found")


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


class ActionExecutor:
    """Performs actions in order; a failed action is logged and the next one still runs."""

    def __init__(self, bot: Bot, db: Database, crypto: Crypto, library: ContentLibrary,
                 counselor_chat_id: int | None, media_root: Path,
                 retry: RetryPolicy | None = None) -> None:
        self.bot: Bot = RetryingBot(bot, retry)  # type: ignore[assignment]  # retried calls
        self.db = db
        self.crypto = crypto
        self.library = library
        self.counselor_chat_id = counselor_chat_id
        self.media_root = media_root
        self._file_ids: dict[str, str] = {}  # clip id -> Telegram file_id, once known

    async def run(self, actions: Sequence[Action]) -> None:
        for action in actions:
            try:
                await self._one(action)
            except Forbidden as err:
                BOT_API_ERRORS.labels(type(action).__name__, "403").inc()
                await self._on_forbidden(action, err)
            except TelegramError as err:
                BOT_API_ERRORS.labels(type(action).__name__, type(err).__name__).inc()
                log.warning("action %s failed: %s", type(action).__name__, err.message)
            except Exception as err:  # noqa: BLE001 - one failed action must not stop the rest
                BOT_API_ERRORS.labels(type(action).__name__, type(err).__name__).inc()
                log.warning("action %s failed", type(action).__name__,
                            extra={"fields": {"error": type(err).__name__}})

    async def _one(self, action: Action) -> None:
        if isinstance(action, SendText):
            await self._send_text(action)
        elif isinstance(action, SendClip):
            await self._send_clip(action)
        elif isinstance(action, CopyMessage):
            await self.bot.copy_message(chat_id=action.to_chat_id,
                                        from_chat_id=action.from_chat_id,
                                        message_id=action.message_id,
                                        message_thread_id=action.thread_id)
        elif isinstance(action, AnswerCallback):
            await self.bot.answer_callback_query(action.callback_query_id, text=action.text,
                                                 show_alert=action.alert)
        elif isinstance(action, EditButtons):
            await self.bot.edit_message_reply_markup(chat_id=action.chat_id,
                                                     message_id=action.message_id,
                                                     reply_markup=keyboard(action.buttons))
        elif isinstance(action, OpenCaseTopic):
            await self._open_topic(action)
        elif isinstance(action, EditCaseTopic):
            await self._edit_topic(action)
        elif isinstance(action, Typing):
            await self.bot.send_chat_action(action.chat_id, action.action)

    async def _send_text(self, action: SendText) -> None:
        try:
            await self.bot.send_message(action.chat_id, action.text,
                                        reply_markup=keyboard(action.buttons),
                                        message_thread_id=action.thread_id)
        except BadRequest as err:
            if action.thread_id is None or not any(s in err.message.lower() for s in TOPIC_GONE):
                raise
            thread = await self._recreate_topic(action.thread_id)
            if thread is not None:
                await self.bot.send_message(action.chat_id, action.text,
                                            reply_markup=keyboard(action.buttons),
                                            message_thread_id=thread)

    # -- clips --------------------------------------------------------------------------------
    async def _send_clip(self, action: SendClip) -> None:
        path, url, index_file_id = self.library.media(action.clip_id)
        file_id = self._file_ids.get(action.clip_id)
        if file_id is None:  # one database read per clip and process, not per send
            async with self.db.transaction() as session:
                file_id = await SqlClipFiles(session).get(action.clip_id) or index_file_id
        markup = keyboard(action.buttons)
        if file_id:
            try:
                await self.bot.send_video(action.chat_id, file_id, caption=action.caption,
                                          reply_markup=markup)
                self._file_ids[action.clip_id] = file_id
                CLIPS_SENT.inc()
                return
            except BadRequest as err:
                log.info("cached file_id of a clip was rejected (%s); uploading", err.message)
                self._file_ids.pop(action.clip_id, None)
                async with self.db.transaction() as session:
                    await SqlClipFiles(session).forget(action.clip_id)
        source: object | None = None
        local = (self.media_root / path) if path else None
        if local is not None and local.is_file():
            await self.bot.send_chat_action(action.chat_id, "upload_video")
            with local.open("rb") as handle:
                message = await self.bot.send_video(action.chat_id, handle,
                                                    caption=action.caption, reply_markup=markup,
                                                    filename=local.name, supports_streaming=True)
            source = message
        elif url:
            source = await self.bot.send_video(action.chat_id, url, caption=action.caption,
                                               reply_markup=markup)
        if source is None:
            card = self.library.card(action.clip_id, "en")
            await self.bot.send_message(action.chat_id, action.caption + "\n\n" +
                                        (card.summary if card else ""), reply_markup=markup)
            return
        CLIPS_SENT.inc()
        video = getattr(source, "video", None)
        if video is not None and video.file_id:
            async with self.db.transaction() as session:
                await SqlClipFiles(session).put(action.clip_id, video.file_id)
            self._file_ids[action.clip_id] = video.file_id

    # -- counselor topics ---------------------------------------------------------------------
    async def _open_topic(self, action: OpenCaseTopic) -> None:
        if self.counselor_chat_id is None:
            log.warning("case %s opened but COUNSELOR_CHAT_ID is not set", action.case_id)
            return
        topic = await self.bot.create_forum_topic(self.counselor_chat_id, action.title)
        async with self.db.transaction() as session:
            await SqlCases(session, self.crypto).set_thread(action.case_id,
                                                            topic.message_thread_id)
        await self.bot.send_message(self.counselor_chat_id, action.card_text,
                                    reply_markup=keyboard(action.card_buttons),
                                    message_thread_id=topic.message_thread_id)

    async def _recreate_topic(self, old_thread: int) -> int | None:
        """Telegram says the case topic is gone: open a new one for the same case."""
        if self.counselor_chat_id is None:
            return None
        async with self.db.transaction() as session:
            case = await SqlCases(session, self.crypto).by_thread(old_thread)
        if case is None:
            return None
        topic = await self.bot.create_forum_topic(self.counselor_chat_id,
                                                  f"#{case.id} · {case.reason} · {case.language}")
        async with self.db.transaction() as session:
            await SqlCases(session, self.crypto).set_thread(case.id, topic.message_thread_id)
        return topic.message_thread_id

    async def _edit_topic(self, action: EditCaseTopic) -> None:
        if self.counselor_chat_id is None:
            return
        if action.title:
            try:
                await self.bot.edit_forum_topic(self.counselor_chat_id, action.thread_id,
                                                name=action.title)
            except BadRequest as err:
                if "not modified" not in err.message.lower():
                    raise
        if action.closed:
            await self.bot.close_forum_topic(self.counselor_chat_id, action.thread_id)

    async def _on_forbidden(self, action: Action, err: Forbidden) -> None:
        chat_id = getattr(action, "chat_id", None) or getattr(action, "to_chat_id", None)
        if not isinstance(chat_id, int) or chat_id <= 0:
            log.warning("forbidden in a group: %s", err.message)
            return
        log.info("a user has blocked the bot; recorded")
        user_key = self.crypto.user_key(chat_id)
        async with self.db.transaction() as session:
            cases = SqlCases(session, self.crypto)
            case = await cases.active_for_user(user_key)
            if case is None or case.user_blocked:
                return
            await cases.update(case.id, user_blocked=True)
        if case.thread_id is not None and self.counselor_chat_id is not None:
            await self.bot.send_message(self.counselor_chat_id,
                                        f"Case #{case.id}: the user has blocked the bot. "
                                        "Messages cannot be delivered.",
                                        message_thread_id=case.thread_id)
