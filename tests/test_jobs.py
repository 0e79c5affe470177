"""The job chain through the real Application: DST, restarts, blocked bots, mornings, pauses.

Jobs are real PTB jobs, but the scheduler is paused: the tests use fixed 2026 instants, which
the real clock would see as past or future depending on when the suite runs. A test fires a job
the way the scheduler would: it moves the FakeClock to the job's due instant and awaits
`job.run(app)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Job

from bot import keyboards, schedule
from bot.app import BotApp
from bot.booking import Due, JobKind
from bot.config import Settings
from bot.context import Services
from bot.fake_telegram import Event, FakeBotAPI, FakeTelegram, html_to_plain
from bot.models import Person, PromptSource
from bot.texts import EveningText, MorningText, SettingsText, SetupText, t
from tests.conftest import Chat, FakeClock
from tests.harness import booked, job, job_names, process

UTC = dt.UTC
UID = 501
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
QUESTION = html_to_plain(t(EveningText.RATING_QUESTION))
LATE = html_to_plain(t(EveningText.CATCH_UP, question=""))
WELCOME_BACK = html_to_plain(t(EveningText.WELCOME_BACK_PAUSE, question="")).strip()
MORNING = html_to_plain(t(MorningText.QUESTION))


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Delivered:
    """A message as it was when the bot sent it (the fake updates its copy on later edits)."""

    chat_id: int
    text: str
    nights: frozenset[dt.date]

    @property
    def is_check_in(self) -> bool:
        return QUESTION in self.text

    @property
    def is_morning(self) -> bool:
        return MORNING in self.text


@dataclass
class Outbox:
    """Every message the fake Telegram accepted (a 403 is not a delivery)."""

    messages: list[Delivered] = field(default_factory=list)

    def record(self, event: Event) -> None:
        sent = event.sent
        if event.kind != "message" or sent is None:
            return
        presses = (keyboards.parse(data) for _, data in sent.buttons)
        nights = frozenset(n for p in presses if (n := getattr(p, "night", None)) is not None)
        self.messages.append(Delivered(sent.chat_id, sent.text, nights))

    def check_ins(self) -> list[Delivered]:
        return [m for m in self.messages if m.chat_id == UID and m.is_check_in]

    def mornings(self) -> list[Delivered]:
        return [m for m in self.messages if m.chat_id == UID and m.is_morning]


@dataclass
class Scene:
    """One running bot and one person talking to it."""

    app: BotApp
    services: Services
    clock: FakeClock
    outbox: Outbox
    chat: Chat

    def job(self, kind: JobKind) -> Job[Any]:
        return job(self.app, kind, UID)

    def due(self, kind: JobKind) -> dt.datetime:
        data = self.job(kind).data
        assert isinstance(data, Due)
        return data.when

    def booked(self) -> set[JobKind]:
        return {kind for kind in JobKind if booked(self.app, kind, UID) is not None}

    def person(self) -> Person:
        person = self.services.diary.person(UID)
        assert person is not None
        return person

    async def run(self, job: Job[Any]) -> list[Delivered]:
        """Run a job as the scheduler would: at its due instant, or now if that has passed.

        Like APScheduler firing a one-off job, it first takes the job off the queue.
        """
        data = job.data
        assert isinstance(data, Due)
        self.clock.set(max(self.clock(), data.when))
        with contextlib.suppress(LookupError):  # already off the queue (fired before)
            job.job.remove()
        before = len(self.outbox.messages)
        await job.run(self.app)
        return self.outbox.messages[before:]

    async def fire(self, kind: JobKind) -> list[Delivered]:
        """Run the person's booked job of this kind, checking the scheduler holds it as booked."""
        job = self.job(kind)
        assert job.next_t == self.due(kind)
        return await self.run(job)


def hold(app: BotApp) -> None:
    """Pause the real scheduler: jobs stay booked (with next_t) but only tests run them."""
    assert app.job_queue is not None
    app.job_queue.scheduler.pause()


