"""The wire of the fake Bot API: its error answers, Telegram's HTML rules, and the shapes of
messages and buttons (shared by the fake's state machine and its transport)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

JSON = dict[str, Any]
BOT_USER: JSON = {
    "id": 1000,
    "is_bot": True,
    "first_name": "RLS companion",
    "username": "rls_companion_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip


class ApiError(Exception):
    """A Bot API error answer: HTTP status and Telegram's description."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


class _TelegramHTML(HTMLParser):
    """Checks text the way Telegram's HTML parse mode does and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.plain: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.plain.append(data)


def html_to_plain(text: str) -> str:
    """Validate Telegram HTML and return what the person would see; ApiError if invalid."""
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped '&'")
    if re.search(r"<(?![a-zA-Z/])", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped '<'")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed tag")
    return "".join(parser.plain)


@dataclass
class Sent:
    """A message the bot sent (its current state after edits)."""

    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: JSON | None
    document: tuple[str, bytes] | None = None
    caption: str | None = None
    edits: int = 0

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of inline buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    @property
    def reply_buttons(self) -> list[str]:
        """Labels of a reply keyboard, if the message carries one."""
        rows = (self.reply_markup or {}).get("keyboard", [])
        return [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]


@dataclass
class Event:
    """What the console prints: a new message, an edit, a document or a toast."""

    kind: str
    sent: Sent | None = None
    text: str = ""


Hook = Callable[[str, JSON], Awaitable[None]]


def text_of(text: str, parse_mode: Any, limit: int = MAX_TEXT) -> tuple[str, str]:
    plain = html_to_plain(text) if parse_mode == "HTML" else text
    if not plain.strip() and limit == MAX_TEXT:
        raise ApiError(400, "Bad Request: message text is empty")
    if len(plain) > limit:
        raise ApiError(400, "Bad Request: message is too long")
    return text, plain


def markup_of(reply_markup: Any) -> JSON | None:
    markup = obj(reply_markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode()) > MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if markup is not None and "inline_keyboard" not in markup:
        return markup if "keyboard" in markup else None  # reply keyboards, removals
    return markup


def obj(value: Any) -> Any:
    """Parameters arrive as Python objects in-process and as JSON strings over HTTP."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def user_json(user_id: int, **extra: Any) -> JSON:
    return {"id": user_id, "is_bot": False, "first_name": f"Person {user_id}", **extra}


def chat_json(chat_id: int, chat_type: str = "private") -> JSON:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": f"Person {chat_id}"}
    return {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}
