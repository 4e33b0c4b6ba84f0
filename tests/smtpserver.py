"""A real SMTP server (aiosmtpd) on 127.0.0.1 whose mailbox tests can read.

It can be stopped and started again on the same port, so a test can make picket meet a
server that refuses connections and then recovers; with ``tls_context`` and ``users`` it
offers STARTTLS and requires a login, like a real submission server; ``refused`` addresses
get a permanent 550.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from ssl import SSLContext

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True, slots=True)
class Delivered:
    """One email as the server received it."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


class _Mailbox:
    def __init__(self, refused: set[str]) -> None:
        self.delivered: list[Delivered] = []
        self.refused = refused
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.delivered.append(
                Delivered(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """Use as a context manager; read ``port`` and ``delivered``; ``stop()``/``start()``."""

    def __init__(
        self,
        *,
        tls_context: SSLContext | None = None,
        users: dict[str, str] | None = None,
        refused: set[str] | None = None,
        plain_login: bool = False,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.users = users or {}
        self.plain_login = plain_login  # offer AUTH without TLS, as a careless server does
        self._mailbox = _Mailbox(refused or set())
        self._tls_context = tls_context
        self._controller: Controller | None = None

    @property
    def delivered(self) -> list[Delivered]:
        with self._mailbox.lock:
            return list(self._mailbox.delivered)

    def start(self) -> None:
        options: dict[str, object] = {}
        if self._tls_context is not None:
            options.update(tls_context=self._tls_context, require_starttls=True)
        if self.users:
            options.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=not self.plain_login,
            )
        self._controller = Controller(
            self._mailbox, hostname=self.host, port=self.port, ready_timeout=10, **options
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Delivered]:
        """The mailbox once it holds at least ``count`` emails (or when time is up)."""
        deadline = time.monotonic() + timeout_s
        while len(self.delivered) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.delivered

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.users.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
