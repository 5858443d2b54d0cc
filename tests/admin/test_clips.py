"""Clips: filter, edit with validation, escaping, video upload checks, gaps, dashboard."""

from __future__ import annotations

import html
import json

from aiohttp import FormData

from bot.store.admin_repositories import ContentVersions
from bot.store.models import Counter, UnmatchedQuestion
from bot.web.admin._clip_index import new_clip_template
from tests.admin.conftest import Console

CLIP = "prices-and-power-cuts"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _block(page: str) -> str:
    """The clip YAML inside the editor's textarea."""
    return html.unescape(page.split('id="source"', 1)[1].split(">", 1)[1].split(
        "</textarea>")[0])


async def _content_versions(console: Console) -> int:
    async with console.ctx.db.transaction() as session:
        latest = await ContentVersions(session).latest()
    return latest.number if latest else 0


async def test_filter_clips(console: Console) -> None:
    await console.login("eddie")
    _, page = await console.page("/admin/clips?warning=graphic")
    assert "graphic" in page and "Two hours of electricity" not in page
    _, page = await console.page("/admin/clips?q=electricity&language=fr")
    assert "Two hours of electricity a day" in page and "(1 of" in page


async def test_script_in_clip_title_is_escaped_everywhere(console: Console) -> None:
    await console.login("eddie")
    _, page = await console.page(f"/admin/clips/{CLIP}")
    assert 'en: "Two hours of electricity a day"' in _block(page)
    block = _block(page).replace('en: "Two hours of electricity a day"',
                                        'en: "<script>alert(1)</script> power"', 1)
    status, _ = await console.form(f"/admin/clips/{CLIP}", {"text": block,
                                                           "base_version": "0"},
                                   allow_redirects=False)
    assert status == 303
    assert console.running.libraries[-1].card(CLIP, "en").title.startswith("<script>")
    for path in ("/admin/clips", f"/admin/clips/{CLIP}", "/admin/audit"):
        _, page = await console.page(path)
        assert "<script>alert(1)" not in page, path
    _, page = await console.page("/admin/clips")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; power" in page


async def test_clip_video_preview_served_from_media_root(console: Console) -> None:
    await console.login("eddie")
    response = await console.client.get(f"/admin/clips/{CLIP}/video")
    assert response.status == 200 and response.content_type == "video/mp4"
    assert (await response.read())[4:8] == b"ftyp"
    assert (await console.client.get("/admin/clips/no-such-clip/video")).status == 404


async def test_invalid_clip_edit_refused(console: Console) -> None:
    await console.login("eddie")
    _, page = await console.page(f"/admin/clips/{CLIP}")
    block = _block(page).replace("duration_s: 68", "duration_s: -5")
    status, page = await console.form(f"/admin/clips/{CLIP}", {"text": block,
                                                              "base_version": "0"})
    assert status == 422 and "duration_s" in page
    assert await _content_versions(console) == 0 and console.running.libraries == []


async def _upload(console: Console, text: str, name: str, ctype: str, data: bytes
                  ) -> tuple[int, str]:
    form = FormData()
    form.add_field("_csrf", console.csrf)
    form.add_field("base_version", "0")
    form.add_field("text", text)
    form.add_field("video", data, filename=name, content_type=ctype)
    response = await console.client.post("/admin/clips/upload", data=form,
                                         allow_redirects=False)
    return response.status, await response.text()


async def test_wrong_video_type_refused(console: Console) -> None:
    await console.login("eddie")
    text = new_clip_template(console.ctx.settings.languages)
    status, page = await _upload(console, text, "clip.avi", "video/x-msvideo", b"RIFF....AVI ")
    assert status == 415 and "only MP4" in page
    status, page = await _upload(console, text, "fake.mp4", "video/mp4", b"<html>not video")
    assert status == 415 and "not an MP4" in page
    assert await _content_versions(console) == 0
    assert not (console.ctx.settings.media_root / "media/uploads").exists() or not any(
        (console.ctx.settings.media_root / "media/uploads").iterdir())


