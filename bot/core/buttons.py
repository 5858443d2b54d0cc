"""Unforgeable callback data: ``id|arg|tag``, the tag an HMAC over user, scope, id and arg."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

CALLBACK_DATA_MAX_BYTES = 64
GLOBAL_SCOPE = "g"


class Signer(Protocol):
    def sign(self, message: str, length: int = 6) -> str: ...


@dataclass(frozen=True)
class ParsedButton:
    id: str
    arg: str
    tag: str


def button_data(signer: Signer, owner: str, scope: str, button_id: str, arg: str = "") -> str:
    """Callback data for a button only ``owner`` may press while ``scope`` holds."""
    tag = signer.sign(f"{owner}|{scope}|{button_id}|{arg}")
    data = f"{button_id}|{arg}|{tag}"
    if len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data for button {button_id!r} exceeds 64 bytes")
    return data


def parse_button(data: str) -> ParsedButton | None:
    parts = data.split("|")
    if len(parts) != 3 or not parts[0] or not parts[2]:
        return None
    return ParsedButton(parts[0], parts[1], parts[2])


def button_is_valid(signer: Signer, owner: str, scope: str, parsed: ParsedButton) -> bool:
    import hmac

    expected = signer.sign(f"{owner}|{scope}|{parsed.id}|{parsed.arg}", len(parsed.tag))
    return hmac.compare_digest(expected, parsed.tag)
