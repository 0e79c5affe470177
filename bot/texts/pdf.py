"""The words of the PDF for a doctor (/summary, one or two pages). Plain text: the PDF module
draws it with the core Latin-1 fonts and cleans every string itself."""

from __future__ import annotations

from enum import auto

from bot.texts.base import TextKey, catalog


class PdfText(TextKey):
    """Keys of the PDF's words."""

    TITLE = auto()
    FOOTER = auto()
    CREATOR = auto()
    PERIOD = auto()
    MADE_ON = auto()
    NIGHTS = auto()
    RATING_SPREAD = auto()
    NO_RATINGS = auto()
    NIGHTS_RECORDED = auto()
    OF = auto()
    RATED_EVENINGS = auto()
    SYMPTOM_NIGHTS = auto()
    RATING_SCALE = auto()
    MORNINGS_ANSWERED = auto()
    EVENINGS_SKIPPED = auto()
    NOTES_WRITTEN = auto()
    ONSETS = auto()
    DAY_TAG = auto()
    DAY_TAG_VALUE = auto()
    SLEEP_QUALITY = auto()
    SLEEP_QUESTION = auto()
    SLEEP_MEDIAN = auto()
    SLEEP_BETWEEN = auto()
    IDEAS_HEADING = auto()
    NO_IDEAS = auto()
    IDEA = auto()
    NIGHTS_TRIED = auto()
    ANSWER_NO = auto()
    ANSWER_A_BIT = auto()
    ANSWER_CLEARLY = auto()
    NO_ANSWER = auto()
    IN_A_TRIAL = auto()
    OTHER_IDEAS = auto()
    IDEAS_CAVEAT = auto()
    WARNING_SIGNS = auto()
    MORE_WARNING_NIGHTS = auto()
    BY_NIGHT = auto()
    BY_WEEK = auto()
    BY_MONTH = auto()
    NIGHT = auto()
    RATING = auto()
    SLEEP = auto()
    WEEK_OF = auto()
    MONTH = auto()
    RATED = auto()
    MEDIAN = auto()
    RANGE = auto()
    SKIPPED = auto()
    RATINGS_HEADING = auto()
    TABLE_DOES_NOT_FIT = auto()
    PAGE = auto()
    ENTERED_LATER_ROW = auto()
    EVENING = auto()
    EVENINGS = auto()
    CHART_HEADING = auto()
    NOT_RECORDED = auto()
    NO_RATING = auto()
    ENTERED_LATER_NOTE = auto()
    FILL_IN_HEADING = auto()
    FILL_MEDICINES = auto()
    FILL_FERRITIN = auto()
    FILL_DATE = auto()
    FILL_RESULT = auto()
    FILL_ONSET = auto()
    TRIALS_HEADING = auto()
    TRIALS_METHOD = auto()
    TRIAL_DATES = auto()
    TRIAL_RESULT = auto()
    TRIAL_RUNNING = auto()
    TRIAL_STOPPED = auto()
    TRIAL_SPAN = auto()
    TRIAL_SINCE = auto()
    TRIAL_SO_FAR = auto()
    MORE_TRIALS = auto()
    TRIAL = auto()
    TRIAL_NOTE = auto()


