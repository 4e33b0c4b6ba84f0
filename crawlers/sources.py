"""Load and validate ``config/sources.yaml`` into ``Source`` records.

The file is edited by hand, so a mistake must point at itself: every problem is
reported with the file, the entry (its position and id) and the field, and
unknown keys and keys given twice are errors rather than silently ignored typos.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawlers.urls import display_url, is_fetchable_url
from pipeline.configfile import ConfigFileError, read_yaml
from pipeline.fieldrules import FieldRule
from pipeline.settings import ConfigError
from pipeline.source_records import SOURCE_KINDS, Politeness, Source

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class SourceConfigError(ConfigError):
    """``config/sources.yaml`` (or another sources file) has a wrong entry."""


def _url_is_http(value: str) -> str:
    if not is_fetchable_url(value):
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


def _urls_are_http(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("must list at least one URL")
    bad = [display_url(u) for u in value if not is_fetchable_url(u)]
    if bad:
        raise ValueError(f"must be absolute http:// or https:// URLs, not {bad}")
    return value


def _domains_are_hosts(value: list[str]) -> list[str]:
    bad = [d for d in value if not d or "/" in d or ":" in d]
    if bad:
        raise ValueError(f"must be bare host names like example.com, not {bad}")
    return [d.lower() for d in value]


_ENTRY: dict[str, FieldRule] = {
    "id": FieldRule(str, pattern=SLUG_PATTERN, max_length=64),
    "kind": FieldRule(str, choices=SOURCE_KINDS),
    "url": FieldRule(str, optional=True, check=_url_is_http),
    "urls": FieldRule(list, optional=True, check=_urls_are_http),
    "name": FieldRule(str),
    "enabled": FieldRule(bool),
    "politeness": FieldRule(dict),
    "max_depth": FieldRule(int, ge=0, le=10),
    "max_items": FieldRule(int, ge=1, le=10_000),
    "max_age_days": FieldRule(int, optional=True, ge=1),
    "allowed_domains": FieldRule(list, check=_domains_are_hosts),
}
"""The fields of one entry of the sources file; ``id`` and ``kind`` are required."""
_REQUIRED = ("id", "kind")
_POLITENESS: dict[str, FieldRule] = {
    "delay_s": FieldRule(float, optional=True, ge=0, le=300),
    "concurrency": FieldRule(int, optional=True, ge=1, le=32),
    "timeout_s": FieldRule(float, optional=True, gt=0, le=600),
    "max_bytes": FieldRule(int, optional=True, ge=10_000, le=100_000_000),
}


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
        record, wrong = _source(entry)
        if record is None:
            problems.extend(f"{where}: {problem}" for problem in wrong)
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


def _source(entry: dict[Any, Any]) -> tuple[Source | None, list[str]]:
    """The ``Source`` an entry describes, or None and what is wrong with its fields."""
    values, problems = _fields(entry, _ENTRY, prefix="")
    problems += [f"field {name}: Field required" for name in _REQUIRED if name not in entry]
    politeness = values.get("politeness", {})
    if isinstance(politeness, dict):
        values["politeness"], wrong = _fields(politeness, _POLITENESS, prefix="politeness.")
        problems += wrong
    if problems:
        return None, problems
    if (values.get("url") is None) == (values.get("urls") is None):
        return None, ["field url/urls: give exactly one of `url` (one URL) or `urls` (a list)"]
    url, urls = values.pop("url", None), values.pop("urls", None)
    values["urls"] = (url,) if url else tuple(urls)
    values["politeness"] = Politeness(**values.get("politeness", {}))
    values["allowed_domains"] = tuple(values.get("allowed_domains", ()))
    return Source(**values), []


def _fields(
    mapping: dict[Any, Any], rules: dict[str, FieldRule], *, prefix: str
) -> tuple[dict[str, Any], list[str]]:
    """The values of ``mapping`` read by ``rules``, and one problem per wrong or unknown key."""
    values, problems = {}, []
    for name, rule in rules.items():
        if name in mapping:
            try:
                values[name] = _checked(rule, mapping[name])
            except ValueError as exc:
                problems.append(f"field {prefix}{name}: {exc}")
    problems += [
        f"field {prefix}{_printable(key)}: unknown field (check the spelling)"
        for key in mapping
        if key not in rules
    ]
    return values, problems


def _checked(rule: FieldRule, raw: object) -> Any:
    """``raw`` read by ``rule``; a list must list text."""
    if raw is None and rule.optional:
        return None
    if rule.kind is list:
        if not isinstance(raw, list):
            raise ValueError("Input should be a valid list")
        if any(not isinstance(item, str) for item in raw):
            raise ValueError("Input should be a list of strings")
    if rule.kind is dict and not isinstance(raw, dict):
        raise ValueError("Input should be a valid dictionary")
    return rule.parse(raw)


def _printable(name: Any, limit: int = 60) -> str:
    """A key or id as it can be shown on one line: line breaks escaped, long ones cut."""
    text = str(name)
    if not text.isprintable():
        text = repr(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
