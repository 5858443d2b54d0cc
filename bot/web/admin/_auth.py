"""Login, logout, sessions, CSRF, roles and security headers for every /admin request."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote, urlsplit

from aiohttp import web

from bot.store.admin_repositories import AdminSessions, AdminUsers, Audit
from bot.web.admin._keys import LIMITER, LOGIN, LOGIN_CSRF, PREFIX
from bot.web.admin._render import error_page, render
from bot.web.admin._slot import context_of

COOKIE = "tb_admin"
LOGIN_CSRF_COOKIE = "tb_login_csrf"
UPLOAD_PATHS = (f"{PREFIX}/clips/upload",)
PUBLIC_PATHS = (f"{PREFIX}/login",)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HOME_BY_ROLE = {"admin": "dashboard", "editor": "flows", "counselor": "queue"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _secure_headers(response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json")


def _refuse(request: web.Request, status: int, title: str, message: str) -> web.Response:
    if _wants_json(request):
        return web.json_response({"error": message}, status=status)
    return error_page(request, status, title, message)


async def _check_body(request: web.Request) -> web.Response | None:
    ctx = context_of(request)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    limit = ctx.max_upload_bytes + 1024 * 1024 if request.path in UPLOAD_PATHS \
        else ctx.max_body_bytes
    length = request.content_length
    if length is None:
        return _refuse(request, 411, "Length required", "The request has no Content-Length.")
    if length > limit:
        return _refuse(request, 413, "Too large",
                       f"The request is {length // 1024} KB; the limit here is "
                       f"{limit // 1024} KB. Nothing was saved.")
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        return _refuse(request, 403, "Forbidden", "Cross-site request refused.")
    return None


async def _sent_csrf(request: web.Request) -> str:
    token = request.headers.get("X-CSRF-Token", "")
    if not token and request.content_type in ("application/x-www-form-urlencoded",
                                               "multipart/form-data"):
        token = str((await request.post()).get("_csrf", ""))
    return token


@web.middleware
async def console_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await _guard(request, handler)
    except web.HTTPException as exc:
        _secure_headers(exc)
        raise
    _secure_headers(response)
    return response


async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[LOGIN] = None
    if request.path.startswith(f"{PREFIX}/static/"):
        return await handler(request)
    ctx = context_of(request)
    refused = await _check_body(request)
    if refused is not None:
        return refused
    token = request.cookies.get(COOKIE)
    if token:
        async with ctx.db.transaction() as session:
            request[LOGIN] = await AdminSessions(session).resolve(token)
    if request.path in PUBLIC_PATHS:
        return await handler(request)
    login = request[LOGIN]
    if login is None:
        if request.method == "GET" and not _wants_json(request):
            raise web.HTTPSeeOther(f"{PREFIX}/login?next={quote(request.path_qs)}")
        return _refuse(request, 401, "Not logged in",
                       "Your session has ended or you are not logged in. Log in again; "
                       "nothing was saved.")
    if request.method != "GET":
        sent = await _sent_csrf(request)
        if not sent or not hmac.compare_digest(sent, login.csrf_token):
            return _refuse(request, 403, "Form expired",
                           "This form's security token is missing or out of date (CSRF "
                           "check). Reload the page and try again; nothing was saved.")
    return await handler(request)


def requires(*roles: str) -> Callable[[Handler], Handler]:
    """Refuse with 403 unless the logged-in user has one of ``roles``."""
    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            login = request.get(LOGIN)
            if login is None or login.role not in roles:
                return _refuse(request, 403, "Not allowed",
                               "Your role does not allow this page or action.")
            return await handler(request)
        return guarded
    return wrap


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


def _safe_next(raw: str | None, role: str) -> str:
    if raw and raw.startswith(f"{PREFIX}/") and not raw.startswith("//") and "\\" not in raw \
            and not raw.startswith(f"{PREFIX}/login"):
        return raw
    return f"{PREFIX}/{HOME_BY_ROLE.get(role, 'dashboard')}"


async def login_page(request: web.Request) -> web.StreamResponse:
    if request.get(LOGIN) is not None:
        raise web.HTTPSeeOther(_safe_next(request.query.get("next"), request[LOGIN].role))
    return _login_form(request)


def _login_form(request: web.Request, status: int = 200, message: str = "",
                name: str = "", next_path: str | None = None) -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    request[LOGIN_CSRF] = token
    response = render(request, "login.html", status=status, message=message, name=name,
                      next=request.query.get("next", "") if next_path is None else next_path)
    ctx = context_of(request)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, secure=ctx.cookie_secure,
                        samesite="Strict", path=f"{PREFIX}/login")
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    limiter = request.app[LIMITER]
    form = await request.post()
    name = str(form.get("name", ""))[:64].strip()
    next_path = str(form.get("next", ""))[:500]
    password = str(form.get("password", ""))[:256]
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = str(form.get("_csrf", ""))
    if not cookie or not hmac.compare_digest(cookie, sent):
        return _login_form(request, 403, "The login form expired; please try again.", name,
                           next_path)
    keys = (f"ip:{_client(request)}", f"user:{name.lower()}")
    wait = limiter.blocked(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return _login_form(request, 429, f"Too many failed logins. Try again in about "
                           f"{minutes} minute(s).", name, next_path)
    async with ctx.db.transaction() as session:
        user = await AdminUsers(session).verify(name, password)
        if user is None:
            await Audit(session).record(name or "?", "login_failed", f"user {name}")
        else:
            token, _csrf = await AdminSessions(session).open(user)
            await Audit(session).record(user.name, "login", f"user {user.name}")
            role = user.role
    if user is None:
        limiter.fail(*keys)
        return _login_form(request, 401, "Wrong name or password.", name, next_path)
    limiter.succeed(keys[1])
    target = _safe_next(next_path, role)
    response = web.HTTPSeeOther(target)
    response.set_cookie(COOKIE, token, httponly=True, secure=ctx.cookie_secure,
                        samesite="Strict", path=PREFIX, max_age=int(ctx.session_seconds))
    response.del_cookie(LOGIN_CSRF_COOKIE, path=f"{PREFIX}/login")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    token = request.cookies.get(COOKIE, "")
    async with ctx.db.transaction() as session:
        await AdminSessions(session).close(token)
        await Audit(session).record(request[LOGIN].name, "logout",
                                    f"user {request[LOGIN].name}")
    response = web.HTTPSeeOther(f"{PREFIX}/login")
    response.del_cookie(COOKIE, path=PREFIX)
    raise response


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(f"{PREFIX}/{HOME_BY_ROLE.get(request[LOGIN].role, 'dashboard')}")


def install_auth_routes(app: web.Application) -> None:
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login_submit)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", home)
    app.router.add_get("", home)
