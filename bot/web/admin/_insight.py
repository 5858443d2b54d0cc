"""Dashboard (aggregates and charts only) and the counselors' read-only queue."""

from __future__ import annotations

import datetime
import time
from collections import Counter as Tally

from aiohttp import web

from bot.store.admin_repositories import counter_rows, open_cases
from bot.web.admin._auth import requires
from bot.web.admin._charts import bar_chart, day_lines
from bot.web.admin._render import render
from bot.web.admin._slot import context_of

NAMES = ("question", "unmatched", "clip_sent", "handoff_opened", "case_taken", "case_closed",
         "feedback", "conversation_started")
DAYS = 30


def _days(count: int, today: datetime.date | None = None) -> list[str]:
    today = today or datetime.datetime.now(datetime.UTC).date()
    return [(today - datetime.timedelta(days=count - 1 - i)).isoformat() for i in range(count)]


def percentile(values: Tally, q: float) -> float | None:
    """The q-quantile of a {value: weight} tally (nearest rank)."""
    total = sum(values.values())
    if not total:
        return None
    rank, seen = q * total, 0
    for value in sorted(values):
        seen += values[value]
        if seen >= rank:
            return float(value)
    return float(max(values))


def summarise(rows: list[tuple[str, str, dict[str, str], int]], days: list[str]) -> dict:
    per_day: dict[str, Tally] = {name: Tally() for name in NAMES}
    by: dict[str, Tally] = {k: Tally() for k in (
        "topic", "clip_lang", "handoff", "outcome", "feedback", "q_lang", "u_lang")}
    waits: Tally = Tally()
    for day, name, labels, count in rows:
        per_day[name][day] += count
        if name == "clip_sent":
            by["topic"][labels.get("topic") or "(none)"] += count
            by["clip_lang"][labels.get("language") or "?"] += count
        elif name == "handoff_opened":
            urgent = " (urgent)" if labels.get("urgent") == "true" else ""
            by["handoff"][f"{labels.get('reason', '?')}{urgent}"] += count
        elif name == "case_closed":
            by["outcome"][labels.get("outcome", "?")] += count
        elif name == "feedback":
            by["feedback"][labels.get("value", "?")] += count
        elif name == "question":
            by["q_lang"][labels.get("language", "?")] += count
        elif name == "unmatched":
            by["u_lang"][labels.get("language", "?")] += count
        elif name == "case_taken":
            try:
                waits[int(labels.get("wait_s", ""))] += count
            except ValueError:
                pass
    questions = sum(by["q_lang"].values())
    fallback = sum(by["u_lang"].values()) / questions if questions else None
    fallback_by_lang = [(lang, 100.0 * by["u_lang"][lang] / n)
                        for lang, n in sorted(by["q_lang"].items()) if n]
    return {"per_day": per_day, "by": by, "questions": questions, "fallback": fallback,
            "fallback_by_lang": fallback_by_lang, "p50": percentile(waits, 0.5),
            "p90": percentile(waits, 0.9), "taken": sum(waits.values()), "days": days}


def _bars(tally: Tally) -> list[tuple[str, float]]:
    return sorted(tally.items(), key=lambda kv: -kv[1])[:12]


@requires("admin", "editor")
async def dashboard(request: web.Request) -> web.Response:
    ctx = context_of(request)
    days = _days(DAYS)
    async with ctx.db.transaction() as session:
        rows = await counter_rows(session, NAMES, days[0])
    s = summarise(rows, days)
    per_day = s["per_day"]
    charts = {
        "daily": day_lines(days, {
            "questions asked": [per_day["question"][d] for d in days],
            "clips sent": [per_day["clip_sent"][d] for d in days],
            "handoffs": [per_day["handoff_opened"][d] for d in days]},
            f"Activity per day (last {DAYS} days)"),
        "topic": bar_chart(_bars(s["by"]["topic"]), "Clips sent per topic"),
        "clip_lang": bar_chart(_bars(s["by"]["clip_lang"]), "Clips sent per language"),
        "fallback": bar_chart(s["fallback_by_lang"], "Matcher fallback rate per language",
                              unit="%"),
        "handoff": bar_chart(_bars(s["by"]["handoff"]), "Handoffs per reason and urgency"),
        "outcome": bar_chart(_bars(s["by"]["outcome"]), "Case outcomes"),
        "feedback": bar_chart(_bars(s["by"]["feedback"]), "Feedback after counselor chats"),
    }
    return render(request, "dashboard.html", section="dashboard", title="Dashboard", s=s,
                  charts=charts)


@requires("admin", "counselor")
async def queue(request: web.Request) -> web.Response:
    ctx = context_of(request)
    days = _days(DAYS)
    async with ctx.db.transaction() as session:
        cases = await open_cases(session)
        rows = await counter_rows(session, ("case_taken", "case_closed"), days[0])
    s = summarise(rows, days)
    return render(request, "queue.html", section="queue", title="Queue", cases=cases,
                  now=time.time(), s=s,
                  outcome=bar_chart(_bars(s["by"]["outcome"]), "Case outcomes (30 days)"))


def install_insight_routes(app: web.Application) -> None:
    app.router.add_get("/dashboard", dashboard)
    app.router.add_get("/queue", queue)
