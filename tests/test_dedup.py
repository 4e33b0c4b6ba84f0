"""Deduplication: exact copies, wire reprints, different stories, short summaries, re-runs."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.records import Story
from pipeline.understand.dedup import (
    NUM_PERM,
    DuplicateIndex,
    Fingerprint,
    Signature,
    find_duplicate,
    fingerprint,
    signature,
)
from pipeline.understand.normalize import content_hash

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)

WIRE_TITLE = "Hundreds of Google engineers walk out over cloud contract"
WIRE = """\
SAN FRANCISCO (Wire) - Several hundred software engineers at Google left their desks on \
Wednesday afternoon and gathered outside the company's offices in San Francisco, New York and \
Seattle to protest a cloud computing contract with a defence ministry, organisers said.
The walkout, which began at noon local time in each city, was organised by a coalition of \
employees who had circulated an internal petition for three weeks before deciding to take \
their objections outside the company. Organisers said more than 1,200 staff had signed it.
Participants carried hand-lettered signs reading "Not in our name" and "Code for people, not \
for war" and listened to short speeches from colleagues in engineering, design and support \
roles. Several contract workers who clean and staff the offices joined them on the pavement.
In the petition, the employees asked senior leadership to publish the terms of the \
agreement, to set up an ethics review that includes elected employee representatives, and to \
commit not to build tools that help select targets for military strikes.
A spokesperson for Google said the contract covered general purpose cloud services and that \
the company respected the right of employees to express their views, adding that the firm had \
a long record of open internal debate about the work it takes on.
The protest is the largest at the company since 2018, when thousands of employees around the \
world left their offices over the handling of sexual harassment claims against senior \
executives. That action led to changes in how the company handles such complaints.
Labour researchers say that collective action by technology workers has grown steadily over \
the past decade, as engineers who once saw themselves as highly paid professionals have come \
to see common cause with warehouse staff, drivers and content moderators.
Organisers said they would hold a second walkout next month if leadership did not respond \
to the petition, and that colleagues in London, Dublin and Zurich had asked for help planning \
their own actions. A meeting with the chief executive has not been scheduled.
"We build these systems, so we have a say in how they are used," said one engineer who \
helped plan the walkout and asked not to be named for fear of retaliation. "This is about who \
we want to be, and we are not going away."
"""

REPRINT_TITLE = "Google staff stage walkout in protest at defence cloud deal"
REPRINT = (
    WIRE.replace("SAN FRANCISCO (Wire) - ", "")
    .replace("organisers said.\n", "organisers said, according to the Wire news agency.\n", 1)
    .replace("Wednesday afternoon", "Wednesday")
    + "The company's shares closed slightly lower on the day.\n"
)

OTHER_GOOGLE_TITLE = "Google reports higher cloud revenue as advertising recovers"
OTHER_GOOGLE = """\
Google's parent company reported quarterly revenue above analysts' expectations on Tuesday, \
helped by strong demand for its cloud computing services and a recovery in advertising sales \
after two slow years. Revenue from the cloud unit rose by more than a quarter from a year \
earlier, while search advertising grew at its fastest pace since the pandemic.
The chief financial officer told analysts on a conference call that the company would keep \
investing heavily in data centres and custom chips to meet demand from businesses building \
artificial intelligence products, and that capital spending would rise again next year.
Shares rose about six percent in extended trading. Investors had been watching for signs \
that spending on artificial intelligence was beginning to pay off, and several analysts said \
the results suggested the cloud business had reached a new scale.
The company also announced a new share buyback programme and said it would pay a quarterly \
dividend for the second time in its history. Headcount was roughly flat compared with the \
previous quarter after a series of smaller reorganisations across the business.
Executives declined to comment on regulatory cases in the United States and Europe, where \
authorities are examining the company's dominance in search and online advertising \
technology. A ruling in one of the cases is expected later this year.
"""

SUMMARY = "Google employees walked out on Wednesday over a cloud contract, organisers said."


def _story(sid: str, title: str, text: str, seen: datetime = T0, **fields: object) -> Story:
    return Story(
        id=sid,
        url=f"https://example.com/{sid}",
        canonical_url=f"https://example.com/{sid}",
        source_id="test",
        title=title,
        text=text,
        first_seen=seen,
        content_hash=content_hash(text),
        **fields,  # type: ignore[arg-type]
    )


def _index(*stories: Story) -> DuplicateIndex:
    return DuplicateIndex(fingerprint(s) for s in stories)


ORIGINAL = _story("wire", WIRE_TITLE, WIRE)
LATER = T0 + timedelta(hours=3)


def test_the_same_text_at_another_url_is_an_exact_duplicate() -> None:
    copy = _story("copy", "Another headline", WIRE.replace("\n", "\n\n").upper(), LATER)
    assert copy.content_hash == ORIGINAL.content_hash
    assert find_duplicate(copy, _index(ORIGINAL)) == "wire"


def test_a_reprint_with_a_new_headline_and_an_added_sentence_is_a_near_duplicate() -> None:
    reprint = _story("reprint", REPRINT_TITLE, REPRINT, LATER)
    assert reprint.content_hash != ORIGINAL.content_hash
    assert signature(REPRINT).jaccard(signature(WIRE)) >= 0.8
    assert find_duplicate(reprint, _index(ORIGINAL)) == "wire"


def test_a_different_story_about_the_same_company_is_not_a_duplicate() -> None:
    other = _story("earnings", OTHER_GOOGLE_TITLE, OTHER_GOOGLE, LATER)
    assert signature(OTHER_GOOGLE).jaccard(signature(WIRE)) < 0.1
    assert find_duplicate(other, _index(ORIGINAL)) is None


def test_a_rewrite_of_half_the_article_is_not_a_duplicate() -> None:
    paragraphs = WIRE.splitlines()
    half = "\n".join(paragraphs[:4] + [p[::-1] for p in paragraphs[4:]])
    assert find_duplicate(_story("half", WIRE_TITLE, half, LATER), _index(ORIGINAL)) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (WIRE_TITLE, "first"),  # same summary, same headline: one story at two URLs
        (WIRE_TITLE + " - Example", "first"),  # same headline with an outlet suffix
        ("Google engineers strike again", None),  # a short text alone is not enough
    ],
)
def test_short_texts_also_need_a_matching_title(title: str, expected: str | None) -> None:
    first = _story("first", WIRE_TITLE, SUMMARY)
    again = _story("again", title, SUMMARY, LATER)
    assert signature(SUMMARY).is_short()
    assert find_duplicate(again, _index(first)) == expected


def test_a_short_summary_of_a_long_article_is_not_its_duplicate() -> None:
    summary = _story("summary", WIRE_TITLE, SUMMARY, LATER)
    assert find_duplicate(summary, _index(ORIGINAL)) is None


def test_the_first_copy_is_the_original_even_through_a_copy_of_it() -> None:
    reprint = _story("reprint", REPRINT_TITLE, REPRINT, LATER, duplicate_of="wire")
    third = _story(
        "third", "Walkout at Google", REPRINT + "One more line.", LATER + timedelta(hours=1)
    )
    assert find_duplicate(third, _index(reprint, ORIGINAL)) == "wire"
    assert find_duplicate(third, _index(reprint)) == "wire"


def test_rerunning_over_stored_stories_changes_nothing() -> None:
    reprint = _story("reprint", REPRINT_TITLE, REPRINT, LATER, duplicate_of="wire")
    index = _index(ORIGINAL, reprint)
    assert find_duplicate(ORIGINAL, index) is None
    assert find_duplicate(replace(reprint, duplicate_of=None), index) == "wire"


def test_a_copy_seen_later_is_never_the_original_of_an_earlier_story() -> None:
    later_copy = _story("later", REPRINT_TITLE, REPRINT, LATER)
    assert find_duplicate(ORIGINAL, _index(ORIGINAL, later_copy)) is None


def test_a_new_story_of_a_late_run_finds_the_copy_stored_after_the_run_began() -> None:
    # the run's clock (the end of an old data interval) is behind the copy's store stamp
    stored_later = _story("later", REPRINT_TITLE, REPRINT, LATER)
    assert find_duplicate(ORIGINAL, _index(stored_later)) == "later"


def test_stories_first_seen_in_the_same_run_follow_the_order_they_were_added() -> None:
    index = DuplicateIndex()
    first = _story("a", WIRE_TITLE, WIRE)
    second = _story("b", REPRINT_TITLE, REPRINT)  # same first_seen
    assert find_duplicate(first, index) is None
    index.add(fingerprint(first))
    assert find_duplicate(second, index) == "a"


def test_an_index_of_bare_stored_fingerprints_finds_long_copies() -> None:
    bare = Fingerprint("wire", ORIGINAL.content_hash, signature(WIRE), first_seen=T0)
    index = DuplicateIndex([bare])
    assert len(index) == 1 and "wire" in index
    assert find_duplicate(_story("reprint", REPRINT_TITLE, REPRINT, LATER), index) == "wire"


def test_texts_without_words_match_nothing() -> None:
    empty = _story("empty", WIRE_TITLE, "")
    assert signature("").values == ()
    assert signature("").jaccard(signature("")) == 0.0
    assert find_duplicate(replace(empty, id="empty2"), _index(empty)) is None


def test_signatures_round_trip_through_bytes() -> None:
    sig = signature(WIRE)
    assert len(sig.values) == NUM_PERM
    assert Signature.from_bytes(sig.to_bytes()) == sig
    assert Signature.from_bytes(b"") == signature("")
    with pytest.raises(ValueError):
        Signature.from_bytes(sig.to_bytes()[:-4])


def test_signatures_are_the_same_in_every_process() -> None:
    code = (
        "from pipeline.understand.dedup import signature; "
        "print(signature('a b c d e f g').to_bytes().hex())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.strip()
    assert bytes.fromhex(other) == signature("a b c d e f g").to_bytes()
    # pinned: stored signatures must keep matching new ones after an upgrade
    assert signature("a b c d e f g").values[:3] == PINNED_SIGNATURE_START


PINNED_SIGNATURE_START = (619025205, 1149038568, 613757543)
