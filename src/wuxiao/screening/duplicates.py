"""The near-duplicate finder: character shingles, MinHash signatures, LSH banding, exact Jaccard.

Pure Python and deterministic (no `hash()` of strings, whose seed changes per process):

* `normalise` folds full-width forms (NFKC), case, and drops whitespace and punctuation, so that
  "，" against "," or a re-spaced paragraph changes nothing;
* a text's shingles are the CRC-32s of its overlapping 5-character windows (UTF-16 bytes);
* its signature is a one-permutation MinHash: each shingle falls into one of `BINS` bins by the
  low bits of its hash and the bin keeps its smallest hash, so one pass over the shingles gives
  every value (rather than one pass per hash function). Two texts agree on a bin with probability
  equal to their Jaccard similarity;
* LSH: the signature is cut into `BANDS` bands of `ROWS` values; two texts that agree on a whole
  band become a candidate pair. With 48 bands of 4 rows, a pair of similarity 0.6 is a candidate
  with probability 0.998, a pair of 0.05 with 0.0003;
* candidates are verified with the exact Jaccard similarity of their shingle sets, so the result
  never contains a pair below the threshold, whatever the estimate said.

The texts of candidates are needed twice (signature, then verification); `find_near_duplicates`
keeps them in memory unless a `fetch` callable is given to load the few that are candidates again,
which keeps the memory of a large run to the signatures.
"""

from __future__ import annotations

import operator
import re
import unicodedata
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import repeat

SHINGLE = 5  # characters; 4 finds more shared phrases between different texts, 6 misses lightly edited copies
BINS = 192
BANDS = 48
ROWS = BINS // BANDS
THRESHOLD = 0.5  # Jaccard similarity of the shingle sets from which a pair is a near-duplicate
MIN_CHARS = 50  # texts shorter than this (after normalising) are not compared: too little to say anything

_EMPTY = 1 << 33  # larger than any CRC-32: the value of a bin no shingle fell into
_DROP = re.compile(r"[\W_]+")
# Whitespace and the usual CJK and full-width punctuation, dropped before NFKC: a text in NFKC
# already takes NFKC's fast path, and full-width punctuation is what keeps it off it.
_DROP_FIRST = re.compile(r"[\s\u2010-\u206f\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")


def normalise(text: str) -> str:
    """The text as compared: NFKC, case-folded, without whitespace and punctuation."""
    text = _DROP_FIRST.sub("", text or "")
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def shingles(normalised: str, *, size: int = SHINGLE) -> set[int]:
    """The CRC-32s of the overlapping `size`-character windows of a normalised text."""
    data = normalised.encode("utf-16-le")
    width = 2 * size
    if len(data) < width:
        return set()
    return set(map(zlib.crc32, [data[i:i + width] for i in range(0, len(data) - width + 2, 2)]))


def signature_of(shingle_set: set[int]) -> array:
    """The one-permutation MinHash of a shingle set: the smallest hash in each of BINS bins."""
    # Sorted high to low, dict() keeps the last value written for each bin: its smallest hash.
    ordered = sorted(shingle_set, reverse=True)
    smallest = dict(zip(map(operator.mod, ordered, repeat(BINS)), ordered))
    if len(smallest) == BINS:
        return array("q", [smallest[b] for b in range(BINS)])
    # Densify: an empty bin borrows the next non-empty bin's value (shifted, so it cannot meet a real one).
    values = array("q", repeat(_EMPTY, BINS))
    if not smallest:
        return values
    for b, v in smallest.items():
        values[b] = v
    for b in range(BINS):
        if b not in smallest:
            step = 1
            while (b + step) % BINS not in smallest:
                step += 1
            values[b] = smallest[(b + step) % BINS] + step * _EMPTY
    return values


def band_keys(signature: array) -> array:
    """One integer per band: the (deterministic) hash of the band's values."""
    return array("q", [hash(tuple(signature[i:i + ROWS])) for i in range(0, BINS, ROWS)])


