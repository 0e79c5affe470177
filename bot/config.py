"""Settings from the environment and `.env`: the only module that reads either.

A bad value becomes one ConfigError line that names the variable and the problem (never the
token itself).
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError
from bot.schedule import is_valid_timezone


def packaged_content() -> Path:
    """The curated remedies file shipped inside the package (`bot/curated` is the repository's
    `content/` folder; a wheel carries a copy)."""
    return Path(str(resources.files("bot").joinpath("curated", "remedies.toml")))


_TOKEN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class Settings(BaseSettings):
    """Every setting of the bot; see `.env.example` for what each one does."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    data_dir: Path = Path("data")
    content_file: Path = Field(default_factory=packaged_content)
    default_timezone: str = "Europe/London"
    log_level: str = "INFO"
    # Webhook mode (long polling when WEBHOOK_URL is empty): Telegram POSTs updates to this
    # public HTTPS URL, which a reverse proxy forwards to WEBHOOK_LISTEN:WEBHOOK_PORT.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # GET /healthz and /readyz on HEALTH_LISTEN:HEALTH_PORT (empty: no health server).
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_listen: str = "127.0.0.1"
    # Encryption at rest (bot/crypto.py): the master key as a file (preferred) or the value.
    data_key_file: Path | None = None
    data_key: SecretStr | None = None
    keyring_file: Path | None = None

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not _TOKEN.match(value.strip()):
            raise ValueError(
                "does not look like a bot token (expected digits, a colon, then 30 or more "
                "letters, digits, '-' or '_', as @BotFather gives it)"
            )
        return value.strip()

    @field_validator("telegram_api_base_url", mode="before")
    @classmethod
    def _base_url(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:8081/bot")
        return value.strip().rstrip("/")

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value.strip()):
            raise ValueError("must be the public https:// URL Telegram posts updates to")
        return value.strip()

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value.strip()):
            raise ValueError(
                "must be 16 to 256 characters: letters, digits, '_' or '-' (Telegram's rule), "
                "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value.strip()

    @field_validator("health_port", mode="before")
    @classmethod
    def _optional_port(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET: must be set when WEBHOOK_URL is (Telegram sends it with every "
                "update, so nobody else can post updates to the bot)"
            )
        return self

    @field_validator("data_key", "data_key_file", "keyring_file", mode="before")
    @classmethod
    def _optional(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not is_valid_timezone(value.strip()):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Berlin")
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LEVELS:
            raise ValueError(f"must be one of {', '.join(_LEVELS)}")
        return level

    @field_validator("data_dir", mode="before")
    @classmethod
    def _path(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("content_file", mode="before")
    @classmethod
    def _content(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return packaged_content()  # empty in .env: the curated files that ship with the bot
        return value

    @property
    def red_flags_file(self) -> Path:
        """Red-flag phrases and messages: next to the remedies file."""
        return self.content_file.parent / "red_flags.toml"

    @property
    def crisis_file(self) -> Path:
        """Crisis resources by country: next to the remedies file."""
        return self.content_file.parent / "crisis.toml"

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL, where the bot's own server takes the POSTs."""
        return urlsplit(self.webhook_url or "").path.strip("/")

    @property
    def secret(self) -> str | None:
        """WEBHOOK_SECRET's value."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None

    @property
    def token(self) -> str | None:
        """The bot token, or None for the console mode."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def data_key_text(self) -> str | None:
        """DATA_KEY's value (the master key itself), or None."""
        return self.data_key.get_secret_value() if self.data_key else None

    @property
    def log_level_number(self) -> int:
        """The logging module's number for LOG_LEVEL."""
        return int(getattr(logging, self.log_level))


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise ConfigError with one line naming the variable and problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:  # else a rule over several settings, which names them itself
            message = f"{str(error['loc'][0]).upper()}: {message}"
        raise ConfigError(message) from None
