"""An in-process stand-in for the Telegram Bot API, used by the console mode and the tests.

`FakeBotAPI` keeps chats, messages and pending updates and answers the Bot API methods the bot
uses, including the errors real Telegram gives (bad HTML, over-long text, callback data over
64 bytes, editing a missing message, a blocked bot). `FakeTelegram` plugs it into
python-telegram-bot as a `BaseRequest`, so the real Application, handlers and JobQueue run
unchanged. The user side (`send_text`, `press`, ...) builds real Bot API update payloads.
"""

from bot.fake_telegram.api import FakeBotAPI
from bot.fake_telegram.transport import FakeTelegram
from bot.fake_telegram.wire import JSON, ApiError, Event, Hook, Sent, html_to_plain

__all__ = [
    "JSON",
    "ApiError",
    "Event",
    "FakeBotAPI",
    "FakeTelegram",
    "Hook",
    "Sent",
    "html_to_plain",
]
