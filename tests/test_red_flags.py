"""Red flags: curated phrases, matching rules, crisis lines, and what the person sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.context import Services
from bot.errors import ContentError
from bot.red_flags import country_of_zone, load_crisis, load_red_flags, normalize
from tests.conftest import CONTENT, Chat

FLAGS = load_red_flags(CONTENT.parent / "red_flags.toml")
CRISIS = load_crisis(CONTENT.parent / "crisis.toml")
NIGHT = dt.date(2026, 11, 26)


def detected(text: str) -> list[str]:
    return [f.id for f in FLAGS.detect(text)]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("I think about SUICIDE a lot", "self_harm"),
        ("sometimes I want to end my life", "self_harm"),
        ("I just don’t want to live like this anymore", "self_harm"),
        ("i've been hurting myself", "self_harm"),
        ("My left CALF is swollen", "clot"),
        ("calf swelling and red since the flight", "clot"),
        ("I'm out of breath and my leg hurts", "clot"),
        ("Je suis prégnant? no — I'm PRÉGNANT, 12 weeks", "pregnancy"),
        ("started breast-feeding last month", "pregnancy"),
        ("it now starts earlier in the day", "augmentation"),
        ("the restlessness spreads into my arms", "augmentation"),
        ("worse since I began the new antihistamine", "new_medicine"),
        ("my leg suddenly went numb", "one_sided_weakness"),
        ("I can't stop shopping online at night", "impulse_control"),
    ],
)
def test_phrasings_that_must_raise_a_flag(text: str, flag: str) -> None:
    assert flag in detected(text)


@pytest.mark.parametrize(
    "text",
    [
        "my legs are killing me tonight",
        "dying for a cup of tea",
        "I'm not pregnant",
        "no swelling, just the usual crawling",
        "my calves feel warm after the bath",
        "went to bed earlier than usual",
        "same tablets as always",
        "held my grandson in my arms",
        "cut the onions for dinner",
        "took a warm bath and read",
    ],
)
def test_near_misses_raise_nothing(text: str) -> None:
    assert detected(text) == []


def test_the_most_urgent_flag_comes_first() -> None:
    assert detected("I'm pregnant and I want to die") == ["self_harm", "pregnancy"]


def test_matching_ignores_case_accents_and_apostrophes() -> None:
    assert normalize("DON’T Stop — Café!") == "dont stop cafe"


def test_every_flag_of_the_file_has_a_message_and_title() -> None:
    ids = {f.id for f in FLAGS.flags}
    assert {"self_harm", "clot", "one_sided_weakness", "augmentation", "new_medicine",
            "pregnancy"} <= ids  # fmt: skip
    for flag in FLAGS.flags:
        assert flag.title and len(flag.message) > 40
    for flag_id in ("self_harm", "clot"):
        blocking = FLAGS.get(flag_id)
        assert blocking is not None and blocking.blocks_remedy


def test_an_example_that_does_not_match_is_a_content_error(tmp_path: Path) -> None:
    text = (CONTENT.parent / "red_flags.toml").read_text(encoding="utf-8")
    broken = text.replace('"I\'m pregnant, 30 weeks",', '"I am expecting twins",')
    path = tmp_path / "red_flags.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"flag 'pregnancy': field 'must_match': 'I am expecting"
    ):
        load_red_flags(path)


def test_a_message_with_unsupported_markup_is_a_content_error(tmp_path: Path) -> None:
    text = (CONTENT.parent / "red_flags.toml").read_text(encoding="utf-8")
    path = tmp_path / "red_flags.toml"
    path.write_text(text.replace("<b>Please get medical help today.</b>", "<u>Go</u>"), "utf-8")
    with pytest.raises(ContentError, match="flag 'clot': field 'message': only <b> and <i>"):
        load_red_flags(path)


@pytest.mark.parametrize(
    ("tz", "language", "country"),
    [
        ("America/Chicago", None, "United States"),
        ("Europe/London", "de", "United Kingdom"),
        ("America/Toronto", None, "Canada"),
        ("Australia/Sydney", None, "Australia"),
        ("Europe/Berlin", "en", "Germany"),
        (None, "en-GB", "United Kingdom"),
        ("Asia/Tokyo", "ja", "your country"),
    ],
)
def test_crisis_lines_follow_the_time_zone_then_the_language(
    tz: str | None, language: str | None, country: str
) -> None:
    assert CRISIS.for_person(tz, language).name == country


def test_zone_countries_come_from_tzdata() -> None:
    assert country_of_zone("Europe/Vienna") == "AT"
    assert country_of_zone("Mars/Base") is None


async def test_a_crisis_note_gets_help_first_and_no_remedy_that_night(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    replies = await chat.send("I can't go on like this, I want to die")
    assert "You matter" in replies[0].text
    assert "TelefonSeelsorge" in replies[0].text and "112" in replies[0].text
    assert "Saved your note" in replies[-1].text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.red_flags == ("self_harm",)
    await chat.send("/checkin")
    [reply] = await chat.press("8")
    assert "won't suggest a remedy tonight" in reply.text
    night = services.diary.store.get_night(chat.user_id, NIGHT)
    assert night is not None and night.suggestions == ()
    [history] = await chat.send("/history")
    assert "⚠️" in history.text and "suicide" in history.text


async def test_a_calf_warning_says_urgent_care_and_no_massage(chat: Chat) -> None:
    await chat.onboard()
    replies = await chat.send("my right calf is swollen and red")
    assert "Please get medical help today" in replies[0].text
    assert "don't massage" in replies[0].text


async def test_a_pregnancy_note_gets_the_message_and_still_a_remedy_later(
    chat: Chat, services: Services
) -> None:
    await chat.onboard()
    replies = await chat.send("I'm 20 weeks pregnant")
    assert "midwife" in replies[0].text
    await chat.send("/checkin")
    [card] = await chat.press("5")
    assert "Evidence: " in card.text


async def test_crisis_command_works_before_set_up(chat: Chat) -> None:
    [reply] = await chat.send("/crisis", language_code="en-US")
    assert "988" in reply.text and "911" in reply.text
    assert "findahelpline.com" in reply.text
