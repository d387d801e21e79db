"""The near-duplicate finder: character shingles, MinHash signatures, LSH banding, exact Jaccard.

Pure Python and deterministic (no `hash()` of strings, whose seed changes per process):

* `normalise` folds full-width forms (NFKC), case, and drops whitespace and punctuation, so that
  "，" against "," or a re-spaced paragraph changes nothing;
* a text's shingles are the CRC-32s of its overlapping 5-character windows (UTF-16 bytes);
* its signature is a one-permutation MinHash: each shingle falls into one of `BINS` bins by the
  low bits of its hash and the bin keeps its smallest hash, so one pass over the shingles gives
  every value (rather than one pass per hash function); an empty bin borrows a value from another
  bin. Two texts agree on a bin with probability equal to their Jaccard similarity;
* LSH: the signature is cut into `BANDS` bands of `ROWS` values; two texts that agree on a whole
  band become a candidate pair. With 48 bands of 4 rows, a pair of similarity 0.6 is a candidate
  with probability 0.998, a pair of 0.05 with 0.0003;
* candidates are verified with the exact Jaccard similarity of their shingle sets, so the result
  never contains a pair below the threshold, whatever the estimate said.

`find_near_duplicates` compares whole texts. `find_near_duplicate_records` compares records made
of several fields (an entry's summary, background, …) twice over: as whole texts, and field by
field, so that one paragraph copied into an otherwise different record is found although the
whole texts are far apart. The second pass puts every long field of every record into one pool:
a field copied into another field (A's benefits pasted as B's innovation points) meets its copy
as easily as one copied into the same field, at the same cost.

Band keys are kept as 32-bit integers in one buffer (no Python object per text), so the memory of
a large run is 192 bytes per text compared. The texts of candidates are needed twice (signature,
then verification); the finders keep them in memory unless a `fetch` callable is given to load
the few that are candidates again.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, combinations, repeat

SHINGLE = 5  # characters; 4 finds more shared phrases between different texts, 6 misses lightly edited copies
BINS = 192
BANDS = 48
ROWS = BINS // BANDS
THRESHOLD = 0.5  # Jaccard similarity of the shingle sets from which a pair is a near-duplicate
MIN_CHARS = 50  # texts shorter than this (after normalising) are not compared: too little to say anything
MAX_BUCKET = 500  # texts sharing one band beyond this many are paired with the first only, not with each other

_EMPTY = 1 << 33  # larger than any CRC-32: the value of every bin of a text without shingles
# For each bin, the order in which an empty bin looks for a value to borrow (fixed: signatures must agree across runs).
_DONORS = [random.Random(b).sample(range(BINS), BINS) for b in range(BINS)]
_KEY_MASK = 0xFFFFFFFF  # band keys are cut to 32 bits: a chance collision only adds a candidate, verified anyway
_DROP = re.compile(r"[\W_]+")
# Whitespace and the usual CJK and full-width punctuation, dropped before NFKC: a text in NFKC
# already takes NFKC's fast path, and full-width punctuation is what keeps it off it.
_DROP_FIRST = re.compile(r"[\s\u2010-\u206f\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")


def normalise(text: str) -> str:
    """The text as compared: NFKC, case-folded, without whitespace and punctuation."""
    text = _DROP_FIRST.sub("", text or "")
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def _window_hashes(normalised: str, *, size: int = SHINGLE) -> list[int]:
    """The CRC-32 of each `size`-character window of a normalised text, in order (repeats kept)."""
    data = normalised.encode("utf-16-le")
    width = 2 * size
    return list(map(zlib.crc32, [data[i:i + width] for i in range(0, len(data) - width + 2, 2)]))


def shingles(normalised: str, *, size: int = SHINGLE) -> set[int]:
    """The CRC-32s of the overlapping `size`-character windows of a normalised text."""
    return set(_window_hashes(normalised, size=size))


def _minima(hashes: Iterable[int]) -> dict[int, int]:
    """{bin: smallest hash in it} for the non-empty bins."""
    smallest: dict[int, int] = {}
    get = smallest.get
    for h in hashes:
        b = h % BINS
        if h < get(b, _EMPTY):
            smallest[b] = h
    return smallest


def _densified(smallest: dict[int, int]) -> array:
    """The signature of the bins' minima: an empty bin borrows the value of the first non-empty bin
    in its own fixed order of bins (optimal densification, Shrivastava 2017). Two texts then agree
    on a borrowed value about as often as on a real one; borrowing from the next bin instead would
    let a run of empty bins, common in a short text, fill a whole band with one shared shingle.
    A borrowed value cannot meet a real one of the same bin: its remainder modulo BINS differs."""
    if len(smallest) == BINS:
        return array("q", map(smallest.__getitem__, range(BINS)))
    if not smallest:
        return array("q", repeat(_EMPTY, BINS))
    get = smallest.get
    values = [get(b, -1) for b in range(BINS)]
    for b, value in enumerate(values):
        if value < 0:
            for donor in _DONORS[b]:
                if (value := get(donor, -1)) >= 0:
                    values[b] = value
                    break
    return array("q", values)


def signature_of(shingle_set: Iterable[int]) -> array:
    """The one-permutation MinHash of a shingle set: the smallest hash in each of BINS bins."""
    return _densified(_minima(shingle_set))


def band_keys(signature: array) -> array:
    """One 32-bit integer per band: the (deterministic) hash of the band's values."""
    return array("I", [hash(band) & _KEY_MASK for band in zip(*[iter(signature)] * ROWS)])


