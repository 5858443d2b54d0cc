"""The campaign report: counts per campaign from the counters, with small cells suppressed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands.campaigns import render
from bot.outreach.report import COLUMNS, CampaignRow, campaign_report, suppress
from bot.store import Database, SqlAnalytics
from bot.store.models import Counter


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/report.sqlite3")
    await database.create_schema()
    try:
        yield database
    finally:
        await database.close()


async def _count(db: Database, times: int, name: str, **labels: str) -> None:
    async with db.transaction() as session:
        analytics = SqlAnalytics(session)
        for _ in range(times):
            await analytics.count(name, **labels)


async def _report(db: Database, since: str | None = None) -> dict[str, CampaignRow]:
    async with db.transaction() as session:
        return {row.campaign: row for row in await campaign_report(session, since)}


@given(st.integers(min_value=0, max_value=10_000))
def test_suppress_hides_one_to_four_only(n: int) -> None:
    assert suppress(n) == (n if n == 0 or n >= 5 else "<5")


async def test_columns_small_cells_and_special_rows(db: Database) -> None:
    await _count(db, 12, "conversation_started", campaign="spring")
    await _count(db, 6, "deeplink_opened", campaign="spring", kind="clip")
    await _count(db, 7, "clip_followup", campaign="spring")
    await _count(db, 3, "question", language="en", campaign="spring")
    await _count(db, 2, "question", language="fr", campaign="spring")   # 5 in all: shown
    await _count(db, 4, "feedback", value="helped", language="en", campaign="spring")
    await _count(db, 9, "feedback", value="not_helped", language="en", campaign="spring")
    await _count(db, 1, "handoff_opened", reason="request", urgent="false", language="en",
                 campaign="spring")
    await _count(db, 8, "inline_chosen", clip="a", campaign="spring")
    await _count(db, 5, "conversation_started", campaign="autumn")
    await _count(db, 3, "conversation_started", campaign="john-smith-123")  # too few to name
    await _count(db, 2, "conversation_started", campaign="tiny")
    await _count(db, 2, "clip_followup", campaign="tiny")
    await _count(db, 40, "question", language="en", campaign="")
    await _count(db, 3, "deeplink_invalid")
    await _count(db, 50, "clip_sent", topic="t", language="en", clip="a", campaign="spring")
    rows = await _report(db)
    assert list(rows) == ["spring", "autumn", "(small campaigns)", "(none)", "(invalid)"]
    spring = rows["spring"]
    assert (spring.conversations, spring.links_opened, spring.followup_clips,
            spring.questions, spring.helped, spring.cases_opened, spring.inline_chosen) == \
        (12, 6, 7, 5, "<5", "<5", 8)
    assert rows["autumn"].conversations == 5 and rows["autumn"].questions == 0
    small = rows["(small campaigns)"]
    assert small.conversations == 5 and small.followup_clips == "<5"
    assert rows["(none)"].questions == 40 and rows["(none)"].conversations == 0
    assert rows["(invalid)"].conversations == "<5" and rows["(invalid)"].questions == "-"
    everything = json.dumps([r.as_dict() for r in rows.values()])
    assert "john-smith" not in everything
    for row in rows.values():  # no cell of 1-4 ever leaves the function
        assert all(v == 0 or v in ("<5", "-") or (isinstance(v, int) and v >= 5)
                   for k, v in row.as_dict().items() if k != "campaign")


async def test_since_counts_only_later_days(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all([
            Counter(day="2026-01-01", name="conversation_started",
                    labels='{"campaign": "old"}', count=100),
            Counter(day="2026-03-01", name="conversation_started",
                    labels='{"campaign": "new"}', count=6),
            Counter(day="2026-03-02", name="conversation_started",
                    labels='{"campaign": "new"}', count=6),
        ])
    assert set(await _report(db)) == {"old", "new"}
    rows = await _report(db, "2026-02-01")
    assert list(rows) == ["new"] and rows["new"].conversations == 12  # summed, then shown


async def test_render_formats(db: Database) -> None:
    await _count(db, 5, "conversation_started", campaign="spring")
    await _count(db, 1, "deeplink_invalid")
    rows = list((await _report(db)).values())
    table = render(rows, "table")
    assert table.splitlines()[0].split() == list(COLUMNS)
    assert "<5" in table and "spring" in table
    assert json.loads(render(rows, "json"))[0]["conversations"] == 5
    parsed = list(csv.DictReader(io.StringIO(render(rows, "csv"))))
    assert parsed[1]["campaign"] == "(invalid)" and parsed[1]["conversations"] == "<5"
    assert render([], "table") == "no campaign activity recorded"
