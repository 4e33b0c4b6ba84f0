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
        r"docker compose\s+(?:logs|run|exec|restart|stop|start|up)\s+(?:-{1,2}[a-z-]+\s+)*"
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


def compose_command() -> list[str] | None:
    """``docker compose`` (the v2 plugin) when it works here, else ``docker-compose``."""
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither docker compose nor docker-compose is installed")
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    done = subprocess.run(
        [*command, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    scheduler = resolved["services"]["airflow-scheduler"]["environment"]
    assert scheduler["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert scheduler["PICKET_STORE"] == "elasticsearch"
    assert scheduler["PICKET_SMTP_HOST"] == "mailpit"


# --- what .env sets: interpolated as Compose does, then read as picket reads it ----------

INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: object, env: dict[str, str]) -> object:
    """Every string in a parsed compose file with ``${VAR}``, ``${VAR:-default}`` and
    ``${VAR:?message}`` filled in from ``env``, as Compose does after parsing."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def fill(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        found = env.get(name)
        if op == ":-" and not found:
            return arg
        if op == ":?" and not found:
            raise AssertionError(f"{name} must be set: {arg}")
        return found or ""

    return INTERPOLATION.sub(fill, value).replace("$$", "$")


def dotenv(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.lstrip().startswith("#")}


def service_settings(env: dict[str, str], service: str = "airflow-scheduler"):
    """The picket settings a service's container gets from the compose file and ``env``."""
    from pipeline.settings import load_settings

    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    environment = interpolate(compose["services"][service]["environment"], env)
    picket = {
        key.removeprefix("PICKET_").lower(): value
        for key, value in environment.items()
        if key.startswith("PICKET_") and value != ""
    }
    return environment, load_settings(**picket)


def test_the_example_env_sends_mail_to_mailpit() -> None:
    from pipeline.alerts.mailer import smtp_config_from_settings

    environment, settings = service_settings(dotenv(ENV_EXAMPLE.read_text(encoding="utf-8")))
    config = smtp_config_from_settings(settings)
    assert (config.host, config.effective_port, config.security) == ("mailpit", 1025, "none")
    assert config.username is None and settings.kibana_url is None
    assert "AIRFLOW_CONN_SMTP_DEFAULT" not in environment  # it would override .env's server


def test_a_real_smtp_server_sender_and_kibana_come_from_env_alone() -> None:
    from pipeline.alerts.mailer import smtp_config_from_settings

    env = dotenv(ENV_EXAMPLE.read_text(encoding="utf-8")) | {
        "PICKET_SMTP_HOST": "smtp.example.org",
        "PICKET_SMTP_PORT": "465",
        "PICKET_SMTP_SECURITY": "tls",
        "PICKET_SMTP_USERNAME": "picket@example.org",
        "PICKET_SMTP_PASSWORD": 'p"a\\ss{w}ord',
        "PICKET_MAIL_FROM": "Newsroom alerts <alerts@example.org>",
        "PICKET_KIBANA_URL": "https://kibana.example.org",
    }
    for service in ("airflow-scheduler", "picket-setup", "airflow-init"):
        _, settings = service_settings(env, service)
        config = smtp_config_from_settings(settings)
        assert (config.host, config.effective_port, config.security) == (
            "smtp.example.org",
            465,
            "tls",
        )
        assert (config.username, config.password) == ("picket@example.org", 'p"a\\ss{w}ord')
        assert settings.mail_from == "Newsroom alerts <alerts@example.org>"
        assert settings.kibana_url == "https://kibana.example.org"


def test_the_env_example_documents_the_mail_settings() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in (
        "PICKET_MAIL_FROM",
        "PICKET_KIBANA_URL",
        "PICKET_SMTP_HOST",
        "PICKET_SMTP_PORT",
        "PICKET_SMTP_SECURITY",
        "PICKET_SMTP_USERNAME",
        "PICKET_SMTP_PASSWORD",
    ):
        assert re.search(rf"^#? ?{name}=", text, re.MULTILINE), name
        assert f"${{{name}" in COMPOSE.read_text(encoding="utf-8"), name


def test_the_readme_spells_compose_commands_the_v2_way() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = r"docker-compose\s+(?:up|down|ps|logs|run|exec|restart|stop|start|build|config|pull)"
    assert re.findall(commands, text) == []
    assert "docker compose up -d" in text
