"""Pure time rules: parsing times and zones, the next local occurrence across DST, night keys."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import schedule
from bot.errors import BadInput

UTC = dt.UTC
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def fires(at: str, tz: str, first_local_day: dt.date, count: int = 7) -> list[dt.datetime]:
    """The chain of instants a daily job books: each one strictly after the one before."""
    start = dt.datetime.combine(first_local_day, dt.time(12), ZoneInfo(tz))  # local noon
    instant = start.astimezone(UTC)
    sequence = []
    for _ in range(count):
        instant = schedule.next_occurrence(schedule.parse_time(at), tz, instant)
        sequence.append(instant)
    return sequence


def stamp(instant: dt.datetime) -> str:
    return instant.astimezone(UTC).strftime("%m-%d %H:%M")


# -- DST: a week of fire instants around each transition ----------------------------------------
# Expected instants are in UTC ("MM-DD HH:MM", year 2026), starting with the evening of the
# first local day (the chain starts at local noon of that day).

WEEKS = [
    pytest.param(
        BERLIN, "22:00", dt.date(2026, 3, 26),
        ["03-26 21:00", "03-27 21:00", "03-28 21:00",
         "03-29 20:00", "03-30 20:00", "03-31 20:00", "04-01 20:00"],
        id="berlin-spring-ordinary",
    ),
    pytest.param(
        BERLIN, "02:30", dt.date(2026, 3, 26),
        # 02:30 on the 29th does not exist: the clocks jump 02:00 -> 03:00 at 01:00Z.
        ["03-27 01:30", "03-28 01:30", "03-29 01:00",
         "03-30 00:30", "03-31 00:30", "04-01 00:30", "04-02 00:30"],
        id="berlin-spring-skipped-hour",
    ),
    pytest.param(
        BERLIN, "22:00", dt.date(2026, 10, 22),
        ["10-22 20:00", "10-23 20:00", "10-24 20:00",
         "10-25 21:00", "10-26 21:00", "10-27 21:00", "10-28 21:00"],
        id="berlin-autumn-ordinary",
    ),
    pytest.param(
        BERLIN, "02:30", dt.date(2026, 10, 22),
        # 02:30 happens twice on the 25th (00:30Z CEST, 01:30Z CET): only the first counts.
        ["10-23 00:30", "10-24 00:30", "10-25 00:30",
         "10-26 01:30", "10-27 01:30", "10-28 01:30", "10-29 01:30"],
        id="berlin-autumn-repeated-hour",
    ),
    pytest.param(
        NEW_YORK, "22:00", dt.date(2026, 3, 5),
        ["03-06 03:00", "03-07 03:00", "03-08 03:00",
         "03-09 02:00", "03-10 02:00", "03-11 02:00", "03-12 02:00"],
        id="new-york-spring-ordinary",
    ),
    pytest.param(
        NEW_YORK, "02:30", dt.date(2026, 3, 5),
        # 02:30 on the 8th does not exist: the clocks jump 02:00 EST -> 03:00 EDT at 07:00Z.
        ["03-06 07:30", "03-07 07:30", "03-08 07:00",
         "03-09 06:30", "03-10 06:30", "03-11 06:30", "03-12 06:30"],
        id="new-york-spring-skipped-hour",
    ),
    pytest.param(
        NEW_YORK, "22:00", dt.date(2026, 10, 29),
        ["10-30 02:00", "10-31 02:00", "11-01 02:00",
         "11-02 03:00", "11-03 03:00", "11-04 03:00", "11-05 03:00"],
        id="new-york-autumn-ordinary",
    ),
    pytest.param(
        NEW_YORK, "01:30", dt.date(2026, 10, 29),
        # 01:30 happens twice on 1 November (05:30Z EDT, 06:30Z EST): only the first counts.
        ["10-30 05:30", "10-31 05:30", "11-01 05:30",
         "11-02 06:30", "11-03 06:30", "11-04 06:30", "11-05 06:30"],
        id="new-york-autumn-repeated-hour",
    ),
    pytest.param(
        SYDNEY, "22:00", dt.date(2026, 10, 1),
        ["10-01 12:00", "10-02 12:00", "10-03 12:00",
         "10-04 11:00", "10-05 11:00", "10-06 11:00", "10-07 11:00"],
        id="sydney-spring-ordinary",
    ),
    pytest.param(
        SYDNEY, "02:30", dt.date(2026, 10, 1),
        # 02:30 on 4 October does not exist: 02:00 AEST -> 03:00 AEDT at 16:00Z on the 3rd.
        ["10-01 16:30", "10-02 16:30", "10-03 16:00",
         "10-04 15:30", "10-05 15:30", "10-06 15:30", "10-07 15:30"],
        id="sydney-spring-skipped-hour",
    ),
    pytest.param(
        SYDNEY, "22:00", dt.date(2026, 4, 2),
        ["04-02 11:00", "04-03 11:00", "04-04 11:00",
         "04-05 12:00", "04-06 12:00", "04-07 12:00", "04-08 12:00"],
        id="sydney-autumn-ordinary",
    ),
    pytest.param(
        SYDNEY, "02:30", dt.date(2026, 4, 2),
        # 02:30 happens twice on 5 April (15:30Z AEDT, 16:30Z AEST on the 4th): first counts.
        ["04-02 15:30", "04-03 15:30", "04-04 15:30",
         "04-05 16:30", "04-06 16:30", "04-07 16:30", "04-08 16:30"],
        id="sydney-autumn-repeated-hour",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("tz", "at", "first_day", "expected"), WEEKS)
def test_a_week_around_a_dst_change_has_one_check_in_per_local_date_at_the_expected_instants(
    tz: str, at: str, first_day: dt.date, expected: list[str]
) -> None:
    sequence = fires(at, tz, first_day)

    assert [stamp(instant) for instant in sequence] == expected
    local_dates = [schedule.local_date(instant, tz) for instant in sequence]
    assert len(set(local_dates)) == len(sequence)
    assert all(b - a == dt.timedelta(days=1) for a, b in itertools.pairwise(local_dates))


@pytest.mark.parametrize(
    ("tz", "first_day"),
    [
        (BERLIN, dt.date(2026, 3, 26)),
        (BERLIN, dt.date(2026, 10, 22)),
        (NEW_YORK, dt.date(2026, 3, 5)),
        (NEW_YORK, dt.date(2026, 10, 29)),
        (SYDNEY, dt.date(2026, 10, 1)),
        (SYDNEY, dt.date(2026, 4, 2)),
    ],
)
def test_an_ordinary_evening_time_keeps_its_wall_clock_time_across_the_change(
    tz: str, first_day: dt.date
) -> None:
    for at in ("19:00", "21:30", "22:00", "23:45"):
        local = [schedule.to_local(i, tz) for i in fires(at, tz, first_day)]
        assert {schedule.format_time(moment.time()) for moment in local} == {at}
        assert len({moment.utcoffset() for moment in local}) == 2  # the change is in the week


@pytest.mark.parametrize(
    ("tz", "day", "at", "jump"),
    [
        (BERLIN, dt.date(2026, 3, 29), dt.time(2, 30), utc(3, 29, 1)),
        (BERLIN, dt.date(2026, 3, 29), dt.time(2, 0), utc(3, 29, 1)),
        (NEW_YORK, dt.date(2026, 3, 8), dt.time(2, 59), utc(3, 8, 7)),
        (SYDNEY, dt.date(2026, 10, 4), dt.time(2, 15), utc(10, 3, 16)),
    ],
)
def test_a_time_in_the_skipped_hour_means_the_moment_the_clocks_jump(
    tz: str, day: dt.date, at: dt.time, jump: dt.datetime
) -> None:
    instant = schedule.resolve_local(day, at, ZoneInfo(tz))

    assert instant == jump
    assert schedule.to_local(instant, tz).time() == dt.time(3, 0)


@pytest.mark.parametrize(
    ("tz", "day", "at", "first", "second"),
    [
        (BERLIN, dt.date(2026, 10, 25), dt.time(2, 30), utc(10, 25, 0, 30), utc(10, 25, 1, 30)),
        (NEW_YORK, dt.date(2026, 11, 1), dt.time(1, 30), utc(11, 1, 5, 30), utc(11, 1, 6, 30)),
        (SYDNEY, dt.date(2026, 4, 5), dt.time(2, 30), utc(4, 4, 15, 30), utc(4, 4, 16, 30)),
    ],
)
def test_a_time_in_the_repeated_hour_means_its_first_occurrence_only(
    tz: str, day: dt.date, at: dt.time, first: dt.datetime, second: dt.datetime
) -> None:
    assert schedule.resolve_local(day, at, ZoneInfo(tz)) == first
    # Booking from the first firing (or from anywhere inside the repeated hour) skips the
    # second reading of the same wall-clock time and goes to the next day.
    for after in (first, first + dt.timedelta(minutes=40), second - dt.timedelta(seconds=1)):
        following = schedule.next_occurrence(at, tz, after)
        assert following > second
        assert schedule.local_date(following, tz) == day + dt.timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from(
        [BERLIN, NEW_YORK, SYDNEY, "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Apia"]
    ),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    after=st.datetimes(
        min_value=dt.datetime(2010, 1, 1),
        max_value=dt.datetime(2030, 12, 31),
        timezones=st.just(UTC),
    ),
)
def test_next_occurrence_is_the_first_matching_moment_after_any_instant(
    tz: str, at: dt.time, after: dt.datetime
) -> None:
    found = schedule.next_occurrence(at, tz, after)
    local = schedule.to_local(found, tz)

    assert after < found <= after + dt.timedelta(days=2)
    assert found.tzinfo is UTC
    # It is that wall-clock time, or (when that time does not exist that day) a moment the
    # clocks jumped to, just past it. When a whole day is skipped (Apia, 30 December 2011),
    # that moment is already the next local date.
    wall = local.replace(tzinfo=None)
    just_before = schedule.to_local(found - dt.timedelta(seconds=1), tz).replace(tzinfo=None)
    candidates = [dt.datetime.combine(local.date() - dt.timedelta(days=d), at) for d in (0, 1)]
    assert any(wall == naive or (wall > naive and just_before < naive) for naive in candidates)
    # Nothing in between: the one before it is not after `after`.
    assert schedule.previous_occurrence(at, tz, found - dt.timedelta(microseconds=1)) <= after
    assert schedule.previous_occurrence(at, tz, found) == found


def test_next_occurrence_is_strictly_after_the_given_instant() -> None:
    due = utc(11, 26, 21)  # 22:00 in Berlin

    assert schedule.next_occurrence(dt.time(22), BERLIN, due - dt.timedelta(seconds=1)) == due
    assert schedule.next_occurrence(dt.time(22), BERLIN, due) == utc(11, 27, 21)


def test_previous_occurrence_is_at_or_before_the_given_instant() -> None:
    due = utc(11, 26, 21)

    assert schedule.previous_occurrence(dt.time(22), BERLIN, due) == due
    assert schedule.previous_occurrence(dt.time(22), BERLIN, due - dt.timedelta(minutes=1)) == (
        utc(11, 25, 21)
    )
    # Inside the repeated hour the previous 02:30 is its first occurrence, not the second.
    assert schedule.previous_occurrence(dt.time(2, 30), BERLIN, utc(10, 25, 1, 45)) == (
        utc(10, 25, 0, 30)
    )


# -- night keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checkin", "wake", "boundary"),
    [
        (dt.time(22, 0), dt.time(8, 0), dt.time(15, 0)),
        (dt.time(21, 30), dt.time(6, 30), dt.time(14, 0)),
        (dt.time(0, 30), dt.time(8, 0), dt.time(16, 15)),
        (dt.time(2, 30), dt.time(8, 0), dt.time(17, 15)),
        (dt.time(8, 0), dt.time(8, 0), dt.time(20, 0)),
        (None, dt.time(8, 0), dt.time(12, 0)),
    ],
)
def test_the_day_boundary_is_halfway_from_wake_time_to_check_in_time(
    checkin: dt.time | None, wake: dt.time, boundary: dt.time
) -> None:
    assert schedule.day_boundary(checkin, wake) == boundary


def test_a_note_at_one_in_the_morning_belongs_to_the_previous_evening() -> None:
    boundary = schedule.day_boundary(dt.time(22), dt.time(8))
    one_am = dt.datetime(2026, 11, 27, 1, 0, tzinfo=ZoneInfo(BERLIN))

    assert schedule.night_of(one_am, BERLIN, boundary) == dt.date(2026, 11, 26)


def test_a_note_at_six_in_the_evening_belongs_to_tonight() -> None:
    boundary = schedule.day_boundary(dt.time(22), dt.time(8))
    six_pm = dt.datetime(2026, 11, 27, 18, 0, tzinfo=ZoneInfo(BERLIN))

    assert schedule.night_of(six_pm, BERLIN, boundary) == dt.date(2026, 11, 27)


def test_the_boundary_minute_itself_already_belongs_to_tonight() -> None:
    boundary = schedule.day_boundary(dt.time(22), dt.time(8))
    zone = ZoneInfo(BERLIN)
    at_three = dt.datetime(2026, 11, 27, 15, 0, tzinfo=zone)

    assert schedule.night_of(at_three, BERLIN, boundary) == dt.date(2026, 11, 27)
    assert schedule.night_of(at_three - dt.timedelta(seconds=1), BERLIN, boundary) == (
        dt.date(2026, 11, 26)
    )


def test_a_note_at_eleven_in_the_morning_still_belongs_to_last_night() -> None:
    boundary = schedule.day_boundary(dt.time(22), dt.time(8))
    eleven = dt.datetime(2026, 11, 27, 11, 0, tzinfo=ZoneInfo(BERLIN))

    assert schedule.night_of(eleven, BERLIN, boundary) == dt.date(2026, 11, 26)


def test_an_after_midnight_check_in_belongs_to_the_evening_before() -> None:
    boundary = schedule.day_boundary(dt.time(0, 30), dt.time(8))
    zone = ZoneInfo(NEW_YORK)
    checkin = dt.datetime(2026, 11, 27, 0, 30, tzinfo=zone)
    note_in_bed = dt.datetime(2026, 11, 27, 1, 15, tzinfo=zone)
    morning = dt.datetime(2026, 11, 27, 8, 0, tzinfo=zone)
    evening_before = dt.datetime(2026, 11, 26, 23, 0, tzinfo=zone)
    next_evening = dt.datetime(2026, 11, 27, 20, 0, tzinfo=zone)

    nights = {
        name: schedule.night_of(moment, NEW_YORK, boundary)
        for name, moment in {
            "checkin": checkin,
            "note": note_in_bed,
            "morning": morning,
            "evening before": evening_before,
        }.items()
    }
    assert set(nights.values()) == {dt.date(2026, 11, 26)}
    assert schedule.night_of(next_evening, NEW_YORK, boundary) == dt.date(2026, 11, 27)


def test_night_of_uses_the_local_date_in_the_persons_zone_not_utc() -> None:
    boundary = schedule.day_boundary(dt.time(22), dt.time(8))
    # 22:00 in Sydney on 27 November is 11:00Z the same day; 23:30 in New York is 04:30Z next day.
    assert schedule.night_of(utc(11, 27, 11), SYDNEY, boundary) == dt.date(2026, 11, 27)
    assert schedule.night_of(utc(11, 28, 4, 30), NEW_YORK, boundary) == dt.date(2026, 11, 27)


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("22:30", dt.time(22, 30)),
        ("9pm", dt.time(21, 0)),
        ("9 PM", dt.time(21, 0)),
        ("7:45 a.m.", dt.time(7, 45)),
        ("21", dt.time(21, 0)),
        ("22.30", dt.time(22, 30)),
        ("00:30", dt.time(0, 30)),
        ("12am", dt.time(0, 0)),
        ("12pm", dt.time(12, 0)),
        (" 23:59 ", dt.time(23, 59)),
    ],
)
def test_parse_time_accepts_the_ways_people_type_a_time(typed: str, expected: dt.time) -> None:
    assert schedule.parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed", ["25:99", "24:00", "abc", "", "22:60", "13pm", "0am", "22:5", "2230", "-1"]
)
def test_parse_time_rejects_what_is_not_a_time_of_day(typed: str) -> None:
    with pytest.raises(BadInput):
        schedule.parse_time(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/Berlin", BERLIN),
        ("europe/berlin", BERLIN),
        ("  Europe/Berlin ", BERLIN),
        ("New York", NEW_YORK),
        ("new york", NEW_YORK),
        ("Berlin", BERLIN),
        ("Sydney", SYDNEY),
        ("US/Eastern", NEW_YORK),  # an old alias means its canonical zone
        # Cities that also have an old alias name resolve to their canonical zone.
        ("Istanbul", "Europe/Istanbul"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_parse_timezone_accepts_zone_names_and_city_names(typed: str, expected: str) -> None:
    assert schedule.parse_timezone(typed) == expected


@pytest.mark.parametrize("typed", ["Mars/Base", "", "Atlantis", "Eastern"])
def test_parse_timezone_rejects_unknown_or_ambiguous_names(typed: str) -> None:
    with pytest.raises(BadInput):
        schedule.parse_timezone(typed)


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (52.5200, 13.4050, BERLIN),
        (40.7128, -74.0060, NEW_YORK),
        (-33.8688, 151.2093, SYDNEY),
    ],
)
def test_zone_at_finds_the_zone_of_a_shared_location(
    latitude: float, longitude: float, expected: str
) -> None:
    assert schedule.zone_at(latitude, longitude) == expected
