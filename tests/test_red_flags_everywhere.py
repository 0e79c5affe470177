"""Red flags wherever they are typed, as a black-box tester met them: a warning written during
the day still closes that evening to ideas, a card shown before a warning cannot be taken up
after it, a command's words and a caption are read and kept on the record, /crisis gets
through a flood, and a crisis in a group still gets its lines."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import urgent
from bot.context import Services
from bot.fake_telegram import FakeBotAPI, Sent
from bot.throttle import PersonThrottle
from tests.conftest import Chat, FakeClock

CALF = "my left calf is swollen, red and warm"
NOBODY = "No person reads this chat"
NO_IDEA = "won't suggest a remedy tonight"
PHOTO = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
# Friday 27 November 2026, 12:00 in Berlin: after waking, before the afternoon boundary, so a
# note goes to last night while a check-in is for tonight.
NOON = dt.datetime(2026, 11, 27, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urgent, "RETRY_DELAYS", (0.0,) * 8)


def texts_of(replies: list[Sent]) -> str:
    return "\n".join(r.text for r in replies)


async def test_a_calf_written_at_noon_closes_that_evening_to_ideas(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    clock.set(NOON)
    [warning] = await chat.send(CALF)
    assert "blood clot" in warning.text and "massage" in warning.text
    # The note went to last night, as notes before the afternoon do ...
    last_night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 26))
    assert last_night is not None and last_night.red_flags == ("clot",)
    # ... but the check-in an hour later is for tonight, and gives no massage card.
    clock.set(NOON + dt.timedelta(hours=1))
    await chat.send("/checkin")
    [answer] = await chat.press("7")
    assert NO_IDEA in answer.text and not answer.buttons
    # The evening after that is open again.
    clock.set(dt.datetime(2026, 11, 28, 19, 0, tzinfo=dt.UTC))
    await chat.send("/checkin")
    [card] = await chat.press("7")
    assert "Evidence:" in card.text


async def test_a_card_shown_before_a_warning_cannot_be_taken_up_after_it(chat: Chat) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("7")
    assert "Evidence:" in card.text
    await chat.send(CALF)
    replies = await chat.press("I'll try it", card)
    assert "Good luck" not in texts_of(replies)
    assert any(NO_IDEA in r.text for r in replies)
    assert not chat.api.messages[(chat.user_id, card.message_id)].buttons


@pytest.mark.parametrize(
    "typed", ["/pause thinking of ending it", "/history i want to die", "/kms", "/start kms"]
)
async def test_the_words_of_a_command_are_read_and_kept(
    chat: Chat, services: Services, typed: str
) -> None:
    await chat.onboard()
    replies = await chat.send(typed)
    assert NOBODY in replies[0].text and "kept what you wrote" in replies[0].text
    assert "couldn't read" not in texts_of(replies) and "Welcome" not in texts_of(replies)
    night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 26))
    assert night is not None and night.red_flags == ("self_harm",)
    assert [n.text for n in night.notes] == [typed.split(" ", 1)[-1]]


async def test_a_commands_own_name_is_not_read_as_the_persons_words(chat: Chat) -> None:
    await chat.onboard()
    [question] = await chat.send("/delete")
    assert NOBODY not in question.text and question.buttons


async def test_a_caption_that_raises_a_flag_is_kept_with_its_flag(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [reply] = await chat.send_message({"photo": PHOTO, "caption": CALF})
    assert "blood clot" in reply.text and "kept what you wrote" in reply.text
    night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 26))
    assert night is not None and night.red_flags == ("clot",)
    assert [n.text for n in night.notes] == [CALF]
    [history] = await chat.send("/history")
    assert "⚠️" in history.text


async def test_a_command_edited_into_a_crisis_is_kept_with_its_flag(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    await chat.send("/time 22:30")
    message_id = chat.last_update["message"]["message_id"]
    [reply] = await chat.edit(message_id, "thinking of ending it")
    assert NOBODY in reply.text
    night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 26))
    assert night is not None and night.red_flags == ("self_harm",)
    # Edited once more, it is the same note.
    await chat.edit(message_id, "thinking of ending it all")
    night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 26))
    assert night is not None and [n.text for n in night.notes] == ["thinking of ending it all"]


async def test_crisis_gets_through_a_flood_and_other_commands_are_not_kept_as_notes(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    services.throttle = PersonThrottle(burst=2, per_minute=1)
    await chat.send("legs jumping 1")
    await chat.send("legs jumping 2")
    [slow] = await chat.send("legs jumping 3")
    assert "a lot of messages" in slow.text
    [lines] = await chat.send("/crisis")
    assert "TelefonSeelsorge" in lines.text
    assert await chat.send("/timezone Europe/Vienna") == []
    person = services.diary.person(chat.user_id)
    assert person is not None and person.tz == "Europe/Berlin"
    night = services.diary.store.get_night(chat.user_id, dt.date(2026, 11, 26))
    assert night is not None
    assert [n.text for n in night.notes] == ["legs jumping 1", "legs jumping 2", "legs jumping 3"]


async def test_a_crisis_in_a_group_gets_the_lines_there_and_nothing_is_stored(
    chat: Chat, api: FakeBotAPI, services: Services
) -> None:
    group = -5001
    member = {"chat_type": "group", "user_id": 777, "language_code": "en-GB"}
    await chat._process(api.send_text(group, "/start", **member))
    assert [s.text for s in api.sent_to(group)][-1].startswith("I work in private chats")
    await chat._process(api.send_text(group, "thinking of ending it", **member))
    reply = api.sent_to(group)[-1]
    assert NOBODY in reply.text and "Samaritans" in reply.text
    assert services.diary.person(777) is None


async def test_an_import_waits_on_after_a_file_sent_with_a_crisis_caption(
    chat: Chat, api: FakeBotAPI
) -> None:
    await chat.onboard()
    await chat.send("legs restless, walked about")
    _, exported = await chat.send("/export")
    assert exported.document is not None
    await chat.send("/import")
    payload = api.send_document(chat.user_id, "diary.json", exported.document[1])
    payload["message"]["caption"] = "i want to die"
    before = len(api.history)
    await chat._process(payload)
    [reply] = api.history[before:]  # the crisis reply is the only answer ...
    assert NOBODY in reply.text
    # ... and the import still waits for the file.
    [confirm] = await chat.send_message_document("diary.json", exported.document[1])
    assert confirm.buttons, confirm.text
