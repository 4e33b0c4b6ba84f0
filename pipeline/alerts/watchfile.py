"""Add and remove watches in ``watches.yaml`` in place, keeping the operator's comments.

The file is edited as text at the lines the YAML parser says an entry spans, then parsed
again; if the result is not exactly the old watches plus or minus the one changed, the
file is left as it was and the edit is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from pipeline.alerts.watches import Watch, watch_entry
from pipeline.configfile import ConfigFileError, read_text
from pipeline.settings import ConfigError
from pipeline.strict_yaml import parse_yaml

HEADER = '# Watches: saved queries whose new matches picket emails. See README.md, "Watches".\n'


class WatchFileError(ConfigError):
    """The watches file cannot be changed as asked."""


def add_watch(path: Path, watch: Watch) -> None:
    """Append ``watch`` to the file (created if missing); its name must be new."""
    text = _read(path) if path.exists() else ""
    entries = _entries(text, path)
    if any(isinstance(e, dict) and e.get("name") == watch.name for e in entries):
        raise WatchFileError(f"{path}: a watch named {watch.name!r} already exists")
    entry = watch_entry(watch)
    block = yaml.safe_dump(
        [entry], sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    root = yaml.compose(text) if text.strip() else None
    sequence = _watches_node(root, path) if root is not None else None
    if root is None or sequence is None:
        new_text = (text.rstrip("\n") + "\n" if text.strip() else HEADER) + "watches:\n"
        new_text += _indent(block, 2)
    elif isinstance(sequence, yaml.SequenceNode) and sequence.value and not sequence.flow_style:
        lines = text.splitlines(keepends=True)
        _, end = _item_lines(lines, sequence.value[-1])
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines[end:end] = ["\n", _indent(block, sequence.start_mark.column)]
        new_text = "".join(lines)
    else:
        start, stop = sequence.start_mark.index, sequence.end_mark.index
        new_text = text[:start].rstrip(" ") + "\n" + _indent(block, 2) + text[stop:].lstrip("\n")
    after = _entries(new_text, path)
    if after[:-1] != entries or after[-1:] != [entry]:
        raise WatchFileError(f"{path}: cannot add the watch without disturbing the file")
    _write(path, new_text)


def remove_watch(path: Path, name: str) -> None:
    """Remove the watch called ``name`` from the file."""
    if not path.exists():
        raise WatchFileError(f"{path} does not exist")
    text = _read(path)
    entries = _entries(text, path)
    position = next(
        (i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("name") == name), None
    )
    if position is None:
        raise WatchFileError(f"{path}: no watch is named {name!r}")
    sequence = _watches_node(yaml.compose(text), path)
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        raise WatchFileError(f"{path}: 'watches' is not a block list; edit it by hand")
    lines = text.splitlines(keepends=True)
    start, end = _item_lines(lines, sequence.value[position])
    new_text = "".join(lines[:start] + lines[end:])
    if _entries(new_text, path) != entries[:position] + entries[position + 1 :]:
        raise WatchFileError(f"{path}: cannot remove the watch without disturbing the file")
    _write(path, new_text)


def _read(path: Path) -> str:
    try:
        return read_text(path)
    except ConfigFileError as exc:
        raise WatchFileError(str(exc)) from exc


def _entries(text: str, path: Path) -> list[Any]:
    try:
        document = parse_yaml(text, path) if text.strip() else None
    except ConfigFileError as exc:
        raise WatchFileError(str(exc)) from exc
    if document is None:
        return []
    if (
        not isinstance(document, dict)
        or set(document) - {"watches"}
        or not isinstance(document.get("watches") or [], list)
    ):
        raise WatchFileError(f"{path}: expected a mapping with one key, a 'watches' list")
    return list(document.get("watches") or [])


def _watches_node(root: yaml.Node, path: Path) -> yaml.Node | None:
    if not isinstance(root, yaml.MappingNode):
        raise WatchFileError(f"{path}: expected a mapping with a 'watches' list")
    return next((value for key, value in root.value if key.value == "watches"), None)


def _item_lines(lines: list[str], item: yaml.Node) -> tuple[int, int]:
    """The lines [start, end) of one list item: its comment, dash and content."""
    start = item.start_mark.line
    while start > 0 and not lines[start].lstrip().startswith("-"):
        start -= 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1  # the comment right above an item belongs to it
    end = item.end_mark.line
    if end < len(lines) and lines[end][: item.end_mark.column].strip():
        end += 1  # the item ends on the last line of a file without a final newline
    while end > start + 1 and (
        not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
    ):
        end -= 1
    return start, end


def _indent(block: str, columns: int) -> str:
    pad = " " * columns
    return "".join(pad + line if line.strip() else line for line in block.splitlines(keepends=True))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
