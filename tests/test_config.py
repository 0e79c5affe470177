"""Settings: defaults, and one clear line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError
from tests.conftest import ROOT

GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATA_DIR", "CONTENT_FILE",
                 "DEFAULT_TIMEZONE", "LOG_LEVEL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env


def test_defaults_run_the_console_without_a_token() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.data_dir == Path("data")
    # The curated files that ship inside the package (in the repository: content/).
    assert settings.content_file.read_bytes() == (ROOT / "content" / "remedies.toml").read_bytes()
    assert settings.red_flags_file.is_file() and settings.crisis_file.is_file()
    assert settings.telegram_api_base_url is None


def test_values_come_from_the_environment_and_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={GOOD_TOKEN}\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot/")
    settings = load_settings()
    assert settings.token == GOOD_TOKEN
    assert settings.log_level == "DEBUG"
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert GOOD_TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Base", "DEFAULT_TIMEZONE: unknown time zone 'Mars/Base'"),
        (
            "TELEGRAM_BOT_TOKEN",
            "not-a-token",
            "TELEGRAM_BOT_TOKEN: does not look like a bot token",
        ),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: must be one of"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "TELEGRAM_API_BASE_URL: must be an http"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_the_token_is_never_part_of_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "123:short-but-secret"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", secret)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert secret not in str(caught.value)
