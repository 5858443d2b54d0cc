"""In-memory ports: nothing reaches a database (the simulator, the story runner, the tests)."""

from __future__ import annotations

import statistics
from dataclasses import replace

from bot.core.ports import CASE_CLOSED, CASE_TAKEN, CASE_WAITING, CaseRecord, Ports
from bot.core.state import UserState


class MemoryUsers:
    def __init__(self, cases: MemoryCases | None = None) -> None:
        self.rows: dict[str, str] = {}
        self.cases = cases

    async def load(self, key: str) -> UserState | None:
        raw = self.rows.get(key)
        return UserState.from_json(raw) if raw else None

    async def save(self, state: UserState) -> None:
        self.rows[state.key] = state.to_json()

    async def erase(self, key: str) -> None:
        self.rows.pop(key, None)
        if self.cases is not None:  # like the SQL store: the user's cases and transcripts go too
            for case_id in [c.id for c in self.cases.cases.values() if c.user_key == key]:
                self.cases.cases.pop(case_id)
                self.cases.transcripts.pop(case_id, None)

    async def due_timeouts(self, now: float, limit: int = 100) -> list[str]:
        due = []
        for key, raw in self.rows.items():
            state = UserState.from_json(raw)
            if state.timeout_at is not None and state.timeout_at <= now:
                due.append(key)
        return due[:limit]


class MemoryCases:
    def __init__(self) -> None:
        self.cases: dict[int, CaseRecord] = {}
        self.transcripts: dict[int, list[tuple[str, str]]] = {}
        self.next_thread = 100

    async def open(self, *, user_key: str, chat_id: int, reason: str, urgent: bool,
                   language: str, now: float) -> CaseRecord:
        case = CaseRecord(id=len(self.cases) + 1, user_key=user_key, chat_id=chat_id,
                          status=CASE_WAITING, reason=reason, urgent=urgent, language=language,
                          thread_id=self.next_thread, counselor_key=None, opened_at=now)
        self.next_thread += 1
        self.cases[case.id] = case
        return case

    async def get(self, case_id: int) -> CaseRecord | None:
        return self.cases.get(case_id)

    async def by_thread(self, thread_id: int) -> CaseRecord | None:
        return next((c for c in self.cases.values() if c.thread_id == thread_id), None)

    async def take(self, case_id: int, counselor_key: str, now: float) -> bool:
        case = self.cases[case_id]
        if case.status != CASE_WAITING:
            return False
        self.cases[case_id] = replace(case, status=CASE_TAKEN, counselor_key=counselor_key,
                                      taken_at=now)
        return True

    async def release(self, case_id: int) -> None:
        self.cases[case_id] = replace(self.cases[case_id], status=CASE_WAITING,
                                      counselor_key=None)

    async def assign(self, case_id: int, counselor_key: str) -> None:
        self.cases[case_id] = replace(self.cases[case_id], status=CASE_TAKEN,
                                      counselor_key=counselor_key)

    async def close(self, case_id: int, outcome: str, now: float) -> None:
        self.cases[case_id] = replace(self.cases[case_id], status=CASE_CLOSED, outcome=outcome,
                                      closed_at=now)

    async def update(self, case_id: int, **fields: object) -> None:
        self.cases[case_id] = replace(self.cases[case_id], **fields)  # type: ignore[arg-type]

    async def queue_position(self, case_id: int) -> int:
        waiting = sorted(c.id for c in self.cases.values() if c.status == CASE_WAITING)
        return waiting.index(case_id) + 1 if case_id in waiting else 0

    async def median_wait_seconds(self) -> float | None:
        waits = [c.taken_at - c.opened_at for c in self.cases.values() if c.taken_at]
        return statistics.median(waits) if waits else None

    async def waiting_cases(self) -> list[CaseRecord]:
        return [c for c in self.cases.values() if c.status == CASE_WAITING]

    async def append_transcript(self, case_id: int, sender: str, text: str, now: float) -> None:
        self.transcripts.setdefault(case_id, []).append((sender, text))


class MemoryCounselors:
    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}

    async def set_alias(self, counselor_key: str, user_id: int, alias: str) -> None:
        self.aliases[counselor_key] = alias

    async def alias_of(self, counselor_key: str) -> str | None:
        return self.aliases.get(counselor_key)

    async def find_by_alias(self, alias: str) -> str | None:
        return next((k for k, a in self.aliases.items() if a.lower() == alias.lower()), None)


class MemoryAnalytics:
    def __init__(self) -> None:
        self.counts: list[tuple[str, dict[str, str]]] = []
        self.patterns: list[tuple[str, str]] = []

    async def count(self, name: str, **labels: str) -> None:
        self.counts.append((name, labels))

    async def unmatched(self, language: str, pattern: str) -> None:
        self.patterns.append((language, pattern))


def memory_ports() -> Ports:
    cases = MemoryCases()
    return Ports(MemoryUsers(cases), cases, MemoryCounselors(), MemoryAnalytics())
