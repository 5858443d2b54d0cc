"""Admin-only pages: console users (create, disable) and the audit log."""

from __future__ import annotations

from aiohttp import web

from bot.errors import StoreError
from bot.store.admin_models import ROLES
from bot.store.admin_repositories import AdminUsers, Audit
from bot.web.admin._auth import requires
from bot.web.admin._keys import LOGIN, PREFIX
from bot.web.admin._render import render
from bot.web.admin._slot import context_of


async def _users_page(request: web.Request, message: str = "", status: int = 200
                      ) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        users = await AdminUsers(session).all()
    return render(request, "users.html", status=status, section="users", title="Users",
                  users=users, roles=ROLES, message=message)


@requires("admin")
async def users(request: web.Request) -> web.Response:
    return await _users_page(request)


@requires("admin")
async def user_create(request: web.Request) -> web.Response:
    ctx = context_of(request)
    form = await request.post()
    name, role = str(form.get("name", "")).strip(), str(form.get("role", ""))
    try:
        async with ctx.db.transaction() as session:
            await AdminUsers(session).create(name, role, str(form.get("password", "")))
            await Audit(session).record(request[LOGIN].name, "user_created", f"user {name}",
                                        None, f"role {role}")
    except StoreError as err:
        return await _users_page(request, str(err), 400)
    raise web.HTTPSeeOther(f"{PREFIX}/users")


@requires("admin")
async def user_toggle(request: web.Request) -> web.Response:
    ctx = context_of(request)
    user_id = int(request.match_info["user_id"])
    form = await request.post()
    disabled = form.get("disabled") == "1"
    if user_id == request[LOGIN].user_id and disabled:
        return await _users_page(request, "You cannot disable your own account.", 400)
    async with ctx.db.transaction() as session:
        user = await AdminUsers(session).set_disabled(user_id, disabled)
        if user is not None:
            await Audit(session).record(request[LOGIN].name,
                                        "user_disabled" if disabled else "user_enabled",
                                        f"user {user.name}")
    raise web.HTTPSeeOther(f"{PREFIX}/users")


@requires("admin")
async def audit(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        entries = await Audit(session).recent(300)
    return render(request, "audit.html", section="audit", title="Audit log", entries=entries)


@requires("admin")
async def audit_entry(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.transaction() as session:
        entry = await Audit(session).get(int(request.match_info["entry_id"]))
    if entry is None:
        raise web.HTTPNotFound(text="no such entry")
    return render(request, "audit_entry.html", section="audit", title="Audit entry",
                  entry=entry)


def install_people_routes(app: web.Application) -> None:
    app.router.add_get("/users", users)
    app.router.add_post("/users", user_create)
    app.router.add_post(r"/users/{user_id:\d+}", user_toggle)
    app.router.add_get("/audit", audit)
    app.router.add_get(r"/audit/{entry_id:\d+}", audit_entry)
