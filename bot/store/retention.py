"""Data retention: delete what is kept longer than configured; aggregates stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.ports import CASE_CLOSED
from bot.store.models import CaseMessage, CaseRow, ProcessedUpdate, UnmatchedQuestion, UserRow

DAY = 86400.0
UNMATCHED_RETENTION_DAYS = 90
PROCESSED_UPDATE_RETENTION_DAYS = 7


@dataclass(frozen=True)
class PurgeCounts:
    transcripts: int
    users: int
    unmatched: int
    updates: int


async def purge_expired(session: AsyncSession, now: float, transcript_days: int,
                        user_days: int) -> PurgeCounts:
    """Transcripts of cases closed > transcript_days ago, users inactive > user_days (with their
    closed cases), unmatched-question samples > 90 days, processed update ids > 7 days."""
    closed_before = now - transcript_days * DAY
    old_cases = select(CaseRow.id).where(CaseRow.status == CASE_CLOSED,
                                         CaseRow.closed_at < closed_before)
    transcripts = await session.execute(
        delete(CaseMessage).where(CaseMessage.case_id.in_(old_cases)))
    inactive_before = now - user_days * DAY
    inactive = select(UserRow.key).where(UserRow.last_seen < inactive_before)
    await session.execute(delete(CaseRow).where(CaseRow.user_key.in_(inactive),
                                                CaseRow.status == CASE_CLOSED))
    users = await session.execute(delete(UserRow).where(UserRow.last_seen < inactive_before))
    day_limit = _day_string(now - UNMATCHED_RETENTION_DAYS * DAY)
    unmatched = await session.execute(
        delete(UnmatchedQuestion).where(UnmatchedQuestion.day < day_limit))
    updates = await session.execute(delete(ProcessedUpdate).where(
        ProcessedUpdate.processed_at < now - PROCESSED_UPDATE_RETENTION_DAYS * DAY))
    return PurgeCounts(transcripts.rowcount or 0, users.rowcount or 0,
                       unmatched.rowcount or 0, updates.rowcount or 0)


def _day_string(moment: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


async def content_gaps(session: AsyncSession, limit: int = 50
                       ) -> list[tuple[str, str, int]]:
    """(language, pattern, count) of unmatched questions, most frequent first."""
    from sqlalchemy import func

    rows = await session.execute(
        select(UnmatchedQuestion.language, UnmatchedQuestion.pattern,
               func.sum(UnmatchedQuestion.count).label("n"))
        .group_by(UnmatchedQuestion.language, UnmatchedQuestion.pattern)
        .order_by(func.sum(UnmatchedQuestion.count).desc()).limit(limit))
    return [(lang, pattern, int(n)) for lang, pattern, n in rows.all()]
