"""`testimony-bot admin create-user NAME --role admin|editor|counselor`: console accounts."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.config import Settings
from bot.errors import ConfigError

NAME = "admin"
HELP = "manage admin console users (create-user)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="admin_command", required=True)
    create = sub.add_parser("create-user", help="create a console user")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=("admin", "editor", "counselor"))
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (first line)")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise ConfigError("the passwords differ")
    return first


async def _create(settings: Settings, name: str, role: str, password: str) -> None:
    from bot.store import Database
    from bot.store.admin_repositories import AdminUsers, Audit
    from bot.store.schema import prepare_database

    db = Database(settings.database_url)
    try:
        await prepare_database(db)
        async with db.transaction() as session:
            await AdminUsers(session).create(name, role, password)
            await Audit(session).record("cli", "user_created", f"user {name}", None,
                                        f"role {role}")
    finally:
        await db.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    password = _password(args.password_stdin)
    asyncio.run(_create(settings, args.name, args.role, password))
    print(f"created console user {args.name!r} with role {args.role}")
    return 0
