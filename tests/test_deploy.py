"""Running as a service: webhook mode, the health endpoints, the bot's description, and the
installed package working outside the repository.

Webhook and health run `python -m bot` as a process against the fake Bot API over HTTP. The
packaging test builds the wheel, installs it into a fresh virtual environment and runs the
console from an empty folder, as an operator would.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.fake_telegram import FakeBotAPI
from bot.health import API_FRESH, api_check
from bot.texts import ChatText, t
from tests.conftest import ROOT, Chat
from tests.fake_bot_api_server import FakeBotApiServer
from tests.test_process import STARTUP, TOKEN, BotProcess, bot_env, one_line, run_once

SECRET = "webhook-secret-for-tests_0123456789"
CHAT = 4343


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def until_ready(url: str, timeout: float = 10.0) -> tuple[int, dict[str, Any]]:
    """GET /readyz until it says ready (the scheduler starts a moment after setWebhook or the
    first poll), or the timeout passes; the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = get(url)
        if status == 200 or time.monotonic() > deadline:
            return status, body
        time.sleep(0.1)


def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        url, data=json.dumps(update).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def start_update(update_id: int, text: str = "/start") -> dict[str, Any]:
    """A /start update as Telegram would POST it."""
    api = FakeBotAPI(queue_updates=False)
    payload = api.send_text(CHAT, text)
    payload["update_id"] = update_id
    return payload


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer(token=TOKEN) as fake:
        yield fake


@pytest.mark.slow
def test_webhook_mode_sets_the_secret_and_refuses_posts_without_it(
    tmp_path: Path, server: FakeBotApiServer
) -> None:
    port, health = free_port(), free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    env = bot_env(
        tmp_path,
        server.base_url,
        WEBHOOK_URL=hook,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        HEALTH_PORT=str(health),
    )
    bot = BotProcess(tmp_path, env)
    try:
        params = server.wait_for_call("setWebhook", STARTUP)
        assert params["url"] == hook
        assert params["secret_token"] == SECRET
        assert not server.calls("getUpdates"), "webhook mode never polls"
        status, ready = until_ready(f"http://127.0.0.1:{health}/readyz")
        assert status == 200 and ready["ready"], ready

        # Without the secret, or with a wrong one: refused, and nothing happens.
        assert post_update(hook, start_update(1), None) == 403
        assert post_update(hook, start_update(2), "not-the-secret-0123456789") == 403
        # With it: processed like a polled update.
        assert post_update(hook, start_update(3), SECRET) == 200
        welcome = server.wait_for_text(CHAT, "restless legs", 10.0)
        assert [label for label, _ in welcome.buttons] == ["I understand, let's start"]
        assert len(server.sent_to(CHAT)) == 1, "only the update with the secret was answered"
        assert bot.stop(signal.SIGTERM) == 0, bot.stderr
    finally:
        bot.kill()
    assert "Traceback" not in bot.stderr, bot.stderr
    assert SECRET not in bot.stderr


@pytest.mark.slow
def test_health_endpoints_answer_in_polling_mode_without_anything_personal(
    tmp_path: Path, server: FakeBotApiServer
) -> None:
    health = free_port()
    bot = BotProcess(tmp_path, bot_env(tmp_path, server.base_url, HEALTH_PORT=str(health)))
    try:
        server.wait_for_call("getUpdates", STARTUP)
        assert get(f"http://127.0.0.1:{health}/healthz") == (200, {"alive": True})
        status, body = until_ready(f"http://127.0.0.1:{health}/readyz")
        assert status == 200 and body["ready"], body
        assert set(body["checks"]) == {"storage_lock", "content", "scheduler", "bot_api"}
        assert all(check["ok"] for check in body["checks"].values())
        # The description people see before they start the bot.
        described = server.call(lambda api: dict(api.descriptions))
        assert described == {
            "description": t(ChatText.BOT_DESCRIPTION),
            "short_description": t(ChatText.BOT_SHORT_DESCRIPTION),
        }
        assert bot.stop(signal.SIGTERM) == 0, bot.stderr
    finally:
        bot.kill()


def test_readiness_fails_when_telegram_has_not_answered_recently() -> None:
    assert api_check(None, 100.0)["ok"] is False
    assert api_check(100.0, 100.0 + API_FRESH)["ok"] is True
    assert api_check(100.0, 101.0 + API_FRESH)["ok"] is False