@pytest.fixture
def outbox(api: FakeBotAPI) -> Outbox:
    box = Outbox()
    api.listeners.append(box.record)
    return box


@pytest.fixture
def scene(app: BotApp, services: Services, clock: FakeClock, outbox: Outbox, chat: Chat) -> Scene:
    hold(app)
    return Scene(app, services, clock, outbox, chat)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> AsyncIterator[Scene]:
    """A whole bot process on `settings.data_dir`: start (restoring jobs), use, shut down."""
    async with process(settings, clock, FakeTelegram(api), seed=1234) as (app, services, errors):
        yield Scene(app, services, clock, outbox, Chat(app, api, UID))
    assert not errors, f"handlers or jobs raised: {errors!r}"


# -- DST through the real job chain --------------------------------------------------------------
# Each case: zone, check-in time, the local day set-up happens (at local noon), and the UTC
# instants ("MM-DD HH:MM", 2026) of the next five evening check-ins, across the change.

DST_CHAINS = [
    pytest.param(BERLIN, "22:00", dt.date(2026, 3, 27),
                 ["03-27 21:00", "03-28 21:00", "03-29 20:00", "03-30 20:00", "03-31 20:00"],
                 id="berlin-spring-ordinary"),
    pytest.param(BERLIN, "02:30", dt.date(2026, 3, 26),
                 ["03-27 01:30", "03-28 01:30", "03-29 01:00", "03-30 00:30", "03-31 00:30"],
                 id="berlin-spring-skipped-hour"),
    pytest.param(BERLIN, "22:00", dt.date(2026, 10, 23),
                 ["10-23 20:00", "10-24 20:00", "10-25 21:00", "10-26 21:00", "10-27 21:00"],
                 id="berlin-autumn-ordinary"),
    pytest.param(BERLIN, "02:30", dt.date(2026, 10, 22),
                 ["10-23 00:30", "10-24 00:30", "10-25 00:30", "10-26 01:30", "10-27 01:30"],
                 id="berlin-autumn-repeated-hour"),
    pytest.param(NEW_YORK, "22:00", dt.date(2026, 3, 6),
                 ["03-07 03:00", "03-08 03:00", "03-09 02:00", "03-10 02:00", "03-11 02:00"],
                 id="new-york-spring-ordinary"),
    pytest.param(NEW_YORK, "02:30", dt.date(2026, 3, 5),
                 ["03-06 07:30", "03-07 07:30", "03-08 07:00", "03-09 06:30", "03-10 06:30"],
                 id="new-york-spring-skipped-hour"),
    pytest.param(NEW_YORK, "22:00", dt.date(2026, 10, 30),
                 ["10-31 02:00", "11-01 02:00", "11-02 03:00", "11-03 03:00", "11-04 03:00"],
                 id="new-york-autumn-ordinary"),
    pytest.param(NEW_YORK, "01:30", dt.date(2026, 10, 29),
                 ["10-30 05:30", "10-31 05:30", "11-01 05:30", "11-02 06:30", "11-03 06:30"],
                 id="new-york-autumn-repeated-hour"),
    pytest.param(SYDNEY, "22:00", dt.date(2026, 10, 2),
                 ["10-02 12:00", "10-03 12:00", "10-04 11:00", "10-05 11:00", "10-06 11:00"],
                 id="sydney-spring-ordinary"),
    pytest.param(SYDNEY, "02:30", dt.date(2026, 10, 1),
                 ["10-01 16:30", "10-02 16:30", "10-03 16:00", "10-04 15:30", "10-05 15:30"],
                 id="sydney-spring-skipped-hour"),
    pytest.param(SYDNEY, "22:00", dt.date(2026, 4, 3),
                 ["04-03 11:00", "04-04 11:00", "04-05 12:00", "04-06 12:00", "04-07 12:00"],
                 id="sydney-autumn-ordinary"),
    pytest.param(SYDNEY, "02:30", dt.date(2026, 4, 2),
                 ["04-02 15:30", "04-03 15:30", "04-04 15:30", "04-05 16:30", "04-06 16:30"],
                 id="sydney-autumn-repeated-hour"),
]  # fmt: skip


