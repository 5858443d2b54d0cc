"""A real bot process (`python -m bot run`, long polling) against an in-test emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator
from tests.multiprocess.test_two_processes import free_port, wait_ready

REPO = Path(__file__).resolve().parents[2]


class BotProcess:
    """Start, SIGKILL and restart one bot process on the same database."""

    def __init__(self, emu: BotApiEmulator, database_url: str, group_id: int) -> None:
        self.emu = emu
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                    "TELEGRAM_API_URL": emu.bot_base_url,
                    "TELEGRAM_FILE_URL": emu.file_base_url, "DATABASE_URL": database_url,
                    "BOT_SECRET_KEY": "reliability-secret-key-0123456789",
                    "COUNSELOR_CHAT_ID": str(group_id), "LOG_FORMAT": "json",
                    "LOG_LEVEL": "warning"}
        for name in ("WEBHOOK_URL", "WEBHOOK_SECRET"):
            self.env.pop(name, None)
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        port = free_port()
        polls = len(self.emu.calls_to("deleteWebhook"))  # start_polling's first call
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO,
                                        env={**self.env, "ADMIN_PORT": str(port)},
                                        stdout=subprocess.DEVNULL, stderr=self._log())
        await wait_ready(port, self.process)
        await self.emu.wait_for(lambda: len(self.emu.calls_to("deleteWebhook")) > polls, 30)

    def _log(self) -> int | object:
        """Where the process logs: $RELIABILITY_BOT_LOG (appended) or nowhere."""
        path = os.environ.get("RELIABILITY_BOT_LOG")
        return open(path, "ab") if path else subprocess.DEVNULL  # noqa: SIM115

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    async def restart(self) -> None:
        self.kill()
        await self.start()

    def stop(self) -> None:
        """Teardown: SIGKILL too (a graceful stop waits out PTB's 20 s long poll)."""
        if self.process is not None and self.process.poll() is None:
            self.kill()
