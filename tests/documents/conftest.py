"""A fully filled entry (long texts, five completers) and the documents' helpers."""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from wuxiao.common.models import Industry
from wuxiao.competitions.models import PresentationForm
from wuxiao.competitions import presets
from wuxiao.entries.models import Completer, Entry

from .. import factories

ROLES = ["declarer", "recommender", "committee", "expert", "site_admin", "outsider", "anonymous"]

# Five hundred 字 each, with a distinct marker at the start and the end so truncation shows.
def long_text(marker: str) -> str:
    body = "职工在生产一线反复试验改进工装夹具，提高效率并降低能耗。"  # 28 字
    text = f"【{marker}始】" + body * 17
    return text[: 500 - len(marker) - 3] + f"【{marker}终】"


COMPLETERS = [
    ("王建国", 52, "高级技师（车工）", "郑州测试企业机加工车间", "13812345671"),
    ("李红梅", 41, "工程师", "郑州测试企业技术中心", "13812345672"),
    ("赵小龙", 35, "技师（钳工）", "郑州测试企业装配车间", "0371-67885139"),
    ("孙丽", 29, "助理工程师", "郑州测试企业质检部", "13812345674"),
    ("周大勇", 45, "班组长（电工三级）", "郑州测试企业动力车间", "13812345675"),
]


@pytest.fixture
def forms_edition(edition):
    """The edition with the four presentation forms of R22 (whatever the factory already made)."""
    for i, name in enumerate(presets.PRESENTATION_FORMS):
        PresentationForm.objects.get_or_create(edition=edition, name=name, defaults={"position": i})
    return edition


@pytest.fixture
def full_entry(forms_edition, declaring_unit):
    entry = Entry.objects.create(
        edition=forms_edition, declaring_unit=declaring_unit, recommending_unit=declaring_unit.parent,
        title="数控车床快换定位工装的研制", category=forms_edition.categories.get(name="小革新"),
        affiliation="郑州测试企业机加工车间（个人）", contact_name="刘联络", contact_mobile="13900001111",
        awards="2023年获郑州市职工技术创新成果二等奖；2024年获公司合理化建议一等奖。",
        summary=long_text("简述"), industry=Industry.objects.get(code="3421"),
        background="背景：国内外同类车间普遍采用传统换刀方式，换刀时间长、定位精度差。" * 3,
        goals="目标：解决数控车床换刀耗时长的问题，实现一次装夹快速定位。" * 3,
        innovation_points=long_text("创新"), benefits=long_text("效益"),
        completed_on=dt.date(2024, 5, 1), other_circumstances="无",
        union_opinion="经工会委员会审核，材料真实，同意申报。", union_opinion_by="郑工会",
        union_opinion_on=dt.date(2025, 3, 20),
    )
    for position, (name, age, post, workplace, phone) in enumerate(COMPLETERS):
        Completer.objects.create(entry=entry, position=position, name=name, age=age, post=post,
                                 workplace=workplace, phone=phone)
    entry.presentation_forms.set(forms_edition.presentation_forms.filter(name__in=["实物展示", "PPT和多媒体展示"]))
    return entry


@pytest.fixture
def entry_factory(forms_edition, declaring_unit):
    def make(**kwargs):
        return Entry.objects.create(**{
            "edition": forms_edition, "declaring_unit": declaring_unit,
            "recommending_unit": declaring_unit.parent, "title": "作品", **kwargs})
    return make


def pdf_text(tmp_path, data: bytes) -> str:
    """The PDF's text by pdftotext (poppler), in drawing order, page numbers ("2 / 3") left out."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True)
    return re.sub(r"^\d+ / \d+$", "", out.stdout, flags=re.MULTILINE)


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_pages(tmp_path, data: bytes) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_fonts(tmp_path, data: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) of every font in the PDF, by pdffonts."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [(line.split()[0], line.split()[-5] == "yes") for line in lines if line.strip()]


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    """Files in a temporary directory; background tasks run at once, in the test (immediate backend)."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def expect(response, allowed: bool, role: str):
    """Allowed: 200; anonymous: sent to the login page; anyone else refused: 403."""
    if allowed:
        assert response.status_code == 200, (role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], role
    else:
        assert response.status_code == 403, (role, response.status_code)
