"""Looking back: /report (chart and what helped), /summary (PDF for a doctor), /import."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from dataclasses import dataclass

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
from bot.insights import (
    PeriodSummary,
    TrialLine,
    adults_only_trials,
    adults_only_tried,
    chart_days,
    summarize,
    trial_lines,
    without_ideas,
    without_trials,
)
from bot.keyboards import DoctorPdf, ImportAnswer
from bot.keyboards.presses import SUMMARY_DAYS_RANGE
from bot.models import Awaiting, Catalog, Night
from bot.texts import ChatText, ReportText, TransferText, t
from bot.texts.trial_report import trials_report
from bot.transfer import ImportRejected, Rejection, parse_import

REPORT_DAYS = 28
SUMMARY_DAYS = 28
MIN_SUMMARY_DAYS = SUMMARY_DAYS_RANGE.start
MAX_SUMMARY_DAYS = SUMMARY_DAYS_RANGE.stop - 1
MAX_IMPORT_BYTES = 5_000_000


# matplotlib and fpdf2 load on first use, in a worker thread like the drawing itself: about a
# second and 60 MB that start-up need not pay, and nothing that blocks the event loop.


def _chart(nights: list[Night], catalog: Catalog, end: dt.date, days: int) -> bytes:
    from bot.charts import report_png

    return report_png(nights, catalog, end, days)


def _pdf(
    nights: list[Night],
    summary: PeriodSummary,
    catalog: Catalog,
    tz: str,
    generated_at: dt.datetime,
    titles: dict[str, str],
) -> bytes:
    from bot.doctor_pdf import summary_pdf

    png = _chart(nights, catalog, summary.end, summary.days)
    return summary_pdf(
        summary, tz=tz, generated_at=generated_at, red_flag_titles=titles, chart_png=png
    )


def _today(context: Ctx, user_id: int) -> dt.date | None:
    """The last night a look back covers (None before set-up): tonight's once an afternoon
    check-in recorded it, else the current night."""
    person = diary(context).person(user_id)
    if person is None or person.tz is None:
        return None
    return diary(context).last_night_shown(person, now(context))


def _trials(
    context: Ctx, user_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[TrialLine]:
    """The person's trials (those with an evening from `start` to `end`), newest first: the
    running one with what its nights show so far, and the finished ones."""
    person = diary(context).person(user_id)
    if person is None:
        return []
    progress = None
    if person.trial is not None and person.ready:
        progress = diary(context).trial.status(user_id)
    return trial_lines(
        person.trials,
        None if progress is None else progress.so_far,
        diary(context).catalog,
        running_length=None if progress is None else progress.trial.length,
        start=start,
        end=end,
    )


async def cmd_report(update: Update, context: Ctx) -> None:
    """A chart of the last 28 nights and a short summary, with what has helped."""
    who = sender(update)
    if who is None:
        return
    end = _today(context, who.user_id)
    if end is None:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    since = end - dt.timedelta(days=REPORT_DAYS - 1)
    nights = diary(context).nights(who.user_id, since=since)  # only the period's months
    # From the first recorded night on (at least a week): a first week is not a month of
    # empty days with a few dots at its edge.
    days = chart_days(nights, end, REPORT_DAYS)
    start = end - dt.timedelta(days=days - 1)
    catalog = diary(context).catalog
    summary = summarize(nights, catalog, start, end)
    trials = _trials(context, who.user_id)  # every trial: the person's own standing results
    if summary.nights_recorded == 0:
        person = diary(context).person(who.user_id)
        ready = person is not None and person.ready  # else /checkin only points to /start
        empty = t(ReportText.REPORT_EMPTY) if ready else not_set_up_text(context, who.user_id)
        await send(context, who.chat_id, empty)
    else:
        png = await asyncio.to_thread(_chart, nights, catalog, end, days)
        await context.bot.send_photo(who.chat_id, photo=png, caption=texts.chart_caption(days))
        titles = diary(context).red_flags.titles()
        await send(context, who.chat_id, texts.report_summary(summary, red_flag_titles=titles))
    if trials:
        await send(context, who.chat_id, trials_report(trials))


@dataclass(frozen=True)
class _SummaryPlan:
    """What the doctor's summary of a period will show."""

    nights: list[Night]
    summary: PeriodSummary
    adult_ideas: list[str]  # titles of the adults-only ideas tried or tested in the period


