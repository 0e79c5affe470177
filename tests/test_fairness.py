"""Fair under load: one person's flood, a group's burst or a shutdown never stalls the others.

`python -m bot` runs as a process against the fake Bot API with Telegram's limits switched on
(30 a second overall, about one a second per private chat after a short burst, 20 a minute
per group; beyond them it answers 429 with a wait). Latencies are measured from the moment an
update is handed to the fake until the fake records the bot's answer.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.fake_telegram import html_to_plain
from bot.storage import Store
from bot.texts import ChatText, t
from tests.conftest import KEY
from tests.fake_bot_api_server import CHAT_METHODS, FakeBotApiServer
from tests.flood import QUESTION, Flood, calm_check_in, p95, prepare, step
from tests.test_process import STARTUP, TOKEN, BotProcess, bot_env

pytestmark = pytest.mark.slow

CALM, FLOODER, OTHER = 5001, 5002, 5003
GROUP, GROUP_MEMBER = -880_001, 7777
SLOW_DOWN = html_to_plain(t(ChatText.SLOW_DOWN))
PRIVATE_ONLY = html_to_plain(t(ChatText.PRIVATE_ONLY))
EXIT = 5.0


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(token=TOKEN) as fake:
        fake.enforce_telegram_limits()
        yield fake


def start_bot(tmp_path: Path, server: FakeBotApiServer, name: str = "bot") -> BotProcess:
    process = BotProcess(tmp_path, bot_env(tmp_path, server.base_url), name=name)
    calls = len(server.calls("getUpdates"))
    try:
        server.wait_until(
            lambda api: len([c for c in api.calls if c[0] == "getUpdates"]) > calls or None,
            STARTUP,
            what="the bot's first poll",
        )
    except TimeoutError:
        process.kill()
        raise AssertionError(f"the bot never polled; stderr:\n{process.stderr}") from None
    return process


@pytest.fixture
def bot(tmp_path: Path, server: FakeBotApiServer) -> Iterator[BotProcess]:
    """The bot, started on a DATA_DIR where CALM and FLOODER set up days ago."""
    prepare(tmp_path / "data", CALM, FLOODER)
    process = start_bot(tmp_path, server)
    try:
        yield process
    finally:
        process.kill()


def stored_notes(data_dir: Path, user_id: int) -> list[str]:
    store = Store(data_dir, KEY, read_only=True)
    store.open()
    return [note.text for night in store.nights(user_id) for note in night.notes]


def all_confirmed(server: FakeBotApiServer) -> None:
    """Wait until the bot has fetched and confirmed every update handed to the fake."""
    server.wait_until(
        lambda api: api.pending_updates() == 0 or None, 30.0, what="every update fetched"
    )


def test_a_calm_persons_check_in_stays_quick_while_another_person_floods(
    tmp_path: Path, server: FakeBotApiServer, bot: BotProcess
) -> None:
    flood = Flood(server, FLOODER, messages=150, presses=60, per_second=15)
    flood.start()
    time.sleep(2.0)  # the calm person starts two seconds into the flood
    latencies = calm_check_in(server, CALM)
    flood.join()
    all_confirmed(server)

    assert p95(latencies) < 1.0, [f"{s:.2f}" for s in latencies]
    # The flooder: one "slow down", every press answered, no pile of 429s in their chat.
    server.wait_until(
        lambda api: all(q in api.answered for q in flood.press_ids) or None,
        30.0,
        what="an answer to every button press",
    )
    server.wait_for_text(FLOODER, SLOW_DOWN, 30.0)  # after the replies it had already earned
    refused = [r for r in server.requests() if r.chat_id == FLOODER and r.status == 429]
    assert len(refused) <= 3, f"{len(refused)} answers of 429 in the flooder's chat"

    assert bot.stop(signal.SIGINT, timeout=EXIT) == 0, bot.stderr
    assert "Traceback" not in bot.stderr, bot.stderr
    assert sum(SLOW_DOWN in s.text for s in server.sent_to(FLOODER)) == 1
    # Nothing the flooder wrote was dropped.
    notes = stored_notes(tmp_path / "data", FLOODER)
    assert sorted(n for n in notes if n.startswith("flood note")) == sorted(flood.notes)


def test_a_group_burst_gets_one_answer_then_the_bot_leaves_and_nobody_else_waits(
    tmp_path: Path, server: FakeBotApiServer, bot: BotProcess
) -> None:
    member = {"chat_type": "group", "user_id": GROUP_MEMBER}
    latency = None
    for i in range(40):  # forty commands in eight seconds
        server.send_text(GROUP, ["/start", "/help", "/checkin", "/history"][i % 4], **member)
        if i == 10:
            latency = step(server, CALM, "text", "/help", "What I can do")
        time.sleep(0.2)
    all_confirmed(server)
    server.wait_for_call("leaveChat", 10.0)

    assert latency is not None and latency < 1.0, latency
    assert [s.text for s in server.sent_to(GROUP)] == [PRIVATE_ONLY]
    to_group = [r for r in server.requests() if r.chat_id == GROUP and r.method in CHAT_METHODS]
    assert len(to_group) == 1, "a send to a group is made once and never retried"
    assert [int(p["chat_id"]) for _, p in server.calls("leaveChat")] == [GROUP]
    # Afterwards a private person is answered as quickly as ever.
    assert step(server, CALM, "text", "/help", "What I can do") < 1.0
    assert bot.stop(signal.SIGTERM, timeout=EXIT) == 0, bot.stderr
    # Nothing from the group was stored.
    store = Store(tmp_path / "data", KEY, read_only=True)
    store.open()
    assert store.get_person(GROUP_MEMBER) is None
    assert store.user_ids() == [CALM, FLOODER]


def test_sigterm_with_a_backlog_stops_within_five_seconds_and_loses_nothing(
    tmp_path: Path, server: FakeBotApiServer, bot: BotProcess
) -> None:
    mark = server.mark()
    notes = [f"backlog note {i:03d} restless" for i in range(120)]
    ids = {server.send_text(FLOODER, note)["update_id"] for note in notes}  # all at once
    server.wait_for_text(FLOODER, "Saved your note", 10.0, since=mark)  # the bot is at work
    assert bot.stop(signal.SIGTERM, timeout=EXIT) == 0, bot.stderr  # fails after EXIT seconds
    assert "Traceback" not in bot.stderr, bot.stderr

    data_dir = tmp_path / "data"
    stored = [n for n in stored_notes(data_dir, FLOODER) if n.startswith("backlog note")]
    assert len(stored) == len(set(stored)), "a note was stored twice"
    # Every note Telegram was told the bot has (the getUpdates offset) is stored...
    offset = max(int(params.get("offset") or 0) for _, params in server.calls("getUpdates"))
    assert len(stored) >= len([u for u in ids if u < offset])
    # ...and every "saved" reply stands for a stored note.
    acknowledged = sum("Saved your note" in s.text for s in server.sent_to(FLOODER))
    assert acknowledged <= len(stored)

    # A restart takes whatever Telegram still holds: every note ends up stored exactly once,
    # and "saved" replies the stop kept back are sent now.
    again = start_bot(tmp_path, server, name="restarted")
    try:
        all_confirmed(server)
        # Kept replies go out at once, about one a second after a burst of 10 (Telegram's pace
        # for a private chat), including those of the notes the restart reads meanwhile.
        # (Until stop 35 a reply kept while a round of them was going out could wait for the
        # next restart: its own retry job was skipped as a second run of the running one.
        # 19-21 replies then stayed unsent however long this waited.)
        deadline = time.monotonic() + 120.0
        while time.monotonic() < deadline:
            store = Store(data_dir, KEY, read_only=True)
            store.open()
            person = store.get_person(FLOODER)
            done = person is not None and not person.pending_replies
            if done and len(stored_notes(data_dir, FLOODER)) >= len(notes):
                break
            time.sleep(0.2)
        assert again.stop(signal.SIGTERM, timeout=EXIT) == 0, again.stderr
    finally:
        again.kill()
    stored = [n for n in stored_notes(data_dir, FLOODER) if n.startswith("backlog note")]
    assert sorted(stored) == sorted(notes)
    store = Store(data_dir, KEY, read_only=True)
    store.open()
    person = store.get_person(FLOODER)
    assert person is not None and person.pending_replies == (), "a kept reply was never sent"


def test_a_restart_after_setting_a_time_that_just_passed_sends_no_late_check_in(
    tmp_path: Path, server: FakeBotApiServer, bot: BotProcess
) -> None:
    # A zone where it is the middle of the day now, so "three minutes ago" is earlier today and
    # far from the night's edges: at 06:07 in Berlin, 06:04 falls before the 08:00 morning
    # question and is not answered as a time that just passed. From 12:00 on, since a check-in
    # time in the morning gets a question before it is kept. Some zone is always between 12:00
    # and 18:00 three minutes ago.
    now = dt.datetime.now(dt.UTC)
    zone = next(
        z
        for z in (
            "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
            "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland",
        )
        if 12 <= (now.astimezone(ZoneInfo(z)) - dt.timedelta(minutes=3)).hour < 18
    )  # fmt: skip
    passed = (now.astimezone(ZoneInfo(zone)) - dt.timedelta(minutes=3)).strftime("%H:%M")
    step(server, CALM, "text", f"/timezone {zone}", "Time zone set")
    mark = server.mark()
    server.send_text(CALM, f"/time {passed}")
    reply = server.wait_for_text(CALM, f"every evening at {passed}", 10.0, since=mark)
    assert "the next check-in is tomorrow" in reply.text
    assert bot.stop(signal.SIGTERM, timeout=EXIT) == 0, bot.stderr

    mark = server.mark()
    again = start_bot(tmp_path, server, name="restarted")
    try:
        # Whatever the restart does, it does at once: a check-in it was about to send would
        # be in flight by the time /help (sent after the first poll) is answered.
        step(server, CALM, "text", "/help", "What I can do")
        sent = [s.text for s in server.sent_to(CALM)][mark:]
        assert not any(QUESTION in text for text in sent), sent
        assert again.stop(signal.SIGTERM, timeout=EXIT) == 0, again.stderr
    finally:
        again.kill()