def keys_of_text(text: str) -> array | None:
    """The band keys of a raw text, or None when it is too short to compare."""
    normalised = normalise(text)
    if len(normalised) < MIN_CHARS:
        return None
    return band_keys(signature_of(_window_hashes(normalised)))


def jaccard(a: set[int], b: set[int]) -> float:
    """|A ∩ B| / |A ∪ B| (0 for two empty sets)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


class Rows:
    """The band keys of many texts: one row of BANDS 32-bit keys per text, in one buffer, each
    row with an integer owner (what the row stands for: a record, or a record's field)."""

    def __init__(self):
        self.buffer = bytearray()
        self.owners = array("q")

    def add(self, owner: int, keys: bytes) -> None:
        self.buffer += keys
        self.owners.append(owner)

    def extend(self, owners: Iterable[int], keys: bytes) -> None:
        """Several rows at once: `keys` holds one row per owner, in order."""
        self.buffer += keys
        self.owners.extend(owners)

    def __len__(self) -> int:
        return len(self.owners)

    def band(self, band: int) -> list[int]:
        with memoryview(self.buffer) as raw, raw.cast("I") as keys:
            return keys[band::BANDS].tolist()


def candidate_pairs(rows: Rows, *, max_bucket: int = MAX_BUCKET) -> set[tuple[int, int]]:
    """Pairs of row indices (x < y) that agree on at least one band. In a bucket larger than
    `max_bucket` (many copies of one text) the first `max_bucket` members pair with each other
    and the rest with the first member only, so that every copy is still found once."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        column = rows.band(band)
        counts = Counter(column)
        if len(counts) == len(column):
            continue
        shared = {key for key, n in counts.items() if n > 1}
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, key in enumerate(column):
            if key in shared:
                buckets[key].append(i)
        for members in buckets.values():
            pairs.update(combinations(members[:max_bucket], 2))
            pairs.update(zip(repeat(members[0]), members[max_bucket:]))
    return pairs


@dataclass(frozen=True)
class Pair:
    a: object  # the ids given in the input, a before b in input order
    b: object
    score: float  # exact Jaccard similarity of the shingle sets


def _map_in_workers(function, payloads: Iterable, *, workers: int, chunksize: int) -> Iterable:
    if workers > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(function, payloads, chunksize=chunksize)
    else:
        yield from map(function, payloads)


class _KeysOf:
    """Picklable: the band keys of `prepare(payload)` (the payload itself when there is no `prepare`), as bytes."""

    def __init__(self, prepare):
        self.prepare = prepare

    def __call__(self, payload) -> bytes:
        keys = keys_of_text(self.prepare(payload) if self.prepare else payload)
        return keys.tobytes() if keys is not None else b""


def _check_arguments(prepare, fetch):
    if prepare is not None and fetch is None:
        raise ValueError("prepare needs fetch: the texts are not seen by this process")


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
    _check_arguments(prepare, fetch)
    ids: list[object] = []
    texts: list[str] | None = None if fetch else []

    def feed():
        for item_id, text in items:
            ids.append(item_id)
            if texts is not None:
                texts.append(text)
            yield text

    rows = Rows()
    for i, keys in enumerate(_map_in_workers(_KeysOf(prepare), feed(), workers=workers, chunksize=chunksize)):
        if keys:
            rows.add(i, keys)
    candidates = {(rows.owners[x], rows.owners[y]) for x, y in candidate_pairs(rows)}
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


# --- Records of several fields ---------------------------------------------------------------------

@dataclass(frozen=True)
class FieldMatch:
    field: str  # the field of the pair's first record (a)
    other_field: str  # the field of its second record (b)
    score: float  # exact Jaccard similarity of the two fields' shingle sets


@dataclass(frozen=True)
class RecordPair:
    a: object  # the ids given in the input, a before b in input order
    b: object
    similarity: float  # of the whole texts (the fields joined)
    fields: tuple[FieldMatch, ...]  # the fields at or above the threshold, most similar first

    @property
    def score(self) -> float:
        """The highest similarity found: of the whole texts or of one pair of fields."""
        return max([self.similarity, *(m.score for m in self.fields)])

    def reversed(self) -> RecordPair:
        """The same finding seen from b."""
        return RecordPair(self.b, self.a, self.similarity,
                          tuple(FieldMatch(m.other_field, m.field, m.score) for m in self.fields))


def _field_spans(texts: Sequence[str]) -> tuple[list[int], list[tuple[int, int]]]:
    """The window hashes of the joined normalised fields, and each field's (start, end) in them:
    the windows that lie wholly inside the field (empty for a field shorter than a window)."""
    norms = [normalise(t) for t in texts]
    hashes = _window_hashes("".join(norms))
    spans, start = [], 0
    for norm in norms:
        spans.append((start, start + max(0, len(norm) - SHINGLE + 1)))
        start += len(norm)
    return hashes, spans


def _is_long(span: tuple[int, int]) -> bool:
    return span[1] - span[0] >= MIN_CHARS - SHINGLE + 1


class _RecordKeysOf:
    """Picklable: for one record, the band keys of its whole text and of each long field, as bytes.

    Each window is hashed once for both; the whole text's bins are the minima of the fields' bins
    and of the windows that straddle two fields, so the fields' work is not done twice."""

    def __init__(self, prepare):
        self.prepare = prepare

    def __call__(self, payload) -> tuple[bytes, bytes, bytes]:
        hashes, spans = _field_spans(self.prepare(payload) if self.prepare else payload)
        if len(hashes) < MIN_CHARS - SHINGLE + 1:
            return b"", b"", b""
        parts, which, keys = [], bytearray(), bytearray()
        for f, (start, end) in enumerate(spans):
            smallest = _minima(hashes[start:end])
            parts.append(smallest.values())
            if _is_long((start, end)):
                which.append(f)
                keys += band_keys(_densified(smallest)).tobytes()
        # The windows that straddle two fields: after one field's own windows, before the next field.
        starts = [start for start, _ in spans[1:]] + [len(hashes)]
        parts += [hashes[end:following] for (_, end), following in zip(spans, starts)]
        whole = band_keys(_densified(_minima(chain.from_iterable(parts)))).tobytes()
        return whole, bytes(which), bytes(keys)


def _shingle_sets(texts: Sequence[str]) -> tuple[set[int], dict[int, set[int]]]:
    """The shingle set of the whole record and of each of its long fields."""
    hashes, spans = _field_spans(texts)
    return set(hashes), {f: set(hashes[s:e]) for f, (s, e) in enumerate(spans) if _is_long((s, e))}


def find_near_duplicate_records(
    items: Iterable[tuple[object, Sequence[str]]], fields: Sequence[str], *, threshold: float = THRESHOLD,
    workers: int = 1, fetch: Callable[[list[object]], Mapping[object, Sequence[str]]] | None = None,
    chunksize: int = 200, prepare: Callable[[object], Sequence[str]] | None = None, across_fields: bool = True,
) -> list[RecordPair]:
    """The pairs of different records whose whole texts, or any two of whose long fields, have a
    Jaccard similarity ≥ threshold, most similar first.

    Items are (id, texts), `texts` one text per name of `fields`; the whole text is their
    concatenation. A field counts when it has at least MIN_CHARS characters once normalised.
    With `across_fields` (the default) a field is compared with every field of the other record,
    otherwise with the same field only. A record is never paired with itself, whatever its own
    fields share. `workers`, `fetch` and `prepare` as for `find_near_duplicates` (`fetch` returns
    {id: texts}).
    """
    _check_arguments(prepare, fetch)
    n_fields = len(fields)
    ids: list[object] = []
    kept: list[Sequence[str]] | None = None if fetch else []

    def feed():
        for item_id, texts in items:
            ids.append(item_id)
            if kept is not None:
                kept.append(texts)
            yield texts

    whole_rows, field_rows = Rows(), Rows()
    results = _map_in_workers(_RecordKeysOf(prepare), feed(), workers=workers, chunksize=chunksize)
    for i, (whole, which, keys) in enumerate(results):
        if whole:
            whole_rows.add(i, whole)
        if which:
            field_rows.extend((i * n_fields + f for f in which), keys)

    candidates = {(whole_rows.owners[x], whole_rows.owners[y]) for x, y in candidate_pairs(whole_rows)}
    del whole_rows
    field_owners = field_rows.owners
    for x, y in candidate_pairs(field_rows):
        a, fa = divmod(field_owners[x], n_fields)
        b, fb = divmod(field_owners[y], n_fields)
        if a != b and (across_fields or fa == fb):
            candidates.add((min(a, b), max(a, b)))
    del field_rows, field_owners
    candidates = {(x, y) for x, y in candidates if ids[x] != ids[y]}
    if not candidates:
        return []

    involved = sorted({i for pair in candidates for i in pair})
    if kept is not None:
        by_index = {i: kept[i] for i in involved}
    else:
        fetched = fetch([ids[i] for i in involved])
        by_index = {i: fetched.get(ids[i]) or ("",) * n_fields for i in involved}
    # Every candidate is verified in full (whole texts and every pair of long fields), whichever
    # pass proposed it, so its details do not depend on the luck of the banding.
    found, current, x_sets = [], None, (set(), {})
    for x, y in sorted(candidates):
        if x != current:
            current, x_sets = x, _shingle_sets(by_index[x])
        x_whole, x_fields = x_sets
        y_whole, y_fields = _shingle_sets(by_index[y])
        matches = []
        for fa, fb in ((fa, fb) for fa in x_fields for fb in y_fields if across_fields or fa == fb):
            score = jaccard(x_fields[fa], y_fields[fb])
            if score >= threshold:
                matches.append(FieldMatch(fields[fa], fields[fb], round(score, 4)))
        similarity = round(jaccard(x_whole, y_whole), 4)
        if similarity >= threshold or matches:
            matches.sort(key=lambda m: (-m.score, fields.index(m.field), fields.index(m.other_field)))
            found.append(RecordPair(ids[x], ids[y], similarity, tuple(matches)))
    found.sort(key=lambda p: (-p.score, str(p.a), str(p.b)))
    return found
