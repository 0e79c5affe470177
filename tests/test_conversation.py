"""The conversation through the real Application, with real Update payloads and a fake Telegram."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.app import BotApp
from bot.booking import JobKind
from bot.context import Services
from bot.fake_telegram import FakeBotAPI
from bot.models import Response
from tests.conftest import Chat, FakeClock
from tests.harness import booked, job, job_names

CONSENT = "I understand, let's start"
NIGHT = dt.date(2026, 11, 26)


def card_titles(services: Services) -> dict[str, str]:
    return {r.id: r.title for r in services.diary.catalog.remedies}


async def test_start_explains_the_bot_and_stores_nothing_before_consent(
    chat: Chat, services: Services
) -> None:
    [welcome] = await chat.send("/start")
    assert "not a doctor" in welcome.text
    assert "not medical advice" in welcome.text
    assert "/delete" in welcome.text and "/export" in welcome.text
    assert welcome.buttons == [(CONSENT, "1|c||")]
    assert services.diary.person(chat.user_id) is None
    assert not (services.settings.data_dir / "users" / str(chat.user_id)).exists()


async def test_set_up_asks_zone_then_time_and_books_the_evening(
    chat: Chat, services: Services
) -> None:
    await chat.send("/start")
    [question] = await chat.press(CONSENT)
    assert "time zone" in question.text
    assert "Share my location" in question.reply_buttons
    assert "Europe/Berlin" in question.reply_buttons
    replies = await chat.send("europe/berlin")
    assert "Time zone set to Europe/Berlin (it's 20:00 there now)" in replies[0].text
    assert "check in each evening" in replies[-1].text
    assert ("22:00", "1|tm||2200") in replies[-1].buttons
    replies = await chat.press("22:30")
    assert "every evening at 22:30" in replies[0].text
    assert "/checkin" in replies[-1].text
    person = services.diary.person(chat.user_id)
    assert person is not None and person.ready
    evening = job(chat.app, JobKind.EVENING, chat.user_id)
    assert evening.next_t == dt.datetime(2026, 11, 26, 21, 30, tzinfo=dt.UTC)


async def test_a_shared_location_sets_the_time_zone(chat: Chat, services: Services) -> None:
    await chat.send("/start")
    await chat.press(CONSENT)
    replies = await chat.send_message({"location": {"latitude": -33.87, "longitude": 151.21}})
    assert "Australia/Sydney" in replies[0].text
    assert "did not keep it" in replies[0].text
    person = services.diary.person(chat.user_id)
    assert person is not None and person.tz == "Australia/Sydney"


async def test_start_again_keeps_everything(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("4")
    await chat.send("restless after the film")
    [back] = await chat.send("/start")
    assert "Welcome back" in back.text and "(1 night)" in back.text
    assert len(services.diary.nights(chat.user_id)) == 1
    person = services.diary.person(chat.user_id)
    assert person is not None and person.tz == "Europe/Berlin"


async def test_bad_arguments_get_a_correction_and_change_nothing(
    chat: Chat, services: Services
) -> None:
    await chat.onboard(at="22:00")
    before = services.diary.person(chat.user_id)
    [reply] = await chat.send("/time 25:99")
    assert "/time 22:30" in reply.text and "Nothing was changed" in reply.text
    [reply] = await chat.send("/timezone Mars/Base")
    assert "Mars/Base" in reply.text and "/timezone Europe/Berlin" in reply.text
    [reply] = await chat.send("/wake 7 o'clock")
    assert "/wake 07:30" in reply.text
    [reply] = await chat.send("/pause soon")
    assert "/pause 3" in reply.text
    assert services.diary.person(chat.user_id) == before


async def test_commands_change_times_and_zone(chat: Chat, services: Services) -> None:
    await chat.onboard()
    [reply] = await chat.send("/wake 07:15")
    assert "07:15" in reply.text
    replies = await chat.send("/timezone America/New_York")
    assert "America/New_York" in replies[0].text
    person = services.diary.person(chat.user_id)
    assert person is not None
    assert (person.tz, person.wake_time) == ("America/New_York", dt.time(7, 15))
    evening = job(chat.app, JobKind.EVENING, chat.user_id)
    assert evening.next_t == dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)  # 22:00 in New York


async def test_checkin_offers_ratings_snooze_and_skip(chat: Chat) -> None:
    await chat.onboard()
    [question] = await chat.send("/checkin")
    labels = [label for label, _ in question.buttons]
    assert labels == [str(n) for n in range(11)] + ["Snooze 30 min", "Skip tonight"]
    assert "How do your legs feel" in question.text


async def test_a_rating_gets_exactly_one_remedy_with_its_evidence(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    replies = await chat.press("6")
    assert len(replies) == 1
    card = replies[0]
    lines = card.text.splitlines()
    assert any(line.startswith("Evidence: ") for line in lines)
    assert [label for label, _ in card.buttons] == ["I'll try it", "Another idea", "Not for me"]
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 6
    [shown] = night.suggestions
    remedy = services.diary.catalog.get(shown.remedy_id)
    assert remedy is not None and remedy.title in card.text
    assert shown.content_version == services.diary.catalog.version
    if remedy.safety:
        assert "Safety:" in card.text
    # The check-in message itself now shows the answer and has no buttons left.
    question = chat.api.sent_to(chat.user_id)[-2]
    assert "6/10" in question.text and question.buttons == []


async def test_a_zero_rating_gets_a_good_night_and_no_remedy(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [reply] = await chat.press("0")
    assert "Sleep well" in reply.text and "Evidence" not in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 0 and night.suggestions == ()


async def test_a_typed_number_counts_as_the_rating(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    replies = await chat.send("7")
    assert "7/10" in replies[0].text
    assert any("Evidence: " in r.text for r in replies)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 7 and night.notes == ()


async def test_a_rating_typed_in_words_counts_and_a_number_that_is_not_one_is_asked_again(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    for typed in ("6.5", "-1", "11", "6 or 7"):
        [reply] = await chat.send(typed)
        assert "one whole number from 0 (calm) to 10" in reply.text, typed
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating is None and night.notes == ()
    replies = await chat.send("Seven")
    assert "You said 7/10" in replies[0].text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 7 and night.notes == ()


async def test_a_rating_with_words_after_it_keeps_both(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    replies = await chat.send("7, calves crawling since tea")
    assert "You said 7/10. I saved the rest as a note" in replies[0].text
    assert any("Evidence: " in r.text for r in replies)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 7
    assert [n.text for n in night.notes] == ["7, calves crawling since tea"]


async def test_a_rating_with_a_crisis_after_it_gets_the_crisis_reply_and_keeps_the_rating(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [reply] = await chat.send("8 thinking of ending it")
    assert "No person reads this chat" in reply.text and "Evidence" not in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating == 8 and night.suggestions == ()
    assert "self_harm" in night.red_flags


async def test_a_count_is_not_read_as_a_rating(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [reply] = await chat.send("2 hours of sleep last night, calves buzzing")
    assert "Saved your note" in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating is None


async def test_not_for_me_is_never_suggested_again(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    card = (await chat.press("8"))[0]
    first = services.diary.store.get_night(chat.user_id, NIGHT)
    assert first is not None
    declined = first.suggestions[0].remedy_id
    replies = await chat.press("Not for me", card)
    assert "won't suggest" in chat.api.messages[(chat.user_id, card.message_id)].text
    person = services.diary.person(chat.user_id)
    assert person is not None and declined in person.not_for_me
    shown = [declined]
    while replies and "Evidence: " in replies[-1].text:
        night = services.diary.store.get_night(chat.user_id, NIGHT)
        assert night is not None
        shown.append(night.suggestions[-1].remedy_id)
        replies = await chat.press("Another idea", replies[-1])
    assert "every idea I have for tonight" in replies[-1].text
    assert len(shown) == len(set(shown)), "a remedy came back on the same night"
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None
    assert night.suggestions[0].response is Response.NOT_FOR_ME
    # Tomorrow the declined remedy stays out.
    for day in range(1, 4):
        chat.api.history.clear()
        services.clock.advance(days=1)  # type: ignore[attr-defined]
        await chat.send("/checkin")
        await chat.press("5")
        night = services.diary.store.get_night(chat.user_id, NIGHT + dt.timedelta(days=day))
        assert night is not None and declined not in {s.remedy_id for s in night.suggestions}


async def test_i_will_try_it_keeps_the_card_and_promises_a_morning_question(chat: Chat) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("5")
    await chat.press("I'll try it", card)
    edited = chat.api.messages[(chat.user_id, card.message_id)]
    assert "Evidence: " in edited.text and "In the morning I'll ask" in edited.text
    # Only the offer to test the chosen idea properly remains under it.
    assert [label for label, _ in edited.buttons] == ["🔬 Test it in a trial"]


async def test_snooze_and_skip(chat: Chat, services: Services) -> None:
    await chat.onboard()
    [question] = await chat.send("/checkin")
    await chat.press("Snooze 30 min", question)
    assert "ask again at 20:30" in chat.api.messages[(chat.user_id, question.message_id)].text
    assert booked(chat.app, JobKind.SNOOZE, chat.user_id) is not None
    person = services.diary.person(chat.user_id)
    assert person is not None and person.snooze is not None
    [question] = await chat.send("/checkin")
    await chat.press("Skip tonight", question)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.skipped and night.rating is None


async def test_notes_are_saved_on_tonight_and_after_midnight_on_last_night(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    [reply] = await chat.send("Legs crawling after dinner <b>& wine</b>")
    assert reply.text == "Saved your note for the night of Thu 26 Nov."
    clock.set(dt.datetime(2026, 11, 27, 6, 30, tzinfo=dt.UTC))  # 07:30 next morning in Berlin
    [reply] = await chat.send("Woke twice")
    assert "Thu 26 Nov" in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None
    assert [n.text for n in night.notes] == [
        "Legs crawling after dinner <b>& wine</b>",
        "Woke twice",
    ]
    [history] = await chat.send("/history")
    assert "“Legs crawling after dinner <b>& wine</b>”" in history.text


async def test_an_edited_message_updates_its_note(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("legs bad tonihgt")
    note_message = chat.last_update["message"]["message_id"]
    [reply] = await chat.edit(note_message, "legs bad tonight")
    assert "Updated your note" in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and [n.text for n in night.notes] == ["legs bad tonight"]


async def test_non_text_messages_get_a_friendly_answer(chat: Chat, services: Services) -> None:
    await chat.onboard()
    sticker = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
    voice = {"file_id": "v1", "file_unique_id": "u3", "duration": 3}
    for fields in ({"sticker": sticker}, {"photo": photo}, {"voice": voice}):
        [reply] = await chat.send_message(fields)
        assert "I can only read text and buttons" in reply.text
    assert services.diary.nights(chat.user_id) == []


async def test_morning_follow_up_goes_on_the_same_night(
    chat: Chat, services: Services, clock: FakeClock, app: BotApp
) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("7")
    await chat.press("I'll try it", card)
    clock.set(dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC))  # 08:00 in Berlin
    morning = job(chat.app, JobKind.MORNING, chat.user_id)
    assert morning.next_t == clock.now
    await morning.run(app)
    question = chat.last
    assert "How did you sleep" in question.text and "Thu 26 Nov" in question.text
    assert [label for label, _ in question.buttons] == [
        "Very poor", "Poor", "Fair", "Good", "Very good"
    ]  # fmt: skip
    await chat.press("Good", question)
    assert "Did you try it?" in chat.api.messages[(chat.user_id, question.message_id)].text
    await chat.press("Yes", question)
    await chat.press("A bit", question)
    final = chat.api.messages[(chat.user_id, question.message_id)]
    assert "Thank you" in final.text and final.buttons == []
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None
    assert (night.sleep_quality, night.tried, night.helped) == (4, True, "a_bit")
    assert night.morning_remedy == night.suggestions[0].remedy_id


async def test_looking_back_before_set_up_points_to_start_not_to_checkin(chat: Chat) -> None:
    [history] = await chat.send("/history")
    assert "No nights recorded yet" in history.text
    assert "/start" in history.text and "/checkin" not in history.text
    [checkin] = await chat.send("/checkin")
    assert "/start" in checkin.text
    await chat.send("/start")
    await chat.press(CONSENT)
    await chat.send("Europe/Berlin")  # a zone, no check-in time yet
    for command in ("/history", "/report", "/missed", "/checkin"):
        [reply] = await chat.send(command)
        assert "Let's set them up: /start" in reply.text, command
        assert "/checkin" not in reply.text, command
    await chat.send("/time 22:00")
    [history] = await chat.send("/history")
    assert "Start one now with /checkin" in history.text
    [report] = await chat.send("/report")
    assert "Start one now with /checkin" in report.text


async def test_history_and_export_read_it_all_back(chat: Chat, services: Services) -> None:
    [empty] = await chat.send("/history")
    assert "No nights recorded yet" in empty.text
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("6")
    await chat.press("I'll try it")
    await chat.send("tingling, then slept")
    [history] = await chat.send("/history")
    assert "Thu 26 Nov" in history.text and "legs 6/10" in history.text
    assert "tingling, then slept" in history.text
    document, everything = await chat.send("/export")
    assert everything.document is not None and everything.document[0].endswith(".json")
    assert document.document is not None
    name, data = document.document
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["night_date"] == "2026-11-26"
    assert rows[0]["symptom_rating"] == "6"
    assert rows[0]["notes"] == "tingling, then slept"
    assert rows[0]["remedy"] in card_titles(services)
    assert document.chat_id == chat.user_id


async def test_delete_asks_first_then_erases_everything(chat: Chat, services: Services) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    await chat.press("3")
    await chat.send("a private note")
    [confirm] = await chat.send("/delete")
    assert "cannot be undone" in confirm.text
    await chat.press("Cancel", confirm)
    assert services.diary.person(chat.user_id) is not None
    [confirm] = await chat.send("/delete")
    await chat.press("Yes, erase everything", confirm)
    assert "erased" in chat.api.messages[(chat.user_id, confirm.message_id)].text
    folder = services.settings.data_dir / "users" / str(chat.user_id)
    assert not folder.exists()
    assert not any(name.endswith(f":{chat.user_id}") for name in job_names(chat.app))
    for path in services.settings.data_dir.rglob("*"):
        if path.is_file():
            assert b"a private note" not in path.read_bytes()


async def test_settings_show_everything_and_pause_says_when(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    for expected in ("Europe/Berlin", "22:00", "08:00", "Reminders: on"):
        assert expected in settings.text
    labels = [label for label, _ in settings.buttons]
    assert "Change check-in time" in labels and "Pause 7 nights" in labels
    [paused] = await chat.send("/pause 3")
    assert "Sunday 29 November" in paused.text
    [settings] = await chat.send("/settings")
    assert "paused, back on Sunday 29 November" in settings.text
    [resumed] = await chat.send("/resume")
    assert "back on" in resumed.text
    person = services.diary.person(chat.user_id)
    assert person is not None and person.pause is None


async def test_settings_buttons_change_the_check_in_time(chat: Chat, services: Services) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Change check-in time", settings)
    await chat.press("21:30", question)
    person = services.diary.person(chat.user_id)
    assert person is not None and person.checkin_time == dt.time(21, 30)


async def test_help_lists_every_command_and_the_menu_is_registered(
    chat: Chat, api: FakeBotAPI
) -> None:
    [help_message] = await chat.send("/help")
    registered = [c["command"] for c in api.commands]
    for command in ("checkin", "history", "export", "settings", "time", "wake", "timezone",
                    "pause", "resume", "privacy", "delete", "help", "start"):  # fmt: skip
        assert f"/{command}" in help_message.text
        assert command in registered


async def test_group_chats_are_refused_and_nothing_is_stored(
    chat: Chat, services: Services
) -> None:
    replies = await chat.send("/start", chat_type="group", user_id=777)
    assert "private chats only" in replies[0].text
    assert services.diary.person(777) is None and services.diary.person(chat.user_id) is None


async def test_forged_and_stale_buttons_get_a_polite_answer(
    chat: Chat, services: Services, api: FakeBotAPI
) -> None:
    await chat.onboard()
    [question] = await chat.send("/checkin")
    answered = len(api.answered)
    for data in ("1|r|20261126|99", "garbage", "1|r|20260101|5", "1|s|20261126|try:nope"):
        before = len(api.history)
        await chat.press_data(data, question)
        toast = list(api.answered.values())[-1]["text"] or ""
        reply = api.history[before].text if len(api.history) > before else ""
        assert "That button belongs to an earlier check-in" in toast + reply
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.rating is None
    assert len(api.answered) == answered + 4, "every button press must be answered"


async def test_unknown_commands_point_to_help(chat: Chat) -> None:
    await chat.onboard()
    [reply] = await chat.send("/frobnicate")
    assert "/help" in reply.text


async def test_remedies_lists_every_entry_by_kind_and_opens_full_cards(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [listing] = await chat.send("/remedies")
    catalog = services.diary.catalog
    assert "Ideas for tonight" in listing.text and "talk over with your doctor" in listing.text
    for remedy in catalog.remedies:
        if remedy.id != "orgasm":
            assert remedy.title in listing.text
            assert (remedy.title, f"1|rm||{remedy.id}") in listing.buttons
    assert "Ideas about sex are left out" in listing.text
    [card] = await chat.press("Ask for an iron blood test", listing)
    assert "Sources:" in card.text and "A question for your doctor" in card.text
    assert any(line.startswith("Evidence: ") for line in card.text.splitlines())


async def test_adult_topics_are_opt_in_from_settings(chat: Chat, services: Services) -> None:
    await chat.onboard()
    person = services.diary.person(chat.user_id)
    assert person is not None and not person.adult_topics
    [settings] = await chat.send("/settings")
    assert "Adult topics: off" in settings.text
    [question] = await chat.press("Include adult topics", settings)
    await chat.press("I am 18 or over: include them", question)
    assert "Adult topics are on" in question.text
    [listing] = await chat.send("/remedies")
    orgasm = services.diary.catalog.get("orgasm")
    assert orgasm is not None and orgasm.title in listing.text


async def test_onset_and_day_tags_are_asked_after_the_rating_when_switched_on(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    await chat.press("Ask when the urge started", settings)
    [settings] = await chat.send("/settings")
    await chat.press("Ask about day tags", settings)
    await chat.send("/checkin")
    replies = await chat.press("6")
    # The card comes first, alone; the optional question waits until it is answered.
    assert ["Evidence:" in r.text for r in replies] == [True]
    [question] = await chat.press("I'll try it")
    assert "When did the urge start today?" in question.text
    await chat.press("Afternoon", question)
    await chat.press("Alcohol", question)
    await chat.press("Caffeine late", question)
    await chat.press("✓ Alcohol", question)
    await chat.press("Done", question)
    closed = chat.api.messages[(chat.user_id, question.message_id)]
    assert closed.text == "Noted about today: urge started: afternoon; caffeine late."
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.onset == "afternoon"
    assert night.triggers == ("caffeine_late",)


async def test_three_hard_nights_in_a_week_bring_a_gentle_doctor_prompt_once(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    prompts = 0
    for _ in range(6):
        await chat.send("/checkin")
        replies = await chat.press("8")
        # Never among the rating's replies: a hard moment is not the moment for it.
        assert not any("talking to your doctor" in r.text for r in replies)
        replies = await chat.press("I'll try it")
        prompts += sum("talking to your doctor" in r.text for r in replies)
        if any("talking to your doctor" in r.text for r in replies):
            assert any("iron blood test" in r.text and "/summary" in r.text for r in replies)
        clock.advance(days=1)
    assert prompts == 1


async def test_weekly_summary_day_is_chosen_in_settings(chat: Chat, services: Services) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Weekly summary…", settings)
    await chat.press("Sun", question)
    person = services.diary.person(chat.user_id)
    assert person is not None and person.weekly_day == 6
    [settings] = await chat.send("/settings")
    assert "Weekly summary: on Sundays" in settings.text


async def test_a_note_after_a_daytime_check_in_joins_that_check_in(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    clock.set(dt.datetime(2026, 11, 26, 11, 30, tzinfo=dt.UTC))  # 12:30 in Berlin
    await chat.send("/checkin")
    await chat.press("4")
    [reply] = await chat.send("restless at lunch")
    assert "Thu 26 Nov" in reply.text
    nights = services.diary.nights(chat.user_id)
    assert [(n.night, n.rating, len(n.notes)) for n in nights] == [(NIGHT, 4, 1)]
