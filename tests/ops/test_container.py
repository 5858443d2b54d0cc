"""The container's entry command, compose file and packaged migrations, checked without Docker."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.cli import _commands, _parser
from bot.store.schema import MIGRATIONS_DIR, alembic_config

REPO = Path(__file__).resolve().parents[2]


def _dockerfile() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def _parses(argv: list[str]) -> None:
    _parser(_commands()).parse_args(argv)


def test_entrypoint_is_the_installed_script_and_cmd_parses() -> None:
    instructions = dict(_dockerfile())
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    (program,) = json.loads(instructions["ENTRYPOINT"])
    assert scripts[program] == "bot.cli:main"
    _parses(json.loads(instructions["CMD"]))
    assert "/healthz" in instructions["HEALTHCHECK"]


def test_every_copied_path_exists() -> None:
    for op, rest in _dockerfile():
        if op == "COPY" and not rest.startswith("--from"):
            for source in rest.split()[:-1]:
                assert (REPO / source).exists(), source


def test_compose_migrates_before_the_bot_starts() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "healthcheck" in services["db"] and "healthcheck" in services["bot"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["bot"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"
    for name in ("migrate", "bot"):
        _parses(services[name]["command"])
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")


def test_migrations_ship_in_the_wheel() -> None:
    """setuptools finds packages (directories with __init__.py) plus package-data patterns."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    for directory in (MIGRATIONS_DIR, MIGRATIONS_DIR / "versions"):
        assert (directory / "__init__.py").exists()
    assert any(fnmatch.fnmatch("script.py.mako", p) for p in patterns)
    from alembic.script import ScriptDirectory

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed")
def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(["hadolint", str(REPO / "Dockerfile")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout
