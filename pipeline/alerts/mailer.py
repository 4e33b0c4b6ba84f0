"""The ``Mailer`` seam: build an alert email, then send it by SMTP or drop it in an outbox.

``build_message`` makes the bytes once (headers, plain text and HTML parts); the ledger
keeps them, and a mailer only ever sends stored bytes, so a retry repeats the very same
email. With no SMTP host configured, ``OutboxMailer`` writes ``.eml`` files named by
Message-ID to a folder, so writing one twice leaves one file.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import quote, urlencode, urlsplit

from pipeline.alerts.render import RenderedAlert
from pipeline.settings import Settings

log = logging.getLogger(__name__)

_MESSAGE_POLICY = policy.SMTP.clone(refold_source="none")
"""SMTP line endings; a header set raw (List-Unsubscribe) is written as given, never refolded
into encoded words that mail programs cannot read as a link."""
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"

Security = Literal["none", "starttls", "tls"]
DEFAULT_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "tls": 465}


class MailError(RuntimeError):
    """A send failed; ``permanent`` when the server refused the message for good (5xx)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Deliver one stored message; raise ``MailError`` if it was not accepted."""


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to hand emails to an SMTP server."""

    host: str
    port: int | None = None
    security: Security = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def smtp_config_from_settings(settings: Settings) -> SmtpConfig | None:
    """The SMTP server from ``PICKET_SMTP_*``, or None when no host is set."""
    if not settings.smtp_host:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username or None,
        password=password,
        timeout_s=settings.smtp_timeout_s,
    )


class SmtpMailer:
    """Sends through an SMTP server: plain, STARTTLS or implicit TLS, with optional login.

    A login over a plain connection is warned about once per mailer, that is once per
    alert run: the password crosses the network readable.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._warned_plain_login = False

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        try:
            with self._connect() as smtp:
                smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailError(
                f"recipient refused: {exc.recipients}", permanent=_all_permanent(codes)
            ) from exc
        except smtplib.SMTPDataError as exc:
            raise MailError(
                f"message refused: SMTP {exc.smtp_code} {exc.smtp_error!r}",
                permanent=_all_permanent([exc.smtp_code]),
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"cannot send through {self.config.host}:{self.config.effective_port}: {exc}"
            ) from exc

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        context = config.ssl_context or ssl.create_default_context()
        if config.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.effective_port, timeout=config.timeout_s, context=context
            )
        else:
            smtp = smtplib.SMTP(config.host, config.effective_port, timeout=config.timeout_s)
        try:
            if config.security == "starttls":
                smtp.starttls(context=context)
            if config.username:
                self._warn_plain_login()
                smtp.login(config.username, config.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _warn_plain_login(self) -> None:
        if self.config.security != "none" or self._warned_plain_login:
            return
        self._warned_plain_login = True
        log.warning(
            "logging in to %s:%s as %s without TLS (PICKET_SMTP_SECURITY=none): the password "
            "crosses the network as plain text; use starttls or tls",
            self.config.host,
            self.config.effective_port,
            self.config.username,
        )


class OutboxMailer:
    """Writes each message as ``<Message-ID>.eml`` in a folder, for when no SMTP is set up."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / outbox_name(message)
            partial = target.with_suffix(".part")
            partial.write_bytes(message)
            partial.replace(target)
        except OSError as exc:
            raise MailError(
                f"cannot write to the outbox PICKET_ALERTS_OUTBOX_DIR={self.folder}: {exc}"
            ) from exc


def open_mailer(settings: Settings) -> Mailer:
    """SMTP when ``PICKET_SMTP_HOST`` is set, else the ``.eml`` outbox folder."""
    config = smtp_config_from_settings(settings)
    return SmtpMailer(config) if config else OutboxMailer(settings.alerts_outbox_dir)


def build_message(
    rendered: RenderedAlert,
    *,
    sender: str,
    recipient: str,
    message_id: str,
    date: datetime,
    unsubscribe: str,
    watch_name: str,
) -> bytes:
    """The whole email as bytes: headers, a plain-text part and an HTML alternative."""
    message = EmailMessage(policy=_MESSAGE_POLICY)
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    # RFC 2369: one <URL> in plain ASCII; percent-encoded, it needs no folding or encoding
    message.set_raw("List-Unsubscribe", f"<{quote(unsubscribe, safe=_URL_SAFE)}>")
    message["Auto-Submitted"] = "auto-generated"
    message["X-Picket-Watch"] = watch_name
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return message.as_bytes()


def new_message_id(sender: str) -> str:
    """A fresh, globally unique Message-ID in the sender's domain."""
    address = parseaddr(sender)[1]
    return make_msgid(domain=address.rpartition("@")[2] or "picket.invalid")


def envelope_sender(sender: str) -> str:
    """The bare address of a ``Name <address>`` sender."""
    return parseaddr(sender)[1]


def unsubscribe_link(configured: str | None, sender: str, watch_name: str) -> str:
    """Where ``List-Unsubscribe`` points: the configured mailto:/https URL, or the sender."""
    target = configured or f"mailto:{envelope_sender(sender)}"
    if urlsplit(target).scheme == "mailto":
        if "?" in target:
            return target
        return f"{target}?subject={quote('unsubscribe ' + watch_name)}"
    joiner = "&" if urlsplit(target).query else "?"
    return f"{target}{joiner}{urlencode({'watch': watch_name})}"


def outbox_subjects(folder: Path) -> list[str]:
    """The subjects of the emails waiting in an outbox folder, in the order they were written."""
    files = sorted(Path(folder).glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [
        " ".join(
            str(message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]).split()
        )
        for path in files
    ]


def outbox_name(message: bytes) -> str:
    """The file name of a message in the outbox, from its Message-ID."""
    header = re.search(rb"^Message-ID:\s*<?([^>\r\n]+)>?", message, re.MULTILINE | re.IGNORECASE)
    raw = header[1].decode("ascii", "replace") if header else "message"
    return re.sub(r"[^A-Za-z0-9@._-]", "_", raw) + ".eml"


def _all_permanent(codes: list[int]) -> bool:
    return bool(codes) and all(500 <= code < 600 for code in codes)
