"""PDF of the 申报表 (Attachment 2): median time for one filled form, and a batch of 100 in the background task.

Runs on a throw-away SQLite database and media directory. The entry is filled as in the tests:
500 字 for each long text and five completers. The batch runs the django-tasks task function in
this process (what `manage.py db_worker` would run), so it measures rendering + ZIP + storage,
not the worker's polling delay.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
RUNS = 10
BATCH = 100
LONG = ("职工在生产一线反复试验改进工装夹具，提高效率并降低能耗。" * 18)[:500]


def setup(data_dir: str):
    os.environ["DATA_DIR"] = data_dir
    os.environ["MEDIA_ROOT"] = str(Path(data_dir) / "media")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_entries(n: int):
    from django.utils import timezone

    from wuxiao.common.models import Industry
    from wuxiao.competitions.models import Category, Edition, PresentationForm
    from wuxiao.competitions.presets import CATEGORIES, PRESENTATION_FORMS
    from wuxiao.entries.models import Completer, Entry
    from wuxiao.orgs.models import Organisation

    now = timezone.now()
    edition = Edition.objects.create(
        slug="bench-pdf", title="2025年郑州市“创领未来”职工“五小”创新竞赛", year=2025, notice_date=now.date(),
        declaration_opens_at=now - dt.timedelta(days=1), declaration_deadline=now + dt.timedelta(days=1),
        recommendation_deadline=now + dt.timedelta(days=2), window_start=now.date() - dt.timedelta(days=1000),
        window_end=now.date())
    categories = [Category.objects.create(edition=edition, name=name, position=i) for i, name in enumerate(CATEGORIES)]
    forms = [PresentationForm.objects.create(edition=edition, name=name, position=i)
             for i, name in enumerate(PRESENTATION_FORMS)]
    parent = Organisation.objects.create(kind="industry_union", name="郑州市测试产业工会")
    unit = Organisation.objects.create(kind="enterprise", name="郑州测试机械有限公司", parent=parent)
    industry = Industry.objects.get(code="3421")
    ids = []
    for i in range(n):
        entry = Entry.objects.create(
            edition=edition, declaring_unit=unit, recommending_unit=parent, status="submitted",
            title=f"数控车床快换定位工装的研制（{i}）", category=categories[i % 5], affiliation="机加工车间",
            contact_name="刘联络", contact_mobile="13900001111", awards="2023年获郑州市职工技术创新成果二等奖。",
            summary=LONG, industry=industry, background=LONG[:100], goals=LONG[:100], innovation_points=LONG,
            benefits=LONG, union_opinion="同意申报。", union_opinion_by="郑工会", union_opinion_on=now.date())
        Completer.objects.bulk_create(
            Completer(entry=entry, position=p, name=f"完成人{p}", age=30 + p, post="高级技师",
                      workplace="郑州测试机械有限公司", phone="13812345678") for p in range(5))
        entry.presentation_forms.set(forms[:2])
        ids.append(entry.pk)
    return edition, ids


def main():
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        from wuxiao.documents import content
        from wuxiao.documents.exporters import EntryFormPdf
        from wuxiao.documents.models import ExportJob
        from wuxiao.documents.tasks import export_entry_forms
        from wuxiao.entries.models import Entry

        edition, ids = make_entries(BATCH)
        entry = content.entries_for_documents(Entry.objects.filter(pk=ids[0])).get()
        EntryFormPdf(entry).render()  # warm-up: fonts and CSS are loaded once per process
        times, size, pages = [], 0, 0
        for _ in range(RUNS):
            start = time.perf_counter()
            data = EntryFormPdf(entry).render()
            times.append(time.perf_counter() - start)
            size = len(data)
        pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
        print(f"one 申报表 PDF: median {statistics.median(times) * 1000:.0f} ms over {RUNS} runs "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); {size / 1024:.0f} KiB")

        job = ExportJob.objects.create(edition=edition, filters={})
        start = time.perf_counter()
        done = export_entry_forms.call(job.pk)
        elapsed = time.perf_counter() - start
        job.refresh_from_db()
        print(f"batch of {done} through the export task: {elapsed:.1f} s ({elapsed / max(done, 1) * 1000:.0f} ms per form), "
              f"status {job.status}, ZIP {job.result.size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
