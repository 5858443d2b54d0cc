"""Load and validate content_index.yaml, reporting every problem as file:line: message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.schema import REQUIRED_TOPIC_IDS, Clip, ContentIndex, Topic
from bot.errors import ContentIndexError, Problem
from bot.yamlsource import PathKey, YamlDocument, YamlSyntaxError, load_yaml

_MIN_EXAMPLE_QUESTIONS = 2
_M = TypeVar("_M", bound=BaseModel)


class _Checker:
    """Collects the problems of one parsed document."""

    def __init__(self, doc: YamlDocument, languages: Sequence[str], repo_root: Path,
                 check_media: bool) -> None:
        self.doc = doc
        self.check_media = check_media
        self.languages = tuple(languages)
        self.repo_root = repo_root
        self.problems: list[Problem] = []

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def warning(self, path: PathKey, message: str) -> None:
        self.problems.append(self.doc.problem(path, message, "warning"))

    def model(self, cls: type[_M], data: dict[str, Any], path: PathKey, label: str) -> _M | None:
        """Validate ``data`` as ``cls``; record each pydantic error at its own line."""
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            for item in err.errors():
                loc = tuple(item["loc"])
                where = ".".join(str(part) for part in loc)
                self.error(path + loc, f"{label}: {where}: {item['msg']}")
            return None

    def localized(self, value: Any, path: PathKey, label: str, required: Sequence[str]) -> None:
        """A {language: text} mapping must have non-empty text for each required language."""
        if not isinstance(value, Mapping):
            if value is not None:
                self.error(path, f"{label} must map language codes to text")
            return
        for language in required:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.error(path, f"{label}: missing text in language '{language}'")
        for language in value:
            if language not in self.languages:
                self.warning(path + (language,), f"{label}: language '{language}' is not "
                             f"supported (LANGUAGES={','.join(self.languages)})")


def _check_topics(check: _Checker, raw: Any) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    if not isinstance(raw, Mapping):
        check.error(("topics",), "'topics' must be a mapping of topic id to title/description")
        return topics
    for topic_id, body in raw.items():
        path: PathKey = ("topics", topic_id)
        label = f"topic {topic_id}"
        if not isinstance(body, Mapping):
            check.error(path, f"{label}: must have 'title' and 'description'")
            continue
        for key in ("title", "description"):
            check.localized(body.get(key), path + (key,), f"{label}: {key}", check.languages)
        topic = check.model(Topic, {"id": str(topic_id), **body}, path, label)
        if topic is not None:
            topics[topic.id] = topic
    missing = [topic_id for topic_id in REQUIRED_TOPIC_IDS if topic_id not in raw]
    if missing:
        check.error(("topics",), f"required topic ids missing: {', '.join(missing)}")
    return topics


def _check_media(check: _Checker, media: Any, path: PathKey, label: str) -> None:
    if not isinstance(media, Mapping):
        return
    media_path, url = media.get("path"), media.get("url")
    if not media_path and not url:
        check.error(path, f"{label}: media needs a 'path' or a 'url'")
    if check.check_media and isinstance(media_path, str) and media_path:
        target = (check.repo_root / media_path).resolve()
        if not target.is_file():
            check.error(path + ("path",), f"{label}: media file does not exist: {media_path}")


def _check_clip(check: _Checker, raw: Any, index: int, known_topics: Mapping[str, Any],
                seen: dict[str, int]) -> Clip | None:
    path: PathKey = ("clips", index)
    if not isinstance(raw, Mapping):
        check.error(path, f"clip #{index + 1} must be a mapping")
        return None
    clip_id = raw.get("id")
    label = f"clip {clip_id}" if clip_id else f"clip #{index + 1}"
    if isinstance(clip_id, str):
        if clip_id in seen:
            check.error(path + ("id",), f"duplicate clip id '{clip_id}' (first at line "
                        f"{seen[clip_id]})")
        else:
            seen[clip_id] = check.doc.line_of(path + ("id",))
    subtitles = raw.get("subtitles") or []
    subtitle_list = [s for s in subtitles if isinstance(s, str)] if isinstance(
        subtitles, list) else []
    for position, language in enumerate(subtitle_list):
        if language not in check.languages:
            check.error(path + ("subtitles", position), f"{label}: subtitle language "
                        f"'{language}' is not supported (LANGUAGES={','.join(check.languages)})")
    subtitled = [s for s in subtitle_list if s in check.languages]
    for key in ("title", "summary"):
        check.localized(raw.get(key), path + (key,), f"{label}: {key}", check.languages)
    check.localized(raw.get("transcript"), path + ("transcript",), f"{label}: transcript",
                    subtitled)
    questions = raw.get("example_questions")
    if isinstance(questions, Mapping):
        for language in subtitled:
            asked = questions.get(language)
            count = len([q for q in asked if isinstance(q, str) and q.strip()]) if isinstance(
                asked, list) else 0
            if count == 0:
                check.error(path + ("example_questions",), f"{label}: example_questions: "
                            f"missing questions in language '{language}'")
            elif count < _MIN_EXAMPLE_QUESTIONS:
                check.warning(path + ("example_questions", language), f"{label}: "
                              f"example_questions: fewer than {_MIN_EXAMPLE_QUESTIONS} "
                              f"questions in '{language}'")
    topics = raw.get("topics")
    if isinstance(topics, list):
        for position, topic_id in enumerate(topics):
            if topic_id not in known_topics:
                check.error(path + ("topics", position), f"{label}: unknown topic '{topic_id}'")
    _check_media(check, raw.get("media"), path + ("media",), label)
    return check.model(Clip, dict(raw), path, label)


def _check_document(check: _Checker) -> ContentIndex | None:
    data = check.doc.data
    if not isinstance(data, Mapping):
        check.error((), "the file must be a mapping with 'sample', 'topics' and 'clips'")
        return None
    for key in data:
        if key not in ("sample", "topics", "clips"):
            check.error((key,), f"unknown top-level key '{key}'")
    sample = data.get("sample", False)
    if not isinstance(sample, bool):
        check.error(("sample",), "'sample' must be true or false")
    unsupported = [lang for lang in check.languages if not lang or not lang.isalpha()]
    if unsupported:
        check.error((), f"malformed language codes in LANGUAGES: {unsupported}")
    raw_topics = data.get("topics")
    topics = _check_topics(check, raw_topics)
    known_topics = raw_topics if isinstance(raw_topics, Mapping) else {}
    raw_clips = data.get("clips")
    clips: dict[str, Clip] = {}
    if not isinstance(raw_clips, list):
        check.error(("clips",), "'clips' must be a list of clips")
        raw_clips = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_clips):
        clip = _check_clip(check, raw, index, known_topics, seen)
        if clip is not None and clip.id not in clips:
            clips[clip.id] = clip
    if any(problem.severity == "error" for problem in check.problems):
        return None
    return ContentIndex(sample=bool(sample), languages=check.languages, topics=topics,
                        clips=clips)


def _run(path: Path, languages: Sequence[str], repo_root: Path | None, check_media: bool
         ) -> tuple[ContentIndex | None, list[Problem]]:
    try:
        doc = load_yaml(path, display_name=path.name)
    except YamlSyntaxError as err:
        return None, [err.problem]
    root = repo_root if repo_root is not None else path.parent
    check = _Checker(doc, languages, root, check_media)
    index = _check_document(check)
    problems = sorted(check.problems, key=lambda p: (p.line, p.severity != "error"))
    return index, problems


def validate_content_index(path: Path, languages: Sequence[str], *,
                           repo_root: Path | None = None) -> list[Problem]:
    """Every problem (errors and warnings) of the clip index at ``path``, sorted by line."""
    return _run(Path(path), languages, repo_root, True)[1]


def load_content_index(path: Path, languages: Sequence[str], *,
                       repo_root: Path | None = None, check_media: bool = True) -> ContentIndex:
    """Load the clip index; raise ContentIndexError listing every error if it is invalid.

    Media paths are resolved against ``repo_root`` (default: the file's directory);
    ``check_media=False`` skips that check (tools that only read the texts).
    """
    index, problems = _run(Path(path), languages, repo_root, check_media)
    if index is None:
        raise ContentIndexError([p for p in problems if p.severity == "error"])
    return index
