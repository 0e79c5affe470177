"""`python -m bot` as a real process, talking HTTP to a fake Bot API server.

This is the only layer that exercises the real network path: settings from the environment,
httpx and form encoding, the base URL, long polling, signals and exit codes. The bot runs with
cwd = a fresh temp folder, so a developer's `.env` in the repository cannot leak in.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import TEMP_PREFIX, Store
from tests.conftest import CONTENT, KEY, KEY_TEXT, ROOT
from tests.fake_bot_api_server import FakeBotApiServer

# Over real HTTP or in subprocesses: run by `make test`, skipped by `make test-fast`.
pytestmark = pytest.mark.slow

# Well-formed (digits, colon, 35 URL-safe characters) and obviously fake.
TOKEN = "123456789:AAFakeTokenForProcessTests_0123-xyz"
SECRET_PART = TOKEN.split(":", 1)[1]
CHAT = 4242
SETTING_NAMES = {
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATA_DIR",
    "CONTENT_FILE",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
    "DATA_KEY",
    "DATA_KEY_FILE",
    "KEYRING_FILE",
}
STARTUP = 20.0  # generous: a cold interpreter on a busy CI machine
REPLY = 5.0
EXIT = 5.0
NOTE = "Fizzy calves again after the long drive home; tried chamomile tea"


def key_file(tmp_path: Path, text: str = KEY_TEXT, name: str = "bot.key") -> Path:
    """A master key file as production keeps one: outside DATA_DIR, mode 0600."""
    path = tmp_path / name
    if not path.exists():
        path.write_text(text + "\n")
        path.chmod(0o600)
    return path


def bot_env(tmp_path: Path, base_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a bot process: only our settings, whatever the caller's shell has."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=base_url,
        DATA_DIR=str(tmp_path / "data"),
        CONTENT_FILE=str(CONTENT),
        DEFAULT_TIMEZONE="Europe/Berlin",
        LOG_LEVEL="INFO",
        DATA_KEY_FILE=str(key_file(tmp_path)),
    )
    env.update(overrides)
    return env


def workdir(tmp_path: Path) -> Path:
    """An empty working directory: no `.env` to read."""
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    return cwd


def run_once(
    tmp_path: Path, env: dict[str, str], *args: str, timeout: float = STARTUP
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` to completion (killed and failed if it runs too long)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=workdir(tmp_path),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"`python -m bot {' '.join(args)}` did not exit: {exc}") from None


class BotProcess:
    """A running `python -m bot`; output goes to files so a chatty bot can never block."""

    def __init__(self, tmp_path: Path, env: dict[str, str], name: str = "bot") -> None:
        self.stdout_path = tmp_path / f"{name}.stdout"
        self.stderr_path = tmp_path / f"{name}.stderr"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=workdir(tmp_path),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = EXIT) -> int:
        """Send `sig` and wait (at most `timeout` seconds, a guard); returns the exit code."""
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"the bot did not exit within {timeout} s of {sig!r}") from None
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def bot(tmp_path: Path, server: FakeBotApiServer) -> Iterator[BotProcess]:
    """A bot process that is polling the fake server."""
    process = BotProcess(tmp_path, bot_env(tmp_path, server.base_url))
    try:
        try:
            server.wait_for_call("getUpdates", STARTUP)
        except TimeoutError:
            process.kill()
            raise AssertionError(f"the bot never polled; stderr:\n{process.stderr}") from None
        yield process
    finally:
        process.kill()


def one_line(stderr: str) -> str:
    """The single non-empty line of a start-up error."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one line on stderr, got:\n{stderr}"
    assert "Traceback" not in stderr
    return lines[0]


def set_up(server: FakeBotApiServer) -> None:
    """/start, the consent button, a typed time zone and /time 22:00."""
    server.send_text(CHAT, "/start")
    welcome = server.wait_for_text(CHAT, "restless legs", REPLY)
    assert [label for label, _ in welcome.buttons] == ["I understand, let's start"]

    mark = server.mark()
    server.press(CHAT, "I understand, let's start")
    server.wait_for_text(CHAT, "time zone", REPLY, since=mark)

    mark = server.mark()
    server.send_text(CHAT, "Europe/Berlin")
    server.wait_for_text(CHAT, "Time zone set to Europe/Berlin", REPLY, since=mark)

    mark = server.mark()
    server.send_text(CHAT, "/time 22:00")
    server.wait_for_text(CHAT, "22:00", REPLY, since=mark)


