"""People's corrections of picket's judgement: checked, applied to stories, exported.

A ``Correction`` says whether a story is relevant and, optionally, which employer acted
and what the workers did. ``make_correction`` checks its values against picket's
vocabulary (the gazetteer's companies, the archive's actions, the labelling guide's kinds
of look-alike); ``apply_correction`` re-judges a story with it, and the stores apply it on
every upsert, so a later crawl of the story keeps the correction. ``corpus_row`` writes a
corrected story in the format of the labelled training stories, so training can read both.
Pure: no I/O, no clock, except ``corrections_as_rows``, which reads a store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipeline.records import Correction, Relevance, Story
from pipeline.understand.sentences import sentences
from pipeline.vocabulary import VOCABULARIES, check_value, nearest_value

if TYPE_CHECKING:
    from pipeline.store import StoryStore

CORRECTED = "corrected by a user"
"""How a corrected story's evidence begins."""
NEGATIVE_KINDS: tuple[str, ...] = (
    "outsider_protest",
    "non_tech_labor",
    "management_action",
    "individual_case",
    "policy_and_regulation",
    "tech_controversy",
    "survey_or_trend",
    "labor_word_in_tech",
    "ordinary_tech",
    "ambiguous_near_miss",
)
"""Why a story that is not relevant looks like one (the labelling guide's kinds)."""
LEDE_WORDS = 70
LEDE_SENTENCES = 3


class LabelError(ValueError):
    """A correction picket cannot take; the message says which value and why."""


def make_correction(
    story_id: str,
    *,
    relevant: bool,
    labelled_at: datetime,
    companies: Sequence[str] = (),
    actions: Sequence[str] = (),
    negative_kind: str | None = None,
) -> Correction:
    """A checked correction, with companies under their canonical names."""
    if actions and not relevant:
        raise LabelError("--action goes with --relevant: a story that is not relevant has none")
    if negative_kind is not None and relevant:
        raise LabelError("--negative-kind goes with --not-relevant")
    if negative_kind is not None and negative_kind not in NEGATIVE_KINDS:
        nearest = nearest_value(negative_kind, {kind: kind for kind in NEGATIVE_KINDS})
        raise LabelError(_unknown("negative kind", negative_kind, nearest, NEGATIVE_KINDS))
    return Correction(
        story_id=story_id,
        relevant=relevant,
        labelled_at=labelled_at,
        companies=tuple(dict.fromkeys(_company(name) for name in companies)),
        actions=tuple(dict.fromkeys(_action(kind) for kind in actions)),
        negative_kind=negative_kind,
    )


def _company(name: str) -> str:
    return _tagged("companies", "company", name, " (see pipeline/data/companies.yaml)")


def _action(kind: str) -> str:
    return _tagged("actions", "action", kind)


def _tagged(field: str, what: str, value: str, where: str = "") -> str:
    """``value`` as picket tags ``field`` (``vocabulary.check_value``); else ``LabelError``."""
    checked = check_value(field, value)
    if not checked.known:
        raise LabelError(
            _unknown(what, value, checked.nearest, VOCABULARIES.get(field, {})) + where
        )
    return checked.value


def _unknown(what: str, value: str, nearest: str | None, known: Iterable[str]) -> str:
    choices = sorted(known)
    hint = f"; did you mean {nearest!r}?" if nearest else ""
    if len(choices) <= 12:
        hint += f" (one of: {', '.join(choices)})"
    return f"unknown {what} {value!r}{hint}"


def apply_correction(story: Story, correction: Correction | None) -> Story:
    """``story`` as the correction has it: label, score 1.0 or 0.0, companies with the
    corrected ones first, the corrected actions, and evidence saying so."""
    if correction is None:
        return story
    verdict = "relevant" if correction.relevant else "not relevant"
    own = tuple(e for e in story.relevance.evidence if not e.startswith(CORRECTED))
    evidence = (f"{CORRECTED} on {correction.labelled_at:%Y-%m-%d}: {verdict}", *own)
    companies = tuple(dict.fromkeys((*correction.companies, *story.tags.companies)))
    tags = replace(
        story.tags, companies=companies, actions=correction.actions or story.tags.actions
    )
    relevance = Relevance(score=float(correction.relevant), label=correction.relevant)
    return replace(story, relevance=replace(relevance, evidence=evidence), tags=tags)


def correction_of(story: Story, corrections: Mapping[str, Correction]) -> Correction | None:
    """The correction that decides ``story`` among ``corrections`` (by story id): its own,
    else that of the story it copies. A copy is the same article, so a label of the
    original holds for every copy, stored before or found later."""
    own = corrections.get(story.id)
    if own is None and story.duplicate_of:
        return corrections.get(story.duplicate_of)
    return own


def is_corrected(story: Story) -> bool:
    """Whether a person's correction decided this story's relevance."""
    return bool(story.relevance.evidence) and story.relevance.evidence[0].startswith(CORRECTED)


def lede(text: str) -> str:
    """The first one to three sentences of ``text``, at most ``LEDE_WORDS`` words."""
    words: list[str] = []
    for sentence in sentences(text)[:LEDE_SENTENCES]:
        more = sentence.split()
        if words and len(words) + len(more) > LEDE_WORDS:
            break
        words.extend(more)
    return " ".join(words[:LEDE_WORDS])


def corpus_row(story: Story, correction: Correction) -> dict[str, Any]:
    """The corrected story as a line of the labelled corpus (``stories_train.jsonl``)."""
    story = apply_correction(story, correction)
    companies = list(story.tags.companies)
    row: dict[str, Any] = {
        "id": story.id,
        "url": story.url,
        "outlet": story.outlet,
        "published": f"{story.published:%Y-%m-%d}" if story.published else None,
        "title": story.title,
        "lede": lede(story.text),
        "label": int(correction.relevant),
    }
    if correction.relevant:
        row |= {
            "companies": companies,
            "company": companies[0] if companies else None,
            "actions": list(story.tags.actions),
            "event": story.event_id or story.duplicate_of or story.id,
        }
    else:
        row |= {"negative_kind": correction.negative_kind, "companies": companies}
    row["note"] = f"{CORRECTED} on {correction.labelled_at:%Y-%m-%d}"
    return row


def corrections_as_rows(store: StoryStore) -> Iterator[dict[str, Any]]:
    """Every kept correction as a corpus row, oldest first, for export and for training
    (a correction whose story is gone from the store is skipped)."""
    for correction in store.corrections():
        story = store.get_story(correction.story_id)
        if story is not None:
            yield corpus_row(story, correction)
