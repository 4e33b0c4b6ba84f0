"""A real HTTP server on 127.0.0.1 for crawler tests: a folder of files plus scripted behaviours.

Files are served like a well-behaved web server would: a content type from the
extension, ``ETag`` and ``Last-Modified`` headers, ``304 Not Modified`` when the
request's ``If-None-Match`` or ``If-Modified-Since`` matches, index.html for
directories, and the text ``__BASE__`` replaced by the server's base URL (so
fixture feeds and sitemaps can hold absolute links). Any path can instead be
given a scripted behaviour::

    server.route("/feed.xml", Redirect("/feeds/rss.xml"))
    server.route("/articles/a.html", Status(404))
    server.route("/articles/b.html", FailFirst(1, status=500))          # 500, then the file
    server.route("/articles/c.html", FailFirst(1, status=429, headers={"Retry-After": "1"}))
    server.route("/articles/d.html", Slow(3.0))
    server.route("/articles/e.html", Gzip())
    server.route("/articles/f.html", Static(content_type="text/html; charset=iso-8859-1"))
    server.route("/articles/g.html", Oversized(200_000))
    server.route("/robots.txt", Text("User-agent: *\\nDisallow: /private/\\n", "text/plain"))
    server.route("/feeds/rss.xml", NeedsToken("token", "t0k3n"))                 # 403 without it
    server.require_basic_auth("reader", "s3cret")                             # 401 on every path

Every request is recorded (``server.requests``, POST bodies included) so tests can check
what a crawler sent, such as conditional-GET headers or when a retry came.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import mimetypes
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urljoin, urlsplit

FIXTURE_SITE = Path(__file__).parent / "data" / "site"
"""The saved pages and feeds the local servers of the tests serve."""
TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".txt", ".json", ".rss", ".atom"})
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it; ``hit`` counts requests for the same path, from 1."""

    method: str
    path: str
    headers: dict[str, str]
    at: float
    hit: int
    body: bytes = b""
    query: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay_s: float = 0.0
    declare_length: bool = True


class Behaviour(Protocol):
    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply: ...


@dataclass(frozen=True)
class Static:
    """The file at ``path`` (default: the requested path), with validators and 304s."""

    path: str | None = None
    content_type: str | None = None

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        file = server.file_for(self.path or request.path)
        if file is None:
            return Status(404).respond(request, server)
        body = file.read_bytes()
        if file.suffix in TEXT_SUFFIXES:
            body = body.replace(b"__BASE__", server.base_url.encode())
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        modified = file.stat().st_mtime
        headers = {
            "Content-Type": self.content_type or _content_type(file),
            "ETag": etag,
            "Last-Modified": formatdate(modified, usegmt=True),
        }
        if _not_modified(request.headers, etag=etag, modified=modified):
            return Reply(304, headers)
        return Reply(200, headers, body)


@dataclass(frozen=True)
class Text:
    """A fixed body."""

    body: str | bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        body = self.body.encode() if isinstance(self.body, str) else self.body
        body = body.replace(b"__BASE__", server.base_url.encode())
        return Reply(self.status, {"Content-Type": self.content_type}, body)


@dataclass(frozen=True)
class Redirect:
    """A redirect to ``location`` (a path on this server or an absolute URL)."""

    location: str
    status: int = 302

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        return Reply(self.status, {"Location": urljoin(server.base_url + "/", self.location)})


@dataclass(frozen=True)
class Status:
    """An error page with the given status."""

    code: int

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        body = f"<html><body><h1>{self.code}</h1></body></html>".encode()
        return Reply(self.code, {"Content-Type": "text/html; charset=utf-8"}, body)


@dataclass(frozen=True)
class FailFirst:
    """``times`` failures with ``status`` (and ``headers``, e.g. Retry-After), then ``then``."""

    times: int
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    then: Behaviour = field(default_factory=Static)

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        if request.hit <= self.times:
            failure = Status(self.status).respond(request, server)
            return Reply(failure.status, {**failure.headers, **self.headers}, failure.body)
        return self.then.respond(request, server)


@dataclass(frozen=True)
class NeedsToken:
    """``then``'s reply when the query string has ``name=value``, else 403."""

    name: str
    value: str
    then: Behaviour = field(default_factory=Static)

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        if parse_qs(request.query).get(self.name) != [self.value]:
            return Status(403).respond(request, server)
        return self.then.respond(request, server)


@dataclass(frozen=True)
class Slow:
    """``then``'s reply, sent after ``delay_s`` seconds."""

    delay_s: float
    then: Behaviour = field(default_factory=Static)

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        reply = self.then.respond(request, server)
        return dataclasses.replace(reply, delay_s=self.delay_s)


@dataclass(frozen=True)
class Gzip:
    """``then``'s reply, gzip-compressed with ``Content-Encoding: gzip``."""

    then: Behaviour = field(default_factory=Static)

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        reply = self.then.respond(request, server)
        if not reply.body:
            return reply
        headers = {**reply.headers, "Content-Encoding": "gzip"}
        return dataclasses.replace(reply, headers=headers, body=gzip.compress(reply.body))


@dataclass(frozen=True)
class Oversized:
    """An HTML page of ``size`` bytes; ``declare_length=False`` leaves out Content-Length."""

    size: int
    declare_length: bool = True

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        head = b"<html><body><p>"
        body = head + b"x" * max(0, self.size - len(head))
        headers = {"Content-Type": "text/html; charset=utf-8"}
        return Reply(200, headers, body, declare_length=self.declare_length)


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 at a free port; use it as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[RecordedRequest] = []
        self.authorization: str | None = None
        self._hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, behaviour: Behaviour) -> None:
        self.routes[path] = behaviour

    def require_basic_auth(self, username: str, password: str) -> None:
        """Answer 401 to every request without this user name and password."""
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.authorization = f"Basic {token}"

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def file_for(self, path: str) -> Path | None:
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_file() or not candidate.is_relative_to(self.root):
            return None
        return candidate

    def record(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b"", query: str = ""
    ) -> RecordedRequest:
        with self._lock:
            self._hits[path] += 1
            request = RecordedRequest(
                method, path, headers, time.monotonic(), self._hits[path], body, query
            )
            self.requests.append(request)
        return request

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.serve()

        def do_POST(self) -> None:
            self.serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def serve(self, body: bytes = b"") -> None:
            url = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = server.record(self.command, url.path, headers, body, url.query)
            if server.authorization and headers.get("authorization") != server.authorization:
                reply = Reply(401, {"WWW-Authenticate": 'Basic realm="picket tests"'})
            else:
                reply = server.routes.get(url.path, Static()).respond(request, server)
            time.sleep(reply.delay_s)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.declare_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to do

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    return Handler


def _content_type(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "text/plain"


def _not_modified(headers: dict[str, str], *, etag: str, modified: float) -> bool:
    if "if-none-match" in headers:
        return etag in (tag.strip() for tag in headers["if-none-match"].split(","))
    since = headers.get("if-modified-since")
    if not since:
        return False
    try:
        return int(modified) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False
