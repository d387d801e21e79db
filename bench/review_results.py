"""The second round's results from the database (issue 10, items 9–11): pages, exports and the finalist list's
approval at Zhengzhou's size (490 entries, 60 experts) and a province's (5,000 entries, 300 experts), 5 scores
per entry with four criteria.

Fills a temporary SQLite database (bulk_create), then with Django's test client times, as the committee
office: the results page, the same with z-scores and only flagged entries, the 评分汇总表 XLSX, GET
/api/review/<slug>/results, proposing the finalist list, the finalist page and its PDF; and finally the
approval, which moves every entry through the one transition function (history, audit, notifications).
Prints the median time and the number of queries of each (the same at both sizes: constant queries). The
approval queues the move of the entries for the background worker; the move is timed on its own.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
REQUESTS = 3
SIZES = [(490, 60, 75), (5000, 300, 750)]


def setup_django(data_dir: str) -> None:
    os.environ["DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    import django

    django.setup()


def fill(entries: int, experts: int, top: int, slug: str, seed: int = 1):
    from decimal import Decimal

    from django.utils import timezone

    from wuxiao.competitions import services as competition_services
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry
    from wuxiao.orgs.models import Organisation, UnitKind
    from wuxiao.review import queries
    from wuxiao.review.models import Expert, ExpertStatus, ReviewAssignment, Score, ScoreItem, ScoreStatus

    rng = np.random.default_rng(seed)
    edition = competition_services.create_zhengzhou_2025(actor=None, slug=slug)
    settings = queries.review_settings(edition)
    settings.finalist_count = top
    settings.save()
    criteria = list(edition.criteria.all())
    categories = list(edition.categories.all())
    union = Organisation.objects.create(kind=UnitKind.DISTRICT_UNION, name=f"{slug}区总工会")
    units = Organisation.objects.bulk_create(
        Organisation(kind=UnitKind.ENTERPRISE, name=f"{slug}-{i}号制造有限公司", parent=union,
                     union_name=f"{slug}-{i}号制造有限公司工会委员会") for i in range(50))
    made = Entry.objects.bulk_create(
        [Entry(edition=edition, declaring_unit=units[i % 50], recommending_unit=union, title=f"复赛作品{i + 1}",
               category=categories[i % len(categories)], status=EntryStatus.IN_REVIEW, industry_id="3421",
               affiliation=units[i % 50].name) for i in range(entries)], batch_size=1000)
    made = list(Entry.objects.filter(edition=edition).order_by("pk"))
    pool = Expert.objects.bulk_create(
        [Expert(edition=edition, name=f"专家{j + 1}", organisation_name="研究院", mobile=f"136{seed:02d}{j:06d}",
                status=ExpertStatus.ACCEPTED) for j in range(experts)])
    pool = list(Expert.objects.filter(edition=edition).order_by("pk"))
    quality = rng.normal(70, 8, entries)
    bias = rng.normal(0, 3, experts)
    panel = np.argsort(rng.random((entries, experts)), axis=1)[:, :5]
    now = timezone.now()
    ReviewAssignment.objects.bulk_create(
        [ReviewAssignment(edition=edition, entry=made[i], expert=pool[j], published_at=now)
         for i in range(entries) for j in panel[i]], batch_size=2000)
    pairs = {(a.entry_id, a.expert_id): a.pk for a in ReviewAssignment.objects.filter(edition=edition)}
    points = np.clip(np.rint((quality[:, None] + bias[panel] + rng.normal(0, 5, panel.shape))[:, :, None] / 4
                             + rng.normal(0, 1.5, (*panel.shape, 4))), 0, 25).astype(int)
    Score.objects.bulk_create(
        [Score(assignment_id=pairs[(made[i].pk, pool[j].pk)], edition=edition, entry=made[i], expert=pool[j],
               status=ScoreStatus.SUBMITTED, total=Decimal(int(points[i, k].sum())), submitted_at=now)
         for i in range(entries) for k, j in enumerate(panel[i])], batch_size=2000)
    scores = {(s.entry_id, s.expert_id): s.pk for s in Score.objects.filter(edition=edition).only("pk", "entry_id",
                                                                                                    "expert_id")}
    ScoreItem.objects.bulk_create(
        [ScoreItem(score_id=scores[(made[i].pk, pool[j].pk)], criterion=c, points=Decimal(int(points[i, k, n])))
         for i in range(entries) for k, j in enumerate(panel[i]) for n, c in enumerate(criteria)], batch_size=5000)
    return edition


def timed(client, method: str, url: str, params=None, repeat: int = REQUESTS) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = getattr(client, method)(url, params or {})
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - t0)
        status = response.status_code
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries, status


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from wuxiao.accounts.models import Role, User
        from wuxiao.entries.models import Entry
        from wuxiao.orgs.models import Membership, Organisation, UnitKind

        setup_test_environment()
        call_command("migrate", verbosity=0)
        committee = User.objects.create_user(username="bench-office")
        office = Organisation.objects.create(kind=UnitKind.COMMITTEE, name="组委会办公室")
        Membership.objects.create(user=committee, organisation=office, role=Role.COMMITTEE)
        settings.DEBUG = False
        client = Client()
        client.force_login(committee)
        for n, (entries, experts, top) in enumerate(SIZES):
            t0 = time.perf_counter()
            edition = fill(entries, experts, top, f"bench-{entries}", seed=n + 1)
            print(f"{entries} entries × 5 scores, {experts} experts, top {top}: filled in "
                  f"{time.perf_counter() - t0:.1f} s (SQLite)", flush=True)
            slug = edition.slug
            cases = [
                ("results page", "get", f"/review/{slug}/results/", None),
                ("results page, z-scores, only flagged", "get", f"/review/{slug}/results/", {"z": "1", "flagged": "1"}),
                ("results page, page 3", "get", f"/review/{slug}/results/", {"page": "3"}),
                ("评分汇总表 XLSX", "get", f"/review/{slug}/results/summary.xlsx", None),
                ("API GET results", "get", f"/api/review/{slug}/results", None),
            ]
            for label, method, url, params in cases:
                seconds, queries, status = timed(client, method, url, params)
                print(f"  {label:<40} {seconds * 1000:8.0f} ms  {queries:3d} queries  ({status})", flush=True)
            seconds, queries, status = timed(client, "post", f"/review/{slug}/finalists/propose", repeat=1)
            print(f"  {'propose the finalist list':<40} {seconds * 1000:8.0f} ms  {queries:3d} queries  ({status})")
            for label, url in (("finalist page", f"/review/{slug}/finalists/"),
                               ("finalist list PDF", f"/review/{slug}/finalists/list.pdf")):
                seconds, queries, status = timed(client, "get", url, repeat=2)
                print(f"  {label:<40} {seconds * 1000:8.0f} ms  {queries:3d} queries  ({status})", flush=True)
            seconds, queries, status = timed(client, "post", f"/review/{slug}/finalists/approve",
                                             {"confirm": "on", "note": "bench"}, repeat=1)
            print(f"  {'approve (checks, approval, task queued)':<40} {seconds * 1000:8.0f} ms  {queries:3d} queries  "
                  f"({status})", flush=True)
            from wuxiao.review import services_results
            from wuxiao.review.models import FinalistList

            counted = []
            t0 = time.perf_counter()
            with connection.execute_wrapper(lambda execute, *args: counted.append(1) or execute(*args)):
                services_results.move_entries_by_list(
                    finalist_list_id=FinalistList.objects.get(edition=edition, status="approved").pk, actor=committee)
            seconds = time.perf_counter() - t0
            finalists = Entry.objects.filter(edition=edition, status="finalist").count()
            print(f"  {'worker: every entry via transition_entry':<40} {seconds * 1000:8.0f} ms  "
                  f"{len(counted):5d} queries ({len(counted) / entries:.1f} per entry; {finalists} finalists)",
                  flush=True)


if __name__ == "__main__":
    main()
