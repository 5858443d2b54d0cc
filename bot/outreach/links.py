"""Campaign deep links: `https://t.me/<bot>?start=<payload>` checked against the clip index."""

from __future__ import annotations

import re

from bot.content import ContentIndex
from bot.core.deeplinks import FLOWS, DeepLink, make_payload, parse_payload
from bot.errors import TestimonyBotError

USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
CAMPAIGN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,47}$")
INLINE_CAMPAIGN = "inline"


class LinkError(TestimonyBotError):
    """A deep link cannot be made: unknown clip or topic, bad campaign, or too long a payload."""


def bot_username(value: str | None) -> str:
    """A bot username as Telegram allows it (5-32 of A-Za-z0-9_, ending in "bot"), no "@"."""
    name = (value or "").strip().removeprefix("@")
    if not USERNAME_RE.match(name) or not name.lower().endswith("bot"):
        raise LinkError(f"not a bot username: {value!r} (5-32 letters, digits or _, "
                        "ending in 'bot')")
    return name


def link_payload(index: ContentIndex, campaign: str | None, *, clip: str | None = None,
                 topic: str | None = None, flow: str | None = None) -> str:
    """The `/start` payload for a campaign and at most one target, checked against the index."""
    if sum(1 for target in (clip, topic, flow) if target) > 1:
        raise LinkError("a link opens one thing: give --clip, --topic or --flow, not several")
    if campaign is not None and not CAMPAIGN_RE.match(campaign):
        raise LinkError(f"campaign code {campaign!r}: use letters, digits and '-' "
                        "(at most 48, no '_')")
    if clip and clip not in index.clips:
        raise LinkError(f"no clip {clip!r} in the clip index")
    if topic and not index.clip_ids_for_topic(topic):
        known = ", ".join(t for t in index.topics if index.clip_ids_for_topic(t))
        raise LinkError(f"no topic {topic!r} with clips in the clip index (known: {known})")
    if flow and flow not in FLOWS:
        raise LinkError(f"flow {flow!r}: use one of {', '.join(FLOWS)}")
    try:
        payload = make_payload(campaign, clip=clip, topic=topic, flow=flow)
    except ValueError as err:
        raise LinkError(f"Telegram would refuse this link: {err}") from err
    if parse_payload(payload) != DeepLink(campaign, clip, topic, flow):
        raise LinkError(f"payload {payload!r} would not read back as the same link")
    return payload


def deep_link(username: str, payload: str) -> str:
    """The t.me link that opens the bot with ``payload``."""
    return f"https://t.me/{bot_username(username)}?start={payload}"
