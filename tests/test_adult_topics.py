"""Adult topics through the real Application: switching them on asks the person to confirm
they are 18 or over; switching them off needs no confirmation."""

from __future__ import annotations

from bot.context import Services
from tests.conftest import Chat

CONFIRM = "I am 18 or over: include them"


def adult_topics(services: Services, chat: Chat) -> bool:
    person = services.diary.person(chat.user_id)
    assert person is not None
    return person.adult_topics


def sex_idea_title(services: Services) -> str:
    orgasm = services.diary.catalog.get("orgasm")
    assert orgasm is not None
    return orgasm.title


async def test_turning_adult_topics_on_asks_for_18_or_over_and_changes_nothing_until_confirmed(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Include adult topics", settings)
    assert "18 or over" in question.text
    assert [label for label, _ in question.buttons] == [CONFIRM, "Not now"]
    assert not adult_topics(services, chat)
    [listing] = await chat.send("/remedies")
    assert sex_idea_title(services) not in listing.text

    assert await chat.press(CONFIRM, question) == []
    assert "Adult topics are on" in question.text and not question.buttons
    assert adult_topics(services, chat)
    [listing] = await chat.send("/remedies")
    assert sex_idea_title(services) in listing.text


async def test_not_now_leaves_adult_topics_off(chat: Chat, services: Services) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Include adult topics", settings)
    await chat.press("Not now", question)
    assert "stay off" in question.text and not question.buttons
    assert not adult_topics(services, chat)


async def test_turning_adult_topics_off_needs_no_confirmation(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Include adult topics", settings)
    await chat.press(CONFIRM, question)
    [settings] = await chat.send("/settings")
    assert "Adult topics: on" in settings.text
    [reply] = await chat.press("Leave out adult topics", settings)
    assert "Adult topics are off" in reply.text and not reply.buttons
    assert not adult_topics(services, chat)


async def test_an_old_toggle_button_asks_before_switching_adult_topics_on(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    # Messages sent before the confirmation existed carry the old one-tap toggle.
    [question] = await chat.press_data("1|set||adult", settings)
    assert "18 or over" in question.text
    assert not adult_topics(services, chat)
    await chat.press(CONFIRM, question)
    assert adult_topics(services, chat)
    [reply] = await chat.press_data("1|set||adult", settings)
    assert "Adult topics are off" in reply.text
    assert not adult_topics(services, chat)


async def test_after_writing_as_a_teen_the_adult_question_says_so(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Include adult topics", settings)
    assert "child or teenager" not in question.text  # nothing written about a child yet
    await chat.send("im 15 and my legs wont stop moving at night")
    [settings] = await chat.send("/settings")
    [question] = await chat.press("Include adult topics", settings)
    assert "If that is you, please leave adult topics off" in question.text
    assert [label for label, _ in question.buttons] == [CONFIRM, "Not now"]
    assert not adult_topics(services, chat)
