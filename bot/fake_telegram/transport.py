"""Plugs a FakeBotAPI into python-telegram-bot in place of HTTP."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.fake_telegram.api import FakeBotAPI
from bot.fake_telegram.wire import JSON
from bot.transport import check_answer


class FakeTelegram(BaseRequest):
    """Plugs a FakeBotAPI into python-telegram-bot in place of HTTP."""

    def __init__(self, api: FakeBotAPI | None = None) -> None:
        self.api = api or FakeBotAPI()

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

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
        if method == "GET" and "/file/" in url:
            return self.api.download(url)
        api_method = url.rsplit("/", 1)[-1]
        params: JSON = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params["_files"] = {
                key: (value[0], value[1]) for key, value in request_data.multipart_data.items()
            }
        status, body = await self.api.call(api_method, params)
        payload = json.dumps(body).encode()
        check_answer(status, payload)  # as the real transport does (bot/transport.py)
        return status, payload
