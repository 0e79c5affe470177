"""The baseline: a bare python-telegram-bot echo bot (no storage, no rate limiter).

It answers every message and every button press with one `send_message`, and is run exactly
like the real bot (a subprocess, long polling, the same fake server and HTTP stack), so
`bot latency / echo latency` is what the bot's own work costs on top of the framework.

With ECHO_CALLS=same it answers a button press with the calls the bot makes for a rating
(answer the callback while working, then edit the message and send one more, together), and
does no other work: the protocol's share of the bot's rating latency.
"""

from __future__ import annotations

import asyncio
import os

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    query = update.callback_query
    if query is not None and os.environ.get("ECHO_CALLS") == "same":
        answered = asyncio.create_task(query.answer())
        await asyncio.gather(
            query.edit_message_text(f"pressed {query.data}"),
            context.bot.send_message(chat.id, "and one more message"),
        )
        await answered
        return
    if update.callback_query is not None:
        text = f"pressed {update.callback_query.data}"
    else:
        message = update.effective_message
        text = f"echo: {message.text if message and message.text else '(no text)'}"
    await context.bot.send_message(chat.id, text)


def main() -> None:
    app = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(echo))
    app.run_polling(allowed_updates=[Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY])


if __name__ == "__main__":
    main()
