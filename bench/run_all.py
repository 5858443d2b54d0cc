"""Run every benchmark and write bench/RESULTS.md (what `make bench` calls).

`python bench/run_all.py [--quick] [--db sqlite,postgresql]`: --quick shortens the bot
benchmarks (fewer users and updates; the memory run does 10,000 updates, not 100,000).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OTHERS = ("bench_matcher.py", "eval_matcher.py", "bench_risk.py", "eval_risk.py")


def machine() -> str:
    """nproc, CPU model, Python, load average."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"- nproc: {os.cpu_count()}\n- CPU: {model}\n- Python {platform.python_version()} "
            f"on {platform.system()} {platform.release()}\n- load average at start: {load}")


def run(script: str, args: list[str]) -> tuple[str, float, int]:
    """Run one bench script; its stdout (stderr appended on failure), seconds, exit code."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=REPO,
                          capture_output=True, text=True, check=False)
    out = done.stdout.strip()
    if done.returncode != 0:
        out += f"\n\n(exit {done.returncode})\n" + done.stderr.strip()[-3000:]
    return out, time.monotonic() - started, done.returncode


def main() -> int:
    """Run everything, write RESULTS.md, return non-zero if a script failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [f"# Benchmark results\n\n{when}, `{' '.join(['bench/run_all.py', *sys.argv[1:]])}`"
                f"\n\n{machine()}\n"]
    failed = 0
    bot_args = ["--db", args.db] + (["--quick"] if args.quick else [])
    for script, script_args in [("bench_bot.py", bot_args), *((s, []) for s in OTHERS)]:
        print(f"running {script} ...", flush=True)
        out, seconds, code = run(script, script_args)
        failed += code != 0
        body = out if script == "bench_bot.py" else f"```\n{out}\n```"
        sections.append(f"## {script} ({seconds:.0f} s)\n\n{body}\n")
        print(out, flush=True)
    args.out.write_text("\n".join(sections))
    print(f"wrote {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
