"""Every background task may run twice (its worker died): the second run leaves one result, not two."""

import pytest

from wuxiao.documents import services
from wuxiao.documents.models import ExportJob, ExportStatus
from wuxiao.documents.tasks import export_entry_forms

from .. import factories

pytestmark = pytest.mark.django_db


def test_an_export_run_again_after_its_worker_died_overwrites_its_one_file(edition, committee, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    media = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}}
    factories.EntryFactory(edition=edition, title="甲作品")
    job = services.request_export(actor=committee, edition=edition, filters={})
    assert export_entry_forms.call(job.pk) == 1
    first = ExportJob.objects.get(pk=job.pk)
    assert first.result.name == f"exports/{edition.pk}/{job.pk}.zip"
    # The worker died after writing the ZIP but before recording the job as done.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED, result="", finished_at=None)
    factories.EntryFactory(edition=edition, title="乙作品")
    assert export_entry_forms.call(job.pk) == 2
    again = ExportJob.objects.get(pk=job.pk)
    assert again.status == ExportStatus.DONE and again.result.name == first.result.name
    assert [p.relative_to(media).as_posix() for p in media.rglob("*.zip")] == [first.result.name]
