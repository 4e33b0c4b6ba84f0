"""Corrections on SQLite: checked values, the story re-judged and kept so, its event
regrouped, the export."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.labels import (
    LabelError,
    apply_correction,
    corrections_as_rows,
    is_corrected,
    lede,
    make_correction,
)
from pipeline.process import StoryProcessor
from pipeline.records import Relevance, Story, Tags
from pipeline.run import kept_corrections
from pipeline.store import StoreError, StoryQuery
from pipeline.store.sqlite import SQLiteStore
from pipeline.understand.events import event_id_for

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LABELLED_AT = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
SEEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def story(n: int = 1, **changes) -> Story:
    fields = {
        "id": f"story{n}",
        "url": f"https://news.example/story-{n}",
        "canonical_url": f"https://news.example/story-{n}",
        "source_id": "example",
        "outlet": "Example News",
        "title": f"Staff at Google sign a letter, report {n}",
        "text": "Hundreds of Google employees signed a letter. They object to a contract. "
        "The company did not comment. A fourth sentence follows.",
        "published": datetime(2024, 4, 30, tzinfo=UTC),
        "first_seen": SEEN,
        "relevance": Relevance(0.42, False, ("Google employees", "signed a letter")),
        "tags": Tags(companies=("Google",), actions=("open_letter",)),
        "event_id": f"event{n}",
    }
    fields.update(changes)
    return Story(**fields)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
        "PICKET_LOG_LEVEL": "WARNING",
    }


def stored(env: dict[str, str], *stories: Story) -> None:
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        store.upsert_stories(stories)


def picket(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, list(args), env=env)


# --- checking values ------------------------------------------------------------------


def test_company_names_resolve_and_action_kinds_normalise():
    correction = make_correction(
        "s",
        relevant=True,
        labelled_at=LABELLED_AT,
        companies=["amazon", "Alphabet"],
        actions=["Open letter", "union-drive"],
    )
    assert correction.companies == ("Amazon", "Google")
    assert correction.actions == ("open_letter", "union_drive")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actions": ["strik"]}, "unknown action 'strik'; did you mean 'strike'?"),
        ({"actions": ["boycott"]}, "unknown action 'boycott' (one of: legal_action,"),
        ({"companies": ["Gooogle"]}, "unknown company 'Gooogle'; did you mean 'Google'?"),
        ({"relevant": False, "actions": ["strike"]}, "--action goes with --relevant"),
        ({"relevant": False, "negative_kind": "gossip"}, "unknown negative kind 'gossip'"),
        ({"negative_kind": "ordinary_tech"}, "--negative-kind goes with --not-relevant"),
    ],
)
def test_unusable_values_are_refused_with_a_one_line_reason(changes, message):
    options = {"relevant": True, "labelled_at": LABELLED_AT, **changes}
    with pytest.raises(LabelError) as caught:
        make_correction("s", **options)
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --- re-judging ---------------------------------------------------------------------


def test_a_correction_rejudges_label_score_companies_actions_and_evidence():
    correction = make_correction(
        "story1", relevant=True, labelled_at=LABELLED_AT, companies=["Amazon"], actions=["strike"]
    )
    corrected = apply_correction(story(), correction)
    assert corrected.relevance.label and corrected.relevance.score == 1.0
    assert corrected.tags.companies == ("Amazon", "Google")
    assert corrected.tags.actions == ("strike",)
    assert corrected.relevance.evidence[0] == "corrected by a user on 2024-06-01: relevant"
    assert is_corrected(corrected) and not is_corrected(story())
    assert apply_correction(corrected, correction) == corrected  # applying again changes nothing

    undone = make_correction("story1", relevant=False, labelled_at=LABELLED_AT)
    twice = apply_correction(corrected, undone)
    assert (twice.relevance.label, twice.relevance.score) == (False, 0.0)
    assert twice.relevance.evidence == (
        "corrected by a user on 2024-06-01: not relevant",
        "Google employees",
        "signed a letter",
    )


def test_the_store_keeps_a_correction_through_later_crawls(tmp_path):
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories([story()])
        store.save_correction(
            make_correction("story1", relevant=True, labelled_at=LABELLED_AT, actions=["strike"])
        )
        store.upsert_stories([story()])  # what ``picket label`` does next
        assert store.get_story("story1").relevance.label
        recrawled = replace(story(), title="Google staff letter, updated headline")
        result = store.upsert_stories([recrawled])
        assert result.updated == 1
        kept = store.get_story("story1")
        assert kept.title == "Google staff letter, updated headline"
        assert (kept.relevance.label, kept.relevance.score, kept.tags.actions) == (
            True,
            1.0,
            ("strike",),
        )
        assert store.upsert_stories([recrawled]).unchanged == 1
        assert [s.id for s in store.search(StoryQuery(relevant=True))] == ["story1"]


# --- the command --------------------------------------------------------------------


def grouped(env: dict[str, str], *stories: Story) -> None:
    """Store ``stories`` with the events ``picket run`` groups them into."""
    processor = StoryProcessor(
        stored=(), events=(), lookup_event=lambda _: None, now=SEEN, threshold=0.5
    )
    for each in stories:
        processor.add_story(each)
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        store.upsert_events(processor.batch.events.values())
        store.upsert_stories(processor.batch.stories.values())


def events_of(env: dict[str, str]) -> dict[str, list[str]]:
    """``picket events --json``: each event's story ids, by the acting employer."""
    result = picket(env, "events", "--json")
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.output.splitlines()]
    return {event["tags"]["companies"][0]: event["story_ids"] for event in found}


