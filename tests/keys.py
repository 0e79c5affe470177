"""The tests' master key: never a key for real data."""

from __future__ import annotations

from bot.crypto import parse_key

# Base64 of the bytes 0..31: DATA_KEY in the `settings` fixture, DATA_KEY_FILE's content in the
# process tests, and the key of every Store a test opens itself.
KEY_TEXT = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
KEY = parse_key(KEY_TEXT, "DATA_KEY")
