"""Event clustering: one action covered by several outlets, different actions, stable ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipeline.events import (
    assign_event,
    event_id_for,
    merge_tags,
    story_keywords,
    undated_events,
)
from pipeline.records import Event, Relevance, Story, Tags

NOW = datetime(2024, 10, 1, tzinfo=UTC)
RELEVANT = Relevance(score=0.9, label=True, evidence=("workers walked out",))
STRIKE = Tags(
    companies=("Amazon",),
    actions=("strike",),
    struggles=("pay_and_benefits",),
    employment_types=("blue_collar",),
)


def _story(
    sid: str,
    title: str,
    text: str,
    published: datetime,
    tags: Tags = STRIKE,
    outlet: str = "",
    **fields: object,
) -> Story:
    return Story(
        id=sid,
        url=f"https://{outlet or 'example.com'}/{sid}",
        canonical_url=f"https://{outlet or 'example.com'}/{sid}",
        source_id="test",
        title=title,
        text=text,
        outlet=outlet,
        domain=outlet or "example.com",
        published=published,
        first_seen=NOW,
        relevance=fields.pop("relevance", RELEVANT),  # type: ignore[arg-type]
        tags=tags,
        **fields,  # type: ignore[arg-type]
    )


COVENTRY_A = _story(
    "coventry-a",
    "Amazon warehouse workers in Coventry strike over pay",
    "Hundreds of workers at Amazon's Coventry warehouse walked out on Tuesday in a dispute over "
    "pay, the GMB union said, the first strike at an Amazon site in Britain. Staff at the "
    "fulfilment centre are asking for an hourly wage of fifteen pounds.",
    datetime(2024, 1, 16, 9, tzinfo=UTC),
    tags=replace(STRIKE, workers=300),
    outlet="Outlet One",
)
COVENTRY_B = _story(
    "coventry-b",
    "GMB members stage first UK strike at Amazon",
    "Pickets gathered outside the Coventry fulfilment centre at dawn as GMB members began the "
    "first official strike against Amazon in the UK, demanding fifteen pounds an hour. Amazon "
    "said the site was operating normally.",
    datetime(2024, 1, 17, 7, tzinfo=UTC),
    tags=replace(STRIKE, workers=1000, employment_types=("blue_collar", "contract")),
    outlet="Outlet Two",
)
LEIPZIG = _story(
    "leipzig",
    "Verdi calls Amazon staff in Leipzig and Bad Hersfeld out before holidays",
    "The Verdi services union called staff at Amazon distribution sites in Leipzig and Bad "
    "Hersfeld out for three days, renewing its decade-long campaign for a collective "
    "agreement in line with the German retail sector.",
    datetime(2024, 1, 18, 6, tzinfo=UTC),
    outlet="Outlet Three",
)
CLIMATE_LETTER = _story(
    "climate-letter",
    "Amazon employees sign open letter demanding climate plan",
    "More than eight thousand Amazon employees signed an open letter asking the board to adopt "
    "a climate plan and to stop offering cloud tools that speed up oil and gas extraction.",
    datetime(2024, 6, 20, 12, tzinfo=UTC),
    tags=Tags(companies=("Amazon",), actions=("open_letter",), struggles=("ethics",),
              employment_types=("white_collar",), tags=("climate_change",), workers=8700),
    outlet="Outlet One",
)  # fmt: skip


ICE_LETTER = _story(
    "ice-letter",
    "Microsoft employees press Nadella to end work with immigration agency",
    "More than 100 Microsoft employees have signed an open letter to chief executive Satya "
    "Nadella asking the company to cancel its cloud contract with U.S. Immigration and Customs "
    "Enforcement, as anger grows over the separation of children from their parents at the "
    "border.",
    datetime(2018, 6, 19, 20, tzinfo=UTC),
    tags=Tags(companies=("Microsoft",), actions=("open_letter",), tags=("ice", "immigration")),
    outlet="Outlet One",
)
ICE_LETTER_LATER = replace(
    ICE_LETTER,
    id="ice-letter-later",
    title="Over 100 Microsoft workers ask Nadella to drop ICE cloud contract",
    text="Microsoft employees signed a letter asking Satya Nadella to cancel the cloud contract "
    "with Immigration and Customs Enforcement over the separation of children at the border.",
    published=datetime(2018, 6, 20, 12, tzinfo=UTC),
    outlet="Outlet Two",
)
FACE_RECOGNITION_LETTER = _story(
    "face-recognition-letter",
    "Amazon workers ask Bezos to stop selling face recognition to police",
    "A group of Amazon employees has written to chief executive Jeff Bezos asking the company to "
    "stop offering its face-matching software to police and to stop hosting Palantir, whose "
    "systems are used by immigration authorities. They connect their request to the separation "
    "of children from their parents at the border, and cite the letter Microsoft staff sent "
    "about the company's contract with Immigration and Customs Enforcement.",
    datetime(2018, 6, 22, 17, tzinfo=UTC),
    tags=Tags(
        companies=("Amazon", "Palantir", "Microsoft"),
        actions=("open_letter",),
        tags=("ice", "immigration", "law_enforcement"),
    ),
    outlet="Outlet Three",
)


def _assign_all(stories: Iterable[Story], events: dict[str, Event] | None = None) -> dict:
    """Assign stories in order as a run would, keeping events by id; returns story -> event."""
    events = {} if events is None else events
    joined = {}
    for story in stories:
        event = assign_event(story, list(events.values()), now=NOW)
        if event is not None:
            events[event.id] = event
            joined[story.id] = event.id
    return joined


def test_two_outlets_covering_the_same_strike_share_an_event() -> None:
    first = assign_event(COVENTRY_A, [], now=NOW)
    assert first is not None
    second = assign_event(COVENTRY_B, [first], now=NOW)
    assert second is not None
    assert second.id == first.id == event_id_for("coventry-a")
    assert second.story_ids == ("coventry-a", "coventry-b")
    assert second.outlets == ("Outlet One", "Outlet Two")
    assert second.first_seen == COVENTRY_A.published
    assert second.last_seen == COVENTRY_B.published
    assert second.title == COVENTRY_A.title


def test_a_strike_at_the_same_company_elsewhere_the_same_week_is_another_event() -> None:
    joined = _assign_all([COVENTRY_A, COVENTRY_B, LEIPZIG])
    assert joined["coventry-a"] == joined["coventry-b"]
    assert joined["leipzig"] != joined["coventry-a"]


def test_another_employers_letter_on_the_same_issue_the_same_week_is_another_event() -> None:
    joined = _assign_all([ICE_LETTER, ICE_LETTER_LATER, FACE_RECOGNITION_LETTER])
    assert joined["ice-letter-later"] == joined["ice-letter"]
    assert joined["face-recognition-letter"] != joined["ice-letter"]


def test_a_report_leading_with_the_employers_owner_joins_when_each_names_the_other() -> None:
    subsidiary = replace(ICE_LETTER, tags=replace(ICE_LETTER.tags, companies=("GitHub",)))
    owner_first = replace(
        ICE_LETTER,
        id="owner-first",
        outlet="Outlet Four",
        tags=replace(ICE_LETTER.tags, companies=("Microsoft", "GitHub")),
    )
    event = assign_event(subsidiary, [], now=NOW)
    assert event is not None
    assert assign_event(owner_first, [event], now=NOW).id != event.id  # type: ignore[union-attr]

    both = replace(subsidiary, tags=replace(ICE_LETTER.tags, companies=("GitHub", "Microsoft")))
    event = assign_event(both, [], now=NOW)
    joined = assign_event(owner_first, [event], now=NOW)  # type: ignore[list-item]
    assert joined is not None and joined.id == event.id  # type: ignore[union-attr]


def test_an_event_keeps_the_companies_of_its_own_employers_letters() -> None:
    events: dict[str, Event] = {}
    joined = _assign_all([ICE_LETTER, FACE_RECOGNITION_LETTER, ICE_LETTER_LATER], events)
    assert events[joined["ice-letter"]].tags.companies == ("Microsoft",)
    assert events[joined["face-recognition-letter"]].tags.companies[0] == "Amazon"


def test_the_same_company_acting_differently_months_later_is_another_event() -> None:
    joined = _assign_all([COVENTRY_A, CLIMATE_LETTER])
    assert joined["climate-letter"] != joined["coventry-a"]


def test_the_same_action_long_after_the_event_is_another_event() -> None:
    months_later = replace(
        COVENTRY_B, id="coventry-later", published=datetime(2024, 9, 1, tzinfo=UTC)
    )
    joined = _assign_all([COVENTRY_A, months_later])
    assert joined["coventry-later"] != joined["coventry-a"]


def test_coverage_that_keeps_coming_stretches_the_event() -> None:
    day = timedelta(days=8)
    stories = [
        replace(COVENTRY_B, id=f"day-{i}", published=COVENTRY_A.published + i * day)
        for i in range(1, 5)
    ]
    joined = _assign_all([COVENTRY_A, *stories])
    assert len(set(joined.values())) == 1


def test_rerunning_the_assignment_gives_the_same_events() -> None:
    stories = [COVENTRY_A, COVENTRY_B, LEIPZIG, CLIMATE_LETTER]
    events: dict[str, Event] = {}
    first_run = _assign_all(stories, events)
    before = dict(events)
    second_run = _assign_all(reversed(stories), events)
    assert second_run == first_run
    assert events == before


def test_a_duplicate_joins_its_originals_event_even_when_judged_less_relevant() -> None:
    event = assign_event(COVENTRY_A, [], now=NOW)
    assert event is not None
    copy = replace(
        COVENTRY_A,
        id="syndicated",
        outlet="Outlet Four",
        title="Coventry Amazon strike",
        duplicate_of="coventry-a",
        relevance=Relevance(score=0.3, label=False),
        tags=Tags(),
    )
    joined = assign_event(copy, [event], now=NOW)
    assert joined is not None and joined.id == event.id
    assert joined.story_ids == ("coventry-a", "syndicated")
    assert "Outlet Four" in joined.outlets


def test_stories_that_are_not_relevant_form_no_event() -> None:
    irrelevant = replace(COVENTRY_B, relevance=Relevance(score=0.2, label=False))
    event = assign_event(COVENTRY_A, [], now=NOW)
    assert event is not None
    assert assign_event(irrelevant, [event], now=NOW) is None


def test_the_event_takes_the_earliest_storys_title_and_merges_tags() -> None:
    event = assign_event(COVENTRY_B, [], now=NOW)
    assert event is not None
    event = assign_event(COVENTRY_A, [event], now=NOW)
    assert event is not None
    assert event.id == event_id_for("coventry-b")  # named after the story that started it
    assert event.title == COVENTRY_A.title
    assert event.first_seen == COVENTRY_A.published
    assert event.tags.workers == 1000
    assert event.tags.employment_types == ("blue_collar", "contract")


def test_stories_naming_other_companies_do_not_join_however_alike() -> None:
    event = assign_event(COVENTRY_A, [], now=NOW)
    assert event is not None
    other = replace(COVENTRY_A, id="other", tags=replace(STRIKE, companies=("Tesla",)))
    joined = assign_event(other, [event], now=NOW)
    assert joined is not None and joined.id != event.id


def test_a_story_without_action_tags_joins_when_its_words_match() -> None:
    event = assign_event(COVENTRY_A, [], now=NOW)
    assert event is not None
    untagged = replace(
        COVENTRY_A, id="untagged", tags=Tags(companies=("Amazon",)), outlet="Outlet Five"
    )
    joined = assign_event(untagged, [event], now=NOW)
    assert joined is not None and joined.id == event.id


def test_a_story_without_a_date_is_placed_at_its_first_sighting() -> None:
    undated = replace(COVENTRY_A, published=None, first_seen=datetime(2024, 1, 20, tzinfo=UTC))
    event = assign_event(undated, [], now=NOW)
    assert event is not None
    assert event.first_seen == event.last_seen == datetime(2024, 1, 20, tzinfo=UTC)


def test_merge_tags_unions_every_list_and_keeps_the_largest_count() -> None:
    a = Tags(companies=("Google",), actions=("protest",), tags=("ai",), workers=200)
    b = Tags(
        companies=("Amazon", "Google"),
        actions=("open_letter",),
        struggles=("ethics",),
        employment_types=("white_collar",),
        tags=("military_contracts", "ai"),
        workers=None,
    )
    merged = merge_tags(a, b)
    assert merged == Tags(
        companies=("Google", "Amazon"),
        actions=("protest", "open_letter"),
        struggles=("ethics",),
        employment_types=("white_collar",),
        tags=("ai", "military_contracts"),
        workers=200,
    )
    assert merge_tags(Tags(), Tags()).workers is None
    assert merge_tags(a, a) == a


def test_keywords_leave_out_the_company_and_the_common_vocabulary() -> None:
    keywords = story_keywords(COVENTRY_A)
    assert "coventry" in keywords and "gmb" in keywords
    assert not {"amazon", "workers", "strike", "the", "union"} & set(keywords)


def test_an_event_is_undated_when_none_of_its_stories_has_a_date() -> None:
    undated = replace(COVENTRY_A, published=None)
    alone = assign_event(undated, [], now=NOW)
    with_dated = assign_event(COVENTRY_B, [alone], now=NOW)  # type: ignore[list-item]
    other = assign_event(LEIPZIG, [], now=NOW)
    assert alone is not None and with_dated is not None and other is not None
    stories = [undated, COVENTRY_B]
    assert undated_events([alone], stories) == {alone.id}
    assert undated_events([with_dated], stories) == set()
    assert undated_events([other], stories) == set()  # none of its stories given: not judged
