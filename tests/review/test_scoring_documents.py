"""The entry's attachments for its expert and the 专家评分表 PDF (issue 10 item 7): who gets them, anonymised."""

import subprocess
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.review.helpers_scoring import COMPLETER_NAME, UNIT_NAME, assign, conflict, full_points, make_round
from wuxiao.entries.models import Attachment, AttachmentKind
from wuxiao.review.models import ReviewSettings

pytestmark = pytest.mark.django_db

VIDEO = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


def attach(entry, kind, name, data, content_type) -> Attachment:
    attachment = Attachment(entry=entry, kind=kind, original_name=name, size=len(data), content_type=content_type)
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def file_url(r, attachment, entry=None):
    return reverse("review:expert_attachment", args=[r.edition.slug, (entry or r.entry).pk, attachment.pk])


def test_expert_sees_photos_inline_downloads_the_ppt_and_plays_the_video_in_parts(client):
    r = make_round()
    photo = attach(r.entry, AttachmentKind.PHOTO, f"{UNIT_NAME}现场.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")
    ppt = attach(r.entry, AttachmentKind.PPT, f"{UNIT_NAME}路演.pptx", b"PK" + b"1" * 50,
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation")
    video = attach(r.entry, AttachmentKind.VIDEO, "路演.mp4", VIDEO, "video/mp4")
    stamped = attach(r.entry, AttachmentKind.STAMPED_FORM, "盖章.pdf", b"%PDF-1.4", "application/pdf")
    client.force_login(r.expert.user)
    page = client.get(reverse("review:expert_entry", args=[r.edition.slug, r.entry.pk])).content.decode()
    assert f'src="{file_url(r, photo)}?inline=1"' in page
    assert '<video class="attachment-video" controls' in page and f"{file_url(r, video)}?inline=1" in page
    assert file_url(r, ppt) in page
    assert UNIT_NAME not in page  # the files' own names are hidden when anonymised
    assert file_url(r, stamped) not in page
    inline = client.get(file_url(r, photo) + "?inline=1")
    assert inline.status_code == 200 and inline["Content-Type"] == "image/jpeg"
    download = client.get(file_url(r, ppt))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert quote(UNIT_NAME) not in download["Content-Disposition"] and UNIT_NAME not in download["Content-Disposition"]
    part = client.get(file_url(r, video) + "?inline=1", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and b"".join(part.streaming_content) == VIDEO[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(VIDEO)}"
    assert client.get(file_url(r, stamped)).status_code == 404


@pytest.mark.parametrize("case", ["unassigned", "conflicted"])
def test_attachment_is_404_for_an_expert_who_may_not_review(client, case):
    r = make_round(n_experts=1, all_assigned=False)
    video = attach(r.entry, AttachmentKind.VIDEO, "路演.mp4", VIDEO, "video/mp4")
    if case == "conflicted":
        assign(r.expert, r.entry)
        conflict(r.expert, r.entry)
    client.force_login(r.expert.user)
    assert client.get(file_url(r, video), HTTP_RANGE="bytes=0-10").status_code == 404


def test_attachment_of_another_entry_through_an_assigned_one_is_404(client):
    r = make_round(n_entries=2, n_experts=1, all_assigned=False)
    assign(r.expert, r.entries[0])
    other = attach(r.entries[1], AttachmentKind.PHOTO, "a.jpg", b"\xff\xd8\xff0", "image/jpeg")
    client.force_login(r.expert.user)
    assert client.get(file_url(r, other, entry=r.entries[0])).status_code == 404


def test_conflict_declared_midway_cuts_the_video_off(client):
    r = make_round(n_experts=1)
    video = attach(r.entry, AttachmentKind.VIDEO, "路演.mp4", VIDEO, "video/mp4")
    client.force_login(r.expert.user)
    assert client.get(file_url(r, video), HTTP_RANGE="bytes=0-10").status_code == 206
    conflict(r.expert, r.entry)
    assert client.get(file_url(r, video), HTTP_RANGE="bytes=11-20").status_code == 404


# --- 专家评分表 -------------------------------------------------------------------------------------

def pdf_text(data: bytes, tmp_path, *options) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def submit(client, r, expert, entry, comment="创新明显"):
    client.force_login(expert.user)
    response = client.post(reverse("review:expert_entry", args=[r.edition.slug, entry.pk]),
                           {**full_points(r, "20.5"), "confirm_no_conflict": "on", "comment": comment})
    assert response.status_code == 302


def test_expert_downloads_their_score_sheet_with_every_row(client, tmp_path):
    r = make_round(n_entries=2, n_experts=1)
    submit(client, r, r.expert, r.entries[0])
    response = client.get(reverse("review:my_score_sheet", args=[r.edition.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "复赛专家评分表" in text
    rows = "".join(pdf_text(data, tmp_path, "-raw").split())  # a long name wraps inside its cell
    for word in ("指标", "评分要点", "分值", "得分", "本人与该作品无利害关系", "创新明显", r.entries[0].title):
        assert word in text, word
    for c in r.criteria:
        assert f"{c.name}2520.5" in rows or c.name in rows, c.name
    assert "20.5" in text and "82" in text  # each criterion and the total
    assert "广泛应用，效果显著" in text  # the guidance bands
    assert r.entries[1].title not in text  # submitted scores only
    assert UNIT_NAME not in text and COMPLETER_NAME not in text


def test_office_downloads_any_experts_sheet_and_others_cannot(client, committee, tmp_path):
    r = make_round(n_entries=1, n_experts=2)
    submit(client, r, r.experts[0], r.entry)
    url = reverse("review:score_sheet", args=[r.edition.slug, r.experts[0].pk])
    client.force_login(committee)
    response = client.get(url)
    assert response.status_code == 200
    assert r.entry.title in pdf_text(b"".join(response.streaming_content), tmp_path)
    client.force_login(r.experts[1].user)  # another expert of the same entry
    assert client.get(url).status_code == 404
    client.force_login(r.experts[0].user)  # their own, through the office's address
    assert client.get(url).status_code == 200


def test_score_sheet_leaves_out_an_entry_conflicted_afterwards(client, tmp_path):
    r = make_round(n_entries=2, n_experts=1)
    submit(client, r, r.expert, r.entries[0])
    submit(client, r, r.expert, r.entries[1])
    conflict(r.expert, r.entries[1])
    text = pdf_text(b"".join(client.get(reverse("review:my_score_sheet", args=[r.edition.slug])).streaming_content),
                    tmp_path)
    assert r.entries[0].title in text and r.entries[1].title not in text


def test_score_sheet_names_the_unit_only_without_anonymisation(client, tmp_path):
    r = make_round(n_entries=1, n_experts=1)
    ReviewSettings.objects.filter(edition=r.edition).update(anonymise=False)
    submit(client, r, r.expert, r.entry)
    text = pdf_text(b"".join(client.get(reverse("review:my_score_sheet", args=[r.edition.slug])).streaming_content),
                    tmp_path)
    assert UNIT_NAME in text


@pytest.mark.parametrize("role", ["declarer", "recommender", "outsider"])
def test_score_sheet_for_other_roles(client_as, role):
    r = make_round()
    client = client_as(role)
    assert client.get(reverse("review:score_sheet", args=[r.edition.slug, r.expert.pk])).status_code == 404
    assert client.get(reverse("review:my_score_sheet", args=[r.edition.slug])).status_code == 403


def test_expert_without_a_seat_in_the_edition_gets_404_for_my_sheet(client, expert):
    r = make_round()
    client.force_login(expert)
    assert client.get(reverse("review:my_score_sheet", args=[r.edition.slug])).status_code == 404
