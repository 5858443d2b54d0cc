"""Statements run on every update, built once per dialect.

Building a SQLAlchemy statement per call (an ORM-enabled upsert, an ``IN`` list) costs more CPU
than running it; these are plain table statements with bound parameters, made once, so each
call only binds values and SQLAlchemy reuses the compiled form.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Counter, InboxRow, OutboxRow, ProcessedUpdate, UnmatchedQuestion


@dataclass(frozen=True)
class HotStatements:
    count: Any  # day, name, labels: add one to a counter
    unmatched: Any  # day, language, pattern: add one to an unmatched-question pattern
    claim_update: Any  # update_id, processed_at: rowcount 1 if the update was new
    forget_inbox_row: Any  # update_id
    remove_outbox_row: Any  # outbox_id


@lru_cache(maxsize=4)
def statements_for(dialect: str) -> HotStatements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counters = Counter.__table__
    unmatched = UnmatchedQuestion.__table__
    return HotStatements(
        count=insert(counters)
        .values(day=bindparam("day"), name=bindparam("name"), labels=bindparam("labels"),
                count=1)
        .on_conflict_do_update(index_elements=["day", "name", "labels"],
                               set_={"count": counters.c.count + 1}),
        unmatched=insert(unmatched)
        .values(day=bindparam("day"), language=bindparam("language"),
                pattern=bindparam("pattern"), count=1)
        .on_conflict_do_update(index_elements=["day", "language", "pattern"],
                               set_={"count": unmatched.c.count + 1}),
        claim_update=insert(ProcessedUpdate.__table__)
        .values(update_id=bindparam("update_id"), processed_at=bindparam("processed_at"))
        .on_conflict_do_nothing(index_elements=["update_id"]),
        forget_inbox_row=delete(InboxRow.__table__)
        .where(InboxRow.__table__.c.update_id == bindparam("update_id")),
        remove_outbox_row=delete(OutboxRow.__table__)
        .where(OutboxRow.__table__.c.id == bindparam("outbox_id")),
    )


def hot_statements(session: AsyncSession) -> HotStatements:
    return statements_for(session.bind.dialect.name)
