"""The two daily times as a person types them: a check-in time in the morning or a wake-up
time in the evening is asked about before it is kept, and /wake says only what it changed."""

from __future__ import annotations

import datetime as dt

from bot.context import Services
from bot.schedule import other_half_of_day
from tests.conftest import Chat

CONSENT = "I understand, let's start"


def times(services: Services, chat: Chat) -> tuple[dt.time | None, dt.time]:
    person = services.diary.person(chat.user_id)
    assert person is not None
    return person.checkin_time, person.wake_time


def test_only_a_morning_check_in_or_an_evening_wake_up_is_unlikely() -> None:
    check_in = {h: other_half_of_day(dt.time(h, 15), wake=False) for h in range(24)}
    assert {h for h, other in check_in.items() if other is not None} == set(range(4, 12))
    assert check_in[7] == dt.time(19, 15) and check_in[11] == dt.time(23, 15)
    wake = {h: other_half_of_day(dt.time(h, 15), wake=True) for h in range(24)}
    assert {h for h, other in wake.items() if other is not None} == set(range(18, 24))
    assert wake[23] == dt.time(11, 15) and wake[18] == dt.time(6, 15)


async def test_a_morning_check_in_time_is_asked_about_and_kept_only_when_confirmed(
    chat: Chat, services: Services
) -> None:
    await chat.onboard(at="22:00")
    # Likely times are kept at once, as always.
    for typed, at in (("/time 9pm", dt.time(21)), ("/time 01:30", dt.time(1, 30))):
        [done] = await chat.send(typed)
        assert "Done" in done.text and done.buttons == []
        assert times(services, chat)[0] == at
    [question] = await chat.send("/time 7am")
    assert "07:00 is in the morning" in question.text and "19:00" in question.text
    assert "Done" not in question.text
    labels = [label for label, _ in question.buttons]
    assert labels == ["Yes, 07:00 is right", "No, I meant 19:00"]
    assert times(services, chat)[0] == dt.time(1, 30), "nothing is changed before the answer"
    [done] = await chat.press("No, I meant 19:00", question)
    assert "every evening at 19:00" in done.text
    assert times(services, chat)[0] == dt.time(19, 0)
    assert chat.api.messages[(chat.user_id, question.message_id)].buttons == []

    [question] = await chat.send("/time 8:15 am")
    assert "08:15 is in the morning" in question.text
    [done] = await chat.press("Yes, 08:15 is right", question)
    assert "every morning at 08:15" in done.text and "every evening" not in done.text
    assert times(services, chat)[0] == dt.time(8, 15)


async def test_an_evening_wake_up_time_is_asked_about(chat: Chat, services: Services) -> None:
    await chat.onboard(at="22:00")
    [question] = await chat.send("/wake 23:00")
    assert "23:00 is in the evening" in question.text and "11:00" in question.text
    assert [label for label, _ in question.buttons] == [
        "Yes, 23:00 is right",
        "No, I meant 11:00",
    ]
    assert times(services, chat)[1] == dt.time(8, 0)
    [done] = await chat.press("No, I meant 11:00", question)
    assert "ask about your sleep at 11:00" in done.text
    assert times(services, chat)[1] == dt.time(11, 0)
    [question] = await chat.send("/wake 23:00")
    [done] = await chat.press("Yes, 23:00 is right", question)
    assert "ask about your sleep at 23:00" in done.text
    assert times(services, chat)[1] == dt.time(23, 0)


async def test_set_up_asks_about_a_morning_check_in_time_and_then_finishes(
    chat: Chat, services: Services
) -> None:
    await chat.send("/start")
    await chat.press(CONSENT)
    await chat.send("Europe/Berlin")
    [question] = await chat.send("7am")
    assert "07:00 is in the morning" in question.text
    person = services.diary.person(chat.user_id)
    assert person is not None and not person.ready
    done, ready = await chat.press("No, I meant 19:00", question)
    assert "every evening at 19:00" in done.text
    assert "You're all set" in ready.text
    person = services.diary.person(chat.user_id)
    assert person is not None and person.ready and person.checkin_time == dt.time(19, 0)


async def test_a_new_wake_up_time_does_not_repeat_that_tonights_check_in_has_passed(
    chat: Chat,
) -> None:
    await chat.onboard(at="22:00")  # 20:00 in Berlin
    [reply] = await chat.send("/time 19:30")
    assert "Tonight's time has passed" in reply.text
    [reply] = await chat.send("/wake 07:15")
    assert "ask about your sleep at 07:15" in reply.text
    assert "Tonight's time has passed" not in reply.text
