"""CLI subcommands: each module defines NAME, HELP, `configure(parser)` and `run(args, settings)`.

A new command is a new module listed in COMMAND_MODULES; `bot/cli.py` needs no change.
"""

COMMAND_MODULES = (
    "bot.commands.run",
    "bot.commands.demo",
    "bot.commands.validate",
    "bot.commands.ask",
    "bot.commands.gaps",
    "bot.commands.graph",
    "bot.commands.link",
    "bot.commands.campaigns",
    "bot.commands.db",
    "bot.commands.rotate_key",
    "bot.commands.admin", "bot.commands.dialogs",
)
