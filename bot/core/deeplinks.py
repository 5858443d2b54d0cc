"""Deep-link payloads (`/start PAYLOAD`): campaign code plus a clip, topic or flow to open.

Format: parts joined by `_`, each with a prefix: `c-CAMPAIGN`, `clip-ID`, `topic-ID`,
`flow-family` or `flow-talk`; e.g. `c-balkans-spring_clip-widow-02`. Telegram allows at most 64
characters of `A-Za-z0-9_-`. Topic ids may contain `_`: a part without a known prefix
continues the previous one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PREFIXES = ("c-", "clip-", "topic-", "flow-")
FLOWS = ("family", "talk")


@dataclass(frozen=True)
class DeepLink:
    campaign: str | None = None
    clip: str | None = None
    topic: str | None = None
    flow: str | None = None

    @property
    def target(self) -> str:
        if self.clip:
            return "clip"
        if self.topic:
            return "topic"
        if self.flow:
            return "flow"
        return "none"


def parse_payload(payload: str) -> DeepLink | None:
    """The link, or None when the payload is malformed (unknown parts, bad characters)."""
    if not PAYLOAD_RE.match(payload):
        return None
    parts: list[str] = []
    for token in payload.split("_"):
        if token.startswith(PREFIXES) or not parts:
            parts.append(token)
        else:
            parts[-1] += "_" + token
    found: dict[str, str] = {}
    for part in parts:
        prefix = next((p for p in PREFIXES if part.startswith(p)), None)
        value = part[len(prefix):] if prefix else ""
        if prefix is None or not value or prefix in found:
            return None
        found[prefix] = value
    if "flow-" in found and found["flow-"] not in FLOWS:
        return None
    targets = sum(1 for p in ("clip-", "topic-", "flow-") if p in found)
    if targets > 1:
        return None
    return DeepLink(found.get("c-"), found.get("clip-"), found.get("topic-"), found.get("flow-"))


def make_payload(campaign: str | None = None, clip: str | None = None,
                 topic: str | None = None, flow: str | None = None) -> str:
    parts = []
    if campaign:
        parts.append(f"c-{campaign}")
    if clip:
        parts.append(f"clip-{clip}")
    if topic:
        parts.append(f"topic-{topic}")
    if flow:
        parts.append(f"flow-{flow}")
    payload = "_".join(parts)
    if not PAYLOAD_RE.match(payload) or parse_payload(payload) is None:
        raise ValueError(f"cannot make a valid deep-link payload (<= 64 of A-Za-z0-9_-): "
                         f"{payload!r}")
    return payload
