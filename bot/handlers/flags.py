"""Red flags in anything a person types, in any state: the fixed replies, most urgent first,
delivered even when Telegram fails (crisis and urgent ones), and the caption check."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import texts
from bot.context import Ctx
from bot.handlers.common import Sender, diary, send, sender, services
from bot.red_flags import RedFlag, Severity
from bot.urgent import deliver_urgent


@dataclass(frozen=True)
class FlagReply:
    """What was answered: `urgent` (a crisis or urgent reply, after which nothing cheerful
    follows) and `pending` (Telegram failed; it is being retried in the background, so nothing
    else may be sent that could overtake it)."""

    flags: tuple[RedFlag, ...] = ()
    urgent: bool = False
    pending: bool = False


async def reply_to_flags(
    context: Ctx, who: Sender, tz: str | None, flags: list[RedFlag], *, note_kept: bool
) -> FlagReply:
    """Send the message of each flag, most urgent first; crisis and urgent ones are retried
    until delivered."""
    if not flags:
        return FlagReply()
    entry = services(context).crisis.for_person(tz, who.language)
    urgent = [f for f in flags if f.urgent]
    messages = [
        texts.red_flag_message(
            flag.message,
            entry,
            crisis_lines=flag.severity is Severity.CRISIS,
            # The last crisis or urgent message says the note was kept, in its own words.
            note_kept=note_kept and bool(urgent) and flag is urgent[-1],
        )
        for flag in flags
    ]
    if not urgent:
        for message in messages:
            await send(context, who.chat_id, message)
        return FlagReply(tuple(flags))
    delivered = await deliver_urgent(context.application, context.bot, who.chat_id, messages)
    return FlagReply(tuple(flags), urgent=True, pending=not delivered)


async def check_text(context: Ctx, who: Sender, text: str) -> FlagReply:
    """The replies to the flags of a text that is not stored as a note (before consent,
    during set-up, an edit without a note, a caption)."""
    flags = diary(context).red_flags.scan(text)
    person = diary(context).person(who.user_id)
    return await reply_to_flags(
        context, who, person.tz if person else None, flags, note_kept=False
    )


async def check_caption(update: Update, context: Ctx) -> bool:
    """A photo's or file's caption is typed text too; True when a crisis or urgent reply was
    sent (the caller then answers nothing else)."""
    who, message = sender(update), update.effective_message
    if who is None or message is None or not message.caption:
        return False
    return (await check_text(context, who, message.caption)).urgent
