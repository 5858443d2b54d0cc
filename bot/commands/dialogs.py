"""`testimony-bot dialogs export DIR`: write the published dialogs version back to files."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path, PurePosixPath

from bot.config import Settings
from bot.errors import StoreError

NAME = "dialogs"
HELP = "published dialogs versions: export DIR writes the current one as files"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="dialogs_command", required=True)
    export = sub.add_parser("export", help="write the published version's files into DIR")
    export.add_argument("directory", type=Path)
    export.add_argument("--version", type=int, default=None, help="default: the newest")
    export.add_argument("--content", type=Path, default=None,
                        help="also write the newest published clip index to this file")


def _safe(relpath: str) -> PurePosixPath:
    path = PurePosixPath(relpath)
    if path.is_absolute() or ".." in path.parts or not relpath.endswith(".yaml"):
        raise StoreError(f"refusing to write a stored file named {relpath!r}")
    return path


async def _load(settings: Settings, version: int | None
                ) -> tuple[int, dict[str, str], tuple[int, str] | None]:
    from bot.store import Database
    from bot.store.admin_repositories import (
        DialogVersions,
        latest_published_content,
        version_files,
    )
    from bot.store.schema import prepare_database

    db = Database(settings.database_url)
    try:
        await prepare_database(db)
        async with db.transaction() as session:
            versions = DialogVersions(session)
            row = await (versions.get(version) if version else versions.latest())
            if row is None:
                raise StoreError("no published dialogs version in the database" if not version
                                 else f"no dialogs version {version}")
            return row.number, version_files(row), await latest_published_content(session)
    finally:
        await db.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    number, files, content = asyncio.run(_load(settings, args.version))
    for relpath, text in sorted(files.items()):
        target = args.directory / _safe(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote dialogs version {number} ({len(files)} files) to {args.directory}")
    if args.content is not None:
        if content is None:
            print("no published clip-index version; the file on disk is current")
        else:
            args.content.write_text(content[1], encoding="utf-8")
            print(f"wrote clip-index version {content[0]} to {args.content}")
    return 0