def _plan(context: Ctx, user_id: int, end: dt.date, days: int, *, leave_out: bool) -> _SummaryPlan:
    catalog = diary(context).catalog
    start = end - dt.timedelta(days=days - 1)
    nights = [n for n in diary(context).nights(user_id, since=start) if start <= n.night <= end]
    trials = _trials(context, user_id, start, end)
    adult_trials = adults_only_trials(trials, catalog)
    adult = sorted({*adults_only_tried(nights, catalog), *adult_trials})
    if leave_out:
        nights = without_trials(without_ideas(nights, adult), trials, adult_trials)
        trials = [x for x in trials if x.remedy_id not in adult_trials]
    titles = [remedy.title for remedy in map(catalog.get, adult) if remedy is not None]
    summary = dataclasses.replace(summarize(nights, catalog, start, end), trials=trials)
    return _SummaryPlan(nights, summary, titles)


async def cmd_summary(update: Update, context: Ctx) -> None:
    """What a PDF for a doctor of the last 28 nights (or /summary 90) will hold, with a
    button to make it."""
    who = sender(update)
    if who is None:
        return
    person = diary(context).person(who.user_id)
    end = _today(context, who.user_id)
    if person is None or person.tz is None or end is None:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    typed = " ".join(context.args or [])
    days = SUMMARY_DAYS
    if typed:
        asked = small_number(typed)
        if asked is None or asked not in SUMMARY_DAYS_RANGE:
            correction = texts.summary_bad_days(
                typed, default=SUMMARY_DAYS, least=MIN_SUMMARY_DAYS, most=MAX_SUMMARY_DAYS
            )
            await send(context, who.chat_id, correction)
            return
        days = asked
    # Adults-only topics are in the PDF by default only for someone who chose to see them.
    leave_out = not person.adult_topics
    plan = _plan(context, who.user_id, end, days, leave_out=leave_out)
    if plan.summary.nights_recorded == 0:
        await send(context, who.chat_id, t(ReportText.DOCTOR_EMPTY))
        return
    await send(
        context,
        who.chat_id,
        _contents(context, plan, leave_out),
        keyboards.doctor_pdf(end, days, leave_out=leave_out, adult_choice=bool(plan.adult_ideas)),
    )


def _contents(context: Ctx, plan: _SummaryPlan, leave_out: bool) -> str:
    return texts.doctor_contents(
        plan.summary,
        red_flag_titles=diary(context).red_flags.titles(),
        adult_ideas=plan.adult_ideas,
        leave_out=leave_out,
    )


async def on_doctor_pdf_button(update: Update, context: Ctx, press: DoctorPdf) -> None:
    """Make the PDF whose contents were shown, or show them again with adults-only topics
    switched between left out and included."""
    who, query = sender(update), update.callback_query
    if who is None or query is None:
        return
    person = diary(context).person(who.user_id)
    if person is None or person.tz is None:
        await send(context, who.chat_id, not_set_up_text(context, who.user_id))
        return
    plan = _plan(context, who.user_id, press.end, press.days, leave_out=press.leave_out)
    if not press.make:
        markup = keyboards.doctor_pdf(
            press.end, press.days, leave_out=press.leave_out, adult_choice=bool(plan.adult_ideas)
        )
        await edit_pressed(query, _contents(context, plan, press.leave_out), markup)
        return
    await edit_pressed(query, None)  # its buttons go: the PDF follows
    if plan.summary.nights_recorded == 0:
        await send(context, who.chat_id, t(ReportText.DOCTOR_EMPTY))
        return
    pdf = await asyncio.to_thread(
        _pdf,
        plan.nights,
        plan.summary,
        diary(context).catalog,
        person.tz,
        now(context),
        diary(context).red_flags.titles(),
    )
    await context.bot.send_document(
        who.chat_id,
        document=pdf,
        filename=f"rls-summary-{press.end:%Y-%m-%d}.pdf",
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
