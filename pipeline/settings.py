"""picket's settings, read from ``PICKET_*`` environment variables and an optional ``.env``.

Validated once at start, so a wrong value stops the run with a message naming the
variable instead of failing somewhere deep in a crawl.
"""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(ValueError):
    """A ``PICKET_*`` setting has a wrong value."""


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
    download_delay_s: float = Field(1.0, ge=0)
    concurrency_per_domain: int = Field(2, ge=1, le=32)
    concurrency_total: int = Field(16, ge=1, le=256)
    timeout_s: float = Field(20.0, gt=0)
    max_bytes: int = Field(5_000_000, ge=10_000)
    retries: int = Field(3, ge=0, le=10)
    max_retry_after_s: float = Field(120.0, ge=0)
    retry_max_wait_s: float = Field(
        2.0,
        ge=0,
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
    poll_interval_min: int = Field(15, ge=1)
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
    search_timeout_s: float = Field(30.0, gt=0)
    search_bulk_size: int = Field(500, ge=1, le=10_000)
    index_prefix: str = Field("picket", pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=100)
    outbox_path: Path = Path("var/outbox.db")
    kibana_username: str | None = None
    kibana_password: SecretStr | None = None

    # Alerts: the ledger of what was sent, the .eml outbox used when no SMTP host is set,
    # how old a story may be and still be alerted, and where emails link to see the rest.
    alerts_db: Path = Path("var/alerts.db")
    alerts_outbox_dir: Path = Path("var/mail")
    alerts_max_age_days: int = Field(7, ge=1)
    kibana_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = Field(None, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(30.0, gt=0)
    mail_from: str = "picket <picket@localhost>"
    unsubscribe_url: str | None = None

    # Airflow: schedules (cron), sources per crawl task, and where tasks leave their batch
    # files for the next task (a local folder, or file://, s3://... shared by all workers).
    crawl_schedule: str = "*/15 * * * *"
    alerts_schedule: str = "0 * * * *"
    crawl_batch_size: int = Field(5, ge=1, le=500)
    batch_path: str = "var/batches"

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
    def _no_credentials_in_search_url(self) -> Settings:
        """Move a user name and password written into the search URL to their own settings.

        Messages and logs name the URL of an unreachable engine; kept there, the password
        would be printed with it. Explicit ``PICKET_SEARCH_USERNAME``/``_PASSWORD`` win.
        """
        parts = urlsplit(self.search_url)
        if parts.username is None and parts.password is None:
            return self
        if self.search_username is None and parts.username:
            self.search_username = unquote(parts.username)
        if self.search_password is None and parts.password is not None:
            self.search_password = SecretStr(unquote(parts.password))
        self.search_url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
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


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise ``SettingsError`` naming each bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"PICKET_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from exc
