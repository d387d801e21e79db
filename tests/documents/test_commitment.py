"""The credit commitment (Attachment 4, R27): once per declaring unit and edition, with its stamped scan."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.documents.exporters import CommitmentDocx, CommitmentPdf
from wuxiao.entries.models import CreditCommitment, Entry

from .. import factories
from ..upload_helpers import png_claiming
from .conftest import ROLES, expect, needs_poppler, pdf_text, squeeze

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% stamped scan\n" + b"0" * 200


def _picture(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (60, 80), 255).save(out, fmt)
    return out.getvalue()


# Real pictures: a scan must decode as the picture its name says (issue 8, item 9).
PNG = _picture("PNG")
JPEG = _picture("JPEG")


@pytest.fixture
def unit(declaring_unit):
    declaring_unit.credit_code = "91110000600037341L"
    declaring_unit.save()
    return declaring_unit


def _url(name, edition, unit):
    return reverse(name, args=[edition.slug, unit.pk])


@needs_poppler
def test_commitment_pdf_golden_text_has_unit_name_and_code(unit, forms_edition, tmp_path):
    data = CommitmentPdf(forms_edition, unit, "张法人").render()
    text = squeeze(pdf_text(tmp_path, data))
    assert text.startswith(squeeze(
        f"附件 4{forms_edition.title}申报单位主动公示型信用承诺书我单位（单位名称：{unit.name}，"
        f"统一社会信用代码：91110000600037341L）。此次申报{forms_edition.title}，"))
    for clause in ("1.严格审核把关申报材料", "2.履行诚信管理责任", "3.不存在下列情况：", "（1）第一完成人是企业主要负责人",
                   "（6）知识产权归属尚存在争议的创新作品；", "4.若发生失信行为", "实施失信联合惩戒等。"):
        assert clause in text, clause
    # signature and seal stay blank for the pen and the stamp
    assert text.endswith("单位（公章）：法定代表人签字：（法定代表人：张法人）年月日")


def test_commitment_docx_has_unit_name_and_code(unit, forms_edition):
    doc = Document(io.BytesIO(CommitmentDocx(forms_edition, unit).render()))
    body = "".join(p.text for p in doc.paragraphs)
    assert f"单位名称：{unit.name}，统一社会信用代码：91110000600037341L" in body


# --- the declaring unit's page ---------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_commitment_page_only_for_the_units_declarer(client_as, role, unit, forms_edition):
    """The site administrator never acts in a unit's name: no superuser shortcut (common.permissions)."""
    response = client_as(role).get(_url("documents:commitment", forms_edition, unit))
    expect(response, role == "declarer", role)
    if role == "declarer":
        page = response.content.decode()
        assert unit.name in page and "91110000600037341L" in page
        assert "（6）知识产权归属尚存在争议的创新作品；" in page  # the full text of Attachment 4
        assert _url("documents:commitment_pdf", forms_edition, unit) in page
        assert "尚未上传盖章的信用承诺书。" in page
        assert not CreditCommitment.objects.exists()  # looking does not create anything


