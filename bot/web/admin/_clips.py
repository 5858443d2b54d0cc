"""Clips: browse and filter, edit a clip, add one with a video, the content-gap report."""

from __future__ import annotations

from collections import Counter as Tally
from pathlib import Path, PurePosixPath

from aiohttp import web

from bot.content.schema import Clip
from bot.errors import ContentIndexError, Problem
from bot.store.admin_repositories import counter_rows
from bot.store.retention import content_gaps
from bot.web.admin._auth import requires
from bot.web.admin._clip_index import (
    add_example_question,
    append_clip,
    block_text,
    clip_blocks,
    current_index_text,
    new_clip_template,
    parse_clip,
    replace_clip,
)
from bot.web.admin._content_publishing import publish_index
from bot.web.admin._errors import StaleEdit
from bot.web.admin._keys import LOGIN, PREFIX
from bot.web.admin._render import error_page, form_int, render
from bot.web.admin._slot import context_of

EDITORS = ("admin", "editor")
UPLOAD_DIR = "media/uploads"
MP4_BRANDS = (b"ftyp",)


def _matches(clip: Clip, q: str, topic: str, language: str, role: str, warning: str) -> bool:
    if topic and topic not in clip.topics:
        return False
    if language and not clip.understandable_in(language):
        return False
    if role and clip.speaker.role != role:
        return False
    if warning and clip.content_warning != warning:
        return False
    if q:
        hay = " ".join([clip.id, *clip.title.values(), *clip.summary.values(),
                        clip.speaker.pseudonym]).lower()
        return all(word in hay for word in q.lower().split())
    return True


async def _sends(request: web.Request) -> tuple[Tally, Tally]:
    """Sends per clip, and per (clip, language), over all recorded days."""
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        rows = await counter_rows(session, ("clip_sent",), "0000-00-00")
    per_clip: Tally = Tally()
    per_lang: Tally = Tally()
    for _day, _name, labels, count in rows:
        per_clip[labels.get("clip", "")] += count
        per_lang[(labels.get("clip", ""), labels.get("language", ""))] += count
    return per_clip, per_lang


@requires(*EDITORS)
async def clip_list(request: web.Request) -> web.Response:
    ctx = context_of(request)
    index = ctx.library().index
    q = request.query.get("q", "")[:200]
    f = {k: request.query.get(k, "") for k in ("topic", "language", "role", "warning")}
    clips = [c for c in index if _matches(c, q, **f)]
    per_clip, _ = await _sends(request)
    roles = sorted({c.speaker.role for c in index})
    return render(request, "clips.html", section="clips", title="Clips", clips=clips, q=q,
                  f=f, topics=index.topics, roles=roles, languages=ctx.settings.languages,
                  sends=per_clip, total=len(index), saved=request.query.get("saved", ""))


async def _clip_page(request: web.Request, clip_id: str, text: str | None = None,
                     problems: list[Problem] | None = None, status: int = 200,
                     message: str = "") -> web.Response:
    ctx = context_of(request)
    version, index_text = await current_index_text(ctx)
    blocks = clip_blocks(index_text)
    if clip_id not in blocks:
        raise web.HTTPNotFound(text="no such clip")
    block = blocks[clip_id]
    _, per_lang = await _sends(request)
    stats = {lang: per_lang.get((clip_id, lang), 0) for lang in ctx.settings.languages}
    shown = [_local(p, block.start) for p in problems or []]
    return render(request, "clip.html", status=status, section="clips", title=clip_id,
                  clip_id=clip_id, text=text if text is not None else block_text(index_text,
                                                                                block),
                  base=version, problems=shown, stats=stats, message=message,
                  clip=ctx.library().index.clips.get(clip_id))


def _local(problem: Problem, start: int) -> dict:
    line = problem.line - start + 1 if problem.line >= start else 0
    return {"text": str(problem), "severity": problem.severity, "line": line}


@requires(*EDITORS)
async def clip_page(request: web.Request) -> web.Response:
    return await _clip_page(request, request.match_info["clip_id"])


