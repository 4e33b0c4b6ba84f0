"""The watch query language: what parses, what is refused and why, and what matches."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.alerts.match import FtsMatcher, matching_stories
from pipeline.alerts.watches import WatchFilters, parse_watch
from pipeline.query import (
    MAX_QUERY_DEPTH,
    MAX_QUERY_TERMS,
    And,
    Keyword,
    Not,
    Or,
    QuerySyntaxError,
    Words,
    parse_query,
    to_engine_query,
)
from pipeline.records import Relevance, Story, Tags


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("strike", Words("strike")),
        ('"open letter"', Words("open letter")),
        ("google walkout", And((Words("google"), Words("walkout")))),
        ("google AND walkout", And((Words("google"), Words("walkout")))),
        ("strike OR walkout", Or((Words("strike"), Words("walkout")))),
        (
            "a OR b c",  # AND binds tighter than OR
            Or((Words("a"), And((Words("b"), Words("c"))))),
        ),
        ("(a OR b) c", And((Or((Words("a"), Words("b"))), Words("c")))),
        ("NOT layoffs", Not(Words("layoffs"))),
        ("strike NOT NOT union", And((Words("strike"), Not(Not(Words("union")))))),
        ("companies:Google", Keyword("companies", "Google")),
        ('companies:"Activision Blizzard"', Keyword("companies", "Activision Blizzard")),
        ("Actions:strike", Keyword("actions", "strike")),
        ("title:union", Words("union", "title")),
        ('body:"walked off"', Words("walked off", "body")),
        ("and or not", And((Words("and"), Words("or"), Words("not")))),  # lower case: words
        ("10:30", Words("10:30")),
    ],
)
def test_valid_queries_parse_to_their_meaning(query, expected):
    assert parse_query(query) == expected


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "the query is empty"),
        ("   ", "the query is empty"),
        ("(strike", "unclosed '('"),
        ("strike)", "unexpected ')'"),
        ("AND strike", "expected a word"),
        ("strike OR", "at the end"),
        ("strike AND NOT", "at the end"),
        ("()", "expected a word"),
        ('"open letter', "unterminated quote"),
        ("employer:google", "unknown field 'employer'"),
        ("companies:", "needs a word or a quoted value"),
        ('companies:""', "has an empty value"),
        ("&&", "has no words"),
    ],
)
def test_invalid_queries_say_what_is_wrong_and_where(query, reason):
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(query)
    assert reason in str(raised.value)
    assert "position" in str(raised.value)


def widest_query(terms: int) -> str:
    """``terms`` words ORed, each a different word."""
    return " OR ".join(f"word{n}" for n in range(terms))


def deepest_query(depth: int) -> str:
    """OR, AND and NOT in turn, nested ``depth`` deep: (w2 OR (NOT (w0 AND (walkout))))."""
    query = "walkout"
    for level in range(depth):
        query = (f"w{level} AND ({query})", f"NOT ({query})", f"w{level} OR ({query})")[level % 3]
    return query


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        (widest_query(10_000), f"10000 terms, more than the {MAX_QUERY_TERMS}"),
        (widest_query(MAX_QUERY_TERMS + 1), f"more than the {MAX_QUERY_TERMS} a watch query"),
        ('"' + " ".join(["union"] * (MAX_QUERY_TERMS + 1)) + '"', "terms, more than the"),
        (deepest_query(MAX_QUERY_DEPTH + 1), f"more than the {MAX_QUERY_DEPTH} levels"),
        ("NOT " * 900 + "strike", f"more than the {MAX_QUERY_DEPTH} levels"),
    ],
)
def test_a_query_beyond_the_limits_is_refused_naming_the_limit(query, limit):
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(query)
    assert limit in str(raised.value)
    assert len(str(raised.value)) < 300  # the query is not repeated whole


@pytest.mark.parametrize(
    "query", [widest_query(MAX_QUERY_TERMS), deepest_query(MAX_QUERY_DEPTH)], ids=["wide", "deep"]
)
def test_a_query_at_the_limits_runs_on_sqlite(query):
    watch = parse_watch({"name": "w", "query": query})
    assert FtsMatcher().match([watch], STORIES)["w"] <= {s.id for s in STORIES}


def test_engine_query_mirrors_the_ast():
    ast = parse_query('companies:palantir AND ("open letter" OR title:walkout) NOT tags:ai')
    assert to_engine_query(ast) == {
        "bool": {
            "filter": [
                {"term": {"companies": {"value": "palantir", "case_insensitive": True}}},
                {
                    "bool": {
                        "should": [
                            {
                                "multi_match": {
                                    "query": "open letter",
                                    "fields": ["title", "body"],
                                    "type": "phrase",
                                }
                            },
                            {"match_phrase": {"title": "walkout"}},
                        ],
                        "minimum_should_match": 1,
                    }
                },
                {
                    "bool": {
                        "must_not": [{"term": {"tags": {"value": "ai", "case_insensitive": True}}}]
                    }
                },
            ]
        }
    }


def story(n: int, title: str, text: str = "", **changes) -> Story:
    base = Story(
        id=f"s{n}",
        url=f"https://news.example/{n}",
        canonical_url=f"https://news.example/{n}",
        source_id="example",
        outlet="Example News",
        title=title,
        text=text,
        relevance=Relevance(score=0.9, label=True),
    )
    return replace(base, **changes)


STORIES = [
    story(
        1,
        "Google workers stage walkout",
        "Thousands walked off the job.",
        tags=Tags(companies=("Google",), actions=("protest",)),
    ),
    story(
        2,
        "Amazon staff sign open letter",
        "Employees are striking over climate.",
        tags=Tags(companies=("Amazon",), actions=("open_letter",), tags=("climate_change",)),
    ),
    story(
        3,
        "Microsoft union vote",
        "The letter was open to all.",
        tags=Tags(companies=("Microsoft",), actions=("union_drive",)),
        language="en",
    ),
    story(
        4,
        "Quarterly results",
        "Revenue grew.",
        outlet="Wire Service",
        relevance=Relevance(score=0.1, label=False),
    ),
]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("walkout", {"s1"}),
        ("strikes", {"s2"}),  # stemmed: "striking" and "strikes" meet at "strike"
        ('"open letter"', {"s2"}),  # a phrase: "letter was open" is not it
        ('"open letters"', {"s2"}),
        ("open letter", {"s2", "s3"}),  # two words anywhere
        ("companies:google OR companies:AMAZON", {"s1", "s2"}),
        ("actions:open_letter", {"s2"}),
        ("tags:climate_change", {"s2"}),
        ("union NOT companies:google", {"s3"}),
        ("title:union", {"s3"}),
        ("body:union", set()),
        ('outlet:"wire service"', {"s4"}),
        ("language:en", {"s3"}),
        ("NOT (walkout OR union)", {"s2", "s4"}),
    ],
)
def test_sqlite_matching_follows_the_query(query, ids):
    watch = parse_watch({"name": "w", "query": query})
    assert FtsMatcher().match([watch], STORIES) == {"w": ids}


BRANDS = [
    story(21, "Riders strike", tags=Tags(companies=("Foodpanda",), actions=("strike",))),
    story(22, "Head office staff sign a letter", tags=Tags(companies=("Delivery Hero",))),
    story(23, "Drivers rally", tags=Tags(companies=("Uber",), actions=("protest",))),
    story(24, "Testers unionize", tags=Tags(companies=("Arkane Studios",))),
]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ('companies:"delivery hero"', {"s21", "s22"}),  # the owner finds its brand's strike
        ("companies:foodpanda", {"s21"}),  # a brand does not find its owner's stories
        ("companies:microsoft", {"s24"}),  # Arkane is owned through ZeniMax
        ("companies:aws", set()),  # an alias of Amazon, which owns none of these
        ("companies:MSFT", {"s24"}),  # a ticker, as typed into a hand-written watch
        ("companies:UBER OR companies:Grubhub", {"s23"}),
        ("companies:foodpanda.com", set()),
        ("companies:uber NOT companies:postmates", {"s23"}),
    ],
)
def test_a_company_in_a_query_also_finds_the_brands_it_owns(query, ids):
    watch = parse_watch({"name": "w", "query": query})
    assert FtsMatcher().match([watch], BRANDS) == {"w": ids}


def test_the_engine_query_of_an_owner_names_its_brands():
    query = to_engine_query(parse_query("companies:microsoft"))
    typed, named = query["bool"]["should"]
    assert typed == {"term": {"companies": {"value": "microsoft", "case_insensitive": True}}}
    names = named["terms"]["companies"]
    assert {"LinkedIn", "ZeniMax Media", "Arkane Studios"} <= set(names)
    assert to_engine_query(parse_query("companies:nosuchcompany")) == {
        "term": {"companies": {"value": "nosuchcompany", "case_insensitive": True}}
    }


def test_a_company_filter_also_accepts_the_brands_it_owns():
    watch = replace(
        parse_watch({"name": "w", "query": "NOT nothingmatchesthis"}),
        filters=WatchFilters(companies=("Delivery Hero",)),
    )
    found = matching_stories(FtsMatcher(), [watch], BRANDS)
    assert {s.id for s in found["w"]} == {"s21", "s22"}


def test_filters_apply_after_the_query():
    watch = replace(
        parse_watch({"name": "w", "query": "NOT nothingmatchesthis"}),
        filters=WatchFilters(companies=("google", "amazon"), min_score=0.5),
    )
    found = matching_stories(FtsMatcher(), [watch], STORIES)
    assert [s.id for s in found["w"]] == ["s1", "s2"]
    everything = replace(watch, filters=WatchFilters(relevant_only=False))
    assert len(matching_stories(FtsMatcher(), [everything], STORIES)["w"]) == 4


ANALYZED = [
    story(11, "A letter of protest", "Google's workers signed it."),
    story(12, "The walkout", "Workers at the café left."),
]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ('"letter to protest"', {"s11"}),  # a stop word keeps its place, like the engines
        ('"letter protest"', set()),
        ('"google workers"', {"s11"}),  # the possessive goes, like the engines
        ('"the walkout"', {"s12"}),  # leading stop words drop out
        ('"of the"', set()),  # only stop words: nothing, as on the engines
        ("cafe", set()),  # accents are kept, as the english analyzer keeps them
        ("café", {"s12"}),
    ],
)
def test_sqlite_text_analysis_mirrors_the_english_analyzer(query, ids):
    watch = parse_watch({"name": "w", "query": query})
    assert FtsMatcher().match([watch], ANALYZED) == {"w": ids}