def test_declarer_of_another_unit_is_refused(client, unit, forms_edition):
    client.force_login(factories.user_with_role(Role.DECLARER))
    assert client.get(_url("documents:commitment", forms_edition, unit)).status_code == 403
    assert client.post(_url("documents:commitment", forms_edition, unit),
                       {"scan": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    assert not CreditCommitment.objects.exists()


def test_my_commitment_goes_to_the_current_editions_page(client_as, unit, forms_edition):
    forms_edition.is_current = True
    forms_edition.save()
    response = client_as("declarer").get(reverse("documents:my_commitment"))
    assert response.status_code == 302 and response["Location"] == _url("documents:commitment", forms_edition, unit)


@pytest.mark.parametrize("role", ["recommender", "committee", "expert", "outsider"])
def test_my_commitment_refused_without_a_declaring_unit(client_as, role, forms_edition):
    assert client_as(role).get(reverse("documents:my_commitment")).status_code == 403


@pytest.mark.parametrize("name, data, content_type", [("盖章.pdf", PDF, "application/pdf"), ("scan.PNG", PNG, "image/png"),
                                                      ("scan.jpeg", JPEG, "image/jpeg")])
def test_upload_stamped_scan(client_as, declarer, unit, forms_edition, name, data, content_type):
    client = client_as("declarer")
    response = client.post(_url("documents:commitment", forms_edition, unit),
                           {"legal_representative": " 张  法人 ", "scan": SimpleUploadedFile(name, data, content_type)})
    assert response.status_code == 302
    commitment = CreditCommitment.objects.get(edition=forms_edition, unit=unit)
    assert commitment.is_stamped and commitment.scan_name == name
    assert commitment.legal_representative == "张 法人"
    assert commitment.scan_uploaded_by == declarer and commitment.scan_uploaded_at is not None
    assert commitment.scan.read() == data
    actions = list(AuditLog.objects.filter(object_type="entries.creditcommitment").values_list("action", flat=True))
    assert sorted(actions) == ["documents.commitment_create", "documents.commitment_scan_upload"]
    page = client.get(response["Location"]).content.decode()
    assert "盖章的信用承诺书已上传。" in page and "已收到盖章的信用承诺书。" in page


def test_new_scan_replaces_the_earlier_one(client_as, unit, forms_edition, django_capture_on_commit_callbacks):
    client = client_as("declarer")
    url = _url("documents:commitment", forms_edition, unit)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"scan": SimpleUploadedFile("first.pdf", PDF)})
    first = CreditCommitment.objects.get().scan
    storage, first_name = first.storage, first.name
    assert storage.exists(first_name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"scan": SimpleUploadedFile("second.png", PNG)})
    commitment = CreditCommitment.objects.get()  # still one per unit and edition
    assert commitment.scan_name == "second.png" and commitment.scan.read() == PNG
    assert not storage.exists(first_name)
    upload = AuditLog.objects.filter(action="documents.commitment_scan_upload").order_by("-id").first()
    assert upload.data["scan"] == {"name": "second.png", "size": len(PNG), "replaced": True}


@pytest.mark.parametrize("name, data, message", [
    ("virus.pdf", b"MZ\x90\x00" + b"0" * 100, "盖章扫描件只能上传 PDF、JPEG 或 PNG 格式的文件。"),
    ("scan.pdf", PNG, "文件扩展名（.pdf）与文件实际内容（PNG）不符，请上传原始文件。"),
    ("scan.exe", PDF, "文件扩展名（.exe）与文件实际内容（PDF）不符，请上传原始文件。"),
    ("empty.pdf", b"", "所提交的是空文件。"),
])
def test_bad_scan_is_refused_beside_the_field(client_as, unit, forms_edition, name, data, message):
    response = client_as("declarer").post(_url("documents:commitment", forms_edition, unit),
                                          {"legal_representative": "李法人", "scan": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="field-scan"' in page and message in page
    assert 'value="李法人"' in page  # nothing typed is lost
    assert not CreditCommitment.objects.exists()


def test_scan_over_20_mb_is_refused(client_as, unit, forms_edition):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))
    response = client_as("declarer").post(_url("documents:commitment", forms_edition, unit), {"scan": big})
    assert "文件超过 20 MB，请降低扫描分辨率后重新上传。" in response.content.decode()
    assert not CreditCommitment.objects.exists()


def test_name_only_is_saved_and_audited(client_as, unit, forms_edition):
    client_as("declarer").post(_url("documents:commitment", forms_edition, unit), {"legal_representative": "王法人"})
    commitment = CreditCommitment.objects.get()
    assert commitment.legal_representative == "王法人" and not commitment.is_stamped
    log = AuditLog.objects.get(action="documents.commitment_update")
    assert log.data == {"legal_representative": ["", "王法人"]}


# --- downloads --------------------------------------------------------------------------------

