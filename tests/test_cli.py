"""The command line: clear config errors (exit 2), validation (exit 1), ask as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
            cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "DATABASE_URL", "BOT_SECRET", "LANGUAGES"))}
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=base, input=stdin, cwd=cwd, timeout=120)


def test_run_without_token_says_so_in_one_line_and_exits_2() -> None:
    result = run_cli("run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_malformed_setting_names_the_variable() -> None:
    result = run_cli("validate", env={"HANDOFF_WAIT_MINUTES": "soon"})
    assert result.returncode == 2
    assert "HANDOFF_WAIT_MINUTES" in result.stderr


def test_validate_passes_on_the_shipped_files() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_reports_file_and_line_for_a_broken_flow(tmp_path: Path) -> None:
    dialogs = tmp_path / "dialogs"
    subprocess.run(["cp", "-r", str(REPO / "dialogs"), str(dialogs)], check=True)
    flow = dialogs / "flows" / "browse.yaml"
    flow.write_text(flow.read_text() + "\n  broken:\n    do: [launch_rockets]\n    on:\n"
                    "      - {trigger: 'button:x', go: nowhere}\n")
    result = run_cli("validate", env={"DIALOGS_DIR": str(dialogs),
                                      "CONTENT_INDEX": str(REPO / "content_index.yaml"),
                                      "MEDIA_ROOT": str(REPO)})
    assert result.returncode == 1
    assert f"{dialogs.as_posix()}/flows/browse.yaml:" in result.stdout
    assert "unknown action 'launch_rockets'" in result.stdout
    assert "unknown target state 'nowhere'" in result.stdout


def test_ask_prints_one_json_object_per_line() -> None:
    result = run_cli("ask", "--json", stdin="did they pay the fighters?\nمتى يمكنني الهروب\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["language"] == "en" and lines[0]["clips"]
    assert set(lines[0]) >= {"language", "clips", "handoff", "reason", "urgent"}
    assert lines[1]["language"] == "ar"
