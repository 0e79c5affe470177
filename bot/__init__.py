"""RLS bedtime companion: an honest Telegram check-in bot for restless legs syndrome."""
