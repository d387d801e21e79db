"""The summary sheet is a record (issue 9, item 3): the sheet handed over is frozen.

The committee's later decisions (accepted, ineligible, sent back for correction) neither renumber
nor drop its rows, so the sheet generated afterwards (Excel, PDF, the API) always matches the
stamped scan; before the hand-over, and after a reopening, the sheet follows the entries.
"""

import datetime as dt
import importlib
import io
import subprocess

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuxiao.common import api_auth, audit
from wuxiao.entries.enums import Action
from wuxiao.entries.services import transition_entry
from wuxiao.screening import services
from wuxiao.screening.models import Batch, SummarySheet

from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db

ACCEPTED_ANYWAY = {"confirm_failed_checks": True, "override_reason": "盖章材料已报送纸质原件"}


@pytest.fixture
def three(entry_of):
    """Three recommended entries of the unit, made out of rank order, and one still waiting (not on the sheet)."""
    second = entry_of("recommended", recommendation_rank=2, title="第二名作品", contact_name="乙")
    first = entry_of("recommended", recommendation_rank=1, title="第一名作品", contact_name="甲")
    third = entry_of("recommended", recommendation_rank=3, title="第三名作品", contact_name="丙")
    return [first, second, third]


def hand_over(recommender, edition, unit, **kwargs):
    batch = services.batch_of(edition, unit)
    batch = services.upload_summary_sheet(actor=recommender, edition=edition, unit=unit, upload=pdf_upload(),
                                          version=batch.version)
    return services.submit_batch(actor=recommender, edition=edition, unit=unit, version=batch.version, **kwargs)


