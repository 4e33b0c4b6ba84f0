"""Kibana saved objects: the shipped NDJSON is whole and only names mapped fields, and
``picket kibana setup`` imports it (against a fake Kibana on 127.0.0.1 that records)."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.kibana.importer import KibanaClient, KibanaError, load_saved_objects, setup_kibana
from pipeline.settings import load_settings
from pipeline.store.engine_mappings import EVENT_MAPPINGS, STORY_PROPERTIES

SAVED_SEARCHES = {
    "all relevant stories": "picket: relevant stories",
    "open letters and petitions": "picket: open letters and petitions",
    "strikes and protests": "picket: strikes and protests",
    "union drives": "picket: union drives",
    "immigration and ICE": "picket: immigration and ICE",
    "military and law enforcement contracts": "picket: military and law enforcement contracts",
    "AI": "picket: AI",
    "events": "picket: events",
}


def mapped_fields(properties: dict, prefix: str = "") -> set[str]:
    names = set()
    for name, spec in properties.items():
        names.add(prefix + name)
        names |= mapped_fields(spec.get("properties", {}), f"{prefix}{name}.")
        names |= {f"{prefix}{name}.{sub}" for sub in spec.get("fields", {})}
    return names


MAPPED = mapped_fields(STORY_PROPERTIES)
MAPPED_BY_DATA_VIEW = {
    "picket-stories": MAPPED,
    "picket-events": mapped_fields(EVENT_MAPPINGS["properties"]),
}
KQL_FIELD = re.compile(r"([\w@.]+)\s*:")


def shipped_objects() -> list[dict]:
    text = (resources.files("pipeline.kibana") / "saved_objects.ndjson").read_text()
    return [json.loads(line) for line in text.splitlines()]


def fields_referenced(obj: dict) -> set[str]:
    """Fields an object names: columns, sorts, query fields, Lens source fields, formats."""
    attributes = obj["attributes"]
    found = set(attributes.get("columns", []))
    found |= {field for field, _ in attributes.get("sort", [])}
    if "timeFieldName" in attributes:
        found.add(attributes["timeFieldName"])
        found |= set(json.loads(attributes["fieldFormatMap"]))
    search = attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
    if search:
        found |= set(KQL_FIELD.findall(json.loads(search)["query"]["query"]))
    state = attributes.get("state")
    if state:
        found |= set(KQL_FIELD.findall(state["query"]["query"]))
        for layer in state["datasourceStates"]["formBased"]["layers"].values():
            for column in layer["columns"].values():
                if column.get("sourceField") != "___records___":
                    found.add(column["sourceField"])
    return found


def test_the_ndjson_parses_and_every_reference_is_shipped_too():
    objects = shipped_objects()
    ids = {(obj["type"], obj["id"]) for obj in objects}
    assert len(ids) == len(objects)
    for obj in objects:
        assert obj["coreMigrationVersion"] == "8.8.0" and obj["typeMigrationVersion"]
        for reference in obj["references"]:
            assert (reference["type"], reference["id"]) in ids, (obj["id"], reference)
    dashboard = next(obj for obj in objects if obj["type"] == "dashboard")
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    names = {ref["name"] for ref in dashboard["references"] if ":panel_" in ref["name"]}
    assert {f"{p['panelIndex']}:{p['panelRefName']}" for p in panels} == names


def data_view_of(obj: dict) -> str:
    """The data view an object reads: its own id, or the one its references name."""
    if obj["type"] == "index-pattern":
        return obj["id"]
    (view,) = {ref["id"] for ref in obj["references"] if ref["type"] == "index-pattern"}
    return view


def test_every_field_the_objects_name_exists_in_the_mapping_of_their_index():
    for obj in shipped_objects():
        if obj["type"] != "dashboard":
            assert fields_referenced(obj) <= MAPPED_BY_DATA_VIEW[data_view_of(obj)], obj["id"]
    everything = set().union(
        *(fields_referenced(obj) for obj in shipped_objects() if obj["type"] != "dashboard")
    )
    assert {"@timestamp", "companies", "actions", "struggles", "event_id", "url"} <= everything
    assert {"tags", "workers", "outlets", "title.keyword"} <= everything


def dashboard_controls() -> dict[str, dict]:
    (dashboard,) = [obj for obj in shipped_objects() if obj["type"] == "dashboard"]
    return json.loads(dashboard["attributes"]["controlGroupInput"]["panelsJSON"])


def test_the_dashboard_filters_by_company_action_and_issue_on_mapped_fields():
    (dashboard,) = [obj for obj in shipped_objects() if obj["type"] == "dashboard"]
    controls = dashboard_controls()
    fields = {
        c["explicitInput"]["title"]: c["explicitInput"]["fieldName"] for c in controls.values()
    }
    assert fields == {"Company": "companies", "Action": "actions", "Issue": "tags"}
    references = {ref["name"]: ref for ref in dashboard["references"]}
    for control_id, control in controls.items():
        assert control["type"] == "optionsListControl"
        view = references[f"controlGroup_{control_id}:optionsListDataView"]
        assert view["type"] == "index-pattern"
        field = control["explicitInput"]["fieldName"]
        # the field exists in every index the dashboard's panels read, so a choice filters all
        for mapped in MAPPED_BY_DATA_VIEW.values():
            assert field in mapped


def lens_columns(obj: dict) -> dict[str, dict]:
    (layer,) = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].values()
    return layer["columns"]


def test_the_dashboard_shows_issues_over_time_events_and_the_largest_actions():
    objects = {obj["id"]: obj for obj in shipped_objects()}
    issues = lens_columns(objects["picket-issues-per-week"])
    assert {c["sourceField"] for c in issues.values()} >= {"@timestamp", "tags"}
    assert any(c["operationType"] == "date_histogram" for c in issues.values())
    largest = objects["picket-largest-actions"]
    assert data_view_of(largest) == "picket-events"
    columns = lens_columns(largest)
    (size,) = [c for c in columns.values() if c["operationType"] == "max"]
    assert size["sourceField"] == "workers"
    (event,) = [c for c in columns.values() if c["operationType"] == "terms"]
    assert event["params"]["orderBy"]["columnId"] in columns and event["params"]["size"] == 10
    table = objects["picket-events-table"]
    assert data_view_of(table) == "picket-events"
    events_view = objects["picket-events"]["attributes"]
    assert events_view["timeFieldName"] == "@timestamp"  # an event's first_seen
    labels = json.loads(events_view["fieldAttrs"])
    assert labels["@timestamp"]["customLabel"] == "first seen"
    assert set(labels) <= MAPPED_BY_DATA_VIEW["picket-events"]
    assert {"companies", "actions", "outlets", "workers"} <= set(table["attributes"]["columns"])
    assert table["attributes"]["sort"] == [["first_seen", "desc"]]
    dashboard = objects["picket-overview"]
    shown = {ref["id"] for ref in dashboard["references"] if ":panel_" in ref["name"]}
    assert {"picket-issues-per-week", "picket-largest-actions", "picket-events-table"} <= shown
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    cells = [
        (x, y)
        for p in panels
        for x in range(p["gridData"]["x"], p["gridData"]["x"] + p["gridData"]["w"])
        for y in range(p["gridData"]["y"], p["gridData"]["y"] + p["gridData"]["h"])
    ]
    assert len(cells) == len(set(cells)), "dashboard panels overlap"
    assert all(p["gridData"]["x"] + p["gridData"]["w"] <= 48 for p in panels)


def test_the_data_views_saved_searches_and_dashboard_are_there():
    objects = shipped_objects()
    views = {obj["attributes"]["title"]: obj for obj in objects if obj["type"] == "index-pattern"}
    assert set(views) == {"picket-stories*", "picket-events"}
    assert all(view["attributes"]["timeFieldName"] == "@timestamp" for view in views.values())
    titles = {obj["attributes"]["title"] for obj in objects if obj["type"] == "search"}
    assert titles == set(SAVED_SEARCHES.values())
    (dashboard,) = [obj for obj in objects if obj["type"] == "dashboard"]
    panel_types = [ref["type"] for ref in dashboard["references"] if ":panel_" in ref["name"]]
    assert panel_types.count("lens") == 7 and panel_types.count("search") == 2
    lens_titles = " ".join(obj["attributes"]["title"] for obj in objects if obj["type"] == "lens")
    for wanted in (
        "stories per week",
        "events per week",
        "top companies",
        "actions",
        "struggles",
        "stories per week by issue",
        "largest actions by head-count",
    ):
        assert wanted in lens_titles


def test_the_data_views_follow_the_index_prefix():
    views = [o for o in load_saved_objects("news") if o["type"] == "index-pattern"]
    assert {view["attributes"]["title"] for view in views} == {"news-stories*", "news-events"}


@dataclass
class FakeKibana:
    """Answers /api/status and the import API as told, and records every request."""

    version: str = "8.19.3"
    status_code: int = 200
    import_answer: tuple[int, dict] = (200, {"success": True, "successCount": 14})
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def answer(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        self.requests.append({"method": method, "path": path, "headers": headers, "body": body})
        if self.status_code != 200:
            return self.status_code, {"statusCode": self.status_code, "message": "Unauthorized"}
        if path == "/api/status":
            return 200, {"name": "kibana", "version": {"number": self.version}}
        return self.import_answer


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    fake = FakeKibana()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, answer = fake.answer(self.command, self.path, headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _reply

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def uploaded_objects(request: dict) -> list[dict]:
    """The NDJSON file inside a recorded multipart/form-data request."""
    head = f"Content-Type: {request['headers']['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request["body"])
    (part,) = message.iter_parts()
    assert part.get_param("name", header="content-disposition") == "file"
    return [json.loads(line) for line in part.get_content().decode().splitlines()]


def test_setup_imports_every_object_with_overwrite(kibana):
    client = KibanaClient(kibana.url, username="elastic", password="secret", space="news")
    report = setup_kibana(client, prefix="picket")
    assert (report.kibana_version, report.imported) == ("8.19.3", 14)
    status, imported = kibana.requests
    assert status["path"] == "/api/status"
    assert imported["method"] == "POST"
    assert imported["path"] == "/s/news/api/saved_objects/_import?overwrite=true"
    assert imported["headers"]["kbn-xsrf"]
    assert imported["headers"]["authorization"] == "Basic ZWxhc3RpYzpzZWNyZXQ="
    assert uploaded_objects(imported) == shipped_objects()


def test_refused_credentials_say_which_settings_to_check(kibana):
    kibana.status_code = 401
    with pytest.raises(KibanaError, match=r"refused the credentials.*PICKET_KIBANA_USERNAME"):
        setup_kibana(KibanaClient(kibana.url, username="elastic", password="wrong"))


def test_a_kibana_too_old_for_the_objects_is_named_before_importing(kibana):
    kibana.version = "7.17.9"
    with pytest.raises(KibanaError, match=r"Kibana 7\.17\.9 .* too old .* 8\.8 or newer"):
        setup_kibana(KibanaClient(kibana.url))
    assert [r["path"] for r in kibana.requests] == ["/api/status"]


def test_a_version_refusal_of_the_import_is_explained(kibana):
    kibana.import_answer = (
        400,
        {"statusCode": 400, "message": "Document has a newer typeMigrationVersion: version 9"},
    )
    with pytest.raises(KibanaError, match=r"cannot import these saved objects.*8\.8 or newer"):
        setup_kibana(KibanaClient(kibana.url))


def test_objects_kibana_did_not_take_are_listed(kibana):
    kibana.import_answer = (
        200,
        {
            "success": False,
            "successCount": 13,
            "errors": [{"type": "lens", "id": "picket-actions", "error": {"type": "unknown"}}],
        },
    )
    with pytest.raises(KibanaError, match="lens picket-actions: unknown"):
        setup_kibana(KibanaClient(kibana.url))


def test_kibana_setup_command(kibana, tmp_path):
    result = CliRunner().invoke(
        main, ["kibana", "setup", "--url", kibana.url], env={"PICKET_INDEX_PREFIX": "picket"}
    )
    assert result.exit_code == 0, result.output
    assert "imported 14 saved objects into Kibana 8.19.3" in result.output

    kibana.status_code = 403
    result = CliRunner().invoke(main, ["kibana", "setup", "--url", kibana.url])
    assert result.exit_code == 1
    assert "refused the credentials" in result.output

    unreachable = CliRunner().invoke(main, ["kibana", "setup", "--url", "http://127.0.0.1:9"])
    assert unreachable.exit_code == 1 and "cannot reach Kibana" in unreachable.output


def test_credentials_in_the_url_are_sent_as_auth_and_never_shown(kibana):
    kibana.status_code = 401
    host = kibana.url.removeprefix("http://")
    result = CliRunner().invoke(
        main, ["kibana", "setup", "--url", f"http://elastic:s3cr%40t@{host}"], env={}
    )
    assert result.exit_code == 1
    assert f"Kibana at {kibana.url} refused the credentials" in result.output
    assert "s3cr" not in result.output
    (status,) = kibana.requests
    assert status["headers"]["authorization"] == "Basic " + base64.b64encode(
        b"elastic:s3cr@t"
    ).decode("ascii")


def test_credentials_in_the_kibana_url_setting_move_to_their_own_settings():
    settings = load_settings(kibana_url="https://viewer:s3cret@kibana.example:5601")
    assert settings.kibana_url == "https://kibana.example:5601"
    assert settings.kibana_username == "viewer"
    assert settings.kibana_password.get_secret_value() == "s3cret"
