"""A fake Telegram Bot API over real HTTP, for tests that run `python -m bot` as a process.

`FakeBotApiServer` serves `bot.fake_telegram.FakeBotAPI` with aiohttp on 127.0.0.1, in a
background thread that owns its own event loop, so a bot can reach it through
`TELEGRAM_API_BASE_URL=server.base_url` (python-telegram-bot appends the token:
`POST /bot<token>/<method>`). Every FakeBotAPI object is touched only on that loop; the test
side uses the thread-safe helpers (`send_text`, `press`, `wait_for`, `fail`, ...), which hop
onto the loop and hand back copies.

Faults for resilience tests: `fail(...)` answers a method with a Bot API error (429 with
`retry_after`, 5xx, 403 ...), `fail_page(...)` with an HTML error page as a proxy in front of
Telegram sends it, `delay(...)` holds the answer back (a timeout for the client; the call is
still carried out), `disconnect(...)` drops the connection without an answer (the call is not
carried out). Every request is timed in `requests()`, with its status (0: dropped).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import json
import math
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

from aiohttp import web

from bot.fake_telegram import JSON, ApiError, FakeBotAPI, Hook, Sent

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
# Form values that are text in the Bot API and must never be read as JSON ("42" stays "42").
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "filename",
        "emoji",
        "action",
        "name",
        "description",
        "short_description",
        "language_code",
        "title",
        "question",
        "secret_token",
        "business_connection_id",
    }
)
# Methods that put something into a chat, as Telegram's flood limits count them.
CHAT_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup"}
)
# Telegram's limits as enforce_telegram_limits models them.
PRIVATE_BURST = 10
PRIVATE_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20
# Exports are small, but a file upload must not hit aiohttp's 1 MiB default.
MAX_BODY = 50 * 1024 * 1024


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP request as the server saw it (monotonic seconds)."""

    method: str
    status: int
    started: float
    finished: float
    chat_id: int | None = None

    @property
    def seconds(self) -> float:
        """How long the server took to answer."""
        return self.finished - self.started


@dataclass
class Fault:
    """What to do to the next `times` calls of `method` (None: every method)."""

    method: str | None
    kind: Literal["error", "page", "delay", "disconnect"]
    times: int | None = 1
    error: ApiError | None = None
    seconds: float = 0.0
    status: int = 0
    page: str = ""

    def matches(self, method: str) -> bool:
        return (self.method is None or self.method == method) and self.times != 0


class _Disconnect(Exception):
    """Raised by a fault: close the connection without answering."""


class _ErrorPage(Exception):
    """Raised by a fault: answer with an HTML page instead of the Bot API's JSON."""

    def __init__(self, status: int, page: str) -> None:
        super().__init__(status)
        self.status = status
        self.page = page


def error_page(status: int) -> str:
    """The kind of page nginx answers with when what stands behind it fails."""
    title = f"{status} {HTTPStatus(status).phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


def _chat_of(params: JSON) -> int | None:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def decode_value(name: str, value: str) -> Any:
    """A form value as FakeBotAPI expects it: numbers, booleans and objects decoded, text kept."""
    if name in STRING_FIELDS:
        return value
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except ValueError:
        return value


async def read_params(request: web.Request) -> JSON:
    """Bot API parameters from a query string, a form, a multipart upload or a JSON body."""
    params: JSON = {name: decode_value(name, value) for name, value in request.query.items()}
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    if request.method != "POST" or not request.can_read_body:
        return params
    form = await request.post()
    files: dict[str, tuple[str, bytes]] = {}
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = (value.filename, value.file.read())
        elif isinstance(value, bytes | bytearray):
            params[name] = decode_value(name, bytes(value).decode())
        else:
            params[name] = decode_value(name, value)
    if files:
        params["_files"] = files
    return params


