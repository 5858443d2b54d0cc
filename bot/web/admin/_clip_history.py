"""Clip-index versions: the list, a version's diff, and rolling back by republishing."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.store.admin_repositories import ContentVersions
from bot.web.admin._auth import requires
from bot.web.admin._content_publishing import publish_index
from bot.web.admin._diffs import diff_files
from bot.web.admin._errors import StaleEdit
from bot.web.admin._keys import LOGIN, PREFIX
from bot.web.admin._render import error_page, form_int, render
from bot.web.admin._slot import context_of

EDITORS = ("admin", "editor")
NAME = "content_index.yaml"


@requires(*EDITORS)
async def history(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        versions = await ContentVersions(session).all()
    return render(request, "clip_history.html", section="clips", title="Clip-index history",
                  versions=versions, latest=versions[0].number if versions else 0,
                  published=request.query.get("published", ""))


@requires(*EDITORS)
async def version_diff(request: web.Request) -> web.Response:
    ctx = context_of(request)
    number = int(request.match_info["number"])
    async with ctx.db.transaction() as session:
        versions = ContentVersions(session)
        row, previous = await versions.get(number), await versions.get(number - 1)
    if row is None:
        raise web.HTTPNotFound(text="no such version")
    before = previous.text if previous else Path(ctx.settings.content_index).read_text(
        encoding="utf-8")
    return render(request, "version.html", section="clips", title=f"Clip index v{number}",
                  row=row, diff=diff_files({NAME: before}, {NAME: row.text}),
                  back=f"{PREFIX}/clips/history")


@requires(*EDITORS)
async def rollback(request: web.Request) -> web.Response:
    ctx = context_of(request)
    number = int(request.match_info["number"])
    form = await request.post()
    async with ctx.db.transaction() as session:
        row = await ContentVersions(session).get(number)
    if row is None:
        raise web.HTTPNotFound(text="no such version")
    try:
        new, problems = await publish_index(
            ctx, row.text, base_version=form_int(form.get("base_version")),
            author=request[LOGIN].name, note=f"roll back to clip-index version {number}",
            target=f"clip index version {number}", before=None, after=None)
    except StaleEdit as stale:
        return render(request, "stale.html", status=409, section="clips", title="Stale edit",
                      stale=stale, relpath="", text="")
    if new == 0:
        return error_page(request, 422, "Not rolled back",
                          "; ".join(str(p) for p in problems[:5]))
    raise web.HTTPSeeOther(f"{PREFIX}/clips/history?published={new}")


def install_clip_history_routes(app: web.Application) -> None:
    app.router.add_get("/clips/history", history)
    app.router.add_get(r"/clips/history/{number:\d+}", version_diff)
    app.router.add_post(r"/clips/rollback/{number:\d+}", rollback)
