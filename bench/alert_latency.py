"""How long from the start of ``picket run`` until the alert for a new story is in a mailbox.

Serves a copy of the demo corpus on 127.0.0.1 and starts a real SMTP server there
(aiosmtpd). A first ``picket run`` stores the corpus and registers an instant watch (the
corpus is old news, so nothing is alerted). Then a new story is published into the RSS
feed, ``picket run --force`` starts as a subprocess, and the clock runs until the SMTP
server holds the email about that story.

    python bench/alert_latency.py [--json]

The goal is under 30 seconds; with ``--json`` the last line is ``{"latency_s": ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import format_datetime
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller

from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite, demo_site_root

GOAL_S = 30.0
TIMEOUT_S = 300.0
NEW_STORY_PATH = "articles/bench-google-cloud-walkout.html"
NEW_STORY_TITLE = "Google cloud engineers walk out over border surveillance contract"
NEW_STORY_LEDE = (
    "Several hundred Google engineers walked off the job on Tuesday to protest the "
    "company's new cloud contract with the border agency."
)
NEW_STORY_BODY = (
    NEW_STORY_LEDE,
    "The workers gathered outside offices in Mountain View, New York and Dublin and handed "
    "managers a petition signed by more than 2,000 employees that asks executives to cancel "
    "the deal and to publish the terms of every contract with immigration authorities.",
    '"We came here to build tools people trust, not tools for watching them," said one of '
    "the organizers, an engineer on the cloud infrastructure team who asked not to be named.",
    "A company spokesperson said employees were free to raise concerns and that the "
    "contract had been reviewed under its principles. Organizers said they would keep up "
    "the pressure until the contract is dropped.",
)
WATCH = {
    "name": "Walkouts",
    "query": 'walkout OR "walk out" OR strike',
    "recipients": ["bench@example.org"],
}


@dataclass(frozen=True, slots=True)
class Arrival:
    at: float  # time.monotonic() when the server accepted the message
    subject: str


class Mailbox:
    """An aiosmtpd handler that notes when each message arrived."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.arrivals.append(Arrival(time.monotonic(), str(message["Subject"])))
        return "250 Message accepted for delivery"

    def first(self, words: str) -> Arrival | None:
        with self.lock:
            return next((a for a in self.arrivals if words in " ".join(a.subject.split())), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def article_html(base_url: str, published: datetime) -> str:
    paragraphs = "\n".join(f"<p>{text}</p>" for text in NEW_STORY_BODY)
    when = published.isoformat(timespec="seconds")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{NEW_STORY_TITLE} | Bay Circuit News</title>
<meta name="description" content="{NEW_STORY_LEDE}">
<link rel="canonical" href="{base_url}/{NEW_STORY_PATH}">
<meta property="og:site_name" content="Bay Circuit News">
<meta property="article:published_time" content="{when}">
</head>
<body>
<main><article>
<h1>{NEW_STORY_TITLE}</h1>
<div class="byline">By Bench Desk <time datetime="{when}">{published:%B %d, %Y}</time></div>
{paragraphs}
</article></main>
</body>
</html>
"""


def publish_new_story(site: Path, base_url: str) -> None:
    """Write the new article and put it at the top of the RSS feed, dated now."""
    published = datetime.now(UTC).replace(microsecond=0)
    (site / NEW_STORY_PATH).write_text(article_html(base_url, published), encoding="utf-8")
    feed = site / "feeds" / "rss.xml"
    item = (
        f"<item>\n<title>{NEW_STORY_TITLE}</title>\n"
        f"<link>__BASE__/{NEW_STORY_PATH}</link>\n"
        f"<description>{NEW_STORY_LEDE}</description>\n"
        f"<pubDate>{format_datetime(published)}</pubDate>\n"
        f'<guid isPermaLink="true">__BASE__/{NEW_STORY_PATH}</guid>\n</item>\n'
    )
    text = feed.read_text(encoding="utf-8")
    marker = text.index("<item>")
    feed.write_text(text[:marker] + item + text[marker:], encoding="utf-8")


def picket_command() -> list[str]:
    script = Path(sys.executable).with_name("picket")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from pipeline.cli import main; main()"]


def measure(work: Path, echo) -> tuple[float, float]:
    """(seconds until the email arrived, seconds the whole run took), both from its start."""
    site = work / "site"
    shutil.copytree(demo_site_root(), site)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with DemoSite(root=site) as server:
            sources = [
                {"id": s.id, "kind": s.kind, "name": s.name, "urls": list(s.urls)}
                for s in demo_sources(server.base_url)
            ]
            (work / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}))
            (work / "watches.yaml").write_text(yaml.safe_dump({"watches": [WATCH]}))
            env = {
                **os.environ,
                "PICKET_STORE": "sqlite",
                "PICKET_DB_PATH": str(work / "picket.db"),
                "PICKET_ALERTS_DB": str(work / "alerts.db"),
                "PICKET_WORK_DIR": str(work / "work"),
                "PICKET_SOURCES_FILE": str(work / "sources.yaml"),
                "PICKET_WATCHES_FILE": str(work / "watches.yaml"),
                "PICKET_ALLOW_PRIVATE_ADDRESSES": "true",
                "PICKET_DOWNLOAD_DELAY_S": "0",
                "PICKET_SMTP_HOST": controller.hostname,
                "PICKET_SMTP_PORT": str(controller.port),
                "PICKET_SMTP_SECURITY": "none",
                "PICKET_LOG_LEVEL": "WARNING",
            }
            command = picket_command()
            echo(f"first run over the demo corpus at {server.base_url} ...")
            subprocess.run([*command, "run"], env=env, check=True, capture_output=True)
            publish_new_story(site, server.base_url)
            echo("published a new story; timing `picket run --force` ...")
            started = time.monotonic()
            run = subprocess.Popen(
                [*command, "run", "--force"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            arrival = None
            while arrival is None and time.monotonic() - started < TIMEOUT_S:
                arrival = mailbox.first(NEW_STORY_TITLE)
                time.sleep(0.01)
            output, errors = run.communicate(timeout=TIMEOUT_S)
            finished = time.monotonic()
            if arrival is None:
                raise SystemExit(
                    "no alert email arrived; picket run said:\n"
                    + output.decode(errors="replace")
                    + errors.decode(errors="replace")[-3000:]
                )
            echo(output.decode(errors="replace").strip())
            return arrival.at - started, finished - started
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="picket-alert-latency-") as folder:
        latency, run_s = measure(Path(folder), echo=print)
    verdict = "within" if latency < GOAL_S else "over"
    print(
        f"alert latency: {latency:.2f} s from the start of `picket run` to the email in the "
        f"mailbox (the whole run took {run_s:.2f} s; {verdict} the {GOAL_S:.0f} s goal)"
    )
    if args.json:
        print(json.dumps({"latency_s": round(latency, 3)}))


if __name__ == "__main__":
    main()
