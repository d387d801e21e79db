"""The committee's pages at 10,000 entries (issue 4, benchmarks): overview, city-wide XLSX, entry list, review queue.

Reuses bench/entry_list.py's generator (a temporary SQLite database, bulk_create: 20 recommending
units, 400 declaring units, 10,000 entries, a tenth of them recommended) and, so that the review
queue and the city-wide summary have a realistic load, moves a further share of the entries to the
committee's states with a bulk update (the benchmark measures reads; no transition is timed). So that the
review queue shows real content, `prepare_review` then hands over a batch for every recommending unit with
entries in the check, ranks the entries per unit, completes the parts of the form the checklist reads
(presentation forms, R4 answers, dates; a few entries left failing), uploads the stamped form of most entries
(PPT / video for some, a few unchecked), leaves the credit commitment (R27) of a tenth of the declaring units
unstamped and adds flags of every kind (pairs of near-duplicates, same first completer, similar titles;
credit-code and no-commitment flags per entry). Times each page with Django's test client and prints the
median and 95th percentile and the queries per request; the review queue is timed on its first page, filtered
by flag kind and with the checklist filter (five items in SQL, "complete" over light rows: screening/checklist.py).
`screening:review` is timed only when that address exists.
"""

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import entry_list  # noqa: E402  (bench/entry_list.py)


