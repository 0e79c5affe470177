"""Every sentence the bot says, one module per feature, each sentence under a stable key.

`t(key, **values)` gives a sentence (bot/texts/base.py); the feature modules also make the
messages that are put together from several sentences and from people's or the content's
words, which are HTML-escaped here and nowhere else (Telegram's HTML parse mode).
"""

from bot.texts.base import MAX_MESSAGE_LENGTH, TextKey, catalogs, day, esc, fields, long_day, t
from bot.texts.cards import (
    CardText,
    every_rendering,
    evidence_line,
    longest_card_length,
    reason_words,
    remedies_list,
    render_card,
    render_suggestion,
)
from bot.texts.chart import ChartText
from bot.texts.chat import ChatText
from bot.texts.commands import CommandText, help_text
from bot.texts.evening import (
    EveningText,
    about_day,
    about_day_done,
    already_rated,
    check_in,
    note_saved,
    note_updated,
    onset_label,
    rating_noted,
    rating_updated,
    response_noted,
    snoozed,
    tag_label,
)
from bot.texts.morning import (
    MorningText,
    ask_tried,
    helped_label,
    morning_heading,
    morning_step,
    morning_summary,
    sleep_label,
    sleep_labels,
)
from bot.texts.pdf import PdfText
from bot.texts.reports import ReportText, chart_caption, report_summary, weekly_summary
from bot.texts.review import ReviewText, history, history_line, history_truncated
from bot.texts.safety import SafetyText, crisis_command, doctor_prompt, red_flag_message
from bot.texts.settings import (
    SettingsText,
    adult_topics_set,
    delete_confirm,
    paused,
    reminder_state,
    settings,
    toggled,
    weekday,
    weekly_set,
    weekly_state,
)
from bot.texts.setup import (
    SetupText,
    bad_input,
    schedule_set,
    timezone_from_location,
    timezone_set,
    welcome_back,
)
from bot.texts.transfer import TransferText, import_confirm, import_done, import_rejected
from bot.texts.tried import TriedText, what_helped

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "CardText",
    "ChartText",
    "ChatText",
    "CommandText",
    "EveningText",
    "MorningText",
    "PdfText",
    "ReportText",
    "ReviewText",
    "SafetyText",
    "SettingsText",
    "SetupText",
    "TextKey",
    "TransferText",
    "TriedText",
    "about_day",
    "about_day_done",
    "adult_topics_set",
    "already_rated",
    "ask_tried",
    "bad_input",
    "catalogs",
    "chart_caption",
    "check_in",
    "crisis_command",
    "day",
    "delete_confirm",
    "doctor_prompt",
    "esc",
    "every_rendering",
    "evidence_line",
    "fields",
    "help_text",
    "helped_label",
    "history",
    "history_line",
    "history_truncated",
    "import_confirm",
    "import_done",
    "import_rejected",
    "long_day",
    "longest_card_length",
    "morning_heading",
    "morning_step",
    "morning_summary",
    "note_saved",
    "note_updated",
    "onset_label",
    "paused",
    "rating_noted",
    "rating_updated",
    "reason_words",
    "red_flag_message",
    "remedies_list",
    "reminder_state",
    "render_card",
    "render_suggestion",
    "report_summary",
    "response_noted",
    "schedule_set",
    "settings",
    "sleep_label",
    "sleep_labels",
    "snoozed",
    "t",
    "tag_label",
    "timezone_from_location",
    "timezone_set",
    "toggled",
    "weekday",
    "weekly_set",
    "weekly_state",
    "weekly_summary",
    "welcome_back",
    "what_helped",
]
