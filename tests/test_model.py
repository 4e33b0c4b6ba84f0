"""The learned relevance model: its shipped files, training, and grouped cross-validation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from pipeline.understand.action_model import (
    ACTIONS,
    action_features,
    default_action_model,
    load_action_model,
    story_tags,
)
from pipeline.understand.crossval import cross_validate, cv_json, format_cv
from pipeline.understand.evaluate import LabelledItem, load_dataset, load_pages
from pipeline.understand.features import story_features
from pipeline.understand.model import (
    META_FILE,
    WEIGHTS_FILE,
    ModelError,
    default_model,
    load_model,
    shipped_model_folder,
)
from pipeline.understand.reading import read_story
from pipeline.understand.tagging import tags_of
from pipeline.understand.training import (
    DEFAULT_CORPUS,
    Example,
    event_group,
    fit,
    fit_actions,
    group_folds,
    train,
    written_examples,
    written_stories,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PAGES = SHARED / "article-extraction-benchmark"

WALKOUTS = [
    ("Acme staff walk out", "Hundreds of Google employees walked out over the contract."),
    ("Workers sign letter", "More than 300 Microsoft employees signed an open letter."),
    ("Union vote", "Workers at an Amazon warehouse voted to join a union on Friday."),
    ("Drivers strike", "Uber drivers went on strike across the city, their union said."),
]
ORDINARY = [
    ("Phone launch", "Apple unveiled a new phone with a faster chip on Tuesday."),
    ("Earnings", "Alphabet reported record revenue as cloud sales grew."),
    ("Weather", "Heavy rain is expected across the region this weekend."),
    ("Football", "The home side won the match with a late goal."),
]


def _items(copies: int = 3) -> list[LabelledItem]:
    """Small labelled stories: each event told by ``copies`` outlets."""
    items = []
    for n, (title, text) in enumerate(WALKOUTS):
        for copy in range(copies):
            items.append(LabelledItem(title, text, True, id=f"pos-{n}-{copy}", event=f"e{n}"))
    for n, (title, text) in enumerate(ORDINARY * copies):
        items.append(LabelledItem(title, text, False, id=f"neg-{n}"))
    return items


def _examples(items: list[LabelledItem]) -> list[Example]:
    return [
        Example(story_features(i.title, i.text, read_story(i.title, i.text)), i.label, g)
        for i, g in zip(items, (event_group(i, n) for n, i in enumerate(items)), strict=True)
    ]


def test_the_shipped_model_is_small_data_loaded_without_pickle():
    folder = shipped_model_folder()
    sizes = sum(p.stat().st_size for p in folder.iterdir())
    assert sizes < 20 * 2**20
    with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as arrays:
        weights = arrays["weights"]
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    assert weights.shape == (len(meta["features"]),)
    assert meta["info"]["stories"] >= 1000


def test_scores_are_probabilities_that_rank_a_walkout_above_ordinary_news():
    model = default_model()
    walkout = story_features(*WALKOUTS[0], read_story(*WALKOUTS[0]))
    weather = story_features(*ORDINARY[2], read_story(*ORDINARY[2]))
    assert 0.0 <= model.probability(weather) < 0.5 < model.probability(walkout) <= 1.0


@pytest.mark.parametrize(
    ("title", "text", "context"),
    [
        ("Google staff walk out", "Thousands of Google employees walked out on Thursday.", "acts"),
        ("Hospital workers strike", "Workers at two city hospitals walked off the job.", "untech"),
        ("Pfizer staff strike", "Hundreds of Pfizer employees walked off the job.", "outside"),
        (
            "Nurses strike at Kaiser",
            "Nurses at Kaiser Permanente went on strike over staffing.",
            "outside_no_workers",
        ),
        (
            "Writers strike",
            "Writers went on strike after talks with studios, including Netflix, failed.",
            "outside_no_workers",
        ),
        (
            "Apple faces class action over fees",
            "Customers filed a class action accusing Apple of hidden fees.",
            "tech_no_workers",
        ),
    ],
)
def test_a_story_s_words_are_weighed_in_the_context_the_reader_sees(title, text, context):
    features = story_features(title, text, read_story(title, text))
    assert features[f"context:{context}"] == 1.0
    copies = [name for name in features if name.startswith(f"{context}|")]
    if context == "acts":
        assert not copies  # workers acting: the words count as they are
    else:
        assert f"{context}|w:strike" in copies or f"{context}|w:class action" in copies


def test_a_gig_platform_weighs_by_context_where_no_workers_act():
    fined = (
        "Inspectors fine DoorDash over couriers' contracts",
        "Labour inspectors fined DoorDash on Monday for hiring its couriers as freelancers.",
    )
    features = story_features(*fined, read_story(*fined))
    assert features["context:tech"] == features["tech|reader:gig"] == 1.0
    striking = ("DoorDash couriers strike", "Hundreds of DoorDash couriers went on strike.")
    features = story_features(*striking, read_story(*striking))
    assert "context:acts" in features and features["reader:gig"] == 1.0
    assert not [name for name in features if "|" in name]


def test_workers_the_reader_places_outside_tech_are_told_from_workers_of_no_known_employer():
    """Taxi drivers protesting a ride-hail app are surely no platform's workers; the model
    sees them apart from drivers whose employer the reader does not know."""
    cabs = (
        "Cabbies block Whitehall",
        "Black-cab drivers blocked streets in London to protest competition from Uber.",
    )
    features = story_features(*cabs, read_story(*cabs))
    assert any(name.startswith("trust:out") for name in features)
    unknown = ("Drivers protest", "Drivers blocked streets in London to protest low pay.")
    features = story_features(*unknown, read_story(*unknown))
    assert not any(name.startswith("trust:out") for name in features)


def test_workers_unease_is_no_act_for_the_model():
    unease = (
        "Internal backlash grows at Initech",
        "Employee frustration is mounting at Initech over the new review system, people "
        "familiar with the matter said.",
    )
    reading = read_story(*unease)
    assert any(deed.kind == "dissent" and deed.actor == "worker" for deed in reading.deeds)
    features = story_features(*unease, reading)
    assert "context:acts" not in features and "kind:dissent" not in features


def test_a_denied_act_is_no_act_tied_to_no_one():
    """ "No sign of organized opposition": the model sees an act denied, not an act whose
    actors the reader missed (which, in real news, is mostly workers acting)."""
    denied = (
        "Some Initech staff uneasy about new leave policy",
        "Engineers have questioned managers in meetings, but there is no sign of organized "
        "opposition to the change.",
    )
    features = story_features(*denied, read_story(*denied))
    assert features.get("act:negated:lead", 0) > 0
    assert not [name for name in features if name.rpartition("|")[2].startswith("act:none")]


def test_a_saved_model_loads_back_with_the_same_scores(tmp_path):
    examples = _examples(_items())
    model = fit(examples, info={"note": "small"})
    model.save(tmp_path)
    again = load_model(tmp_path)
    assert again.names == model.names and again.info == model.info
    assert again.info["note"] == "small"
    for ex in examples:
        assert again.probability(ex.features) == pytest.approx(
            model.probability(ex.features), abs=1e-6
        )


def test_a_missing_or_foreign_model_file_is_named_in_the_error(tmp_path):
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path)
    fit(_examples(_items())).save(tmp_path)
    (tmp_path / META_FILE).write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ModelError, match=META_FILE):
        load_model(tmp_path)


def test_training_twice_gives_the_same_model():
    examples = _examples(_items())
    first, second = fit(examples), fit(examples)
    assert first.names == second.names
    assert np.array_equal(first.weights, second.weights)
    assert (first.platt_slope, first.platt_offset) == (second.platt_slope, second.platt_offset)


def test_folds_never_split_an_event():
    items = _items()
    examples = _examples(items)
    folds = group_folds(examples, 3)
    assert sorted(i for fold in folds for i in fold) == list(range(len(items)))
    for fold in folds:
        inside = {examples[i].group for i in fold}
        outside = {ex.group for n, ex in enumerate(examples) if n not in set(fold.tolist())}
        assert not inside & outside


def test_an_event_key_or_the_outlet_less_id_groups_coverage():
    assert event_group(LabelledItem("", "x", True, event="walkout-1"), 0) == "event:walkout-1"
    wired = LabelledItem("", "x", True, id="pos-acme-walkout-2019-wired")
    verge = LabelledItem("", "x", True, id="pos-acme-walkout-2019-verge")
    assert event_group(wired, 0) == event_group(verge, 1)
    one, two = LabelledItem("", "x", False, id="neg-a"), LabelledItem("", "x", False, id="neg-a")
    assert event_group(one, 0) != event_group(two, 1)


def test_cross_validation_reports_the_pooled_folds_and_their_spread():
    result = cross_validate(_items(), folds=3)
    pooled = result.pooled
    assert pooled.tp + pooled.fp + pooled.fn + pooled.tn == len(_items())
    figures = cv_json(result)
    assert set(figures) == {"relevance", "company", "action", "cv"}
    assert figures["cv"]["folds"] == 3 and figures["cv"]["f1_std"] >= 0.0
    assert "grouped cross-validation, 3 folds" in format_cv(result)


def test_a_written_story_weighs_less_than_a_labelled_one():
    """The same story labelled both ways: the label of the fuller weight wins."""
    story = ("Staff walk out", "Hundreds of Google employees walked out over the contract.")
    features = story_features(*story, read_story(*story))
    base = _examples(_items())

    def probability(relevant_weight: float, ordinary_weight: float) -> float:
        extra = [Example(features, True, f"w{n}", relevant_weight) for n in range(6)] + [
            Example(features, False, f"v{n}", ordinary_weight) for n in range(6)
        ]
        return fit(base + extra).probability(features)

    assert probability(1.0, 0.2) > probability(1.0, 1.0) > probability(0.2, 1.0)


def test_written_stories_teach_the_weights_but_not_how_often_stories_are_relevant():
    """Calibration reads the real stories alone, so a score stays a probability on real news
    however many written stories (their mix chosen by the project) training adds."""
    base = _examples(_items())
    written = written_examples(
        [
            LabelledItem("Weather", f"Heavy rain is expected on day {n}.", False, id=f"w-{n}")
            for n in range(30)
        ]
    )
    model = fit(base + written)
    assert model.info["calibrated_on"] == len(base)
    walkout = story_features(*WALKOUTS[1], read_story(*WALKOUTS[1]))
    assert model.probability(walkout) > 0.5


def test_cross_validation_trains_on_written_stories_and_never_judges_them():
    items = _items()
    written = [
        LabelledItem("Rain", f"Heavy rain is expected on day {n}.", False, id=f"w-{n}")
        for n in range(5)
    ]
    result = cross_validate(items, folds=3, written=written)
    pooled = result.pooled
    assert pooled.tp + pooled.fp + pooled.fn + pooled.tn == len(items)


def test_the_written_stories_are_labelled_stories_of_both_kinds():
    """Valid rows, ids unique, relevant ones with the archive's actions."""
    written = written_stories()
    assert len({item.id for item in written}) == len(written)
    relevant = [item for item in written if item.label]
    assert 0 < len(relevant) < len(written)
    assert all(item.actions and set(item.actions) <= set(ACTIONS) for item in relevant)


