"""The OpenSearch store: an ``opensearch-py`` client behind picket's ``EngineTransport``.

Everything else (bodies, bulk, outbox, setup) is shared with the Elasticsearch store in
``pipeline.store.engine``; this module only sets the client up and translates its errors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pipeline.settings import Settings
from pipeline.store.base import StoreError
from pipeline.store.engine import EngineStore, open_engine_store
from pipeline.store.transport import EngineUnavailable, http_error, with_query

try:
    import opensearchpy
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise StoreError(
        "PICKET_STORE=opensearch needs the opensearch-py client: pip install 'picket[opensearch]'"
    ) from exc

_NDJSON = {"content-type": "application/x-ndjson"}

for _logger in ("opensearch", "opensearchpy.trace"):
    logging.getLogger(_logger).setLevel(logging.ERROR)
"""The client logs every request, and a 404 as a warning; the store reports what matters."""


class OpenSearchTransport:
    """Requests to one OpenSearch cluster; retries are left to the engine store."""

    engine = "OpenSearch"

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        verify_certs: bool = True,
        ca_certs: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.url = url
        self._client = opensearchpy.OpenSearch(
            hosts=[url],
            http_auth=(username, password or "") if username else None,
            use_ssl=url.startswith("https://"),
            verify_certs=verify_certs,
            ssl_show_warn=verify_certs,
            ca_certs=ca_certs,
            timeout=timeout_s,
            max_retries=0,
            retry_on_timeout=False,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenSearchTransport:
        password = settings.search_password
        return cls(
            settings.search_url,
            username=settings.search_username,
            password=password.get_secret_value() if password else None,
            verify_certs=settings.search_verify_certs,
            ca_certs=str(settings.search_ca_certs) if settings.search_ca_certs else None,
            timeout_s=settings.search_timeout_s,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | bytes | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        headers = _NDJSON if isinstance(body, bytes) else None
        try:
            return self._client.transport.perform_request(
                method, with_query(path, params), body=body, headers=headers
            )
        except opensearchpy.SSLError as exc:
            raise StoreError(
                f"TLS with OpenSearch at {self.url} failed ({exc.info or exc}); check "
                "PICKET_SEARCH_CA_CERTS and PICKET_SEARCH_VERIFY_CERTS"
            ) from exc
        except opensearchpy.ConnectionError as exc:
            raise EngineUnavailable(
                f"OpenSearch at {self.url} is unreachable: {exc.info or exc}"
            ) from exc
        except opensearchpy.TransportError as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 500
            raise http_error(
                self.engine,
                self.url,
                f"{method} {path}",
                status,
                exc.info,
                credentials="PICKET_SEARCH_USERNAME and PICKET_SEARCH_PASSWORD",
            ) from exc

    def close(self) -> None:
        self._client.close()


def open_opensearch_store(settings: Settings) -> EngineStore:
    return open_engine_store(OpenSearchTransport.from_settings(settings), settings)