def spread_states() -> int:
    """Turn some of the submitted entries into recommended / in-review / ineligible ones, ranked per unit."""
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry

    rng = random.Random(4)
    ids = list(Entry.objects.filter(status=EntryStatus.SUBMITTED).values_list("id", flat=True))
    chosen = rng.sample(ids, k=len(ids) // 4)
    thirds = len(chosen) // 3
    Entry.objects.filter(id__in=chosen[:thirds]).update(status=EntryStatus.RECOMMENDED)
    Entry.objects.filter(id__in=chosen[thirds:2 * thirds]).update(status=EntryStatus.IN_REVIEW)
    Entry.objects.filter(id__in=chosen[2 * thirds:]).update(status=EntryStatus.INELIGIBLE)
    return len(chosen)


def prepare_review(edition) -> dict[str, int]:
    """Batches, ranks, checklist data, stamped forms, commitments and flags for the entries in the check."""
    import datetime as dt

    from django.utils import timezone

    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Attachment, AttachmentKind, CreditCommitment, Entry, ExclusionAnswer
    from wuxiao.screening.models import Batch, Flag, FlagKind

    rng = random.Random(5)
    now = timezone.now()
    states = (EntryStatus.RECOMMENDED, EntryStatus.IN_REVIEW, EntryStatus.INELIGIBLE)
    rows = list(Entry.objects.filter(edition=edition, status__in=states).order_by("recommending_unit_id", "pk")
                .values_list("pk", "recommending_unit_id", "declaring_unit_id", "title"))
    ids = [r[0] for r in rows]
    # One handed-over batch per recommending unit with entries in the check.
    unit_ids = sorted({r[1] for r in rows})
    Batch.objects.bulk_create(
        Batch(edition=edition, unit_id=u, submitted_at=now - dt.timedelta(hours=rng.randint(1, 400)),
              stamped_sheet=f"batches/2025/{u}.pdf", stamped_sheet_name="汇总表.pdf", version=1)
        for u in unit_ids)
    # Merit rank within the unit; the completion and opinion dates inside the window of R2 (2 % outside).
    entries = list(Entry.objects.filter(pk__in=ids).only("pk", "recommending_unit_id"))
    rank: dict[int, int] = {}
    for e in sorted(entries, key=lambda e: (e.recommending_unit_id, e.pk)):
        rank[e.recommending_unit_id] = rank.get(e.recommending_unit_id, 0) + 1
        e.recommendation_rank = rank[e.recommending_unit_id]
        inside = rng.random() > 0.02
        e.completed_on = (dt.date(2022, 3, 10) + dt.timedelta(days=rng.randint(0, 1110)) if inside
                          else dt.date(2021, 6, 1) + dt.timedelta(days=rng.randint(0, 200)))
        e.union_opinion_on = dt.date(2025, 3, 20)
    Entry.objects.bulk_update(entries, ["recommendation_rank", "completed_on", "union_opinion_on"], batch_size=500)
    # Presentation forms (R22) and the R4 answers: 1 % unanswered, 1 % with a case that applies.
    forms_ = list(edition.presentation_forms.values_list("pk", flat=True))
    through = Entry.presentation_forms.through
    through.objects.bulk_create((through(entry_id=pk, presentationform_id=f) for pk in ids
                                 for f in rng.sample(forms_, k=min(len(forms_), rng.randint(1, 2)))), batch_size=2000)
    exclusions = list(edition.exclusions.values_list("pk", flat=True))
    answers = []
    for pk in ids:
        roll = rng.random()
        for n, x in enumerate(exclusions):
            if roll < 0.01 and n == 0:
                continue
            answers.append(ExclusionAnswer(entry_id=pk, exclusion_id=x, applies=roll > 0.99 and n == 1))
    ExclusionAnswer.objects.bulk_create(answers, batch_size=2000)
    # The stamped entry form for 85 %; a PPT for a fifth and a video for a tenth, 5 % of them not checked.
    files = []
    for pk in ids:
        if rng.random() < 0.85:
            files.append(Attachment(entry_id=pk, kind=AttachmentKind.STAMPED_FORM, file=f"entries/{pk}/stamped.pdf",
                                    original_name="申报表（盖章）.pdf", size=200_000))
        if rng.random() < 0.2:
            files.append(Attachment(entry_id=pk, kind=AttachmentKind.PPT, file=f"entries/{pk}/roadshow.pptx",
                                    original_name="路演.pptx", size=3_000_000,
                                    details={} if rng.random() < 0.05 else {"slides": rng.randint(8, 30)}))
        if rng.random() < 0.1:
            files.append(Attachment(entry_id=pk, kind=AttachmentKind.VIDEO, file=f"entries/{pk}/roadshow.mp4",
                                    original_name="路演.mp4", size=80_000_000,
                                    details={} if rng.random() < 0.05 else {"width": 1920, "height": 1080}))
    Attachment.objects.bulk_create(files, batch_size=2000)
    # The credit commitment (R27): stamped for nine declaring units in ten.
    commitments = list(CreditCommitment.objects.filter(edition=edition).order_by("unit_id"))
    for n, c in enumerate(commitments):
        c.scan = "" if n % 10 == 0 else f"commitments/{c.unit_id}.pdf"
    CreditCommitment.objects.bulk_update(commitments, ["scan"], batch_size=500)
    stamped = {c.unit_id for c in commitments if c.scan}
    # Flags, as screening/flags.py writes them: pairs both ways, per-entry unit findings.
    flags = []
    titles = {r[0]: r[3] for r in rows}

    def pairs(kind, n, score, details):
        for a, b in (rng.sample(ids, 2) for _ in range(n)):
            for x, y in ((a, b), (b, a)):
                flags.append(Flag(edition=edition, entry_id=x, other_id=y, kind=kind, score=score(),
                                  details=details(y)))

    pairs(FlagKind.NEAR_DUPLICATE, 120, lambda: round(rng.uniform(0.8, 0.99), 4),
          lambda y: {"similarity": 0.9})
    pairs(FlagKind.SAME_FIRST_COMPLETER, 60, lambda: 1.0,
          lambda y: {"match": ["name", "phone"], "name": f"完成人{y}-0", "workplace": "郑州", "phone": "13812345678"})
    pairs(FlagKind.SIMILAR_TITLE, 150, lambda: round(rng.uniform(0.85, 1.0), 4), lambda y: {"title": titles[y]})
    bad_code_units = set(rng.sample(sorted({r[2] for r in rows}), k=15))
    for pk, _unit, declaring, _title in rows:
        if declaring in bad_code_units:
            flags.append(Flag(edition=edition, entry_id=pk, kind=FlagKind.CREDIT_CODE,
                              details={"unit": "郑州机械制造有限公司", "credit_code": "", "status": "missing"}))
        if declaring not in stamped:
            flags.append(Flag(edition=edition, entry_id=pk, kind=FlagKind.NO_COMMITMENT,
                              details={"unit": "郑州机械制造有限公司"}))
    Flag.objects.bulk_create(flags, batch_size=2000)
    counts = {"batches": len(unit_ids), "entries in the check": len(ids), "attachments": len(files)}
    for kind in FlagKind:
        counts[f"{kind.value} flags"] = sum(1 for f in flags if f.kind == kind)
    return counts


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        entry_list.setup_django(data_dir)
        from django.conf import settings
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import NoReverseMatch, reverse

        from wuxiao.entries.enums import RECOMMENDED_STATES
        from wuxiao.entries.models import Entry

        setup_test_environment()
        t0 = time.perf_counter()
        people = entry_list.fill()
        spread_states()
        edition = Entry.objects.first().edition
        prepared = prepare_review(edition)
        recommended = Entry.objects.filter(status__in=RECOMMENDED_STATES).count()
        print(f"filled {Entry.objects.count()} entries ({recommended} recommended onwards) in "
              f"{time.perf_counter() - t0:.1f} s (SQLite)")
        print("  " + ", ".join(f"{n} {label}" for label, n in prepared.items()))
        settings.DEBUG = False
        committee = Client()
        committee.force_login(people["committee"])
        cases = [
            ("overview (counts + 4 charts)", reverse("screening:overview", args=[edition.slug])),
            ("city-wide summary XLSX (recommended onwards)", reverse("screening:citywide_xlsx", args=[edition.slug])),
            ("committee entry list (entries:list)", reverse("entries:list")),
        ]
        try:
            review = reverse("screening:review", args=[edition.slug])
        except NoReverseMatch:
            print("  screening:review does not exist yet: skipped")
        else:
            from wuxiao.screening.views_review import QueueFilter

            failing = QueueFilter(edition=edition, batches=[]).fields["failing"].choices
            keys = {key for key, _label in failing}
            cases += [
                ("review queue, first page", review, None),
                ("review queue, page 20", review, {"page": 20}),
                ("review queue, flag = similar_title", review, {"flag": "similar_title"}),
                ("review queue, flag = no_commitment", review, {"flag": "no_commitment"}),
            ]
            if "any" in keys:
                cases.append(("review queue, checklist: any item failing", review, {"failing": "any"}))
            if "stamped_form" in keys:
                cases.append(("review queue, checklist: stamped form failing", review, {"failing": "stamped_form"}))
            if not keys - {""}:
                print("  the review queue has no checklist filter: skipped")
        entry_list.REQUESTS = 20
        print(f"{entry_list.REQUESTS} requests each (after one warm-up), Django test client, in-process:")
        for case in cases:
            label, url, params = case if len(case) == 3 else (*case, None)
            times, queries = entry_list.timed(committee, url, params)
            entry_list.report(label, times, queries)
            if label.startswith("review queue"):
                response = committee.get(url, params or {})
                shown = response.content.decode().count('class="review-entry"')
                print(f"    {response.context['page'].paginator.count} entries matched, {shown} shown on the page")


if __name__ == "__main__":
    main()
