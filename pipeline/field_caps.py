"""How long each text field picket keeps may be: the caps in one place, and how they cut.

Feeds, sitemaps and pages are written by strangers; a title of a megabyte would be stored,
indexed, mailed and shown as it came. Every reader of outside text cuts its fields with
``capped`` to these lengths. Pure: strings in, strings out.
"""

from __future__ import annotations

from collections.abc import Iterable

TITLE_MAX_CHARS = 1_000
SUMMARY_MAX_CHARS = 10_000  # a feed entry's summary, a story's description
AUTHOR_MAX_CHARS = 200
AUTHORS_MAX = 30
TEXT_MAX_CHARS = 500_000  # an article's text: long reads run to some 100,000 characters

ELLIPSIS = "…"


def capped(text: str, max_chars: int) -> str:
    """``text`` if it fits in ``max_chars``, else cut at a word break and ended with "…"."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - len(ELLIPSIS)]
    space = cut.rfind(" ", max_chars // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + ELLIPSIS


def capped_authors(names: Iterable[str]) -> tuple[str, ...]:
    """At most ``AUTHORS_MAX`` author names, each cut to ``AUTHOR_MAX_CHARS``."""
    return tuple(capped(name, AUTHOR_MAX_CHARS) for name in list(names)[:AUTHORS_MAX])
