"""bot.content stays free of frameworks: no telegram, aiohttp or sqlalchemy imports."""

from __future__ import annotations

import ast

from content_paths import REPO_ROOT

FORBIDDEN = {"telegram", "aiohttp", "sqlalchemy"}


def test_content_package_imports_no_framework() -> None:
    offenders = []
    for source in (REPO_ROOT / "bot" / "content").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{source.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    for source in (REPO_ROOT / "bot" / "content").rglob("*.py"):
        assert ast.get_docstring(ast.parse(source.read_text(encoding="utf-8"))), source.name
