"""Every sentence has a stable key, every key a sentence that is used, and the command menu,
/help and the handlers come from one list."""

from __future__ import annotations

import re
from enum import auto
from pathlib import Path

import pytest

from bot import texts
from bot.app import BotApp
from bot.errors import Problem
from bot.fake_telegram import FakeBotAPI, html_to_plain
from bot.handlers.commands import COMMANDS, menu
from bot.models import Response
from bot.texts import ChartText, PdfText, TextKey, catalogs, fields, t
from bot.texts.base import catalog
from tests.conftest import Chat

BOT = Path(__file__).resolve().parent.parent / "bot"
# Drawn into an image or a PDF, not sent as Telegram HTML.
PLAIN = (ChartText, PdfText)


def every_key() -> list[TextKey]:
    return [key for keys in catalogs() for key in keys]


def test_a_feature_catalog_without_a_sentence_for_each_key_fails_when_it_loads() -> None:
    class Half(TextKey):
        ONE = auto()
        TWO = auto()

    with pytest.raises(ValueError, match="TWO"):
        catalog(Half, {Half.ONE: "one"})


def test_every_key_of_every_feature_is_used_by_the_bot() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in BOT.rglob("*.py"))
    # Every `SomeText.NAME` in the code that is a use, not the sentence's own entry in its
    # catalog (`Key.NAME: "..."`); one pass over the source instead of one search per key.
    used = set(re.findall(r"\b(\w+Text)\.([A-Z][A-Z0-9_]*)\b(?!:)", source))
    unused = [
        f"{type(key).__name__}.{key.name}"
        for key in every_key()
        if (type(key).__name__, key.name) not in used
    ]
    assert unused == []


def test_every_key_has_a_stable_id_named_after_its_feature() -> None:
    ids = [key.id for key in every_key()]
    assert len(ids) == len(set(ids)) > 300
    assert texts.EveningText.RATING_QUESTION.id == "evening.rating_question"


def test_every_sentence_is_valid_telegram_html_with_any_values() -> None:
    for key in every_key():
        if isinstance(key, PLAIN):
            continue
        sentence = t(key, **dict.fromkeys(fields(key), "x"))
        html_to_plain(sentence)  # raises for a tag Telegram refuses or an unescaped & or <


def test_a_value_that_comes_from_a_person_or_the_content_is_escaped_by_texts() -> None:
    assert "&lt;b&gt;odd&lt;/b&gt;" in texts.ask_tried("<b>odd</b>")
    assert "“&lt;script&gt;”" in texts.response_noted(Response.NOT_FOR_ME, "<script>")
    assert "Mars&amp;Base" in texts.bad_input(Problem.TIMEZONE, "Mars&Base")


async def test_the_menu_help_and_the_handlers_list_the_same_commands(
    app: BotApp, api: FakeBotAPI, chat: Chat
) -> None:
    names = [name for name, _ in menu()]
    assert [command["command"] for command in api.commands] == names
    [help_message] = await chat.send("/help")
    listed = re.findall(r"^/(\w+): ", help_message.text, re.M)
    assert listed == names
    assert len(set(names)) == len(names) == len(COMMANDS)
    for name in names:
        replies = await chat.send(f"/{name}")
        assert not any("I don't know that command" in r.text for r in replies), name
