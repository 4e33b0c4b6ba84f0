"""From an extracted page to a judged story and its event: bylines, and one event per action."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from picket_env import settings_in

from pipeline.crawl_records import FetchedPage
from pipeline.demo.server import demo_site_root
from pipeline.extract.article import extract_article
from pipeline.process import StoryProcessor, understand
from pipeline.run import store_batch, understand_pages
from pipeline.store.sqlite import SQLiteStore

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
BYLINE = '<div class="byline">By <span class="author">Rosa Whitfield</span></div>'


def page(headline: str, paragraphs: list[str], *, head: str = "") -> FetchedPage:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{headline}</title>{head}</head>
<body><article><h1>{headline}</h1>{BYLINE}<div class="story">{body}</div></article></body>
</html>"""
    url = "https://dailystack.example/news/story"
    return FetchedPage(
        source_id="dailystack",
        url=url,
        final_url=url,
        status=200,
        fetched_at=NOW,
        body=html.encode("utf-8"),
        content_type="text/html; charset=utf-8",
    )


WALKOUT = [
    "Hundreds of Google employees walked out of the company's offices on Thursday to protest "
    "a cloud contract with an immigration enforcement agency.",
    "The employees, who organised the walkout over two weeks on internal mailing lists, "
    "demanded that Google cancel the contract and publish its ethics review.",
    "A Google spokesperson said the company respects its employees' right to speak up and "
    "would meet with the organisers next week to hear their concerns in person.",
]
BAKE_SALE = [
    "The village bakery sold out of its rye loaves by nine on Saturday morning, as it does "
    "most weekends once the farmers' market opens in the square outside.",
    "Its owner, who took over from her parents a decade ago, says the secret is a starter "
    "that is older than she is and a wood oven that she lights before dawn every day.",
    "Next month she plans a class for children on shaping pretzels and braided loaves.",
]


def judged(fetched: FetchedPage):
    return understand(extract_article(fetched), fetched, now=NOW, threshold=0.5)


def test_a_relevant_story_gets_the_byline_its_page_names() -> None:
    story = judged(page("Google employees walk out over immigration contract", WALKOUT))

    assert story.relevance.label
    assert story.authors == ("Rosa Whitfield",)


def test_other_stories_are_not_searched_for_a_byline() -> None:
    story = judged(page("A village bakery sells out by nine", BAKE_SALE))

    assert not story.relevance.label
    assert story.authors == ()


def test_declared_authors_are_kept_without_a_byline_search() -> None:
    head = '<meta name="author" content="Tomás Ibarra">'
    story = judged(page("Google employees walk out over immigration contract", WALKOUT, head=head))

    assert story.authors == ("Tomás Ibarra",)


def demo_pages() -> list[tuple[dict, FetchedPage]]:
    """Every article of the bundled demo site with its manifest entry, as a crawl fetches it."""
    site = demo_site_root()
    base = "http://127.0.0.1:8765"
    pages = []
    for article in json.loads((site / "MANIFEST.json").read_text(encoding="utf-8")):
        url = base + article["path"]
        html = (site / article["path"].lstrip("/")).read_bytes().replace(b"__BASE__", base.encode())
        pages.append(
            (
                article,
                FetchedPage(
                    source_id="demo",
                    url=url,
                    final_url=url,
                    status=200,
                    fetched_at=NOW,
                    body=html,
                    content_type="text/html; charset=utf-8",
                ),
            )
        )
    return sorted(pages, key=lambda item: item[0]["published"] or "")


@pytest.mark.slow
def test_each_event_of_the_demo_corpus_is_one_action() -> None:
    processor = StoryProcessor(
        stored=[], events=[], lookup_event=lambda _: None, now=NOW, threshold=0.5
    )
    action_of = {}
    for article, fetched in demo_pages():
        story = processor.add_page(fetched)
        assert story is not None, article["slug"]
        action_of[story.id] = article["duplicate_of"] or article["slug"]
    events = processor.batch.events.values()

    actions_per_event = {e.title: {action_of[s] for s in e.story_ids} for e in events}
    assert all(len(actions) == 1 for actions in actions_per_event.values()), actions_per_event
    merged = [e for e in events if len(e.story_ids) > 1]
    assert len(merged) >= 2  # a reprint or a second outlet's report joins its original
    assert len(events) >= 24


def test_a_copy_reached_by_two_sources_counts_as_one_duplicate() -> None:
    pages = {article["slug"]: fetched for article, fetched in demo_pages()}
    processor = StoryProcessor(
        stored=[], events=[], lookup_event=lambda _: None, now=NOW, threshold=0.5
    )
    original = processor.add_page(pages["google-walkout-sexual-misconduct"])
    for _ in ("from the feed", "from the sitemap"):
        copy = processor.add_page(pages["google-walkout-sexual-misconduct-syndicated"])
        assert copy is not None and original is not None and copy.duplicate_of == original.id
    assert processor.batch.duplicates == 1


def test_a_late_run_finds_the_copies_the_run_before_it_stored(tmp_path: Path) -> None:
    # A scheduler catching up runs a data interval long after its end: the run before
    # stored its stories at the wall clock's time, later than this run's ``now``.
    pages = {article["slug"]: fetched for article, fetched in demo_pages()}
    settings = settings_in(tmp_path)
    with closing(SQLiteStore(tmp_path / "stories.db")) as store:
        first = understand_pages(
            store, [pages["google-walkout-sexual-misconduct"]], now=NOW, settings=settings
        )
        store_batch(store, first, (), settings=settings, stored_at=NOW + timedelta(hours=2))
        late = understand_pages(
            store,
            [pages["google-walkout-sexual-misconduct-syndicated"]],
            now=NOW + timedelta(minutes=15),
            settings=settings,
        )
    (original,) = first.stories
    (copy,) = late.stories.values()
    assert copy.duplicate_of == original
    assert late.duplicates == 1