class FakeBotApiServer:
    """FakeBotAPI on http://127.0.0.1:<port>/bot<token>/<method>, run in its own thread.

    Use as a context manager (`with FakeBotApiServer(token=T) as server:`) or call
    `start()` / `stop()`. When `token` is given, requests with another token get Telegram's
    401 Unauthorized.
    """

    def __init__(
        self,
        api: FakeBotAPI | None = None,
        *,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        path_prefix: str = "/bot",
    ) -> None:
        # The api's asyncio.Event binds to the first loop that waits on it: this server's loop.
        self.api = api or FakeBotAPI()
        self.token = token
        self.host = host
        self.port = port
        self.path_prefix = path_prefix.rstrip("/")
        self._tokens: set[str] = set()
        self._faults: list[Fault] = []
        self._rate: tuple[int, float] | None = None
        self._sends: collections.deque[float] = collections.deque()
        self._telegram_limits = False
        self._chat_sends: dict[int, collections.deque[float]] = {}
        self._chat_tokens: dict[int, tuple[float, float]] = {}
        self._chat_blocked: dict[int, float] = {}
        self._user_hook: Hook | None = self.api.before_call  # kept, run after the faults
        self._requests: list[RequestRecord] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._changed = threading.Condition()
        self._version = 0

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to put in TELEGRAM_API_BASE_URL (the bot appends its token)."""
        return f"http://{self.host}:{self.port}{self.path_prefix}"

    def start(self, timeout: float = DEFAULT_TIMEOUT) -> Self:
        """Start the loop thread and the HTTP server; returns once it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(ready, failure), name="fake-bot-api", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the fake Bot API server did not start")
        if failure:
            self._thread.join(timeout)
            self._thread = None
            raise failure[0]
        return self

    def stop(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Answer pending long polls, close the server and the loop, join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already stopped
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError("the fake Bot API server thread did not stop")
        self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._open())
        except BaseException as exc:  # handed to start() in the caller's thread
            failure.append(exc)
            ready.set()
            loop.close()
            self._loop = None
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _open(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", self.path_prefix + "{token}/{method}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))  # port 0: the kernel picks a free one
        except OSError:
            sock.close()
            await runner.cleanup()
            raise
        self.port = int(sock.getsockname()[1])
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self.api.before_call = self._before_call

    async def _shutdown(self) -> None:
        self.api._event().set()  # wakes a bot waiting in getUpdates
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- HTTP -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        token, method = request.match_info["token"], request.match_info["method"]
        self._tokens.add(token)
        if self.token is not None and token != self.token:
            status, body = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        else:
            params = await read_params(request)
            chat_id = _chat_of(params)
            try:
                status, body = await self.api.call(method, params)
            except _Disconnect:
                if request.transport is not None:
                    request.transport.close()
                self._record(method, 0, started, chat_id)
                return web.Response(status=500)  # never reaches the closed connection
            except _ErrorPage as page:
                self._record(method, page.status, started, chat_id)
                return web.Response(status=page.status, text=page.page, content_type="text/html")
            self._record(method, status, started, chat_id)
            return web.json_response(body, status=status)
        self._record(method, status, started)
        return web.json_response(body, status=status)

    def _record(
        self, method: str, status: int, started: float, chat_id: int | None = None
    ) -> None:
        record = RequestRecord(method, status, started, time.monotonic(), chat_id)
        self._requests.append(record)
        self._notify()

    async def _before_call(self, method: str, params: JSON) -> None:
        if self._telegram_limits and method in CHAT_METHODS:
            self._check_chat_limit(int(params["chat_id"]))
        if self._rate is not None and "chat_id" in params:
            limit, window = self._rate
            now = time.monotonic()
            while self._sends and now - self._sends[0] >= window:
                self._sends.popleft()
            if len(self._sends) >= limit:
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
            self._sends.append(now)
        for fault in self._faults:
            if not fault.matches(method):
                continue
            if fault.times is not None:
                fault.times -= 1
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "disconnect":
                raise _Disconnect(method)
            elif fault.kind == "page":
                raise _ErrorPage(fault.status, fault.page)
            elif fault.error is not None:
                raise fault.error
            break
        self._faults = [f for f in self._faults if f.times != 0]
        if self._user_hook is not None:
            await self._user_hook(method, params)

    # -- hopping onto the server loop ----------------------------------------------------------

    def call(self, fn: Callable[[FakeBotAPI], T], timeout: float = DEFAULT_TIMEOUT) -> T:
        """Run `fn(api)` on the server loop and return its result."""

        async def run() -> T:
            return fn(self.api)

        return self.call_async(run, timeout)

    def call_async(
        self, fn: Callable[[], Coroutine[Any, Any, T]], timeout: float = DEFAULT_TIMEOUT
    ) -> T:
        """Run the coroutine `fn()` on the server loop and return its result."""
        if self._loop is None:
            raise RuntimeError("the fake Bot API server is not running")
        return asyncio.run_coroutine_threadsafe(fn(), self._loop).result(timeout)

    def _notify(self) -> None:
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    def wait_until(
        self,
        check: Callable[[FakeBotAPI], T | None],
        timeout: float = DEFAULT_TIMEOUT,
        what: str = "the condition",
    ) -> T:
        """Evaluate `check(api)` on the server loop after every request until it is not None."""
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                seen = self._version
            result = self.call(check)
            if result is not None and result is not False:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
            self._wait_for_change(seen, min(left, 0.25))

    def _wait_for_change(self, seen: int, timeout: float) -> None:
        # Requests and pushes notify; the time slice also covers changes made through `call`.
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen, timeout)

    # -- the person's side ------------------------------------------------------------------

    def push(self, update: JSON) -> JSON:
        """Queue a raw update payload."""
        return self._pushed(self.call(lambda api: api.push(update)))

    def send_text(self, chat_id: int, text: str, **user: Any) -> JSON:
        """The person types a message (a leading /command gets its entity)."""
        return self._pushed(self.call(lambda api: api.send_text(chat_id, text, **user)))

    def send_message(self, chat_id: int, fields: JSON, **user: Any) -> JSON:
        """The person sends any other kind of message (location, sticker, ...)."""
        return self._pushed(self.call(lambda api: api.send_message(chat_id, fields, **user)))

    def press(
        self,
        chat_id: int,
        label: str,
        *,
        message_id: int | None = None,
        user_id: int | None = None,
    ) -> JSON:
        """Tap the button labelled `label` on the newest message of this chat that has one."""

        def tap(api: FakeBotAPI) -> JSON:
            for sent in reversed(api.sent_to(chat_id)):
                if message_id is not None and sent.message_id != message_id:
                    continue
                data = [d for text, d in sent.buttons if text == label]
                if data:
                    return api.press(sent, data[0], user_id=user_id)
            labels = [b for s in api.sent_to(chat_id) for b, _ in s.buttons]
            raise LookupError(f"no button {label!r} in chat {chat_id}; buttons: {labels}")

        return self._pushed(self.call(tap))

    def press_data(self, chat_id: int, data: str, *, message_id: int | None = None) -> JSON:
        """Send raw callback data under a bot message (forged or stale buttons)."""

        def tap(api: FakeBotAPI) -> JSON:
            target = api.last(chat_id) if message_id is None else api.messages[chat_id, message_id]
            return api.press(target, data)

        return self._pushed(self.call(tap))

    def _pushed(self, update: JSON) -> JSON:
        self._notify()
        return update

    # -- what the bot did -------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Copies of every message the bot sent to this chat (current state after edits)."""
        return self.call(lambda api: copy.deepcopy(api.sent_to(chat_id)))

    def last(self, chat_id: int) -> Sent:
        """A copy of the latest message the bot sent to this chat."""
        return self.call(lambda api: copy.deepcopy(api.last(chat_id)))

    def mark(self) -> int:
        """A position in the history: `wait_for(..., since=server.mark())` sees only newer."""
        return self.call(lambda api: len(api.history))

    def wait_for(
        self,
        predicate: Callable[[Sent], bool],
        timeout: float = DEFAULT_TIMEOUT,
        *,
        chat_id: int | None = None,
        since: int = 0,
    ) -> Sent:
        """A copy of the first message (from `since` on) that satisfies `predicate`."""

        def find(api: FakeBotAPI) -> Sent | None:
            for sent in api.history[since:]:
                if (chat_id is None or sent.chat_id == chat_id) and predicate(sent):
                    return copy.deepcopy(sent)
            return None

        return self.wait_until(find, timeout, what=f"a matching message (chat {chat_id})")

    def wait_for_text(
        self, chat_id: int, fragment: str, timeout: float = DEFAULT_TIMEOUT, *, since: int = 0
    ) -> Sent:
        """The first message to this chat whose visible text contains `fragment`."""
        return self.wait_for(lambda s: fragment in s.text, timeout, chat_id=chat_id, since=since)

    def calls(self, method: str | None = None) -> list[tuple[str, JSON]]:
        """Copies of the Bot API calls so far (only `method` when given)."""
        return self.call(
            lambda api: copy.deepcopy([c for c in api.calls if method in (None, c[0])])
        )

    def wait_for_call(
        self, method: str, timeout: float = DEFAULT_TIMEOUT, *, since: int = 0
    ) -> JSON:
        """The parameters of the first call of `method` (counting from call number `since`)."""

        def find(api: FakeBotAPI) -> JSON | None:
            for name, params in api.calls[since:]:
                if name == method:
                    return copy.deepcopy(params)
            return None

        return self.wait_until(find, timeout, what=f"a {method} call")

    def tokens_seen(self) -> set[str]:
        """Every token a request carried in its path."""
        return self.call(lambda api: set(self._tokens))

    def requests(self) -> list[RequestRecord]:
        """Every answered HTTP request, with its timing."""
        return self.call(lambda api: list(self._requests))

    def wait_for_request(
        self,
        method: str,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        since: int = 0,
        status: int | None = None,
    ) -> RequestRecord:
        """The first answered request of `method` (from `requests()[since]` on), optionally
        with this status."""

        def find(api: FakeBotAPI) -> RequestRecord | None:
            for record in self._requests[since:]:
                if record.method == method and status in (None, record.status):
                    return record
            return None

        return self.wait_until(find, timeout, what=f"a {method} request")

    def end_long_polls(self) -> None:
        """Answer a pending getUpdates now, with whatever is queued (possibly nothing)."""
        self.call(lambda api: api._event().set())

    # -- faults -----------------------------------------------------------------------------

    def set_before_call(self, hook: Callable[[str, JSON], Awaitable[None]] | None) -> None:
        """Run `hook(method, params)` on the server loop before each call (after the faults)."""

        def install(api: FakeBotAPI) -> None:
            self._user_hook = hook

        self.call(install)

    def fail(
        self,
        method: str | None,
        status: int,
        description: str,
        *,
        times: int | None = 1,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (None: any; times None: always) with an error.

        E.g. `fail("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)`,
        `fail("getUpdates", 502, "Bad Gateway")`, `fail("sendMessage", 403, "Forbidden: bot
        was blocked by the user")`.
        """
        error = ApiError(status, description, retry_after)
        self._add_fault(Fault(method, "error", times, error=error))

    def fail_page(
        self, method: str | None, status: int, *, times: int | None = 1, page: str | None = None
    ) -> None:
        """Answer the next `times` calls of `method` with an HTML error page, the way a proxy in
        front of Telegram does (api.telegram.org has answered 502 with nginx's page), without
        carrying the call out."""
        fault = Fault(method, "page", times, status=status, page=page or error_page(status))
        self._add_fault(fault)

    def delay(self, method: str | None, seconds: float, *, times: int | None = 1) -> None:
        """Hold back the answer to the next `times` calls (longer than the client's timeout:
        the client sees a timeout)."""
        self._add_fault(Fault(method, "delay", times, seconds=seconds))

    def disconnect(self, method: str | None, *, times: int | None = 1) -> None:
        """Close the connection instead of answering the next `times` calls."""
        self._add_fault(Fault(method, "disconnect", times))

    def enforce_rate(self, limit: int = 30, window: float = 1.0) -> None:
        """Like Telegram: at most `limit` calls carrying a chat_id per `window` seconds;
        more get 429 "retry after 1"."""

        def install(api: FakeBotAPI) -> None:
            self._rate = (limit, window)
            self._sends.clear()

        self.call(install)

    def enforce_telegram_limits(self) -> None:
        """Telegram's published limits, as 429 answers with the wait Telegram would give:
        30 messages a second overall, 20 a minute in a group (retry after the minute's oldest
        leaves it, up to 60 s), and in a private chat about one a second with short bursts
        (modelled as 10 at once, then one a second). Edits count like messages."""

        def install(api: FakeBotAPI) -> None:
            self._telegram_limits = True
            self._rate = (30, 1.0)
            self._sends.clear()

        self.call(install)

    def _check_chat_limit(self, chat_id: int) -> None:
        now = time.monotonic()
        blocked = self._chat_blocked.get(chat_id, 0.0)
        if now < blocked:
            wait = math.ceil(blocked - now)
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if chat_id < 0:  # a group: 20 in any minute
            sends = self._chat_sends.setdefault(chat_id, collections.deque())
            while sends and now - sends[0] >= 60.0:
                sends.popleft()
            if len(sends) >= GROUP_PER_MINUTE:
                wait_s = sends[0] + 60.0 - now
                self._chat_blocked[chat_id] = now + wait_s
                wait = max(1, math.ceil(wait_s))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            sends.append(now)
            return
        tokens, at = self._chat_tokens.get(chat_id, (float(PRIVATE_BURST), now))
        tokens = min(float(PRIVATE_BURST), tokens + (now - at) * PRIVATE_PER_SECOND)
        if tokens < 1:
            self._chat_tokens[chat_id] = (tokens, now)
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._chat_tokens[chat_id] = (tokens - 1, now)

    def clear_faults(self) -> None:
        """Forget every fault not yet used up."""
        self.call(lambda api: self._faults.clear())

    def _add_fault(self, fault: Fault) -> None:
        self.call(lambda api: self._faults.append(fault))
