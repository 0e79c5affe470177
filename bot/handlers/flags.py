"""Red flags in anything a person types, in any state: the fixed replies, most urgent first,
delivered even when Telegram fails (crisis and urgent ones), and the caption check."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.context import Ctx
from bot.handlers.common import Sender, diary, now, send, sender, services
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


async def check_text(
    context: Ctx, who: Sender, text: str, message_id: int | None = None
) -> FlagReply:
    """The replies to the flags of a text that is not a note by itself (before consent,
    during set-up, an edit without a note, a caption, a command's words). Once the person
    is set up, a text that raises a flag is kept as a note all the same, so that the flag is
    on the record (/history, the export, the doctor's summary)."""
    flags = diary(context).red_flags.scan(text)
    if not flags:
        return FlagReply()
    person = diary(context).person(who.user_id)
    kept = person is not None and person.ready
    if kept:
        diary(context).notes.add(who.user_id, text, now(context), message_id)
    tz = person.tz if person else None
    return await reply_to_flags(context, who, tz, flags, note_kept=kept)


async def check_command(update: Update, context: Ctx, known: Collection[str]) -> None:
    """Before any command runs: its words are typed text too ("/pause thinking of ending
    it", "/kms"). A crisis or urgent reply is then the only answer; a doctor-level message
    comes before the command's own reply. The name of a `known` command is not read: it is
    the bot's word, not the person's ("/delete" is no wish to delete oneself)."""
    who, message = sender(update), update.message
    if who is None or message is None or not message.text:
        return
    typed = typed_words(message.text, known)
    if typed and (await check_text(context, who, typed, message.message_id)).urgent:
        raise ApplicationHandlerStop


def typed_words(text: str, known: Collection[str]) -> str:
    """A message's own words: without the name of a known command it starts with
    ("/pause thinking of ending it" -> "thinking of ending it"); an unknown one is typed
    ("/kms")."""
    if command_name(text) not in known:
        return text.strip()
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def command_name(text: str | None) -> str | None:
    """The command a message starts with ("/crisis@RlsBot now" -> "crisis"), or None."""
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].casefold()


async def check_caption(update: Update, context: Ctx) -> bool:
    """A photo's or file's caption is typed text too; True when a crisis or urgent reply was
    sent (the caller then answers nothing else)."""
    who, message = sender(update), update.effective_message
    if who is None or message is None or not message.caption:
        return False
    return (await check_text(context, who, message.caption, message.message_id)).urgent