def stamp(instant: dt.datetime) -> str:
    return instant.astimezone(UTC).strftime("%m-%d %H:%M")


def local_noon(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), ZoneInfo(tz)).astimezone(UTC)


@pytest.mark.parametrize(("tz", "at", "setup_day", "expected"), DST_CHAINS)
async def test_across_a_dst_change_each_night_gets_exactly_one_check_in_at_the_right_time(
    scene: Scene, tz: str, at: str, setup_day: dt.date, expected: list[str]
) -> None:
    scene.clock.set(local_noon(setup_day, tz))
    await scene.chat.onboard(tz=tz, at=at)

    fired: list[str] = []
    for _ in expected:
        due = scene.due(JobKind.EVENING)
        sent = await scene.fire(JobKind.EVENING)
        assert [m.is_check_in for m in sent] == [True], f"check-ins sent at {stamp(due)}"
        fired.append(stamp(due))
        # The next one is already booked, strictly after this one.
        assert scene.due(JobKind.EVENING) > due

    assert fired == expected
    # One check-in per night, each for its own night, nights in a row.
    nights = [min(m.nights) for m in scene.outbox.check_ins()]
    assert len(nights) == len(expected) == len(set(nights))
    assert all(b - a == dt.timedelta(days=1) for a, b in itertools.pairwise(nights))


@pytest.mark.parametrize(
    ("tz", "at", "setup_day", "first", "second"),
    [
        (BERLIN, "02:30", dt.date(2026, 10, 24), utc(10, 25, 0, 30), utc(10, 25, 1, 30)),
        (NEW_YORK, "01:30", dt.date(2026, 10, 31), utc(11, 1, 5, 30), utc(11, 1, 6, 30)),
        (SYDNEY, "02:30", dt.date(2026, 4, 4), utc(4, 4, 15, 30), utc(4, 4, 16, 30)),
    ],
)
async def test_a_check_in_time_in_the_repeated_hour_fires_once_even_if_the_job_fires_twice(
    scene: Scene, tz: str, at: str, setup_day: dt.date, first: dt.datetime, second: dt.datetime
) -> None:
    scene.clock.set(local_noon(setup_day, tz))
    await scene.chat.onboard(tz=tz, at=at)
    job = scene.job(JobKind.EVENING)
    assert scene.due(JobKind.EVENING) == first

    assert len(await scene.run(job)) == 1
    # Nothing is booked for the second reading of the same wall-clock time...
    assert scene.due(JobKind.EVENING) > second
    assert schedule.local_date(scene.due(JobKind.EVENING), tz) == setup_day + dt.timedelta(2)
    # ...and should the old job still fire then (as run_daily would), storage says "sent".
    scene.clock.set(second)
    assert await scene.run(job) == []
    assert len(scene.outbox.check_ins()) == 1


# -- restarts ----------------------------------------------------------------------------------


async def test_after_a_restart_jobs_are_rebuilt_from_storage_with_the_same_next_instants(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=NEW_YORK, at="21:30")
        await first.chat.send("/wake 6:45")
        before = {kind: first.due(kind) for kind in (JobKind.EVENING, JobKind.MORNING)}
    assert before == {JobKind.EVENING: utc(11, 27, 2, 30), JobKind.MORNING: utc(11, 27, 11, 45)}

    clock.advance(minutes=20)
    async with running(settings, clock, api, outbox) as second:
        assert second.booked() == {JobKind.EVENING, JobKind.MORNING}
        for kind, due in before.items():
            assert second.due(kind) == due
            assert second.job(kind).next_t == due
        sent = await second.fire(JobKind.EVENING)
        assert [m.is_check_in for m in sent] == [True]
        assert schedule.to_local(second.clock(), NEW_YORK).strftime("%H:%M") == "21:30"