VIEWERS = {"declarer", "recommender", "committee", "site_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_commitment_pdf_permissions(client_as, role, unit, forms_edition):
    response = client_as(role).get(_url("documents:commitment_pdf", forms_edition, unit))
    expect(response, role in VIEWERS, role)
    if role in VIEWERS:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("role", ROLES)
def test_scan_download_permissions(client_as, role, unit, forms_edition):
    CreditCommitment.objects.create(edition=forms_edition, unit=unit, scan_name="盖章.pdf",
                                    scan=SimpleUploadedFile("x.pdf", PDF))
    response = client_as(role).get(_url("documents:commitment_scan", forms_edition, unit))
    expect(response, role in VIEWERS, role)
    if role in VIEWERS:
        assert b"".join(response.streaming_content) == PDF


def test_scan_download_without_scan_is_404(client_as, unit, forms_edition):
    assert client_as("committee").get(_url("documents:commitment_scan", forms_edition, unit)).status_code == 404


# --- the committee's list ---------------------------------------------------------------------

def _units_with_entries(edition, n, *, stamped_every=2):
    units = []
    for i in range(n):
        unit = factories.DeclaringUnitFactory()
        Entry.objects.create(edition=edition, declaring_unit=unit, recommending_unit=unit.parent, title=f"作品{i}")
        Entry.objects.create(edition=edition, declaring_unit=unit, recommending_unit=unit.parent, title=f"作品{i}b")
        if i % stamped_every == 0:
            CreditCommitment.objects.create(edition=edition, unit=unit, scan=SimpleUploadedFile("s.pdf", PDF))
        units.append(unit)
    return units


@pytest.mark.parametrize("role", ROLES)
def test_commitment_list_only_for_the_committee(client_as, role, forms_edition):
    response = client_as(role).get(reverse("documents:commitment_list", args=[forms_edition.slug]))
    expect(response, role in {"committee", "site_admin"}, role)


def test_commitment_list_shows_who_has_a_stamped_commitment(client_as, forms_edition):
    stamped, missing = _units_with_entries(forms_edition, 2)
    factories.DeclaringUnitFactory(name="没有作品的单位")
    other_edition = factories.EditionFactory()
    CreditCommitment.objects.create(edition=other_edition, unit=missing, scan=SimpleUploadedFile("s.pdf", PDF))
    url = reverse("documents:commitment_list", args=[forms_edition.slug])
    client = client_as("committee")
    page = client.get(url).content.decode()
    assert "有作品的申报单位共 2 家" in page
    assert stamped.name in page and missing.name in page and "没有作品的单位" not in page
    rows = {unit.name: row for row in page.split("<tr")[1:] for unit in (stamped, missing) if unit.name in row}
    assert "已上传" in rows[stamped.name] and "未上传" in rows[missing.name]  # another edition's scan doesn't count
    assert ">2</td>" in rows[stamped.name]  # two entries
    only_missing = client.get(url, {"stamped": "no"}).content.decode()
    assert missing.name in only_missing and stamped.name not in only_missing
    only_stamped = client.get(url, {"stamped": "yes"}).content.decode()
    assert stamped.name in only_stamped and missing.name not in only_stamped
    by_name = client.get(url, {"q": missing.name}).content.decode()
    assert missing.name in by_name and stamped.name not in by_name
    by_recommender = client.get(url, {"recommending_unit": stamped.parent_id}).content.decode()
    assert stamped.name in by_recommender and missing.name not in by_recommender


def test_commitment_list_queries_do_not_grow_with_rows(client_as, forms_edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("committee")
    url = reverse("documents:commitment_list", args=[forms_edition.slug])
    _units_with_entries(forms_edition, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _units_with_entries(forms_edition, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# --- Limits before the body is read, pictures that are not what they claim (issue 8) ---------------

def test_oversize_scan_is_refused_from_its_length_and_what_was_typed_is_kept(declarer, unit, forms_edition,
                                                                           monkeypatch, spooled):
    """A browser without JavaScript: the CSRF check still passes, the message is beside the field."""
    from django.test import Client

    monkeypatch.setattr("wuxiao.documents.forms.SCAN_MAX_MB", 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(declarer)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(_url("documents:commitment", forms_edition, unit), {
        "csrfmiddlewaretoken": "a" * 32, "legal_representative": "李法人",
        "scan": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_scan_error"><li>文件超过 1 MB，请降低扫描分辨率后重新上传。</li>' in page
    assert 'value="李法人"' in page
    assert spooled == [] and not CreditCommitment.objects.exists()


@pytest.mark.parametrize("name, data, message", [
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, "图片已损坏，无法打开。请重新保存后上传。"),
    ("scan.jpg", b"\xff\xd8\xff\xe0" + b"0" * 200, "图片已损坏，无法打开。请重新保存后上传。"),
    ("scan.png", png_claiming(13000, 13000), "图片为 13000×13000 像素（16900 万像素），超出上限"),
])
def test_a_scan_picture_must_decode_and_fit_the_pixel_limit(client_as, unit, forms_edition, name, data, message):
    response = client_as("declarer").post(_url("documents:commitment", forms_edition, unit),
                                          {"legal_representative": "李法人", "scan": SimpleUploadedFile(name, data)})

    page = response.content.decode()
    assert 'id="id_scan_error"><li>' + message in page and 'value="李法人"' in page
    assert not CreditCommitment.objects.exists()
