"""Digest schedules: the right moment in the watch's time zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from pipeline.alerts.schedule import DigestSchedule


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (utc(2024, 3, 30, 7, 0), utc(2024, 3, 30, 7, 0)),  # 08:00 CET is 07:00 UTC
        (utc(2024, 3, 30, 6, 59), utc(2024, 3, 29, 7, 0)),
        (utc(2024, 3, 31, 6, 30), utc(2024, 3, 31, 6, 0)),  # summer time: 08:00 CEST = 06:00 UTC
        (utc(2024, 10, 27, 6, 30), utc(2024, 10, 26, 6, 0)),  # back to CET: not yet 07:00 UTC
        (utc(2024, 10, 27, 7, 0), utc(2024, 10, 27, 7, 0)),
    ],
)
def test_daily_digest_stays_at_local_time_across_dst(now, slot):
    schedule = DigestSchedule("daily", time(8, 0), "Europe/Berlin")
    assert schedule.last_slot(now) == slot


def test_a_time_skipped_by_the_clock_change_happens_just_after_it():
    schedule = DigestSchedule("daily", time(2, 30), "Europe/Berlin")
    # 2024-03-31 02:30 does not exist in Berlin; the digest comes at 03:30 CEST (01:30 UTC).
    assert schedule.last_slot(utc(2024, 3, 31, 12, 0)) == utc(2024, 3, 31, 1, 30)


def test_a_time_that_happens_twice_sends_one_digest():
    schedule = DigestSchedule("daily", time(2, 30), "Europe/Berlin")
    first = utc(2024, 10, 27, 0, 30)  # 02:30 CEST
    assert schedule.last_slot(utc(2024, 10, 27, 3, 0)) == first
    assert not schedule.is_due(utc(2024, 10, 27, 1, 45), last_sent=first)  # 02:45 CET, again


def test_hourly_digest_uses_the_minute_in_zones_with_half_hour_offsets():
    schedule = DigestSchedule("hourly", time(0, 15), "Asia/Kolkata")  # UTC+05:30
    assert schedule.last_slot(utc(2024, 5, 1, 10, 50)) == utc(2024, 5, 1, 10, 45)
    assert schedule.last_slot(utc(2024, 5, 1, 10, 40)) == utc(2024, 5, 1, 9, 45)


def test_hourly_digest_comes_every_hour_through_the_fall_back_hour():
    schedule = DigestSchedule("hourly", time(0, 0), "America/New_York")
    slots = {schedule.last_slot(utc(2024, 11, 3, 4, 30) + timedelta(hours=h)) for h in range(4)}
    assert slots == {utc(2024, 11, 3, h, 0) for h in range(4, 8)}


def test_weekly_digest_on_its_weekday():
    schedule = DigestSchedule("weekly", time(7, 30), "America/New_York", weekday=0)
    # Monday 2024-05-06 07:30 EDT = 11:30 UTC
    assert schedule.last_slot(utc(2024, 5, 6, 11, 30)) == utc(2024, 5, 6, 11, 30)
    assert schedule.last_slot(utc(2024, 5, 6, 11, 29)) == utc(2024, 4, 29, 11, 30)
    assert schedule.last_slot(utc(2024, 5, 12, 23, 0)) == utc(2024, 5, 6, 11, 30)


def test_due_once_per_slot_and_once_after_a_long_pause():
    schedule = DigestSchedule("daily", time(8, 0), "UTC")
    sent = utc(2024, 5, 1, 8, 0)
    assert not schedule.is_due(utc(2024, 5, 1, 20, 0), last_sent=sent)
    assert schedule.is_due(utc(2024, 5, 2, 8, 0), last_sent=sent)
    later = utc(2024, 5, 9, 9, 0)  # a week without runs: one digest, for the latest slot
    assert schedule.last_slot(later) == utc(2024, 5, 9, 8, 0)
    assert not schedule.is_due(later, last_sent=schedule.last_slot(later))


def test_descriptions_read_naturally():
    assert DigestSchedule("hourly", time(0, 5)).describe() == "hourly at :05"
    assert DigestSchedule("daily", time(8, 0), "Europe/Berlin").describe() == (
        "daily at 08:00 Europe/Berlin"
    )
    assert DigestSchedule("weekly", time(9, 0), "UTC", weekday=4).describe() == (
        "weekly on Friday at 09:00 UTC"
    )