def event_of(env: dict[str, str], story_id: str) -> str | None:
    result = picket(env, "search", "--json")
    return next(
        json.loads(line)["event_id"]
        for line in result.output.splitlines()
        if json.loads(line)["id"] == story_id
    )


STRIKE = Tags(companies=("Amazon",), actions=("strike",))


COVENTRY = {
    1: "Hundreds of workers at Amazon's Coventry warehouse walked out in a dispute over pay, "
    "the GMB union said, the first strike at an Amazon site in Britain.",
    2: "Pickets gathered outside the Coventry fulfilment centre at dawn as GMB members began "
    "the first official strike against Amazon in Britain, demanding more pay.",
}


def coventry(n: int, outlet: str) -> Story:
    """One of two reports of one strike, which ``picket run`` groups into one event."""
    return story(
        n,
        outlet=outlet,
        title=f"Amazon warehouse workers in Coventry strike over pay ({outlet})",
        text=COVENTRY[n],
        relevance=Relevance(0.9, True, ("walked out",)),
        tags=STRIKE,
        event_id=None,
    )


def test_a_corrected_employer_moves_the_story_to_its_own_event(env):
    grouped(env, coventry(1, "BBC"), coventry(2, "Guardian"))
    assert events_of(env) == {"Amazon": ["story1", "story2"]}

    result = picket(env, "label", "story2", "--relevant", "--company", "Google")
    assert result.exit_code == 0, result.output
    assert events_of(env) == {"Amazon": ["story1"], "Google": ["story2"]}
    assert event_of(env, "story1") != event_of(env, "story2")

    result = picket(env, "label", "story2", "--relevant", "--company", "Amazon")  # back again
    assert result.exit_code == 0, result.output
    assert events_of(env) == {"Amazon": ["story1", "story2"]}
    assert event_of(env, "story1") == event_of(env, "story2")


def test_the_story_that_started_an_event_leaves_it_to_the_others(env):
    grouped(env, coventry(1, "BBC"), coventry(2, "Guardian"))
    started = event_of(env, "story1")
    result = picket(env, "label", "story1", "--relevant", "--company", "Google")
    assert result.exit_code == 0, result.output
    assert events_of(env) == {"Amazon": ["story2"], "Google": ["story1"]}
    assert event_of(env, "story2") == started != event_of(env, "story1")


def test_a_story_corrected_as_not_relevant_leaves_its_event(env):
    grouped(env, coventry(1, "BBC"), coventry(2, "Guardian"))
    result = picket(env, "label", "story1", "--not-relevant")
    assert result.exit_code == 0, result.output
    assert events_of(env) == {"Amazon": ["story2"]}
    assert event_of(env, "story1") is None

    result = picket(env, "label", "story2", "--not-relevant")  # its last story gone
    assert result.exit_code == 0, result.output
    assert events_of(env) == {}


def syndicated(n: int, original: Story) -> Story:
    """``original`` as another site republished it: the same article under another address,
    which ``picket run`` keeps as a copy."""
    return replace(
        original,
        id=f"story{n}",
        url=f"https://wire.example/story-{n}",
        canonical_url=f"https://wire.example/story-{n}",
        outlet="Wire",
    )


def relevant_of(env: dict[str, str]) -> list[str]:
    """The ids of the stories judged relevant, copies included."""
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        found = store.search(StoryQuery(relevant=True, include_duplicates=True))
    return sorted(s.id for s in found)


