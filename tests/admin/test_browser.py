"""The console in headless Chromium: login, edit with an error, fix, try it, publish, roll back.

The console runs on the real bot stack (PTB against the emulator) of tests/e2e, so the test
also checks that a Telegram user of the running bot sees the published text.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.store.admin_repositories import AdminUsers, use_password_hasher
from bot.store.models import Counter, UnmatchedQuestion
from bot.web.admin import console_context_for, install_admin_console
from tests.admin.conftest import PASSWORD
from tests.e2e.conftest import Stack, stack  # noqa: F401 - the fixture is used below

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
# Screenshots for the README: `UPDATE_SCREENSHOTS=1 pytest tests/admin/test_browser.py`.
DOC_SHOTS = REPO / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = [
    pytest.mark.browser, pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"headless browser tests need Debian's chromium at {CHROMIUM}"),
]
BROKEN = "say: [ask.prompt, ask.topics_prompt_typo]"
FIXED = "say: [ask.prompt, ask.topics_prompt]"


async def _seed_counters(stack_db) -> None:
    from bot.web.admin._insight import _days

    days = _days(14)
    async with stack_db.transaction() as session:
        for i, day in enumerate(days):
            for name, labels, count in (
                ("question", {"language": "en", "campaign": ""}, 20 + 3 * i),
                ("question", {"language": "ar", "campaign": ""}, 8 + i),
                ("unmatched", {"language": "en"}, 4 + i % 3),
                ("unmatched", {"language": "ar"}, 3),
                ("clip_sent", {"topic": "daily_life", "language": "en",
                               "clip": "prices-and-power-cuts", "campaign": ""}, 9 + i),
                ("clip_sent", {"topic": "brutality", "language": "ar",
                               "clip": "hunger-under-siege", "campaign": ""}, 4 + i % 4),
                ("handoff_opened", {"reason": "distress", "urgent": "true", "language": "en",
                                    "campaign": ""}, 1 + i % 2),
                ("handoff_opened", {"reason": "leaving", "urgent": "false", "language": "fr",
                                    "campaign": ""}, 2),
                ("case_taken", {"reason": "distress", "wait_s": str(60 + 40 * i)}, 1),
                ("case_closed", {"outcome": "referred", "reason": "distress"}, 1),
                ("feedback", {"value": "helped", "language": "en", "campaign": ""}, 2),
                ("feedback", {"value": "not_helped", "language": "en", "campaign": ""}, i % 2),
            ):
                session.add(Counter(day=day, name=name, labels=json.dumps(labels),
                                    count=count))
        session.add(UnmatchedQuestion(day=days[-1], language="en",
                                      pattern="generator emir night", count=6))


@pytest.fixture
async def console_url(stack: Stack, tmp_path: Path) -> AsyncIterator[tuple[str, Stack, list]]:  # noqa: F811
    from argon2 import PasswordHasher

    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    published: list = []
    runtime = stack.runtime

    def publish(dialogs) -> None:
        published.append(dialogs)
        runtime.engine.publish(dialogs)

    ctx = replace(console_context_for(runtime, cookie_secure=False), publish=publish)
    app = web.Application()
    slot = install_admin_console(app, None)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/admin/login") as starting:
            assert starting.status == 503
    slot.attach(ctx)
    async with stack.db.transaction() as session:
        await AdminUsers(session).create("alice", "admin", PASSWORD)
    await _seed_counters(stack.db)
    try:
        yield f"http://127.0.0.1:{port}", stack, published
    finally:
        await runner.cleanup()
        use_password_hasher(PasswordHasher())


async def _editor_text(page) -> str:
    return await page.evaluate("window.consoleEditor.get()")


async def test_console_in_a_browser(console_url, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright, expect

    root, bot_stack, published = console_url
    shots = DOC_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1320, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not
                m.text.startswith("Failed to load resource") else None)

        # A failed login, then a good one.
        await page.goto(f"{root}/admin/flows")
        await expect(page.locator("h1")).to_have_text("Log in")
        await page.screenshot(path=str(shots / "login.png"))
        await page.fill("input[name=name]", "alice")
        await page.fill("input[name=password]", "wrong password")
        await page.click("button[type=submit]")
        await expect(page.locator(".alert.error")).to_contain_text("Wrong name or password")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await expect(page.locator("h1")).to_contain_text("Flows")
        await page.screenshot(path=str(shots / "flows.png"))
        diagram = page.locator(".diagram img").first
        await diagram.scroll_into_view_if_needed()
        await expect(diagram).to_have_js_property("complete", True)
        assert await diagram.evaluate("img => img.naturalWidth") > 100
        await page.locator("section.card:has(.diagram)").first.screenshot(
            path=str(shots / "flow-diagram.png"))

        # Edit a flow: a validation error shown with its line number.
        await page.click("text=flows/ask.yaml")
        await expect(page.locator(".CodeMirror")).to_be_visible()
        original = await _editor_text(page)
        broken = original.replace("say: [ask.prompt]", BROKEN, 1)
        line = broken.splitlines().index(f"    {BROKEN}") + 1
        await page.evaluate("t => window.consoleEditor.set(t)", broken)
        await page.click("#validate")
        problem = page.locator("#problems li.error")
        await expect(problem.first).to_contain_text(f"dialogs/flows/ask.yaml:{line}:")
        await expect(problem.first).to_contain_text("ask.topics_prompt_typo")
        marked = page.locator(".CodeMirror-code > .line-error .CodeMirror-linenumber")
        await expect(marked).to_have_text(str(line))
        await page.screenshot(path=str(shots / "editor-error.png"))

        # Fix it, validate, and try it in the simulator.
        await page.evaluate("t => window.consoleEditor.set(t)",
                            original.replace("say: [ask.prompt]", FIXED, 1))
        await page.click("#validate")
        await expect(page.locator("#problems li.ok")).to_be_visible()
        await page.select_option("#sim-language", "en")
        await page.click("#sim-start")
        await page.click("#sim-log button:has-text('Yes, you can message me')")
        await expect(page.locator("#sim-log .msg.bot").last).to_contain_text("Choose a topic:")
        await page.fill("#sim-input", "was there electricity in raqqa?")
        await page.press("#sim-input", "Enter")
        await expect(page.locator("#sim-log .msg.clip")).to_have_count(1)
        await page.screenshot(path=str(shots / "simulator.png"))
        assert published == []

        # Publish: the running bot on the emulator uses the new version.
        await page.fill("#note", "ask: show the topics prompt under the question prompt")
        await page.click("#publish")
        await expect(page.locator(".alert.ok")).to_contain_text("Published version 2")
        assert published and published[-1].state("ask.home").say == (
            "ask.prompt", "ask.topics_prompt")
        user = bot_stack.user(0)
        await user.send("/start")
        replies = await user.press("Yes, you can message me")
        assert (replies[-1].text or "").endswith("Choose a topic:")  # joined into one message

        # Roll back to version 1: the bot answers as before.
        await page.screenshot(path=str(shots / "history.png"))
        await page.click("a:has-text('v2')")
        await expect(page.locator("pre.diff .add")).to_contain_text(FIXED)
        await page.screenshot(path=str(shots / "version-diff.png"))
        await page.go_back()
        page.once("dialog", lambda d: d.accept())
        await page.click("button:has-text('Roll back to v1')")
        await expect(page.locator(".alert.ok")).to_contain_text("Published version 3")
        assert published[-1].state("ask.home").say == ("ask.prompt",)
        await user.send("/start")
        replies = await user.press("Yes, you can message me", expect=1)
        assert "What would you like to know?" in (replies[-1].text or "")

        # The other main pages, for the README.
        await page.goto(f"{root}/admin/clips")
        await page.screenshot(path=str(shots / "clips.png"))
        await page.click("text=Two hours of electricity a day")
        await expect(page.locator(".CodeMirror")).to_be_visible()
        await page.screenshot(path=str(shots / "clip-edit.png"))
        await page.goto(f"{root}/admin/dashboard")
        await expect(page.locator(".chart svg").first).to_be_visible()
        await page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
        await page.goto(f"{root}/admin/gaps")
        await page.screenshot(path=str(shots / "gaps.png"))
        await browser.close()
    assert not errors, errors
