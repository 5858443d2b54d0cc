"""Settings from the environment, loaded once into a frozen object; fail fast and clearly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.errors import ConfigError

DEMO_SECRET_KEY = "demo-only-secret-key-do-not-use-in-production"
DEFAULT_LANGUAGES = ("en", "ar", "fr", "de", "ru", "tr")


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads; the README's configuration table lists them."""

    bot_token: str | None = None
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    database_url: str = "sqlite+aiosqlite:///./data/testimony.sqlite3"
    secret_key: str = DEMO_SECRET_KEY
    counselor_chat_id: int | None = None
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    default_language: str = "en"
    dialogs_dir: Path = Path("dialogs")
    content_index: Path = Path("content_index.yaml")
    media_root: Path = Path(".")
    counselor_hours: str = "always"
    timezone: str = "UTC"
    handoff_wait_minutes: float = 5.0
    transcript_retention_days: int = 30
    user_retention_days: int = 180
    flood_messages: int = 8
    flood_window_seconds: float = 10.0
    flood_mute_seconds: float = 120.0
    log_format: str = "text"
    log_level: str = "INFO"
    admin_host: str = "127.0.0.1"
    admin_port: int = 8080
    admin_cookie_secure: bool = True
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8443
    webhook_listen: str = "0.0.0.0"
    webhook_max_connections: int = 40
    per_chat_messages_per_second: float = 1.0
    overall_messages_per_second: float = 30.0
    group_messages_per_minute: float = 20.0
    extra: Mapping[str, str] = field(default_factory=dict)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as err:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from err


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as err:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from err
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _languages(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("LANGUAGES", ",".join(DEFAULT_LANGUAGES))
    langs = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    if not langs or any(not (2 <= len(code) <= 3 and code.isalpha()) for code in langs):
        raise ConfigError(f"LANGUAGES must be a comma-separated list of ISO codes, got {raw!r}")
    return langs


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the environment; raise ConfigError naming the variable on any bad value."""
    env = os.environ if env is None else env
    languages = _languages(env)
    default_language = env.get("DEFAULT_LANGUAGE", "en").strip().lower() or "en"
    if default_language not in languages:
        raise ConfigError(f"DEFAULT_LANGUAGE {default_language!r} is not in LANGUAGES")
    secret = env.get("BOT_SECRET_KEY", "").strip() or DEMO_SECRET_KEY
    if secret != DEMO_SECRET_KEY and len(secret) < 16:
        raise ConfigError("BOT_SECRET_KEY must be at least 16 characters long")
    webhook_url = env.get("WEBHOOK_URL", "").strip() or None
    webhook_secret = env.get("WEBHOOK_SECRET", "").strip() or None
    allow_http = bool(env.get("ALLOW_HTTP_WEBHOOK"))
    if webhook_url and not webhook_url.startswith("https://") and not allow_http:
        raise ConfigError("WEBHOOK_URL must start with https://")
    return Settings(
        bot_token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
        api_url=env.get("TELEGRAM_API_URL", Settings.api_url).strip(),
        file_url=env.get("TELEGRAM_FILE_URL", Settings.file_url).strip(),
        database_url=env.get("DATABASE_URL", Settings.database_url).strip(),
        secret_key=secret,
        counselor_chat_id=_int(env, "COUNSELOR_CHAT_ID", None),
        languages=languages,
        default_language=default_language,
        dialogs_dir=Path(env.get("DIALOGS_DIR", "dialogs")),
        content_index=Path(env.get("CONTENT_INDEX", "content_index.yaml")),
        media_root=Path(env.get("MEDIA_ROOT", ".")),
        counselor_hours=env.get("COUNSELOR_HOURS", "always").strip() or "always",
        timezone=env.get("TIMEZONE", "UTC").strip() or "UTC",
        handoff_wait_minutes=_float(env, "HANDOFF_WAIT_MINUTES", 5.0),
        transcript_retention_days=_int(env, "TRANSCRIPT_RETENTION_DAYS", 30) or 0,
        user_retention_days=_int(env, "USER_RETENTION_DAYS", 180) or 0,
        flood_messages=_int(env, "FLOOD_MESSAGES", 8) or 8,
        flood_window_seconds=_float(env, "FLOOD_WINDOW_SECONDS", 10.0),
        flood_mute_seconds=_float(env, "FLOOD_MUTE_SECONDS", 120.0),
        log_format=_choice(env, "LOG_FORMAT", "text", ("text", "json")),
        log_level=_choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
        admin_host=env.get("ADMIN_HOST", "127.0.0.1").strip() or "127.0.0.1",
        admin_port=_int(env, "ADMIN_PORT", 8080) or 8080,
        admin_cookie_secure=_choice(env, "ADMIN_COOKIE_SECURE", "true",
                                    ("true", "false")) == "true",
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        port=_int(env, "PORT", 8443) or 8443,
        webhook_listen=env.get("WEBHOOK_LISTEN", "0.0.0.0").strip() or "0.0.0.0",
        webhook_max_connections=_int(env, "WEBHOOK_MAX_CONNECTIONS", 40) or 40,
    )


def require_for_run(settings: Settings) -> None:
    """The real bot needs a token, a real secret key and the counselors' group."""
    if not settings.bot_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
    if settings.secret_key == DEMO_SECRET_KEY:
        raise ConfigError("BOT_SECRET_KEY is not set: use 32+ random characters")
    if settings.counselor_chat_id is None:
        raise ConfigError("COUNSELOR_CHAT_ID is not set: the id of the counselors' forum group")
    if settings.webhook_url and not settings.webhook_secret:
        raise ConfigError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
