"""picket's records as plain JSON-able dicts and back, for files between processes and for
storage: datetimes as ISO 8601, bytes as base64, nested records and tuples as they are typed.

Apart from the record modules (``pipeline.records``, ``pipeline.crawl_records``,
``pipeline.source_records``) so that a store can read one kind without building the others.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any


def to_json(record: Any) -> Any:
    """A JSON-able form of a record (datetimes as ISO 8601, bytes as base64)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_json(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, datetime):
        return record.isoformat()
    if isinstance(record, bytes):
        import base64  # stories hold no bytes: searches and listings never load it

        return base64.b64encode(record).decode("ascii")
    if isinstance(record, (tuple, list)):
        return [to_json(v) for v in record]
    if isinstance(record, Mapping):
        return {k: to_json(v) for k, v in record.items()}
    return record


def from_json(cls: type, data: Mapping[str, Any]) -> Any:
    """Rebuild a record of type ``cls`` from ``to_json`` output."""
    hints = _type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            kwargs[f.name] = _decode(hints[f.name], data[f.name])
    return cls(**kwargs)


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    """A record's field types, resolved once (resolving them costs more than decoding)."""
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        (item, *_) = typing.get_args(hint)
        return tuple(_decode(item, v) for v in value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is bytes:
        import base64

        return base64.b64decode(value)
    if dataclasses.is_dataclass(hint):
        return from_json(hint, value)
    return value
