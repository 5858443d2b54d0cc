"""Alembic migrations of the store's schema (driven by bot.store.schema and `testimony-bot db`)."""
