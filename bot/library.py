"""The clip library as the core sees it: ContentIndex + Matcher behind the core's Library port."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from bot.content import ContentIndex, detect_language, load_content_index
from bot.content.matcher import Matcher, question_pattern
from bot.core.ports import ClipCard, MatchAnswer


class ContentLibrary:
    """Implements bot.core.ports.Library over the validated clip index."""

    def __init__(self, index: ContentIndex, languages: Sequence[str]) -> None:
        self.index = index
        self.languages = tuple(languages)
        self.matcher = Matcher(index)
        self.sample = index.sample

    @classmethod
    def load(cls, path: Path, languages: Sequence[str], repo_root: Path | None = None
             ) -> ContentLibrary:
        return cls(load_content_index(path, languages, repo_root=repo_root), languages)

    def detect_language(self, text: str, prior: str | None) -> str:
        return detect_language(text, prior, self.languages)

    def match(self, text: str, language: str, exclude: Collection[str]) -> MatchAnswer:
        result = self.matcher.match(text, language, exclude=exclude, limit=3)
        best = result.best
        return MatchAnswer(result.language, tuple(m.clip_id for m in result.matches),
                           best.topic if best else None, result.confident)

    def clips_for_topic(self, topic: str, language: str,
                        exclude: Collection[str]) -> Sequence[str]:
        if topic not in self.index.topics:
            return []
        return self.matcher.clips_for_topic(topic, language, exclude=exclude)

    def family_clips(self, language: str, exclude: Collection[str]) -> Sequence[str]:
        family = [c for c in self.index if c.audience == "family" and c.id not in exclude]
        family.sort(key=lambda c: (language not in c.subtitles, c.content_warning == "graphic"))
        return [c.id for c in family]

    def card(self, clip_id: str, language: str) -> ClipCard | None:
        clip = self.index.clips.get(clip_id)
        if clip is None:
            return None
        return ClipCard(clip.id, clip.title_in(language), clip.speaker.pseudonym,
                        clip.speaker.role, clip.speaker.origin, clip.content_warning,
                        tuple(clip.topics), clip.summary_in(language), clip.audience)

    def topics(self, language: str) -> Sequence[tuple[str, str]]:
        return [(topic_id, topic.title_in(language))
                for topic_id, topic in self.index.topics.items()
                if self.index.clip_ids_for_topic(topic_id)]

    def question_pattern(self, text: str, language: str) -> str:
        return question_pattern(text, language)

    def media(self, clip_id: str) -> tuple[str | None, str | None, str | None]:
        """(local path, mirror URL, file_id from the index) of a clip."""
        clip = self.index.clips.get(clip_id)
        if clip is None:
            return None, None, None
        return clip.media.path, clip.media.url, clip.telegram_file_id
