"""The emulator as a separate process, driven only over HTTP (as benchmarks do)."""

from __future__ import annotations

import asyncio
import re
import sys

import aiohttp

from bot.emulator import DEFAULT_TOKEN


async def test_standalone_process_round_trip() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        root = re.search(r"emulator: (\S+)", line).group(1)  # type: ignore[union-attr]
        bot = f"{root}/bot{DEFAULT_TOKEN}"
        async with aiohttp.ClientSession() as session:
            polling = asyncio.create_task(session.post(f"{bot}/getUpdates", data={"timeout": "5"}))
            await asyncio.sleep(0.1)
            async with session.post(f"{root}/_emulator/send",
                                    json={"user_id": 1002, "text": "مرحبا"}) as response:
                assert (await response.json())["ok"]
            async with await polling as response:
                [update] = (await response.json())["result"]
            assert update["message"]["text"] == "مرحبا"
            assert update["message"]["from"]["language_code"] == "ar"
            async with session.post(f"{bot}/sendMessage",
                                    data={"chat_id": "1002", "text": "أهلا"}) as response:
                assert response.status == 200
            async with session.get(f"{root}/_emulator/messages",
                                   params={"chat_id": "1002"}) as response:
                texts = [m["text"] for m in (await response.json())["result"]["messages"]]
            assert texts == ["مرحبا", "أهلا"]
    finally:
        process.terminate()
        await process.wait()