@pytest.mark.shared
def test_the_written_stories_copy_no_sentence_of_the_corpus():
    """They are the project's own words: no run of eight words of a corpus story."""
    paths = _corpus()

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.casefold())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    published = set()
    for item in (item for path in paths for item in load_dataset(path)):
        published |= runs(f"{item.title} {item.text}")
    copied = [w.id for w in written_stories() if runs(f"{w.title} {w.text}") & published]
    assert not copied


def test_the_action_model_learns_each_action_from_its_labels(tmp_path):
    stories = [
        ("Staff walk out", "Hundreds of Google employees walked out over the contract.", "protest"),
        ("Drivers strike", "Uber drivers went on strike across the city.", "strike"),
        ("Letter", "More than 300 Microsoft employees signed an open letter.", "open_letter"),
    ]
    items = [
        LabelledItem(title, text, True, actions=(action,), id=f"a{n}-{copy}")
        for n, (title, text, action) in enumerate(stories)
        for copy in range(3)
    ]
    model = fit_actions(items, [read_story(i.title, i.text) for i in items])
    model.save(tmp_path)
    again = load_action_model(tmp_path)
    assert again.actions == ACTIONS
    for title, text, action in stories:
        reading = read_story(title, text)
        features = action_features(title, text, reading, tags_of(reading).actions)
        assert action in again.actions_of(features)


