"""What campaigns lead to: per-campaign counts from the aggregate counters, small cells hidden.

Every cell of 1 to 4 is shown as "<5" so no single person can be singled out; 0 stays 0 (it
says nothing about anyone). There is no total row: a total next to hidden cells would give
them away. Counts are summed over the whole period before suppression.

Campaign codes come from links anyone can type, so a code is only shown once at least 5
conversations started with it; smaller campaigns are merged into the row "(small campaigns)".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Counter

SMALL_CELL = 5
SUPPRESSED = "<5"
NOT_APPLICABLE = "-"
NO_CAMPAIGN = "(none)"
INVALID = "(invalid)"
SMALL_CAMPAIGNS = "(small campaigns)"
Cell = int | str

# counter name -> (column, labels that must match)
_COLUMNS: dict[str, tuple[str, dict[str, str]]] = {
    "conversation_started": ("conversations", {}),
    "deeplink_opened": ("links_opened", {}),
    "clip_followup": ("followup_clips", {}),
    "question": ("questions", {}),
    "feedback": ("helped", {"value": "helped"}),
    "handoff_opened": ("cases_opened", {}),
    "inline_chosen": ("inline_chosen", {}),
}


@dataclass(frozen=True)
class CampaignRow:
    """One campaign's counts, already suppressed: an int of 5 or more, 0, "<5" or "-"."""

    campaign: str
    conversations: Cell = 0     # /start with this campaign's payload
    links_opened: Cell = 0      # the linked clip/topic/flow opened after welcome and consent
    followup_clips: Cell = 0    # clips watched after the first
    questions: Cell = 0
    helped: Cell = 0            # feedback "this helped"
    cases_opened: Cell = 0      # counselor offers accepted: a case opened for the desk
    inline_chosen: Cell = 0     # inline results picked by someone sharing a clip

    def as_dict(self) -> dict[str, Cell]:
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CampaignRow))


def suppress(count: int) -> Cell:
    """0 stays 0; 1-4 become "<5"; larger counts are shown."""
    return count if count == 0 or count >= SMALL_CELL else SUPPRESSED


async def campaign_report(session: AsyncSession, since: date | str | None = None
                          ) -> list[CampaignRow]:
    """Rows per campaign code (most conversations first), then "(small campaigns)", "(none)"
    and "(invalid)"; every cell already suppressed."""
    names = [*_COLUMNS, "deeplink_invalid"]
    query = (select(Counter.name, Counter.labels, func.sum(Counter.count))
             .where(Counter.name.in_(names)).group_by(Counter.name, Counter.labels))
    if since is not None:
        query = query.where(Counter.day >= str(since))
    totals: dict[str, dict[str, int]] = {}
    invalid = 0
    for name, labels_json, count in (await session.execute(query)).all():
        if name == "deeplink_invalid":
            invalid += int(count or 0)
            continue
        labels = _labels(labels_json)
        column, wanted = _COLUMNS[name]
        if any(labels.get(k) != v for k, v in wanted.items()):
            continue
        campaign = labels.get("campaign") or NO_CAMPAIGN
        row = totals.setdefault(campaign, {})
        row[column] = row.get(column, 0) + int(count or 0)
    small: dict[str, int] = {}
    for campaign in [c for c in totals if c != NO_CAMPAIGN]:
        if totals[campaign].get("conversations", 0) < SMALL_CELL:
            for column, count in totals.pop(campaign).items():
                small[column] = small.get(column, 0) + count
    named = sorted((c for c in totals if c != NO_CAMPAIGN),
                   key=lambda c: (-totals[c].get("conversations", 0), c))
    rows = [_row(c, totals[c]) for c in named]
    if small:
        rows.append(_row(SMALL_CAMPAIGNS, small))
    if NO_CAMPAIGN in totals:
        rows.append(_row(NO_CAMPAIGN, totals[NO_CAMPAIGN]))
    if invalid:
        rows.append(CampaignRow(INVALID, suppress(invalid),
                                *[NOT_APPLICABLE] * (len(COLUMNS) - 2)))
    return rows


def _labels(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _row(campaign: str, counts: dict[str, int]) -> CampaignRow:
    return CampaignRow(campaign, **{k: suppress(v) for k, v in counts.items()})
