"""The settings of a test run of ``picket``: every file it writes in one folder, as
``PICKET_*`` variables for a command and as ``Settings`` for a call of ``run_once``."""

from __future__ import annotations

from pathlib import Path

from pipeline.settings import Settings, load_settings


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


def settings_in(folder: Path, **overrides: object) -> Settings:
    """``isolated_env(folder)`` as ``Settings``, with an empty watches file, and
    ``overrides`` (field names) on top."""
    watches = folder / "watches.yaml"
    if not watches.exists():
        watches.write_text("watches: []\n")
    chosen = {
        variable.removeprefix("PICKET_").lower(): value
        for variable, value in isolated_env(folder).items()
    }
    return load_settings(**{**chosen, **overrides})
