"""Editing the clip index as text: one clip's block in, the whole file validated, comments kept."""

from __future__ import annotations

import functools
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.content import ContentIndex, load_content_index
from bot.errors import ContentIndexError, Problem
from bot.library import ContentLibrary
from bot.store.admin_repositories import latest_published_content
from bot.web.admin._context import ConsoleContext
from bot.yamlsource import YamlSyntaxError, parse_yaml

INDEX_NAME = "content_index.yaml"
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CLIP_TEMPLATE = """id: new-clip-id
title: {langs_title}
speaker:
  pseudonym: "A pseudonym, never a real name"
  role: other
  origin: "Country"
summary: {langs_summary}
transcript: {{}}
topics: [daily_life]
audience: general
example_questions: {{}}
languages: [en]
subtitles: []
duration_s: 60
content_warning: none
media:
  path: media/uploads/new-clip-id.mp4
"""


@dataclass(frozen=True)
class Block:
    """Where one clip's YAML sits in the index text (1-based, end exclusive) and its indent."""

    start: int
    end: int
    indent: int


async def current_index_text(ctx: ConsoleContext) -> tuple[int, str]:
    """(content version number, YAML text); version 0 is the file on disk."""
    async with ctx.db.transaction() as session:
        latest = await latest_published_content(session)
    if latest is not None:
        return latest
    return 0, Path(ctx.settings.content_index).read_text(encoding="utf-8")


def new_clip_template(languages: tuple[str, ...]) -> str:
    title = "{" + ", ".join(f'{lang}: "Title in {lang}"' for lang in languages) + "}"
    summary = "{" + ", ".join(f'{lang}: "One-line summary in {lang}"' for lang in languages) + "}"
    return CLIP_TEMPLATE.format(langs_title=title, langs_summary=summary)


def clip_blocks(text: str) -> dict[str, Block]:
    """Each clip's block by id; raises ContentIndexError when the text does not parse."""
    return dict(_clip_blocks(text))


@functools.lru_cache(maxsize=4)
def _clip_blocks(text: str) -> tuple[tuple[str, Block], ...]:
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ContentIndexError([Problem(INDEX_NAME, line, f"YAML syntax error: "
                                         f"{getattr(err, 'problem', err)}")]) from err
    clips = next((value for key, value in getattr(root, "value", [])
                  if isinstance(root, yaml.MappingNode) and key.value == "clips"), None)
    if not isinstance(clips, yaml.SequenceNode):
        return ()
    lines = text.splitlines()
    starts = [item.start_mark.line + 1 for item in clips.value]
    blocks: list[tuple[str, Block]] = []
    for i, item in enumerate(clips.value):
        end = starts[i + 1] if i + 1 < len(starts) else len(lines) + 1
        while end - 1 > starts[i] and (not lines[end - 2].strip()
                                       or lines[end - 2].lstrip().startswith("#")):
            end -= 1
        match = re.match(r"^(\s*)-\s", lines[starts[i] - 1])
        indent = len(match.group(1)) + 2 if match else 4
        clip_id = next((v.value for k, v in item.value if k.value == "id"
                        and isinstance(v, yaml.ScalarNode)), None) if isinstance(
            item, yaml.MappingNode) else None
        if clip_id:
            blocks.append((clip_id, Block(starts[i], end, indent)))
    return tuple(blocks)


def block_text(text: str, block: Block) -> str:
    """The clip's YAML, dedented so it reads as a mapping of its own."""
    lines = text.splitlines()[block.start - 1:block.end - 1]
    first = re.sub(r"^\s*-\s", "", lines[0], count=1)
    rest = [line[block.indent:] if line[:block.indent].strip() == "" else line.lstrip()
            for line in lines[1:]]
    return "\n".join([first] + rest) + "\n"


def _indent_block(clip_yaml: str, indent: int) -> list[str]:
    lines = clip_yaml.rstrip("\n").splitlines() or [""]
    out = [" " * (indent - 2) + "- " + lines[0]]
    out += [(" " * indent + line) if line.strip() else "" for line in lines[1:]]
    return out


def replace_clip(text: str, clip_id: str, clip_yaml: str) -> str:
    block = clip_blocks(text)[clip_id]
    lines = text.splitlines()
    new = lines[:block.start - 1] + _indent_block(clip_yaml, block.indent) + lines[block.end - 1:]
    return "\n".join(new) + "\n"


def append_clip(text: str, clip_yaml: str) -> str:
    blocks = clip_blocks(text)
    indent = next(iter(blocks.values())).indent if blocks else 4
    return text.rstrip("\n") + "\n\n" + "\n".join(_indent_block(clip_yaml, indent)) + "\n"


def parse_clip(clip_yaml: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        doc = parse_yaml(clip_yaml, "clip")
    except YamlSyntaxError as err:
        return None, [err.problem]
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("id"), str):
        return None, [Problem("clip", 1, "a clip is a mapping with an `id`")]
    return doc.data, []


def add_example_question(text: str, clip_id: str, language: str, question: str) -> str:
    """The index text with ``question`` added to the clip's example questions in ``language``."""
    block = clip_blocks(text)[clip_id]
    clip_yaml = block_text(text, block)
    data, problems = parse_clip(clip_yaml)
    if data is None:
        raise ContentIndexError(problems)
    asked = data.get("example_questions") or {}
    existing = list(asked.get(language) or [])
    if question in existing:
        return text
    existing.append(question)
    flow = json.dumps(existing, ensure_ascii=False)
    lines = clip_yaml.splitlines()
    key = re.compile(rf"^(\s+){re.escape(language)}:\s*\[.*\]\s*$")
    head = next((i for i, line in enumerate(lines) if line.startswith("example_questions:")), None)
    if head is not None:
        for i in range(head + 1, len(lines)):
            if lines[i] and not lines[i].startswith(" "):
                break
            found = key.match(lines[i])
            if found:
                lines[i] = f"{found.group(1)}{language}: {flow}"
                return replace_clip(text, clip_id, "\n".join(lines) + "\n")
    data.setdefault("example_questions", {})[language] = existing
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    return replace_clip(text, clip_id, dumped)


def validate_index_text(ctx: ConsoleContext, text: str
                        ) -> tuple[ContentIndex | None, list[Problem]]:
    """The same checks as `testimony-bot validate` on ``text`` (media paths under MEDIA_ROOT);
    on success the index and no problems (warnings are left to `validate`)."""
    if len(text) > 8 * ctx.max_file_chars:
        return None, [Problem(INDEX_NAME, 1, "the clip index is too large")]
    try:
        return index_from_text(text, ctx.settings), []
    except ContentIndexError as err:
        return None, err.problems


def index_from_text(text: str, settings: Settings) -> ContentIndex:
    """Load a clip index from its YAML text; raises ContentIndexError listing every error."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / INDEX_NAME
        path.write_text(text, encoding="utf-8")
        return load_content_index(path, settings.languages, repo_root=settings.media_root)


def library_from_text(text: str, settings: Settings) -> ContentLibrary:
    """A ContentLibrary for a published clip-index text (what a bot process loads at start)."""
    return ContentLibrary(index_from_text(text, settings), settings.languages)
