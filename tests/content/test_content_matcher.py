"""The clip matcher on the fixture index: ranking, exclusion, topics, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import ContentIndex, detect_language
from bot.content.matcher import Matcher, MatchResult, question_pattern


@pytest.mark.parametrize(("text", "language", "clip_id"), [
    ("did the fighters get paid?", "en", "salary-never-came"),
    ("did they kill muslims", "en", "executions-in-square"),
    ("were women forced to marry again after their husband died", "en",
     "widow-forced-remarry"),
    ("kids trained as soldiers?", "en", "cubs-training"),
    ("did the emirs live in luxury", "en", "emir-luxury-villa"),
    ("how did you escape", "en", "escape-at-night"),
    ("les combattants étaient payés ?", "fr", "salary-never-came"),
    ("comment s'enfuir", "fr", "escape-at-night"),
    ("les veuves etaient obligees de se remarier", "fr", "widow-forced-remarry"),
])
def test_best_clip(fixture_matcher: Matcher, text: str, language: str, clip_id: str) -> None:
    result = fixture_matcher.match(text, language)
    assert result.confident
    assert result.matches[0].clip_id == clip_id
    assert result.language == language


def test_title_word_alone_finds_the_clip(fixture_matcher: Matcher) -> None:
    """One word found only in a clip title of this five-clip index: the right clip comes
    first, but confidence is the model's call (no example question backs it up here)."""
    result = fixture_matcher.match("was there a salary", "en")
    assert result.matches[0].clip_id == "salary-never-came"
    assert result.topics[0] == "promises_vs_reality"


def test_misspelling_is_tolerated(fixture_matcher: Matcher) -> None:
    result = fixture_matcher.match("did fighterz get payed a salery", "en")
    assert result.matches[0].clip_id == "salary-never-came"


def test_cross_language_backoff(fixture_matcher: Matcher) -> None:
    """An English question from a user whose language is French still finds the clip."""
    result = fixture_matcher.match("executions", "fr")
    assert result.matches[0].clip_id == "executions-in-square"
    assert result.language == "fr"


def test_exclude_and_limit(fixture_matcher: Matcher) -> None:
    first = fixture_matcher.match("did the fighters get paid", "en", limit=1)
    assert len(first.matches) == 1
    again = fixture_matcher.match("did the fighters get paid", "en",
                                  exclude={first.matches[0].clip_id}, limit=5)
    assert first.matches[0].clip_id not in {m.clip_id for m in again.matches}
    assert len(again.matches) <= 5


def test_match_reports_the_topic_it_answers(fixture_matcher: Matcher) -> None:
    best = fixture_matcher.match("women forced to marry", "en").matches[0]
    assert best.clip_id == "widow-forced-remarry"
    assert best.topic == "women"
    assert best.topics == ("women", "brutality")


def test_off_topic_question_is_not_confident(fixture_matcher: Matcher) -> None:
    for text in ("what is the weather like in paris tomorrow", "hello", "lol", "???"):
        assert not fixture_matcher.match(text, "en").confident, text


def test_a_topic_title_word_is_enough_evidence(fixture_matcher: Matcher) -> None:
    result = fixture_matcher.match("what about the children?", "en")
    assert result.confident
    assert result.matches[0].clip_id == "cubs-training"
    assert result.matches[0].topic == "children"


def test_topic_only_question_falls_back_to_topic_clips(fixture_matcher: Matcher) -> None:
    result = fixture_matcher.match("family", "en")
    assert result.topics[0] == "family"


def test_clips_for_topic(fixture_index: ContentIndex, fixture_matcher: Matcher) -> None:
    assert fixture_matcher.clips_for_topic("brutality", "en") == [
        "executions-in-square", "widow-forced-remarry"]
    assert fixture_matcher.clips_for_topic("brutality", "en",
                                           exclude={"executions-in-square"}) == [
        "widow-forced-remarry"]
    assert fixture_matcher.clips_for_topic("family", "en") == []


def test_clips_for_topic_prefers_subtitled(fixture_index: ContentIndex) -> None:
    clips = dict(fixture_index.clips)
    executions = clips["executions-in-square"]
    clips["executions-in-square"] = executions.model_copy(update={"subtitles": ("en",)})
    index = ContentIndex(sample=True, languages=fixture_index.languages,
                         topics=fixture_index.topics, clips=clips)
    assert Matcher(index).clips_for_topic("brutality", "fr") == [
        "widow-forced-remarry", "executions-in-square"]


def test_question_pattern_strips_identifiers() -> None:
    pattern = question_pattern(
        "Hey @abu_x, my number is +44 7700 900123, mail a.b@mail.com: did my brother "
        "Ahmed get paid in 2015? see https://t.me/xyz", "en")
    assert "@" not in pattern and "http" not in pattern and "2015" not in pattern
    assert "7700" not in pattern and "mail.com" not in pattern
    assert pattern.split()[:3] == ["number", "mail", "brother"]
    assert "ahm" not in pattern and "ahmed" not in pattern
    assert len(pattern.split()) <= 8
    assert question_pattern("Les combattants étaient-ils payés ?", "fr") == "combatt pai"
    assert question_pattern("Did ISIS pay Omar in Raqqa? Salary!", "en") == "isi pay salari"
    assert question_pattern("Wurde mein Bruder bezahlt", "de") == "brud bezahlt"


_AWKWARD = [
    "", " ", "\u200b\u200c\u200d", "\u200f\u202e hello \u202c", "😀🔥🙏" * 50, "x" * 4096,
    "a " * 2048, "هل كانوا يدفعون\u200f salary ISIS Платили", "١٢٣٤٥ 12345", "\x00\x01\n\t",
    "ﷺ ﻻ ﷲ", "İıŞşĞğ", "é" * 4096,
]


@pytest.mark.parametrize("text", _AWKWARD)
@pytest.mark.parametrize("language", ["en", "fr", "ar", "xx"])
def test_awkward_input_gives_a_result(fixture_matcher: Matcher, text: str,
                                      language: str) -> None:
    result = fixture_matcher.match(text, language)
    assert isinstance(result, MatchResult)
    assert isinstance(question_pattern(text, language), str)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=4096), language=st.sampled_from(["en", "fr", "ar", "ru"]),
       limit=st.integers(min_value=0, max_value=5))
def test_any_text_gives_a_result(fixture_matcher: Matcher, text: str, language: str,
                                 limit: int) -> None:
    result = fixture_matcher.match(text, language, limit=limit)
    assert len(result.matches) <= limit
    assert all(m.score >= 0 for m in result.matches)
    assert not result.matches or result.matches[0].score == max(m.score for m in result.matches)
    assert len(question_pattern(text, language).split()) <= 8


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), prior=st.one_of(st.none(), st.sampled_from(
    ["en", "ar", "fr", "de", "ru", "tr", "pt-BR", "", "zz"])))
def test_detect_language_always_answers_a_supported_language(text: str,
                                                             prior: str | None) -> None:
    languages = ("en", "ar", "fr", "de", "ru", "tr")
    assert detect_language(text, prior, languages) in languages
    assert detect_language(text, prior, ("fr", "ar")) in ("fr", "ar")


def test_everything_excluded_gives_no_match(fixture_index: ContentIndex,
                                            fixture_matcher: Matcher) -> None:
    result = fixture_matcher.match("did fighters get paid", "en", exclude=set(fixture_index.clips))
    assert result.matches == ()
    assert not result.confident
