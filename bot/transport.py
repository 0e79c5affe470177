"""The HTTP transport to the Bot API: python-telegram-bot's own, plus what only it can see.

It sees each answer's HTTP status, so it raises `StatusError` (a `NetworkError` that carries
the status) when the server failed (5xx) or the answer is not the Bot API's JSON at all (the
HTML error page of a proxy in front of Telegram). Whether a failed send may have arrived is
then decided by exception type (bot/delivery.py), never by reading an error's wording. It also
tells /readyz whenever Telegram answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData


class StatusError(NetworkError):
    """An answer that says the server failed, or that is not the Bot API's JSON: its status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_answer(status: int, payload: bytes) -> None:
    """Raise StatusError for a 5xx, for a 429 without Telegram's `retry_after`, and for any
    error answer that is not JSON; leave the Bot API's own error answers (400, 403, a 429 to
    wait out, ...) to python-telegram-bot, which raises its usual exceptions for them."""
    if HTTPStatus.OK <= status <= 299:
        return
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown HTTP error"
    try:
        answer = json.loads(payload)
    except ValueError:  # also UnicodeDecodeError
        answer = None
    if not isinstance(answer, dict):
        raise StatusError(status, f"{phrase} ({status}): the answer is not the Bot API's")
    description = str(answer.get("description") or phrase)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise StatusError(status, description)
    parameters = answer.get("parameters")
    if status == HTTPStatus.TOO_MANY_REQUESTS and not (
        isinstance(parameters, dict) and parameters.get("retry_after")
    ):
        raise StatusError(status, description)


class TelegramTransport(HTTPXRequest):
    """python-telegram-bot's HTTP transport with `check_answer`, telling `on_ok` (if given)
    whenever Telegram answered (a 4xx is an answer too; a 5xx or 429 is not)."""

    def __init__(self, on_ok: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_ok = on_ok

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if self.on_ok is not None and status < 500 and status != HTTPStatus.TOO_MANY_REQUESTS:
            self.on_ok()
        check_answer(status, payload)
        return status, payload
