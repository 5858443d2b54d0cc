"""Bot benchmarks against the emulator (50 ms latency): throughput, latency, spike, memory.

`python bench/bench_bot.py [--quick] [--db sqlite,postgresql] [--only throughput,...]`
prints Markdown tables; `bench/run_all.py` collects them into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import (  # noqa: E402
    QUESTIONS,
    BotProcess,
    Replies,
    add_users,
    database_url,
    emulator,
    hook_replies,
    percentile,
    table,
    wait_replies,
    warm_up,
)

LATENCY = 0.05
PROFILE_NOTE = """
`BENCH_PROFILE=/tmp/prof python bench/bench_bot.py --only throughput` runs each bot process
under cProfile (files /tmp/prof.full and /tmp/prof.echo)."""


async def _settle(replies: Replies, quiet: float = 1.5, timeout: float = 600.0,
                  at_least: int = 0) -> float:
    """Wait for `at_least` replies, then until none came for `quiet` s; the last one's time."""
    deadline = time.monotonic() + timeout
    seen, last_change = replies.total, time.monotonic()
    target = replies.total + at_least
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        if replies.total != seen:
            seen, last_change = replies.total, time.monotonic()
        elif time.monotonic() - last_change >= (quiet if replies.total >= target else 8.0):
            break  # all expected replies and quiet, or 8 s without any: some went missing
    return max((t[-1] for t in replies.times.values() if t), default=time.perf_counter())


async def _burst(mode: str, db_url: str, users_n: int, per_user: int
                 ) -> tuple[float, bool, float]:
    """All updates made available at once: updates/s until the last reply, order check, and
    the bot process's CPU milliseconds per update (a figure other load on the machine hardly
    moves, unlike updates/s)."""
    emu, group = await emulator(LATENCY)
    replies = hook_replies(emu)
    bot = BotProcess(mode, emu, db_url, group)
    try:
        await bot.ready()
        users = add_users(emu, 600_000, users_n)
        if mode == "full":
            await warm_up(emu, replies, users)
        else:
            for user_id in users:
                emu.user_sends(user_id, "warm")
            await _settle(replies, 1.0, at_least=users_n)
        for chat in users:
            replies.times[chat].clear()
            replies.texts[chat].clear()
        questions = itertools.cycle(QUESTIONS)
        cpu_before = bot.cpu_seconds()
        started = time.perf_counter()
        for n in range(per_user):
            for user_id in users:
                text = next(questions) if mode == "full" else f"{user_id}:{n}"
                emu.user_sends(user_id, text)
        last = await _settle(replies, at_least=users_n * per_user)
        cpu_ms = (bot.cpu_seconds() - cpu_before) * 1000 / (users_n * per_user)
        answered = all(len(replies.times[u]) >= per_user for u in users)
        ordered = answered
        if mode == "echo":
            ordered = all(replies.texts[u][:per_user] == [f"{u}:{n}" for n in range(per_user)]
                          for u in users)
        return users_n * per_user / (last - started), ordered, cpu_ms
    finally:
        bot.stop()
        await emu.stop()


async def throughput(db_url: str, users_n: int, per_user: int) -> str:
    full, full_ok, full_cpu = await _burst("full", db_url, users_n, per_user)
    echo, echo_ok, echo_cpu = await _burst("echo", "", users_n, per_user)
    rows = [["full bot", full, full_ok, full_cpu], ["bare PTB echo bot", echo, echo_ok, echo_cpu],
            ["ratio full / echo", full / echo, "", echo_cpu / full_cpu]]
    note = (f"{users_n} users x {per_user} updates each, all available at once; "
            f"target >= 200 updates/s, ratio >= 0.7. CPU ms/update: the bot process's CPU "
            f"time (1 s of it is the ceiling for one process), its ratio is echo / full")
    return note + "\n\n" + table(["bot", "updates/s", "every chat answered, in order",
                                   "CPU ms/update"], rows)


async def latency(db_url: str, rate: float, users_n: int, seconds: float) -> str:
    """Updates at `rate`/s from `users_n` users; time from update available to first reply."""
    emu, group = await emulator(LATENCY)
    replies = hook_replies(emu)
    bot = BotProcess("full", emu, db_url, group)
    try:
        await bot.ready()
        users = add_users(emu, 700_000, users_n)
        await warm_up(emu, replies, users)
        questions = itertools.cycle(QUESTIONS)
        total = int(rate * seconds)
        sent: list[tuple[int, int, float]] = []  # user, replies before, time
        started = time.perf_counter()
        for n in range(total):
            due = started + n / rate
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            user_id = users[n % users_n]
            sent.append((user_id, len(replies.times[user_id]), time.perf_counter()))
            emu.user_sends(user_id, next(questions))
        await _settle(replies, at_least=total)
        waits: list[float] = []
        missing = 0
        for user_id, before, at in sent:
            later = [t for t in replies.times[user_id][before:] if t >= at]
            if later:
                waits.append((later[0] - at) * 1000)
            else:
                missing += 1
        achieved = total / (sent[-1][2] - started) if total > 1 else 0.0
        rows = [[f"{achieved:.0f}/s", len(waits), missing, percentile(waits, 50),
                 percentile(waits, 95), percentile(waits, 99), max(waits, default=0.0)]]
        return (f"{users_n} users, {total} questions at {rate:.0f}/s; target p95 <= 250 ms\n\n"
                + table(["rate", "answered", "unanswered", "p50 ms", "p95 ms", "p99 ms",
                         "max ms"], rows))
    finally:
        bot.stop()
        await emu.stop()


