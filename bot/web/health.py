"""GET /healthz (process alive), /readyz (database reachable, data loaded), /metrics."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.store import Database


def install_health_routes(app: web.Application, current_db: Callable[[], Database | None]
                          ) -> None:
    """``current_db`` returns the database once the bot has loaded its data, else None."""
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        problems: list[str] = []
        db = current_db()
        if db is None:
            problems.append("flows or clip index not loaded yet")
        else:
            try:
                async with db.transaction() as session:
                    await session.execute(text("SELECT 1"))
            except Exception as err:  # noqa: BLE001 - any failure means not ready
                problems.append(f"database: {type(err).__name__}")
        status = 503 if problems else 200
        return web.json_response({"status": "ready" if not problems else "not ready",
                                  "problems": problems}, status=status)

    async def metrics(_request: web.Request) -> web.Response:
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
