"""The automatic flags of the eligibility check (形式审查, issue 4 item 7).

`compute_flags` replaces an edition's flags with a fresh look at its entries that have been
submitted (every status but draft), across all units:

* near-duplicate text (the finder of duplicates.py over the entry's descriptive fields, as a whole
  and field by field, so that one copied paragraph is found in an otherwise different entry);
* the same first completer (name and workplace, or phone) on more than one entry;
* the same or nearly the same title;
* a declaring unit whose credit code fails its check (status neither valid nor confirmed);
* a declaring unit without a stamped credit commitment (R27) for the edition.

They are computed in the background when an entry is submitted and when a batch is handed over
(`schedule_flags`; FlagCheck says when they were last computed), and when the office asks.

A pair finding is stored twice (entry → other and other → entry), so each entry's page and the
queue's filter show it without a join. `shared_passages` and `highlight` serve the compare page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import combinations

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wuxiao.common.audit import record
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Completer, CreditCommitment, Entry
from wuxiao.orgs.models import CreditCodeStatus

from . import duplicates
from .models import Flag, FlagCheck, FlagKind

# The fields compared for near-duplicates, in the order the compare page shows them.
TEXT_FIELDS = ("summary", "background", "goals", "innovation_points", "benefits")
TITLE_THRESHOLD = 0.7  # Jaccard similarity of the titles' character bigrams
COMMON_BIGRAM = 300  # a bigram in more titles than this ("装置", "系统") proposes no pairs by itself
GROUP_LIMIT = 50  # one first completer on more entries than this: only the first ones are paired
FETCH_CHUNK = 500
PARALLEL_FROM = 5000  # entries from which the signatures are computed in two processes
GOOD_CREDIT_CODE = (CreditCodeStatus.VALID, CreditCodeStatus.CONFIRMED)


def screened_entries(edition):
    """The entries the flags look at: submitted at least once, i.e. every status but draft."""
    return Entry.objects.filter(edition=edition).exclude(status=EntryStatus.DRAFT)


def entry_texts(values: dict) -> tuple[str, ...]:
    """The entry's TEXT_FIELDS, in order, from a dict of its values."""
    return tuple(values.get(name) or "" for name in TEXT_FIELDS)


def _near_duplicate_details(pair: duplicates.RecordPair) -> dict:
    """What the flag of `pair.a` says: the whole texts' similarity and the similar fields, a's field first."""
    return {"similarity": pair.similarity,
            "fields": [{"field": m.field, "other_field": m.other_field, "similarity": m.score} for m in pair.fields]}


def _near_duplicate_flags(edition, *, workers: int) -> list[Flag]:
    """One flag each way per pair of entries whose whole texts, or any two of whose long fields
    (a paragraph pasted from one entry into another), are near-duplicates."""
    entries = screened_entries(edition).order_by("pk")

    def items():
        for row in entries.values("pk", *TEXT_FIELDS).iterator(chunk_size=FETCH_CHUNK):
            yield row["pk"], entry_texts(row)

    def fetch(ids):
        texts = {}
        for start in range(0, len(ids), FETCH_CHUNK):
            for row in Entry.objects.filter(pk__in=ids[start:start + FETCH_CHUNK]).values("pk", *TEXT_FIELDS):
                texts[row["pk"]] = entry_texts(row)
        return texts

    flags = []
    for pair in duplicates.find_near_duplicate_records(items(), TEXT_FIELDS, workers=workers, fetch=fetch):
        for seen in (pair, pair.reversed()):
            flags.append(Flag(edition=edition, entry_id=seen.a, other_id=seen.b, kind=FlagKind.NEAR_DUPLICATE,
                              score=seen.score, details=_near_duplicate_details(seen)))
    return flags


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


def _same_first_completer_flags(edition) -> list[Flag]:
    first: dict[int, Completer] = {}
    completers = (Completer.objects.filter(entry__in=screened_entries(edition))
                  .only("entry_id", "position", "name", "workplace", "phone").order_by("entry_id", "position", "id"))
    for completer in completers:
        first.setdefault(completer.entry_id, completer)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for entry_id, c in first.items():
        name, workplace = duplicates.normalise(c.name), duplicates.normalise(c.workplace)
        if name and workplace:
            groups[("name", name, workplace)].append(entry_id)
        if phone := _phone_key(c.phone):
            groups[("phone", phone)].append(entry_id)
    matches: dict[tuple[int, int], set[str]] = defaultdict(set)
    for key, ids in groups.items():
        for a, b in combinations(sorted(ids)[:GROUP_LIMIT], 2):
            matches[(a, b)].add("name_workplace" if key[0] == "name" else "phone")
    flags = []
    for (a, b), how in sorted(matches.items()):
        for entry_id, other_id in ((a, b), (b, a)):
            c = first[other_id]
            details = {"match": sorted(how), "name": c.name, "workplace": c.workplace, "phone": c.phone}
            flags.append(Flag(edition=edition, entry_id=entry_id, other_id=other_id,
                              kind=FlagKind.SAME_FIRST_COMPLETER, score=1.0, details=details))
    return flags


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text} if text else set()


