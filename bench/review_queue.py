"""The committee's pages at 10,000 entries (issue 4, benchmarks): overview, city-wide XLSX, entry list, review queue.

Reuses bench/entry_list.py's generator (a temporary SQLite database, bulk_create: 20 recommending
units, 400 declaring units, 10,000 entries, a tenth of them recommended) and, so that the review
queue and the city-wide summary have a realistic load, moves a further share of the entries to the
committee's states with a bulk update (the benchmark measures reads; no transition is timed). Times
each page with Django's test client and prints the median and 95th percentile and the queries per request.
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
        recommended = Entry.objects.filter(status__in=RECOMMENDED_STATES).count()
        print(f"filled {Entry.objects.count()} entries ({recommended} recommended onwards) in "
              f"{time.perf_counter() - t0:.1f} s (SQLite)")
        settings.DEBUG = False
        committee = Client()
        committee.force_login(people["committee"])
        cases = [
            ("overview (counts + 4 charts)", reverse("screening:overview", args=[edition.slug])),
            ("city-wide summary XLSX (recommended onwards)", reverse("screening:citywide_xlsx", args=[edition.slug])),
            ("committee entry list (entries:list)", reverse("entries:list")),
        ]
        try:
            cases.append(("committee review queue (screening:review)", reverse("screening:review", args=[edition.slug])))
        except NoReverseMatch:
            print("  screening:review does not exist yet: skipped")
        entry_list.REQUESTS = 20
        print(f"{entry_list.REQUESTS} requests each (after one warm-up), Django test client, in-process:")
        for label, url in cases:
            times, queries = entry_list.timed(committee, url)
            entry_list.report(label, times, queries)


if __name__ == "__main__":
    main()
