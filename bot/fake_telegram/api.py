"""The fake Bot API's state machine: chats, messages and pending updates, the Bot API methods
the bot uses (with the errors real Telegram gives), and the person's side, which builds real
update payloads (`send_text`, `press`, ...)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock, system_clock
from bot.fake_telegram.wire import (
    BOT_USER,
    JSON,
    MAX_CAPTION,
    ApiError,
    Event,
    Hook,
    Sent,
    chat_json,
    markup_of,
    obj,
    text_of,
    user_json,
)


@dataclass
class FakeBotAPI:
    """The Bot API state machine; transport-independent."""

    bot: JSON = field(default_factory=lambda: dict(BOT_USER))
    messages: dict[tuple[int, int], Sent] = field(default_factory=dict)
    history: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, JSON]] = field(default_factory=list)
    answered: dict[str, JSON] = field(default_factory=dict)
    commands: list[JSON] = field(default_factory=list)
    # setMyDescription / setMyShortDescription, and the webhook set by setWebhook (if any).
    descriptions: dict[str, str] = field(default_factory=dict)
    webhook: JSON | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    # Groups the bot left (leaveChat): sending there is refused, as by Telegram.
    left: set[int] = field(default_factory=set)
    # The type of every chat a person wrote from ("group", "supergroup", ...); others private.
    chat_types: dict[int, str] = field(default_factory=dict)
    listeners: list[Callable[[Event], None]] = field(default_factory=list)
    before_call: Hook | None = None
    # False when tests feed updates straight to Application.process_update instead of polling.
    queue_updates: bool = True
    # Message dates come from the same clock as the bot's (tests pass their fake clock).
    clock: Clock = system_clock
    _updates: list[JSON] = field(default_factory=list)
    _next_update: int = 1
    _next_message: dict[int, int] = field(default_factory=dict)
    _next_query: int = 1
    _new_update: asyncio.Event | None = None

    # -- the bot's side ---------------------------------------------------------------------

    async def call(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API call: (HTTP status, JSON body)."""
        self.calls.append((method, params))
        handler = getattr(self, f"api_{method}", None)
        try:
            if self.before_call is not None:
                await self.before_call(method, params)
            if handler is None:
                raise ApiError(400, f"Bad Request: method {method} is not emulated")
            result = await handler(**params)
        except ApiError as exc:
            body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return exc.code, body
        return 200, {"ok": True, "result": result}

    async def api_getMe(self, **_: Any) -> JSON:
        return self.bot

    async def api_setMyCommands(self, commands: Any, **_: Any) -> bool:
        self.commands = obj(commands)
        return True

    async def api_getMyCommands(self, **_: Any) -> list[JSON]:
        return self.commands

    async def api_deleteWebhook(self, **_: Any) -> bool:
        self.webhook = None
        return True

    async def api_setWebhook(self, url: Any, **params: Any) -> bool:
        self.webhook = {"url": str(url), **params}
        return True

    async def api_getWebhookInfo(self, **_: Any) -> JSON:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def api_setMyDescription(self, description: Any = "", **_: Any) -> bool:
        self.descriptions["description"] = str(description)
        return True

    async def api_setMyShortDescription(self, short_description: Any = "", **_: Any) -> bool:
        self.descriptions["short_description"] = str(short_description)
        return True

    async def api_close(self, **_: Any) -> bool:
        return True

    async def api_leaveChat(self, chat_id: Any, **_: Any) -> bool:
        chat = int(chat_id)
        if chat in self.left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        self.left.add(chat)
        return True

    async def api_getUpdates(
        self,
        offset: Any = 0,
        limit: Any = 100,
        timeout: Any = 0,  # noqa: ASYNC109 - the Bot API's long-poll parameter
        **_: Any,
    ) -> list[JSON]:
        offset, limit, timeout = int(offset or 0), int(limit or 100), float(timeout or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            event = self._event()
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        return self._updates[:limit]

    async def api_sendMessage(
        self, chat_id: Any, text: Any, reply_markup: Any = None, parse_mode: Any = None, **_: Any
    ) -> JSON:
        chat = int(chat_id)
        self._checkchat_json(chat)
        html, plain = text_of(str(text), parse_mode)
        markup = markup_of(reply_markup)
        sent = Sent(chat, self._message_id(chat), html, plain, markup)
        self._store(sent, "message")
        return self._message_json(sent)

    async def api_sendDocument(
        self, chat_id: Any, document: Any = None, caption: Any = None, **kwargs: Any
    ) -> JSON:
        chat = int(chat_id)
        self._checkchat_json(chat)
        files = kwargs.get("_files") or {}
        if not files:
            raise ApiError(400, "Bad Request: there is no document in the request")
        name, data = next(iter(files.values()))
        html, plain = text_of(str(caption or ""), kwargs.get("parse_mode"), limit=MAX_CAPTION)
        sent = Sent(chat, self._message_id(chat), html, plain, None, (name, data), plain)
        self._store(sent, "document")
        result = self._message_json(sent)
        result["document"] = {
            "file_id": f"doc{sent.message_id}",
            "file_unique_id": f"u{sent.message_id}",
            "file_name": name,
            "file_size": len(data),
        }
        return result

    async def api_sendPhoto(
        self, chat_id: Any, photo: Any = None, caption: Any = None, **kwargs: Any
    ) -> JSON:
        chat = int(chat_id)
        self._checkchat_json(chat)
        files = kwargs.get("_files") or {}
        if not files:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        name, data = next(iter(files.values()))
        html, plain = text_of(str(caption or ""), kwargs.get("parse_mode"), limit=MAX_CAPTION)
        sent = Sent(chat, self._message_id(chat), html, plain, None, (name, data), plain)
        self._store(sent, "document")
        result = self._message_json(sent)
        result["photo"] = [
            {"file_id": f"ph{sent.message_id}", "file_unique_id": f"p{sent.message_id}",
             "width": 1200, "height": 750, "file_size": len(data)}
        ]  # fmt: skip
        return result

    async def api_getFile(self, file_id: Any, **_: Any) -> JSON:
        data = self.files.get(str(file_id))
        if data is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": str(file_id),
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": f"documents/{file_id}",
        }

    def download(self, url: str) -> tuple[int, bytes]:
        """A file download (GET .../file/bot<token>/documents/<file_id>)."""
        data = self.files.get(url.rsplit("/", 1)[-1])
        return (200, data) if data is not None else (404, b"Not Found")

    async def api_editMessageText(
        self,
        chat_id: Any,
        message_id: Any,
        text: Any,
        reply_markup: Any = None,
        parse_mode: Any = None,
        **_: Any,
    ) -> JSON:
        sent = self._existing(int(chat_id), int(message_id))
        html, plain = text_of(str(text), parse_mode)
        markup = markup_of(reply_markup)
        if html == sent.html and markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.html, sent.text, sent.reply_markup = html, plain, markup
        sent.edits += 1
        self._emit(Event("edit", sent))
        return self._message_json(sent)

    async def api_editMessageReplyMarkup(
        self, chat_id: Any, message_id: Any, reply_markup: Any = None, **_: Any
    ) -> JSON:
        sent = self._existing(int(chat_id), int(message_id))
        markup = markup_of(reply_markup)
        if markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.reply_markup = markup
        sent.edits += 1
        self._emit(Event("edit", sent))
        return self._message_json(sent)

    async def api_answerCallbackQuery(
        self, callback_query_id: Any, text: Any = None, **kwargs: Any
    ) -> bool:
        query_id = str(callback_query_id)
        if query_id in self.answered:
            raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
        self.answered[query_id] = {"text": text, **kwargs}
        if text:
            self._emit(Event("toast", text=str(text)))
        return True

    # -- the person's side ------------------------------------------------------------------

    def push(self, update: JSON) -> JSON:
        """Queue a raw update payload (an `update_id` is assigned)."""
        update = {"update_id": self._next_update, **update}
        self._next_update += 1
        if self.queue_updates:
            self._updates.append(update)
            self._event().set()
        return update

    def send_text(self, chat_id: int, text: str, **user: Any) -> JSON:
        """The person types a message (a leading /command gets its entity)."""
        message = self._user_message(chat_id, user, text=text)
        command = re.match(r"^/[A-Za-z0-9_]+(?:@\w+)?", text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return self.push({"message": message})

    def send_message(self, chat_id: int, fields: JSON, **user: Any) -> JSON:
        """The person sends any other kind of message (sticker, photo, location, ...)."""
        return self.push({"message": self._user_message(chat_id, user, **fields)})

    def send_document(
        self,
        chat_id: int,
        name: str,
        data: bytes,
        mime_type: str = "application/json",
        **user: Any,
    ) -> JSON:
        """The person sends a file (it can then be fetched with getFile)."""
        file_id = f"f{len(self.files) + 1}"
        self.files[file_id] = data
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        return self.send_message(chat_id, {"document": document}, **user)

    def edit_text(self, chat_id: int, message_id: int, text: str, **user: Any) -> JSON:
        """The person edits one of their messages."""
        message = self._user_message(chat_id, user, text=text)
        message["message_id"] = message_id
        message["edit_date"] = self._now()
        return self.push({"edited_message": message})

    def press(self, sent: Sent, data: str, *, user_id: int | None = None) -> JSON:
        """The person taps an inline button under a bot message."""
        query: JSON = {
            "id": str(self._next_query),
            "from": user_json(user_id or sent.chat_id),
            "message": self._message_json(sent),
            "chat_instance": f"ci{sent.chat_id}",
            "data": data,
        }
        self._next_query += 1
        return self.push({"callback_query": query})

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Every message the bot sent to this chat, in order."""
        return [s for s in self.history if s.chat_id == chat_id]

    def last(self, chat_id: int) -> Sent:
        """The latest message the bot sent to this chat."""
        messages = self.sent_to(chat_id)
        if not messages:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot's getUpdates offset."""
        return len(self._updates)

    def pending_update_id(self) -> int:
        """The id of the newest update created so far (0 before the first)."""
        return self._next_update - 1

    # -- internals --------------------------------------------------------------------------

    def _event(self) -> asyncio.Event:
        if self._new_update is None:
            self._new_update = asyncio.Event()
        return self._new_update

    def _now(self) -> int:
        """The Bot API's message date: whole seconds since the epoch, by the shared clock."""
        return int(self.clock().timestamp())

    def _emit(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    def _message_id(self, chat_id: int) -> int:
        self._next_message[chat_id] = self._next_message.get(chat_id, 0) + 1
        return self._next_message[chat_id] * 2  # even ids: bot messages, odd: the person's

    def _store(self, sent: Sent, kind: str) -> None:
        self.messages[(sent.chat_id, sent.message_id)] = sent
        self.history.append(sent)
        self._emit(Event(kind, sent))

    def _checkchat_json(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")

    def _existing(self, chat_id: int, message_id: int) -> Sent:
        self._checkchat_json(chat_id)
        sent = self.messages.get((chat_id, message_id))
        if sent is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return sent

    def _message_json(self, sent: Sent) -> JSON:
        message: JSON = {
            "message_id": sent.message_id,
            "date": self._now(),
            "chat": chat_json(sent.chat_id, self.chat_types.get(sent.chat_id, "private")),
            "from": self.bot,
        }
        if sent.document is None:
            message["text"] = sent.text
        elif sent.caption:
            message["caption"] = sent.caption
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    def _user_message(self, chat_id: int, user: JSON, **fields: Any) -> JSON:
        chat_type = user.pop("chat_type", "private")
        self.chat_types[chat_id] = chat_type
        sender = user_json(int(user.pop("user_id", chat_id)), **user)
        self._next_message[chat_id] = self._next_message.get(chat_id, 0) + 1
        return {
            "message_id": self._next_message[chat_id] * 2 - 1,
            "date": self._now(),
            "chat": chat_json(chat_id, chat_type),
            "from": sender,
            **fields,
        }
