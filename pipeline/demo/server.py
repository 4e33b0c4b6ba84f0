"""Serve the bundled demo news site on 127.0.0.1, so the demo crawls something real.

The site's files say ``__BASE__`` wherever an absolute URL belongs; the server writes the
address it actually listens on in its place, so feeds, sitemaps and canonical links work
on whatever free port it got.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import threading
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

BASE_PLACEHOLDER = b"__BASE__"
TEXT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8"}


def demo_site_root() -> Path:
    """The folder of the demo site inside the installed package."""
    return Path(str(resources.files("pipeline.demo") / "site"))


class DemoSite:
    """A running demo server; use as a context manager, read ``base_url``.

    It answers conditional GETs (ETag) like a real news site, so a second run costs a 304.
    """

    def __init__(self, root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = (root or demo_site_root()).resolve()
        handler = type("DemoHandler", (_DemoHandler,), {"site": self})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> DemoSite:
        self._thread.start()
        log.info("demo site serving %s at %s", self.root, self.base_url)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def file_for(self, url_path: str) -> Path | None:
        """The file a request path names, or None when it is missing or outside the site."""
        relative = unquote(urlsplit(url_path).path).lstrip("/") or "index.html"
        candidate = (self.root / relative).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def render(self, path: Path) -> tuple[bytes, str]:
        """The bytes and content type served for ``path``, with the base URL filled in."""
        body = path.read_bytes()
        content_type = TEXT_TYPES.get(path.suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        if content_type.startswith(("text/", "application/xml")):
            body = body.replace(BASE_PLACEHOLDER, self.base_url.encode())
        return body, content_type


class _DemoHandler(BaseHTTPRequestHandler):
    site: DemoSite
    server_version = "picket-demo"

    def do_GET(self) -> None:
        path = self.site.file_for(self.path)
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body, content_type = self.site.render(path)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(path.stat().st_mtime, usegmt=True))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo site: " + format, *args)
