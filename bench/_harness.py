"""Shared bench machinery: the emulator here, one bot process beside it, reply timing."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world

REPO = Path(__file__).resolve().parents[1]
REPLY_METHODS = frozenset({"sendmessage", "sendvideo", "copymessage"})
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/testimony_bench")
QUESTIONS = (
    "Did the fighters really get the salary they were promised?",
    "what about the children there",
    "how was daily life, food and prices",
    "were women allowed to work",
    "what happened to people who wanted to leave",
    "did they pay salaries",
    "how did they treat foreigners",
    "what was the healthcare like",
)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Replies:
    """Times (perf_counter) of successful message calls per chat, and 429s, from the log hook."""

    times: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    texts: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    too_many: int = 0
    total: int = 0

    def count(self) -> int:
        return self.total


def hook_replies(emu: BotApiEmulator) -> Replies:
    """Wrap the emulator's call log so every answered message call is timed on arrival."""
    replies = Replies()
    core = emu.core
    original: Callable[..., None] = core.record

    def record(method: str, params: dict[str, Any], ok: bool, error_code: int | None,
               description: str | None) -> None:
        if method.lower() in REPLY_METHODS:
            if ok:
                try:
                    chat = int(params.get("chat_id", 0))
                except (TypeError, ValueError):
                    chat = 0
                replies.times[chat].append(time.perf_counter())
                replies.texts[chat].append(str(params.get("text") or params.get("caption") or ""))
                replies.total += 1
            elif error_code == 429:
                replies.too_many += 1
        original(method, params, ok, error_code, description)
        if len(core.calls) > 20_000:  # long runs: the log is not needed, only the hook
            del core.calls[:10_000]

    core.record = record  # type: ignore[method-assign]
    return replies


async def reset_postgres() -> None:
    """A fresh bench database on the local PostgreSQL (never touches other databases)."""
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        await conn.execute("DROP DATABASE IF EXISTS testimony_bench WITH (FORCE)")
        await conn.execute("CREATE DATABASE testimony_bench")
    finally:
        await conn.close()
    from bot.store import Database
    from bot.store.schema import upgrade_database

    db = Database(PG_URL)
    await upgrade_database(db)
    await db.close()


async def database_url(kind: str, workdir: Path) -> str:
    """A fresh database of `kind` ('sqlite' or 'postgresql')."""
    if kind == "postgresql":
        await reset_postgres()
        return PG_URL
    path = workdir / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{path}"


class BotProcess:
    """`python -m bench._botproc ...` as a subprocess."""

    def __init__(self, mode: str, emu: BotApiEmulator, db_url: str = "", group: int = 0,
                 limits: str = "open", pool: int = 0) -> None:
        profile = os.environ.get("BENCH_PROFILE")  # a path: run the bot under cProfile
        prefix = ["-m", "cProfile", "-o", f"{profile}.{mode}"] if profile else []
        args = [sys.executable, *prefix, "-m", "bench._botproc", mode, "--api", emu.bot_base_url,
                "--files", emu.file_base_url, "--limits", limits]
        if db_url:
            args += ["--db", db_url]
        if group:
            args += ["--group", str(group)]
        if pool:
            args += ["--pool", str(pool)]
        self.process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)

    async def ready(self, timeout: float = 90.0) -> None:
        loop = asyncio.get_running_loop()
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = await asyncio.wait_for(
                loop.run_in_executor(None, self.process.stdout.readline), timeout)
            if line.strip() == "ready":
                return
            if not line:
                break
        raise RuntimeError(f"bot process failed to start (exit {self.process.poll()})")

    def cpu_seconds(self) -> float:
        """User + system CPU time the bot process has used (all its threads)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def emulator(latency: float = 0.05) -> tuple[BotApiEmulator, int]:
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    emu.set_latency(latency)
    return emu, world.group_id


def add_users(emu: BotApiEmulator, first: int, count: int) -> list[int]:
    ids = list(range(first, first + count))
    for user_id in ids:
        emu.add_user(user_id, f"U{user_id}", None, "en")
    return ids


async def wait_total(replies: Replies, target: int, timeout: float) -> bool:
    """Wait until `target` replies were recorded; False on timeout."""
    deadline = time.monotonic() + timeout
    while replies.total < target:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def warm_up(emu: BotApiEmulator, replies: Replies, users: list[int],
                  timeout: float = 600.0) -> int:
    """Every user sends /start; wait until each got an answer and the bot went quiet."""
    before = replies.total
    for user_id in users:
        emu.user_sends(user_id, "/start")
    deadline = time.monotonic() + timeout
    seen, quiet_since = replies.total, time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        if replies.total != seen:
            seen, quiet_since = replies.total, time.monotonic()
        elif time.monotonic() - quiet_since > 1.0 and all(replies.times[u] for u in users):
            break
    return round((replies.total - before) / max(1, len(users)))


async def wait_replies(replies: Replies, target: int, quiet: float = 3.0,
                       timeout: float = 600.0) -> None:
    """Wait for `target` more replies, or until none came for `quiet` s (some went missing)."""
    goal = replies.total + target
    deadline = time.monotonic() + timeout
    seen, quiet_since = replies.total, time.monotonic()
    while replies.total < goal and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        if replies.total != seen:
            seen, quiet_since = replies.total, time.monotonic()
        elif time.monotonic() - quiet_since > quiet:
            break


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table."""
    def cell(value: object) -> str:
        return f"{value:.1f}" if isinstance(value, float) else str(value)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
