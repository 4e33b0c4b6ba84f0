"""``picket index migrate`` moves the stories to the next versioned index while searches
through the alias keep answering, with every story, the whole time."""

from __future__ import annotations

import threading
import time
from contextlib import closing

import pytest
from engine_testing import drop_indices, open_test_store
from synthetic_stories import make_stories

from pipeline.store import StoryQuery

pytestmark = pytest.mark.opensearch


def test_migrate_swaps_the_alias_while_a_search_loop_keeps_succeeding(opensearch_node, tmp_path):
    stories = make_stories(3_000, seed=11)
    google = StoryQuery(filters={"companies": ["Google"]})
    expected = sum("Google" in s.tags.companies for s in stories)
    store = open_test_store(opensearch_node.url, tmp_path / "outbox.db")
    store.setup()
    store.upsert_stories(stories)
    store.refresh()
    names = store.names

    answers: list[tuple[int, int]] = []
    failures: list[Exception] = []
    stop = threading.Event()

    def search_loop() -> None:
        with closing(
            open_test_store(opensearch_node.url, tmp_path / "reader.db", prefix=names.prefix)
        ) as reader:
            while not stop.is_set():
                try:
                    answers.append((reader.count(), reader.count(google)))
                    assert len(reader.search(StoryQuery(text="strike", limit=5))) == 5
                except Exception as exc:  # every failure is the test's finding
                    failures.append(exc)

    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        while len(answers) < 5:
            time.sleep(0.05)
        before = len(answers)
        report = store.migrate()
        while len(answers) < before + 20:
            time.sleep(0.05)
    finally:
        stop.set()
        searcher.join(timeout=60)

    assert not failures, failures[:3]
    assert set(answers) == {(3_000, expected)}
    assert names.stories_index(2) in report
    aliases = store.request("GET", f"/_alias/{names.stories}")
    assert list(aliases) == [names.stories_index(2)]
    found = store.request(
        "GET", f"/_cat/indices/{names.prefix}-stories-*", params={"format": "json"}
    )
    assert [row["index"] for row in found] == [names.stories_index(2)]  # the old one is gone
    assert store.get_story(stories[0].id) == stories[0]
    again = store.upsert_stories(stories[:10])  # writes go to the new index
    assert again.unchanged == 10

    mapping = store.request("GET", f"/{names.stories}/_mapping")[names.stories_index(2)]
    assert mapping["mappings"]["dynamic"] == "strict"
    drop_indices(store)
    store.close()
