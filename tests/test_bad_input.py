"""Bad input never breaks the bot, breaks Telegram's rules or crosses from one person to another.

Random and hostile text, random, forged and copied buttons, edits, photos, stickers, voice,
locations, files and group chats go through the real Application over the fake Telegram, from
people at every stage of set-up, next to one person (Alice) with a full diary. After every
update: no handler raised, a button press was answered exactly once, Telegram accepted every
call (no HTML parse error, nothing over-long), the bot wrote only to the chat of the person
whose update it was, nothing it wrote held Alice's notes unless it went to Alice, and Alice's
files did not change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.app import BotApp
from bot.context import Services
from bot.fake_telegram import FakeBotAPI, FakeTelegram, Sent
from bot.handlers import commands as handler_commands
from bot.keyboards import Action
from bot.storage import TEMP_PREFIX
from bot.texts import ChatText, SetupText, t
from tests.conftest import FakeClock
from tests.harness import started

JSON = dict[str, Any]
Stage = Literal["new", "started", "checkin_open", "card_shown"]
STAGES: tuple[Stage, ...] = ("new", "started", "checkin_open", "card_shown")
BASE = dt.datetime(2026, 11, 26, 19, 0, tzinfo=dt.UTC)  # Thursday 20:00 in Berlin
NIGHT = dt.date(2026, 11, 26)
ALICE = 424_242
CONSENT = t(SetupText.CONSENT_BUTTON)
NOT_MODIFIED = "message is not modified"
SENDS = ("sendMessage", "sendDocument", "sendPhoto")
# Fresh people per example need fixtures that outlive one example (the Application).
EXAMPLES = settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- the fake Telegram, also keeping Telegram's answer to every call --------------------------


@dataclass
class Reply:
    """One Bot API call and Telegram's answer to it."""

    method: str
    params: JSON
    status: int
    description: str


@dataclass
class RecordingAPI(FakeBotAPI):
    """The fake Bot API, keeping the status of every answer (400s are what we look for)."""

    replies: list[Reply] = field(default_factory=list)

    async def call(self, method: str, params: JSON) -> tuple[int, JSON]:
        status, body = await super().call(method, params)
        self.replies.append(Reply(method, params, status, str(body.get("description", ""))))
        return status, body


@pytest.fixture
def api(clock: FakeClock) -> RecordingAPI:
    return RecordingAPI(queue_updates=False, clock=clock)


def visible(reply: Reply) -> str:
    """Everything a call shows to the chat it goes to: text, caption, buttons, file contents."""
    parts = [str(reply.params.get(key, "")) for key in ("text", "caption", "reply_markup")]
    for _, data in (reply.params.get("_files") or {}).values():
        if isinstance(data, bytes):
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def files_of(data_dir: Path, user_id: int) -> dict[str, bytes]:
    """Every record stored for one person, by path (a replaced file waiting under a temp name
    for its background unlink is not a record)."""
    folder = data_dir / "users" / str(user_id)
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(TEMP_PREFIX)
    }


# -- the referee: feeds updates and checks every promise after each one -----------------------


