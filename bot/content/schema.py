"""The clip index as typed objects: topics, clips, and the ContentIndex that holds them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REQUIRED_TOPIC_IDS: tuple[str, ...] = (
    "daily_life", "promises_vs_reality", "corruption_hypocrisy", "brutality", "women",
    "children", "foreigners", "religion", "fear_surveillance", "combat_death", "leaving",
    "family", "life_after", "online_recruitment",
)
FALLBACK_LANGUAGE = "en"

SpeakerRole = Literal["fighter", "wife", "widow", "child", "security_member", "administrator",
                      "medic", "recruiter", "family_member", "other"]
ContentWarning = Literal["none", "distressing", "graphic"]
Audience = Literal["general", "family"]
LocalizedText = dict[str, str]


def _localized(texts: Mapping[str, str], language: str) -> str:
    """Text in ``language``, else English, else any language, else ''."""
    for code in (language, FALLBACK_LANGUAGE):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Speaker(_Strict):
    """Who speaks in a clip; the pseudonym is never a real name."""

    pseudonym: str = Field(min_length=1)
    role: SpeakerRole
    origin: str = Field(min_length=1)


class Media(_Strict):
    """Where the video file is: a path in the repository and/or a mirror URL."""

    path: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")


class Topic(_Strict):
    """A theme of testimony (``brutality``, ``women``...), titled in every language."""

    id: str
    title: LocalizedText
    description: LocalizedText

    def title_in(self, language: str) -> str:
        """Title in ``language`` with English fallback."""
        return _localized(self.title, language)

    def description_in(self, language: str) -> str:
        """One-line description in ``language`` with English fallback."""
        return _localized(self.description, language)


class Clip(_Strict):
    """One testimony video with its texts in every language and its topics."""

    id: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    title: LocalizedText
    speaker: Speaker
    summary: LocalizedText
    transcript: LocalizedText
    topics: tuple[str, ...] = Field(min_length=1)
    audience: Audience = "general"
    example_questions: dict[str, list[str]]
    languages: tuple[str, ...] = Field(min_length=1)
    subtitles: tuple[str, ...] = ()
    duration_s: int = Field(gt=0, le=3600)
    content_warning: ContentWarning = "none"
    media: Media
    telegram_file_id: str | None = None

    @property
    def primary_topic(self) -> str:
        """The first topic: what the clip is mainly about."""
        return self.topics[0]

    def title_in(self, language: str) -> str:
        """Title in ``language`` with English fallback."""
        return _localized(self.title, language)

    def summary_in(self, language: str) -> str:
        """Summary in ``language`` with English fallback."""
        return _localized(self.summary, language)

    def transcript_in(self, language: str) -> str:
        """Transcript in ``language`` with English fallback."""
        return _localized(self.transcript, language)

    def understandable_in(self, language: str) -> bool:
        """True when the clip is subtitled in, or spoken in, ``language``."""
        return language in self.subtitles or language in self.languages


@dataclass(frozen=True)
class ContentIndex:
    """The validated clip catalogue: topics and clips in file order."""

    sample: bool
    languages: tuple[str, ...]
    topics: Mapping[str, Topic]
    clips: Mapping[str, Clip]
    _by_topic: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_topic: dict[str, list[str]] = {topic_id: [] for topic_id in self.topics}
        for clip in self.clips.values():
            for topic_id in clip.topics:
                by_topic.setdefault(topic_id, []).append(clip.id)
        object.__setattr__(self, "_by_topic", {k: tuple(v) for k, v in by_topic.items()})

    def __iter__(self) -> Iterator[Clip]:
        return iter(self.clips.values())

    def __len__(self) -> int:
        return len(self.clips)

    def clip(self, clip_id: str) -> Clip:
        """The clip with id ``clip_id``; KeyError if unknown."""
        return self.clips[clip_id]

    def topic(self, topic_id: str) -> Topic:
        """The topic with id ``topic_id``; KeyError if unknown."""
        return self.topics[topic_id]

    def clip_ids_for_topic(self, topic_id: str) -> tuple[str, ...]:
        """Ids of the clips tagged with ``topic_id`` (primary or not), in file order."""
        return self._by_topic.get(topic_id, ())
