"""Every story in tests/stories/ through the core, with the real clip library and risk detector.

The last test prints which states and transitions of dialogs/ no story reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.core import Engine
from bot.core.dialog_runtime import DialogMachine
from bot.flows import DialogSet, StateSpec, load_dialog_set, load_dialogs, read_dialog_files
from bot.flows.stories import (
    FIRST_USER_ID,
    StoryClock,
    StoryError,
    StoryRun,
    run_stories,
    story_engine,
)
from tests.core.driver import LANGUAGES, REPO
from tests.stories.story import STORIES_DIR, Story, all_stories, fail_story
from tests.stories.support import real_library, real_risk_detector, story_params

STORIES = all_stories()


@dataclass
class Coverage:
    states: set[str] = field(default_factory=set)
    transitions: set[tuple[str, str]] = field(default_factory=set)
    stories_run: set[str] = field(default_factory=set)


COVERAGE = Coverage()


def _instrument(engine: Engine, coverage: Coverage) -> None:
    """Record every state entered and every (state, trigger) fired, without touching the core."""
    fire = engine.fire
    machine = engine._machine(engine.registry.current)
    assert isinstance(machine, DialogMachine)

    async def recording_fire(turn: Any, trigger: str) -> None:
        source = turn.user.state or turn.dialogs.entry("welcome")
        if machine.handles(source, trigger):
            coverage.transitions.add((source, trigger))
        await fire(turn, trigger)

    enter_state = machine._enter_state

    async def recording_enter(model: Any, spec: StateSpec) -> None:
        coverage.states.add(spec.qualified)
        if spec.next:
            coverage.transitions.add((spec.qualified, "next"))
        await enter_state(model, spec)

    engine.fire = recording_fire  # type: ignore[method-assign]
    machine._enter_state = recording_enter


@pytest.fixture(scope="module")
def story_engine_and_clock() -> tuple[Engine, StoryClock]:
    clock = StoryClock()
    dialogs = load_dialogs(REPO / "dialogs", LANGUAGES)
    engine = story_engine(dialogs, real_library(), real_risk_detector(), clock)
    _instrument(engine, COVERAGE)
    return engine, clock


async def play(story: Story, engine: Engine, clock: StoryClock) -> None:
    """Play one story as user FIRST_USER_ID + its index; fail the test on unmet expectations."""
    run = StoryRun(story, engine, clock, FIRST_USER_ID + STORIES.index(story))
    fail_story(story, await run.run())


@pytest.mark.parametrize("story", story_params(STORIES))
async def test_story(story: Story, story_engine_and_clock: tuple[Engine, StoryClock]) -> None:
    engine, clock = story_engine_and_clock
    COVERAGE.stories_run.add(story.id)
    await play(story, engine, clock)


def test_stories_are_well_formed() -> None:
    assert len(STORIES) >= 16
    languages = {s.language_code for s in STORIES}
    assert {"en", "ar", "fr", "de", "ru", "tr"} <= languages
    assert len({s.name for s in STORIES}) == len(STORIES)


# -- publish-time runs (the admin console) ------------------------------------------------
def _dialogs_with(replace: tuple[str, str] | None = None) -> DialogSet:
    files = read_dialog_files(REPO / "dialogs")
    if replace:
        old, new = replace
        assert old in files["strings/en.yaml"]
        files["strings/en.yaml"] = files["strings/en.yaml"].replace(old, new)
    dialogs, problems = load_dialog_set(files, LANGUAGES)
    assert dialogs is not None, problems
    return dialogs


async def test_run_stories_reports_the_story_a_draft_breaks(tmp_path: Path) -> None:
    """Called from inside an event loop, as the console does; xfail stories never count."""
    for name in ("01_welcome_safe_yes_en.yaml", "06_unknown_question_en.yaml"):
        (tmp_path / name).write_text((STORIES_DIR / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    library, risk = real_library(), real_risk_detector()
    assert run_stories(_dialogs_with(), library, risk, stories_dir=tmp_path) == []
    draft = _dialogs_with(("not end-to-end encrypted", "private"))
    failures = run_stories(draft, library, risk, stories_dir=tmp_path)
    assert len(failures) == 1
    assert failures[0].startswith("story '01_welcome_safe_yes_en' (Welcome, privacy notice")
    assert "step 1 (send: '/start'): no text contains 'not end-to-end encrypted'" in failures[0]


def test_run_stories_without_a_stories_directory_finds_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialogs, library, risk = _dialogs_with(), real_library(), real_risk_detector()
    assert run_stories(dialogs, library, risk, stories_dir=tmp_path / "missing") == []
    monkeypatch.chdir(tmp_path)  # the default, tests/stories, is relative to the directory
    assert run_stories(dialogs, library, risk) == []


# -- coverage ------------------------------------------------------------------------------
def defined_transitions(dialogs: DialogSet) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(own, global): (state, trigger) pairs a state handles itself / through global.yaml."""
    own: set[tuple[str, str]] = set()
    for name, spec in dialogs.states.items():
        own |= {(name, t.trigger) for t in spec.on}
        if spec.next:
            own.add((name, "next"))
    inherited = {(name, t.trigger) for name in dialogs.states for t in dialogs.global_on
                 if (name, t.trigger) not in own}
    return own, inherited


