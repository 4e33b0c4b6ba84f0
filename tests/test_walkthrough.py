"""README's "From the demo to real monitoring", followed step by step as a new user would.

A fresh folder gets a copy of the repository's ``config/``; its sources file is edited to
follow a news site on 127.0.0.1 (the demo site), a ``.env`` there names the SMTP server
(a real one on 127.0.0.1), and the ``picket`` command runs in that folder as a separate
process: ``picket sources``, ``picket watches add``, ``picket run``, ``picket alerts run``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.demo.server import DemoSite

REPO = Path(__file__).resolve().parents[1]
PICKET = Path(sys.executable).with_name("picket")

pytestmark = pytest.mark.smtp


def readme_walkthrough() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## From the demo to real monitoring")
    return text[start : text.index("\n## ", start + 1)]


def picket(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``picket ARGS`` run in ``folder`` with no PICKET_* variables but those of its .env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKET_")}
    done = subprocess.run(
        [str(PICKET), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_the_readme_walkthrough_from_a_fresh_copy(tmp_path, smtp_server):
    guide = readme_walkthrough()
    for step in ("config/sources.yaml", "picket sources", "picket watches add", "picket run"):
        assert step in guide
    folder = tmp_path / "picket"
    shutil.copytree(REPO / "config", folder / "config")
    assert {p.name for p in (folder / "config").iterdir()} >= {"sources.yaml", "watches.yaml"}

    with DemoSite() as site:
        # 1. sources: the outlets to follow (here one news site's feed, on this machine)
        sources = folder / "config" / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            "id": "local-news",
                            "name": "Local News",
                            "kind": "feed",
                            "url": f"{site.base_url}/feeds/rss.xml",
                        }
                    ]
                }
            ),
            encoding="utf-8",
        )
        listed = picket(folder, "sources")
        assert listed.returncode == 0, listed.stderr
        assert "local-news" in listed.stdout and "never polled" in listed.stdout

        # 2. a watch (the demo site's stories are years old, so it asks for old ones too)
        added = picket(
            folder,
            "watches",
            "add",
            "Google walkouts",
            "--query",
            "companies:google AND (walkout OR strike OR protest)",
            "--recipient",
            "you@example.org",
            "--include-old",
        )
        assert added.returncode == 0, added.stderr
        assert "Google walkouts" in (folder / "config" / "watches.yaml").read_text("utf-8")

        # 3. mail: the SMTP server in .env, in the folder picket runs from
        (folder / ".env").write_text(
            "\n".join(
                (
                    f"PICKET_SMTP_HOST={smtp_server.host}",
                    f"PICKET_SMTP_PORT={smtp_server.port}",
                    "PICKET_SMTP_SECURITY=none",
                    "PICKET_MAIL_FROM=picket <alerts@example.org>",
                    # only because this news site is on 127.0.0.1 and in a hurry:
                    "PICKET_ALLOW_PRIVATE_ADDRESSES=true",
                    "PICKET_DOWNLOAD_DELAY_S=0",
                )
            )
            + "\n",
            encoding="utf-8",
        )
        assert "PICKET_SMTP_HOST=" in guide and "PICKET_MAIL_FROM=" in guide

        # 4. one scheduled run: crawl, store, alert
        ran = picket(folder, "run")
        assert ran.returncode == 0, ran.stderr
        stored = re.search(r"new stories (\d+) \((\d+) relevant", ran.stdout)
        assert stored and int(stored[1]) > 0 and int(stored[2]) > 0, ran.stdout
        assert "alert emails 1 sent" in ran.stdout, ran.stdout

    (email,) = smtp_server.delivered
    assert email.recipients == ("you@example.org",)
    assert email.message["Subject"].startswith("[picket] Google walkouts: ")
    assert email.message["From"] == "picket <alerts@example.org>"

    # the next alert run has nothing new, and says why
    again = picket(folder, "alerts", "run")
    assert again.returncode == 0 and "No story was checked" in again.stdout
    assert len(smtp_server.delivered) == 1

    # 5. where the data lives: under var/ in the folder picket runs from
    assert (folder / "var" / "picket.db").is_file() and (folder / "var" / "alerts.db").is_file()
    assert "`var/picket.db`" in guide and "`var/alerts.db`" in guide
