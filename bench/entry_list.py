"""The entry lists at 10,000 entries (issue 3, item 14): committee and recommending unit, page and API.

Fills a temporary SQLite database with 10,000 entries (bulk_create: 20 recommending units, 400
declaring units, one to three completers and a few attachments per entry, half of the units with a
stamped credit commitment), then times the list pages with Django's test client: the committee's
list (first page, filters, a late page, sorted by title, CSV export) and a recommending unit's list,
and GET /api/entries. Prints the median and 95th percentile of each, and the queries per request.
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
ENTRIES = 10_000
RECOMMENDING = 20
DECLARING = 400
REQUESTS = 20

TITLES = ["数控车床快换刀具", "焊接烟尘收集装置", "智能巡检机器人", "变压器油温监测", "输送带跑偏纠正器", "节能照明改造",
          "管道泄漏检测仪", "模具快速定位工装", "叉车安全防撞系统", "污水处理加药优化"]


def setup_django(data_dir: str) -> None:
    os.environ["DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    import django

    django.setup()


def fill() -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from wuxiao.accounts.models import Role, User
    from wuxiao.common.models import Industry
    from wuxiao.competitions import services as competition_services
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Attachment, Completer, CreditCommitment, Entry
    from wuxiao.orgs.models import Membership, Organisation, UnitKind

    call_command("migrate", verbosity=0)
    rng = random.Random(2025)
    edition = competition_services.create_zhengzhou_2025(actor=None)
    edition.is_current = True
    edition.save()
    categories = list(edition.categories.all())
    classes = list(Industry.objects.filter(level=Industry.Level.CLASS).values_list("code", flat=True))
    unions = Organisation.objects.bulk_create(
        Organisation(kind=UnitKind.DISTRICT_UNION, name=f"郑州市第{i}区总工会") for i in range(RECOMMENDING))
    units = Organisation.objects.bulk_create(
        Organisation(kind=UnitKind.ENTERPRISE, name=f"郑州{i}号机械制造有限公司", parent=unions[i % RECOMMENDING],
                     union_name=f"郑州{i}号机械制造有限公司工会委员会", contact_name="张三", contact_mobile="13812345678")
        for i in range(DECLARING))
    statuses = [EntryStatus.SUBMITTED] * 6 + [EntryStatus.DRAFT] * 2 + [EntryStatus.RETURNED,
                                                                       EntryStatus.RECOMMENDED]
    now = timezone.now()
    text = "经济效益：年节约工时1200小时，折合人民币约十万元。社会效益：降低劳动强度，改善作业安全。" * 5
    entries = []
    for i in range(ENTRIES):
        unit = units[i % DECLARING]
        status = rng.choice(statuses)
        entries.append(Entry(
            edition=edition, declaring_unit=unit, recommending_unit_id=unit.parent_id,
            title=f"{rng.choice(TITLES)}（{i}）", category=rng.choice(categories), status=status,
            submitted_at=None if status == EntryStatus.DRAFT else now - dt.timedelta(minutes=rng.randint(1, 60000)),
            affiliation=unit.name, contact_name="李四", contact_mobile="13912345678", summary=text, background=text,
            goals=text, innovation_points=text, benefits=text, industry_id=rng.choice(classes),
            completed_on=now.date() - dt.timedelta(days=rng.randint(30, 900)), union_opinion="同意申报。",
            union_opinion_by="王工会", confirms_scope=True, confirms_recent=True))
    entries = Entry.objects.bulk_create(entries, batch_size=1000)
    Completer.objects.bulk_create(
        (Completer(entry=e, position=p, name=f"完成人{e.pk}-{p}", age=35, post="高级技师", workplace=e.affiliation,
                   phone="13812345678") for e in entries for p in range(rng.randint(1, 3))), batch_size=2000)
    Attachment.objects.bulk_create(
        (Attachment(entry=e, kind="photo", file=f"entries/{e.pk}/p{k}.jpg", original_name=f"照片{k}.jpg", size=1000)
         for e in entries for k in range(rng.randint(0, 4))), batch_size=2000)
    CreditCommitment.objects.bulk_create(
        CreditCommitment(edition=edition, unit=u, scan="commitments/x.pdf" if n % 2 else "")
        for n, u in enumerate(units))
    committee = User.objects.create_user(username="bench-committee")
    office = Organisation.objects.create(kind=UnitKind.COMMITTEE, name="组委会办公室")
    Membership.objects.create(user=committee, organisation=office, role=Role.COMMITTEE)
    recommender = User.objects.create_user(username="bench-recommender")
    Membership.objects.create(user=recommender, organisation=unions[0], role=Role.RECOMMENDER)
    return {"committee": committee, "recommender": recommender, "union": unions[0], "category": categories[1]}


def timed(client, url: str, params: dict | None = None) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for i in range(REQUESTS + 1):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url, params or {})
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - t0
        assert response.status_code == 200, (url, response.status_code)
        if i:  # the first request warms the caches
            times.append(elapsed)
            queries = len(ctx.captured_queries)
    return times, queries


def report(label: str, times: list[float], queries: int) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"  {label:<52} median {statistics.median(times) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
          f"{queries:2d} queries")


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.conf import settings
        from django.test import Client
        from django.test.utils import setup_test_environment

        from wuxiao.entries.models import Entry

        setup_test_environment()
        t0 = time.perf_counter()
        people = fill()
        print(f"filled {Entry.objects.count()} entries in {time.perf_counter() - t0:.1f} s "
              f"(SQLite, {RECOMMENDING} recommending units, {DECLARING} declaring units)")
        settings.DEBUG = False  # no query log kept in memory between requests
        committee, recommender = Client(), Client()
        committee.force_login(people["committee"])
        recommender.force_login(people["recommender"])
        cases = [
            ("committee", committee, "/entries/list/", None),
            ("committee, status=submitted", committee, "/entries/list/", {"status": "submitted"}),
            ("committee, category + industry division 34", committee, "/entries/list/",
             {"category": people["category"].pk, "industry": "34"}),
            ("committee, title search 机器人", committee, "/entries/list/", {"q": "机器人"}),
            ("committee, recommending unit", committee, "/entries/list/", {"recommending_unit": people["union"].pk}),
            ("committee, page 100, sorted by title", committee, "/entries/list/", {"page": 100, "sort": "title"}),
            ("committee, CSV export of every entry (~7,500 rows)", committee, "/entries/list/entries.csv", None),
            ("recommending unit (~380 entries)", recommender, "/entries/list/", None),
            ("recommending unit, unit search", recommender, "/entries/list/", {"unit": "郑州20号"}),
            ("API GET /api/entries, committee", committee, "/api/entries", None),
            ("API GET /api/entries, recommending unit", recommender, "/api/entries", None),
        ]
        print(f"{REQUESTS} requests each (after one warm-up), Django test client, in-process:")
        for label, client, url, params in cases:
            times, queries = timed(client, url, params)
            report(label, times, queries)


if __name__ == "__main__":
    main()
