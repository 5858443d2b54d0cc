"""Persistence: SQLAlchemy models, repositories implementing the core's ports, the database."""

from bot.store.database import Database
from bot.store.repositories import (
    SqlAnalytics,
    SqlCases,
    SqlClipFiles,
    SqlCounselors,
    SqlUpdates,
    SqlUsers,
    sql_ports,
)

__all__ = ["Database", "SqlAnalytics", "SqlCases", "SqlClipFiles", "SqlCounselors",
           "SqlUpdates", "SqlUsers", "sql_ports"]
