"""The awarded entries' ZIP for the provincial competition (issue 12, item 9): one folder per award (revoked ones
left out) with the 申报表 PDF, the attachments and the current roadshow material, and an index; refused before
the list is confirmed; the task runs twice safely; the office only."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests import factories
from tests.awards.helpers import award_world
from wuxiao.accounts.models import Role
from wuxiao.awards import services_bundle
from wuxiao.awards.models import AwardJob, JobKind, JobStatus, ListStatus
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.models import Attachment
from wuxiao.finals.models import RoadshowMaterial

pytestmark = pytest.mark.django_db


def _job_page(request, pk):  # pragma: no cover - stands in for the job page another part of the stage builds
    from django.http import HttpResponse

    return HttpResponse(str(pk))


def _urls_with_a_job_page():
    from wuxiao import urls as project
    from wuxiao.awards import urls as awards

    job = path("job/<int:pk>/", _job_page, name="job")
    return [path("awards/", include(([job, *awards.urlpatterns], "awards"))), *project.urlpatterns]


urlpatterns = _urls_with_a_job_page()


@pytest.fixture(autouse=True)
def _media_tasks_and_job_page(settings, tmp_path):
    """Files in a temporary directory, tasks at once in the test; this module's URLs while the job page
    (awards:job, another part of the stage) is not there yet."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    try:
        reverse("awards:job", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


def _world():
    """Three awards (特等奖, 一等奖, 一等奖), the third revoked; the first with a photo and roadshow PPTs."""
    world = award_world(finalists=3, status=ListStatus.CONFIRMED)
    first = world.finalists[0]
    photo = Attachment(entry=first, kind="photo", original_name="现场照片.jpg", size=4, content_type="image/jpeg")
    photo.file.save("p.jpg", ContentFile(b"JPEG"), save=True)
    for name, replaced in (("旧路演.pptx", timezone.now()), ("路演.pptx", None)):
        material = RoadshowMaterial(edition=world.edition, entry=first, kind="ppt", original_name=name, size=3,
                                    replaced_at=replaced)
        material.file.save("m.pptx", ContentFile(name.encode()), save=True)
    world.rows[2].revoked_at = timezone.now()
    world.rows[2].save(update_fields=["revoked_at"])
    return world


def _names(job) -> list[str]:
    with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        return sorted(archive.namelist())


def test_the_office_builds_the_zip(client):
    world = _world()
    client.force_login(world.office)
    response = client.post(reverse("awards:bundle", args=[world.edition.slug]))
    job = AwardJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/awards/job/{job.pk}/"
    assert (job.kind, job.status, job.done, job.total, job.error) == (JobKind.BUNDLE, JobStatus.DONE, 2, 2, "")
    a, b, revoked = world.finalists
    first, second = f"01-特等奖-{a.title}", f"02-一等奖-{b.title}"
    with translation.override("zh-hans"):
        roadshow = gettext("roadshow")
    assert _names(job) == sorted([
        f"{first}/{a.pk}-{a.title}-申报表.pdf", f"{first}/现场照片.jpg", f"{first}/{roadshow}-路演.pptx",
        f"{second}/{b.pk}-{b.title}-申报表.pdf", "index.xlsx"])
    assert not any(revoked.title in name for name in _names(job))
    with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        assert archive.read(f"{first}/现场照片.jpg") == b"JPEG"
        assert archive.read(f"{first}/{a.pk}-{a.title}-申报表.pdf").startswith(b"%PDF")
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(archive.read("index.xlsx"))).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(1, first, "特等奖", a.pk), (2, second, "一等奖", b.pk)]
    log = AuditLog.objects.get(action="awards.bundle_request")
    assert log.actor == world.office and log.object_id == str(job.pk) and log.data == {"entries": 2}


def test_the_task_runs_twice_safely():
    from wuxiao.awards.tasks import build_bundle

    world = _world()
    job = AwardJob.objects.create(edition=world.edition, kind=JobKind.BUNDLE, requested_by=world.office)
    assert build_bundle.call(job.pk) == 2
    job.refresh_from_db()
    name = job.result.name
    assert build_bundle.call(job.pk) == 2  # a finished job is not built again
    job.refresh_from_db()
    assert job.result.name == name and job.status == JobStatus.DONE


def test_refused_before_the_list_is_confirmed(client):
    world = award_world(finalists=2, status=ListStatus.ANNOUNCED)
    with pytest.raises(Refused) as refused:
        services_bundle.request_bundle(actor=world.office, edition=world.edition)
    assert refused.value.message == services_bundle.NOT_CONFIRMED
    client.force_login(world.office)
    page = client.post(reverse("awards:bundle", args=[world.edition.slug]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("awards:overview", args=[world.edition.slug])
    assert str(services_bundle.NOT_CONFIRMED) in page.content.decode()
    api = client.post(f"/api/awards/{world.edition.slug}/bundle")
    assert api.status_code == 409 and api.json()["detail"] == str(services_bundle.NOT_CONFIRMED)
    assert not AwardJob.objects.exists()


def test_the_api_answers_the_job(client):
    world = award_world(finalists=1, status=ListStatus.CONFIRMED)
    client.force_login(world.office)
    response = client.post(f"/api/awards/{world.edition.slug}/bundle")
    job = AwardJob.objects.get()
    assert response.status_code == 202
    assert response.json() == {"id": job.pk, "kind": "bundle", "status": "done", "done": 1, "total": 1}


@pytest.mark.parametrize("role", [Role.DECLARER, Role.RECOMMENDER, Role.EXPERT, "anonymous"])
def test_others_may_not_build_it(client, role):
    world = award_world(finalists=1, status=ListStatus.CONFIRMED)
    if role != "anonymous":
        client.force_login(factories.user_with_role(role))
    page = client.post(reverse("awards:bundle", args=[world.edition.slug]))
    api = client.post(f"/api/awards/{world.edition.slug}/bundle")
    if role == "anonymous":
        assert page.status_code == 302 and "/accounts/login/" in page["Location"] and api.status_code == 401
    else:
        assert page.status_code == 403 and api.status_code == 403
    assert not AwardJob.objects.exists()
