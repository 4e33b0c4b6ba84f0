"""docker-compose.yml: it parses, it is complete and consistent, and Compose accepts it.

No Docker engine runs here, so these checks read the file: services named in the README
exist, every variable has a default or is listed in .env.example, services others wait on
have health checks, images are pinned, host ports do not clash, and the file validates
against the Compose Specification's JSON schema and ``docker-compose config``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
COMPOSE_SCHEMA = REPO.parent / "shared" / "data" / "compose-spec" / "compose-spec.json"
VARIABLE = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")
"""A ``${VAR...}`` Compose fills in; ``$${VAR}`` is left for the container's shell."""


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


def env_example_names() -> set[str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}


def readme_services() -> set[str]:
    """Services the README's operations guide names: its service table and compose commands."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    guide = text[text.index("## Operations") :]
    guide = guide[: guide.index("\n## ", 1)]
    table = set(re.findall(r"^\| `([a-z][a-z0-9-]*)` \|", guide, flags=re.MULTILINE))
    commands = re.findall(
        r"docker-compose\s+(?:logs|run|exec|restart|stop|start|up)\s+(?:-{1,2}[a-z-]+\s+)*"
        r"([a-z][a-z0-9-]*)",
        guide,
    )
    return table | set(commands)


def test_the_file_parses_into_services_volumes_and_no_top_level_name(compose: dict) -> None:
    assert {"elasticsearch", "kibana", "postgres", "mailpit", "airflow-scheduler"} <= set(
        compose["services"]
    )
    assert "name" not in compose  # docker-compose 1.29 rejects a top-level name
    assert set(compose["volumes"]) >= {"elasticsearch-data", "postgres-data"}


def test_every_service_the_readme_mentions_exists_and_every_service_is_documented(
    services: dict,
) -> None:
    mentioned = readme_services()
    assert mentioned, "the README's operations guide names no service"
    assert mentioned - set(services) == set()
    assert set(services) - mentioned == set()


def test_every_variable_has_a_default_or_is_in_env_example() -> None:
    listed = env_example_names()
    undefined = {
        match["name"]
        for match in VARIABLE.finditer(COMPOSE.read_text(encoding="utf-8"))
        if not match["rest"].startswith((":-", "-")) and match["name"] not in listed
    }
    assert undefined == set()


def test_env_example_lists_only_variables_the_stack_uses() -> None:
    used = {m["name"] for m in VARIABLE.finditer(COMPOSE.read_text(encoding="utf-8"))}
    assert env_example_names() - used == set()


def test_services_others_wait_on_are_healthy_or_one_shot(services: dict) -> None:
    for name, service in services.items():
        for needed, rule in (service.get("depends_on") or {}).items():
            assert needed in services, f"{name} depends on unknown {needed}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], f"{needed} has no health check"
            else:
                assert rule["condition"] == "service_completed_successfully"
                assert services[needed].get("restart") == "no", f"{needed} is not one-shot"


def test_images_are_pinned_to_exact_versions(services: dict) -> None:
    for name, service in services.items():
        image = service["image"]
        tag = image.rpartition(":")[2]
        assert ":" in image and tag != "latest", f"{name} uses an unpinned image {image}"
        assert re.search(r"\d+\.\d+", tag), f"{name}'s image {image} is not a version"
    assert len({s["image"] for s in services.values() if "elastic.co" in s["image"]}) == 2
    elastic = {s["image"].rpartition(":")[2] for s in services.values() if "elastic" in s["image"]}
    assert len(elastic) == 1 and elastic.pop().startswith("8.19."), "Elasticsearch and Kibana"


def test_published_ports_do_not_clash_and_stay_on_loopback(services: dict) -> None:
    published = []
    for service in services.values():
        for port in service.get("ports", []):
            host_ip, host_port, _ = re.sub(r"\$\{\w+:-(\d+)\}", r"\1", port).split(":")
            assert host_ip == "127.0.0.1"
            published.append(host_port)
    assert len(published) == len(set(published)) >= 4


@pytest.mark.shared
def test_the_file_validates_against_the_compose_specification(compose: dict) -> None:
    if not COMPOSE_SCHEMA.is_file():
        pytest.skip("the Compose Specification schema in ../shared is absent")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path)
    )
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    command = shutil.which("docker-compose")
    if command is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    done = subprocess.run(
        [command, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    scheduler = resolved["services"]["airflow-scheduler"]["environment"]
    assert scheduler["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert scheduler["PICKET_STORE"] == "elasticsearch"
    assert json.loads(scheduler["AIRFLOW_CONN_SMTP_DEFAULT"])["host"] == "mailpit"
