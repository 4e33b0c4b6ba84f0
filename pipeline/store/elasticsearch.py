"""The Elasticsearch store: the official ``elasticsearch`` client (major version 8) behind
picket's ``EngineTransport``.

Everything else (bodies, bulk, outbox, setup) is shared with the OpenSearch store in
``pipeline.store.engine``; this module only sets the client up (basic auth or an API key,
TLS) and translates its errors.
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
    import elastic_transport
    import elasticsearch
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise StoreError(
        "PICKET_STORE=elasticsearch needs the elasticsearch client: "
        "pip install 'picket[elasticsearch]'"
    ) from exc

_JSON = {"accept": "application/json", "content-type": "application/json"}
_NDJSON = {"accept": "application/json", "content-type": "application/x-ndjson"}

logging.getLogger("elastic_transport").setLevel(logging.WARNING)
"""The client logs every request; the store reports what matters."""


class ElasticsearchTransport:
    """Requests to one Elasticsearch cluster; retries are left to the engine store."""

    engine = "Elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        verify_certs: bool = True,
        ca_certs: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.url = url
        options: dict[str, Any] = {
            "request_timeout": timeout_s,
            "max_retries": 0,
            "retry_on_timeout": False,
        }
        if api_key:
            options["api_key"] = api_key
        elif username:
            options["basic_auth"] = (username, password or "")
        if url.startswith("https://"):
            options["verify_certs"] = verify_certs
            options["ssl_show_warn"] = verify_certs
            if ca_certs:
                options["ca_certs"] = ca_certs
        self._client = elasticsearch.Elasticsearch(url, **options)

    @classmethod
    def from_settings(cls, settings: Settings) -> ElasticsearchTransport:
        password = settings.search_password
        api_key = settings.search_api_key
        return cls(
            settings.search_url,
            username=settings.search_username,
            password=password.get_secret_value() if password else None,
            api_key=api_key.get_secret_value() if api_key else None,
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
        headers = _NDJSON if isinstance(body, bytes) else _JSON
        try:
            response = self._client.perform_request(
                method, with_query(path, params), headers=headers, body=body
            )
        except elasticsearch.UnsupportedProductError as exc:
            raise StoreError(
                f"the server at {self.url} is not Elasticsearch ({exc.message}); "
                "for OpenSearch set PICKET_STORE=opensearch"
            ) from exc
        except elasticsearch.ApiError as exc:
            raise http_error(
                self.engine,
                self.url,
                f"{method} {path}",
                exc.meta.status,
                exc.body,
                credentials=(
                    "PICKET_SEARCH_API_KEY, or PICKET_SEARCH_USERNAME and PICKET_SEARCH_PASSWORD"
                ),
            ) from exc
        except elastic_transport.TlsError as exc:
            raise StoreError(
                f"TLS with Elasticsearch at {self.url} failed ({exc}); check "
                "PICKET_SEARCH_CA_CERTS and PICKET_SEARCH_VERIFY_CERTS"
            ) from exc
        except elastic_transport.TransportError as exc:
            raise EngineUnavailable(f"Elasticsearch at {self.url} is unreachable: {exc}") from exc
        return response.body

    def close(self) -> None:
        self._client.close()


def open_elasticsearch_store(settings: Settings) -> EngineStore:
    return open_engine_store(ElasticsearchTransport.from_settings(settings), settings)