async def test_the_bot_describes_itself_at_start_up(chat: Chat, api: FakeBotAPI) -> None:
    assert api.descriptions["description"] == t(ChatText.BOT_DESCRIPTION)
    assert "not a medical service" in api.descriptions["description"]
    assert "/privacy" in api.descriptions["short_description"]
    assert len(api.descriptions["description"]) <= 512
    assert len(api.descriptions["short_description"]) <= 120


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET: must be set"),
        (
            {"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "short"},
            "WEBHOOK_SECRET: must be 16 to 256 characters",
        ),
        ({"WEBHOOK_URL": "bot.example.org"}, "WEBHOOK_URL: must be the public https:// URL"),
        ({"HEALTH_PORT": "99999"}, "HEALTH_PORT:"),
    ],
)
@pytest.mark.slow
def test_a_bad_webhook_or_health_setting_stops_start_up_with_one_line(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = run_once(tmp_path, bot_env(tmp_path, "http://127.0.0.1:9/bot", **env))
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(f"error: {expected}")


# -- the installed package -------------------------------------------------------------------


@pytest.mark.slow
def test_the_installed_wheel_runs_the_console_from_an_empty_folder(tmp_path: Path) -> None:
    dist, venv, empty = tmp_path / "dist", tmp_path / "venv", tmp_path / "empty"
    empty.mkdir()

    def run(*argv: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(a) for a in argv], capture_output=True, text=True, check=False, **kwargs
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT)
    [wheel] = dist.glob("*.whl")
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "pip", "install", "-q", wheel, timeout=600)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "DATA_DIR": "data"}

    check = run(venv / "bin" / "rls-bot", "content-check", cwd=empty, env=env)
    assert "remedies, content version" in check.stdout
    console = run(
        venv / "bin" / "rls-bot",
        "console",
        cwd=empty,
        env=env,
        input="/start\n/quit\n",
        timeout=120,
    )
    assert "restless legs" in console.stdout
    assert "I understand, let's start" in console.stdout
    # The same subcommands as `python -m bot`.
    assert (
        run(venv / "bin" / "rls-bot", "--help", env=env)
        .stdout.splitlines()[0]
        .startswith("usage:")
    )
    assert (empty / "data" / "console").is_dir()


# -- deploy/ ------------------------------------------------------------------------------------

DEPLOY = ROOT / "deploy"


def test_the_systemd_unit_passes_systemd_analyze_and_is_hardened(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (docs/deploy.md says what was checked)")
    unit = (DEPLOY / "rls-bot.service").read_text(encoding="utf-8")
    for line in (
        "User=rls-bot",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/rls-bot",
        "LoadCredential=data-key:/etc/rls-bot/data.key",
        "Environment=DATA_KEY_FILE=%d/data-key",
        "NoNewPrivileges=yes",
    ):
        assert line in unit.splitlines(), line
    # verify checks that ExecStart exists: point it at this checkout's installed script.
    rls_bot = Path(sys.executable).with_name("rls-bot")
    copy = tmp_path / "rls-bot.service"
    copy.write_text(re.sub(r"(?m)^ExecStart=\S+", f"ExecStart={rls_bot}", unit), "utf-8")
    verify = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0 and not verify.stdout + verify.stderr, verify.stderr
    security = subprocess.run(
        [analyze, "security", "--offline=yes", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    level = re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout)
    assert level is not None, security.stdout + security.stderr
    assert float(level.group(1)) <= 2.0, "systemd rates the unit's exposure above 'OK'"


def test_the_container_image_runs_as_a_user_with_data_on_a_volume_and_the_key_as_a_secret() -> (
    None
):
    lines = [
        line.strip()
        for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    final = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the bot must not run as root"
    text = "\n".join(final)
    assert 'VOLUME ["/data", "/keyring"]' in text and "DATA_DIR=/data" in text
    assert "KEYRING_FILE=/keyring/" in text, "the keyring lives apart from DATA_DIR"
    assert "DATA_KEY_FILE=/run/secrets/" in text, "the key comes from a secret, not the image"
    assert "/readyz" in text, "the image's health check asks /readyz"
    assert not any(line.startswith(("COPY .env", "COPY data", "ADD ")) for line in lines)
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "secrets:" in compose and "rls_data_key" in compose and "rls-data:/data" in compose