def test_a_person_sets_up_checks_in_and_reads_back_their_night_over_real_http(
    server: FakeBotApiServer, bot: BotProcess
) -> None:
    assert server.tokens_seen() == {TOKEN}
    [(_, poll), *_] = server.calls("getUpdates")
    assert poll["timeout"] > 0  # a real long poll, not a busy loop
    [(_, menu)] = server.calls("setMyCommands")
    registered = [c["command"] for c in menu["commands"]]
    for command in ("checkin", "history", "help", "start", "time", "export", "delete"):
        assert command in registered

    set_up(server)

    mark = server.mark()
    server.send_text(CHAT, "/checkin")
    question = server.wait_for(lambda s: bool(s.buttons), REPLY, chat_id=CHAT, since=mark)
    assert [label for label, _ in question.buttons[:11]] == [str(n) for n in range(11)]

    mark = server.mark()
    server.press(CHAT, "6")
    card = server.wait_for_text(CHAT, "Evidence:", REPLY, since=mark)
    assert any(line.startswith("Evidence: ") for line in card.text.splitlines())
    assert [label for label, _ in card.buttons] == ["I'll try it", "Another idea", "Not for me"]
    # The card opens by hearing the rating; the idea's title is the line marked 💡.
    [title] = [line.removeprefix("💡").strip() for line in card.text.splitlines() if "💡" in line]
    assert title

    # Only an idea the person chose belongs to the night (and to the morning's question).
    answered = len(server.calls("answerCallbackQuery"))
    server.press(CHAT, "I'll try it")
    server.wait_until(
        lambda api: len([c for c in api.calls if c[0] == "answerCallbackQuery"]) > answered,
        REPLY,
        what="the answer to I'll try it",
    )

    mark = server.mark()
    server.send_text(CHAT, NOTE)
    saved = server.wait_for(lambda s: "saved" in s.text.lower(), REPLY, chat_id=CHAT, since=mark)
    assert "note" in saved.text.lower()

    mark = server.mark()
    server.send_text(CHAT, "/history")
    history = server.wait_for_text(CHAT, "Your nights", REPLY, since=mark).text
    assert "6/10" in history
    assert title[:20] in history
    assert NOTE[:30] in history

    cards = [
        s
        for s in server.sent_to(CHAT)
        if any(line.startswith("Evidence:") for line in s.text.splitlines())
    ]
    assert len(cards) == 1, [c.text for c in cards]

    code = bot.stop(signal.SIGTERM)  # fails if the bot is still running after EXIT seconds
    assert code == 0, bot.stderr
    stderr = bot.stderr
    assert SECRET_PART not in stderr
    assert NOTE not in stderr and NOTE[:20] not in stderr
    assert "Traceback" not in stderr

    # The rating, the remedy and the note typed right after it belong to one night. Between
    # wake-up and the day boundary (08:00-15:00 in Berlin) /checkin opens tonight while a note
    # still goes on last night, so this fails then until Diary.add_note agrees with /checkin.
    # /history lists a night's notes on the lines under it.
    lines = history.splitlines()
    [at] = [i for i, line in enumerate(lines) if "6/10" in line]
    assert title[:20] in lines[at] and NOTE[:30] in lines[at + 1], history


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Base"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("CONTENT_FILE", "{tmp}/missing/remedies.toml"),
        ("DATA_DIR", "{tmp}/a-regular-file/data"),
        ("DATA_KEY_FILE", "{tmp}/missing.key"),
        ("DATA_KEY_FILE", "{tmp}/data/inside.key"),
        ("KEYRING_FILE", "{tmp}/data/keyring"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(
    tmp_path: Path, server: FakeBotApiServer, variable: str, value: str
) -> None:
    (tmp_path / "a-regular-file").write_text("not a folder\n")
    env = bot_env(tmp_path, server.base_url, **{variable: value.format(tmp=tmp_path)})
    result = run_once(tmp_path, env)
    assert result.returncode == 2, result.stderr
    line = one_line(result.stderr)
    assert variable in line
    assert SECRET_PART not in result.stderr
    assert "not-a-token" not in result.stderr
    assert server.calls() == []  # it never reached the Bot API


def test_a_second_bot_on_the_same_data_dir_refuses_to_start(
    tmp_path: Path, server: FakeBotApiServer, bot: BotProcess
) -> None:
    result = run_once(tmp_path, bot_env(tmp_path, server.base_url))
    assert result.returncode == 2, result.stderr
    line = one_line(result.stderr)
    assert "DATA_DIR" in line and re.search(r"(?i)in use|another|already running", line)
    assert [method for method, _ in server.calls()].count("getMe") == 1

    # The first bot is unharmed and still answers.
    assert bot.proc.poll() is None
    mark = server.mark()
    server.send_text(CHAT, "/help")
    server.wait_for_text(CHAT, "/checkin", REPLY, since=mark)
    code = bot.stop()
    assert code == 0, bot.stderr


def test_content_check_lists_every_remedy_of_the_real_file(
    tmp_path: Path, server: FakeBotApiServer
) -> None:
    result = run_once(tmp_path, bot_env(tmp_path, server.base_url), "content-check")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(r"^id\s+kind\s+evidence\s+flags\s+sources\s*$", lines[0])
    ids = re.findall(r'^id = "([a-z0-9_]+)"', CONTENT.read_text(encoding="utf-8"), re.M)
    assert ids
    assert set(lines[1]) == {"-", " "}
    table = lines[2 : 2 + len(ids)]
    assert [line.split()[0] for line in table] == ids
    assert re.match(rf"^{len(ids)} remedies\b.*: valid", lines[2 + len(ids)])
    assert not (tmp_path / "data").exists()  # a check never touches DATA_DIR


def test_content_check_names_file_remedy_field_and_problem_in_a_broken_copy(
    tmp_path: Path, server: FakeBotApiServer
) -> None:
    text = CONTENT.read_text(encoding="utf-8")
    first_id = re.findall(r'^id = "([a-z0-9_]+)"', text, re.M)[0]
    broken_text, replaced = re.subn(r"^caveat = .*$", 'caveat = ""', text, count=1, flags=re.M)
    assert replaced == 1
    broken = tmp_path / "broken.toml"
    broken.write_text(broken_text, encoding="utf-8")

    env = bot_env(tmp_path, server.base_url)
    result = run_once(tmp_path, env, "content-check", str(broken))
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_line(result.stderr)
    assert re.search(
        rf"{re.escape(str(broken))}: remedy '{first_id}': field 'caveat': \S", line
    ), line


def test_debug_logs_never_contain_the_token_or_what_people_wrote(
    tmp_path: Path, server: FakeBotApiServer
) -> None:
    process = BotProcess(tmp_path, bot_env(tmp_path, server.base_url, LOG_LEVEL="DEBUG"))
    try:
        server.wait_for_call("getUpdates", STARTUP)
        set_up(server)
        mark = server.mark()
        server.send_text(CHAT, NOTE)
        server.wait_for_text(CHAT, "Saved your note", REPLY, since=mark)
        code = process.stop()
    finally:
        process.kill()
    assert code == 0
    stderr = process.stderr
    assert "DEBUG" in stderr  # the level really was DEBUG
    assert SECRET_PART not in stderr
    assert NOTE[:20] not in stderr, "message text reached the logs"


def test_telegram_hiccups_are_ridden_out_and_the_reply_still_arrives(
    server: FakeBotApiServer, bot: BotProcess
) -> None:
    polls = len(server.calls())
    server.fail("getUpdates", 502, "Bad Gateway")
    server.disconnect("getUpdates")
    server.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    server.send_text(CHAT, "/help")  # wakes the pending long poll: its answer is the 502
    reply = server.wait_for_text(CHAT, "/checkin", 15.0)
    assert reply.text.startswith("What I can do")
    statuses = [(r.method, r.status) for r in server.requests()]
    assert ("getUpdates", 502) in statuses and ("getUpdates", 0) in statuses
    assert ("sendMessage", 429) in statuses
    assert len(server.sent_to(CHAT)) == 1  # retried once, not duplicated
    assert len(server.calls()) > polls
    code = bot.stop()
    assert code == 0, bot.stderr
    assert SECRET_PART not in bot.stderr  # not even in the logged network errors


# -- SIGTERM in the middle of an update ----------------------------------------------------------

HOLD = 1.5  # how long the fake holds an answer back: shorter than the bot's 5 s read timeout
SAVED = "Saved your note"


def stored_notes(data_dir: Path) -> list[str]:
    """The person's notes as the bot would read them back."""
    store = Store(data_dir, KEY, read_only=True)
    store.open()
    return [note.text for night in store.nights(CHAT) for note in night.notes]


def nothing_half_written(data_dir: Path) -> None:
    """Every record file opens (decrypts, complete JSON) and no temp file of an interrupted
    write is left."""
    store = Store(data_dir, KEY, read_only=True)
    store.open()
    records = [(uid, name) for uid in store.user_ids() for name in store.file_names(uid)]
    assert records, "nothing was stored at all"
    for uid, name in records:
        assert isinstance(store.document(uid, name), dict), name
    assert list(data_dir.rglob(f"{TEMP_PREFIX}*")) == []


@pytest.mark.parametrize(
    ("moment", "acknowledged"),
    [
        pytest.param("fetching", False, id="while-getUpdates-brings-the-note"),
        pytest.param("fetched", None, id="right-after-getUpdates-brought-the-note"),
        pytest.param("replying", True, id="while-the-reply-is-on-its-way"),
    ],
)
def test_sigterm_while_a_note_comes_in_exits_0_and_never_loses_an_acknowledged_note(
    tmp_path: Path,
    server: FakeBotApiServer,
    bot: BotProcess,
    moment: str,
    acknowledged: bool | None,
) -> None:
    set_up(server)
    mark = server.mark()
    requests_before = len(server.requests())
    if moment == "fetching":
        # The poll that will carry the note is held at the fake when SIGTERM comes.
        server.delay("getUpdates", HOLD)
        calls = len(server.calls())
        server.end_long_polls()
        server.wait_for_call("getUpdates", REPLY, since=calls)
        update = server.send_text(CHAT, NOTE)
    elif moment == "fetched":
        update = server.send_text(CHAT, NOTE)
        server.wait_for_request("getUpdates", REPLY, since=requests_before)
    else:
        # The note is stored; its confirmation is held at the fake when SIGTERM comes.
        server.delay("sendMessage", HOLD)
        calls = len(server.calls())
        update = server.send_text(CHAT, NOTE)
        server.wait_for_call("sendMessage", REPLY, since=calls)

    code = bot.stop(signal.SIGTERM)
    exited = time.monotonic()
    assert code == 0, bot.stderr
    assert "Traceback" not in bot.stderr, bot.stderr
    if moment == "replying":
        # The fake carries a held call out whether or not the bot still waits for it; the bot
        # finished the update only if it exited after the answer.
        answered = server.wait_for_request("sendMessage", REPLY, since=requests_before)
        assert exited >= answered.finished, "the bot exited without finishing the update"

    data_dir = tmp_path / "data"
    nothing_half_written(data_dir)
    acked = any(
        SAVED in sent.text
        for sent in server.call(lambda api: api.history[mark:])
        if sent.chat_id == CHAT
    )
    offsets = [int(params.get("offset") or 0) for _, params in server.calls("getUpdates")]
    confirmed = max(offsets) > update["update_id"]
    if acknowledged is not None:
        assert acked is acknowledged, f"acknowledged: {acked}"
    if acked:
        assert stored_notes(data_dir).count(NOTE) == 1, "acknowledged but not stored"
        return

    # Not acknowledged: Telegram must still hold the note, and the next start must save it.
    assert not confirmed, "the note was confirmed to Telegram but never acknowledged"
    again = BotProcess(tmp_path, bot_env(tmp_path, server.base_url), name="restarted")
    try:
        server.wait_for_text(CHAT, SAVED, STARTUP, since=server.mark())
        code = again.stop(signal.SIGTERM)
    finally:
        again.kill()
    assert code == 0, again.stderr
    assert stored_notes(data_dir).count(NOTE) == 1
    nothing_half_written(data_dir)
