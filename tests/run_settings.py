"""Settings for a ``picket run`` in a test: every file under one folder, no watches, and
the local demo site allowed and polled without delay."""

from __future__ import annotations

from pathlib import Path

from pipeline.settings import Settings, load_settings


def settings_in(folder: Path, **overrides: object) -> Settings:
    chosen: dict[str, object] = {
        "db_path": folder / "picket.db",
        "work_dir": folder / "work",
        "watches_file": folder / "no-watches.yaml",
        "alerts_db": folder / "alerts.db",
        "alerts_outbox_dir": folder / "mail",
        "allow_private_addresses": True,
        "download_delay_s": 0,
    }
    return load_settings(**{**chosen, **overrides})