async def test_add_clip_with_video(console: Console) -> None:
    await console.login("eddie")
    text = new_clip_template(console.ctx.settings.languages).replace("new-clip-id",
                                                                     "bakery-queue")
    uploads = console.ctx.settings.media_root / "media/uploads"
    bad = text.replace("duration_s: 60", "duration_s: -1")
    status, page = await _upload(console, bad, "bakery.mp4", "video/mp4", MP4)
    assert status == 422 and "duration_s" in page and not any(uploads.iterdir())
    status, page = await _upload(console, text, "bakery.mp4", "video/mp4", MP4)
    assert status == 303, page
    assert (console.ctx.settings.media_root / "media/uploads/bakery-queue.mp4").read_bytes() \
        == MP4
    assert console.running.libraries[-1].card("bakery-queue", "fr") is not None
    assert await _content_versions(console) == 1


async def test_gap_report_adds_an_example_question(console: Console) -> None:
    async with console.ctx.db.transaction() as session:
        session.add(UnmatchedQuestion(day="2026-11-27", language="en",
                                      pattern="generator emir night", count=4))
    await console.login("eddie")
    _, page = await console.page("/admin/gaps")
    assert "generator emir night" in page and ">4<" in page
    status, _ = await console.form("/admin/gaps/add-example", {
        "clip": CLIP, "language": "en", "question": "did the emir have a generator"},
        allow_redirects=False)
    assert status == 303
    clip = console.running.libraries[-1].index.clips[CLIP]
    assert "did the emir have a generator" in clip.example_questions["en"]
    assert len(clip.example_questions["en"]) == 5


async def test_dashboard_shows_aggregates_as_svg(console: Console) -> None:
    from bot.web.admin._insight import _days

    today = _days(1)[0]
    rows = [("clip_sent", {"topic": "daily_life", "language": "en", "clip": CLIP,
                           "campaign": ""}, 7),
            ("question", {"language": "en", "campaign": ""}, 10),
            ("unmatched", {"language": "en"}, 3),
            ("handoff_opened", {"reason": "distress", "urgent": "true", "language": "en",
                                "campaign": ""}, 2),
            ("case_taken", {"reason": "distress", "wait_s": "120"}, 1),
            ("case_taken", {"reason": "distress", "wait_s": "600"}, 1),
            ("feedback", {"value": "helped", "language": "en", "campaign": ""}, 5)]
    async with console.ctx.db.transaction() as session:
        for name, labels, count in rows:
            session.add(Counter(day=today, name=name, labels=json.dumps(labels), count=count))
    await console.login("alice")
    _, page = await console.page("/admin/dashboard")
    assert page.count("<svg") >= 6 and "30%" in page and "2.0 / 10.0 min" in page
    assert "distress (urgent)" in page and "helped" in page
    _, clips = await console.page("/admin/clips?q=electricity")
    assert "<td>7</td>" in clips


async def test_clip_index_history_and_roll_back(console: Console) -> None:
    await console.login("eddie")
    for question in ("first added question", "second added question"):
        status, _ = await console.form("/admin/gaps/add-example", {
            "clip": CLIP, "language": "en", "question": question}, allow_redirects=False)
        assert status == 303
    _, page = await console.page("/admin/clips/history")
    assert "v2" in page and "Roll back to v1" in page
    _, diff = await console.page("/admin/clips/history/2")
    assert "second added question" in diff
    status, _ = await console.form("/admin/clips/rollback/1", {"base_version": "2"},
                                   allow_redirects=False)
    assert status == 303
    questions = console.running.libraries[-1].index.clips[CLIP].example_questions["en"]
    assert "first added question" in questions and "second added question" not in questions
    status, page = await console.form("/admin/clips/rollback/1", {"base_version": "2"})
    assert status == 409 and "someone published meanwhile" in page
