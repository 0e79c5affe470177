"""Looking back: /report (chart and what helped), /summary (PDF for a doctor), /import."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Update

from bot import keyboards, texts
from bot.context import Ctx
from bot.handlers.common import (
    apply_schedule,
    consented,
    diary,
    edit_pressed,
    not_set_up_text,
    now,
    send,
    sender,
    services,
    small_number,
)
from bot.handlers.flags import check_caption
from bot.insights import PeriodSummary, summarize
from bot.keyboards import ImportAnswer
from bot.models import Awaiting, Catalog, Night
from bot.texts import ChatText, ReportText, TransferText, t
from bot.transfer import ImportRejected, Rejection, parse_import

REPORT_DAYS = 28
SUMMARY_DAYS = 28
MAX_SUMMARY_DAYS = 366
MAX_IMPORT_BYTES = 5_000_000


# matplotlib and fpdf2 load on first use, in a worker thread like the drawing itself: about a
# second and 60 MB that start-up need not pay, and nothing that blocks the event loop.


def _chart(nights: list[Night], catalog: Catalog, end: dt.date) -> bytes:
    from bot.charts import report_png

    return report_png(nights, catalog, end, REPORT_DAYS)


def _pdf(
    summary: PeriodSummary, tz: str, generated_at: dt.datetime, titles: dict[str, str]
) -> bytes:
    from bot.doctor_pdf import summary_pdf

    return summary_pdf(summary, tz=tz, generated_at=generated_at, red_flag_titles=titles)


def _today(context: Ctx, user_id: int) -> dt.date | None:
    """The person's current night key (None before set-up)."""
    person = diary(context).person(user_id)
    if person is None or person.tz is None:
        return None
    return diary(context).night_key(person, now(context))


async def cmd_report(update: Update, context: Ctx) -> None:
    """A chart of the last 28 nights and a short summary, with what has helped."""
    who = sender(update)
    if who is None:
        return
    end = _today(context, who.user_id)
    if end is None:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    start = end - dt.timedelta(days=REPORT_DAYS - 1)
    nights = diary(context).nights(who.user_id, since=start)  # only the period's months
    catalog = diary(context).catalog
    summary = summarize(nights, catalog, start, end)
    if summary.nights_recorded == 0:
        await send(context, who.chat_id, t(ReportText.REPORT_EMPTY))
        return
    png = await asyncio.to_thread(_chart, nights, catalog, end)
    await context.bot.send_photo(who.chat_id, photo=png, caption=texts.chart_caption(REPORT_DAYS))
    titles = diary(context).red_flags.titles()
    await send(context, who.chat_id, texts.report_summary(summary, red_flag_titles=titles))


async def cmd_summary(update: Update, context: Ctx) -> None:
    """A one-page PDF of the last 28 nights (or /summary 90) to take to a doctor."""
    who = sender(update)
    if who is None:
        return
    person = diary(context).person(who.user_id)
    end = _today(context, who.user_id)
    if person is None or person.tz is None or end is None:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    asked = small_number((context.args or [""])[0])
    days = asked if asked is not None and 7 <= asked <= MAX_SUMMARY_DAYS else SUMMARY_DAYS
    start = end - dt.timedelta(days=days - 1)
    nights = diary(context).nights(who.user_id, since=start)  # only the period's months
    summary = summarize(nights, diary(context).catalog, start, end)
    if summary.nights_recorded == 0:
        await send(context, who.chat_id, t(ReportText.DOCTOR_EMPTY))
        return
    pdf = await asyncio.to_thread(
        _pdf, summary, person.tz or "UTC", now(context), diary(context).red_flags.titles()
    )
    await context.bot.send_document(
        who.chat_id,
        document=pdf,
        filename=f"rls-summary-{end:%Y-%m-%d}.pdf",
        caption=t(ReportText.DOCTOR_PDF_CAPTION),
    )


async def cmd_import(update: Update, context: Ctx) -> None:
    """Ask for a diary file made by /export; nothing changes until the person confirms."""
    found = await consented(update, context)
    if found is None:
        return
    who, _person = found
    diary(context).people.expect(who.user_id, Awaiting.IMPORT_FILE)
    await send(context, who.chat_id, t(TransferText.IMPORT_ASK))


async def on_document(update: Update, context: Ctx) -> None:
    """A file: check it as an import if /import asked for one, else say what the bot reads."""
    who, message = sender(update), update.effective_message
    if who is None or message is None or message.document is None:
        return
    if await check_caption(update, context):
        return  # a crisis or urgent reply is the only answer
    person = diary(context).person(who.user_id)
    if person is None or person.awaiting is not Awaiting.IMPORT_FILE:
        await send(context, who.chat_id, t(ChatText.NOT_TEXT) + "\n" + t(TransferText.IMPORT_HINT))
        return
    size = message.document.file_size or 0
    if size > MAX_IMPORT_BYTES:
        rejected = ImportRejected(Rejection.FILE_TOO_LARGE)
        await send(context, who.chat_id, texts.import_rejected(rejected))
        return
    file = await message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    try:
        _, nights = parse_import(data, user_id=who.user_id, chat_id=who.chat_id)
    except ImportRejected as rejected:
        await send(context, who.chat_id, texts.import_rejected(rejected))
        return
    services(context).pending_imports[who.user_id] = data
    current = len(diary(context).nights(who.user_id))
    await send(
        context,
        who.chat_id,
        texts.import_confirm(len(nights), current),
        keyboards.import_confirm(),
    )


async def on_import_button(update: Update, context: Ctx, press: ImportAnswer) -> None:
    """Replace the diary with the checked file (yes) or leave everything (no)."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    data = services(context).pending_imports.pop(who.user_id, None)
    diary(context).people.expect(who.user_id, None)
    if not press.replace or data is None:
        await edit_pressed(query, t(TransferText.CANCELLED))
        return
    person, nights = parse_import(data, user_id=who.user_id, chat_id=who.chat_id)
    stored = diary(context).people.replace_all(who.user_id, person, nights)
    apply_schedule(context, stored)
    await edit_pressed(query, texts.import_done(len(nights)))
