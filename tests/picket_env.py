"""The ``PICKET_*`` settings of a test run of ``picket``: every file it writes in one folder."""

from __future__ import annotations

from pathlib import Path


def isolated_env(folder: Path) -> dict[str, str]:
    """Settings that keep the sources, watches, stores, work files and mail under ``folder``,
    and let the crawl fetch 127.0.0.1 without a delay."""
    return {
        "PICKET_SOURCES_FILE": str(folder / "sources.yaml"),
        "PICKET_WATCHES_FILE": str(folder / "watches.yaml"),
        "PICKET_DB_PATH": str(folder / "picket.db"),
        "PICKET_WORK_DIR": str(folder / "work"),
        "PICKET_OUTBOX_PATH": str(folder / "outbox.db"),
        "PICKET_ALERTS_DB": str(folder / "alerts.db"),
        "PICKET_ALERTS_OUTBOX_DIR": str(folder / "mail"),
        "PICKET_ALLOW_PRIVATE_ADDRESSES": "true",
        "PICKET_DOWNLOAD_DELAY_S": "0",
    }
