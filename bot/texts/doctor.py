"""What the summary for a doctor (/summary) will hold, said before it is made, with the buttons
that make it or leave the adults-only topics out of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import auto

from bot.insights import PeriodSummary
from bot.texts.base import TextKey, catalog, count, cut, day, esc, t


class DoctorText(TextKey):
    """Keys of the doctor's-summary sentences."""

    HEADING = auto()
    HOLDS = auto()
    NIGHTS = auto()
    IDEAS = auto()
    NO_IDEAS = auto()
    FLAGS = auto()
    NO_FLAGS = auto()
    TRIALS = auto()
    SPACE = auto()
    NO_NOTES = auto()
    ADULT_IN = auto()
    ADULT_OUT = auto()
    MAKE_BUTTON = auto()
    INCLUDE_ALL_BUTTON = auto()
    LEAVE_OUT_BUTTON = auto()
    BAD_DAYS = auto()
    DAYS_OUT_OF_RANGE = auto()


SENTENCES = catalog(
    DoctorText,
    {
        DoctorText.HEADING: "<b>Your summary for a doctor</b>: {period} ({days}).",
        DoctorText.HOLDS: "On one or two A4 pages it will hold:",
        DoctorText.NIGHTS: (
            "• your evening ratings and sleep, as a chart and night by night ({recorded}; "
            "any night you didn't record is listed as not recorded)"
        ),
        DoctorText.IDEAS: ("• the ideas you tried and your answers to “did it help?” ({ideas})"),
        DoctorText.NO_IDEAS: "• the ideas you tried (none in this period)",
        DoctorText.FLAGS: (
            "• ⚠️ the warning signs you wrote about, each with its date: {names} ({nights})"
        ),
        DoctorText.NO_FLAGS: "• any warning signs you wrote about (none in this period)",
        DoctorText.TRIALS: (
            "• 🔬 your personal trials and what your nights showed in each ({trials}), and "
            "which evenings were trial evenings"
        ),
        DoctorText.SPACE: (
            "• empty space for you or your doctor to write your current medicines, your "
            "latest ferritin (iron stores) result and when your symptoms usually start"
        ),
        DoctorText.NO_NOTES: ("It never holds the words of your notes, only how many you wrote."),
        DoctorText.ADULT_IN: "Adults-only topics: <b>included</b> ({ideas}).",
        DoctorText.ADULT_OUT: ("Adults-only topics: <b>left out</b> ({ideas} will not appear)."),
        DoctorText.MAKE_BUTTON: "Make the PDF",
        DoctorText.INCLUDE_ALL_BUTTON: "Include everything",
        DoctorText.LEAVE_OUT_BUTTON: "Leave out adults-only topics",
        DoctorText.BAD_DAYS: (
            "I couldn't read{shown} as a number of days. Use <code>/summary</code> for the "
            "last {default} days, or a number from {least} to {most}, for example "
            "<code>/summary 90</code>. Nothing was made."
        ),
        DoctorText.DAYS_OUT_OF_RANGE: (
            "A summary covers from {least} to {most} days, so I didn't make one for {asked}. "
            "Use <code>/summary</code> for the last {default} days, or a number in that "
            "range, for example <code>/summary 90</code>."
        ),
    },
)


def doctor_contents(
    summary: PeriodSummary,
    *,
    red_flag_titles: Mapping[str, str] | None = None,
    adult_ideas: Sequence[str] = (),
    leave_out: bool = False,
) -> str:
    """What the PDF will hold, said before it is made: the period, the ratings, the ideas and
    answers, each warning sign that will be listed, and never the words of the notes.
    `summary` is the one the PDF will show; `adult_ideas` are the titles of the adults-only
    ideas tried in the period, which `leave_out` says are left out of it."""
    period = f"{day(summary.start)} to {day(summary.end)}"
    lines = [
        t(DoctorText.HEADING, period=period, days=count(summary.days, "night")),
        t(DoctorText.HOLDS),
        t(DoctorText.NIGHTS, recorded=f"{summary.nights_recorded} recorded"),
    ]
    outcomes = summary.outcomes  # with the adults-only ideas already out, when left out
    if outcomes:
        lines.append(t(DoctorText.IDEAS, ideas=count(len(outcomes), "idea")))
    else:
        lines.append(t(DoctorText.NO_IDEAS))
    if summary.red_flag_nights:
        names: dict[str, None] = {}
        for _, ids in summary.red_flag_nights:
            for flag in ids:
                names[(red_flag_titles or {}).get(flag, flag)] = None
        lines.append(
            t(
                DoctorText.FLAGS,
                names=esc("; ".join(names)),
                nights=count(len(summary.red_flag_nights), "night"),
            )
        )
    else:
        lines.append(t(DoctorText.NO_FLAGS))
    if summary.trials:  # with the adults-only ones already out, when left out
        lines.append(t(DoctorText.TRIALS, trials=count(len(summary.trials), "trial")))
    lines.append(t(DoctorText.SPACE))
    lines += ["", t(DoctorText.NO_NOTES)]
    if adult_ideas:
        ideas = esc(", ".join(f"“{cut(title, 60)}”" for title in adult_ideas))
        key = DoctorText.ADULT_OUT if leave_out else DoctorText.ADULT_IN
        lines += ["", t(key, ideas=ideas)]
    return "\n".join(lines)


def summary_bad_days(typed: str, *, default: int, least: int, most: int) -> str:
    """/summary with something that is not a number of days from `least` to `most`."""
    asked = typed.strip()
    if asked.isascii() and asked.isdigit() and len(asked) <= 6:
        return t(
            DoctorText.DAYS_OUT_OF_RANGE,
            asked=int(asked),
            default=default,
            least=least,
            most=most,
        )
    shown = f" “{esc(cut(typed, 40))}”" if typed.strip() else ""
    return t(DoctorText.BAD_DAYS, shown=shown, default=default, least=least, most=most)
