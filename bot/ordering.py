"""Updates run concurrently across chats and strictly in order within one chat.

python-telegram-bot handles one update at a time by default: one person's flood, or a reply
waiting out a 429, then holds up everyone. With this processor every chat has its own queue
(an asyncio lock, which is first come first served), so a person's messages are handled in
the order they were sent while other people's go on at the same time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates being handled or queued at once, over all chats. A flooding chat's queued updates
# each take a place, so this is generous; beyond it PTB queues updates in arrival order.
MAX_CONCURRENT_UPDATES = 4096


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (its sender where there is no chat); None: unordered."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """One queue per chat; different chats never wait for each other.

    `on_arrival(update)` runs as an update arrives, before it waits for its chat's turn: what
    depends on when a message came (the flood limit) is judged then, not when its turn comes.
    """

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        on_arrival: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._on_arrival = on_arrival

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._on_arrival is not None:
            self._on_arrival(update)
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody else queued: forget the chat
                del self._users[key], self._locks[key]

    def busy_chats(self) -> int:
        """Chats with an update being handled or waiting."""
        return len(self._users)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""
