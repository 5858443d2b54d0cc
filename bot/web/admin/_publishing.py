"""Checking a dialogs draft (validator + story tests) and publishing it as a numbered version."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from bot.errors import Problem
from bot.flows import DialogSet, load_dialog_set
from bot.store import Database
from bot.store.admin_repositories import Audit, DialogDrafts, DialogVersions, version_files
from bot.web.admin._context import ConsoleContext
from bot.web.admin._diffs import changed_only, diff_files
from bot.web.admin._errors import ConsoleError, StaleEdit

PREFIX = "dialogs/"


@dataclass
class DraftCheck:
    """What the validator and the story tests say about a set of dialog files."""

    dialog_set: DialogSet | None
    problems: list[Problem]
    story_failures: list[str] = field(default_factory=list)
    stories_available: bool = False

    @property
    def ok(self) -> bool:
        return self.dialog_set is not None and not self.story_failures

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "problems": [{"file": p.file, "line": p.line, "message": p.message,
                          "severity": p.severity, "text": str(p)} for p in self.problems],
            "stories": {"available": self.stories_available, "failures": self.story_failures},
        }


def story_runner() -> Callable[..., list[str]] | None:
    """``bot.flows.stories.run_stories`` when this build has it, else None."""
    try:
        module = importlib.import_module("bot.flows.stories")
    except ImportError:
        return None
    return getattr(module, "run_stories", None)


def check_files(ctx: ConsoleContext, files: Mapping[str, str], *, stories: bool) -> DraftCheck:
    """Validate ``files``; with ``stories`` also run the story tests on the valid set."""
    too_big = [Problem(PREFIX + name, 1, f"file is {len(text) // 1024} KB; the limit is "
                       f"{ctx.max_file_chars // 1024} KB")
               for name, text in files.items() if len(text) > ctx.max_file_chars]
    if too_big:
        return DraftCheck(None, too_big)
    dialog_set, problems = load_dialog_set(files, ctx.settings.languages, prefix=PREFIX)
    check = DraftCheck(dialog_set, problems)
    runner = story_runner()
    check.stories_available = runner is not None
    if stories and runner is not None and dialog_set is not None:
        try:
            failures = list(runner(dialog_set, ctx.library(), ctx.risk))
            if failures:  # only what the draft breaks blocks it, not what already fails
                already = {_story_name(m) for m in runner(ctx.current_dialogs(), ctx.library(),
                                                          ctx.risk)}
                failures = [m for m in failures if _story_name(m) not in already]
            check.story_failures = failures
        except Exception as err:  # noqa: BLE001 - a crashing story is a failed story
            check.story_failures = [f"the story tests crashed: {type(err).__name__}: {err}"]
    return check


def _story_name(message: str) -> str:
    """``story 'NAME' (...)`` → NAME; the whole first line for other messages."""
    first = message.split("\n", 1)[0]
    return first.split("'")[1] if first.startswith("story '") and first.count("'") >= 2 else first


async def published(db: Database) -> tuple[int, dict[str, str]]:
    async with db.transaction() as session:
        row = await DialogVersions(session).latest()
        if row is None:
            raise ConsoleError("no published dialogs version yet")
        return row.number, version_files(row)


async def publish_files(ctx: ConsoleContext, files: Mapping[str, str], *, author: str,
                        note: str, base_version: int, action: str = "publish",
                        discard_draft: str | None = None) -> tuple[int, DraftCheck]:
    """Store ``files`` as the next version and switch the bot; refuse stale edits and errors.

    Returns (new version number or 0 when refused for problems, the check).
    """
    files = dict(files)
    async with ctx.db.transaction() as session:
        versions = DialogVersions(session)
        latest = await versions.latest()
        if latest is None:
            raise ConsoleError("no published dialogs version yet")
        current = version_files(latest)
        if latest.number != base_version:
            base = await versions.get(base_version)
            before = version_files(base) if base else {}
            raise StaleEdit(base_version, latest.number, diff_files(before, current))
        if files == current:
            raise ConsoleError("nothing to publish: the files equal the published version")
        check = check_files(ctx, files, stories=True)
        if not check.ok:
            return 0, check
        number = latest.number + 1
        try:
            await versions.add(number, files, author, note or action)
        except IntegrityError as err:
            raise StaleEdit(base_version, number, []) from err
        old, new = changed_only(current, files)
        await Audit(session).record(author, f"dialogs_{action}", f"dialogs version {number}: "
                                    f"{note}"[:200], json.dumps(old), json.dumps(new))
        if discard_draft:
            await DialogDrafts(session).discard(discard_draft)
    assert check.dialog_set is not None
    ctx.publish(check.dialog_set)
    return number, check
