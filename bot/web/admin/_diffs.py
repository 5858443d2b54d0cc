"""Unified diffs between two versions of a set of files (difflib), per changed file."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

FileDiff = tuple[str, list[str]]


def diff_files(before: Mapping[str, str], after: Mapping[str, str], *, context: int = 3
               ) -> list[FileDiff]:
    """[(relpath, unified diff lines)] for every file that differs, sorted by path."""
    out: list[FileDiff] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        lines = list(difflib.unified_diff(
            (old or "").splitlines(), (new or "").splitlines(),
            fromfile=f"a/{name}" if old is not None else "/dev/null",
            tofile=f"b/{name}" if new is not None else "/dev/null", lineterm="", n=context))
        out.append((name, lines))
    return out


def changed_only(before: Mapping[str, str], after: Mapping[str, str]
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """The subsets of both mappings that differ (for the audit log's before/after)."""
    names = [n for n in set(before) | set(after) if before.get(n) != after.get(n)]
    return ({n: before[n] for n in names if n in before},
            {n: after[n] for n in names if n in after})