@requires(*EDITORS)
async def clip_video(request: web.Request) -> web.StreamResponse:
    """The clip's video from MEDIA_ROOT, for a preview next to its metadata."""
    ctx = context_of(request)
    clip = ctx.library().index.clips.get(request.match_info["clip_id"])
    if clip is None or not clip.media.path:
        raise web.HTTPNotFound(text="no video file for this clip")
    relative = PurePosixPath(clip.media.path)
    path = Path(ctx.settings.media_root) / relative
    if relative.is_absolute() or ".." in relative.parts or relative.suffix != ".mp4" \
            or not path.is_file():
        raise web.HTTPNotFound(text="no video file for this clip")
    return web.FileResponse(path, headers={"Content-Type": "video/mp4"})


@requires(*EDITORS)
async def clip_save(request: web.Request) -> web.Response:
    ctx = context_of(request)
    clip_id = request.match_info["clip_id"]
    form = await request.post()
    text = str(form.get("text", ""))
    base = form_int(form.get("base_version"))
    if len(text) > ctx.max_file_chars:
        return await _clip_page(request, clip_id, "", status=413,
                                message="The text is too long; nothing was saved.")
    data, problems = parse_clip(text)
    if data is None or data.get("id") != clip_id:
        problems = problems or [Problem("clip", 1, f"the clip id must stay {clip_id!r}")]
        return await _clip_page(request, clip_id, text, problems, 422,
                                "Not saved: fix the problems below.")
    _version, index_text = await current_index_text(ctx)
    before = block_text(index_text, clip_blocks(index_text)[clip_id])
    new_text = replace_clip(index_text, clip_id, text)
    try:
        number, problems = await publish_index(
            ctx, new_text, base_version=base, author=request[LOGIN].name,
            note=str(form.get("note", ""))[:500] or f"edit clip {clip_id}",
            target=f"clip {clip_id}", before=before, after=text)
    except StaleEdit as stale:
        return render(request, "stale.html", status=409, section="clips", title="Stale edit",
                      stale=stale, relpath="", text=text)
    if number == 0:
        return await _clip_page(request, clip_id, text, problems, 422,
                                "Not saved: the clip index would be invalid.")
    raise web.HTTPSeeOther(f"{PREFIX}/clips?saved={clip_id}")


