"""picket's settings, read from ``PICKET_*`` environment variables and an optional ``.env``.

Validated once at start, so a wrong value stops the run with a message naming the
variable instead of failing somewhere deep in a crawl. ``Settings`` is a frozen record;
this module's own small loader reads and checks it (explicit values win over the
environment, which wins over ``.env``, which wins over the defaults), without a
validation library, so every ``picket`` command starts at once. Annotations here are
evaluated as the module runs (no ``from __future__ import annotations``): each setting's rule
is read from its annotation object, without evaluating text at every start.
"""

import os
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from pipeline.fieldrules import FieldRule, OutOfRange


class ConfigError(ValueError):
    """A setting or a configuration file is wrong; the message names it and says why."""


class SettingsError(ConfigError):
    """A ``PICKET_*`` setting has a wrong value, or its path cannot be used."""


ENV_FILE = ".env"
"""The file of ``KEY=value`` lines read from the working directory, under the environment."""

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

_CONTROL_CHARACTER = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"


class Secret:
    """A password or key: its value only through ``get_secret_value()``, masked when shown."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __repr__(self) -> str:
        return f"Secret('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


# --- checks of single settings, beyond their type ---------------------------------------


def _contact_is_http(value: str) -> str:
    if not value.startswith(("http://", "https://", "mailto:")):
        raise ValueError("must be an http(s) or mailto: URL people can reach you at")
    return value


def _google_news_is_http(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be the http(s) URL of Google News")
    return value.rstrip("/")


def _search_is_http(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be the http(s) URL of the Elasticsearch or OpenSearch cluster")
    return value.rstrip("/")


def _unsubscribe_link(value: str) -> str | None:
    if value and not value.startswith(("http://", "https://", "mailto:")):
        raise ValueError("must be an http(s) or mailto: URL")
    return value or None


def _kibana_is_http(value: str) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must be the http(s) URL of Kibana")
    return value or None


def _sender_has_address(value: str) -> str:
    from email.utils import parseaddr

    if "@" not in parseaddr(value)[1]:
        raise ValueError("must be an address like 'picket <alerts@example.org>'")
    return value


def _setting(
    default: Any,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    pattern: str | None = None,
    max_length: int | None = None,
    check: Callable[[Any], Any] | None = None,
) -> Any:
    """A field of ``Settings`` with the rule its value is checked by (see ``FieldRule``)."""
    rule = {"ge": ge, "gt": gt, "le": le, "pattern": pattern, "max_length": max_length}
    return field(default=default, metadata={**rule, "check": check})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything an operator can set; the defaults run the embedded SQLite setup.

    ``Settings()`` is the defaults; ``load_settings`` reads and checks the operator's.
    """

    store: Literal["sqlite", "elasticsearch", "opensearch"] = "sqlite"
    db_path: Path = Path("var/picket.db")
    sources_file: Path = Path("config/sources.yaml")
    watches_file: Path = Path("config/watches.yaml")
    work_dir: Path = Path("var/work")

    contact_url: str = _setting(
        "https://github.com/picket-news/picket/blob/main/README.md#crawler",
        check=_contact_is_http,
    )
    user_agent: str = ""
    download_delay_s: float = _setting(1.0, ge=0, le=300)
    concurrency_per_domain: int = _setting(2, ge=1, le=32)
    concurrency_total: int = _setting(16, ge=1, le=256)
    timeout_s: float = _setting(20.0, gt=0, le=600)
    max_bytes: int = _setting(5_000_000, ge=10_000, le=100_000_000)
    retries: int = _setting(3, ge=0, le=10)
    max_retry_after_s: float = _setting(120.0, ge=0, le=3600)
    retry_max_wait_s: float = _setting(2.0, ge=0, le=600)
    """The most one request spends waiting on its retries within one crawl: back-off
    pauses, Retry-After pauses and attempts that timed out. A retry that would pass it is
    not made; the next poll asks again, so one failing feed cannot hold a pass."""
    max_redirects: int = _setting(5, ge=0, le=20)
    crawl_time_budget_s: float = _setting(1800.0, gt=0, le=86_400)
    """The longest one crawler may run (a source, or the batch of feeds polled together):
    past it, the crawler stops, keeps what it fetched and notes why in source health."""
    poll_interval_min: int = _setting(15, ge=1, le=10_080)
    google_news_url: str = _setting("https://news.google.com", check=_google_news_is_http)
    """Where Google News is: its article links are resolved to the publisher's."""
    allow_private_addresses: bool = False

    relevance_threshold: float = _setting(0.5, ge=0.0, le=1.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Search engine stores (PICKET_STORE=elasticsearch|opensearch): where the cluster is, how
    # to sign in (basic auth, or an API key on Elasticsearch), TLS, the index name prefix,
    # and the local outbox where writes wait while the engine cannot be reached.
    search_url: str = _setting("http://localhost:9200", check=_search_is_http)
    search_username: str | None = None
    search_password: Secret | None = None
    search_api_key: Secret | None = None
    search_verify_certs: bool = True
    search_ca_certs: Path | None = None
    search_timeout_s: float = _setting(30.0, gt=0, le=600)
    search_bulk_size: int = _setting(500, ge=1, le=10_000)
    index_prefix: str = _setting("picket", pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=100)
    outbox_path: Path = Path("var/outbox.db")
    kibana_username: str | None = None
    kibana_password: Secret | None = None

    # Alerts: the ledger of what was sent, the .eml outbox used when no SMTP host is set,
    # how old a story may be and still be alerted, and where emails link to see the rest.
    alerts_db: Path = Path("var/alerts.db")
    alerts_outbox_dir: Path = Path("var/mail")
    alerts_max_age_days: int = _setting(7, ge=1, le=36_500)
    kibana_url: str | None = _setting(None, check=_kibana_is_http)
    smtp_host: str | None = None
    smtp_port: int | None = _setting(None, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: Secret | None = None
    smtp_timeout_s: float = _setting(30.0, gt=0, le=600)
    mail_from: str = _setting("picket <picket@localhost>", check=_sender_has_address)
    unsubscribe_url: str | None = _setting(None, check=_unsubscribe_link)

    # Airflow: schedules (cron), sources per crawl task, and where tasks leave their batch
    # files for the next task (a local folder, or file://, s3://... shared by all workers).
    crawl_schedule: str = "*/15 * * * *"
    alerts_schedule: str = "0 * * * *"
    crawl_batch_size: int = _setting(5, ge=1, le=500)
    batch_path: str = "var/batches"

    explicitly_set: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """The settings given by the caller, the environment or ``.env`` rather than left at
    their defaults (a configured watches file that is missing is an error, the default not)."""

    @property
    def effective_user_agent(self) -> str:
        """The User-Agent sent with every request: names picket and how to reach its operator."""
        from pipeline import __version__

        return self.user_agent or f"picket/{__version__} (+{self.contact_url})"


def _setting_fields() -> dict[str, FieldRule]:
    """Each setting's rule: its type as annotated (``Literal`` gives choices, ``| None``
    makes it optional) and the bounds and check its field carries."""
    found = {}
    for spec in fields(Settings):
        if spec.name == "explicitly_set":
            continue
        hint = spec.type
        if typing.get_origin(hint) is Literal:
            found[spec.name] = FieldRule(str, choices=typing.get_args(hint), **spec.metadata)
            continue
        kinds = typing.get_args(hint) or (hint,)
        (kind,) = (k for k in kinds if k is not type(None))
        found[spec.name] = FieldRule(kind, optional=type(None) in kinds, **spec.metadata)
    return found


SETTING_FIELDS: dict[str, FieldRule] = _setting_fields()
"""Every setting by field name, in the order of ``Settings``."""


# --- reading and validating --------------------------------------------------------------


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise ``SettingsError`` naming each bad variable.

    ``overrides`` (by field name) win over ``PICKET_*`` environment variables (their names
    in any case), which win over the ``.env`` file in the working directory.
    """
    given = {
        **_picket_values(_dotenv_file(Path(ENV_FILE))),
        **_picket_values(os.environ),
        **{name: value for name, value in overrides.items() if name in SETTING_FIELDS},
    }
    return _validated(Settings(), given)


def updated_settings(settings: Settings, **changes: object) -> Settings:
    """``settings`` with ``changes``, validated as if they had been set."""
    return _validated(settings, changes)


def settings_json(settings: Settings) -> dict[str, Any]:
    """The settings as JSON values, for a crawl job's file: paths as text, and secrets left
    out (None), so no password is written to disk."""
    return {name: _json_value(getattr(settings, name)) for name in SETTING_FIELDS}


def _json_value(value: object) -> object:
    if isinstance(value, Secret):
        return None
    return str(value) if isinstance(value, Path) else value


def settings_from_json(data: Mapping[str, Any]) -> Settings:
    """The settings ``settings_json`` wrote, validated again."""
    return _validated(Settings(), data)


def _validated(settings: Settings, given: Mapping[str, object]) -> Settings:
    """``settings`` with the ``given`` values parsed and checked; the credentials written
    into the search engine's or Kibana's URL moved to their own settings."""
    values, problems = {}, []
    for name, rule in SETTING_FIELDS.items():
        if name not in given:
            continue
        raw, variable = given[name], f"PICKET_{name.upper()}"
        if isinstance(raw, str) and (found := _control_character(raw)):
            # Several settings end up in headers (the sender, List-Unsubscribe, the
            # User-Agent and its contact URL, basic auth): a line break there would fail
            # the first email or request after the crawl, or inject a header.
            problems.append(
                f"{variable}: must not contain control characters such as line breaks "
                f"(found {found[0]!r} at position {found.start()})"
            )
            continue
        try:
            values[name] = rule.parse(raw)
        except OutOfRange:
            problems.append(f"{variable}: must be {rule.bounds}, not {str(raw)[:40]!r}")
        except ValueError as exc:
            problems.append(f"{variable}: {exc}")
    if problems:
        raise SettingsError(f"invalid settings: {'; '.join(problems)}")
    settings = replace(settings, **values, explicitly_set=settings.explicitly_set | set(values))
    return _without_url_credentials(settings)


def _control_character(text: str) -> re.Match[str] | None:
    """The first control character or line separator in ``text``, if any. Printable text has
    none, so the pattern is compiled (once, by ``re``) only for text that is not."""
    return None if text.isprintable() else re.search(_CONTROL_CHARACTER, text)


def _without_url_credentials(settings: Settings) -> Settings:
    """Move a user name and password written into the search or Kibana URL to their own
    settings.

    Messages and logs name the URL of an unreachable engine, and emails link to Kibana;
    kept there, the password would be shown with them. Explicit
    ``PICKET_SEARCH_USERNAME``/``_PASSWORD`` (and ``PICKET_KIBANA_...``) win.
    """
    moved: dict[str, Any] = {}
    for service in ("search", "kibana"):
        url, username, password = split_credentials(getattr(settings, f"{service}_url") or "")
        if url != (getattr(settings, f"{service}_url") or ""):
            moved[f"{service}_url"] = url
        if getattr(settings, f"{service}_username") is None and username:
            moved[f"{service}_username"] = username
        if getattr(settings, f"{service}_password") is None and password is not None:
            moved[f"{service}_password"] = Secret(password)
    return replace(settings, **moved) if moved else settings


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without the user name and password written into it, and those two.

    The search engine's and Kibana's URLs go through here before they are used, printed
    or logged; their credentials are sent as authentication, never as part of the URL.
    """
    if "@" not in url:  # nothing to take out (and no need to parse)
        return url, None, None
    from urllib.parse import unquote, urlsplit, urlunsplit

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


def _picket_values(variables: Mapping[str, str]) -> dict[str, str]:
    """The ``PICKET_*`` variables among ``variables`` that name a setting, by field name."""
    found = {}
    for variable, value in variables.items():
        name = variable.lower().removeprefix("picket_")
        if name != variable.lower() and name in SETTING_FIELDS:
            found[name] = value
    return found


# --- the .env file ----------------------------------------------------------------------


def _dotenv_file(path: Path) -> dict[str, str]:
    """The variables of the ``.env`` file at ``path`` (none if there is no such file)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path.absolute()}: {not_utf8(exc)}") from None
    from pipeline.dotenv import dotenv_values  # its patterns compile only for a .env file

    return dotenv_values(text)


def not_utf8(exc: UnicodeDecodeError) -> str:
    """Where text that should be UTF-8 is not: the offset and line of its first bad byte."""
    line = exc.object.count(b"\n", 0, exc.start) + 1
    return (
        f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start} "
        f"(line {line}) cannot be decoded; save the file as UTF-8"
    )


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
