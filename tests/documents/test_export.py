"""The committee's background export: all 申报表 PDFs of an edition (or a filter) in one ZIP."""

import io
import zipfile

import pytest
from django.urls import reverse

from wuxiao.common.models import AuditLog
from wuxiao.documents import services
from wuxiao.documents.models import ExportJob, ExportStatus
from wuxiao.entries.models import Entry

from .. import factories
from .conftest import ROLES, expect, needs_poppler, pdf_text, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(forms_edition, declaring_unit):
    other_unit = factories.DeclaringUnitFactory()
    made = [
        Entry.objects.create(edition=forms_edition, declaring_unit=declaring_unit, title="甲作品",
                             recommending_unit=declaring_unit.parent, status="submitted",
                             category=forms_edition.categories.get(name="小发明")),
        Entry.objects.create(edition=forms_edition, declaring_unit=declaring_unit, title="乙作品",
                             recommending_unit=declaring_unit.parent, status="draft",
                             category=forms_edition.categories.get(name="小革新")),
        Entry.objects.create(edition=forms_edition, declaring_unit=other_unit, title="丙/作品",
                             recommending_unit=other_unit.parent, status="submitted",
                             category=forms_edition.categories.get(name="小发明")),
    ]
    factories.EntryFactory(title="别的竞赛的作品")  # another edition: never exported here
    return made


def _zip_names(job) -> list[str]:
    with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        return sorted(archive.namelist())


@needs_poppler
def test_request_runs_the_task_and_builds_one_pdf_per_entry(client_as, committee, forms_edition, entries, tmp_path):
    client = client_as("committee")
    response = client.post(reverse("documents:export_list", args=[forms_edition.slug]), {})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:export_detail", args=[job.pk])
    assert job.status == ExportStatus.DONE and (job.done, job.total) == (3, 3) and job.percent == 100
    assert job.requested_by == committee and job.task_id and job.finished_at is not None and job.error == ""
    names = _zip_names(job)
    assert names == sorted([f"{entries[0].pk}-甲作品-申报表.pdf", f"{entries[1].pk}-乙作品-申报表.pdf",
                            f"{entries[2].pk}-丙_作品-申报表.pdf"])
    with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        first = archive.read(f"{entries[0].pk}-甲作品-申报表.pdf")
    assert "甲作品" in squeeze(pdf_text(tmp_path, first))
    log = AuditLog.objects.get(action="documents.export_request")
    assert log.actor == committee and log.object_id == str(job.pk) and log.edition == forms_edition

    page = client.get(response["Location"]).content.decode()
    assert "导出任务已加入队列，本页显示进度。" in page
    assert '<progress value="3" max="3">' in page and "已完成 3 / 3 份申报表（100%）" in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    download = client.get(reverse("documents:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_filters_narrow_the_export(client_as, forms_edition, entries):
    category = forms_edition.categories.get(name="小发明")
    client_as("committee").post(reverse("documents:export_list", args=[forms_edition.slug]), {
        "status": "submitted", "category": category.pk, "recommending_unit": entries[0].recommending_unit_id})
    job = ExportJob.objects.get()
    assert job.filters == {"status": "submitted", "category": category.pk,
                           "recommending_unit": entries[0].recommending_unit_id}
    assert _zip_names(job) == [f"{entries[0].pk}-甲作品-申报表.pdf"]


def test_bad_filter_is_shown_beside_the_field(client_as, forms_edition, entries):
    response = client_as("committee").post(reverse("documents:export_list", args=[forms_edition.slug]),
                                           {"status": "nonsense"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_progress_polls_while_running(client_as, committee, forms_edition, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nothing runs it
    job = services.request_export(actor=committee, edition=forms_edition, filters={})
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=1, total=4)
    page = client_as("committee").get(reverse("documents:export_progress", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("documents:export_progress", args=[job.pk])}" hx-trigger="every 2s"' in page
    assert '<progress value="1" max="4">' in page and "已完成 1 / 4 份申报表（25%）" in page
    assert "生成中" in page
    assert client_as("committee").get(reverse("documents:export_download", args=[job.pk])).status_code == 404


def test_failure_is_recorded_and_shown(client_as, committee, forms_edition, entries, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = services.request_export(actor=committee, edition=forms_edition, filters={})

    def broken(self):
        raise RuntimeError("font missing")

    monkeypatch.setattr("wuxiao.documents.exporters.EntryFormPdf.render", broken)
    job = services.run_export(job_id=job.pk)
    assert job.status == ExportStatus.FAILED and "font missing" in job.error and not job.result
    page = client_as("committee").get(reverse("documents:export_detail", args=[job.pk])).content.decode()
    assert "导出失败，请重试" in page and "hx-trigger" not in page


def test_task_function_runs_the_job(committee, forms_edition, entries, settings):
    """What `manage.py db_worker` calls: the task itself, by the job's id."""
    from wuxiao.documents.tasks import export_entry_forms

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = services.request_export(actor=committee, edition=forms_edition, filters={})
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.QUEUED
    assert export_entry_forms.call(job.pk) == 3
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE
    assert export_entry_forms.call(job.pk) == 3  # a finished job is not built twice


COMMITTEE = {"committee", "site_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_export_pages_only_for_the_committee(client_as, role, committee, forms_edition, entries):
    job = services.request_export(actor=committee, edition=forms_edition, filters={})
    client = client_as(role)
    for url in (reverse("documents:export_list", args=[forms_edition.slug]),
                reverse("documents:export_detail", args=[job.pk]),
                reverse("documents:export_progress", args=[job.pk]),
                reverse("documents:export_download", args=[job.pk])):
        expect(client.get(url), role in COMMITTEE, role)
    response = client.post(reverse("documents:export_list", args=[forms_edition.slug]), {})
    if role in COMMITTEE:
        assert response.status_code == 302
    else:
        expect(response, False, role)
    assert ExportJob.objects.count() == (2 if role in COMMITTEE else 1)
