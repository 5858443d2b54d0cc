"""Fixtures for the admin console: a real context on SQLite and an aiohttp test client."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from bot.config import load_settings
from bot.flows import DialogSet, load_dialogs
from bot.library import ContentLibrary
from bot.risk import load_risk_detector
from bot.store import Database
from bot.store.admin_repositories import AdminUsers, use_password_hasher
from bot.web.admin import ConsoleContext, install_admin_console

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
_SHARED: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: end-to-end tests in headless Chromium")


@pytest.fixture(autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2 with small parameters: the real ones cost ~0.5 s per hash on CI machines."""
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    use_password_hasher(PasswordHasher())


def shared_library(settings) -> ContentLibrary:
    if "library" not in _SHARED:
        _SHARED["library"] = ContentLibrary.load(settings.content_index, settings.languages,
                                                 settings.media_root)
    return _SHARED["library"]  # type: ignore[return-value]


def shared_risk(settings):
    if "risk" not in _SHARED:
        _SHARED["risk"] = load_risk_detector(settings.languages)
    return _SHARED["risk"]


@dataclass
class Running:
    """What the fake bot process currently runs; ``published`` records every switch."""

    dialogs: DialogSet
    library: ContentLibrary
    published: list[DialogSet] = field(default_factory=list)
    libraries: list[ContentLibrary] = field(default_factory=list)

    def publish(self, dialogs: DialogSet) -> None:
        self.dialogs = dialogs
        self.published.append(dialogs)

    def publish_library(self, library: ContentLibrary) -> None:
        self.library = library
        self.libraries.append(library)


def console_settings(tmp_path: Path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path}/admin.sqlite3"
    return load_settings({}).with_overrides(
        database_url=url,
        dialogs_dir=REPO / "dialogs", content_index=REPO / "content_index.yaml",
        media_root=tmp_path / "media_root")


async def build_console(tmp_path: Path) -> tuple[web.Application, ConsoleContext, Running]:
    settings = console_settings(tmp_path)
    samples = settings.media_root / "media" / "samples"
    samples.parent.mkdir(parents=True, exist_ok=True)
    if not samples.exists():
        samples.symlink_to(REPO / "media" / "samples")
    db = Database(settings.database_url)
    await db.drop_schema()
    await db.create_schema()
    if "dialogs" not in _SHARED:
        _SHARED["dialogs"] = load_dialogs(settings.dialogs_dir, settings.languages)
    running = Running(_SHARED["dialogs"],  # type: ignore[arg-type]
                      shared_library(settings.with_overrides(media_root=REPO)))
    ctx = ConsoleContext(db=db, settings=settings, publish=running.publish,
                         current_dialogs=lambda: running.dialogs,
                         library=lambda: running.library, risk=shared_risk(settings),
                         secret_key="admin-test-secret-0123456789",
                         publish_library=running.publish_library, cookie_secure=False)
    app = web.Application(client_max_size=64 * 1024 * 1024)
    install_admin_console(app, ctx)
    async with db.transaction() as session:
        users = AdminUsers(session)
        for name, role in (("alice", "admin"), ("eddie", "editor"), ("carol", "counselor")):
            await users.create(name, role, PASSWORD)
    return app, ctx, running


class Console:
    """A browser-like client: cookies kept, CSRF token read from the last page."""

    def __init__(self, client: TestClient, ctx: ConsoleContext, running: Running) -> None:
        self.client = client
        self.ctx = ctx
        self.running = running
        self.csrf = ""

    def remember_csrf(self, html: str) -> None:
        found = re.search(r'name="_csrf" value="([^"]+)"', html) or re.search(
            r'data-csrf="([^"]+)"', html)
        if found:
            self.csrf = found.group(1)

    async def page(self, path: str) -> tuple[int, str]:
        response = await self.client.get(path)
        text = await response.text()
        self.remember_csrf(text)
        return response.status, text

    async def login(self, name: str, password: str = PASSWORD) -> int:
        await self.page("/admin/login")
        response = await self.client.post("/admin/login", data={
            "name": name, "password": password, "_csrf": self.csrf}, allow_redirects=False)
        if response.status == 303:
            await self.page(response.headers["Location"])
        return response.status

    async def form(self, path: str, data: dict, **kw) -> tuple[int, str]:
        response = await self.client.post(path, data={"_csrf": self.csrf, **data}, **kw)
        return response.status, await response.text()

    async def api(self, path: str, body: dict) -> tuple[int, dict]:
        response = await self.client.post(path, json=body, headers={
            "X-CSRF-Token": self.csrf, "Accept": "application/json"})
        return response.status, await response.json()


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[Console]:
    app, ctx, running = await build_console(tmp_path)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield Console(client, ctx, running)
    finally:
        await client.close()
        await ctx.db.close()
