"""The hand-over with entries left undecided, and the sheet it freezes, in Debian's chromium (issue 9, items 3–4).

The recommending unit tries to hand over while an entry is submitted and another returned: the page
lists them and refuses, beside the box; it ticks the box, is asked for the reason beside the field,
gives it, and the batch is handed over with both marked 不予推荐. The committee then finds the
recommended entry ineligible: the unit's sheet still shows it, as on the stamped scan.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuxiao.accounts.models import Role
from wuxiao.competitions.services import set_current_edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry
from wuxiao.notifications.models import Notification
from wuxiao.screening import services

from .. import factories
from .test_screening_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def unit(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    edition = factories.EditionFactory()
    set_current_edition(edition=edition, actor=None)
    recommending = factories.RecommendingUnitFactory(name="郑州市交接测试产业工会")
    declaring = factories.DeclaringUnitFactory(name="郑州交接测试有限公司", parent=recommending)
    recommender = factories.user_with_role(Role.RECOMMENDER, recommending)
    declarer = factories.user_with_role(Role.DECLARER, declaring)
    make = factories.EntryFactory
    entries = {
        "recommended": make(edition=edition, declaring_unit=declaring, status=EntryStatus.RECOMMENDED,
                            recommendation_rank=1, title="锅炉余热回收节能改造"),
        "submitted": make(edition=edition, declaring_unit=declaring, status=EntryStatus.SUBMITTED,
                          title="仓储货架防倾倒卡扣"),
        "returned": make(edition=edition, declaring_unit=declaring, status=EntryStatus.RETURNED,
                         title="供水管网漏损声学检测小革新"),
    }
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending,
                                  upload=SimpleUploadedFile("汇总表盖章.pdf", PDF, content_type="application/pdf"),
                                  version=0)
    return {"edition": edition, "unit": recommending, "recommender": recommender, "declarer": declarer,
            "committee": factories.user_with_role(Role.COMMITTEE), "entries": entries}


def test_undecided_entries_are_decided_at_the_hand_over_and_the_sheet_stays(live_server, page, unit):
    base = live_server.url
    edition, entries = unit["edition"], unit["entries"]
    unit_url = base + reverse("screening:unit", kwargs={"slug": edition.slug, "unit_pk": unit["unit"].pk})
    log_in(page, base, unit["recommender"])
    page.goto(unit_url)
    undecided = page.locator(".undecided")
    assert "还有 2 项作品尚未作出决定。" in undecided.inner_text()
    assert page.locator(".undecided-entries li").count() == 2
    assert "仓储货架防倾倒卡扣" in undecided.inner_text() and "供水管网漏损声学检测小革新" in undecided.inner_text()

    # Handed over as it is: refused, the two entries named beside the box.
    page.get_by_role("button", name="提交组委会").click()
    page.locator("#field-not_recommend .errorlist").wait_for()
    error = page.inner_text("#field-not_recommend .errorlist")
    assert "本单位还有 2 项作品尚未作出决定" in error and "《仓储货架防倾倒卡扣》" in error
    # The box ticked without a reason: asked for it beside the field.
    page.locator("input[name=not_recommend]").check()
    page.get_by_role("button", name="提交组委会").click()
    page.locator("#field-reason .errorlist").wait_for()
    assert "请填写这些作品不予推荐的理由。" in page.inner_text("#field-reason .errorlist")
    assert Entry.objects.get(pk=entries["submitted"].pk).status == EntryStatus.SUBMITTED
    # With the reason: both marked 不予推荐, the batch handed over.
    page.locator("input[name=not_recommend]").check()
    page.fill("form[action$='/submit/'] textarea[name=reason]", "本单位名额有限，择优推荐其他作品。")
    page.get_by_role("button", name="提交组委会").click()
    page.wait_for_url(unit_url)
    page.locator(".batch-locked").wait_for()
    body = page.inner_text("body")
    assert "本批次已提交组委会。" in body and "2 项作品已标为不予推荐，并已通知其申报单位。" in body
    for key in ("submitted", "returned"):
        assert Entry.objects.get(pk=entries[key].pk).status == EntryStatus.NOT_RECOMMENDED
    assert Notification.objects.filter(event="entry.not_recommend", user=unit["declarer"]).count() == 2
    assert "共 1 行" in page.inner_text(".sheet-frozen")

    # The committee finds the recommended entry ineligible: the sheet handed over still lists it.
    transition_entry(entry=entries["recommended"], action=Action.DECLARE_INELIGIBLE, actor=unit["committee"],
                     reason="已获市级奖励", data={"rule": "R4.3"})
    page.reload()
    assert "锅炉余热回收节能改造" in page.inner_text(".sheet-rows")
    assert "共 1 行" in page.inner_text(".sheet-frozen")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