SENTENCES = catalog(
    PdfText,
    {
        PdfText.TITLE: "Restless legs diary: summary for your doctor",
        PdfText.FOOTER: (
            "Made by the RLS bedtime companion bot from the person's own entries. Not medical "
            "advice."
        ),
        PdfText.CREATOR: "RLS bedtime companion bot",
        PdfText.PERIOD: "Period: {start} to {end} ({days} nights). Time zone: {tz}.",
        PdfText.MADE_ON: "Made on {date} at {time}.",
        PdfText.NIGHTS: "Nights",
        PdfText.RATING_SPREAD: "median {median}, range {low} to {high}",
        PdfText.NO_RATINGS: "no ratings in this period",
        PdfText.NIGHTS_RECORDED: "Nights recorded",
        PdfText.OF: "{part} of {whole}",
        PdfText.RATED_EVENINGS: "Evenings with a rating",
        PdfText.SYMPTOM_NIGHTS: "Nights with symptoms (rating 1 or more)",
        PdfText.RATING_SCALE: "Evening rating, 0 (calm) to 10 (worst)",
        PdfText.MORNINGS_ANSWERED: "Mornings answered (sleep quality)",
        PdfText.EVENINGS_SKIPPED: "Evenings skipped",
        PdfText.NOTES_WRITTEN: "Notes written (their text is not included)",
        PdfText.ONSETS: "When the urge started (evenings asked)",
        PdfText.DAY_TAG: "Day tag: {tag}",
        PdfText.DAY_TAG_VALUE: (
            "{with_nights}, rating {with_avg}; without: {without_nights}, rating "
            "{without_avg} (lower is calmer; association only)"
        ),
        PdfText.SLEEP_QUALITY: "Sleep quality",
        PdfText.SLEEP_QUESTION: (
            'Asked each morning as in the Consensus Sleep Diary: "How would you rate the '
            'quality of your sleep?"'
        ),
        PdfText.SLEEP_MEDIAN: "Median: {word}.",
        PdfText.SLEEP_BETWEEN: "between {low} and {high}",
        PdfText.IDEAS_HEADING: (
            'Ideas tried at bedtime, and the person\'s own answer to "Did it help?"'
        ),
        PdfText.NO_IDEAS: "No ideas were marked as tried in this period.",
        PdfText.IDEA: "Idea",
        PdfText.NIGHTS_TRIED: "Nights tried",
        PdfText.ANSWER_NO: "Didn't help",
        PdfText.ANSWER_A_BIT: "Helped a bit",
        PdfText.ANSWER_CLEARLY: "Helped clearly",
        PdfText.NO_ANSWER: "No answer",
        PdfText.IN_A_TRIAL: "Trial idea evenings",
        PdfText.OTHER_IDEAS: "{n} other ideas",
        PdfText.IDEAS_CAVEAT: (
            "These are the person's reports. They show what was reported alongside each idea, "
            "not whether the idea is effective."
        ),
        PdfText.WARNING_SIGNS: "Warning signs noted",
        PdfText.MORE_WARNING_NIGHTS: "...and {n} more nights, {first} to {last}.",
        PdfText.BY_NIGHT: "Evening rating (0-10) and sleep, night by night",
        PdfText.BY_WEEK: "Evening rating (0-10), week by week (weeks start on Monday)",
        PdfText.BY_MONTH: "Evening rating (0-10), month by month",
        PdfText.NIGHT: "Night",
        PdfText.RATING: "Rating",
        PdfText.SLEEP: "Sleep",
        PdfText.WEEK_OF: "Week of",
        PdfText.MONTH: "Month",
        PdfText.RATED: "Rated",
        PdfText.MEDIAN: "Median",
        PdfText.RANGE: "Range",
        PdfText.SKIPPED: "skipped",
        PdfText.RATINGS_HEADING: "Evening ratings",
        PdfText.TABLE_DOES_NOT_FIT: (
            "The table does not fit on this page; the CSV export has every night."
        ),
        PdfText.PAGE: "Page {page} of {pages}.",
        PdfText.ENTERED_LATER_ROW: "Nights entered later (filled in afterwards)",
        PdfText.EVENING: "{n} evening",
        PdfText.EVENINGS: "{n} evenings",
        PdfText.CHART_HEADING: "The period as a chart",
        PdfText.NOT_RECORDED: "not recorded",
        PdfText.NO_RATING: "no rating",
        PdfText.ENTERED_LATER_NOTE: (
            "{mark} entered later: filled in afterwards, not on the evening itself."
        ),
        PdfText.FILL_IN_HEADING: "To fill in at the appointment",
        PdfText.FILL_MEDICINES: "Current medicines, and when they are taken:",
        PdfText.FILL_FERRITIN: "Ferritin (iron stores), latest blood test:",
        PdfText.FILL_DATE: "Date:",
        PdfText.FILL_RESULT: "Result:",
        PdfText.FILL_ONSET: "When the symptoms usually start (time of day):",
        PdfText.TRIALS_HEADING: "Personal trials: planned tests of one idea",
        PdfText.TRIALS_METHOD: (
            "In each trial, evenings with the idea (A) and usual evenings without it (B) came "
            "in pairs of blocks of a few nights, in an order drawn by chance. Each morning the "
            "person rated their legs during the night (0-10, lower is better) and said "
            "whether the evening went as planned; only evenings kept as planned count. The "
            "chance is from a Bayesian model of the difference between A and B nights that "
            "allows for how the legs were in the evening, with a sceptical prior."
        ),
        PdfText.TRIAL_DATES: "Dates",
        PdfText.TRIAL_RESULT: "What the nights showed",
        PdfText.TRIAL_RUNNING: "{title} (still running)",
        PdfText.TRIAL_STOPPED: "{title} (stopped early)",
        PdfText.TRIAL_SPAN: "{start} to {end}",
        PdfText.TRIAL_SINCE: "from {start}",
        PdfText.TRIAL_SO_FAR: "So far: {result}",
        PdfText.MORE_TRIALS: "...and {trials} in this period; the export has every one.",
        PdfText.TRIAL: "Trial",
        PdfText.TRIAL_NOTE: (
            "Trial: A idea evening, B usual evening, then the night's score (legs during the "
            "night, 0-10, lower is better); in brackets: not kept as planned, so not counted."
        ),
    },
)
