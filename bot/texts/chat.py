"""Sentences about the chat itself: privacy, what the bot reads, buttons that no longer work,
errors, floods and groups, damaged files, and what Telegram shows about the bot."""

from __future__ import annotations

from enum import auto

from bot.texts.base import TextKey, catalog


class ChatText(TextKey):
    """Keys of the general chat sentences."""

    PRIVACY = auto()
    STALE_BUTTON = auto()
    NOT_TEXT = auto()
    PRIVATE_ONLY = auto()
    UNKNOWN_COMMAND = auto()
    SOMETHING_WENT_WRONG = auto()
    DAMAGED_PROFILE = auto()
    DAMAGED_NIGHTS = auto()
    SLOW_DOWN = auto()
    SLOW_DOWN_NOT_SET_UP = auto()
    BOT_DESCRIPTION = auto()
    BOT_SHORT_DESCRIPTION = auto()


SENTENCES = catalog(
    ChatText,
    {
        ChatText.PRIVACY: (
            "<b>Privacy</b>\n"
            "• <b>What I store:</b> your Telegram user id and chat id, time zone, check-in and "
            "wake-up times, your ratings, the ideas I showed you and what you answered, your "
            "notes and your morning answers. Nothing else: not your name, not your location.\n"
            "• <b>Where:</b> in files of your own on the server that runs this bot, encrypted "
            "with a key of your own. Your key is locked by the bot's master key, and both are "
            "kept apart from the files: a copy of the files alone (a stolen disk, a backup) "
            "cannot be read.\n"
            "• <b>Who can see it:</b> you. Other people using the bot never can, and no person "
            "reads this chat. Whoever runs the bot holds its keys and so could read your data; "
            "a doctor sees it only if you send them an export.\n"
            "• <b>How long:</b> until you delete it.\n"
            "• <b>Your controls:</b> /export sends you all your nights; /delete erases "
            "everything at once, for real: it destroys your key first, so every copy of your "
            "files, backups included, can no longer be read by anyone (the short-lived backups "
            "of the keys themselves expire within days).\n"
            "I'm not a medical service and nothing here is medical advice."
        ),
        ChatText.STALE_BUTTON: (
            "That button belongs to an earlier check-in and no longer works. To rate a night "
            "you missed, use /missed."
        ),
        ChatText.NOT_TEXT: (
            "I can only read text and buttons. To add a note, type it as a message; for "
            "commands see /help."
        ),
        ChatText.PRIVATE_ONLY: (
            "I work in private chats only, so that your health notes stay private. Please "
            "message me directly. I don't store anything from group chats."
        ),
        ChatText.UNKNOWN_COMMAND: "I don't know that command. Here is what I can do: /help",
        ChatText.SOMETHING_WENT_WRONG: (
            "Sorry, something went wrong on my side. Your earlier answers are safe. Please try "
            "again."
        ),
        ChatText.DAMAGED_PROFILE: (
            "I'm sorry: after a restart I couldn't read your saved settings, so I had to start "
            "afresh. Your diary entries are kept. Please send /start to set up your check-ins "
            "again."
        ),
        ChatText.DAMAGED_NIGHTS: (
            "I'm sorry: your saved diary entries could not be read back, so I had to set them "
            "aside and start a fresh diary. Your settings are kept and your check-ins go on as "
            "usual. The old entries are kept apart on the server; /delete removes them along "
            "with everything else."
        ),
        ChatText.SLOW_DOWN: (
            "That's a lot of messages at once. I've kept what you wrote as notes; I'll answer "
            "again in a minute or so."
        ),
        ChatText.SLOW_DOWN_NOT_SET_UP: (
            "That's a lot of messages at once. I'll answer again in a minute or so."
        ),
        # What Telegram shows about the bot before anyone starts it (setMyDescription: at most
        # 512 characters; setMyShortDescription: at most 120, on its profile and in links).
        ChatText.BOT_DESCRIPTION: (
            "An honest bedtime companion for restless legs syndrome (RLS). Each evening at "
            "your bedtime it asks how your legs feel and suggests one thing to try, always "
            "with how well it has been studied and any safety note. It keeps a private diary "
            "you can read back, export, or take to your doctor.\n\n"
            "It is not a medical service and gives no medical advice; it never advises on "
            "medicines. No person reads this chat. See /privacy for what is stored and how to "
            "delete it."
        ),
        ChatText.BOT_SHORT_DESCRIPTION: (
            "Bedtime check-ins and honest, evidence-graded ideas for restless legs. Not "
            "medical advice. /privacy"
        ),
    },
)
