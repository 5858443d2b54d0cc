"""Actions to and from JSON, so they can wait in the outbox until they are sent."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from bot.core import actions as action_module
from bot.core.actions import Action, Button

ACTION_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (
        action_module.SendText, action_module.SendClip, action_module.CopyMessage,
        action_module.AnswerCallback, action_module.EditButtons, action_module.OpenCaseTopic,
        action_module.EditCaseTopic, action_module.Typing,
    )
}
KEYBOARD_FIELDS = ("buttons", "card_buttons")


def _encode_one(action: Action) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type(action).__name__}
    for field in fields(action):  # type: ignore[arg-type]
        value = getattr(action, field.name)
        if field.name in KEYBOARD_FIELDS:
            value = [[[b.label, b.data] for b in row] for row in value]
        data[field.name] = value
    return data


def _decode_one(data: dict[str, Any]) -> Action:
    cls = ACTION_TYPES[data.pop("type")]
    for name in KEYBOARD_FIELDS:
        if name in data:
            data[name] = tuple(tuple(Button(label, value) for label, value in row)
                               for row in data[name])
    return cls(**data)  # type: ignore[no-any-return]


def encode_actions(actions: list[Action]) -> str:
    return json.dumps([_encode_one(a) for a in actions], ensure_ascii=False)


def decode_actions(raw: str) -> list[Action]:
    return [_decode_one(item) for item in json.loads(raw)]
