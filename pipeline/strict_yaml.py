"""PyYAML's loaders made strict: a key given twice, or nesting too deep, is an error.

``parse_yaml`` reads with libyaml when it can and falls back to the pure-Python loader for
the message; every problem is a ``ConfigFileError`` naming the line and column.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from pipeline.configfile import ConfigFileError

_MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_NESTING = 100
"""Deeper lists and mappings are refused: real entries nest a few levels, and PyYAML's
reading time grows with the square of the depth."""


class _NoKeyTwice:
    """Refuses a key that a mapping already has (the constructor of the loaders below)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *defaults` may be overridden, by design
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                earlier = first_seen.setdefault(key, key_node.start_mark)
            except TypeError:  # an unhashable key: the safe loader refuses it just after
                continue
            if earlier is not key_node.start_mark:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {_short(key)} (first given on line {earlier.line + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class StrictLoader(_NoKeyTwice, yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key that a mapping already has and deep nesting."""

    _depth = 0  # how many collections the node being composed is inside

    def fetch_flow_collection_start(self, token_class: type) -> None:
        if self.flow_level >= MAX_NESTING:  # refused while scanning, before reading ahead
            raise _too_deep(self.get_mark())
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _too_deep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _QuickLoader(_NoKeyTwice, yaml.CSafeLoader):
    """libyaml's parser with the same constructor: several times quicker on a file that is
    right; what it refuses, or nests too deep, is read again by ``StrictLoader``. Text
    where libyaml reads otherwise (tabs, tags, ``|#``) or with characters the strict
    reader refuses goes straight to ``StrictLoader``."""


def parse_yaml(text: str, origin: object) -> Any:
    """The YAML document in ``text`` (None when empty); ``origin`` names it in errors."""
    if not _LIBYAML_DIFFERS.search(text) and not _NON_PRINTABLE.search(text):
        try:
            document = yaml.load(text, Loader=_QuickLoader)
        except (yaml.YAMLError, RecursionError):
            pass  # read again below, for the message
        else:
            if _nesting(document, {}, set()) <= MAX_NESTING:
                return document
    try:
        loader = StrictLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader checks every character first
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigFileError(
            origin,
            f"not valid YAML: line {line}: the character U+{exc.character:04X} is not allowed",
        ) from None
    loader.name = str(origin)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise ConfigFileError(origin, f"not valid YAML: {_marked(exc)}") from None
    except yaml.YAMLError as exc:
        raise ConfigFileError(origin, f"not valid YAML: {_one_line(str(exc))}") from None
    except RecursionError:
        raise ConfigFileError(origin, "not valid YAML: nested too deeply to read") from None
    finally:
        loader.dispose()


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_LIBYAML_DIFFERS = re.compile(r"[\t!]|[|>][-+0-9]*#")


def _nesting(value: Any, heights: dict[int, int], path: set[int]) -> int:
    """How many levels of nodes ``value`` has, as ``StrictLoader`` counts them (a scalar is
    one); a collection shared by aliases is measured once, one inside itself counts as too
    deep (so the strict loader reads it)."""
    if not isinstance(value, dict | list):
        return 1
    if id(value) in heights:
        return heights[id(value)]
    if id(value) in path or len(path) >= MAX_NESTING:
        return MAX_NESTING + 1
    path.add(id(value))
    children = [*value, *value.values()] if isinstance(value, dict) else value
    height = 1 + max((_nesting(child, heights, path) for child in children), default=0)
    path.discard(id(value))
    heights[id(value)] = height
    return height


def _marked(exc: yaml.MarkedYAMLError) -> str:
    problem = _one_line(exc.problem or exc.context or "cannot be read")
    if exc.problem and exc.context:
        opened = f" on line {exc.context_mark.line + 1}" if exc.context_mark else ""
        problem += f" ({exc.context}{opened})"
    mark = exc.problem_mark or exc.context_mark
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _too_deep(mark: yaml.Mark) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(None, None, f"nested more than {MAX_NESTING} levels deep", mark)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