def coverage_report(dialogs: DialogSet, coverage: Coverage) -> str:
    own, inherited = defined_transitions(dialogs)
    states = set(dialogs.states)
    missing_states = sorted(states - coverage.states)
    missing_own = sorted(own - coverage.transitions)
    global_triggers = {t.trigger for t in dialogs.global_on}
    fired_global = {trigger for _, trigger in coverage.transitions & inherited}
    missing_global = sorted(global_triggers - fired_global)
    reached_pairs = (own | inherited) & coverage.transitions

    def pct(done: int, total: int) -> str:
        return f"{done}/{total} ({100 * done / total:.0f}%)" if total else "0/0"

    lines = [
        f"Story coverage over {len(coverage.stories_run)} stories "
        f"(dialog version {dialogs.version}):",
        f"  states reached:                  "
        f"{pct(len(states) - len(missing_states), len(states))}",
        f"  flow transitions (state's own):  {pct(len(own) - len(missing_own), len(own))}",
        f"  global triggers fired anywhere:  "
        f"{pct(len(global_triggers) - len(missing_global), len(global_triggers))}",
        f"  all (state, trigger) pairs:      {pct(len(reached_pairs), len(own | inherited))}",
        "States no story reached:",
        *(f"  - {s}" for s in missing_states or ["(none)"]),
        "Flow transitions no story took:",
        *([f"  - {s} --{t}-->" for s, t in missing_own] or ["  - (none)"]),
        "Global triggers no story fired (in any state):",
        *(f"  - {t}" for t in missing_global or ["(none)"]),
    ]
    by_trigger: dict[str, list[str]] = {}
    for state, trigger in sorted(inherited - coverage.transitions):
        by_trigger.setdefault(trigger, []).append(state)
    lines.append("Global transitions not taken, by trigger (states where no story fired it):")
    for trigger, where in sorted(by_trigger.items()):
        lines.append(f"  - {trigger}: {len(where)} of {len(states)} states")
    return "\n".join(lines)


async def test_zz_story_coverage_report(story_engine_and_clock: tuple[Engine, StoryClock],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Print which states and transitions no story reached (informative; never fails)."""
    engine, clock = story_engine_and_clock
    for story in STORIES:  # when run alone (-k coverage), play the stories first
        if story.id not in COVERAGE.stories_run:
            COVERAGE.stories_run.add(story.id)
            try:
                await play(story, engine, clock)
            except (pytest.fail.Exception, StoryError):
                pass
    report = coverage_report(engine.registry.current, COVERAGE)
    with capsys.disabled():
        print("\n" + report)
