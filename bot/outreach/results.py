"""Inline results for `@bot words`: clip videos with an "Open in the bot" deep-link button.

A clip whose Telegram file_id is known (cached in clip_files after the first upload, or in the
index) is offered as InlineQueryResultCachedVideo: Telegram serves the file it already has.
Otherwise it is offered as InlineQueryResultVideo pointing at the clip's mirror URL
(mime_type video/mp4); Telegram requires a JPEG thumbnail for those, taken by convention from
the mirror next to the video: the same URL with the extension `.jpg`
(`.../clips/salary-never-came.mp4` -> `.../clips/salary-never-came.jpg`). A clip with neither
is not offered. Graphic clips are never offered inline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit, urlunsplit

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResult,
    InlineQueryResultCachedVideo,
    InlineQueryResultsButton,
    InlineQueryResultVideo,
)

from bot.core.deeplinks import PAYLOAD_RE, make_payload
from bot.core.render import CAPTION_MAX, clip_caption
from bot.flows.model import Strings
from bot.library import ContentLibrary
from bot.outreach._texts import label
from bot.outreach.links import CAMPAIGN_RE, INLINE_CAMPAIGN, deep_link

MAX_RESULTS = 50          # Telegram's limit per answerInlineQuery
MATCH_RESULTS = 10        # results for a query with words
EMPTY_RESULTS = 8         # popular clips for an empty query
DESCRIPTION_MAX = 200
_CAMPAIGN_TOKEN = re.compile(r"^c-(\S+)$")


@dataclass(frozen=True)
class InlineRequest:
    """What an inline query asks for: its words, their language, the campaign to tag."""

    words: str
    language: str
    campaign: str


def read_query(library: ContentLibrary, query: str, language_code: str | None
               ) -> InlineRequest:
    """Words and language of a query; a leading `c-CODE` tags the shared links with CODE."""
    words = query.strip()
    campaign = INLINE_CAMPAIGN
    first, _, rest = words.partition(" ")
    token = _CAMPAIGN_TOKEN.match(first)
    if token and CAMPAIGN_RE.match(token.group(1)):
        campaign, words = token.group(1), rest.strip()
    return InlineRequest(words, library.detect_language(words, language_code), campaign)


def graphic_clips(library: ContentLibrary) -> frozenset[str]:
    return frozenset(c.id for c in library.index if c.content_warning == "graphic")


def candidate_clips(library: ContentLibrary, request: InlineRequest,
                    popular: Sequence[str]) -> list[str]:
    """Matched clips for the words, else the popular ones; never a graphic clip."""
    graphic = graphic_clips(library)
    if request.words:
        result = library.matcher.match(request.words, request.language, exclude=graphic,
                                       limit=MATCH_RESULTS)
        ids = [m.clip_id for m in result.matches if m.clip_id not in graphic]
        if ids:
            return ids[:MAX_RESULTS]
    return [c for c in popular if c not in graphic][:EMPTY_RESULTS]


def result_id(clip_id: str, campaign: str) -> str:
    """The result id is the clip's deep-link payload (<= 64 bytes), read back on "chosen"."""
    try:
        return make_payload(campaign, clip=clip_id)
    except ValueError:
        return make_payload(INLINE_CAMPAIGN, clip=clip_id)


def thumbnail_url(video_url: str) -> str | None:
    """The JPEG next to the video on the mirror, or None when the URL names no file."""
    parts = urlsplit(video_url)
    try:
        path = str(PurePosixPath(parts.path).with_suffix(".jpg"))
    except ValueError:
        return None
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _role(strings: Strings, role: str, language: str) -> str:
    text = strings.get(f"role.{role}", language)
    return role.replace("_", " ") if text == f"role.{role}" else text


def clip_result(library: ContentLibrary, strings: Strings, clip_id: str, request: InlineRequest,
                bot_username: str, file_id: str | None) -> InlineQueryResult | None:
    """One video result for a clip, or None (unknown, graphic, or no file and no mirror)."""
    clip = library.index.clips.get(clip_id)
    card = library.card(clip_id, request.language)
    if clip is None or card is None or card.warning == "graphic":
        return None
    language = request.language
    rid = result_id(clip_id, request.campaign)
    button = InlineKeyboardButton(label(strings, "inline.open_in_bot", language),
                                  url=deep_link(bot_username, rid))
    markup = InlineKeyboardMarkup([[button]])
    caption = clip_caption(card, strings, language, library.sample)[:CAPTION_MAX]
    description = f"{card.pseudonym} · {_role(strings, card.role, language)}, {card.origin}"
    if card.summary:
        description += f"\n{card.summary}"
    description = description[:DESCRIPTION_MAX]
    file_id = file_id or clip.telegram_file_id
    if file_id:
        return InlineQueryResultCachedVideo(rid, file_id, card.title, description=description,
                                            caption=caption, reply_markup=markup)
    thumbnail = thumbnail_url(clip.media.url) if clip.media.url else None
    if clip.media.url and thumbnail:
        return InlineQueryResultVideo(rid, clip.media.url, "video/mp4", thumbnail, card.title,
                                      caption=caption, description=description,
                                      video_duration=clip.duration_s, reply_markup=markup)
    return None


def build_results(library: ContentLibrary, strings: Strings, request: InlineRequest,
                  clip_ids: Sequence[str], bot_username: str,
                  file_ids: Mapping[str, str | None]) -> list[InlineQueryResult]:
    results = []
    for clip_id in clip_ids:
        result = clip_result(library, strings, clip_id, request, bot_username,
                             file_ids.get(clip_id))
        if result is not None:
            results.append(result)
    return results[:MAX_RESULTS]


def results_button(strings: Strings, request: InlineRequest) -> InlineQueryResultsButton:
    """The button above the results: opens a private chat with the campaign's payload."""
    start = make_payload(request.campaign) if CAMPAIGN_RE.match(request.campaign) else ""
    if not PAYLOAD_RE.match(start):
        start = make_payload(INLINE_CAMPAIGN)
    return InlineQueryResultsButton(label(strings, "inline.talk_privately", request.language),
                                    start_parameter=start)
