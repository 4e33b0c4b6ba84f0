"""picket's settings, read from ``PICKET_*`` environment variables and an optional ``.env``.

Validated once at start, so a wrong value stops the run with a message naming the
variable instead of failing somewhere deep in a crawl.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
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
    max_redirects: int = Field(5, ge=0, le=20)
    poll_interval_min: int = Field(15, ge=1)
    allow_private_addresses: bool = False

    relevance_threshold: float = Field(0.5, ge=0.0, le=1.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("contact_url")
    @classmethod
    def _contact_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "mailto:")):
            raise ValueError("must be an http(s) or mailto: URL people can reach you at")
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
