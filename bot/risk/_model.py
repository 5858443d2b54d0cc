"""The detector's verdict: category, urgency, hostility and the cues behind them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

RiskCategory = Literal["distress", "leaving", "family", "request"]

#: Highest priority first: when several categories apply, the first one wins.
#: Distress comes first because a person in danger must reach a human before anything else;
#: leaving next (the writer is at risk from their former group), then worried relatives,
#: then a plain request for a human.
CATEGORY_PRIORITY: tuple[RiskCategory, ...] = ("distress", "leaving", "family", "request")


@dataclass(frozen=True)
class RiskAssessment:
    """What one message tells about the writer's need for a human."""

    category: RiskCategory | None
    urgent: bool
    hostile: bool
    cues: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def handoff(self) -> bool:
        """True when the message gives a reason to hand the person to a counselor."""
        return self.category is not None