def committee_decides(committee, entries):
    """Accepted, found ineligible, sent back for correction: each through the one transition function."""
    first, second, third = entries
    transition_entry(entry=first, action=Action.ACCEPT, actor=committee, reason="盖章材料已报送纸质原件",
                     data=dict(ACCEPTED_ANYWAY))
    transition_entry(entry=second, action=Action.DECLARE_INELIGIBLE, actor=committee, reason="已获市级奖励",
                     data={"rule": "R4.3"})
    transition_entry(entry=third, action=Action.REQUEST_CORRECTION, actor=committee, reason="请补充盖章申报表",
                     data={"due_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat()})


def xlsx_rows(client, edition, unit) -> list[list]:
    response = client.get(reverse("screening:summary_xlsx", args=[edition.slug, unit.pk]))
    assert response.status_code == 200
    return [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
            .iter_rows(values_only=True)]


def pdf_text(client, edition, unit, tmp_path) -> str:
    response = client.get(reverse("screening:summary_pdf", args=[edition.slug, unit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")


def test_the_handed_over_sheet_keeps_its_rows_numbers_and_order(client, recommender, committee, edition,
                                                                recommending_unit, declaring_unit, three, entry_of,
                                                                tmp_path):
    entry_of("not_recommended", title="未推荐作品")
    client.force_login(recommender)
    before_xlsx = xlsx_rows(client, edition, recommending_unit)
    before_pdf = pdf_text(client, edition, recommending_unit, tmp_path)
    assert [r[:2] for r in before_xlsx[1:]] == [[1, "第一名作品"], [2, "第二名作品"], [3, "第三名作品"]]

    hand_over(recommender, edition, recommending_unit)
    committee_decides(committee, three)
    three[2].refresh_from_db()
    assert three[2].status == "submitted" and three[2].recommendation_rank is None  # its place is released

    for user in (recommender, committee):
        client.force_login(user)
        assert xlsx_rows(client, edition, recommending_unit) == before_xlsx
        after_pdf = pdf_text(client, edition, recommending_unit, tmp_path)
        assert after_pdf == before_pdf
        assert after_pdf.index("第一名作品") < after_pdf.index("第二名作品") < after_pdf.index("第三名作品")
        assert "未推荐作品" not in after_pdf
    [sheet] = SummarySheet.objects.all()
    assert sheet.batch == Batch.objects.get(edition=edition, unit=recommending_unit)
    assert sheet.handed_over_by == recommender and sheet.stamped_sheet_name == "汇总表.pdf"
    assert [(r["number"], r["entry"], r["rank"]) for r in sheet.rows] == [
        (1, three[0].pk, 1), (2, three[1].pk, 2), (3, three[2].pk, 3)]
    assert sheet.rows[0]["cells"] == before_xlsx[1]


def test_the_sheet_is_live_until_the_hand_over(client, recommender, edition, recommending_unit, three, entry_of):
    client.force_login(recommender)
    services.screen_entry(actor=recommender, entry=three[1], action=Action.UNRECOMMEND, reason="调整推荐名单")
    fourth = entry_of("submitted", title="第四项作品")
    services.screen_entry(actor=recommender, entry=fourth, action=Action.RECOMMEND,
                          data={"opinion": "同意推荐", "rank": 2})
    rows = xlsx_rows(client, edition, recommending_unit)
    assert [r[:2] for r in rows[1:]] == [[1, "第一名作品"], [2, "第四项作品"], [3, "第三名作品"]]
    assert not SummarySheet.objects.exists()
    html = client.get(reverse("screening:unit", args=[edition.slug, recommending_unit.pk])).content.decode()
    assert 'class="sheet-live"' in html and "sheet-frozen" not in html


def test_a_reopened_batch_is_live_again_and_keeps_the_entries_the_committee_moved_on(
        client, recommender, committee, edition, recommending_unit, three):
    hand_over(recommender, edition, recommending_unit)
    committee_decides(committee, three)
    batch = Batch.objects.get(edition=edition, unit=recommending_unit)
    services.reopen_batch(actor=committee, edition=edition, unit=recommending_unit, reason="补正后重新提交",
                          version=batch.version)
    client.force_login(recommender)
    # Live again: the accepted and the ineligible entries keep their rows; the one sent back has left the sheet.
    rows = xlsx_rows(client, edition, recommending_unit)
    assert [r[:2] for r in rows[1:]] == [[1, "第一名作品"], [2, "第二名作品"]]

    # Corrected and recommended again, then handed over again: a new record, the first one kept.
    services.screen_entry(actor=recommender, entry=three[2], action=Action.RECOMMEND,
                          data={"opinion": "已补正，同意推荐", "rank": 3})
    hand_over(recommender, edition, recommending_unit)
    assert SummarySheet.objects.count() == 2
    latest = SummarySheet.objects.order_by("-id").first()
    assert [r["entry"] for r in latest.rows] == [e.pk for e in three]
    transition_entry(entry=three[2], action=Action.ACCEPT, actor=committee, reason="盖章材料已报送纸质原件",
                     data=dict(ACCEPTED_ANYWAY))
    assert [r[:2] for r in xlsx_rows(client, edition, recommending_unit)[1:]] == [
        [1, "第一名作品"], [2, "第二名作品"], [3, "第三名作品"]]


def test_the_unit_page_says_the_sheet_is_the_one_handed_over(client, recommender, committee, edition,
                                                            recommending_unit, three):
    hand_over(recommender, edition, recommending_unit)
    committee_decides(committee, three)
    for user in (recommender, committee):
        client.force_login(user)
        html = client.get(reverse("screening:unit", args=[edition.slug, recommending_unit.pk])).content.decode()
        assert 'class="sheet-frozen" data-rows="3"' in html
        assert "提交组委会的汇总表（共 3 行），与盖章扫描件一致；组委会此后的决定不会改变它。" in html
        assert html.index("第一名作品 ·") < html.index("第二名作品 ·") < html.index("第三名作品 ·")


def _api(user):
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_gives_the_frozen_sheet(client, recommender, committee, edition, recommending_unit, three):
    url = f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/batch"
    live = client.get(url, headers=_api(recommender)).json()
    assert live["sheet_handed_over_at"] is None
    assert [(r["number"], r["entry_id"], r["rank"]) for r in live["sheet"]] == [
        (1, three[0].pk, 1), (2, three[1].pk, 2), (3, three[2].pk, 3)]
    hand_over(recommender, edition, recommending_unit)
    committee_decides(committee, three)
    for user in (recommender, committee):
        body = client.get(url, headers=_api(user)).json()
        assert body["sheet_handed_over_at"] is not None
        assert body["sheet"] == live["sheet"]
        assert [e["id"] for e in body["recommended"]] == []  # none is merely "recommended" any more


@pytest.mark.parametrize("role", ROLES)
def test_the_frozen_sheet_per_role(client, actor_of, recommender, committee, edition, recommending_unit, three,
                                   role):
    hand_over(recommender, edition, recommending_unit)
    committee_decides(committee, three)
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(reverse("screening:summary_xlsx", args=[edition.slug, recommending_unit.pk]))
    if role in ("recommender", "committee", "site_admin"):
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
        assert [r[1] for r in rows[1:]] == ["第一名作品", "第二名作品", "第三名作品"]
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)


def test_the_migration_freezes_the_batches_already_handed_over(recommender, committee, edition, recommending_unit,
                                                              three):
    """A batch handed over before the record existed gets the entries its hand-over recorded, in that order."""
    batch = Batch.objects.create(edition=edition, unit=recommending_unit, submitted_at=timezone.now(),
                                 submitted_by=recommender, stamped_sheet_name="旧汇总表.pdf")
    audit.record(actor=recommender, action="screening.batch_submit", obj=batch, edition=edition,
                 data={"entries": [e.pk for e in three], "sheet": "旧汇总表.pdf"})
    committee_decides(committee, three)  # the third has since left the recommended entries
    migration = importlib.import_module("wuxiao.screening.migrations.0004_summary_sheet")
    migration.freeze_handed_over_sheets(apps, None)
    [sheet] = SummarySheet.objects.filter(batch=batch)
    assert sheet.handed_over_at == batch.submitted_at and sheet.handed_over_by == recommender
    assert sheet.stamped_sheet_name == "旧汇总表.pdf"
    assert [(r["number"], r["entry"]) for r in sheet.rows] == [(1, three[0].pk), (2, three[1].pk), (3, three[2].pk)]
    assert [r["cells"][1] for r in sheet.rows] == ["第一名作品", "第二名作品", "第三名作品"]
