"""The clip catalogue: loading and validating content_index.yaml, language detection, matching."""

from bot.content.language import detect_language
from bot.content.loader import load_content_index, validate_content_index
from bot.content.matcher import ClipMatch, Matcher, MatchResult, question_pattern
from bot.content.schema import REQUIRED_TOPIC_IDS, Clip, ContentIndex, Media, Speaker, Topic
from bot.content.tuning import MatcherTuning

__all__ = [
    "REQUIRED_TOPIC_IDS",
    "Clip",
    "ClipMatch",
    "ContentIndex",
    "MatchResult",
    "Matcher",
    "MatcherTuning",
    "Media",
    "Speaker",
    "Topic",
    "detect_language",
    "load_content_index",
    "question_pattern",
    "validate_content_index",
]