class Referee:
    """Feeds updates into the Application and checks the promises after each one."""

    def __init__(self, app: BotApp, api: RecordingAPI, clock: FakeClock) -> None:
        self.app = app
        self.api = api
        self.clock = clock
        self.errors: list[BaseException] = []
        self.secrets: dict[int, list[str]] = {}
        self.frozen: dict[int, dict[str, bytes]] = {}
        self.ids = itertools.count(700_001)
        app.add_error_handler(self._collect)

    async def _collect(self, update: object, context: Any) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    @property
    def services(self) -> Services:
        return self.app.bot_data.services

    @property
    def data_dir(self) -> Path:
        return self.services.settings.data_dir

    def freeze(self, user_id: int, secrets: list[str]) -> None:
        """From now on this person's files must not change, and their notes go nowhere else."""
        self.secrets[user_id] = secrets
        self.frozen[user_id] = files_of(self.data_dir, user_id)

    async def feed(self, payload: JSON, *, writes_to: int) -> list[Reply]:
        """Process one update; `writes_to` is the one chat the bot may write to because of it."""
        before = len(self.api.replies)
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        replies = self.api.replies[before:]
        self.check(replies, writes_to, payload.get("callback_query"))
        return replies

    async def run_jobs(self, user_id: int) -> None:
        """Run the person's booked jobs now; they may write to that person only."""
        assert self.app.job_queue is not None
        for booked in [
            j for j in self.app.job_queue.jobs() if str(j.name).endswith(f":{user_id}")
        ]:
            before = len(self.api.replies)
            await booked.run(self.app)
            self.check(self.api.replies[before:], user_id, None)

    def check(self, replies: list[Reply], writes_to: int, query: JSON | None) -> None:
        assert not self.errors, f"a handler raised: {self.errors!r}"
        # "Not modified" is the one refusal the bot expects (a second tap on the same button)
        # and shrugs off; anything else (bad HTML, too long, no such message) is a bug.
        refused = [
            (r.method, r.status, r.description)
            for r in replies
            if r.status != 200
            and not (r.method.startswith("editMessage") and NOT_MODIFIED in r.description)
        ]
        assert not refused, f"Telegram refused: {refused}"
        if query is not None:
            answers = [
                r
                for r in replies
                if r.method == "answerCallbackQuery"
                and str(r.params.get("callback_query_id")) == query["id"]
            ]
            assert len(answers) == 1, f"press {query['data']!r} answered {len(answers)} times"
        for reply in replies:
            chat = reply.params.get("chat_id")
            if chat is None:
                continue
            assert int(chat) == writes_to, f"{reply.method} went to {chat}, not {writes_to}"
            shown = visible(reply)
            for owner, secrets in self.secrets.items():
                leaked = [s for s in secrets if s in shown and owner != int(chat)]
                assert not leaked, f"{owner}'s notes {leaked} shown in chat {chat}"
        for owner, files in self.frozen.items():
            assert files_of(self.data_dir, owner) == files, f"the files of {owner} changed"

    # -- a person's side, each step checked --------------------------------------------------

    def sent_since(self, before: int) -> list[Sent]:
        return self.api.history[before:]

    async def say(self, user_id: int, text: str) -> list[Sent]:
        before = len(self.api.history)
        await self.feed(self.api.send_text(user_id, text), writes_to=user_id)
        return self.sent_since(before)

    async def tap(self, user_id: int, label: str, message: Sent | None = None) -> list[Sent]:
        target = message or next(s for s in reversed(self.api.sent_to(user_id)) if s.buttons)
        [data] = [d for text, d in target.buttons if text == label]
        before = len(self.api.history)
        await self.feed(self.api.press(target, data, user_id=user_id), writes_to=user_id)
        return self.sent_since(before)

    async def newcomer(self, stage: Stage) -> int:
        """A new person brought to `stage`; the same choices as in every other example."""
        user_id = next(self.ids)
        self.errors.clear()  # each example starts clean; a failure is reported by its own
        self.services.diary.core.rng.seed(7)
        if stage != "new":
            await self.say(user_id, "/start")
        if stage in ("checkin_open", "card_shown"):
            await self.tap(user_id, CONSENT)
            await self.say(user_id, "Europe/Berlin")
            await self.say(user_id, "/time 22:00")
            await self.say(user_id, "/checkin")
        if stage == "card_shown":
            [card] = await self.tap(user_id, "6")
            assert card.buttons, "a rating of 6 brings a remedy card"
        return user_id


@pytest.fixture
def referee(app: BotApp, api: RecordingAPI, clock: FakeClock) -> Referee:
    return Referee(app, api, clock)


@dataclass
class Alice:
    """A person with a full diary; her buttons are copied by others."""

    user_id: int
    notes: list[str]
    messages: dict[str, Sent]
    buttons: dict[str, list[str]]

    @property
    def all_data(self) -> list[str]:
        return sorted({d for data in self.buttons.values() for d in data})


@pytest.fixture
async def alice(referee: Referee) -> Alice:
    """Alice (see `make_alice`); her files are frozen from here on."""
    return await make_alice(referee)


