"""Actions survive the outbox: JSON round trip of every action type."""

from __future__ import annotations

from bot.core.action_codec import decode_actions, encode_actions
from bot.core.actions import (
    AnswerCallback,
    Button,
    CopyMessage,
    EditButtons,
    EditCaseTopic,
    OpenCaseTopic,
    SendClip,
    SendText,
    Typing,
)


def test_every_action_round_trips() -> None:
    keyboard = ((Button("Yes", "safe_yes||abc"), Button("نعم", "x|y|z")),)
    actions = [
        SendText(1, "hello\nworld", keyboard, thread_id=5), SendClip(2, "clip-a", "cap", keyboard),
        CopyMessage(3, -100, 7, thread_id=9), AnswerCallback("q1", "done", True),
        EditButtons(4, 11, keyboard), OpenCaseTopic(12, "#12", "card", keyboard),
        EditCaseTopic(9, "title", True), Typing(5, "upload_video"),
    ]
    assert decode_actions(encode_actions(actions)) == actions
