"""Flows: validate with line numbers, drafts, publish, stale edits, big pastes, roll back."""

from __future__ import annotations

import re

from bot.store.admin_repositories import DialogVersions
from tests.admin.conftest import Console


def _edit(console: Console, relpath: str, old: str, new: str) -> str:
    text = console.running.dialogs.sources[relpath]
    assert old in text
    return text.replace(old, new, 1)


async def _versions(console: Console) -> int:
    async with console.ctx.db.transaction() as session:
        return len(await DialogVersions(session).all())


async def test_invalid_yaml_reported_with_line_and_not_published(console: Console) -> None:
    await console.login("eddie")
    broken = "flow: ask\ninitial: home\nstates:\n  home:\n    say: [ask.prompt\n"
    status, body = await console.api("/admin/flows/validate",
                                     {"file": "flows/ask.yaml", "text": broken})
    assert status == 200 and not body["ok"]
    assert any(p["file"] == "dialogs/flows/ask.yaml" and p["line"] >= 5 and "YAML" in
               p["message"] for p in body["problems"])
    status, page = await console.form("/admin/flows/publish", {
        "file": "flows/ask.yaml", "text": broken, "base_version": "1", "note": "x"})
    assert status == 422 and "Not published" in page and "dialogs/flows/ask.yaml:" in page
    assert console.running.published == [] and await _versions(console) == 1


async def test_unknown_string_key_error_has_its_line(console: Console) -> None:
    await console.login("eddie")
    text = _edit(console, "flows/ask.yaml", "say: [ask.prompt]", "say: [ask.no_such_key]")
    line = text.splitlines().index("    say: [ask.no_such_key]") + 1
    _, body = await console.api("/admin/flows/validate", {"file": "flows/ask.yaml",
                                                          "text": text})
    assert {"line": line, "file": "dialogs/flows/ask.yaml"}.items() <= next(
        p for p in body["problems"] if "no_such_key" in p["message"]).items()


async def test_publish_then_roll_back_switches_the_bot(console: Console) -> None:
    await console.login("eddie")
    original = console.running.dialogs
    text = _edit(console, "strings/en.yaml",
                 'prompt: "What would you like to know?',
                 'prompt: "What do you want to know?')
    status, _ = await console.form("/admin/flows/publish", {
        "file": "strings/en.yaml", "text": text, "base_version": "1", "note": "shorter"},
        allow_redirects=False)
    assert status == 303
    new = console.running.published[-1]
    assert new.strings.get("ask.prompt", "en").startswith("What do you want to know?")
    _, history = await console.page("/admin/flows/history")
    assert "v2" in history and "shorter" in history
    _, diff = await console.page("/admin/flows/history/2")
    assert "What do you want to know?" in diff and "What would you like to know?" in diff
    status, _ = await console.form("/admin/flows/rollback/1", {"base_version": "2"},
                                   allow_redirects=False)
    assert status == 303
    rolled = console.running.published[-1]
    assert rolled.strings.get("ask.prompt", "en") == original.strings.get("ask.prompt", "en")
    assert rolled.version == original.version and await _versions(console) == 3
    _, audit_page = await console.page("/admin/flows/history")
    assert "roll back to version 1" in audit_page


async def test_stale_edit_refused_with_the_diff(console: Console) -> None:
    await console.login("eddie")
    first = _edit(console, "strings/en.yaml", 'btn_topics: "Browse topics"',
                  'btn_topics: "See topics"')
    second = _edit(console, "strings/en.yaml", 'btn_talk: "Talk to a person"',
                   'btn_talk: "Talk to someone"')
    status, _ = await console.form("/admin/flows/publish", {
        "file": "strings/en.yaml", "text": first, "base_version": "1"}, allow_redirects=False)
    assert status == 303
    status, page = await console.form("/admin/flows/publish", {
        "file": "strings/en.yaml", "text": second, "base_version": "1"})
    assert status == 409 and "someone published meanwhile" in page
    assert "See topics" in page and "Talk to someone" in page
    assert len(console.running.published) == 1 and await _versions(console) == 2


async def test_ten_megabyte_paste_refused_and_nothing_changes(console: Console) -> None:
    await console.login("eddie")
    huge = "x: " + "a" * (10 * 1024 * 1024)
    status, page = await console.form("/admin/flows/publish", {
        "file": "strings/en.yaml", "text": huge, "base_version": "1"})
    assert status == 413 and "Nothing was saved" in page
    response = await console.client.post("/admin/flows/validate", json={
        "file": "strings/en.yaml", "text": huge}, headers={"X-CSRF-Token": console.csrf,
                                                            "Accept": "application/json"})
    assert response.status == 413
    assert console.running.published == [] and await _versions(console) == 1


async def test_script_in_a_string_is_escaped_everywhere(console: Console) -> None:
    await console.login("eddie")
    text = _edit(console, "strings/en.yaml", 'btn_topics: "Browse topics"',
                 'btn_topics: "<script>alert(1)</script>"')
    await console.api("/admin/flows/draft", {"file": "strings/en.yaml", "text": text,
                                             "base_version": 1})
    status, page = await console.page("/admin/flows/edit?file=strings/en.yaml")
    assert status == 200
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "draft by eddie" in (await console.page("/admin/flows"))[1]


async def test_simulator_runs_the_draft_in_any_language(console: Console) -> None:
    await console.login("eddie")
    text = _edit(console, "strings/de.yaml", "prompt:", "prompt: \"ENTWURF-TEXT\"\n  _old:")
    status, body = await console.api("/admin/flows/simulate", {
        "action": "start", "file": "strings/de.yaml", "text": text, "language": "de"})
    assert status == 200 and body["started"], body
    consent = body["messages"][-1]["buttons"][0][0]
    status, body = await console.api("/admin/flows/simulate", {
        "sim": body["sim"], "kind": "button", "value": consent["data"]})
    assert any("ENTWURF-TEXT" in m["text"] for m in body["messages"]), body
    assert console.running.published == []


async def test_diagram_is_svg_without_scripts(console: Console) -> None:
    await console.login("eddie")
    response = await console.client.get("/admin/flows/diagram/ask.svg")
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert not re.search(r"<script", await response.text())
