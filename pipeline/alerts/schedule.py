"""When a digest is due: hourly, daily or weekly at a time of day in a time zone.

Pure: ``now`` comes in. A digest is due when a scheduled moment has passed since the last
digest; after a pause only one digest goes out, holding everything that waited. Times are
wall-clock times in the watch's zone, so a daily 08:00 digest stays at 08:00 across a
daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

Frequency = Literal["hourly", "daily", "weekly"]
FREQUENCIES: tuple[str, ...] = ("hourly", "daily", "weekly")
DELIVERIES: tuple[str, ...] = ("instant", *FREQUENCIES)
"""How a watch's matches go out: one email per story, or a digest at each scheduled moment."""
WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """Every hour at ``at.minute``, every day at ``at``, or every ``weekday`` at ``at``."""

    every: Frequency
    at: time = time(8, 0)
    timezone: str = "UTC"
    weekday: int = 0  # Monday

    def last_slot(self, now: datetime) -> datetime:
        """The latest scheduled moment at or before ``now``, in UTC."""
        from zoneinfo import ZoneInfo  # only digests need time zones: --help stays quick

        zone = ZoneInfo(self.timezone)
        now = now.astimezone(UTC)
        local = now.astimezone(zone)
        if self.every == "hourly":
            slot = local.replace(minute=self.at.minute, second=0, microsecond=0).astimezone(UTC)
            return slot if slot <= now else slot - timedelta(hours=1)
        day = local.date()
        if self.every == "weekly":
            day -= timedelta(days=(day.weekday() - self.weekday) % 7)
        step = timedelta(days=7 if self.every == "weekly" else 1)
        while (slot := _moment(day, self.at, zone)) > now:
            day -= step
        return slot

    def is_due(self, now: datetime, last_sent: datetime) -> bool:
        """Whether a scheduled moment has come since the last digest."""
        return self.last_slot(now) > last_sent.astimezone(UTC)

    def describe(self) -> str:
        if self.every == "hourly":
            return f"hourly at :{self.at.minute:02d}"
        when = f"{self.at:%H:%M} {self.timezone}"
        if self.every == "weekly":
            return f"weekly on {WEEKDAYS[self.weekday].capitalize()} at {when}"
        return f"daily at {when}"


def _moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of wall time ``at`` on ``day`` in ``zone``.

    A time that a clock change skips falls after the change (02:30 becomes 03:30); a time
    that happens twice counts the first time.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