def test_a_label_holds_for_every_copy_of_the_story(env):
    """A copy must not go on alerting for an article its reader said is not relevant."""
    grouped(env, coventry(1, "BBC"), syndicated(3, coventry(1, "BBC")), coventry(2, "Guardian"))
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        assert store.get_story("story3").duplicate_of == "story1"
    assert events_of(env) == {"Amazon": ["story1", "story3", "story2"]}

    assert picket(env, "label", "story1", "--not-relevant").exit_code == 0
    assert relevant_of(env) == ["story2"]
    assert events_of(env) == {"Amazon": ["story2"]}
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        assert store.get_story("story3").event_id is None

    assert picket(env, "label", "story1", "--relevant", "--company", "Google").exit_code == 0
    assert relevant_of(env) == ["story1", "story2", "story3"]
    assert events_of(env) == {"Amazon": ["story2"], "Google": ["story1", "story3"]}


def test_labelling_a_copy_labels_its_original(env, tmp_path):
    grouped(env, coventry(1, "BBC"), syndicated(3, coventry(1, "BBC")), coventry(2, "Guardian"))
    result = picket(env, "label", "story3", "--not-relevant")
    assert result.exit_code == 0, result.output
    assert relevant_of(env) == ["story2"]
    out = tmp_path / "labels.jsonl"
    assert picket(env, "label", "export", "--output", str(out)).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["story1"]  # one article, one row for training


def test_a_copy_found_after_the_label_is_judged_as_its_original_was(env):
    grouped(env, coventry(1, "BBC"))
    assert picket(env, "label", "story1", "--not-relevant").exit_code == 0
    later = replace(syndicated(4, coventry(1, "BBC")), duplicate_of="story1")
    stored(env, later)
    assert relevant_of(env) == []
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        assert is_corrected(store.get_story("story4"))


def test_a_crawl_groups_a_corrected_story_and_its_copies_as_corrected(env):
    """The next run meets a wire copy of a report labelled not relevant: it is judged as the
    report was, and joins no event (without the label it would join the strike's)."""
    grouped(env, coventry(1, "BBC"), coventry(2, "Guardian"))
    assert picket(env, "label", "story1", "--not-relevant").exit_code == 0
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        processor = StoryProcessor(
            stored=store.known_stories(SEEN - timedelta(days=30)),
            events=store.recent_events(since=SEEN - timedelta(days=30)),
            lookup_event=store.get_event,
            now=SEEN,
            threshold=0.5,
            corrections=kept_corrections(store),
        )
    copy = processor.add_story(syndicated(4, coventry(1, "BBC")))
    assert copy.duplicate_of == "story1" and is_corrected(copy)
    assert copy.event_id is None and not copy.relevance.label


def test_a_run_that_cannot_read_the_labels_goes_on_and_says_so(caplog):
    class Unreachable:
        def corrections(self):
            raise StoreError("the search engine at http://search.example is unreachable")

    with caplog.at_level("WARNING", logger="pipeline.run"):
        assert kept_corrections(Unreachable()) == {}
    assert "the labels cannot be read" in caplog.text


def test_picket_label_rejudges_the_stored_story_at_once(env):
    stored(env, story())
    args = ("story1", "--relevant", "--company", "amazon", "--action", "strike")
    result = picket(env, "label", *args)
    assert result.exit_code == 0, result.output
    assert "score 1.00 (relevant)" in result.output
    found = picket(env, "search", "--relevant", "--json")
    record = json.loads(found.output.splitlines()[0])
    assert record["id"] == "story1"
    assert record["relevance"]["label"] is True and record["relevance"]["score"] == 1.0
    assert record["relevance"]["evidence"][0].startswith("corrected by a user on ")
    assert record["tags"]["companies"] == ["Amazon", "Google"]
    assert record["tags"]["actions"] == ["strike"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("label", "no-such-story", "--relevant"), "no story with id 'no-such-story'"),
        (("label", "story1", "--relevant", "--action", "strik"), "did you mean 'strike'?"),
        (("label", "story1", "--relevant", "--company", "Nobody Inc"), "unknown company"),
    ],
)
def test_picket_label_refuses_bad_input_in_one_line_and_changes_nothing(env, args, message):
    stored(env, story())
    result = picket(env, *args)
    assert result.exit_code == 1
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and message in error[0]
    assert "Traceback" not in result.output
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        assert store.corrections() == []
        assert store.get_story("story1") == story()


