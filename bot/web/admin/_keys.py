"""Typed keys under which the console keeps its state on the aiohttp application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.store.admin_repositories import Login

if TYPE_CHECKING:
    from jinja2 import Environment

    from bot.web.admin._context import ContextSlot
    from bot.web.admin._ratelimit import LoginLimiter
    from bot.web.admin._simulator import Simulators

SLOT: web.AppKey[ContextSlot] = web.AppKey("console_context")
LIMITER: web.AppKey[LoginLimiter] = web.AppKey("console_limiter")
TEMPLATES: web.AppKey[Environment] = web.AppKey("console_templates")
SIMULATORS: web.AppKey[Simulators] = web.AppKey("console_simulators")
PREFIX = "/admin"
LOGIN: web.RequestKey[Login | None] = web.RequestKey("console_login")
LOGIN_CSRF: web.RequestKey[str] = web.RequestKey("console_login_csrf")
