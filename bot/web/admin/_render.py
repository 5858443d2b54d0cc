"""Server-side HTML with Jinja2 (autoescaping on): one render helper for every page."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.web.admin._keys import LOGIN, LOGIN_CSRF, PREFIX, TEMPLATES

TEMPLATE_DIR = Path(__file__).parent / "templates"
NAV = (
    ("dashboard", "Dashboard", ("admin", "editor")),
    ("flows", "Flows & strings", ("admin", "editor")),
    ("clips", "Clips", ("admin", "editor")),
    ("gaps", "Content gaps", ("admin", "editor")),
    ("queue", "Queue", ("admin", "counselor")),
    ("users", "Users", ("admin",)),
    ("audit", "Audit log", ("admin",)),
)


def _when(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.datetime.fromtimestamp(ts, datetime.UTC).strftime(
        "%Y-%m-%d %H:%M UTC")


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html", "svg"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.globals["P"] = PREFIX
    return env


def render(request: web.Request, template: str, status: int = 200, **values: Any
           ) -> web.Response:
    env = request.app[TEMPLATES]
    login = request.get(LOGIN)
    nav = [(slug, label) for slug, label, roles in NAV if login and login.role in roles]
    html = env.get_template(template).render(
        login=login, nav=nav, csrf=login.csrf_token if login else request.get(LOGIN_CSRF, ""),
        section=values.pop("section", ""), **values)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def error_page(request: web.Request, status: int, title: str, message: str) -> web.Response:
    return render(request, "error.html", status=status, title=title, message=message)


def form_int(value: object, default: int = 0) -> int:
    """A whole number from a form or JSON field; ``default`` when it is not one."""
    try:
        return int(str(value))
    except ValueError:
        return default
