"""The bot's own aiohttp server: health, readiness and metrics (later the admin console)."""

from bot.web.health import install_health_routes

__all__ = ["install_health_routes"]
