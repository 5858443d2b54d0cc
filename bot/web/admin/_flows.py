"""Flows and strings: list, diagram, editor, validate, try it, publish, history, roll back."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.errors import FlowError
from bot.store.admin_repositories import Audit, DialogDrafts, DialogVersions, version_files
from bot.web.admin._auth import requires
from bot.web.admin._context import ConsoleContext
from bot.web.admin._diffs import diff_files
from bot.web.admin._errors import ConsoleError, StaleEdit
from bot.web.admin._keys import LOGIN, PREFIX, SIMULATORS
from bot.web.admin._publishing import check_files, publish_files, published, story_runner
from bot.web.admin._render import error_page, form_int, render
from bot.web.admin._slot import context_of

EDITORS = ("admin", "editor")


def _group(files: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {"Flows": [], "Strings": [], "Other": []}
    for name in sorted(files):
        key = "Flows" if name.startswith("flows/") else (
            "Strings" if name.startswith("strings/") else "Other")
        groups[key].append(name)
    return groups


@requires(*EDITORS)
async def flow_list(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        latest = await DialogVersions(session).latest()
        drafts = {d.relpath: d for d in await DialogDrafts(session).all()}
    files = version_files(latest) if latest else {}
    flows = sorted(ctx.current_dialogs().initials)
    return render(request, "flows.html", section="flows", title="Flows & strings",
                  latest=latest, groups=_group(files), drafts=drafts, flows=flows,
                  running=ctx.current_dialogs().version)


@requires(*EDITORS)
async def diagram(request: web.Request) -> web.Response:
    ctx = context_of(request)
    try:
        from bot.flows.graph import render_flow_svg
    except ImportError:
        raise web.HTTPNotFound(text="diagrams are not available in this build") from None
    try:
        svg = render_flow_svg(ctx.current_dialogs(), request.match_info["flow"])
    except FlowError:
        raise web.HTTPNotFound(text="unknown flow") from None
    return web.Response(text=svg, content_type="image/svg+xml",
                        headers={"Content-Security-Policy": "default-src 'none'; "
                                 "style-src 'unsafe-inline'"})


async def _editor_state(ctx: ConsoleContext, relpath: str) -> tuple[int, dict[str, str], Any]:
    async with ctx.db.transaction() as session:
        latest = await DialogVersions(session).latest()
        draft = await DialogDrafts(session).get(relpath)
    if latest is None:
        raise ConsoleError("no published dialogs version yet")
    files = version_files(latest)
    if relpath not in files:
        raise web.HTTPNotFound(text=f"no file {relpath!r} in dialogs/")
    return latest.number, files, draft


def _editor(request: web.Request, relpath: str, base: int, text: str, *, status: int = 200,
            problems: list | None = None, message: str = "", draft: Any = None,
            stories: list[str] | None = None) -> web.Response:
    ctx = context_of(request)
    return render(request, "editor.html", status=status, section="flows", title=relpath,
                  relpath=relpath, base=base, text=text, problems=problems or [],
                  message=message, draft=draft, stories=stories or [],
                  stories_available=story_runner() is not None,
                  languages=ctx.settings.languages)


@requires(*EDITORS)
async def edit(request: web.Request) -> web.Response:
    ctx = context_of(request)
    relpath = request.query.get("file", "")
    base, files, draft = await _editor_state(ctx, relpath)
    text = draft.text if draft else files[relpath]
    message = ""
    if draft and draft.base_version != base:
        message = (f"This draft was started on version {draft.base_version}; version {base} "
                   "has been published since. Publishing it will show you what changed.")
    return _editor(request, relpath, draft.base_version if draft else base, text,
                   message=message, draft=draft)


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="the request body is not JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="the request body must be a JSON object")
    return data


async def _merged(ctx: ConsoleContext, relpath: str, text: str) -> dict[str, str]:
    _number, files = await published(ctx.db)
    if relpath not in files:
        raise web.HTTPNotFound(text=f"no file {relpath!r} in dialogs/")
    return {**files, relpath: text}


@requires(*EDITORS)
async def validate(request: web.Request) -> web.Response:
    ctx = context_of(request)
    data = await _json(request)
    files = await _merged(ctx, str(data.get("file", "")), str(data.get("text", "")))
    return web.json_response(check_files(ctx, files, stories=False).as_json())


@requires(*EDITORS)
async def save_draft(request: web.Request) -> web.Response:
    ctx = context_of(request)
    data = await _json(request)
    relpath, text = str(data.get("file", "")), str(data.get("text", ""))
    await _merged(ctx, relpath, text)
    if len(text) > ctx.max_file_chars:
        return web.json_response({"error": "the text is too long"}, status=413)
    async with ctx.db.transaction() as session:
        await DialogDrafts(session).save(relpath, text, form_int(data.get("base_version")),
                                         request[LOGIN].name)
        await Audit(session).record(request[LOGIN].name, "draft_saved", relpath,
                                    None, text)
    return web.json_response({"saved": True})


@requires(*EDITORS)
async def publish(request: web.Request) -> web.Response:
    ctx = context_of(request)
    form = await request.post()
    relpath, text = str(form.get("file", "")), str(form.get("text", ""))
    note = str(form.get("note", "")).strip()[:500]
    base = form_int(form.get("base_version"))
    try:
        files = await _merged(ctx, relpath, text)
        number, check = await publish_files(ctx, files, author=request[LOGIN].name,
                                            note=note or f"edit {relpath}", base_version=base,
                                            discard_draft=relpath)
    except StaleEdit as stale:
        return render(request, "stale.html", status=409, section="flows", title="Stale edit",
                      stale=stale, relpath=relpath, text=text)
    except ConsoleError as err:
        return _editor(request, relpath, base, text, status=400, message=str(err))
    if number == 0:
        return _editor(request, relpath, base, text, status=422, problems=check.as_json()[
            "problems"], stories=check.story_failures,
            message="Not published: fix the problems below first. The running bot is "
                    "unchanged.")
    raise web.HTTPSeeOther(f"{PREFIX}/flows/history?published={number}")


@requires(*EDITORS)
async def simulate(request: web.Request) -> web.Response:
    ctx = context_of(request)
    sims = request.app[SIMULATORS]
    data = await _json(request)
    if data.get("action") == "start":
        files = await _merged(ctx, str(data.get("file", "")), str(data.get("text", "")))
        check = check_files(ctx, files, stories=False)
        if check.dialog_set is None:
            return web.json_response({"started": False, **check.as_json()})
        language = str(data.get("language", "en"))
        if language not in ctx.settings.languages:
            language = ctx.settings.languages[0]
        sim_id = sims.start(ctx, check.dialog_set, language)
        sim = sims.get(sim_id)
        assert sim is not None
        messages = await sim.send("text", "/start")
        return web.json_response({"started": True, "sim": sim_id, "messages": messages,
                                  "version": check.dialog_set.version})
    sim = sims.get(str(data.get("sim", "")))
    if sim is None:
        return web.json_response({"error": "the simulation has ended; press Restart"},
                                 status=410)
    kind = "button" if data.get("kind") == "button" else "text"
    return web.json_response({"messages": await sim.send(kind, str(data.get("value", "")))})


@requires(*EDITORS)
async def history(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        versions = await DialogVersions(session).all()
    return render(request, "history.html", section="flows", title="Dialogs history",
                  versions=versions, latest=versions[0].number if versions else 0,
                  published=request.query.get("published", ""))


@requires(*EDITORS)
async def version_diff(request: web.Request) -> web.Response:
    ctx = context_of(request)
    number = int(request.match_info["number"])
    async with ctx.db.transaction() as session:
        versions = DialogVersions(session)
        row, previous = await versions.get(number), await versions.get(number - 1)
        latest = await versions.latest()
    if row is None:
        raise web.HTTPNotFound(text="no such version")
    diff = diff_files(version_files(previous) if previous else {}, version_files(row))
    return render(request, "version.html", section="flows", title=f"Version {number}",
                  row=row, diff=diff, latest=latest.number if latest else 0)


@requires(*EDITORS)
async def rollback(request: web.Request) -> web.Response:
    ctx = context_of(request)
    number = int(request.match_info["number"])
    form = await request.post()
    async with ctx.db.transaction() as session:
        row = await DialogVersions(session).get(number)
    if row is None:
        raise web.HTTPNotFound(text="no such version")
    try:
        base = form_int(form.get("base_version"))
        new, check = await publish_files(ctx, version_files(row), author=request[LOGIN].name,
                                         note=f"roll back to version {number}",
                                         base_version=base, action="rollback")
    except StaleEdit as stale:
        return render(request, "stale.html", status=409, section="flows", title="Stale edit",
                      stale=stale, relpath="", text="")
    except (ConsoleError, ValueError) as err:
        return error_page(request, 400, "Not rolled back", str(err))
    if new == 0:
        problems = "; ".join(p["text"] for p in check.as_json()["problems"][:5])
        return error_page(request, 422, "Not rolled back",
                          f"Version {number} no longer passes the checks: {problems} "
                          f"{' '.join(check.story_failures[:3])}")
    raise web.HTTPSeeOther(f"{PREFIX}/flows/history?published={new}")


def install_flow_routes(app: web.Application) -> None:
    app.router.add_get("/flows", flow_list)
    app.router.add_get("/flows/diagram/{flow}.svg", diagram)
    app.router.add_get("/flows/edit", edit)
    app.router.add_post("/flows/validate", validate)
    app.router.add_post("/flows/draft", save_draft)
    app.router.add_post("/flows/publish", publish)
    app.router.add_post("/flows/simulate", simulate)
    app.router.add_get("/flows/history", history)
    app.router.add_get(r"/flows/history/{number:\d+}", version_diff)
    app.router.add_post(r"/flows/rollback/{number:\d+}", rollback)


__all__ = ["install_flow_routes"]
