"""Run the emulator alone: `python -m bot.emulator --port 8081` (Bot API, control, demo)."""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiohttp import web

from bot.emulator.demo import install_demo_page, populate_demo_world
from bot.emulator.emulator import DEFAULT_TOKEN, BotApiEmulator


async def _serve(host: str, port: int, token: str, latency: float, flood: bool) -> None:
    emulator = BotApiEmulator(token=token)
    app = web.Application(client_max_size=64 * 1024 * 1024)
    emulator.install(app)
    install_demo_page(app, emulator)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    emulator.base_url = f"http://{host}:{runner.addresses[0][1]}"
    populate_demo_world(emulator)
    emulator.set_latency(latency)
    emulator.enforce_flood_limits(flood)
    print(f"emulator: {emulator.base_url}  bot base_url: {emulator.bot_base_url}  token: {token}",
          flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each call")
    parser.add_argument("--flood-limits", action="store_true")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator only serves on loopback")
    logging.basicConfig(level=logging.INFO)
    try:
        asyncio.run(_serve(args.host, args.port, args.token, args.latency, args.flood_limits))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
