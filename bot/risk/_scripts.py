"""Regex rewrites for speed: one variant per writing system, alternations as first-letter tries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SCRIPTS = ("latin", "arabic", "cyrillic")
_SCRIPT_PROBES = {
    "latin": re.compile(r"[a-z]"),
    "arabic": re.compile("[\u0600-\u06ff]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
}
_QUANTIFIER = re.compile(r"(?:[?*+]|\{\d*(?:,\d*)?\})\??")


def script_of(char: str) -> str | None:
    if "a" <= char <= "z":
        return "latin"
    if "\u0600" <= char <= "\u06ff":
        return "arabic"
    if "\u0400" <= char <= "\u04ff":
        return "cyrillic"
    return None


def scripts_in(text: str) -> set[str]:
    """Writing systems that occur in (folded) ``text``."""
    return {name for name, probe in _SCRIPT_PROBES.items() if probe.search(text)}


@dataclass
class _Group:
    opener: str  # "(?:", "(?=", "(?<!", ...
    alternatives: list[list[str | _Group]] = field(default_factory=list)
    quantifier: str = ""


def _parse(pattern: str, pos: int = 0) -> tuple[list[list[str | _Group]], int]:
    """Alternatives of ``pattern`` from ``pos`` up to the closing parenthesis (or the end)."""
    alternatives: list[list[str | _Group]] = [[]]
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            alternatives[-1].append(pattern[pos : pos + 2])
            pos += 2
        elif char == "[":
            end = pos + 1
            if end < len(pattern) and pattern[end] == "^":
                end += 1
            if end < len(pattern) and pattern[end] == "]":
                end += 1
            while pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            alternatives[-1].append(pattern[pos : end + 1])
            pos = end + 1
        elif char == "(":
            opener = re.match(r"\((?:\?(?::|=|!|<=|<!|P<\w+>))?", pattern[pos:]).group(0)  # type: ignore[union-attr]
            inner, pos = _parse(pattern, pos + len(opener))
            quantifier = _QUANTIFIER.match(pattern, pos)
            group = _Group(opener, inner, quantifier.group(0) if quantifier else "")
            pos += len(group.quantifier)
            alternatives[-1].append(group)
        elif char == ")":
            return alternatives, pos + 1
        elif char == "|":
            alternatives.append([])
            pos += 1
        else:
            alternatives[-1].append(char)
            pos += 1
    return alternatives, pos


def _optional(quantifier: str) -> bool:
    return quantifier.startswith(("?", "*")) or quantifier.startswith(("{0", "{,"))


def _prune(alternatives: list[list[str | _Group]], script: str) -> list[str]:
    kept: list[str] = []
    for items in alternatives:
        out: list[str] = []
        possible = True
        for item in items:
            if isinstance(item, _Group):
                if item.opener not in ("(", "(?:"):
                    out.append(_render(item))
                    continue
                inner = _prune(item.alternatives, script)
                if inner:
                    out.append(f"{item.opener}{'|'.join(inner)}){item.quantifier}")
                elif not _optional(item.quantifier):
                    possible = False
                    break
            elif len(item) == 1 and script_of(item) not in (None, script):
                possible = False
                break
            else:
                out.append(item)
        if possible:
            kept.append("".join(out))
    return kept


def _render(group: _Group) -> str:
    body = "|".join("".join(i if isinstance(i, str) else _render(i) for i in alt)
                    for alt in group.alternatives)  # fmt: skip
    return f"{group.opener}{body}){group.quantifier}"


def restrict_to_script(pattern: str, script: str) -> str | None:
    """``pattern`` without the alternatives written in other scripts; None if nothing is left."""
    alternatives, _ = _parse(pattern)
    kept = _prune(alternatives, script)
    return "|".join(kept) if kept else None


_QUANTIFIER_START = ("?", "*", "+", "{")


def _plain_head(items: list[str | _Group]) -> str | None:
    """The first item when it is one plain character not followed by a quantifier."""
    if not items or not isinstance(items[0], str) or len(items[0]) != 1:
        return None
    head = items[0]
    if head in "^$.|" or head in _QUANTIFIER_START:
        return None
    if len(items) > 1 and isinstance(items[1], str) and items[1][:1] in _QUANTIFIER_START:
        return None
    return head


def _factor(alternatives: list[list[str | _Group]]) -> str:
    """Render alternatives as a trie on first characters: (?:abc|abd|x) -> (?:ab(?:c|d)|x).

    Python's regex engine skips a branch that starts with a literal in one step, so a
    200-word list costs a handful of checks per position instead of 200.
    """
    order: list[str | None] = []
    buckets: dict[str, list[list[str | _Group]]] = {}
    singles: list[list[str | _Group]] = []
    for items in alternatives:
        head = _plain_head(items)
        if head is None:
            order.append(None)
            singles.append(items)
            continue
        if head not in buckets:
            buckets[head] = []
            order.append(head)
        buckets[head].append(items[1:])
    rendered: list[str] = []
    single_iter = iter(singles)
    for key in order:
        if key is None:
            rendered.append(_render_items(next(single_iter)))
        elif len(buckets[key]) == 1:
            rendered.append(key + _render_items(buckets[key][0]))
        else:
            rendered.append(f"{key}(?:{_factor(buckets[key])})")
    return "|".join(rendered)


def _render_items(items: list[str | _Group]) -> str:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif item.opener in ("(", "(?:"):
            out.append(f"{item.opener}{_factor(item.alternatives)}){item.quantifier}")
        else:
            out.append(_render(item))
    return "".join(out)


def factor_pattern(pattern: str) -> str:
    """``pattern`` with every alternation turned into a first-character trie (same language)."""
    alternatives, _ = _parse(pattern)
    return _factor(alternatives)


def top_level_alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` branches of ``pattern``, rendered back to text."""
    alternatives, _ = _parse(pattern)
    return [_render_items_plain(items) for items in alternatives]


def _render_items_plain(items: list[str | _Group]) -> str:
    return "".join(i if isinstance(i, str) else _render(i) for i in items)
