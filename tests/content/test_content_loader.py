"""The clip index loader reports every problem as content_index.yaml:LINE: message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from content_paths import FIXTURE_INDEX, FIXTURE_LANGUAGES, FIXTURES

from bot.content import ContentIndex, load_content_index, validate_content_index
from bot.errors import ContentIndexError, Problem


def _broken_copy(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """Copy the fixture (with its media) into tmp_path, replacing ``old`` by ``new``."""
    shutil.copytree(FIXTURES / "media", tmp_path / "media")
    text = FIXTURE_INDEX.read_text(encoding="utf-8")
    assert old in text, old
    target = tmp_path / "content_index.yaml"
    target.write_text(text.replace(old, new, count), encoding="utf-8")
    return target


def _line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


def _errors(path: Path, languages=FIXTURE_LANGUAGES) -> list[Problem]:
    with pytest.raises(ContentIndexError) as caught:
        load_content_index(path, languages)
    return caught.value.problems


def test_fixture_loads(fixture_index: ContentIndex) -> None:
    assert fixture_index.sample is True
    assert len(fixture_index) == 6
    clip = fixture_index.clip("salary-never-came")
    assert clip.primary_topic == "promises_vs_reality"
    assert clip.title_in("fr") == "Le salaire qui n'est jamais venu"
    assert clip.title_in("de") == "The salary that never came"  # English fallback
    assert clip.summary_in("tr").startswith("They promised")
    assert fixture_index.topic("women").title_in("fr") == "Les femmes"
    assert fixture_index.clip_ids_for_topic("brutality") == (
        "executions-in-square", "widow-forced-remarry")
    assert validate_content_index(FIXTURE_INDEX, FIXTURE_LANGUAGES) == []


def test_unknown_topic_is_reported_at_its_line(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "topics: [children, combat_death]",
                        "topics: [children, combat_deaths]")
    [problem] = _errors(path)
    assert str(problem) == (f"content_index.yaml:{_line_of(path, 'combat_deaths')}: "
                            "clip cubs-training: unknown topic 'combat_deaths'")


def test_duplicate_id(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "- id: emir-luxury-villa", "- id: cubs-training")
    [problem] = _errors(path)
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1)
             if "- id: cubs-training" in line]
    assert problem.line == lines[1]
    assert problem.message == (f"duplicate clip id 'cubs-training' (first at line {lines[0]})")


def test_missing_language_of_a_required_field(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, 'title: {en: "Escape at night", fr: "Fuite de nuit"}',
                        'title: {en: "Escape at night"}')
    [problem] = _errors(path)
    assert problem.line == _line_of(path, 'title: {en: "Escape at night"}')
    assert problem.message == "clip escape-at-night: title: missing text in language 'fr'"


def test_missing_media_file(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "path: media/cubs-training.mp4",
                        "path: media/no-such-file.mp4")
    [problem] = _errors(path)
    assert problem.line == _line_of(path, "no-such-file.mp4")
    assert "media file does not exist: media/no-such-file.mp4" in problem.message


def test_repo_root_resolves_media(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "sample: true", "sample: true")
    moved = tmp_path / "data" / "content_index.yaml"
    moved.parent.mkdir()
    path.rename(moved)
    assert len(load_content_index(moved, FIXTURE_LANGUAGES, repo_root=tmp_path)) == 6
    assert any("media file does not exist" in p.message for p in _errors(moved))


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "    audience: general", "    audience: [general", 1)
    [problem] = _errors(path)
    assert problem.message.startswith("YAML syntax error")
    assert problem.file == "content_index.yaml"


def test_missing_required_topics_and_bad_enums_all_reported(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "  online_recruitment:", "  recruitment_online:")
    text = path.read_text(encoding="utf-8")
    text = text.replace("content_warning: distressing", "content_warning: very", 1)
    text = text.replace("subtitles: [en, fr]", "subtitles: [en, fr, xx]", 1)
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in _errors(path)]
    assert "required topic ids missing: online_recruitment" in messages
    assert any("content_warning: Input should be 'none', 'distressing' or 'graphic'" in m
               for m in messages)
    assert any("subtitle language 'xx' is not supported" in m for m in messages)
    assert len(messages) == 3


def test_language_configuration_drives_required_fields() -> None:
    problems = validate_content_index(FIXTURE_INDEX, ("en", "fr", "de"))
    assert problems and all("'de'" in p.message for p in problems)
    assert any("topic daily_life: title: missing text in language 'de'" in p.message
               for p in problems)


def test_media_needs_path_or_url(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "      path: media/escape-at-night.mp4\n", "      {}\n")
    path.write_text(path.read_text(encoding="utf-8").replace("    media:\n      {}\n",
                                                             "    media: {}\n"))
    [problem] = _errors(path)
    assert problem.message == "clip escape-at-night: media needs a 'path' or a 'url'"