def keys_of_text(text: str) -> array | None:
    """The band keys of a raw text, or None when it is too short to compare."""
    normalised = normalise(text)
    if len(normalised) < MIN_CHARS:
        return None
    return band_keys(signature_of(shingles(normalised)))


def jaccard(a: set[int], b: set[int]) -> float:
    """|A ∩ B| / |A ∪ B| (0 for two empty sets)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def candidate_pairs(keys: list[array | None], *, max_bucket: int = 500) -> set[tuple[int, int]]:
    """Index pairs that agree on at least one band. A bucket larger than `max_bucket` is cut
    (such a bucket means many copies of one text: its first `max_bucket` members still pair up)."""
    pairs: set[tuple[int, int]] = set()
    present = [i for i, k in enumerate(keys) if k is not None]
    for band in range(BANDS):
        column = [keys[i][band] for i in present]
        counts = Counter(column)
        if len(counts) == len(column):
            continue
        shared = {key for key, n in counts.items() if n > 1}
        buckets: dict[int, list[int]] = {}
        for i, key in zip(present, column):
            if key in shared:
                buckets.setdefault(key, []).append(i)
        for members in buckets.values():
            members = members[:max_bucket]
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


@dataclass(frozen=True)
class Pair:
    a: object  # the ids given in the input, a before b in input order
    b: object
    score: float  # exact Jaccard similarity of the shingle sets


class _KeysOf:
    """Picklable: the band keys of `prepare(payload)` (the payload itself when there is no `prepare`)."""

    def __init__(self, prepare):
        self.prepare = prepare

    def __call__(self, payload) -> array | None:
        return keys_of_text(self.prepare(payload) if self.prepare else payload)


def find_near_duplicates(
    items: Iterable[tuple[object, str]], *, threshold: float = THRESHOLD, workers: int = 1,
    fetch: Callable[[list[object]], Mapping[object, str]] | None = None, chunksize: int = 200,
    prepare: Callable[[object], str] | None = None,
) -> list[Pair]:
    """The pairs of (id, text) items whose texts have a Jaccard similarity ≥ threshold, most similar first.

    `workers` > 1 computes the signatures in that many processes. With `fetch`, texts are not
    kept: `fetch(ids)` must return {id: text} for the candidates' ids when they are verified.
    With `prepare` (and `fetch`), items are (id, payload) and the text is `prepare(payload)`,
    computed in the worker: the benchmark generates its texts there.
    """
    if prepare is not None and fetch is None:
        raise ValueError("prepare needs fetch: the texts are not seen by this process")
    ids: list[object] = []
    texts: list[str] | None = None if fetch else []

    def feed():
        for item_id, text in items:
            ids.append(item_id)
            if texts is not None:
                texts.append(text)
            yield text

    if workers > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            keys = list(pool.imap(_KeysOf(prepare), feed(), chunksize=chunksize))
    else:
        keys = list(map(_KeysOf(prepare), feed()))

    candidates = candidate_pairs(keys)
    if not candidates:
        return []
    involved = sorted({i for pair in candidates for i in pair})
    if texts is not None:
        by_index = {i: texts[i] for i in involved}
    else:
        fetched = fetch([ids[i] for i in involved])
        by_index = {i: fetched.get(ids[i], "") for i in involved}
    # One shingle set at a time besides the current pair's first member: a set of ~1,500 ints
    # weighs ~75 KB, and keeping the sets of thousands of candidates would dominate the memory.
    found, current, current_set = [], None, set()
    for x, y in sorted(candidates):
        if x != current:
            current, current_set = x, shingles(normalise(by_index[x]))
        score = jaccard(current_set, shingles(normalise(by_index[y])))
        if score >= threshold:
            found.append(Pair(ids[x], ids[y], round(score, 4)))
    found.sort(key=lambda p: (-p.score, str(p.a), str(p.b)))
    return found
