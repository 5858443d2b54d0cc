"""Counselor opening hours: parse "always" or "Mon-Fri 09:00-18:00; Sat 10:00-14:00"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RULE = re.compile(
    r"^\s*(?P<d1>[a-z]{3})(?:\s*-\s*(?P<d2>[a-z]{3}))?\s+"
    r"(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})\s*$"
)


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening windows in a time zone; ``always`` means 24/7."""

    text: str
    windows: tuple[tuple[int, int, int], ...]  # (weekday, start minute, end minute)
    zone: ZoneInfo | timezone
    always: bool = False

    def is_open(self, now: float) -> bool:
        if self.always:
            return True
        local = datetime.fromtimestamp(now, self.zone)
        minute = local.hour * 60 + local.minute
        return any(d == local.weekday() and s <= minute < e for d, s, e in self.windows)

    def next_open(self, now: float) -> datetime | None:
        """The next moment a window opens (None if always open or no windows)."""
        if self.always or not self.windows:
            return None
        local = datetime.fromtimestamp(now, self.zone).replace(second=0, microsecond=0)
        for offset in range(0, 8 * 24 * 60, 15):
            probe = local + timedelta(minutes=offset)
            minute = probe.hour * 60 + probe.minute
            if any(d == probe.weekday() and s <= minute < e for d, s, e in self.windows):
                return probe
        return None

    def describe_next_open(self, now: float) -> str:
        when = self.next_open(now)
        if when is None:
            return "as soon as possible"
        return when.strftime("%a %H:%M") + f" ({self.zone})"


def parse_hours(text: str, zone_name: str = "UTC") -> OpeningHours:
    try:
        zone: ZoneInfo | timezone = ZoneInfo(zone_name) if zone_name != "UTC" else UTC
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ConfigError(f"TIMEZONE {zone_name!r} is not a known time zone") from err
    if text.strip().lower() in ("always", "24/7", ""):
        return OpeningHours(text, (), zone, always=True)
    windows: list[tuple[int, int, int]] = []
    for part in text.lower().split(";"):
        if not part.strip():
            continue
        match = _RULE.match(part)
        if not match or match["d1"] not in DAYS or (match["d2"] and match["d2"] not in DAYS):
            raise ConfigError(f"COUNSELOR_HOURS part {part.strip()!r} is not like "
                              "'Mon-Fri 09:00-18:00'")
        first = DAYS.index(match["d1"])
        last = DAYS.index(match["d2"]) if match["d2"] else first
        start = int(match["h1"]) * 60 + int(match["m1"])
        end = int(match["h2"]) * 60 + int(match["m2"])
        if not 0 <= start < end <= 24 * 60:
            raise ConfigError(f"COUNSELOR_HOURS part {part.strip()!r} has an empty or bad "
                              "time range")
        day = first
        while True:
            windows.append((day, start, end))
            if day == last:
                break
            day = (day + 1) % 7
    return OpeningHours(text, tuple(windows), zone)