async def make_alice(referee: Referee) -> Alice:
    """Alice, set up, with notes, a red flag, a rating and remedy cards, the about-today
    question, a morning question, an export, an import and a /delete waiting for "yes"."""
    me = ALICE
    notes = [
        "alice-note-q7x2 nettle tea before bed",
        "alice-note-k3v9 honestly I want to die",
        "alice-note-m5t1 <b>calf</b> & feet",
    ]
    messages: dict[str, Sent] = {}
    buttons: dict[str, list[str]] = {}

    def keep(name: str, sent: Sent) -> None:
        messages[name] = sent
        buttons[name] = [d for _, d in sent.buttons]

    await referee.say(me, "/start")
    await referee.tap(me, CONSENT)
    await referee.say(me, "Europe/Berlin")
    await referee.say(me, "/time 22:00")
    [settings_message] = await referee.say(me, "/settings")
    keep("settings", settings_message)
    await referee.tap(me, "Ask when the urge started", settings_message)
    [settings_message] = await referee.say(me, "/settings")
    await referee.tap(me, "Ask about day tags", settings_message)
    [question] = await referee.say(me, "/checkin")
    keep("rating", question)
    await referee.say(me, notes[0])
    [card] = await referee.tap(me, "7", question)
    keep("card", card)
    [next_card] = await referee.tap(me, "Not for me", card)
    keep("next_card", next_card)
    # The about-today question follows once tonight's card is answered.
    [about] = await referee.tap(me, "I'll try it", next_card)
    keep("about", about)
    await referee.say(me, notes[1])
    await referee.say(me, notes[2])
    await referee.say(me, "/history")
    [listing] = await referee.say(me, "/remedies")
    keep("remedies", listing)
    referee.clock.set(dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC))
    await referee.run_jobs(me)
    keep("morning", referee.api.last(me))
    referee.clock.set(BASE)
    _, exported = await referee.say(me, "/export")
    assert exported.document is not None
    await referee.say(me, "/import")
    before = len(referee.api.history)
    await referee.feed(
        referee.api.send_document(me, "diary.json", exported.document[1]), writes_to=me
    )
    [confirm] = referee.sent_since(before)
    keep("import", confirm)
    [delete] = await referee.say(me, "/delete")
    keep("delete", delete)
    assert all(buttons.values()), buttons
    referee.freeze(me, notes)
    return Alice(me, notes, messages, buttons)


