"""What a person sees when they write something worrying, in every state of the chat, through
the real Application: crisis lines, the local emergency number, no cheerful line after a
crisis, delivery that survives Telegram failing, and the "New medicine" day tag."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest

from bot import urgent
from bot.app import BotApp
from bot.context import Services
from bot.fake_telegram import ApiError, FakeBotAPI, Sent
from bot.models import Awaiting
from tests.conftest import Chat

NIGHT = dt.date(2026, 11, 26)
CRISIS = "I want to die"
NOBODY = "No person reads this chat"
PHOTO = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries of urgent replies happen at once in tests (the real delays are seconds)."""
    monkeypatch.setattr(urgent, "RETRY_DELAYS", (0.0,) * 8)


def texts_of(replies: list[Sent]) -> str:
    return "\n".join(r.text for r in replies)


async def settle(api: FakeBotAPI, chat_id: int, needle: str, rounds: int = 200) -> None:
    """Let background retries run until `needle` reached the chat (or give up)."""
    for _ in range(rounds):
        if any(needle in s.text for s in api.sent_to(chat_id)):
            return
        await asyncio.sleep(0)


async def test_a_crisis_note_gets_the_crisis_lines_keeps_the_note_and_blocks_the_remedy(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    replies = await chat.send("I can't go on like this, I want to die")
    [reply] = replies
    assert "You matter" in reply.text and NOBODY in reply.text
    assert "TelefonSeelsorge" in reply.text and "call 112" in reply.text
    assert "kept what you wrote as a note" in reply.text
    assert "Saved your note" not in texts_of(replies)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.red_flags == ("self_harm",)
    assert night.notes[0].text.endswith("I want to die")
    await chat.send("/checkin")
    [answer] = await chat.press("8")
    assert "won't suggest a remedy tonight" in answer.text
    [history] = await chat.send("/history")
    assert "⚠️" in history.text and "suicide" in history.text


async def test_a_doctor_level_flag_gets_its_message_then_the_usual_saved_line(
    chat: Chat,
) -> None:
    await chat.onboard()
    message, saved = await chat.send("I'm 20 weeks pregnant")
    assert "midwife" in message.text
    assert "Saved your note" in saved.text
    await chat.send("/checkin")
    [card] = await chat.press("5")
    assert "Evidence: " in card.text


@pytest.mark.parametrize(
    ("tz", "number"),
    [("Europe/London", "999"), ("America/Chicago", "911"), ("Australia/Sydney", "000")],
)
async def test_a_calf_warning_names_the_local_emergency_number(
    chat: Chat, tz: str, number: str
) -> None:
    await chat.onboard(tz=tz)
    [reply] = await chat.send("my right calf is swollen and red and really sore")
    assert f"Short of breath or chest pain: call emergency services now ({number})" in reply.text
    assert "see a doctor today" in reply.text and "don't massage" in reply.text
    assert NOBODY in reply.text


async def test_where_the_country_is_unknown_the_reply_says_the_local_emergency_number(
    chat: Chat,
) -> None:
    await chat.onboard(tz="Asia/Tokyo")
    [reply] = await chat.send("the left side of my face is drooping and my speech is slurred")
    assert "Call emergency services now: 112 or 911, or your local emergency number." in reply.text


async def test_nodding_off_at_the_wheel_is_urgent_and_blocks_the_remedy(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [reply] = await chat.send("nearly fell asleep at the wheel on the way home")
    assert "don't drive" in reply.text and NOBODY in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    person = services.diary.require(chat.user_id)
    assert night is not None and services.diary.core.remedy_blocked(person, night)


async def test_before_consent_a_crisis_gets_the_crisis_lines_and_nothing_is_stored(
    chat: Chat, services: Services
) -> None:
    await chat.send("/start")
    [reply] = await chat.send(CRISIS, language_code="en-GB")
    assert "Samaritans" in reply.text and "call 999" in reply.text and NOBODY in reply.text
    assert "kept what you wrote" not in reply.text
    assert services.diary.person(chat.user_id) is None


async def test_before_consent_an_ordinary_text_still_gets_the_consent_nudge(chat: Chat) -> None:
    [reply] = await chat.send("hello, legs bad tonight")
    assert "/start" in reply.text


async def test_a_crisis_typed_at_the_time_zone_question_gets_the_crisis_reply_then_the_question(
    chat: Chat, services: Services
) -> None:
    await chat.send("/start")
    await chat.press("I understand, let's start")
    replies = await chat.send(CRISIS)
    assert "You matter" in replies[0].text
    assert "don't know the time zone" not in texts_of(replies)
    assert "time zone" in replies[-1].text.lower()
    person = services.diary.person(chat.user_id)
    assert person is not None and person.awaiting is Awaiting.TIMEZONE and person.tz is None


async def test_a_crisis_typed_at_the_check_in_time_question_gets_the_crisis_reply_first(
    chat: Chat, services: Services
) -> None:
    await chat.send("/start")
    await chat.press("I understand, let's start")
    await chat.send("Europe/Berlin")
    person = services.diary.person(chat.user_id)
    assert person is not None and person.awaiting is Awaiting.CHECKIN_TIME
    replies = await chat.send("everyone would be better off without me")
    assert "You matter" in replies[0].text
    assert "time" in replies[-1].text.lower() and replies[-1].buttons


async def test_a_crisis_typed_after_a_settings_command_gets_the_crisis_reply_not_a_correction(
    chat: Chat,
) -> None:
    await chat.onboard()
    replies = await chat.send("/timezone i want to end my life")
    assert "You matter" in replies[0].text
    assert "don't know the time zone" not in texts_of(replies)


async def test_a_crisis_typed_while_an_import_waits_gets_the_crisis_reply(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("/import")
    replies = await chat.send("thinking about ending it all")
    assert "You matter" in replies[0].text and "Saved your note" not in texts_of(replies)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.red_flags == ("self_harm",)


async def test_an_edited_note_is_checked_again_for_its_new_text(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("legs bad tonight")
    note_id = chat.last_update["message"]["message_id"]
    replies = await chat.edit(note_id, "legs bad tonight, i want to kill myself")
    assert "You matter" in replies[0].text
    assert "Updated your note" not in texts_of(replies)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and "self_harm" in night.red_flags


async def test_an_edited_message_without_a_note_is_still_checked(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("hello")
    message_id = chat.last_update["message"]["message_id"]
    [reply] = await chat.edit(message_id, "i don't want to be here anymore")
    assert "You matter" in reply.text


async def test_a_photo_caption_is_checked_and_the_crisis_reply_is_the_only_answer(
    chat: Chat,
) -> None:
    await chat.onboard()
    replies = await chat.send_message({"photo": PHOTO, "caption": "i want to end my life"})
    [reply] = replies
    assert "You matter" in reply.text


async def test_a_photo_without_a_worrying_caption_gets_the_usual_answer(chat: Chat) -> None:
    await chat.onboard()
    [reply] = await chat.send_message({"photo": PHOTO, "caption": "my legs tonight"})
    assert "I can only read text" in reply.text


async def test_a_file_caption_is_checked_before_the_file(chat: Chat, api: FakeBotAPI) -> None:
    await chat.onboard()
    await chat.send("/import")
    payload = api.send_document(chat.user_id, "diary.json", b"{}")
    payload["message"]["caption"] = "i want to die"
    before = len(api.history)
    await chat._process(payload)
    [reply] = api.history[before:]
    assert "You matter" in reply.text


async def test_a_crisis_reply_arrives_even_when_telegram_answers_502(
    chat: Chat, api: FakeBotAPI
) -> None:
    await chat.onboard()
    failures = [0]

    async def bad_gateway(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and failures[0] < 3:
            failures[0] += 1
            raise ApiError(502, "Bad Gateway")

    api.before_call = bad_gateway
    replies = await chat.send(CRISIS)
    assert replies == [], "the first attempt failed; the handler returned"
    await settle(api, chat.user_id, "You matter")
    sent = api.sent_to(chat.user_id)
    assert "You matter" in sent[-1].text and "TelefonSeelsorge" in sent[-1].text
    assert failures[0] == 3
    assert not any("went wrong" in s.text for s in sent)


async def test_several_flags_are_all_delivered_in_order_after_a_failure(
    chat: Chat, api: FakeBotAPI
) -> None:
    await chat.onboard()
    failures = [0]

    async def flaky(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and failures[0] < 1:
            failures[0] += 1
            raise ApiError(503, "Service Unavailable")

    api.before_call = flaky
    await chat.send("pregnant and i want to die")
    await settle(api, chat.user_id, "midwife")
    last_two = api.sent_to(chat.user_id)[-2:]
    assert "You matter" in last_two[0].text and "midwife" in last_two[1].text


async def test_the_new_medicine_tag_shows_its_message_once_a_night_and_records_the_flag(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    await chat.press("Ask about day tags", settings)
    await chat.send("/checkin")
    await chat.press("4")
    [question] = await chat.press("I'll try it")  # the question follows the answered card
    replies = await chat.press("New medicine", question)
    assert any("Don't stop or change a medicine" in r.text for r in replies)
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and "new_medicine" in night.red_flags
    await chat.press("✓ New medicine", question)  # off
    again = await chat.press("New medicine", question)  # on again, same night
    assert not any("Don't stop or change a medicine" in r.text for r in again)


async def test_an_export_shows_stored_flags_by_their_ids(chat: Chat) -> None:
    await chat.onboard()
    await chat.send("calf swollen and red, only the left one")
    files = [r.document for r in await chat.send("/export") if r.document is not None]
    by_name = {name.rsplit(".", 1)[-1]: data for name, data in files}
    assert "clot" in by_name["csv"].decode()
    nights = json.loads(by_name["json"])["nights"]
    assert [n["red_flags"] for n in nights] == [["clot"]]


async def test_a_crisis_reply_still_failing_when_the_bot_stops_is_kept_for_the_restart(
    chat: Chat, api: FakeBotAPI, app: BotApp, services: Services
) -> None:
    await chat.onboard()

    async def down(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage":
            raise ApiError(502, "Bad Gateway")

    api.before_call = down
    assert await chat.send(CRISIS) == []
    await app.stop()  # SIGTERM: the bot stops within seconds, not after ten minutes of retries
    person = services.diary.person(chat.user_id)
    assert person is not None
    assert any("You matter" in reply.text for reply in person.pending_replies)
    api.before_call = None
    await app.start()  # the fixture stops it again
