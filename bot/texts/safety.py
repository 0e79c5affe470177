"""Sentences of safety: crisis lines, the frame around a red flag's curated message, the
gentle doctor prompt, and why no idea is offered after a red flag."""

from __future__ import annotations

from enum import auto

from bot.red_flags import CrisisEntry
from bot.texts.base import TextKey, catalog, esc, t
from bot.trends import DoctorReason

# Where a curated red-flag message puts the local emergency number.
EMERGENCY_PLACEHOLDER = "{emergency}"


class SafetyText(TextKey):
    """Keys of the safety sentences."""

    IN_COUNTRY = auto()
    EMERGENCY = auto()
    CRISIS_OPENING = auto()
    ANYWHERE_ELSE = auto()
    CRISIS_CLOSING = auto()
    NOTE_KEPT = auto()
    DOCTOR_SEVERE_NIGHTS = auto()
    DOCTOR_MOST_NIGHTS = auto()
    DOCTOR_EARLIER_ONSET = auto()
    DOCTOR_PROMPT = auto()
    NO_REMEDY_AFTER_FLAG = auto()


SENTENCES = catalog(
    SafetyText,
    {
        SafetyText.IN_COUNTRY: "<b>In {country}:</b>",
        SafetyText.EMERGENCY: "• Emergency: {number}",
        SafetyText.CRISIS_OPENING: (
            "If you are in danger or thinking about harming yourself, please reach out now. "
            "You don't have to face this alone."
        ),
        SafetyText.ANYWHERE_ELSE: "<b>Anywhere else:</b>",
        SafetyText.CRISIS_CLOSING: (
            "If you are outside your home country, use the local emergency number. No person "
            "reads this chat, so please make the call yourself."
        ),
        SafetyText.NOTE_KEPT: ("I've kept what you wrote as a note, so it is in your diary."),
        SafetyText.DOCTOR_SEVERE_NIGHTS: (
            "You've had three or more nights rated 7 or higher this week."
        ),
        SafetyText.DOCTOR_MOST_NIGHTS: (
            "Your legs have bothered you on most nights for two weeks."
        ),
        SafetyText.DOCTOR_EARLIER_ONSET: (
            "Over the last two weeks the urge has been starting earlier in the day. If you "
            "take an RLS medicine, tell the doctor who prescribes it, and don't change the "
            "dose yourself."
        ),
        SafetyText.DOCTOR_PROMPT: (
            "🩺 {reason}\n\n"
            "It could be worth talking to your doctor about your restless legs: good "
            "treatments exist, and you don't have to just put up with it. You could ask about "
            "an iron blood test (ferritin and transferrin saturation), because low iron can "
            "make RLS worse.\n"
            "/summary makes a short summary of your nights to take with you."
        ),
        SafetyText.NO_REMEDY_AFTER_FLAG: (
            "Because of what you wrote earlier, I won't suggest a remedy tonight. "
            "Please follow the advice I gave you then."
        ),
    },
)

DOCTOR_REASONS = {
    DoctorReason.SEVERE_NIGHTS: SafetyText.DOCTOR_SEVERE_NIGHTS,
    DoctorReason.MOST_NIGHTS: SafetyText.DOCTOR_MOST_NIGHTS,
    DoctorReason.EARLIER_ONSET: SafetyText.DOCTOR_EARLIER_ONSET,
}


def crisis_resources(entry: CrisisEntry) -> str:
    """Who to call, for the person's country."""
    lines = [
        t(SafetyText.IN_COUNTRY, country=esc(entry.place)),
        t(SafetyText.EMERGENCY, number=esc(entry.emergency)),
    ]
    lines.extend(f"• {esc(line)}" for line in entry.lines)
    return "\n".join(lines)


def crisis_command(entry: CrisisEntry, international: CrisisEntry) -> str:
    """/crisis: help right now, for the person's country and anywhere."""
    parts = [t(SafetyText.CRISIS_OPENING), "", crisis_resources(entry)]
    if entry is not international:
        anywhere = (f"• {esc(line)}" for line in international.lines)
        parts += ["", t(SafetyText.ANYWHERE_ELSE), *anywhere]
    parts += ["", t(SafetyText.CRISIS_CLOSING)]
    return "\n".join(parts)


def red_flag_message(
    message: str, entry: CrisisEntry, *, crisis_lines: bool, note_kept: bool = False
) -> str:
    """A curated red-flag message (trusted markup from content) with the local emergency
    number filled in, the crisis lines for the person's country if asked for, and a word that
    the note was kept (the crisis and urgent replies carry it instead of "Saved your note")."""
    parts = [message.replace(EMERGENCY_PLACEHOLDER, esc(entry.emergency))]
    if crisis_lines:
        parts.append(crisis_resources(entry))
    if note_kept:
        parts.append(t(SafetyText.NOTE_KEPT))
    return "\n\n".join(parts)


def doctor_prompt(reason: DoctorReason) -> str:
    """The gentle at-most-fortnightly suggestion to see a doctor."""
    return t(SafetyText.DOCTOR_PROMPT, reason=t(DOCTOR_REASONS[reason]))
