"""Load and validate ``config/sources.yaml`` into ``Source`` records.

The file is edited by hand, so a mistake must point at itself: every problem is
reported with the file, the entry (its position and id) and the field, and
unknown keys and keys given twice are errors rather than silently ignored typos.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawlers.urls import is_fetchable_url
from pipeline.configfile import ConfigFileError, read_yaml
from pipeline.records import Politeness, Source
from pipeline.settings import ConfigError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class SourceConfigError(ConfigError):
    """``config/sources.yaml`` (or another sources file) has a wrong entry."""


class _PolitenessModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delay_s: Annotated[float, Field(ge=0, le=300)] | None = None
    concurrency: Annotated[int, Field(ge=1, le=32)] | None = None
    timeout_s: Annotated[float, Field(gt=0, le=600)] | None = None
    max_bytes: Annotated[int, Field(ge=10_000, le=100_000_000)] | None = None


class _SourceModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64)]
    kind: Literal["feed", "sitemap", "site"]
    url: str | None = None
    urls: list[str] | None = None
    name: str = ""
    enabled: bool = True
    politeness: _PolitenessModel = Field(default_factory=_PolitenessModel)
    max_depth: Annotated[int, Field(ge=0, le=10)] = 2
    max_items: Annotated[int, Field(ge=1, le=10_000)] = 200
    max_age_days: Annotated[int, Field(ge=1)] | None = None
    allowed_domains: list[str] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str | None) -> str | None:
        if value is not None and not is_fetchable_url(value):
            raise ValueError("must be an absolute http:// or https:// URL")
        return value

    @field_validator("urls")
    @classmethod
    def _urls_are_http(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("must list at least one URL")
            bad = [u for u in value if not is_fetchable_url(u)]
            if bad:
                raise ValueError(f"must be absolute http:// or https:// URLs, not {bad}")
        return value

    @field_validator("allowed_domains")
    @classmethod
    def _domains_are_hosts(cls, value: list[str]) -> list[str]:
        bad = [d for d in value if not d or "/" in d or ":" in d]
        if bad:
            raise ValueError(f"must be bare host names like example.com, not {bad}")
        return [d.lower() for d in value]

    @model_validator(mode="after")
    def _one_url_field(self) -> _SourceModel:
        if (self.url is None) == (self.urls is None):
            raise ValueError("give exactly one of `url` (one URL) or `urls` (a list)")
        return self

    def to_record(self) -> Source:
        return Source(
            id=self.id,
            kind=self.kind,
            urls=(self.url,) if self.url else tuple(self.urls or ()),
            name=self.name,
            enabled=self.enabled,
            politeness=Politeness(**self.politeness.model_dump()),
            max_depth=self.max_depth,
            max_items=self.max_items,
            max_age_days=self.max_age_days,
            allowed_domains=tuple(self.allowed_domains),
        )


def load_sources(path: Path | str) -> list[Source]:
    """Read every source (enabled or not) from ``path``; raise ``SourceConfigError`` on mistakes."""
    path = Path(path)
    try:
        document = read_yaml(path)
    except ConfigFileError as exc:
        raise SourceConfigError(str(exc)) from exc
    return parse_sources(document, origin=str(path))


def parse_sources(document: Any, *, origin: str) -> list[Source]:
    """Validate an already-loaded sources document; ``origin`` names it in errors."""
    if not isinstance(document, dict) or set(document) != {"sources"}:
        raise SourceConfigError(f"{origin}: expected a mapping with one key, `sources:`")
    entries = document["sources"]
    if not isinstance(entries, list):
        raise SourceConfigError(f"{origin}: `sources:` must be a list of entries")

    problems: list[str] = []
    records: list[Source] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = _describe_entry(origin, index, entry)
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping of fields")
            continue
        try:
            record = _SourceModel.model_validate(entry).to_record()
        except ValidationError as exc:
            problems.extend(f"{where}: {_field_problem(err)}" for err in exc.errors())
            continue
        if record.id in seen:
            problems.append(f"{where}: field id: duplicates sources[{seen[record.id]}]")
            continue
        seen[record.id] = index
        records.append(record)
    if len(problems) == 1:
        raise SourceConfigError(problems[0])
    if problems:
        raise SourceConfigError(f"{len(problems)} invalid sources:\n  " + "\n  ".join(problems))
    return records


def _describe_entry(origin: str, index: int, entry: Any) -> str:
    entry_id = entry.get("id") if isinstance(entry, dict) else None
    return f"{origin}: sources[{index}]" + (
        f" (id {_printable(repr(entry_id))})" if entry_id else ""
    )


def _field_problem(error: Any) -> str:
    # The only whole-entry check is the url/urls choice, so an empty location means that.
    location = ".".join(_printable(part) for part in error["loc"]) or "url/urls"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field (check the spelling)"
    return f"field {location}: {message}"


def _printable(name: Any, limit: int = 60) -> str:
    """A key or id as it can be shown on one line: line breaks escaped, long ones cut."""
    text = str(name)
    if not text.isprintable():
        text = repr(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
