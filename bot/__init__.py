"""testimony-bot: defectors' testimony clips and a human counselor desk on Telegram."""

__version__ = "0.1.0"
