"""picket's settings, read from ``PICKET_*`` environment variables and an optional ``.env``.

Validated once at start, so a wrong value stops the run with a message naming the
variable instead of failing somewhere deep in a crawl.
"""

from __future__ import annotations

import os
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from annotated_types import Ge, Gt, Le, Lt
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(ValueError):
    """A setting or a configuration file is wrong; the message names it and says why."""


class SettingsError(ConfigError):
    """A ``PICKET_*`` setting has a wrong value, or its path cannot be used."""


PATH_SETTINGS: tuple[str, ...] = (
    "db_path",
    "work_dir",
    "outbox_path",
    "alerts_db",
    "alerts_outbox_dir",
    "sources_file",
    "watches_file",
    "search_ca_certs",
)
"""The settings that name a file or folder, for errors that say which one a path came from."""

_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Settings(BaseSettings):
    """Everything an operator can set; the defaults run the embedded SQLite setup."""

    model_config = SettingsConfigDict(
        env_prefix="PICKET_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    store: Literal["sqlite", "elasticsearch", "opensearch"] = "sqlite"
    db_path: Path = Path("var/picket.db")
    sources_file: Path = Path("config/sources.yaml")
    watches_file: Path = Path("config/watches.yaml")
    work_dir: Path = Path("var/work")

    contact_url: str = "https://github.com/picket-news/picket/blob/main/README.md#crawler"
    user_agent: str = ""
    download_delay_s: float = Field(1.0, ge=0, le=300)
    concurrency_per_domain: int = Field(2, ge=1, le=32)
    concurrency_total: int = Field(16, ge=1, le=256)
    timeout_s: float = Field(20.0, gt=0, le=600)
    max_bytes: int = Field(5_000_000, ge=10_000, le=100_000_000)
    retries: int = Field(3, ge=0, le=10)
    max_retry_after_s: float = Field(120.0, ge=0, le=3600)
    retry_max_wait_s: float = Field(
        2.0,
        ge=0,
        le=600,
        description=(
            "The most one request spends waiting on its retries within one crawl: back-off "
            "pauses, Retry-After pauses and attempts that timed out. A retry that would pass "
            "it is not made; the next poll asks again, so one failing feed cannot hold a pass."
        ),
    )
    max_redirects: int = Field(5, ge=0, le=20)
    crawl_time_budget_s: float = Field(
        1800.0,
        gt=0,
        le=86_400,
        description=(
            "The longest one crawler may run (a source, or the batch of feeds polled together): "
            "past it, the crawler stops, keeps what it fetched and notes why in source health."
        ),
    )
    poll_interval_min: int = Field(15, ge=1, le=10_080)
    google_news_url: str = Field(
        "https://news.google.com",
        description="Where Google News is: its article links are resolved to the publisher's.",
    )
    allow_private_addresses: bool = False

    relevance_threshold: float = Field(0.5, ge=0.0, le=1.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Search engine stores (PICKET_STORE=elasticsearch|opensearch): where the cluster is, how
    # to sign in (basic auth, or an API key on Elasticsearch), TLS, the index name prefix,
    # and the local outbox where writes wait while the engine cannot be reached.
    search_url: str = "http://localhost:9200"
    search_username: str | None = None
    search_password: SecretStr | None = None
    search_api_key: SecretStr | None = None
    search_verify_certs: bool = True
    search_ca_certs: Path | None = None
    search_timeout_s: float = Field(30.0, gt=0, le=600)
    search_bulk_size: int = Field(500, ge=1, le=10_000)
    index_prefix: str = Field("picket", pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=100)
    outbox_path: Path = Path("var/outbox.db")
    kibana_username: str | None = None
    kibana_password: SecretStr | None = None

    # Alerts: the ledger of what was sent, the .eml outbox used when no SMTP host is set,
    # how old a story may be and still be alerted, and where emails link to see the rest.
    alerts_db: Path = Path("var/alerts.db")
    alerts_outbox_dir: Path = Path("var/mail")
    alerts_max_age_days: int = Field(7, ge=1, le=36_500)
    kibana_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = Field(None, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(30.0, gt=0, le=600)
    mail_from: str = "picket <picket@localhost>"
    unsubscribe_url: str | None = None

    # Airflow: schedules (cron), sources per crawl task, and where tasks leave their batch
    # files for the next task (a local folder, or file://, s3://... shared by all workers).
    crawl_schedule: str = "*/15 * * * *"
    alerts_schedule: str = "0 * * * *"
    crawl_batch_size: int = Field(5, ge=1, le=500)
    batch_path: str = "var/batches"

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        """Refuse line breaks and other control characters in any text setting.

        Several settings end up in headers (the sender, ``List-Unsubscribe``, the
        User-Agent and its contact URL, basic auth): a line break there would fail the
        first email or request after the crawl, or inject a header.
        """
        if isinstance(value, str) and (found := _CONTROL_CHARACTER.search(value)):
            raise ValueError(
                f"must not contain control characters such as line breaks "
                f"(found {found[0]!r} at position {found.start()})"
            )
        return value

    @field_validator("contact_url")
    @classmethod
    def _contact_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "mailto:")):
            raise ValueError("must be an http(s) or mailto: URL people can reach you at")
        return value

    @field_validator("google_news_url")
    @classmethod
    def _google_news_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be the http(s) URL of Google News")
        return value.rstrip("/")

    @field_validator("search_url")
    @classmethod
    def _search_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be the http(s) URL of the Elasticsearch or OpenSearch cluster")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _no_credentials_in_urls(self) -> Settings:
        """Move a user name and password written into the search or Kibana URL to their own
        settings.

        Messages and logs name the URL of an unreachable engine, and emails link to Kibana;
        kept there, the password would be shown with them. Explicit
        ``PICKET_SEARCH_USERNAME``/``_PASSWORD`` (and ``PICKET_KIBANA_...``) win.
        """
        for service in ("search", "kibana"):
            url, username, password = split_credentials(getattr(self, f"{service}_url") or "")
            if url:
                setattr(self, f"{service}_url", url)
            if getattr(self, f"{service}_username") is None and username:
                setattr(self, f"{service}_username", username)
            if getattr(self, f"{service}_password") is None and password is not None:
                setattr(self, f"{service}_password", SecretStr(password))
        return self

    @field_validator("unsubscribe_url")
    @classmethod
    def _unsubscribe_link(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://", "mailto:")):
            raise ValueError("must be an http(s) or mailto: URL")
        return value or None

    @field_validator("kibana_url")
    @classmethod
    def _kibana_is_http(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be the http(s) URL of Kibana")
        return value or None

    @field_validator("mail_from")
    @classmethod
    def _sender_has_address(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError("must be an address like 'picket <alerts@example.org>'")
        return value

    @property
    def effective_user_agent(self) -> str:
        """The User-Agent sent with every request: names picket and how to reach its operator."""
        from pipeline import __version__

        return self.user_agent or f"picket/{__version__} (+{self.contact_url})"


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without the user name and password written into it, and those two.

    The search engine's and Kibana's URLs go through here before they are used, printed
    or logged; their credentials are sent as authentication, never as part of the URL.
    """
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
    except ValueError:  # not a URL at all: nothing to take out
        return url, None, None
    if username is None and password is None:
        return url, None, None
    bare = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return (
        bare,
        unquote(username) if username else None,
        None if password is None else unquote(password),
    )


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise ``SettingsError`` naming each bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise _settings_error(exc) from exc
    except UnicodeDecodeError as exc:  # the environment is text already: it is the .env file
        env_file = Path(str(Settings.model_config.get("env_file"))).absolute()
        raise SettingsError(f"{env_file}: {not_utf8(exc)}") from None


def not_utf8(exc: UnicodeDecodeError) -> str:
    """Where text that should be UTF-8 is not: the offset and line of its first bad byte."""
    line = exc.object.count(b"\n", 0, exc.start) + 1
    return (
        f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start} "
        f"(line {line}) cannot be decoded; save the file as UTF-8"
    )


def updated_settings(settings: Settings, **changes: object) -> Settings:
    """``settings`` with ``changes``, validated as if they had been set (unlike ``model_copy``)."""
    try:
        return Settings.model_validate({**dict(settings), **changes})
    except ValidationError as exc:
        raise _settings_error(exc) from exc


def path_setting_error(settings: Settings | None, exc: OSError) -> SettingsError | None:
    """The error naming the path settings that an OS error on a file or folder comes from.

    A folder picket cannot create or a file it cannot open (``PICKET_WORK_DIR=/proc/x``,
    a database path under a file) fails deep in a command; this names the variables
    whose path is, contains or lies in the path that failed. None when none does.
    """
    if settings is None or exc.filename is None:
        return None
    failed = Path(os.fsdecode(exc.filename)).absolute()
    named = []
    for name in PATH_SETTINGS:
        configured = getattr(settings, name)
        if configured is None:
            continue
        where = Path(configured).absolute()
        if failed == where or failed in where.parents or where in failed.parents:
            named.append(f"PICKET_{name.upper()}={configured}")
    if not named:
        return None
    if isinstance(exc, FileExistsError | NotADirectoryError):
        reason = "a file is in the way of a folder"
    else:
        reason = exc.strerror or type(exc).__name__
    return SettingsError(f"{', '.join(named)}: cannot use {failed}: {reason}")


def _settings_error(exc: ValidationError) -> SettingsError:
    problems = "; ".join(_problem(err) for err in exc.errors())
    return SettingsError(f"invalid settings: {problems}")


def _problem(error: Any) -> str:
    """One bad setting: its variable and what is wrong; a number out of range says the range."""
    name = "_".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    field = Settings.model_fields.get(name)
    allowed = _range(field.metadata) if field else ""
    if allowed and error["type"] in _OUT_OF_RANGE:
        message = f"must be {allowed}, not {str(error['input'])[:40]!r}"
    return f"PICKET_{name.upper()}: {message}"


_OUT_OF_RANGE = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
)


def _range(constraints: list[Any]) -> str:
    """How a numeric setting is bounded, in words ("more than 0 and at most 600")."""
    words = []
    for bound in constraints:
        if isinstance(bound, Gt):
            words.append(f"more than {bound.gt}")
        elif isinstance(bound, Ge):
            words.append(f"at least {bound.ge}")
        elif isinstance(bound, Lt):
            words.append(f"less than {bound.lt}")
        elif isinstance(bound, Le):
            words.append(f"at most {bound.le}")
    return " and ".join(words)
