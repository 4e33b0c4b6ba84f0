"""The searches picket sends to Elasticsearch or OpenSearch.

Queries built from a ``StoryQuery`` (search words in picket's query language,
``pipeline.query``; filters and orders with the SQLite store's meaning), the ``since`` and
``kind`` queries of the store's reads, percolation against the alert watches and the
aggregations behind ``picket stats``.
Pure functions and constants: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pipeline.query import parse_query, to_engine_query
from pipeline.store.base import TAG_FIELDS, StoreError, StoryQuery
from pipeline.store.engine_documents import utc_iso
from pipeline.store.stats import STAT_FIELDS

EXACT_FILTER_FIELDS: frozenset[str] = frozenset(
    {"source_id", "outlet", "language", "domain", "event_id"}
)

SORTS: dict[str, list[dict[str, str]]] = {
    "newest": [{"@timestamp": "desc"}, {"id": "asc"}],
    "first_seen": [{"first_seen_at": "desc"}, {"id": "asc"}],
    "relevance": [
        {"relevance.label": "desc"},
        {"relevance.score": "desc"},
        {"@timestamp": "desc"},
        {"id": "asc"},
    ],
}
"""The same orders as the SQLite store, ending on the id so paging is stable."""


def _values_filter(name: str, values: Sequence[str]) -> dict[str, Any]:
    if name in TAG_FIELDS:
        should = [{"term": {name: {"value": v, "case_insensitive": True}}} for v in values]
        return {"bool": {"should": should, "minimum_should_match": 1}}
    if name in EXACT_FILTER_FIELDS:
        return {"terms": {name: list(values)}}
    raise StoreError(f"cannot filter on unknown field {name!r}")


def story_query(query: StoryQuery) -> dict[str, Any]:
    """The query clause selecting the stories a ``StoryQuery`` asks for."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    if query.text:
        must.append(to_engine_query(parse_query(query.text)))
    time_range = {}
    if query.since is not None:
        time_range["gte"] = utc_iso(query.since)
    if query.until is not None:
        time_range["lt"] = utc_iso(query.until)
    if time_range:
        filters.append({"range": {"@timestamp": time_range}})
    if query.relevant is not None:
        filters.append({"term": {"relevance.label": query.relevant}})
    if not query.include_duplicates:
        must_not.append({"exists": {"field": "duplicate_of"}})
    for name, values in (query.filters or {}).items():
        values = [v for v in values if v]
        if values:
            filters.append(_values_filter(name, values))
    if not (must or filters or must_not):
        return {"match_all": {}}
    clauses: dict[str, Any] = {}
    for key, items in (("must", must), ("filter", filters), ("must_not", must_not)):
        if items:
            clauses[key] = items
    return {"bool": clauses}


def search_body(query: StoryQuery, *, size: int) -> dict[str, Any]:
    """A page of stories in the order a ``StoryQuery`` asks for."""
    return {
        "query": story_query(query),
        "sort": SORTS[query.sort],
        "size": size,
        "_source": {"excludes": ["signature"]},
        "track_total_hits": False,
    }


def count_body(query: StoryQuery) -> dict[str, Any]:
    return {"query": story_query(query)}


def since_query(field: str, since: datetime | None) -> dict[str, Any]:
    """Documents whose ``field`` is at or after ``since`` (all of them for ``None``)."""
    if since is None:
        return {"match_all": {}}
    return {"range": {field: {"gte": utc_iso(since)}}}


def kind_query(kind: str) -> dict[str, Any]:
    return {"term": {"kind": kind}}


def percolate_body(documents: Sequence[Mapping[str, Any]], *, size: int) -> dict[str, Any]:
    """Find the stored watches matching any of ``documents``; hits name the slots matched."""
    return {
        "query": {"percolate": {"field": "query", "documents": list(documents)}},
        "_source": ["watch"],
        "size": size,
        "sort": [{"id": "asc"}],
    }


def stale_watches_query(keep: Iterable[str]) -> dict[str, Any]:
    """The stored watches not among ``keep``."""
    return {"query": {"bool": {"must_not": [{"terms": {"watch": sorted(keep)}}]}}}


# --- aggregations for ``picket stats`` -------------------------------------------------


def story_stats_body(since: datetime | None, *, relevant_only: bool, top: int) -> dict[str, Any]:
    """Stories per week and the most frequent companies, actions, struggles and tags."""
    query = story_query(StoryQuery(since=since, relevant=True if relevant_only else None))
    aggs: dict[str, Any] = {
        "per_week": {
            "date_histogram": {
                "field": "@timestamp",
                "calendar_interval": "week",
                "min_doc_count": 1,
            }
        }
    }
    for name in STAT_FIELDS:
        aggs[name] = {"terms": {"field": name, "size": top}}
    return {"size": 0, "track_total_hits": True, "query": query, "aggs": aggs}


def event_stats_body(since: datetime | None) -> dict[str, Any]:
    """Events active since ``since``, counted by the week they began."""
    return {
        "size": 0,
        "track_total_hits": True,
        "query": since_query("last_seen", since),
        "aggs": {
            "per_week": {
                "date_histogram": {
                    "field": "first_seen",
                    "calendar_interval": "week",
                    "min_doc_count": 1,
                }
            }
        },
    }
