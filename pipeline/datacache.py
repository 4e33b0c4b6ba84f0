"""Package data files parsed once, their parsed form kept as JSON beside Python's bytecode.

Reading a YAML data file (the gazetteer's companies) means loading and running PyYAML,
which costs a quick command such as ``picket search companies:AMZN`` more than the rest
of its work. The parsed form is kept the way Python keeps bytecode: in ``__pycache__``
beside the file (or under ``PYTHONPYCACHEPREFIX``), valid while the file keeps its size
and modification time, and not written where Python writes no bytecode
(``PYTHONDONTWRITEBYTECODE``) or cannot write.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from importlib.util import cache_from_source
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def parsed(path: Path, parse: Callable[[str], Any]) -> Any:
    """``parse`` of the UTF-8 text of ``path``, or what was kept from the last time."""
    status = path.stat()
    source = [status.st_mtime_ns, status.st_size]
    kept_at = Path(cache_from_source(str(path))).parent / f"{path.name}.json"
    try:
        kept = json.loads(kept_at.read_text("utf-8"))
        if kept["source"] == source:
            return kept["data"]
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or not ours
        pass
    data = parse(path.read_text("utf-8"))
    if not sys.dont_write_bytecode:
        _keep(kept_at, {"source": source, "data": data})
    return data


def _keep(kept_at: Path, content: dict[str, Any]) -> None:
    """Write ``content`` to ``kept_at`` whole, if JSON holds it as it is."""
    try:
        text = json.dumps(content)
        if json.loads(text) != content:  # keys that are not text, dates...: parse each time
            return
        kept_at.parent.mkdir(parents=True, exist_ok=True)
        partial = kept_at.with_name(f"{kept_at.name}.{os.getpid()}.tmp")
        partial.write_text(text, "utf-8")
        os.replace(partial, kept_at)
    except (OSError, TypeError, ValueError) as exc:  # a read-only install: parse each time
        log.debug("not keeping the parsed %s: %s", kept_at.name, exc)
