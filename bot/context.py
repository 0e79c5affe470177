"""What every handler and job can reach: the diary, the settings, the clock and shared state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.checkins import Diary
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.red_flags import CrisisDirectory
from bot.throttle import GroupPolicy, PersonThrottle, Verdict, new_throttle

__all__ = ["BotData", "Clock", "Ctx", "Services", "context_types", "system_clock"]


@dataclass
class Services:
    """Long-lived objects shared by all updates; built once in `app.build_application`."""

    diary: Diary
    settings: Settings
    crisis: CrisisDirectory
    clock: Clock = system_clock
    # /import files checked and waiting for the person's "yes" (never written before that).
    pending_imports: dict[int, bytes] = field(default_factory=dict)
    # The start-up task rebuilding everyone's jobs (None before start-up).
    restored: asyncio.Task[None] | None = None
    # Scheduled messages being prepared at once. When a thousand check-ins fall due together,
    # all their jobs start in the same moment; without a bound each would do its storage work
    # before any message leaves, freezing the bot for seconds. Telegram takes 30 a second.
    job_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(30))
    # How much of a flood each person gets answers to, and how rarely groups get any.
    throttle: PersonThrottle = field(default_factory=new_throttle)
    groups: GroupPolicy = field(default_factory=GroupPolicy)
    # Flood verdicts given as updates arrived, by update id, until their turn comes.
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    # Small fire-and-forget tasks (kept referenced until done, as asyncio requires).
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # Set when the process is asked to stop: no reply waits out a rate limit any more.
    stopping: bool = False
    # When Telegram last answered a Bot API call (monotonic seconds; for /readyz).
    last_api_ok: float | None = None
    # The health server (bot.health.HealthServer) while one runs.
    health: object | None = None


class BotData:
    """`context.bot_data`: a typed holder of the Services."""

    services: Services

    def __init__(self) -> None:
        raise TypeError("use bot_data_type(services) to build BotData")


def bot_data_type(services: Services) -> type[BotData]:
    """A BotData class that PTB can instantiate without arguments."""

    class _BoundBotData(BotData):
        def __init__(self) -> None:
            self.services = services

    return _BoundBotData


Ctx = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def context_types(
    services: Services,
) -> ContextTypes[Ctx, dict[Any, Any], dict[Any, Any], BotData]:
    """ContextTypes whose bot_data carries `services`."""
    return ContextTypes(bot_data=bot_data_type(services))
