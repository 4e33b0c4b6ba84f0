"""Queries either work or say clearly what is wrong with them, whatever a person types.

Watches and ``picket search`` take one query language (``pipeline.query``). A query
parses, or raises the module's ``QuerySyntaxError`` naming the position; a parsed query
compiles for both the engines and SQLite, and SQLite runs it. A search never makes the
store fail: it gives stories, or that syntax error.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fuzzing import FUZZ, TRICKY_TEXT
from hypothesis import example, given
from hypothesis import strategies as st
from synthetic_stories import make_stories

from pipeline.alerts.match import NEW_STORIES, FtsMatcher
from pipeline.alerts.watches import Watch
from pipeline.query import QuerySyntaxError, parse_query, to_engine_query, to_sql
from pipeline.store.base import StoryQuery
from pipeline.store.sqlite import SQLiteStore

STORIES = make_stories(12)
QUERY_TOKENS = st.one_of(
    st.sampled_from(
        [
            "AND", "OR", "NOT", "and", "(", ")", '"', '"open letter"', '""', '" "',
            "title:", "body:", "companies:", "actions:", "bogus:", ":", "companies:Google",
            "strike*", "walk-out", "NEAR", "^", "-", "+", "*", "'", "o'reilly's", "the",
            "workers", "union", "\\", "%", "_", "{title}", "col:umn",
        ]
    ),
    TRICKY_TEXT,
)  # fmt: skip
QUERIES = st.lists(QUERY_TOKENS, max_size=12).map(" ".join)


def parse_or_error(query: str):
    try:
        return parse_query(query)
    except QuerySyntaxError as error:
        assert error.reason and f"at position {error.position + 1} of" in str(error)
        assert 0 <= error.position <= len(query)
        return None


@FUZZ
@given(query=st.one_of(QUERIES, st.text(max_size=60)))
def test_a_watch_query_parses_or_says_where_it_is_wrong(query: str) -> None:
    parse_or_error(query)


@pytest.mark.parametrize("query", ["(" * 5000 + "strike" + ")" * 5000, "NOT " * 5000 + "strike"])
def test_a_watch_query_nested_too_deeply_is_a_syntax_error(query: str) -> None:
    with pytest.raises(QuerySyntaxError, match="nests too deeply"):
        parse_query(query)


@FUZZ
@given(query=QUERIES)
@example(query="0\x00")  # FTS5 read the NUL as the end of its string
@example(query='title:"the" OR body:"of"')
@example(query='"workers\' union" AND NOT companies:"Google"')
def test_a_parsed_watch_query_compiles_and_runs_on_sqlite(query: str) -> None:
    ast = parse_or_error(query)
    if ast is None:
        return
    json.dumps(to_engine_query(ast))  # a percolator document the engines can take
    condition, params = to_sql(ast, NEW_STORIES)
    assert condition.count("?") == len(params)
    watch = Watch(name="fuzz", query=query, ast=ast)
    FtsMatcher().match([watch], STORIES)  # raises sqlite3.Error if the SQL is wrong


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("fuzz-search") / "picket.db"
    with closing(SQLiteStore(path)) as opened:
        opened.upsert_stories(STORIES)
        yield opened


@FUZZ
@given(text=st.one_of(QUERIES, st.text(max_size=60)))
@example(text="(" * 3000 + "strike")  # FTS5's parser stack overflowed
@example(text='NEAR("a" "b", 2) OR title : x* AND -y')
def test_any_search_text_gives_results_or_a_syntax_error(store: SQLiteStore, text: str) -> None:
    try:
        results = store.search(StoryQuery(text=text, limit=5))
    except QuerySyntaxError:
        return
    except sqlite3.Error as error:  # pragma: no cover - the failure this test looks for
        pytest.fail(f"search {text!r} broke the store: {error}")
    assert len(results) <= 5
