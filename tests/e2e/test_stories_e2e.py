"""The stories marked `e2e: true`, through the real PTB stack against the Telegram emulator.

Only what Telegram shows is checked (texts, buttons, videos, topics in the counselors' group),
plus the user's state read back from the database.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.state import UserState
from bot.emulator import StoredMessage
from bot.flows import DialogSet
from bot.store import SqlUsers
from tests.e2e.conftest import Stack
from tests.stories.story import (
    Reply,
    Story,
    StoryError,
    all_stories,
    button_labels,
    fail_story,
    step_failure,
)
from tests.stories.support import real_risk_detector, story_params

pytestmark = pytest.mark.e2e

STORIES = [s for s in all_stories() if s.e2e]
TAKE_LABEL = "✋ Take case"
SETTLE_S = 0.1


@pytest.fixture(autouse=True)
def _available_lexicons(monkeypatch: pytest.MonkeyPatch) -> None:
    """While the fr/de/ru/tr lexicons are being written, run the bot with those that load."""
    monkeypatch.setattr("bot.runtime.load_risk_detector", lambda _languages: real_risk_detector())


class EmulatorStoryRun:
    """Plays one story as a Telegram user (and a counselor in the forum group)."""

    def __init__(self, story: Story, stack: Stack, user_id: int) -> None:
        self.story, self.stack, self.emu = story, stack, stack.emu
        self.user_id = user_id
        self.dialogs: DialogSet = stack.runtime.engine.registry.current
        self.emu.add_user(user_id, "Story", None, story.language_code)
        self.counselor_id = stack.counselor_ids[0]

    async def _user(self) -> UserState | None:
        crypto = self.stack.runtime.crypto
        async with self.stack.db.transaction() as session:
            return await SqlUsers(session, crypto).load(crypto.user_key(self.user_id))

    async def run(self) -> None:
        failures: list[str] = []
        for step in self.story.steps:
            user = await self._user()
            language = user.language if user else self.story.language_code
            before_user = self._last_id(self.user_id)
            before_group = self._last_id(self.stack.group_id)
            topics_before = len(self.emu.topics(self.stack.group_id))
            await self.perform(step.action, step.value, language)
            await self._settle(before_user, before_group, quiet=bool(step.expect.get(
                "nothing_sent")))
            reply = self.reply(before_user, before_group, topics_before, language)
            failure = step_failure(self.story, step, reply, self.dialogs, await self._user())
            if failure:
                failures.append(failure)
        fail_story(self.story, failures, " end to end")

    def _last_id(self, chat_id: int) -> int:
        messages = self.emu.messages(chat_id)
        return messages[-1].message_id if messages else 0

    def _new_bot_messages(self, chat_id: int, after: int) -> list[StoredMessage]:
        return [m for m in self.emu.bot_messages(chat_id) if m.message_id > after]

    async def _settle(self, before_user: int, before_group: int, quiet: bool) -> None:
        """Wait for the bot's first answer (user or desk), then until nothing moves."""
        if not quiet:
            try:
                await self.emu.wait_for(
                    lambda: self._new_bot_messages(self.user_id, before_user)
                    or self._new_bot_messages(self.stack.group_id, before_group), timeout=8.0)
            except TimeoutError:
                pass  # check_expect reports what is missing
        await self.emu.sleep_until_idle(SETTLE_S, 8.0)

    async def perform(self, action: str, value: Any, language: str) -> None:
        emu, group = self.emu, self.stack.group_id
        if action == "send":
            emu.user_sends(self.user_id, str(value))
        elif action == "media":
            emu.user_sends(self.user_id, kind=str(value))
        elif action == "press":
            if isinstance(value, dict) and "data" in value:
                raise StoryError("forged button data cannot be pressed in the emulator")
            label, message_id = self._find_button(button_labels(self.dialogs, value, language))
            emu.user_presses(self.user_id, label=label, message_id=message_id)
        elif action == "counselor":
            topics = emu.topics(group)
            if not topics:
                raise StoryError("a counselor step needs a case topic opened earlier")
            thread = topics[-1].thread_id
            if value.get("take"):
                emu.member_presses(group, self.counselor_id, label=TAKE_LABEL, thread_id=thread)
            if "write" in value:
                emu.member_sends(group, self.counselor_id, str(value["write"]), thread_id=thread)
            if "close" in value:
                emu.member_sends(group, self.counselor_id, f"/close {value['close']}",
                                 thread_id=thread)
        else:
            raise StoryError(f"{action!r} steps run in the core stories only")

    def _find_button(self, labels: list[str]) -> tuple[str, int]:
        for message in reversed(self.emu.bot_messages(self.user_id)):
            for label in labels:
                if label in message.button_labels:
                    return label, message.message_id
        raise StoryError(f"no button labelled {labels[0]!r} in the chat")

    def reply(self, before_user: int, before_group: int, topics_before: int,
              language: str) -> Reply:
        reply = Reply()
        for message in self._new_bot_messages(self.user_id, before_user):
            text = message.text or ""
            reply.texts.append(text)
            reply.messages.append((text, bool(message.button_labels)))
            reply.buttons += message.button_labels
            if message.kind == "video":
                reply.clips.append(self._clip_topics(text, language))
        topics = self.emu.topics(self.stack.group_id)[topics_before:]
        reply.cases += ["URGENT" in topic.name for topic in topics]
        reply.desk_texts += [topic.name for topic in topics]
        reply.desk_texts += [m.text or "" for m in
                             self._new_bot_messages(self.stack.group_id, before_group)]
        return reply

    def _clip_topics(self, caption: str, language: str) -> tuple[str, ...]:
        """A video's topics, found from the clip title on the caption's first line."""
        title = caption.split("\n", 1)[0].strip()
        index = self.stack.runtime.library.index
        for clip in index:
            if title in (clip.title_in(language), clip.title_in("en")):
                return tuple(clip.topics)
        return ()


@pytest.mark.parametrize("story", story_params(STORIES))
async def test_story_end_to_end(story: Story, stack: Stack) -> None:
    await EmulatorStoryRun(story, stack, 3000 + STORIES.index(story)).run()


def test_main_paths_run_end_to_end() -> None:
    names = " ".join(s.id for s in STORIES)
    for path in ("welcome", "question", "distress", "family", "counselor", "urgent"):
        assert path in names, f"no e2e story for {path}"