def test_a_story_judged_not_relevant_keeps_the_reader_s_tags():
    title, text = "Rain", "Heavy rain is expected across the region this weekend."
    reading = read_story(title, text)
    assert story_tags(title, text, reading, relevant=False) == tags_of(reading)
    assert story_tags(title, text, reading, relevant=True).actions


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Quillfeather QA testers win union vote",
            "Quality assurance testers at Quillfeather Games won their union election 19-3 on "
            "Monday, the Communications Workers of America said.",
        ),
        (
            "Labor board certifies union at Amazon warehouse",
            "The National Labor Relations Board certified the Amazon Labor Union as the "
            "representative of workers at the Staten Island warehouse.",
        ),
        (
            "",
            "Workers at Quillon Robotics, a warehouse automation maker, voted 61 to 22 in "
            "2022 to join the United Steelworkers.",
        ),
        ("", "Kestrel United won its union election in February, 46 to 37."),
        (
            "",
            "About 600 testers at Quillfeather Games formed a union with the CWA, which "
            "the company recognised without an election.",
        ),
        (
            "",
            "Contract moderators at a Telus International site in Essen elected a works "
            "council, giving staff on the Meta account a formal voice.",
        ),
        (
            "",
            "Staff at Quillfeather Games ratified their first contract with the company "
            "on Friday, after a year of bargaining.",
        ),
    ],
    ids=[
        "won-19-3",
        "certified",
        "voted-61-to-22",
        "won-its-election",
        "recognised-after",
        "works-council",
        "ratified",
    ],
)
def test_a_union_election_won_is_both_a_drive_and_representation(title, text):
    """The guide puts holding an election under ``union_drive`` and a won one under
    ``union_representation``: a watch on either finds the win."""
    actions = story_tags(title, text, read_story(title, text), relevant=True).actions
    assert {"union_drive", "union_representation"} <= set(actions)


