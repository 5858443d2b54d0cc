"""Per-user conversation state, persisted (encrypted) by the store once per update."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

RECENT_TEXTS_KEPT = 3
RECENT_TEXT_MAX_AGE_S = 30 * 60


@dataclass
class UserState:
    """Everything the core remembers about one pseudonymous user."""

    key: str
    chat_id: int
    language: str | None = None
    language_locked: bool = False
    dialog_version: str | None = None
    state: str | None = None
    consented: bool = False
    safe_to_contact: bool | None = None
    seen_clips: list[str] = field(default_factory=list)
    last_clip: str | None = None
    last_topic: str | None = None
    pending_clip: str | None = None
    clips_since_feedback: int = 0
    pending_reason: str | None = None
    pending_cues: list[str] = field(default_factory=list)
    active_case_id: int | None = None
    timeout_at: float | None = None
    recent_message_times: list[float] = field(default_factory=list)
    muted_until: float = 0.0
    flood_warned: bool = False
    recent_texts: list[tuple[float, str]] = field(default_factory=list)
    campaign: str | None = None
    pending_link: dict[str, str] | None = None
    last_seen: float = 0.0

    def remember_text(self, text: str, now: float) -> None:
        """Keep the last few messages briefly, for the counselor's case card only."""
        kept = [(t, s) for t, s in self.recent_texts if now - t <= RECENT_TEXT_MAX_AGE_S]
        kept.append((now, text[:500]))
        self.recent_texts = kept[-RECENT_TEXTS_KEPT:]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> UserState:
        data: dict[str, Any] = json.loads(raw)
        known = {name for name in cls.__dataclass_fields__}
        data = {k: v for k, v in data.items() if k in known}
        data["recent_texts"] = [tuple(item) for item in data.get("recent_texts", [])]
        return cls(**data)
