"""The only place remedies become messages: tonight's card, the full reference card, and the
/remedies list."""

from __future__ import annotations

from enum import auto

from bot.models import Catalog, Flag, Kind, Reason, Remedy, Why
from bot.texts.base import TextKey, catalog, count, esc, t


class CardText(TextKey):
    """Keys of the card sentences."""

    EVIDENCE = auto()
    TITLE = auto()
    SAFETY = auto()
    WHY_THIS_ONE = auto()
    HOW = auto()
    WHAT_TO_ASK = auto()
    GRADE_MEANING = auto()
    SOURCES = auto()
    REVIEWED = auto()
    KIND_TONIGHT = auto()
    KIND_HABIT = auto()
    KIND_ASK_DOCTOR = auto()
    HEADING_TONIGHT = auto()
    HEADING_HABIT = auto()
    HEADING_ASK_DOCTOR = auto()
    LIST_HEADING = auto()
    LIST_TAP = auto()
    ADULT_HIDDEN = auto()
    WHY_HELPED_YOU = auto()
    WHY_HELPED_YOU_ONCE = auto()
    WHY_NOT_HELPED_YET = auto()
    WHY_GUIDELINES = auto()
    WHY_TRIALS = auto()
    WHY_NEW = auto()
    WHY_TRIAL_EVENING = auto()
    WHY_TRIAL_BETTER = auto()


SENTENCES = catalog(
    CardText,
    {
        CardText.EVIDENCE: "Evidence: <b>{grade}</b>. {caveat}",
        CardText.TITLE: "💡 <b>{title}</b>",
        CardText.SAFETY: "⚠️ Safety: {safety}",
        CardText.WHY_THIS_ONE: "<i>Why this one: {reason}.</i>",
        CardText.HOW: "How: {how}",
        CardText.WHAT_TO_ASK: "What to ask: {how}",
        CardText.GRADE_MEANING: "<i>{grade}: {meaning}</i>",
        CardText.SOURCES: "Sources:",
        CardText.REVIEWED: "\nReviewed {date}, content version {version}.",
        # Under the title of a full card: what kind of idea it is, as a whole sentence (a bare
        # "Talk to your doctor about" once dangled above "What to ask:").
        CardText.KIND_TONIGHT: "Something to try in the evening.",
        CardText.KIND_HABIT: "A habit for the days ahead.",
        CardText.KIND_ASK_DOCTOR: (
            "A question for your doctor or pharmacist, never a suggestion for tonight."
        ),
        CardText.HEADING_TONIGHT: "Ideas for tonight",
        CardText.HEADING_HABIT: "Habits for the days ahead",
        CardText.HEADING_ASK_DOCTOR: "To talk over with your doctor (never suggested at bedtime)",
        CardText.LIST_HEADING: "<b>Everything I can suggest</b>, with how well each is studied:",
        CardText.LIST_TAP: "\nTap one to read its full card with sources.",
        CardText.ADULT_HIDDEN: "Ideas about sex are left out; you can include them in /settings.",
        CardText.WHY_HELPED_YOU: "it helped you on {helped} of the {nights} you tried it",
        CardText.WHY_HELPED_YOU_ONCE: "it helped you the night you tried it",
        CardText.WHY_NOT_HELPED_YET: (
            "you tried it on {nights} without clear help so far; some ideas need a few nights"
        ),
        CardText.WHY_GUIDELINES: "it is recommended in guidelines, and you haven't tried it yet",
        CardText.WHY_TRIALS: "it is well studied, and you haven't tried it yet",
        CardText.WHY_NEW: "you haven't tried this one yet",
        CardText.WHY_TRIAL_EVENING: "tonight is an idea evening of your trial",
        CardText.WHY_TRIAL_BETTER: "your own trial found it likely makes your nights better",
    },
)

WHY = {
    Why.HELPED_YOU: CardText.WHY_HELPED_YOU,
    Why.NOT_HELPED_YET: CardText.WHY_NOT_HELPED_YET,
    Why.GUIDELINES: CardText.WHY_GUIDELINES,
    Why.TRIALS: CardText.WHY_TRIALS,
    Why.NEW: CardText.WHY_NEW,
    Why.TRIAL_EVENING: CardText.WHY_TRIAL_EVENING,
    Why.TRIAL_BETTER: CardText.WHY_TRIAL_BETTER,
}
KIND_LINES = {
    Kind.TONIGHT: CardText.KIND_TONIGHT,
    Kind.HABIT: CardText.KIND_HABIT,
    Kind.ASK_DOCTOR: CardText.KIND_ASK_DOCTOR,
}
KIND_HEADINGS = {
    Kind.TONIGHT: CardText.HEADING_TONIGHT,
    Kind.HABIT: CardText.HEADING_HABIT,
    Kind.ASK_DOCTOR: CardText.HEADING_ASK_DOCTOR,
}


