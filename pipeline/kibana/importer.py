"""Import picket's saved objects into Kibana through its saved objects import API.

The objects (data views for ``picket-stories*`` and ``picket-events``, saved searches,
Lens charts and a dashboard with company, action and issue controls) ship as
``saved_objects.ndjson`` beside this module, written for Kibana 8.8 and migrated by Kibana
on import. Importing overwrites objects with the same ids, so running it again changes
nothing. Refused credentials and a Kibana too old for the objects are reported as such,
with what to do.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from pipeline.settings import split_credentials

log = logging.getLogger(__name__)

SAVED_OBJECTS = "saved_objects.ndjson"
OLDEST_KIBANA = (8, 8)
"""The objects are written in Kibana 8.8's format; older versions cannot import them."""
DATA_VIEW_TITLE = "picket-stories*"
EVENTS_VIEW_TITLE = "picket-events"


class KibanaError(RuntimeError):
    """Kibana could not be reached, refused us, or refused the objects."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    kibana_version: str
    imported: int


def load_saved_objects(prefix: str = "picket") -> list[dict[str, Any]]:
    """The shipped saved objects, their data views on ``<prefix>-stories*`` and ``-events``."""
    text = (resources.files("pipeline.kibana") / SAVED_OBJECTS).read_text(encoding="utf-8")
    objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    titles = {DATA_VIEW_TITLE: f"{prefix}-stories*", EVENTS_VIEW_TITLE: f"{prefix}-events"}
    for obj in objects:
        if obj["type"] == "index-pattern" and obj["attributes"]["title"] in titles:
            obj["attributes"]["title"] = titles[obj["attributes"]["title"]]
    return objects


def _multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"picket-{uuid.uuid4().hex}"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/ndjson\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class KibanaClient:
    """The two Kibana APIs picket uses: status (for the version) and saved objects import."""

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        space: str | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        bare_url, url_username, url_password = split_credentials(url)
        if not username:  # credentials written into the URL are sent as auth, never shown
            username, password = url_username, password or url_password
        self.url = bare_url.rstrip("/")
        self.space = space
        self.timeout_s = timeout_s
        self._headers = {"kbn-xsrf": "picket", "Accept": "application/json"}
        if username:
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def _call(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Any:
        request = Request(
            self.url + path, data=body, method=method, headers={**self._headers, **headers}
        )
        try:
            with urlopen(request, timeout=self.timeout_s) as response:
                return json.load(response)
        except HTTPError as exc:
            raise self._refusal(exc) from exc
        except (URLError, OSError) as exc:
            raise KibanaError(f"cannot reach Kibana at {self.url}: {exc}") from exc
        except ValueError as exc:
            raise KibanaError(f"Kibana at {self.url} answered {path} with no JSON") from exc

    def _refusal(self, exc: HTTPError) -> KibanaError:
        try:
            detail = json.loads(exc.read() or b"{}").get("message", "")
        except ValueError:
            detail = ""
        if exc.code in (401, 403):
            return KibanaError(
                f"Kibana at {self.url} refused the credentials ({exc.code} {detail}); set "
                "PICKET_KIBANA_USERNAME and PICKET_KIBANA_PASSWORD (or --username/--password) "
                "to a user allowed to manage saved objects"
            )
        if "version" in detail.lower():
            return KibanaError(
                f"Kibana at {self.url} cannot import these saved objects: {detail} "
                f"(they need Kibana {'.'.join(map(str, OLDEST_KIBANA))} or newer)"
            )
        return KibanaError(f"Kibana at {self.url} answered {exc.code}: {detail or exc.reason}")

    def version(self) -> str:
        status = self._call("GET", "/api/status")
        number = (status.get("version") or {}).get("number")
        if not number:
            raise KibanaError(f"{self.url} does not look like Kibana (no version in /api/status)")
        return str(number)

    def import_objects(self, objects: list[dict[str, Any]]) -> int:
        """Import (overwriting) ``objects``; return how many Kibana took."""
        ndjson = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
        body, content_type = _multipart("picket.ndjson", ndjson.encode("utf-8"))
        prefix = f"/s/{self.space}" if self.space else ""
        answer = self._call(
            "POST",
            f"{prefix}/api/saved_objects/_import?overwrite=true",
            body,
            **{"Content-Type": content_type},
        )
        if not answer.get("success"):
            problems = "; ".join(
                f"{e.get('type')} {e.get('id')}: {(e.get('error') or {}).get('type', 'error')}"
                f" {(e.get('error') or {}).get('message', '')}".strip()
                for e in answer.get("errors", [])
            )
            raise KibanaError(f"Kibana did not import every saved object: {problems}")
        return int(answer.get("successCount", 0))


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-")[0].split(".")[:2] if part.isdigit())


def setup_kibana(client: KibanaClient, *, prefix: str = "picket") -> ImportReport:
    """Check Kibana's version, then import picket's saved objects into it."""
    version = client.version()
    if _version_tuple(version) < OLDEST_KIBANA:
        raise KibanaError(
            f"Kibana {version} at {client.url} is too old for picket's saved objects "
            f"(they need {'.'.join(map(str, OLDEST_KIBANA))} or newer); upgrade Kibana or "
            "create the data view picket-stories* by hand"
        )
    imported = client.import_objects(load_saved_objects(prefix))
    log.info("imported %s saved objects into Kibana %s at %s", imported, version, client.url)
    return ImportReport(kibana_version=version, imported=imported)
