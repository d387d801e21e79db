"""The filled summary sheet (Attachment 3, R26): the unit's recommended entries in merit-rank order."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuxiao.documents.content import SUMMARY_COLUMNS

from .. import factories
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommended(entry_of, declaring_unit):
    # created out of rank order; a submitted and a not-recommended entry stay off the sheet
    third = entry_of("recommended", recommendation_rank=3, title="第三名作品", contact_name="丙", contact_mobile="13900000003")
    first = entry_of("recommended", recommendation_rank=1, title="第一名作品", contact_name="甲", contact_mobile="13900000001")
    entry_of("submitted", title="未推荐作品")
    entry_of("not_recommended", title="不推荐作品")
    second = entry_of("recommended", recommendation_rank=2, title="第二名作品", contact_name="乙",
                      contact_mobile="13900000002")
    return [first, second, third]


def _get(client, name, edition, unit):
    return client.get(reverse(f"screening:{name}", args=[edition.slug, unit.pk]))


def test_xlsx_has_exactly_the_columns_and_the_rows_in_rank_order(client, recommender, edition, recommending_unit,
                                                                 declaring_unit, recommended):
    client.force_login(recommender)
    response = _get(client, "summary_xlsx", edition, recommending_unit)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[0]) == SUMMARY_COLUMNS == ("序号", "名称", "申报单位", "所属工会", "申报类别", "路演形式", "联系人", "联系方式")
    assert len(rows) == 4
    forms = "、".join(f.name for f in recommended[0].presentation_forms.order_by("position"))
    assert rows[1] == [1, "第一名作品", declaring_unit.name, declaring_unit.union_name,
                       recommended[0].category.name, forms, "甲", "13900000001"]
    assert [r[1] for r in rows[1:]] == ["第一名作品", "第二名作品", "第三名作品"]
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
    assert recommending_unit.name in ws.oddFooter.left.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_pdf_has_the_titles_in_rank_order(client, recommender, edition, recommending_unit, recommended, tmp_path):
    client.force_login(recommender)
    response = _get(client, "summary_pdf", edition, recommending_unit)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")
    assert f"{edition.title}申报汇总表" in text and "附件3" in text
    assert text.index("第一名作品") < text.index("第二名作品") < text.index("第三名作品")
    assert "未推荐作品" not in text and recommending_unit.name in text


@pytest.mark.parametrize("role", ROLES)
def test_downloads_per_role(client, actor_of, edition, recommending_unit, recommended, role):
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = _get(client, "summary_xlsx", edition, recommending_unit)
    if role in ("recommender", "committee", "site_admin"):
        assert response.status_code == 200
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)


def test_another_units_entries_are_not_on_the_sheet(client, recommender, edition, recommending_unit, recommended):
    factories.EntryFactory(edition=edition, status="recommended", recommendation_rank=1, title="别家推荐作品")
    client.force_login(recommender)
    ws = load_workbook(io.BytesIO(b"".join(_get(client, "summary_xlsx", edition, recommending_unit)
                                           .streaming_content))).active
    assert "别家推荐作品" not in [r[1] for r in ws.iter_rows(values_only=True)]