def any_of(*strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as likely as the others (`st.one_of` weighs every branch of
    a nested `one_of` alike, so a strategy with many branches would crowd out the rest)."""
    return st.sampled_from(strategies).flatmap(lambda strategy: strategy)


# -- what people send --------------------------------------------------------------------------

NASTY = (
    "<b>", "</i>", "&", "&amp;", "&#", "<script>alert(1)</script>", "a < b && c > d",
    "<b>bold</i>", "<a href='javascript:x'>x</a>", "/time 25:99", "/time <b>", "/pause -3",
    "/pause ²", "/pause 99999999999999999999", "/history 99999999999999999999", "/history ³",
    "/summary abc", "/summary ²", "/summary 99999999999999999999", "/wake 7 o'clock",
    "/timezone Mars/Base", "/timezone ../../etc/passwd", "11", "-1", "7/10", " 10 ", "٣", "۷/10",
    "0", "10/10", "²", "\u202eright-to-left override", "שלום, לילה טוב", "مساء الخير",
    "🦵🦵🦵 restless 😖", "\x00\x07\x1b[31m", "\u200b", "/start", "/checkin", "/settings",
    "/export", "/import", "/report", "/summary", "/delete", "/history", "/remedies", "/crisis",
    "/help", "/privacy", "/resume", "/pause", "/time", "/wake", "/timezone", "/frobnicate",
    "/start@rls_companion_bot", "/time@other_bot 22:00", "Europe/Berlin", "berlin", "9pm",
    "I keep thinking about suicide", "my left calf is swollen and hot", "I'm pregnant, 30 weeks",
)  # fmt: skip
COMMANDS = tuple(command.name for command in handler_commands.COMMANDS)
NOBODY = "No person reads this chat"  # in every crisis and urgent reply
ODD = (
    "".join(map(chr, range(32)))
    + "\x7f\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    + "שלוםمرحباܫܠܡܐ🦵😖🛌💊👨‍👩‍👧❤️🇩🇪"
)
HTML_BITS = ("<b>", "</i>", "&", "&amp;", "<script>", "</script>", "<", ">", "&#", "&lt", '"')
UNICODE = st.characters(codec="utf-8")  # no lone surrogates: Telegram never sends them
PIECES = st.one_of(
    st.sampled_from(HTML_BITS), st.text(st.sampled_from(ODD), max_size=20), st.text(UNICODE)
)
MIXED = st.lists(PIECES, max_size=12).map("".join)
LONG = st.builds(
    lambda piece, n: (piece * n)[:5000],
    st.sampled_from(["<b>&", "🦵", "x ", "\u202e", "7", "ab\n", "x"]),
    st.integers(1000, 5000),
)
TEXTS = st.one_of(
    st.sampled_from(NASTY),
    MIXED,
    st.builds(lambda name, arg: f"/{name} {arg}", st.sampled_from(COMMANDS), MIXED | LONG),
    st.integers(-(10**25), 10**25).map(str),
    LONG,
    st.text(UNICODE, min_size=1, max_size=5000),
)

ARGS = (
    "", "0", "1", "5", "6", "10", "11", "99", "-1", "²", "٣", "yes", "no", "off", "7", "2200",
    "0000", "9999", "2", "12", "12345", "try:x", "another:x", "not_for_me:x", "try:", ":",
    "try:leg_massage", "tz", "tm", "wk", "pause", "resume", "adult", "adult_on", "adult_off",
    "adult_18", "adult_no", "onset", "triggers",
    "weekly", "evening", "afternoon", "caffeine_late", "a_bit", "clearly", "iron_test",
)  # fmt: skip
NIGHT_KEYS = st.one_of(
    st.dates(NIGHT - dt.timedelta(days=3), NIGHT + dt.timedelta(days=2)).map(
        lambda d: d.strftime("%Y%m%d")
    ),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.sampled_from(["", "00000000", "20261131", "２０２６１１２６", "99999999", "2026-11-26"]),
    st.text(max_size=10),
)
WELL_FORMED = st.builds(
    lambda action, night, arg: f"1|{action}|{night}|{arg}",
    st.sampled_from([a.value for a in Action]),
    NIGHT_KEYS,
    st.one_of(st.sampled_from(ARGS), st.text(max_size=20).map(lambda s: s.replace("|", ""))),
)
# Up to 100 bytes: more than Telegram's 64, as a forged client might send.
RANDOM_DATA = st.text(max_size=100).map(lambda s: s.encode()[:100].decode("utf-8", "ignore"))


# -- the properties, person by person -----------------------------------------------------------


@pytest.mark.slow
@EXAMPLES
@given(stage=st.sampled_from(STAGES), typed=st.lists(TEXTS, min_size=1, max_size=4))
@example(stage="started", typed=list(NASTY))
@example(stage="card_shown", typed=list(NASTY))
@example(
    stage="card_shown",
    typed=[
        "/timezone " + "x" * 4500,
        "/time " + "<b>&" * 1200,
        "/pause " + "7" * 4500,
        "/history " + "9" * 4500,
        "/wake " + "🦵" * 3000,
        "🦵" * 5000,
    ],
)
async def test_random_text_at_every_stage_is_answered_within_telegrams_rules(
    referee: Referee, alice: Alice, stage: Stage, typed: list[str]
) -> None:
    bob = await referee.newcomer(stage)
    for text in typed:
        replies = await referee.feed(referee.api.send_text(bob, text), writes_to=bob)
        assert any(r.method in SENDS for r in replies), f"no answer to {text!r}"
    await referee.run_jobs(bob)


@EXAMPLES
@given(stage=st.sampled_from(STAGES), data=st.data())
async def test_random_forged_and_copied_buttons_are_answered_once_and_touch_only_the_presser(
    referee: Referee, alice: Alice, stage: Stage, data: st.DataObject
) -> None:
    bob = await referee.newcomer(stage)
    if stage == "new":
        await referee.say(bob, "/help")  # a button can only sit under a message the bot sent
    copied = st.sampled_from(alice.all_data)
    presses = st.lists(st.one_of(RANDOM_DATA, WELL_FORMED, copied), min_size=1, max_size=6)
    for pressed in data.draw(presses, label="presses"):
        under = data.draw(st.sampled_from(referee.api.sent_to(bob)[-3:]), label="under")
        await referee.feed(referee.api.press(under, pressed, user_id=bob), writes_to=bob)
    await referee.run_jobs(bob)


STICKER = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
           "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
PHOTO = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
VOICE = {"file_id": "v1", "file_unique_id": "u3", "duration": 3}


def location(latitude: float, longitude: float) -> JSON:
    return {"location": {"latitude": latitude, "longitude": longitude}}


OTHER_MESSAGES = st.one_of(
    st.just({"sticker": STICKER}),
    TEXTS.map(lambda caption: {"photo": PHOTO, "caption": caption}),
    st.just({"voice": VOICE}),
    st.just({"dice": {"emoji": "🎲", "value": 3}}),
    st.just({"contact": {"phone_number": "+4930123456", "first_name": "Doc"}}),
    st.builds(location, st.floats(-90, 90), st.floats(-180, 180)),
    st.builds(  # out of range: Telegram never sends these, a forged client might
        location,
        st.floats(90.0, 1e9, exclude_min=True) | st.floats(-1e9, -90.0, exclude_max=True),
        st.floats(-1e9, 1e9),
    ),
)


@dataclass(frozen=True)
class Document:
    """A file the person sends, perhaps right after /import."""

    data: bytes
    claimed_size: int | None
    after_import: bool


@dataclass(frozen=True)
class Edit:
    """The person edits one of their messages (or a message id that never existed)."""

    message_id: int
    text: str


EXPORT_LIKE = st.builds(
    lambda person, nights: json.dumps(
        {
            "format": "rls-bedtime-companion",
            "format_version": 1,
            "person": person,
            "nights": nights,
        }
    ).encode(),
    st.dictionaries(st.sampled_from(["user_id", "tz", "checkin_time", "created_at"]), TEXTS),
    st.lists(st.dictionaries(st.sampled_from(["night", "tz", "rating", "notes"]), TEXTS)),
)
DOCUMENTS = st.builds(
    Document,
    st.one_of(st.binary(max_size=2000), EXPORT_LIKE, TEXTS.map(str.encode)),
    st.one_of(st.none(), st.just(10**12), st.integers(0, 10**7)),
    st.booleans(),
)
EDITS = st.builds(Edit, st.integers(1, 40), TEXTS)


@EXAMPLES
@given(
    stage=st.sampled_from(STAGES),
    steps=st.lists(any_of(OTHER_MESSAGES, DOCUMENTS, EDITS), min_size=1, max_size=5),
)
@example(
    stage="card_shown",
    steps=[location(91.0, 0.0), location(-1e9, 1e9), location(90.0, 180.0), Edit(999, "<b>")],
)
@example(stage="checkin_open", steps=[Document(b"{}", 10**12, True), Document(b"", 0, True)])
async def test_edits_photos_stickers_voice_locations_and_files_are_handled_safely(
    referee: Referee, alice: Alice, stage: Stage, steps: list[JSON | Document | Edit]
) -> None:
    bob = await referee.newcomer(stage)
    api = referee.api
    await referee.say(bob, "a first note")
    for step in steps:
        if isinstance(step, Edit):
            await referee.feed(api.edit_text(bob, step.message_id, step.text), writes_to=bob)
            continue
        if isinstance(step, Document):
            if step.after_import:
                await referee.say(bob, "/import")
            payload = api.send_document(bob, "diary.json", step.data)
            if step.claimed_size is not None:
                payload["message"]["document"]["file_size"] = step.claimed_size
        else:
            payload = api.send_message(bob, step)
        replies = await referee.feed(payload, writes_to=bob)
        assert any(r.method in SENDS for r in replies), f"no answer to {step!r}"
    await referee.run_jobs(bob)


GROUP_STEPS = any_of(
    TEXTS.map(lambda text: ("text", text)),
    st.sampled_from(COMMANDS).map(lambda name: ("text", f"/{name}")),
    OTHER_MESSAGES.map(lambda fields: ("other", fields)),
    st.binary(max_size=200).map(lambda data: ("document", data)),
    st.integers(1, 20).map(lambda message_id: ("edit", message_id)),
    st.just(("press", None)),
)
OUR_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@rls_companion_bot)?(\s|$)")


@EXAMPLES
@given(
    kind=st.sampled_from(["group", "supergroup"]),
    member=st.sampled_from(["stranger", "alice"]),
    opening=st.sampled_from(COMMANDS),
    steps=st.lists(GROUP_STEPS, min_size=1, max_size=5),
    data=st.data(),
)
async def test_group_chats_get_the_private_only_answer_and_nothing_is_stored(
    referee: Referee,
    alice: Alice,
    kind: str,
    member: str,
    opening: str,
    steps: list[tuple[str, Any]],
    data: st.DataObject,
) -> None:
    api = referee.api
    referee.errors.clear()
    sender = alice.user_id if member == "alice" else next(referee.ids)
    group = -next(referee.ids) if kind == "group" else -(10**12) - next(referee.ids)
    user: JSON = {"chat_type": kind, "user_id": sender}
    for step, value in [("text", f"/{opening}"), *steps]:
        if step == "text":
            payload = api.send_text(group, value, **user)
        elif step == "other":
            payload = api.send_message(group, value, **user)
        elif step == "document":
            payload = api.send_document(group, "diary.json", value, **user)
        elif step == "edit":
            payload = api.edit_text(group, value, "edited <b>", **user)
        elif api.sent_to(group):
            pressed = data.draw(
                st.one_of(RANDOM_DATA, WELL_FORMED, st.sampled_from(alice.all_data))
            )
            payload = api.press(api.last(group), pressed, user_id=sender)
        else:
            continue
        before = len(api.history)
        await referee.feed(payload, writes_to=group)
        # Only "private chats only", or the lines of a crisis or urgent text (which a group
        # gets too: random text can read as one).
        said = [s.text for s in api.history[before:] if NOBODY not in s.text]
        assert set(said) <= {t(ChatText.PRIVATE_ONLY)}, said
        if "callback_query" in payload:
            assert api.answered[payload["callback_query"]["id"]]["text"] == t(
                ChatText.PRIVATE_ONLY
            )
    # The opening command is answered; the rest of a few minutes' messages are not (a group
    # gets "private chats only" once in a while, never once per message).
    answers = [sent.text for sent in api.sent_to(group) if NOBODY not in sent.text]
    assert answers == [t(ChatText.PRIVATE_ONLY)]
    names = {p.name for p in referee.data_dir.rglob("*")}
    assert str(group) not in names and str(abs(group)) not in names
    if member == "stranger":
        assert str(sender) not in names


AWKWARD_DATA = (
    "", "|||", "1|r|2026112|5", "2|r|20261126|5", "1|x|20261126|5", "1|r|20261126|5|extra",
    "1|c||", "1|c||", "1|q|20261126|", "1|q|20261126|12", "1|t|20261126|2", "1|h|20261126|x",
    "1|r|20261126|²", "1|r|20261126|٣", "1|r|20261126|" + "9" * 50, "1|wd||²", "1|wd||9",
    "1|tm||", "1|tm||2", "1|wk||2599", "1|s|20261126|", "1|s|20261126|try", "1|s|20261126|x:y",
    "1|on|20261126|", "1|tg|20261126|nope", "1|ad|00010101|", "1|ad|99991231|", "1|rm||",
    "1|rm||../../etc", "1|set||nope", "1|im||yes", "1|del||no", "1|del||yes", "1|del||yes",
)  # fmt: skip


@pytest.mark.parametrize("stage", STAGES)
async def test_awkward_button_data_is_answered_politely_at_every_stage(
    referee: Referee, alice: Alice, stage: Stage
) -> None:
    bob = await referee.newcomer(stage)
    if stage == "new":
        await referee.say(bob, "/help")
    for pressed in AWKWARD_DATA:
        under = referee.api.last(bob)
        await referee.feed(referee.api.press(under, pressed, user_id=bob), writes_to=bob)


# -- found by the properties, pinned down ---------------------------------------------------------


async def test_a_double_tap_is_answered_twice_and_counts_once(referee: Referee) -> None:
    bob = await referee.newcomer("started")
    api, diary = referee.api, referee.services.diary
    welcome = api.last(bob)
    for _ in range(2):
        await referee.feed(api.press(welcome, "1|c||", user_id=bob), writes_to=bob)
    await referee.say(bob, "Europe/Berlin")
    await referee.say(bob, "/time 22:00")
    [question] = await referee.say(bob, "/checkin")
    for _ in range(2):
        await referee.feed(api.press(question, "1|r|20261126|6", user_id=bob), writes_to=bob)
    [card] = [s for s in api.sent_to(bob) if s.message_id > question.message_id and s.buttons]
    [try_it] = [d for label, d in card.buttons if label == "I'll try it"]
    for _ in range(2):
        await referee.feed(api.press(card, try_it, user_id=bob), writes_to=bob)
    [night] = diary.nights(bob)
    assert night.rating == 6 and [s.response for s in night.suggestions] == ["try"]
    [confirm] = await referee.say(bob, "/delete")
    for _ in range(2):
        await referee.feed(api.press(confirm, "1|del||yes", user_id=bob), writes_to=bob)
    assert diary.person(bob) is None


async def test_a_button_under_a_message_the_bot_can_no_longer_reach_still_works(
    referee: Referee,
) -> None:
    bob = await referee.newcomer("checkin_open")
    question = referee.api.last(bob)
    payload = referee.api.press(question, "1|r|20261126|6", user_id=bob)
    payload["callback_query"]["message"] = {  # Telegram's InaccessibleMessage: date 0
        "chat": {"id": bob, "type": "private"}, "message_id": question.message_id, "date": 0
    }  # fmt: skip
    before = len(referee.api.history)
    await referee.feed(payload, writes_to=bob)
    noted, card = referee.api.history[before:]
    assert "You said 6/10" in noted.text and card.buttons
    assert question.edits == 0


@pytest.fixture
async def bare_app(services: Services, api: RecordingAPI) -> AsyncIterator[BotApp]:
    """The Application of the `app` fixture, for tests of known crashes: the referee reports
    them (the `app` fixture would report them again as a teardown error)."""
    async with started(services, FakeTelegram(api)) as (application, _errors):
        yield application


@pytest.fixture
def bare_referee(bare_app: BotApp, api: RecordingAPI, clock: FakeClock) -> Referee:
    return Referee(bare_app, api, clock)


async def test_a_diary_file_with_a_huge_number_is_refused_politely(
    bare_referee: Referee,
) -> None:
    bob = await bare_referee.newcomer("checkin_open")
    await bare_referee.say(bob, "/import")
    document = bare_referee.api.send_document(bob, "diary.json", b"1" * 5000)
    replies = await bare_referee.feed(document, writes_to=bob)
    assert any("Nothing was changed" in str(r.params.get("text")) for r in replies)


async def test_a_button_pressed_by_someone_else_under_alices_message_does_nothing(
    bare_referee: Referee,
) -> None:
    referee = bare_referee
    alice = await make_alice(referee)
    bob = await referee.newcomer("card_shown")
    referee.freeze(bob, [])
    for name, message in alice.messages.items():
        for pressed in alice.buttons[name]:
            payload = referee.api.press(message, pressed, user_id=bob)
            await referee.feed(payload, writes_to=bob)