def title_similarity(a: str, b: str) -> float:
    """1 for the same normalised title, else the Jaccard similarity of the character bigrams."""
    a, b = duplicates.normalise(a), duplicates.normalise(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y)


def _similar_title_flags(edition) -> list[Flag]:
    titles = dict(screened_entries(edition).values_list("pk", "title"))
    normalised = {pk: duplicates.normalise(t) for pk, t in titles.items()}
    grams = {pk: _bigrams(t) for pk, t in normalised.items()}
    postings: dict[str, list[int]] = defaultdict(list)
    for pk in sorted(grams):
        for gram in grams[pk]:
            postings[gram].append(pk)
    shared: Counter = Counter()
    for ids in postings.values():
        if len(ids) <= COMMON_BIGRAM:
            shared.update(combinations(ids, 2))
    pairs = {}
    for (a, b), n in shared.items():
        # Jaccard ≥ t needs at least t × the larger bigram set in common.
        if n >= TITLE_THRESHOLD * max(len(grams[a]), len(grams[b])):
            score = title_similarity(titles[a], titles[b])
            if score >= TITLE_THRESHOLD:
                pairs[(a, b)] = score
    by_title: dict[str, list[int]] = defaultdict(list)  # equal titles made only of common bigrams
    for pk in sorted(normalised):
        if normalised[pk]:
            by_title[normalised[pk]].append(pk)
    for ids in by_title.values():
        for a, b in combinations(ids[:GROUP_LIMIT], 2):
            pairs[(a, b)] = 1.0
    flags = []
    for (a, b), score in sorted(pairs.items()):
        for entry_id, other_id in ((a, b), (b, a)):
            flags.append(Flag(edition=edition, entry_id=entry_id, other_id=other_id, kind=FlagKind.SIMILAR_TITLE,
                              score=round(score, 4), details={"title": titles[other_id]}))
    return flags


def _unit_flags(edition) -> list[Flag]:
    rows = (screened_entries(edition).order_by("pk")
            .values_list("pk", "declaring_unit_id", "declaring_unit__name", "declaring_unit__credit_code",
                         "declaring_unit__credit_code_status"))
    stamped = set(CreditCommitment.objects.filter(edition=edition).exclude(scan="").values_list("unit_id", flat=True))
    flags = []
    for pk, unit_id, name, code, status in rows:
        if status not in GOOD_CREDIT_CODE:
            flags.append(Flag(edition=edition, entry_id=pk, kind=FlagKind.CREDIT_CODE,
                              details={"unit": name, "credit_code": code, "status": status}))
        if unit_id not in stamped:
            flags.append(Flag(edition=edition, entry_id=pk, kind=FlagKind.NO_COMMITMENT, details={"unit": name}))
    return flags


def compute_flags(*, edition, actor=None, workers: int | None = None) -> dict[str, int]:
    """Replace the edition's flags with a fresh check of its submitted entries; returns the count per kind."""
    if workers is None:  # two processes pay off only for a large edition
        workers = 2 if screened_entries(edition).count() > PARALLEL_FROM else 1
    # The finder reads the entries before the transaction: the replacement itself stays short.
    flags = (_near_duplicate_flags(edition, workers=workers) + _same_first_completer_flags(edition)
             + _similar_title_flags(edition) + _unit_flags(edition))
    counts = {kind: 0 for kind in FlagKind.values}
    for flag in flags:
        counts[flag.kind] += 1
    with transaction.atomic():
        Flag.objects.filter(edition=edition).delete()
        Flag.objects.bulk_create(flags, batch_size=1000)
        record(actor=actor, action="screening.compute_flags", obj=edition, edition=edition, data=counts)
    return counts


def request_flags(*, actor, edition) -> None:
    """The office's "check again": audited, then queued like the automatic requests."""
    with transaction.atomic():
        record(actor=actor, action="screening.request_flags", obj=edition, edition=edition)
        schedule_flags(edition.pk, actor_id=actor.pk if actor is not None else None)


_deferred: ContextVar[bool] = ContextVar("flag_checks_deferred", default=False)


@contextmanager
def checks_deferred():
    """Requests for the background check made in this block (and by what it commits) are dropped: the
    caller computes the flags itself (the demo, which leaves the worker nothing to do)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def schedule_flags(edition_id: int, *, actor_id: int | None = None) -> None:
    """Queue a computation of the edition's flags in the background (run by `manage.py db_worker`),
    unless one already waits in the queue: it will read this request's entries too."""
    from .tasks_flags import recompute_flags

    if _deferred.get():
        return
    # Usually a check already waits (a surge of submissions): noting the request is one UPDATE. The worker
    # takes `queued` back under the same row lock when it starts, so it either sees this UPDATE's entry or
    # the UPDATE finds nothing waiting and a new check is queued below.
    if FlagCheck.objects.filter(edition_id=edition_id, queued=True).update(requested_at=timezone.now()):
        return
    with transaction.atomic():
        FlagCheck.objects.get_or_create(edition_id=edition_id)
        check = FlagCheck.objects.select_for_update().get(edition_id=edition_id)
        check.requested_at = timezone.now()
        enqueue = not check.queued
        check.queued = True
        check.save(update_fields=["requested_at", "queued"])
        if enqueue:  # in this transaction: the worker sees the task when the request is committed
            recompute_flags.enqueue(edition_id, actor_id)


