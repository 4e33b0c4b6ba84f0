"""Watches: saved queries with recipients and a delivery mode, read from ``config/watches.yaml``.

Each entry is checked on its own; a wrong one (bad query, unknown field or key, bad
address, unknown time zone) becomes a ``WatchProblem`` naming the file, the watch and the
reason, and the other watches keep working. A file named by ``PICKET_WATCHES_FILE`` must
exist; the default one may be missing, which means no watches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.alerts.schedule import DELIVERIES, WEEKDAYS, DigestSchedule
from pipeline.configfile import ConfigFileError, read_yaml
from pipeline.query import Node, QuerySyntaxError, parse_query
from pipeline.settings import ConfigError, Settings
from pipeline.understand.gazetteer import with_brands

if TYPE_CHECKING:  # annotations only: listing watches reads no story
    from pipeline.records import Story

Delivery = Literal["instant", "hourly", "daily", "weekly"]
FILTER_LISTS: tuple[str, ...] = ("companies", "actions", "struggles", "tags", "outlets")
WATCH_KEYS = frozenset(
    {
        "name",
        "query",
        "recipients",
        "delivery",
        "at",
        "weekday",
        "timezone",
        "max_stories",
        "filters",
        "more_coverage",
        "include_old",
        "max_age_days",
        "enabled",
        "created",
    }
)
FILTER_KEYS = frozenset({*FILTER_LISTS, "min_score", "relevant_only"})
MAX_STORIES_LIMIT = 200

_NAME = re.compile(r"^\w[\w .-]{0,79}$")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")


class WatchError(ConfigError):
    """One watch entry is wrong; the message says why."""


class WatchesFileMissing(ValueError):
    """``PICKET_WATCHES_FILE`` names a file that does not exist: no watch could alert."""


@dataclass(frozen=True, slots=True)
class WatchProblem:
    """A watch (or the whole file) that cannot be used, and why."""

    file: Path
    watch: str | None
    reason: str

    def __str__(self) -> str:
        where = f"watch {self.watch!r}" if self.watch else "file"
        return f"{self.file}: {where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class WatchFilters:
    """Conditions on a story's understanding besides the query; lists match any value, and
    a company the brands it owns."""

    companies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    struggles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    min_score: float | None = None
    relevant_only: bool = True

    def accepts(self, story: Story) -> bool:
        if self.relevant_only and not story.relevance.label:
            return False
        if self.min_score is not None and story.relevance.score < self.min_score:
            return False
        wanted_and_found = (
            (with_brands(self.companies), story.tags.companies),
            (self.actions, story.tags.actions),
            (self.struggles, story.tags.struggles),
            (self.tags, story.tags.tags),
            (self.outlets, (story.outlet, story.domain, story.source_id)),
        )
        return all(
            not wanted or _folded(wanted) & _folded(found) for wanted, found in wanted_and_found
        )


@dataclass(frozen=True, slots=True)
class Watch:
    """A saved query: what to look for, who to tell, and how often."""

    name: str
    query: str
    ast: Node
    recipients: tuple[str, ...] = ()
    delivery: Delivery = "instant"
    schedule: DigestSchedule | None = None
    timezone: str = "UTC"
    max_stories: int = 10
    filters: WatchFilters = field(default_factory=WatchFilters)
    more_coverage: bool = False
    include_old: bool = False
    max_age_days: int | None = None
    enabled: bool = True
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class WatchSet:
    """The usable watches of a file and the problems with the others."""

    watches: tuple[Watch, ...] = ()
    problems: tuple[WatchProblem, ...] = ()

    def get(self, name: str) -> Watch | None:
        return next((w for w in self.watches if w.name == name), None)


def configured_watches(settings: Settings) -> WatchSet:
    """The watches of the configured file; raises ``WatchesFileMissing`` when
    ``PICKET_WATCHES_FILE`` was set to a file that does not exist."""
    path = Path(settings.watches_file)
    if "watches_file" in settings.explicitly_set and not path.exists():
        raise WatchesFileMissing(
            f"PICKET_WATCHES_FILE: {path} does not exist, so no watch can alert "
            "(fix the path, or create the file with 'picket watches add')"
        )
    return load_watches(path)


def missing_file_hint(path: Path) -> str | None:
    """What to say when the default watches file is absent (None when it is there)."""
    if Path(path).exists():
        return None
    return (
        f"no watches file at {path}: 'picket watches add' creates it, "
        "PICKET_WATCHES_FILE names another"
    )


def load_watches(path: Path) -> WatchSet:
    """Every usable watch in ``path``; a missing file means no watches."""
    path = Path(path)
    if not path.exists():
        return WatchSet()
    try:
        document = read_yaml(path)
    except ConfigFileError as exc:
        return WatchSet(problems=(WatchProblem(path, None, f"cannot be read: {exc.reason}"),))
    return parse_watches(document, path)


def parse_watches(document: Any, path: Path) -> WatchSet:
    """The watches of a parsed ``watches.yaml`` document."""
    if document is None:
        return WatchSet()
    if not isinstance(document, Mapping) or set(document) - {"watches"}:
        return WatchSet(
            problems=(WatchProblem(path, None, "must be a mapping with one key, 'watches'"),)
        )
    entries = document.get("watches") or []
    if not isinstance(entries, list):
        return WatchSet(problems=(WatchProblem(path, None, "'watches' must be a list"),))
    watches: list[Watch] = []
    problems: list[WatchProblem] = []
    for number, entry in enumerate(entries, start=1):
        label = _label(entry, number)
        try:
            watch = require_recipients(parse_watch(entry))
            if any(w.name == watch.name for w in watches):
                raise WatchError("another watch has the same name")
        except WatchError as exc:
            problems.append(WatchProblem(path, label, str(exc)))
            continue
        watches.append(watch)
    return WatchSet(tuple(watches), tuple(problems))


def parse_watch(entry: Any) -> Watch:
    """One watch from its YAML mapping; raises ``WatchError`` with the reason."""
    if not isinstance(entry, Mapping):
        raise WatchError("must be a mapping of keys like name, query, recipients")
    unknown = set(entry) - WATCH_KEYS
    if unknown:
        raise WatchError(f"unknown key(s) {', '.join(sorted(map(repr, map(str, unknown))))}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise WatchError("'name' must be 1-80 letters, digits, spaces, '.', '_' or '-'")
    query = entry.get("query")
    if not isinstance(query, str):
        raise WatchError("'query' is required and must be text")
    try:
        ast = parse_query(query)
    except QuerySyntaxError as exc:
        raise WatchError(f"bad query: {exc}") from exc
    delivery = entry.get("delivery", "instant")
    if delivery not in DELIVERIES:
        raise WatchError(f"'delivery' must be one of {', '.join(DELIVERIES)}")
    timezone = _timezone(entry.get("timezone", "UTC"))
    return Watch(
        name=name,
        query=query,
        ast=ast,
        recipients=_recipients(entry.get("recipients", [])),
        delivery=delivery,
        schedule=None if delivery == "instant" else _schedule(entry, delivery, timezone),
        timezone=timezone,
        max_stories=_int(entry, "max_stories", 10, 1, MAX_STORIES_LIMIT),
        filters=_filters(entry.get("filters") or {}),
        more_coverage=_bool(entry, "more_coverage", False),
        include_old=_bool(entry, "include_old", False),
        max_age_days=_int(entry, "max_age_days", None, 1, 36500),
        enabled=_bool(entry, "enabled", True),
        created=_created(entry.get("created")),
    )


def require_recipients(watch: Watch) -> Watch:
    """``watch`` if it has someone to mail; a watch without recipients would never send."""
    if not watch.recipients:
        raise WatchError(
            "'recipients' must list at least one email address, or the watch never mails"
        )
    return watch


def watch_entry(watch: Watch) -> dict[str, Any]:
    """The YAML mapping of a watch, with only the keys that differ from the defaults."""
    entry: dict[str, Any] = {"name": watch.name, "query": watch.query}
    entry["recipients"] = list(watch.recipients)
    entry["delivery"] = watch.delivery
    if watch.schedule is not None:
        entry["at"] = f"{watch.schedule.at:%H:%M}"
        if watch.schedule.every == "weekly":
            entry["weekday"] = WEEKDAYS[watch.schedule.weekday]
    if watch.timezone != "UTC":
        entry["timezone"] = watch.timezone
    if watch.max_stories != 10:
        entry["max_stories"] = watch.max_stories
    filters = {
        key: list(getattr(watch.filters, key))
        for key in FILTER_LISTS
        if getattr(watch.filters, key)
    }
    if watch.filters.min_score is not None:
        filters["min_score"] = watch.filters.min_score
    if not watch.filters.relevant_only:
        filters["relevant_only"] = False
    if filters:
        entry["filters"] = filters
    for key, default in (("more_coverage", False), ("include_old", False), ("enabled", True)):
        if getattr(watch, key) != default:
            entry[key] = getattr(watch, key)
    if watch.max_age_days is not None:
        entry["max_age_days"] = watch.max_age_days
    if watch.created is not None:
        entry["created"] = watch.created.isoformat(timespec="seconds")
    return entry


# --- field checks -----------------------------------------------------------------


def _label(entry: Any, number: int) -> str:
    name = entry.get("name") if isinstance(entry, Mapping) else None
    return name if isinstance(name, str) and name else f"#{number}"


def _folded(values: Sequence[str]) -> set[str]:
    return {v.casefold() for v in values if v}


def _strings(value: Any, key: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise WatchError(f"'{key}' must be a list of text values")
    return tuple(v.strip() for v in values)


def _recipients(value: Any) -> tuple[str, ...]:
    recipients = _strings(value, "recipients")
    for address in recipients:
        if not _ADDRESS.match(address):
            raise WatchError(f"{address!r} is not an email address")
    return recipients


def _timezone(value: Any) -> str:
    if not isinstance(value, str):
        raise WatchError("'timezone' must be a time zone name like Europe/Berlin")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only watches with a time zone

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise WatchError(f"unknown time zone {value!r}") from exc
    return value


def _time_of_day(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = divmod(value, 60)  # YAML 1.1 reads an unquoted 10:30 as 630
    else:
        found = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
        if not found:
            raise WatchError(f"'at' must be a time of day like \"08:00\", not {value!r}")
        hours, minutes = int(found[1]), int(found[2])
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise WatchError(f"'at' must be a time of day like \"08:00\", not {value!r}")
    return time(hours, minutes)


def _schedule(entry: Mapping[str, Any], every: str, timezone: str) -> DigestSchedule:
    weekday = str(entry.get("weekday", "monday")).strip().lower()
    if weekday not in WEEKDAYS:
        raise WatchError(f"'weekday' must be one of {', '.join(WEEKDAYS)}")
    return DigestSchedule(
        every=every,  # type: ignore[arg-type]
        at=_time_of_day(entry.get("at", "08:00")),
        timezone=timezone,
        weekday=WEEKDAYS.index(weekday),
    )


def _filters(value: Any) -> WatchFilters:
    if not isinstance(value, Mapping):
        raise WatchError("'filters' must be a mapping")
    unknown = set(value) - FILTER_KEYS
    if unknown:
        raise WatchError(
            f"unknown filter(s) {', '.join(sorted(map(str, unknown)))} "
            f"(known: {', '.join(sorted(FILTER_KEYS))})"
        )
    min_score = value.get("min_score")
    if min_score is not None and (
        isinstance(min_score, bool)
        or not isinstance(min_score, int | float)
        or not 0 <= min_score <= 1
    ):
        raise WatchError("'min_score' must be a number from 0 to 1")
    return WatchFilters(
        **{key: _strings(value[key], key) for key in FILTER_LISTS if key in value},
        min_score=None if min_score is None else float(min_score),
        relevant_only=_bool(value, "relevant_only", True),
    )


def _bool(entry: Mapping[str, Any], key: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise WatchError(f"'{key}' must be true or false")
    return value


def _int(entry: Mapping[str, Any], key: str, default: int | None, low: int, high: int):
    value = entry.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WatchError(f"'{key}' must be a whole number from {low} to {high}")
    return value


def _created(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise WatchError(f"'created' must be a date or time, not {value!r}") from exc
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    if not isinstance(value, datetime):
        raise WatchError("'created' must be a date or time")
    return value if value.tzinfo else value.replace(tzinfo=UTC)
