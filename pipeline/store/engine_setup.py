"""Create, update and migrate picket's indices: ``picket index setup`` and ``migrate``.

Setup is idempotent and safe on every deploy: it (re)applies the component and index
templates, creates what is missing and adds new fields to what exists. Migrate copies the
stories into the next versioned index and moves the alias in one atomic step, so searches
through the alias never fail and never see an empty index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from pipeline.store.base import StoreError
from pipeline.store.engine_mappings import (
    STORY_MAPPINGS,
    IndexNames,
    alias_swap_body,
    component_templates,
    create_stories_index_body,
    plain_index_bodies,
    put_mapping_body,
    reindex_body,
    stories_index_template,
)
from pipeline.store.transport import EngineHTTPError

log = logging.getLogger(__name__)

Request = Callable[..., Any]
"""``request(method, path, *, body=None, params=None)``: one engine request, with retries."""


def _exists(request: Request, path: str) -> bool:
    try:
        request("GET", path)
    except EngineHTTPError as exc:
        if exc.status == 404:
            return False
        raise
    return True


def stories_index(request: Request, names: IndexNames) -> str | None:
    """The versioned index the story alias points at, or None before setup."""
    try:
        found: Mapping[str, Any] = request("GET", f"/_alias/{quote(names.stories)}")
    except EngineHTTPError as exc:
        if exc.status == 404:
            return None
        raise
    indices = sorted(found)
    if len(indices) != 1:
        raise StoreError(f"alias {names.stories} points at {indices}; expected one index")
    return indices[0]


def _update_mapping(request: Request, index: str, mappings: Mapping[str, Any]) -> None:
    try:
        request("PUT", f"/{quote(index)}/_mapping", body=put_mapping_body(mappings))
    except EngineHTTPError as exc:
        if exc.status == 400:
            raise StoreError(
                f"the mapping of {index} cannot change in place ({exc}); "
                "run `picket index migrate` to move the stories to a new index"
            ) from exc
        raise


def setup_indices(request: Request, names: IndexNames) -> list[str]:
    """Apply templates, create missing indices and alias, add new fields; say what was done."""
    done = []
    for name, body in component_templates(names).items():
        request("PUT", f"/_component_template/{quote(name)}", body=body)
        done.append(f"component template {name}: applied")
    request("PUT", f"/_index_template/{quote(names.template)}", body=stories_index_template(names))
    done.append(f"index template {names.template}: applied")

    current = stories_index(request, names)
    if current is None:
        if _exists(request, f"/{quote(names.stories)}"):
            raise StoreError(
                f"an index named {names.stories} exists where picket keeps an alias (was it "
                "written to before setup?); reindex or delete it, then run `picket index setup`"
            )
        first = names.stories_index(1)
        request("PUT", f"/{quote(first)}", body=create_stories_index_body(names))
        done.append(f"{names.stories} -> {first}: created")
    else:
        _update_mapping(request, current, STORY_MAPPINGS)
        done.append(f"{names.stories} -> {current}: mapping up to date")

    for index, body in plain_index_bodies(names).items():
        if _exists(request, f"/{quote(index)}"):
            _update_mapping(request, index, body["mappings"])
            done.append(f"{index}: mapping up to date")
        else:
            done.append(create_plain_index(request, names, index))
    request("GET", "/_cluster/health", params={"wait_for_status": "yellow", "timeout": "30s"})
    return done


def create_plain_index(request: Request, names: IndexNames, index: str) -> str:
    """Create one of the plain indices (``plain_index_bodies``) and say so."""
    request("PUT", f"/{quote(index)}", body=plain_index_bodies(names)[index])
    return f"{index}: created"


def ensure_plain_index(request: Request, names: IndexNames, index: str) -> None:
    """Create a plain index that a cluster set up by an older picket lacks."""
    if not _exists(request, f"/{quote(index)}"):
        create_plain_index(request, names, index)


def migrate_stories(
    request: Request,
    names: IndexNames,
    *,
    poll_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Move the stories to the next versioned index and the alias with them.

    The alias moves only once the copy is complete and searchable. Stories written to the
    old index while it was being copied are copied again after the move, then the old
    index is deleted (the ``picket-stories*`` data view would otherwise count them twice).
    """
    setup_indices(request, names)
    old = stories_index(request, names)
    if old is None:
        raise StoreError(f"alias {names.stories} is missing; run `picket index setup` first")
    new = names.stories_index(names.generation(old) + 1)
    if _exists(request, f"/{quote(new)}"):
        log.warning("deleting %s, left over from an unfinished migration", new)
        request("DELETE", f"/{quote(new)}")
    request("PUT", f"/{quote(new)}", body={})
    request(
        "GET",
        f"/_cluster/health/{quote(new)}",
        params={"wait_for_status": "yellow", "timeout": "60s"},
    )
    task = request(
        "POST",
        "/_reindex",
        body=reindex_body(old, new),
        params={"wait_for_completion": "false", "refresh": "true"},
    )["task"]
    copied = _wait_for_task(request, task, poll_s=poll_s, sleep=sleep)
    request("POST", f"/{quote(new)}/_refresh")
    request("POST", "/_aliases", body=alias_swap_body(names.stories, old, new))
    late = request(
        "POST",
        "/_reindex",
        body=reindex_body(old, new, only_missing=True),
        params={"refresh": "true"},
    )
    request("DELETE", f"/{quote(old)}")
    return f"{names.stories}: {old} -> {new}; {copied} stories copied" + (
        f", {late.get('created', 0)} written during the copy" if late.get("created") else ""
    )


def _wait_for_task(
    request: Request, task: str, *, poll_s: float, sleep: Callable[[float], None]
) -> int:
    """Wait for a reindex task; return how many documents it copied, or raise its failures."""
    while True:
        status = request("GET", f"/_tasks/{quote(task)}")
        if status.get("completed"):
            break
        sleep(poll_s)
    if "error" in status:
        raise StoreError(f"reindex failed: {status['error']}")
    response = status.get("response", {})
    failures = response.get("failures") or []
    if failures:
        raise StoreError(f"reindex failed for {len(failures)} stories, first: {failures[0]}")
    return int(response.get("created", 0)) + int(response.get("updated", 0))
