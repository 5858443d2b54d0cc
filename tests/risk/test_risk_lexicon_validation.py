"""Broken lexicon files fail loudly with file:line problems; the shipped ones load."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from bot.errors import ValidationFailed
from bot.risk import RiskDetector, load_risk_detector
from bot.risk._detector import DEFAULT_LEXICON_DIR

RISK_PACKAGE = Path(DEFAULT_LEXICON_DIR).parent


def _lexicon_copy(tmp_path: Path, language: str, replace: tuple[str, str]) -> Path:
    target = tmp_path / "lexicons"
    target.mkdir()
    text = (DEFAULT_LEXICON_DIR / f"{language}.yaml").read_text(encoding="utf-8")
    (target / f"{language}.yaml").write_text(text.replace(*replace, 1), encoding="utf-8")
    return target


def test_shipped_lexicons_load() -> None:
    assert load_risk_detector().languages == ("en", "ar", "fr", "de", "ru", "tr")


def test_bad_regex_is_reported_with_line(tmp_path: Path) -> None:
    directory = _lexicon_copy(tmp_path, "en", ("request:\n", 'request:\n  - "(?:oops"\n'))
    with pytest.raises(ValidationFailed) as caught:
        RiskDetector(["en"], directory)
    problem = caught.value.problems[0]
    assert problem.file.endswith("en.yaml") and problem.line > 1
    assert "bad pattern" in problem.message


def test_unknown_macro_and_key_are_reported(tmp_path: Path) -> None:
    directory = _lexicon_copy(
        tmp_path, "fr", ("distress:\n", 'distres:\n  - x\ndistress:\n  - "{nope}"\n')
    )
    with pytest.raises(ValidationFailed) as caught:
        RiskDetector(["fr"], directory)
    messages = [p.message for p in caught.value.problems]
    assert any("unknown key 'distres'" in m for m in messages)
    assert any("unknown macro {nope}" in m for m in messages)


def test_yaml_syntax_error(tmp_path: Path) -> None:
    directory = tmp_path / "lexicons"
    directory.mkdir()
    (directory / "de.yaml").write_text("language: de\ndistress: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        RiskDetector(["de"], directory)
    assert "YAML syntax error" in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_LEXICON_DIR, tmp_path / "lexicons")
    with pytest.raises(ValidationFailed, match="xx.yaml"):
        RiskDetector(["en", "xx"], tmp_path / "lexicons")


def test_risk_imports_no_framework() -> None:
    forbidden = {"telegram", "aiohttp", "sqlalchemy"}
    for path in RISK_PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_dangling_word_gap_is_reported(tmp_path: Path) -> None:
    directory = _lexicon_copy(
        tmp_path, "de", ("leaving:\n", 'leaving:\n  - "ich bereue (?:[^ ]+ ){0,3}|nie"\n')
    )
    with pytest.raises(ValidationFailed, match="word gap ends an alternative"):
        RiskDetector(["de"], directory)