def reason_words(reason: Reason) -> str:
    """`helped you 2 of 3 times`, `advised in guidelines`, ... (stored with the suggestion:
    the words the person saw)."""
    if reason.why is Why.HELPED_YOU:
        if reason.tried == 1:
            return t(CardText.WHY_HELPED_YOU_ONCE)
        nights = count(reason.tried, "night")
        return t(CardText.WHY_HELPED_YOU, helped=reason.helped, nights=nights)
    if reason.why is Why.NOT_HELPED_YET:
        return t(CardText.WHY_NOT_HELPED_YET, nights=count(reason.tried, "night"))
    return t(WHY[reason.why])


# The longest reason the chooser gives, for the content check's longest possible card.
LONGEST_REASON = Reason(why=Why.HELPED_YOU, helped=999, tried=999)


def evidence_line(remedy: Remedy, catalog: Catalog) -> str:
    """`Evidence: <grade in plain words>. caveat`."""
    grade = catalog.grades[remedy.evidence]
    return t(CardText.EVIDENCE, grade=esc(grade.label), caveat=esc(remedy.caveat))


def render_suggestion(remedy: Remedy, catalog: Catalog, reason: str) -> str:
    """Tonight's one remedy: title, how to do it, evidence and caveat, safety, why this one."""
    parts = [
        t(CardText.TITLE, title=esc(remedy.title)),
        esc(remedy.how_to),
        "",
        evidence_line(remedy, catalog),
    ]
    if remedy.safety:
        parts.append(t(CardText.SAFETY, safety=esc(remedy.safety)))
    parts.append(t(CardText.WHY_THIS_ONE, reason=esc(reason)))
    return "\n".join(parts)


def render_card(remedy: Remedy, catalog: Catalog) -> str:
    """The full reference card (with grade meaning and sources), as /remedies shows it."""
    grade = catalog.grades[remedy.evidence]
    how = CardText.WHAT_TO_ASK if remedy.kind is Kind.ASK_DOCTOR else CardText.HOW
    parts = [
        f"<b>{esc(remedy.title)}</b>",
        f"<i>{t(KIND_LINES[remedy.kind])}</i>",
        t(how, how=esc(remedy.how_to)),
        "",
        evidence_line(remedy, catalog),
        t(CardText.GRADE_MEANING, grade=esc(grade.label), meaning=esc(grade.meaning)),
    ]
    if remedy.safety:
        parts.append(t(CardText.SAFETY, safety=esc(remedy.safety)))
    if remedy.sources:
        parts.append("")
        parts.append(t(CardText.SOURCES))
        parts.extend(f"• {esc(s)}" for s in remedy.sources)
    reviewed = f"{remedy.reviewed_on:%Y-%m-%d}"
    parts.append(t(CardText.REVIEWED, date=reviewed, version=catalog.version))
    return "\n".join(parts)


def every_rendering(remedy: Remedy, catalog: Catalog) -> tuple[str, ...]:
    """Every message this remedy can become (with the longest reason), for the content check."""
    longest = reason_words(LONGEST_REASON)
    return (render_suggestion(remedy, catalog, longest), render_card(remedy, catalog))


def longest_card_length(remedy: Remedy, catalog: Catalog) -> int:
    """The longest message this remedy can become, for the content check."""
    return max(len(card) for card in every_rendering(remedy, catalog))


def remedies_list(catalog: Catalog, adult_topics: bool) -> str:
    """/remedies: every entry grouped by kind, with its evidence grade in plain words."""
    lines = [t(CardText.LIST_HEADING)]
    hidden = 0
    for kind in Kind:
        entries = [r for r in catalog.remedies if r.kind is kind]
        if not adult_topics:
            hidden += sum(Flag.ADULTS_ONLY in r.flags for r in entries)
            entries = [r for r in entries if Flag.ADULTS_ONLY not in r.flags]
        if not entries:
            continue
        lines.append(f"\n<b>{t(KIND_HEADINGS[kind])}</b>")
        for remedy in entries:
            label = catalog.grades[remedy.evidence].label
            lines.append(f"• {esc(remedy.title)}: <i>{esc(label)}</i>")
    if hidden:
        lines.append(f"\n{t(CardText.ADULT_HIDDEN)}")
    lines.append(t(CardText.LIST_TAP))
    return "\n".join(lines)
