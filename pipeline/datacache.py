"""YAML files parsed once per change, their parsed form kept as JSON beside Python's bytecode.

Reading a YAML file (the gazetteer's companies, the sources and watches files) means
loading and running PyYAML, which costs a quick command such as ``picket search
companies:AMZN`` or ``picket sources`` more than the rest of its work. The parsed form is
kept the way Python keeps bytecode: in ``__pycache__`` beside the file (or under
``PYTHONPYCACHEPREFIX``), with the file's permissions, valid while the file's text is the
same, and not written where Python writes no bytecode (``PYTHONDONTWRITEBYTECODE``) or
cannot write.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable
from importlib.util import cache_from_source
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def parsed(path: Path, parse: Callable[[str], Any], *, text: str | None = None) -> Any:
    """``parse`` of the text of ``path`` (``text`` when the caller read it, else the file
    read as UTF-8), or what was kept the last time the file had that text."""
    if text is None:
        text = path.read_text("utf-8")
    kept_at = Path(cache_from_source(str(path))).parent / f"{path.name}.json"
    try:
        kept = json.loads(kept_at.read_text("utf-8"))
        if kept["text"] == text:
            return kept["data"]
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or not ours
        pass
    data = parse(text)
    if not sys.dont_write_bytecode:
        _keep(kept_at, {"text": text, "data": data}, source=path)
    return data


def _keep(kept_at: Path, content: dict[str, Any], *, source: Path) -> None:
    """Write ``content`` to ``kept_at`` whole, readable by whom ``source`` is, if JSON holds
    it as it is."""
    partial = kept_at.with_name(f"{kept_at.name}.{os.getpid()}.tmp")
    try:
        text = json.dumps(content)
        if json.loads(text) != content:  # keys that are not text, dates...: parse each time
            return
        kept_at.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # left by a process killed with this id
        mode = source.stat().st_mode & 0o666
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(partial, kept_at)
    except (OSError, TypeError, ValueError) as exc:  # a read-only install: parse each time
        log.debug("not keeping the parsed %s: %s", kept_at.name, exc)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
