"""How much input the bot answers: per person, and per group (where it does not work at all).

Pure rules over an injected clock, so tests can replay a flood second by second. A person may
send a burst and then about one message every three seconds (20 a minute); beyond that the
first message gets one short "slow down" and the rest of the burst is kept without a reply
each. A group gets "I work in private chats only" at most once every few minutes, and the bot
leaves a group that bursts at it again.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

PERSON_BURST = 20  # a minute's worth at once: quick tapping through set-up is fine
PERSON_PER_MINUTE = 20
# One "slow down" per this long, however long the flood goes on.
WARN_EVERY = dt.timedelta(minutes=1)

GROUP_REPLY_EVERY = dt.timedelta(minutes=5)
GROUP_BURST = 10  # messages within GROUP_BURST_WINDOW count as a burst
GROUP_BURST_WINDOW = dt.timedelta(minutes=1)
GROUP_BURSTS_BEFORE_LEAVING = 2
GROUP_MEMORY = dt.timedelta(hours=1)  # a burst older than this is forgiven


class Verdict(StrEnum):
    """What to do with one message of a person."""

    ANSWER = "answer"  # as usual
    WARN = "warn"  # keep it, and say once: slow down, I've kept what you sent
    QUIET = "quiet"  # keep it (a note) or ignore it (a button), without a reply


@dataclass
class _Bucket:
    tokens: float
    at: dt.datetime
    warned_at: dt.datetime | None = None


@dataclass
class PersonThrottle:
    """A token bucket per person: `burst` at once, then `per_minute`."""

    burst: int = PERSON_BURST
    per_minute: float = PERSON_PER_MINUTE
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    def admit(self, user_id: int, now: dt.datetime) -> Verdict:
        """Count one message from this person and say how to treat it."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        elapsed = max(0.0, (now - bucket.at).total_seconds())
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_minute / 60)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ANSWER
        if bucket.warned_at is None or now - bucket.warned_at >= WARN_EVERY:
            bucket.warned_at = now
            return Verdict.WARN
        return Verdict.QUIET


def new_throttle() -> PersonThrottle:
    """A throttle with this module's limits (read when called, so tests can widen them)."""
    return PersonThrottle(PERSON_BURST, PERSON_PER_MINUTE)


@dataclass(frozen=True)
class GroupAction:
    """What to do about one message in a group."""

    reply: bool
    leave: bool


@dataclass
class _Group:
    seen: collections.deque[dt.datetime] = field(default_factory=collections.deque)
    bursts: collections.deque[dt.datetime] = field(default_factory=collections.deque)
    replied_at: dt.datetime | None = None


@dataclass
class GroupPolicy:
    """Answer a group rarely, and leave one that keeps bursting."""

    _groups: dict[int, _Group] = field(default_factory=dict)
    # Groups the bot left, and when: messages still on their way from them get nothing.
    _left: dict[int, dt.datetime] = field(default_factory=dict)

    def on_message(self, chat_id: int, now: dt.datetime) -> GroupAction:
        left = self._left.get(chat_id)
        if left is not None and now - left <= GROUP_MEMORY:
            return GroupAction(reply=False, leave=False)
        self._left.pop(chat_id, None)
        group = self._groups.setdefault(chat_id, _Group())
        group.seen.append(now)
        while group.seen and now - group.seen[0] > GROUP_BURST_WINDOW:
            group.seen.popleft()
        while group.bursts and now - group.bursts[0] > GROUP_MEMORY:
            group.bursts.popleft()
        if len(group.seen) >= GROUP_BURST:
            group.bursts.append(now)
            group.seen.clear()  # the next burst counts from here
        if len(group.bursts) >= GROUP_BURSTS_BEFORE_LEAVING:
            del self._groups[chat_id]
            self._left[chat_id] = now
            return GroupAction(reply=False, leave=True)
        if group.replied_at is None or now - group.replied_at >= GROUP_REPLY_EVERY:
            group.replied_at = now
            return GroupAction(reply=True, leave=False)
        return GroupAction(reply=False, leave=False)
