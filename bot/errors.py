"""The project's exception tree, with one root.

    TestimonyBotError
    ├── ConfigError            a missing or malformed setting (exit code 2)
    ├── ValidationFailed       data files (flows, strings, clip index) have problems
    │   ├── ContentIndexError  content_index.yaml is invalid
    │   ├── FlowError          dialogs/ is invalid
    │   └── LexiconError       a risk lexicon (bot/risk/lexicons) is invalid
    ├── StoreError             the database failed or holds something unexpected
    ├── DeliveryError          a Bot API call failed for good (after retries)
    ├── EngineError            the conversation core met an impossible situation
    ├── StoryError             a conversation story file is malformed (bot/flows/stories.py)
    ├── LinkError              a deep link cannot be made (bot/outreach/links.py)
    └── ConsoleError           an admin console request cannot be carried out

The emulator's ApiError (a Telegram error answer it sends) is not part of the bot's tree.

Outside errors are wrapped with ``raise ... from err`` and a message saying at
which stage they happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


class TestimonyBotError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(TestimonyBotError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Problem:
    """One finding of a validator, printed as ``file:line: message``."""

    file: str
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class ValidationFailed(TestimonyBotError):
    """Data files have errors; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ContentIndexError(ValidationFailed):
    """content_index.yaml is invalid."""


class FlowError(ValidationFailed):
    """A flow or string file under dialogs/ is invalid."""


class StoreError(TestimonyBotError):
    """The database failed or holds something unexpected."""


class DeliveryError(TestimonyBotError):
    """A Bot API call failed for good."""


class EngineError(TestimonyBotError):
    """The conversation core met a situation its data should have prevented."""