async def spike(db_url: str, users_n: int, window: float) -> str:
    """`users_n` warmed users each ask once within `window` s; Telegram's limits enforced."""
    emu, group = await emulator(LATENCY)
    replies = hook_replies(emu)
    users = add_users(emu, 800_000, users_n)
    warm = BotProcess("full", emu, db_url, group, limits="open")
    try:
        await warm.ready()
        await warm_up(emu, replies, users)
    finally:
        warm.stop()
    for chat in users:
        replies.times[chat].clear()
    replies.total = replies.too_many = 0
    emu.enforce_flood_limits(True, per_chat_rate=1.0, per_chat_burst=1,
                             per_group_per_minute=20, global_per_second=30)
    bot = BotProcess("full", emu, db_url, group, limits="telegram")
    try:
        await bot.ready()
        await asyncio.sleep(1.0)
        questions = itertools.cycle(QUESTIONS)
        started = time.perf_counter()
        for n, user_id in enumerate(users):
            due = started + n * window / users_n
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            emu.user_sends(user_id, next(questions))
        last = await _settle(replies, quiet=3.0, timeout=max(120.0, users_n / 30 * 3),
                             at_least=users_n)
        counts = [len(replies.times[u]) for u in users]
        messages = sum(counts)
        budget = 1.1 * messages / 30
        rows = [[users_n, sum(1 for c in counts if c >= 1), sum(1 for c in counts if c == 1),
                 messages, replies.too_many, last - started, budget,
                 "yes" if last - started <= budget and replies.too_many == 0 else "NO"]]
        return ("emulator enforces 30 messages/s overall, 1/s per chat; the bot's own "
                f"ChatAwareRateLimiter; {users_n} questions within {window:.0f} s\n\n"
                + table(["users", "answered", "exactly one message", "messages sent", "429s",
                         "last answer s", "budget 1.1 x messages/30 s", "met"], rows))
    finally:
        bot.stop()
        await emu.stop()


async def memory(db_url: str, updates: int, users_n: int) -> str:
    """RSS of the bot process before and after `updates` questions, in batches."""
    emu, group = await emulator(LATENCY)
    replies = hook_replies(emu)
    bot = BotProcess("full", emu, db_url, group)
    try:
        await bot.ready()
        users = add_users(emu, 900_000, users_n)
        await warm_up(emu, replies, users)
        await asyncio.sleep(1.0)
        baseline = bot.rss_mb()
        questions = itertools.cycle(QUESTIONS)
        batch, sent, started = users_n, 0, time.perf_counter()
        samples: list[tuple[int, float]] = [(0, baseline)]
        while sent < updates:
            # at most one question per user per batch, and a pause that keeps every user
            # below the flood threshold (8 messages in 10 s)
            n = min(batch, updates - sent)
            for user_id in users[:n]:
                emu.user_sends(user_id, next(questions))
            sent += n
            await wait_replies(replies, n)
            if sent % (updates // 10 or 1) < batch:
                samples.append((sent, bot.rss_mb()))
        elapsed = time.perf_counter() - started
        await _settle(replies, 1.0)
        final = bot.rss_mb()
        rows = [[n, rss, rss - baseline] for n, rss in samples] + [[sent, final, final - baseline]]
        return (f"{sent} questions from {users_n} users in {elapsed:.0f} s "
                f"({sent / elapsed:.0f}/s); target growth <= 50 MB\n\n"
                + table(["updates", "RSS MB", "growth MB"], rows))
    finally:
        bot.stop()
        await emu.stop()


async def run(dbs: list[str], only: set[str], quick: bool) -> str:
    parts: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    for kind in dbs:
        parts.append(f"## {kind}\n")
        if "throughput" in only:
            url = await database_url(kind, work)
            parts.append("### Throughput\n\n" + await throughput(url, 300 if quick else 500,
                                                                   2 if quick else 4))
            print(parts[-1], flush=True)
        if "latency" in only:
            url = await database_url(kind, work)
            parts.append("### Latency\n\n" + await latency(url, 50.0, 500,
                                                            10.0 if quick else 30.0))
            print(parts[-1], flush=True)
        if "spike" in only:
            url = await database_url(kind, work)
            parts.append("### Campaign spike\n\n" + await spike(url, 300 if quick else 3000,
                                                                 1.0 if quick else 10.0))
            print(parts[-1], flush=True)
        if "memory" in only:
            url = await database_url(kind, work)
            parts.append("### Memory\n\n" + await memory(url, 5_000 if quick else 100_000,
                                                          1000 if quick else 2000))
            print(parts[-1], flush=True)
    return "\n\n".join(parts)


def main() -> None:
    """Parse arguments, run, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs (minutes, not tens)")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--only", default="throughput,latency,spike,memory")
    parser.add_argument("--out", type=Path, help="also write the tables here")
    args = parser.parse_args()
    text = asyncio.run(run(args.db.split(","), set(args.only.split(",")), args.quick))
    print(PROFILE_NOTE)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