def flags_after_submission(entry) -> None:
    """A submitted entry is compared with the others (registered on the submit transition)."""
    schedule_flags(entry.edition_id)


def run_flag_check(edition_id: int, actor=None, workers: int | None = None) -> dict[str, int]:
    """The queued computation: later requests queue another run from the moment this one starts."""
    started = timezone.now()
    with transaction.atomic():
        FlagCheck.objects.get_or_create(edition_id=edition_id)
        FlagCheck.objects.filter(edition_id=edition_id).update(queued=False, started_at=started)
    counts = compute_flags(edition=Edition.objects.get(pk=edition_id), actor=actor, workers=workers)
    FlagCheck.objects.filter(edition_id=edition_id).update(finished_at=timezone.now(), checked_as_of=started,
                                                          counts=counts)
    return counts


# --- The compare page -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    start: int  # indices into the raw text, end exclusive
    end: int


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """The normalised text (as duplicates.normalise) and, for each of its characters, its index in `text`."""
    chars, positions = [], []
    for i, ch in enumerate(text or ""):
        for c in duplicates.normalise(ch):
            chars.append(c)
            positions.append(i)
    return "".join(chars), positions


def _spans(text: str, other: set[str], *, size: int, min_chars: int) -> list[Span]:
    norm, positions = _normalised_with_positions(text)
    covered = [False] * len(norm)
    for i in range(len(norm) - size + 1):
        if norm[i:i + size] in other:
            covered[i:i + size] = [True] * size
    spans, i = [], 0
    while i < len(norm):
        if covered[i]:
            j = i
            while j + 1 < len(norm) and covered[j + 1]:
                j += 1
            if j - i + 1 >= min_chars:
                spans.append(Span(positions[i], positions[j] + 1))
            i = j + 1
        else:
            i += 1
    return spans


def _windows(text: str, size: int) -> set[str]:
    norm = duplicates.normalise(text)
    return {norm[i:i + size] for i in range(len(norm) - size + 1)}


def shared_passages(a_text: str, b_text: str, *, size: int = duplicates.SHINGLE,
                    min_chars: int = 8) -> tuple[list[Span], list[Span]]:
    """The passages of `a_text` found in `b_text` and those of `b_text` found in `a_text`, as spans of each.

    A passage is a run of at least `min_chars` characters (punctuation and spacing ignored) whose
    every `size`-character window occurs somewhere in the other text, in any order.
    """
    return (_spans(a_text, _windows(b_text, size), size=size, min_chars=min_chars),
            _spans(b_text, _windows(a_text, size), size=size, min_chars=min_chars))


def highlight(text: str, spans: list[Span]) -> SafeString:
    """The text, escaped, with each span wrapped in <mark>."""
    out, last = [], 0
    for span in spans:
        out += [escape(text[last:span.start]), "<mark>", escape(text[span.start:span.end]), "</mark>"]
        last = span.end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text is escaped above


def field_label(name: str) -> str:
    """The verbose name of an entry field (translated when shown), or the name itself if there is no such field."""
    try:
        return Entry._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


def compare_fields(a: Entry, b: Entry, *, fields=("title",) + TEXT_FIELDS, matches=()) -> list[dict]:
    """For each field: its label and both entries' texts with the passages found anywhere in the other entry marked.

    `matches` are the similar fields of a near-duplicate flag of `a` ({"field": a's field,
    "other_field": b's field, "similarity"}): each row lists those of its field on either side.
    """
    a_all = "\n".join(getattr(a, f) or "" for f in fields)
    b_all = "\n".join(getattr(b, f) or "" for f in fields)
    a_windows, b_windows = _windows(a_all, duplicates.SHINGLE), _windows(b_all, duplicates.SHINGLE)
    rows = []
    for name in fields:
        a_text, b_text = getattr(a, name) or "", getattr(b, name) or ""
        a_spans = _spans(a_text, b_windows, size=duplicates.SHINGLE, min_chars=8)
        b_spans = _spans(b_text, a_windows, size=duplicates.SHINGLE, min_chars=8)
        rows.append({"name": name, "label": field_label(name),
                     "a": highlight(a_text, a_spans), "b": highlight(b_text, b_spans),
                     "a_marked": sum(s.end - s.start for s in a_spans), "b_marked": sum(s.end - s.start for s in b_spans),
                     "a_matches": [{"label": field_label(m["other_field"]), "similarity": m["similarity"]}
                                   for m in matches if m["field"] == name],
                     "b_matches": [{"label": field_label(m["field"]), "similarity": m["similarity"]}
                                   for m in matches if m["other_field"] == name]})
    return rows
