"""Inline results built from the real clip index respect Telegram's limits."""

from __future__ import annotations

import re

import pytest

from bot.config import load_settings
from bot.core.deeplinks import parse_payload
from bot.outreach.results import (
    EMPTY_RESULTS,
    MAX_RESULTS,
    InlineRequest,
    build_results,
    candidate_clips,
    graphic_clips,
    read_query,
    results_button,
    thumbnail_url,
)
from bot.runtime import DataFiles
from tests.e2e.conftest import REPO, shared_data

START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
QUERIES = ("", "did they pay the fighters a salary", "what happened to women", "executions",
           "punishment prison torture", "comment vivaient les enfants", "Wie war der Alltag",
           "как жили иностранцы", "kadınlar nasıl yaşadı", "ماذا حدث للنساء",
           "c-balkans-spring salary", "c-" + "x" * 60 + " salary", "🙂", "?" * 300)


@pytest.fixture(scope="module")
def data() -> DataFiles:
    settings = load_settings({}).with_overrides(
        dialogs_dir=REPO / "dialogs", content_index=REPO / "content_index.yaml",
        media_root=REPO)
    return shared_data(settings)


def _answer(data: DataFiles, query: str, language_code: str | None = "en",
            cached: bool = False) -> tuple[InlineRequest, list[dict]]:
    library = data.library
    request = read_query(library, query, language_code)
    clip_ids = candidate_clips(library, request, list(library.index.clips))
    file_ids = {c: f"FILE-{c}" for c in clip_ids} if cached else {}
    results = build_results(library, data.dialogs.strings, request, clip_ids,
                            "testimony_demo_bot", file_ids)
    return request, [r.to_dict() for r in results]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("cached", [False, True])
def test_results_respect_telegram_limits(data: DataFiles, query: str, cached: bool) -> None:
    request, results = _answer(data, query, cached=cached)
    assert 1 <= len(results) <= MAX_RESULTS
    graphic = graphic_clips(data.library)
    ids = [r["id"] for r in results]
    assert len(set(ids)) == len(ids)
    for result in results:
        assert 1 <= len(result["id"].encode()) <= 64
        link = parse_payload(result["id"])
        assert link is not None and link.clip and link.clip not in graphic
        assert result["type"] == "video"
        assert len(result["caption"]) <= 1024 and result["title"]
        assert result["description"]
        if cached:
            assert result["video_file_id"] == f"FILE-{link.clip}"
        else:
            assert result["mime_type"] == "video/mp4"
            assert result["video_url"].endswith(".mp4")
            assert result["thumbnail_url"].endswith(".jpg")
        [[button]] = result["reply_markup"]["inline_keyboard"]
        payload = button["url"].removeprefix("https://t.me/testimony_demo_bot?start=")
        assert payload == result["id"]
        assert parse_payload(payload).campaign == request.campaign  # type: ignore[union-attr]
    button = results_button(data.dialogs.strings, request).to_dict()
    assert button["text"] and START_PARAMETER.match(button["start_parameter"])


def test_graphic_clips_are_never_offered(data: DataFiles) -> None:
    graphic = graphic_clips(data.library)
    assert graphic  # the sample index has some
    for clip_id in graphic:
        title = data.library.index.clip(clip_id).title_in("en")
        _, results = _answer(data, title)
        assert all(parse_payload(r["id"]).clip not in graphic  # type: ignore[union-attr]
                   for r in results)


def test_language_of_the_words_with_the_user_language_as_prior(data: DataFiles) -> None:
    assert read_query(data.library, "ماذا حدث للنساء", "en").language == "ar"
    assert read_query(data.library, "", "fr").language == "fr"
    _, results = _answer(data, "как жили иностранцы", "en")
    assert results[0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Открыть в боте"


def test_campaign_prefix_tags_the_links(data: DataFiles) -> None:
    request, results = _answer(data, "c-balkans-spring salary")
    assert request.campaign == "balkans-spring" and request.words == "salary"
    assert all(r["id"].startswith("c-balkans-spring_clip-") for r in results)
    request, results = _answer(data, "c-" + "x" * 60 + " salary")  # too long: not a code
    assert request.campaign == "inline"


def test_empty_query_shows_a_few_popular_clips(data: DataFiles) -> None:
    _, results = _answer(data, "   ")
    assert len(results) == EMPTY_RESULTS


def test_thumbnail_next_to_the_mirror_video() -> None:
    assert thumbnail_url("https://m.example.org/clips/a-b.mp4?v=2") == \
        "https://m.example.org/clips/a-b.jpg?v=2"
    assert thumbnail_url("https://m.example.org/") is None
