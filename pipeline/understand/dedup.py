"""Find copies: the same text at another URL, syndicated wire copies and light reprints.

A story that copies an earlier one keeps its own record and points at the first copy
(``duplicate_of``), so it is stored and searchable but never alerts a second time.

Near copies are found with MinHash over 5-word shingles, estimated Jaccard at least 0.8,
the usual measure for "same article, lightly edited": a changed headline and an added
sentence keep a 500-word article far above it, while two outlets writing up the same news in
their own words share almost no 5-word run. Signatures are plain integers computed from
fixed, derived hash parameters (no random state), so a signature stored by one process
compares with one computed by another. Lookups go through LSH bands, so an index of many
stories only compares a new story with the few that share a band.

A text of fewer than about 100 shingles (a feed summary standing in for an article) carries
too little to be called a copy on its words alone: it must also have a matching title. The
length is estimated from the signature itself, so a stored story needs no text to be judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import blake2b

import numpy as np

from pipeline.crawl_records import KnownStory
from pipeline.records import Story
from pipeline.understand.normalize import words

NUM_PERM = 128
SHINGLE_WORDS = 5
BANDS, ROWS = 32, 4  # Jaccard 0.6 becomes a candidate 99 times in 100; checked exactly after
NEAR_DUPLICATE_JACCARD = 0.8
SHORT_TEXT_SHINGLES = 100  # about 100 words: a feed summary, not an article
TITLE_MATCH_JACCARD = 0.8

_HASH_BYTES = 4
_HASH_RANGE = float(2 ** (8 * _HASH_BYTES))
_NEVER = datetime.max.replace(tzinfo=UTC)
_SIGNATURE_BYTES = NUM_PERM * _HASH_BYTES


def _hash_parameters(kind: str) -> np.ndarray:
    """Fixed 64-bit multipliers/offsets of the MinHash permutations, one per permutation."""
    return np.array(
        [
            int.from_bytes(
                blake2b(f"{kind}{i}".encode(), digest_size=8, person=b"picket-minhash").digest(),
                "little",
            )
            | 1
            for i in range(NUM_PERM)
        ],
        dtype=np.uint64,
    )


_MULTIPLIERS = _hash_parameters("a")
_OFFSETS = _hash_parameters("b")
_SHIFT = np.uint64(32)
_BAND_MIX = _hash_parameters("band")[0]
_BAND_NUMBERS = _hash_parameters("number")[:BANDS]


class Signature:
    """A text's MinHash: ``NUM_PERM`` 32-bit minima, or none for a text without words.

    The minima are kept as one numpy array, not a tuple of Python ints: a run holds the
    signatures of every story in the dedup window, and 128 int objects each made that
    index ten times larger (and slower to build) than the numbers in it.
    """

    __slots__ = ("_array",)

    def __init__(self, values: Iterable[int] | np.ndarray) -> None:
        self._array = np.array(values, dtype=np.uint32)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(self._array.tolist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signature) and np.array_equal(self._array, other._array)

    def __hash__(self) -> int:
        return hash(self._array.tobytes())

    def __repr__(self) -> str:
        return f"Signature({self.values!r})"

    def to_bytes(self) -> bytes:
        """Little-endian 32-bit values, for a store to keep beside the story."""
        return self._array.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """Read ``to_bytes`` output; ``ValueError`` if it was made with another size."""
        if len(data) not in (0, _SIGNATURE_BYTES):
            raise ValueError(f"a signature has {_SIGNATURE_BYTES} bytes, not {len(data)}")
        return cls(np.frombuffer(data, dtype="<u4"))

    def jaccard(self, other: Signature) -> float:
        """The estimated Jaccard similarity of the two texts' shingle sets."""
        if not len(self._array) or len(self._array) != len(other._array):
            return 0.0
        return int(np.count_nonzero(self._array == other._array)) / len(self._array)

    def shingle_count(self) -> float:
        """How many distinct shingles the text had, estimated from the minima."""
        if not len(self._array):
            return 0.0
        return len(self._array) / (int(self._array.sum(dtype=np.uint64)) / _HASH_RANGE) - 1

    def is_short(self) -> bool:
        """Whether the text is too short to be called a copy on its words alone."""
        return self.shingle_count() < SHORT_TEXT_SHINGLES

    def bands(self) -> list[int]:
        """Keys of the LSH bands (within one process): texts that share one are worth
        comparing. Each band's four values are read as two 64-bit words and mixed with the
        band's number; texts with equal values in a band always share its key."""
        if not len(self._array):
            return []
        words = self._array.view(np.uint64).reshape(BANDS, ROWS // 2)
        return ((words[:, 0] * _BAND_MIX) ^ words[:, 1] ^ _BAND_NUMBERS).tolist()


def signature(text: str) -> Signature:
    """The MinHash of ``text``'s 5-word shingles (case, punctuation and spacing ignored)."""
    tokens = words(text)
    if not tokens:
        return Signature(())
    if len(tokens) < SHINGLE_WORDS:
        shingles = {" ".join(tokens)}
    else:
        shifted = [tokens[i:] for i in range(SHINGLE_WORDS)]  # zip stops with the shortest
        shingles = set(map(" ".join, zip(*shifted, strict=False)))
    digests = b"".join(
        [blake2b(shingle.encode(), digest_size=_HASH_BYTES).digest() for shingle in shingles]
    )
    hashes = np.frombuffer(digests, dtype="<u4").astype(np.uint64)
    # multiply-add-shift: a universal family mapping 32-bit keys to 32-bit values
    permuted = (hashes[:, None] * _MULTIPLIERS + _OFFSETS) >> _SHIFT
    return Signature(permuted.min(axis=0))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedup needs to remember of a stored story (no text: its signature stands in)."""

    story_id: str
    content_hash: str
    signature: Signature
    first_seen: datetime | None = None
    title: str = ""
    duplicate_of: str | None = None


def fingerprint(story: Story, sig: Signature | None = None) -> Fingerprint:
    """The fingerprint of ``story`` (its signature computed unless given)."""
    return Fingerprint(
        story_id=story.id,
        content_hash=story.content_hash,
        signature=signature(story.text) if sig is None else sig,
        first_seen=story.first_seen,
        title=story.title,
        duplicate_of=story.duplicate_of,
    )


def known_fingerprint(known: KnownStory) -> Fingerprint:
    """The fingerprint of a stored story, from its saved signature (or its text without one)."""
    raw = known.signature
    return Fingerprint(
        story_id=known.id,
        content_hash=known.content_hash,
        signature=Signature.from_bytes(raw) if raw else signature(known.text),
        first_seen=known.first_seen,
        title=known.title,
        duplicate_of=known.duplicate_of,
    )


class DuplicateIndex:
    """Fingerprints of stored stories, looked up by content hash and by MinHash band.

    Build it from the stories a copy could repeat (say the last few weeks), then ``add``
    each new story's fingerprint after ``find_duplicate`` has judged it. Adding a known id
    again replaces its fingerprint.
    """

    def __init__(
        self, fingerprints: Iterable[Fingerprint] = (), *, threshold: float = NEAR_DUPLICATE_JACCARD
    ) -> None:
        self.threshold = threshold
        self._entries: dict[str, tuple[Fingerprint, frozenset[str]]] = {}
        self._by_hash: dict[str, set[str]] = {}
        self._by_band: dict[int, set[str]] = {}
        for fp in fingerprints:
            self.add(fp)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._entries

    def add(self, fp: Fingerprint) -> None:
        """Remember one stored story."""
        self._entries[fp.story_id] = (fp, frozenset(words(fp.title)))
        if fp.content_hash:
            self._by_hash.setdefault(fp.content_hash, set()).add(fp.story_id)
        for key in fp.signature.bands():
            self._by_band.setdefault(key, set()).add(fp.story_id)

    def _candidates(
        self, content_hash: str, sig: Signature
    ) -> list[tuple[Fingerprint, frozenset[str]]]:
        ids = set(self._by_hash.get(content_hash, ())) if content_hash else set()
        for key in sig.bands():
            ids.update(self._by_band.get(key, ()))
        return [self._entries[i] for i in sorted(ids)]


def find_duplicate(story: Story, index: DuplicateIndex, sig: Signature | None = None) -> str | None:
    """The id of the first copy ``story`` repeats, or ``None`` when it is an original.

    A copy has the same content hash or an estimated Jaccard of at least the index's
    threshold, and was first seen no later than ``story``; when either text is short, the
    titles must match as well. Of several copies the earliest seen names the original (a
    copy that is itself a duplicate leads to its original). The story's own record, or one
    that already points at it, is never its original, so re-running changes nothing.

    A story the index holds was first seen when its record says. One it does not hold is
    new, and the store stamps it when written, after every story the index holds: a run
    that starts late (its ``now`` the end of a data interval long past) still finds the
    copies the runs before it stored.
    """
    sig = signature(story.text) if sig is None else sig
    title_words = frozenset(words(story.title))
    own = index._entries.get(story.id)
    seen = own[0].first_seen if own is not None else None
    copies = [
        fp
        for fp, fp_title_words in index._candidates(story.content_hash, sig)
        if story.id not in (fp.story_id, fp.duplicate_of)
        and _seen_no_later(fp.first_seen, seen)
        and (
            (story.content_hash and fp.content_hash == story.content_hash)
            or sig.jaccard(fp.signature) >= index.threshold
        )
        and (
            not (sig.is_short() or fp.signature.is_short())
            or _jaccard(title_words, fp_title_words) >= TITLE_MATCH_JACCARD
        )
    ]
    if not copies:
        return None
    first = min(copies, key=lambda fp: (fp.first_seen or _NEVER, fp.story_id))
    return first.duplicate_of or first.story_id


def _seen_no_later(candidate: datetime | None, story: datetime | None) -> bool:
    return candidate is None or story is None or candidate <= story


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