async def test_a_check_in_already_sent_tonight_is_not_sent_again_after_a_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")
        assert len(await first.fire(JobKind.EVENING)) == 1

    clock.advance(minutes=30)
    async with running(settings, clock, api, outbox) as second:
        # Within the catch-up window, so a catch-up is booked; storage knows tonight was sent.
        assert second.booked() == {JobKind.EVENING, JobKind.MORNING, JobKind.CATCH_UP_EVENING}
        assert await second.fire(JobKind.CATCH_UP_EVENING) == []
        assert second.due(JobKind.EVENING) == utc(11, 27, 21)

    assert len(outbox.check_ins()) == 1


@pytest.mark.parametrize(
    "back_at",
    [utc(11, 26, 21, 30), utc(11, 26, 23, 0)],
    ids=["30-min-late", "exactly-2-hours-late"],
)
async def test_a_check_in_missed_while_down_is_sent_on_restart_within_two_hours(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox, back_at: dt.datetime
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")  # at 20:00 in Berlin; due 21:00Z

    clock.set(back_at)
    async with running(settings, clock, api, outbox) as second:
        catch_up = second.job(JobKind.CATCH_UP_EVENING)
        assert second.due(JobKind.CATCH_UP_EVENING) == utc(11, 26, 21)
        sent = await second.run(catch_up)
        assert len(sent) == 1
        assert sent[0].is_check_in and sent[0].text.startswith(LATE)
        assert sent[0].nights == {dt.date(2026, 11, 26)}
        assert second.booked() == {JobKind.EVENING, JobKind.MORNING}
        assert second.due(JobKind.EVENING) == utc(11, 27, 21)
        # The same catch-up firing again changes nothing.
        assert await second.run(catch_up) == []

    assert len(outbox.check_ins()) == 1


@pytest.mark.parametrize(
    "back_at", [utc(11, 26, 23, 1), utc(11, 27, 6, 0)], ids=["2h01-late", "next-morning"]
)
async def test_a_check_in_missed_by_more_than_two_hours_is_not_sent_after_a_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox, back_at: dt.datetime
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")

    clock.set(back_at)
    async with running(settings, clock, api, outbox) as second:
        assert second.booked() == {JobKind.EVENING, JobKind.MORNING}
        assert second.due(JobKind.EVENING) == utc(11, 27, 21)
        night = second.services.diary.store.get_night(UID, dt.date(2026, 11, 26))
        assert night is None or night.prompted_at is None
        # The next evening comes as usual, for its own night.
        sent = await second.fire(JobKind.EVENING)
        assert [m.nights for m in sent] == [{dt.date(2026, 11, 27)}]
        assert not sent[0].text.startswith(LATE)

    assert len(outbox.check_ins()) == 1


async def test_a_morning_follow_up_missed_while_down_is_sent_on_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")
        await first.fire(JobKind.EVENING)
        await first.chat.press("4")
        assert first.due(JobKind.MORNING) == utc(11, 27, 7)

    clock.set(utc(11, 27, 8, 30))  # 09:30 in Berlin, 90 minutes after the wake time
    async with running(settings, clock, api, outbox) as second:
        sent = await second.fire(JobKind.CATCH_UP_MORNING)
        assert [(m.is_morning, m.nights) for m in sent] == [
            (True, frozenset({dt.date(2026, 11, 26)}))
        ]
        assert second.due(JobKind.MORNING) == utc(11, 28, 7)

    assert len(outbox.mornings()) == 1


async def test_a_snooze_survives_a_restart_and_asks_again_once(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")
        await first.fire(JobKind.EVENING)
        clock.advance(minutes=5)
        await first.chat.press(t(EveningText.SNOOZE_BUTTON))
        assert "22:35" in first.chat.last.text  # the edited check-in says when it comes back
        assert first.due(JobKind.SNOOZE) == utc(11, 26, 21, 35)

    clock.advance(minutes=10)  # down from 22:05 to 22:15 Berlin time
    async with running(settings, clock, api, outbox) as second:
        snooze = second.job(JobKind.SNOOZE)
        assert second.due(JobKind.SNOOZE) == utc(11, 26, 21, 35)
        assert snooze.next_t == utc(11, 26, 21, 35)
        # The catch-up for tonight's check-in sees it was sent and stays quiet.
        assert await second.fire(JobKind.CATCH_UP_EVENING) == []

        sent = await second.run(snooze)
        assert len(sent) == 1 and sent[0].is_check_in
        assert sent[0].nights == {dt.date(2026, 11, 26)}
        assert second.person().snooze is None
        assert await second.run(snooze) == []

    assert len(outbox.check_ins()) == 2


async def test_a_snooze_that_came_due_while_down_is_sent_right_after_the_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")
        await first.fire(JobKind.EVENING)
        await first.chat.press(t(EveningText.SNOOZE_BUTTON))  # due again at 21:30Z

    clock.set(utc(11, 26, 21, 50))  # back 20 minutes after the snooze was due
    async with running(settings, clock, api, outbox) as second:
        assert second.due(JobKind.SNOOZE) == utc(11, 26, 21, 50)
        sent = await second.fire(JobKind.SNOOZE)
        assert [(m.is_check_in, m.nights) for m in sent] == [
            (True, frozenset({dt.date(2026, 11, 26)}))
        ]

    assert len(outbox.check_ins()) == 2


# -- a person who blocked the bot --------------------------------------------------------------


async def test_a_person_who_blocked_the_bot_gets_no_reminders_until_the_next_start(
    scene: Scene, api: FakeBotAPI
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    api.blocked.add(UID)

    assert await scene.fire(JobKind.EVENING) == []
    assert scene.person().blocked_at == utc(11, 26, 21)
    assert scene.booked() == set()
    assert scene.app.job_queue is not None
    assert {j.name for j in scene.app.job_queue.jobs()} == {"scan-nights"}

    api.blocked.discard(UID)
    scene.clock.set(utc(11, 27, 9))
    replies = await scene.chat.send("/start")
    assert html_to_plain(t(SetupText.REMINDERS_BACK_ON)) in [r.text for r in replies]
    assert scene.person().blocked_at is None
    assert scene.due(JobKind.EVENING) == utc(11, 27, 21)
    assert scene.due(JobKind.MORNING) == utc(11, 28, 7)
    sent = await scene.fire(JobKind.EVENING)
    assert [m.nights for m in sent if m.is_check_in] == [{dt.date(2026, 11, 27)}]


async def test_a_blocked_bot_found_by_the_morning_follow_up_stops_the_evening_too(
    scene: Scene, api: FakeBotAPI
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    await scene.fire(JobKind.EVENING)
    await scene.chat.press("3")
    api.blocked.add(UID)

    assert await scene.fire(JobKind.MORNING) == []
    assert scene.person().blocked_at == utc(11, 27, 7)
    assert scene.booked() == set()


async def test_a_snoozed_check_in_is_dropped_when_the_person_has_blocked_the_bot(
    scene: Scene, api: FakeBotAPI
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    await scene.fire(JobKind.EVENING)
    await scene.chat.press(t(EveningText.SNOOZE_BUTTON))
    snooze = scene.job(JobKind.SNOOZE)
    api.blocked.add(UID)

    assert await scene.run(snooze) == []
    assert scene.person().blocked_at is not None and scene.person().snooze is None
    assert scene.booked() == set()


# -- the morning follow-up ---------------------------------------------------------------------


async def test_the_morning_follow_up_goes_once_and_only_after_a_rated_night(
    scene: Scene,
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")

    # Night 1: rated, so the morning asks about it, once.
    await scene.fire(JobKind.EVENING)
    await scene.chat.press("6")
    morning = scene.job(JobKind.MORNING)
    sent = await scene.run(morning)
    assert [(m.is_morning, m.nights) for m in sent] == [(True, frozenset({dt.date(2026, 11, 26)}))]
    assert await scene.run(morning) == []  # the same job firing twice

    # Night 2: check-in sent, never answered: no morning message.
    await scene.fire(JobKind.EVENING)
    assert await scene.fire(JobKind.MORNING) == []

    # Night 3: skipped: no morning message.
    await scene.fire(JobKind.EVENING)
    await scene.chat.press(t(EveningText.SKIP_BUTTON))
    assert await scene.fire(JobKind.MORNING) == []

    # Night 4: rated 0 (calm legs) still counts as a check-in.
    await scene.fire(JobKind.EVENING)
    await scene.chat.press("0")
    sent = await scene.fire(JobKind.MORNING)
    assert [m.nights for m in sent if m.is_morning] == [{dt.date(2026, 11, 29)}]

    assert [min(m.nights) for m in scene.outbox.mornings()] == [
        dt.date(2026, 11, 26),
        dt.date(2026, 11, 29),
    ]


# -- pause and resume --------------------------------------------------------------------------


async def test_pause_for_two_nights_then_the_check_in_comes_back_by_itself(scene: Scene) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    await scene.chat.send("/pause 2")

    assert await scene.fire(JobKind.EVENING) == []  # Thursday 26 November
    assert await scene.fire(JobKind.EVENING) == []  # Friday 27
    assert scene.person().pause is not None
    back = await scene.fire(JobKind.EVENING)  # Saturday 28: back without /resume
    assert len(back) == 1
    assert back[0].text.startswith(WELCOME_BACK) and back[0].is_check_in
    assert back[0].nights == {dt.date(2026, 11, 28)}
    assert scene.person().pause is None

    following = await scene.fire(JobKind.EVENING)
    assert len(following) == 1 and following[0].is_check_in
    assert WELCOME_BACK not in following[0].text


async def test_pause_until_resume_holds_check_ins_and_resume_brings_them_back(
    scene: Scene,
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    await scene.chat.send("/pause")

    for _ in range(3):
        assert await scene.fire(JobKind.EVENING) == []
    assert scene.due(JobKind.EVENING) == utc(11, 29, 21)

    scene.clock.set(utc(11, 29, 12))
    replies = await scene.chat.send("/resume")
    assert html_to_plain(t(SettingsText.RESUMED)) in [r.text for r in replies]
    assert scene.due(JobKind.EVENING) == utc(11, 29, 21)
    sent = await scene.fire(JobKind.EVENING)
    assert [m.nights for m in sent if m.is_check_in] == [{dt.date(2026, 11, 29)}]
    assert WELCOME_BACK not in sent[0].text


async def test_pause_drops_a_pending_snooze(scene: Scene) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    await scene.fire(JobKind.EVENING)
    await scene.chat.press(t(EveningText.SNOOZE_BUTTON))
    snooze = scene.job(JobKind.SNOOZE)

    await scene.chat.send("/pause 1")

    assert JobKind.SNOOZE not in scene.booked()
    assert await scene.run(snooze) == []  # had it fired anyway: nothing is sent
    assert len(scene.outbox.check_ins()) == 1


# -- booking rules -----------------------------------------------------------------------------


async def test_a_job_that_runs_late_books_the_next_one_from_now_and_still_sends_within_two_hours(
    scene: Scene,
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    job = scene.job(JobKind.EVENING)

    scene.clock.set(utc(11, 26, 22, 30))  # the loop was busy: 90 minutes late
    sent = await scene.run(job)

    assert len(sent) == 1 and sent[0].is_check_in
    assert scene.due(JobKind.EVENING) == utc(11, 27, 21)


@pytest.mark.parametrize(
    ("late_until", "next_due"),
    [
        (utc(11, 27, 0, 0), utc(11, 27, 21)),  # 01:00 in Berlin: three hours late
        (utc(11, 27, 22, 0), utc(11, 28, 21)),  # a day and an hour late (host suspended)
    ],
    ids=["3-hours-late", "25-hours-late"],
)
async def test_a_job_that_runs_more_than_two_hours_late_sends_nothing_but_keeps_the_chain(
    scene: Scene, late_until: dt.datetime, next_due: dt.datetime
) -> None:
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    job = scene.job(JobKind.EVENING)

    scene.clock.set(late_until)
    assert await scene.run(job) == []

    # The next one is in the future, never an instant that has already passed.
    assert scene.due(JobKind.EVENING) == next_due
    assert len(await scene.fire(JobKind.EVENING)) == 1


async def test_changing_the_time_after_the_scheduler_dropped_a_missed_job_still_works(
    scene: Scene,
) -> None:
    # The scheduler forgets a one-off job once it has fired or was dropped as missed; the
    # registry still holds it until our callback runs. Cancelling it must not raise.
    await scene.chat.onboard(tz=BERLIN, at="22:00")
    stale = scene.job(JobKind.EVENING)
    stale.job.remove()  # what APScheduler does to a one-off job it fires or drops

    replies = await scene.chat.send("/time 21:30")

    assert "21:30" in replies[-1].text
    assert scene.due(JobKind.EVENING) == utc(11, 26, 20, 30)
    assert scene.job(JobKind.EVENING).next_t == utc(11, 26, 20, 30)


async def test_a_restart_books_reminders_only_for_people_who_finished_set_up(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="22:00")
        other = Chat(first.app, api, 777)
        await other.send("/start")
        await other.press("I understand, let's start")  # consented, no zone or time yet

    async with running(settings, clock, api, outbox) as second:
        assert {n for n in job_names(second.app) if ":" in n} == {"evening:501", "morning:501"}
        assert second.services.diary.person(777) is not None  # kept, just not reminded
        data = second.job(JobKind.EVENING).data
        assert isinstance(data, Due) and data.source is PromptSource.SCHEDULE


# -- a check-in time that had just passed when it was set ----------------------------------------


async def test_a_restart_right_after_setting_a_time_that_had_passed_sends_no_late_check_in(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    clock.set(utc(11, 26, 20, 0))  # 21:00 in Berlin
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="23:00")
        clock.set(utc(11, 26, 21, 5))  # 22:05: the person moves the check-in to 22:00
        [confirmation] = await first.chat.send("/time 22:00")
        assert "Tonight's time has passed, so the next check-in is tomorrow" in confirmation.text

    clock.advance(minutes=3)  # a normal restart a few minutes later
    async with running(settings, clock, api, outbox) as second:
        # The reply said "tomorrow"; the catch-up follows the same rule and books nothing.
        assert second.booked() == {JobKind.EVENING, JobKind.MORNING}
        assert second.due(JobKind.EVENING) == utc(11, 27, 21)
    assert outbox.check_ins() == []


async def test_a_time_set_just_before_it_comes_is_still_caught_up_after_a_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI, outbox: Outbox
) -> None:
    clock.set(utc(11, 26, 20, 0))
    async with running(settings, clock, api, outbox) as first:
        await first.chat.onboard(tz=BERLIN, at="23:00")
        clock.set(utc(11, 26, 20, 55))  # 21:55: check in at 22:00 tonight
        [confirmation] = await first.chat.send("/time 22:00")
        assert "next check-in is tomorrow" not in confirmation.text

    clock.set(utc(11, 26, 21, 20))  # down over 22:00, back at 22:20
    async with running(settings, clock, api, outbox) as second:
        sent = await second.fire(JobKind.CATCH_UP_EVENING)
        assert [(m.is_check_in, m.text.startswith(LATE)) for m in sent] == [(True, True)]
