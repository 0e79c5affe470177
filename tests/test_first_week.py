"""The evening as a person lives it: the moments of a first week that broke trust (issue 17),
each through the real Application."""

from __future__ import annotations

import datetime as dt

from bot.booking import JobKind
from bot.context import Services
from bot.fake_telegram import Sent
from tests.conftest import Chat, FakeClock
from tests.harness import fire, job

UTC = dt.UTC
NIGHT = dt.date(2026, 11, 26)


def texts_of(replies: list[Sent]) -> list[str]:
    return [r.text for r in replies]


async def morning_question(chat: Chat, clock: FakeClock) -> Sent:
    """Fire the person's booked morning job; the question it sent."""
    before = len(chat.api.history)
    await fire(chat.app, clock, job(chat.app, JobKind.MORNING, chat.user_id))
    [question] = chat.api.history[before:]
    return question


def now_showing(chat: Chat, message: Sent) -> Sent:
    """A message as it is now (after edits)."""
    return chat.api.messages[(chat.user_id, message.message_id)]


async def test_the_morning_never_asks_about_an_idea_the_person_did_not_choose(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("6")
    await chat.press("Another idea", card)  # and leaves the next card unanswered
    sleep_question = await morning_question(chat, clock)
    await chat.press("Good", sleep_question)
    answered = now_showing(chat, sleep_question)
    assert "Did you try" not in answered.text and answered.buttons == []
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.answer_remedy is None and night.tried is None


async def test_the_morning_asks_about_the_idea_the_person_chose(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("6")
    await chat.press("Another idea")
    [trying] = [chat.keyboard()]
    title = trying.text.splitlines()[0].split(" ", 1)[1]  # after the card's emoji
    await chat.press("I'll try it", trying)
    sleep_question = await morning_question(chat, clock)
    await chat.press("Good", sleep_question)
    asked = now_showing(chat, sleep_question)
    assert f"Last night's idea was {title}. Did you try it?" in asked.text


async def test_checkin_again_on_a_rated_night_offers_only_the_numbers(chat: Chat) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("4")
    [again] = await chat.send("/checkin")
    assert "You rated tonight 4/10" in again.text
    labels = [label for label, _ in again.buttons]
    assert labels == [str(n) for n in range(11)], "no Snooze or Skip that would not work"
    replies = await chat.press("6", again)
    assert any("Updated tonight's rating to 6/10" in text for text in texts_of(replies))


async def test_a_double_tapped_rating_is_answered_once(chat: Chat) -> None:
    await chat.onboard()
    [question] = await chat.send("/checkin")
    three, five = (dict(question.buttons)[n] for n in ("3", "5"))
    assert await chat.press_data(three, question), "the first tap gets its reply"
    # The second tap of a double tap arrives before the buttons are gone.
    assert await chat.press_data(three, question) == [], "the second tap adds nothing"
    replies = await chat.press_data(five, question)  # a different number is a change
    assert any("Updated tonight's rating to 5/10" in text for text in texts_of(replies))


async def test_greetings_and_skips_follow_the_persons_local_time(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    clock.set(dt.datetime(2026, 11, 26, 12, 27, tzinfo=UTC))  # 13:27 in Berlin
    [afternoon] = await chat.send("/checkin")
    assert afternoon.text.startswith("Good afternoon.")
    clock.set(dt.datetime(2026, 11, 26, 20, 0, tzinfo=UTC))  # 21:00
    [evening] = await chat.send("/checkin")
    assert evening.text.startswith("Good evening.")
    # Skipped the morning after: it is last night's check-in, not "tonight".
    clock.set(dt.datetime(2026, 11, 27, 6, 5, tzinfo=UTC))  # 07:05, before the wake time
    await chat.press("Skip tonight", evening)
    skipped = now_showing(chat, evening)
    assert skipped.text == "Skipped last night's check-in. Nothing else changes."


async def test_a_high_rating_is_heard_and_gets_one_message_with_an_idea_for_tonight(
    chat: Chat,
) -> None:
    await chat.onboard()
    for setting in ("Ask when the urge started", "Ask about day tags"):
        [settings] = await chat.send("/settings")
        await chat.press(setting, settings)
    await chat.send("/checkin")
    replies = await chat.press("8")
    assert len(replies) == 1, texts_of(replies)  # the card alone (the question is edited)
    [card] = replies
    assert card.text.startswith("8/10 sounds like a hard evening, I'm sorry.")
    assert "Evidence:" in card.text
    assert "Idea for tomorrow" not in card.text, "a habit for tomorrow is no help at 8/10"


async def test_editing_a_note_after_a_daytime_check_in_updates_it_and_says_so(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    clock.set(dt.datetime(2026, 11, 26, 12, 27, tzinfo=UTC))  # 13:27: trying the bot out
    await chat.send("/checkin")
    await chat.press("5")
    [saved] = await chat.send("calves fizzing since lunch")
    assert "Saved your note" in saved.text
    note_message = chat.last_update["message"]["message_id"]
    clock.advance(minutes=20)
    [updated] = await chat.edit(note_message, "calves fizzing since breakfast")
    assert "Updated your note" in updated.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None
    assert [n.text for n in night.notes] == ["calves fizzing since breakfast"]


async def test_not_for_me_can_be_undone_in_settings(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("6")
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None
    remedy = services.diary.catalog.get(night.suggestions[0].remedy_id)
    assert remedy is not None
    title = remedy.title
    await chat.press("Not for me", card)
    [settings] = await chat.send("/settings")
    assert "Ideas you turned down: 1" in settings.text
    [listing] = await chat.press("Ideas you turned down (1)…", settings)
    assert title in listing.text
    await chat.press(f"↩️ Bring back: {title}", listing)
    shown = chat.api.messages[(chat.user_id, listing.message_id)]
    assert f"“{title}” can be suggested again." in shown.text
    assert "You haven't turned down any ideas" in shown.text and shown.buttons == []
    person = services.diary.person(chat.user_id)
    assert person is not None and person.not_for_me == frozenset()


async def test_wake_says_when_its_morning_will_have_nothing_to_ask(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()  # 20:00 in Berlin, check-in at 22:00
    clock.set(dt.datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # 10:00 the next day, no check-in
    [reply] = await chat.send("/wake 10:02")
    assert "the night before 10:02 has no check-in" in reply.text
    assert "/checkin, then set /wake to a minute from now" in reply.text
    # After tonight's check-in there is a night to ask about: no such warning.
    clock.set(dt.datetime(2026, 11, 27, 21, 30, tzinfo=UTC))  # 22:30
    await chat.send("/checkin")
    await chat.press("3")
    [reply] = await chat.send("/wake 07:30")
    assert "has no check-in" not in reply.text


async def test_a_missed_night_can_be_filled_in_and_is_marked_as_entered_later(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()  # Thursday 26 November, 20:00 in Berlin
    await chat.send("/checkin")
    await chat.press("6")  # Thursday has its rating
    clock.advance(days=4)  # Monday 30 November: Friday to Sunday went unrated
    [listing] = await chat.send("/missed")
    assert [label for label, _ in listing.buttons] == ["Sun 29 Nov", "Sat 28 Nov", "Fri 27 Nov"]
    await chat.press("Sat 28 Nov", listing)
    question = now_showing(chat, listing)
    assert "Sat 28 Nov" in question.text
    assert [label for label, _ in question.buttons] == [str(n) for n in range(11)]
    await chat.press("4", question)
    done = now_showing(chat, listing)
    assert "4/10" in done.text and "entered later" in done.text
    assert "2 nights still without a rating" in done.text and done.buttons == []
    night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 28))
    assert night is not None and night.rating == 4 and night.entered_later_at == clock.now
    thursday = services.diary.store.get_night(chat.user_id, NIGHT)
    assert thursday is not None and not thursday.entered_later
    [listing] = await chat.send("/missed")
    assert [label for label, _ in listing.buttons] == ["Sun 29 Nov", "Fri 27 Nov"]


async def test_only_the_last_week_since_joining_can_be_filled_in(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    [nothing] = await chat.send("/missed")  # joined today: no night behind
    assert "no earlier nights to fill in yet" in nothing.text and nothing.buttons == []
    clock.advance(days=10)
    [listing] = await chat.send("/missed")
    labels = [label for label, _ in listing.buttons]
    assert labels[0] == "Sat 5 Dec" and labels[-1] == "Sun 29 Nov" and len(labels) == 7
    # A button for a night outside the week (an old list) changes nothing.
    old = chat.api.messages[(chat.user_id, listing.message_id)]
    replies = await chat.press_data(f"1|fr|{dt.date(2026, 11, 27):%Y%m%d}|5", old)
    assert any("/missed" in r.text for r in replies)
    assert services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 27)) is None


async def test_missed_says_truly_why_there_is_nothing_to_fill_in(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()  # Thursday 26 November, 20:00 in Berlin; nothing rated
    [nothing] = await chat.send("/missed")
    assert nothing.text == (
        "There are no earlier nights to fill in yet: your diary starts with the night of "
        "Thu 26 Nov. For that night, use /checkin."
    )
    assert nothing.buttons == []
    clock.set(dt.datetime(2026, 11, 27, 6, 0, tzinfo=UTC))  # Friday 07:00, before waking:
    [still] = await chat.send("/missed")  # a check-in is still for Thursday's night
    assert still.text == nothing.text
    clock.set(dt.datetime(2026, 11, 27, 19, 0, tzinfo=UTC))  # Friday 20:00: Thursday is offered
    [listing] = await chat.send("/missed")
    assert [label for label, _ in listing.buttons] == ["Thu 26 Nov"]
    services.diary.missed.fill_in(chat.user_id, NIGHT, 4, clock.now)
    [nothing] = await chat.send("/missed")
    assert "every night since you started (Thu 26 Nov) has a rating" in nothing.text
    assert "past week" not in nothing.text and nothing.buttons == []
    clock.advance(days=9)  # Sunday 6 December: rate the whole past week
    for back in range(1, 8):
        services.diary.missed.fill_in(
            chat.user_id, dt.date(2026, 12, 6) - dt.timedelta(days=back), 2, clock.now
        )
    [nothing] = await chat.send("/missed")
    assert "every night of the past week has a rating" in nothing.text
    assert "since you started" not in nothing.text and nothing.buttons == []


async def test_filling_in_keeps_a_rating_given_meanwhile(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    clock.advance(days=1, hours=-5)  # Friday 27 November, 15:00: Thursday's night is missed
    [listing] = await chat.send("/missed")
    await chat.press("Thu 26 Nov", listing)
    question = now_showing(chat, listing)
    services.diary.missed.fill_in(chat.user_id, NIGHT, 3, clock.now)  # another device, first
    await chat.press("8", question)
    shown = now_showing(chat, listing)
    assert "already has a rating" in shown.text and "3/10" in shown.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 3
