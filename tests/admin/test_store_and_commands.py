"""Seeding, the published-version API for the bot processes, story tests on publish, the CLI."""

from __future__ import annotations

import io
import sys
import types
from pathlib import Path

import pytest

from bot.cli import main
from bot.store.admin_repositories import AdminUsers, DialogVersions
from bot.web.admin import (
    create_first_admin,
    latest_published_dialogs,
    prepare_console_store,
    seed_dialogs_if_empty,
)
from tests.admin.conftest import REPO, Console


async def test_seed_once_and_latest_version(console: Console) -> None:
    await console.page("/admin/login")
    async with console.ctx.db.transaction() as session:
        number, files = await latest_published_dialogs(session)
        assert number == 1 and files == dict(console.running.dialogs.sources)
        assert await seed_dialogs_if_empty(session, {"x.yaml": ""}) is None


async def test_first_admin_only_on_an_empty_user_table(console: Console) -> None:
    async with console.ctx.db.transaction() as session:
        assert await create_first_admin(session) is None
    await console.ctx.db.drop_schema()
    await console.ctx.db.create_schema()
    async with console.ctx.db.transaction() as session:
        password = await create_first_admin(session)
    assert password and await console.login("admin", password) == 303


async def test_start_switches_the_bot_to_the_newest_published_version(
        console: Console) -> None:
    await console.page("/admin/login")
    files = dict(console.running.dialogs.sources)
    files["strings/en.yaml"] = files["strings/en.yaml"].replace(
        'btn_topics: "Browse topics"', 'btn_topics: "All topics"')
    async with console.ctx.db.transaction() as session:
        await DialogVersions(session).add(2, files, "elsewhere", "published by another process")
    await prepare_console_store(console.ctx)
    assert console.running.published[-1].strings.get("ask.btn_topics", "en") == "All topics"


async def test_failing_story_blocks_publishing(console: Console,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_run_stories(dialogs, library, risk):  # type: ignore[no-untyped-def]
        failures = ["story 'old' (fails today already): expected 'x'"]
        if "All topics" in dialogs.sources.get("strings/en.yaml", ""):
            failures.append("story 'welcome' (the draft breaks it): expected 'Hello'")
        return failures

    module = types.ModuleType("bot.flows.stories")
    module.run_stories = fake_run_stories
    monkeypatch.setitem(sys.modules, "bot.flows.stories", module)
    await console.login("eddie")
    text = console.running.dialogs.sources["strings/en.yaml"].replace(
        'btn_topics: "Browse topics"', 'btn_topics: "All topics"')
    status, page = await console.form("/admin/flows/publish", {
        "file": "strings/en.yaml", "text": text, "base_version": "1"})
    assert status == 422 and "story &#39;welcome&#39; (the draft breaks it)" in page
    assert "fails today already" not in page  # only what the draft breaks blocks it
    assert "story tests not available" not in page
    assert console.running.published == []


def test_cli_create_user_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DIALOGS_DIR", str(REPO / "dialogs"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good long password\n"))
    assert main(["admin", "create-user", "olga", "--role", "editor", "--password-stdin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["admin", "create-user", "pete", "--role", "admin", "--password-stdin"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert main(["dialogs", "export", str(tmp_path / "out")]) == 1
    assert "no published dialogs version" in capsys.readouterr().err

    import asyncio

    from bot.store import Database

    async def seed_and_check() -> None:
        db = Database(url)
        async with db.transaction() as session:
            assert (await AdminUsers(session).by_name("olga")).role == "editor"
            await seed_dialogs_if_empty(session, {"global.yaml": "on: []\n",
                                                  "flows/ask.yaml": "flow: ask\n"})
        await db.close()

    asyncio.run(seed_and_check())
    assert main(["dialogs", "export", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "flows" / "ask.yaml").read_text() == "flow: ask\n"