def test_a_union_election_filed_for_is_a_drive_alone():
    title, text = (
        "Quillfeather QA testers file for union election",
        "Quality assurance testers at Quillfeather Games filed for a union election with the "
        "labor board on Monday, asking to join the Communications Workers of America.",
    )
    actions = story_tags(title, text, read_story(title, text), relevant=True).actions
    assert "union_drive" in actions
    assert "union_representation" not in actions


def test_a_vote_on_whether_to_join_a_union_is_no_win():
    text = "Testers at Quillfeather Games will vote on whether to join the CWA next month."
    actions = story_tags("", text, read_story("", text), relevant=True).actions
    assert "union_representation" not in actions


# --- the shipped model against the labelled corpus -------------------------------------


def _corpus() -> list[Path]:
    paths = [SHARED / p.name for p in DEFAULT_CORPUS]
    if not all(p.is_file() for p in paths) or not PAGES.is_dir():
        pytest.skip("the labelled corpus in ../shared is absent")
    return paths


@pytest.mark.shared
@pytest.mark.slow
def test_retraining_from_the_corpus_gives_the_shipped_predictions():
    paths = _corpus()
    items = [item for path in paths for item in load_dataset(path)]
    pages = load_pages(PAGES)
    shipped = default_model()
    assert shipped.info["corpus"] == [p.name for p in paths]
    assert shipped.info["extra_negatives"] == len(pages)
    written = written_stories()
    assert shipped.info["written"] == len(written)
    retrained = train(items, pages, written, corpus=[p.name for p in paths])
    assert retrained.relevance.names == shipped.names
    shipped_actions = default_action_model()
    for item in items[::7]:
        reading = read_story(item.title, item.text)
        features = story_features(item.title, item.text, reading)
        assert retrained.relevance.probability(features) == pytest.approx(
            shipped.probability(features), abs=1e-4
        ), item.id
        with_tags = action_features(item.title, item.text, reading, tags_of(reading).actions)
        assert retrained.actions.actions_of(with_tags) == shipped_actions.actions_of(with_tags)


def test_the_lead_tells_an_unplaced_employers_tech_work_from_work_outside_tech():
    """Couriers of an app the gazetteer does not know and a union of nurses both strike at
    an employer the reader cannot place in tech; the lead's wording tells them apart."""
    couriers = (  # the story names Zippa's work, not what Zippa is
        "Zippa couriers strike",
        "Couriers of Zippa, who deliver meals ordered through its app, went on strike.",
    )
    nurses = ("Nurses strike over pay", "Thousands of union members walked off the job.")
    placed = ("Google staff walk out", "Thousands of Google employees walked out on Thursday.")
    actors = (  # placed outside tech, whatever tech its lead names
        "Hollywood actors go on strike, with AI protections a key sticking point",
        "The union representing 160,000 film and television actors went on strike after talks "
        "with the studios broke down over the use of artificial intelligence.",
    )
    stories = {"couriers": couriers, "nurses": nurses, "placed": placed, "actors": actors}
    found = {
        name: {k for k in story_features(*story, read_story(*story)) if k.startswith("unsure:")}
        for name, story in stories.items()
    }
    assert found == {
        "couriers": {"unsure:tech_words"},
        "nurses": set(),
        "placed": set(),
        "actors": set(),
    }
