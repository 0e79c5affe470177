"""Health endpoints for whoever runs the bot: GET /healthz (alive) and GET /readyz (ready).

A small HTTP server (tornado, which python-telegram-bot's webhook mode brings) on
HEALTH_LISTEN:HEALTH_PORT, in polling and webhook mode alike. /readyz answers 200 only when the
bot holds the storage lock, has its content loaded, its scheduler runs and its last Bot API
call succeeded recently; otherwise 503, with the failing checks named in the JSON body. Nothing
about any person is ever in an answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer

# The last successful Bot API call must be this recent (polling asks every few seconds; in
# webhook mode a ping job asks every PING_EVERY).
API_FRESH = 180.0
PING_EVERY = 60.0


Checks = Callable[[], dict[str, Any]]


class _Alive(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"alive": True}))


class _Ready(tornado.web.RequestHandler):
    def initialize(self, checks: Checks) -> None:
        self.checks = checks

    def get(self) -> None:
        checks = self.checks()
        ready = all(bool(c.get("ok")) for c in checks.values())
        self.set_status(200 if ready else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ready": ready, "checks": checks}))


class HealthServer:
    """The two endpoints on their own port."""

    def __init__(self, listen: str, port: int, checks: Checks) -> None:
        self.listen = listen
        self.port = port
        self._app = tornado.web.Application(
            [(r"/healthz", _Alive), (r"/readyz", _Ready, {"checks": checks})]
        )
        self._server: HTTPServer | None = None

    def start(self) -> None:
        self._server = self._app.listen(self.port, address=self.listen, xheaders=False)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


def api_check(last_ok: float | None, now: float) -> dict[str, Any]:
    """Whether the Bot API answered recently (`last_ok`, `now`: monotonic seconds)."""
    if last_ok is None:
        return {"ok": False, "detail": "no Bot API call has succeeded yet"}
    ago = now - last_ok
    return {"ok": ago <= API_FRESH, "seconds_since_last_success": round(ago, 1)}