def test_picket_label_needs_a_verdict(env):
    stored(env, story())
    result = picket(env, "label", "story1")
    assert result.exit_code == 2 and "--relevant" in result.output


# --- the export ---------------------------------------------------------------------


def corpus_fields() -> tuple[set[str], set[str]]:
    """The field names of the labelled corpus's relevant and not relevant rows."""
    corpus = SHARED / "data" / "stories_train.jsonl"
    if not corpus.is_file():
        pytest.skip(f"the labelled corpus is not at {corpus}")
    positive: set[str] = set()
    negative: set[str] = set()
    for line in corpus.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        (positive if row["label"] else negative).update(row)
    return positive, negative


def test_export_writes_the_corpus_format(env, tmp_path):
    positive, negative = corpus_fields()
    stored(env, story(1), story(2), story(3))
    assert picket(env, "label", "story1", "--relevant", "--action", "strike").exit_code == 0
    result = picket(env, "label", "story2", "--not-relevant", "--negative-kind", "tech_controversy")
    assert result.exit_code == 0, result.output
    out = tmp_path / "labels.jsonl"
    assert picket(env, "label", "export", "--output", str(out)).exit_code == 0

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["story1", "story2"]
    yes, no = rows
    assert set(yes) == positive and set(no) == negative
    assert (yes["label"], yes["company"], yes["companies"], yes["actions"]) == (
        1,
        "Google",
        ["Google"],
        ["strike"],
    )
    assert (no["label"], no["negative_kind"]) == (0, "tech_controversy")
    assert no["companies"] == ["Google"]
    assert yes["published"] == "2024-04-30" and yes["event"] == event_id_for("story1")
    assert yes["lede"] == (
        "Hundreds of Google employees signed a letter. They object to a contract. "
        "The company did not comment."
    )

    from pipeline.understand.evaluate import (
        load_dataset,  # ``picket eval`` reads the export as it is
    )

    assert [item.label for item in load_dataset(out)] == [True, False]


def test_corrections_as_rows_skips_stories_gone_from_the_store(tmp_path):
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories([story(1)])
        store.save_correction(make_correction("story1", relevant=True, labelled_at=LABELLED_AT))
        store.save_correction(make_correction("gone", relevant=True, labelled_at=LABELLED_AT))
        assert [row["id"] for row in corrections_as_rows(store)] == ["story1"]


def test_lede_keeps_at_most_three_sentences_and_seventy_words():
    assert lede("One. Two. Three. Four.") == "One. Two. Three."
    long = " ".join(["Word"] * 100) + "."
    assert len(lede(long).split()) == 70
    assert lede("Short one. " + long) == "Short one."


def test_an_alert_ledger_that_cannot_open_stops_the_label_before_anything_changes(env):
    stored(env, story())
    broken = {**env, "PICKET_ALERTS_DB": "/proc/nonexistent/alerts.db"}
    result = picket(broken, "label", "story1", "--relevant")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "PICKET_ALERTS_DB" in result.output
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        assert store.corrections() == []
        assert store.get_story("story1") == story()


def test_model_train_with_labels_learns_from_the_corrections(env, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {"title": "Staff walk out", "lede": "Hundreds of Google employees walked out.", "label": 1},
        {"title": "Rain", "lede": "Heavy rain is expected this weekend.", "label": 0},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows * 6))
    stored(env, story(1), story(2))
    for story_id, verdict in (("story1", "--relevant"), ("story2", "--not-relevant")):
        assert picket(env, "label", story_id, verdict).exit_code == 0
    out = tmp_path / "model"
    args = ("model", "train", "--corpus", str(corpus), "--output", str(out), "--no-written")
    plain = picket(env, *args)
    assert "trained on 12 stories (6 relevant)" in plain.output, plain.output
    result = picket(env, *args, "--with-labels")
    assert result.exit_code == 0, result.output
    assert "with 2 corrections from the store" in result.output
    assert "trained on 14 stories (7 relevant)" in result.output
    assert (out / "relevance.npz").is_file()


def test_model_train_on_too_few_stories_says_so_in_one_line(env, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"title": "Walkout", "lede": "Staff walked out.", "label": 1}))
    args = ("model", "train", "--corpus", str(corpus), "--output", str(tmp_path), "--no-written")
    result = picket(env, *args)
    assert result.exit_code == 1
    assert "cannot train on these stories" in result.output
    assert "Traceback" not in result.output
