"""Published versions reach the running bot; dialogs/ on disk seeds and hot-reloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.flows import read_dialog_files
from bot.publishing import PublishedSync
from bot.store.admin_repositories import DialogVersions
from tests.e2e.conftest import REPO, Stack

pytestmark = pytest.mark.e2e


async def test_a_version_published_elsewhere_is_followed(stack: Stack) -> None:
    sync = PublishedSync(stack.runtime)
    await sync.start()  # seeds version 1 from dialogs/
    before = stack.runtime.engine.registry.current.version
    files = read_dialog_files(REPO / "dialogs")
    files["strings/en.yaml"] = files["strings/en.yaml"].replace(
        "What would you like to know?", "Published elsewhere: what would you like to know?")
    async with stack.db.transaction() as session:  # as another process's console would
        await DialogVersions(session).add(2, files, "editor", "wording")
    await sync.poll()
    assert stack.runtime.engine.registry.current.version != before
    user = stack.user(0)
    await user.send("/start")
    replies = await user.press("Yes, you can message me")
    assert "Published elsewhere" in (replies[0].text or "")


async def test_disk_changes_are_published_and_invalid_ones_refused(stack: Stack,
                                                                   tmp_path: Path) -> None:
    dialogs = tmp_path / "dialogs"
    shutil.copytree(REPO / "dialogs", dialogs)
    stack.runtime.settings = stack.runtime.settings.with_overrides(dialogs_dir=dialogs)
    sync = PublishedSync(stack.runtime)
    await sync.start()
    start_version = stack.runtime.engine.registry.current.version
    flow = dialogs / "flows" / "browse.yaml"
    flow.write_text(flow.read_text() + "\n  broken:\n    do: [no_such_action]\n")
    await sync.tick()
    assert stack.runtime.engine.registry.current.version == start_version  # kept running
    flow.write_text(flow.read_text().split("\n  broken:")[0] + "\n")
    strings = dialogs / "strings" / "en.yaml"
    strings.write_text(strings.read_text().replace("Browse topics", "All topics"))
    await sync.tick()
    assert stack.runtime.engine.registry.current.version != start_version
    async with stack.db.transaction() as session:
        latest = await DialogVersions(session).latest()
    assert latest is not None and latest.author == "files"