@requires(*EDITORS)
async def clip_new(request: web.Request) -> web.Response:
    ctx = context_of(request)
    version, _ = await current_index_text(ctx)
    return render(request, "clip_new.html", section="clips", title="Add a clip",
                  text=new_clip_template(ctx.settings.languages), base=version, problems=[],
                  max_mb=ctx.max_upload_bytes // (1024 * 1024))


def _check_video(field: object, max_bytes: int) -> tuple[bytes | None, str]:
    if field is None or not hasattr(field, "file"):
        return None, ""
    name = str(getattr(field, "filename", "") or "")
    ctype = str(getattr(field, "content_type", "") or "")
    data = field.file.read(max_bytes + 1)  # type: ignore[attr-defined]
    if not data:
        return None, ""
    if not name.lower().endswith(".mp4") or ctype not in ("video/mp4", "application/mp4"):
        return None, f"only MP4 videos are accepted (got {name!r}, {ctype or 'no type'})"
    if len(data) > max_bytes:
        return None, f"the video is larger than {max_bytes // (1024 * 1024)} MB"
    if data[4:8] not in MP4_BRANDS:
        return None, "the file is not an MP4 video (its content does not start like one)"
    return data, ""


@requires(*EDITORS)
async def clip_upload(request: web.Request) -> web.Response:
    ctx = context_of(request)
    form = await request.post()
    text = str(form.get("text", ""))
    base = form_int(form.get("base_version"))
    max_mb = ctx.max_upload_bytes // (1024 * 1024)

    def refuse(message: str, problems: list | None = None, status: int = 422) -> web.Response:
        return render(request, "clip_new.html", status=status, section="clips",
                      title="Add a clip", text=text, base=base, message=message,
                      problems=[{"text": str(p), "severity": p.severity} for p in problems or []],
                      max_mb=max_mb)

    video, video_error = _check_video(form.get("video"), ctx.max_upload_bytes)
    if video_error:
        return refuse(f"Not added: {video_error}. Nothing was saved.", status=415)
    data, problems = parse_clip(text)
    if data is None:
        return refuse("Not added: the clip YAML is invalid.", problems)
    clip_id = str(data["id"])
    _version, index_text = await current_index_text(ctx)
    if clip_id in clip_blocks(index_text):
        return refuse(f"Not added: a clip with id {clip_id!r} exists already.")
    media_path = (data.get("media") or {}).get("path") if isinstance(data.get("media"),
                                                                     dict) else None
    target: Path | None = None
    if video is not None:
        expected = f"{UPLOAD_DIR}/{clip_id}.mp4"
        if media_path != expected or not all(c.isalnum() or c == "-" for c in clip_id):
            return refuse(f"Not added: with an uploaded video, media.path must be {expected}.")
        target = Path(ctx.settings.media_root) / expected
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(video)
    new_text = append_clip(index_text, text)
    try:
        number, problems = await publish_index(
            ctx, new_text, base_version=base, author=request[LOGIN].name,
            note=f"add clip {clip_id}", target=f"clip {clip_id}", before=None, after=text)
    except StaleEdit as stale:
        if target is not None:
            target.unlink(missing_ok=True)
        return render(request, "stale.html", status=409, section="clips", title="Stale edit",
                      stale=stale, relpath="", text=text)
    if number == 0:
        if target is not None:
            target.unlink(missing_ok=True)
        return refuse("Not added: the clip index would be invalid. Nothing was saved.",
                      [p for p in problems if p.severity == "error"])
    raise web.HTTPSeeOther(f"{PREFIX}/clips?saved={clip_id}")


@requires(*EDITORS)
async def gaps(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        rows = await content_gaps(session, 200)
    library = ctx.library()
    grouped: dict[str, list[tuple[str, int, list[tuple[str, str]]]]] = {}
    for language, pattern, count in rows:
        answer = library.match(pattern, language, ())
        suggestions = [(cid, (library.card(cid, language).title if library.card(cid, language)
                              else cid)) for cid in answer.clip_ids[:3]]
        grouped.setdefault(language, []).append((pattern, count, suggestions))
    clips = [(c.id, c.title_in("en")) for c in library.index]
    return render(request, "gaps.html", section="gaps", title="Content gaps", grouped=grouped,
                  clips=clips, added=request.query.get("added", ""))


@requires(*EDITORS)
async def gap_add(request: web.Request) -> web.Response:
    ctx = context_of(request)
    form = await request.post()
    clip_id = str(form.get("clip", ""))
    language = str(form.get("language", ""))
    question = " ".join(str(form.get("question", "")).split())[:300]
    if not question or language not in ctx.settings.languages:
        return error_page(request, 400, "Not added", "A question and a language are needed.")
    version, index_text = await current_index_text(ctx)
    if clip_id not in clip_blocks(index_text):
        return error_page(request, 404, "Not added", f"No clip {clip_id!r}.")
    try:
        new_text = add_example_question(index_text, clip_id, language, question)
        number, problems = await publish_index(
            ctx, new_text, base_version=version, author=request[LOGIN].name,
            note=f"example question for {clip_id} ({language})", target=f"clip {clip_id}",
            before=None, after=f"{language}: {question}")
    except (ContentIndexError, StaleEdit) as err:
        return error_page(request, 409, "Not added", str(err))
    if number == 0:
        return error_page(request, 422, "Not added", "; ".join(str(p) for p in problems[:5]))
    raise web.HTTPSeeOther(f"{PREFIX}/gaps?added={clip_id}")


def install_clip_routes(app: web.Application) -> None:
    app.router.add_get("/clips", clip_list)
    app.router.add_get("/clips/new", clip_new)
    app.router.add_post("/clips/upload", clip_upload)
    app.router.add_get("/clips/{clip_id}", clip_page)
    app.router.add_get("/clips/{clip_id}/video", clip_video)
    app.router.add_post("/clips/{clip_id}", clip_save)
    app.router.add_get("/gaps", gaps)
    app.router.add_post("/gaps/add-example", gap_add)
