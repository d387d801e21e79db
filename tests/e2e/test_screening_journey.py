"""Return → revise → resubmit → recommend → summary sheet → committee accepts, in Debian's chromium (issue 4, item 12)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from wuxiao.accounts.models import Role
from wuxiao.competitions.services import set_current_edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry
from wuxiao.screening.models import Batch

from .. import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A tiny PDF: enough for the stamped scan's content check.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def journey(db):
    edition = factories.EditionFactory()
    set_current_edition(edition=edition, actor=None)
    recommending_unit = factories.RecommendingUnitFactory(name="郑州市浏览器测试产业工会")
    declaring_unit = factories.DeclaringUnitFactory(name="郑州浏览器筛选测试有限公司", parent=recommending_unit)
    recommender = factories.user_with_role(Role.RECOMMENDER, recommending_unit)
    declarer = factories.user_with_role(Role.DECLARER, declaring_unit)
    committee = factories.user_with_role(Role.COMMITTEE)
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="数控车床快换工装")
    transition_entry(entry=entry, action=Action.SUBMIT, actor=declarer)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    return {"edition": edition, "unit": recommending_unit, "recommender": recommender, "declarer": declarer,
            "committee": committee, "entry": entry}


def log_in(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")


def recommend_in_browser(page, base, entry, opinion: str, rank: int = 1) -> None:
    """On the entry's screening page, recommend it with the unit's opinion (R23) and a merit rank."""
    page.goto(base + reverse("screening:entry", args=[entry.pk]))
    form = page.locator(".screening-action-recommend form")
    form.locator("textarea[name=opinion]").fill(opinion)
    form.locator("input[name=rank]").fill(str(rank))
    form.locator("button[type=submit]").click()


def test_return_revise_resubmit_recommend_sheet_and_accept(live_server, page, journey):
    base = live_server.url
    edition, unit, entry = journey["edition"], journey["unit"], journey["entry"]
    unit_url = base + reverse("screening:unit", kwargs={"slug": edition.slug, "unit_pk": unit.pk})

    # 1. The recommender's work queue: /screening/ leads to the unit's page; the entry waits there.
    log_in(page, base, journey["recommender"])
    page.goto(base + "/screening/")
    page.wait_for_url(unit_url)
    submitted = page.locator(".screening-group-submitted")
    assert "数控车床快换工装" in submitted.inner_text()
    submitted.locator(f"a[href='{reverse('screening:entry', args=[entry.pk])}']").click()
    page.wait_for_url(re.compile(rf".*/screening/entries/{entry.pk}/$"))

    # Returned without a comment: refused beside the field, nothing changes.
    form = page.locator(".screening-action-return form")
    form.locator("button[type=submit]").click()
    error = page.locator(".screening-action-return .errorlist")
    error.wait_for()
    assert "请填写退回修改意见。" in error.inner_text()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED

    # Returned with a comment.
    form = page.locator(".screening-action-return form")
    form.locator("textarea[name=reason]").fill("请补充名称中的设备型号。")
    form.locator("button[type=submit]").click()
    page.wait_for_url(unit_url)
    assert "作品已退回申报单位修改。" in page.inner_text("body")
    assert "数控车床快换工装" in page.locator(".screening-group-returned").inner_text()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED

    # 2. The declarer revises the title and submits again.
    log_in(page, base, journey["declarer"])
    page.goto(base + reverse("entries:edit", args=[entry.pk]))
    page.wait_for_url(re.compile(rf".*/entries/{entry.pk}/edit/$"))
    assert page.input_value("input[name=title]") == "数控车床快换工装"
    page.fill("input[name=title]", "CK6140数控车床快换工装")
    # Leave the field and let the autosave finish first: clicking Submit straight from the field sends the
    # autosave (focusout) and the submission at the same moment (see the report on form.js).
    page.locator("input[name=contact_name]").focus()
    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile(r"^已自动保存 \d\d:\d\d:\d\d$"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-submit-entry]")
    page.wait_for_url(re.compile(rf".*/entries/{entry.pk}/$"))
    assert "作品已提交" in page.inner_text("body")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.title == "CK6140数控车床快换工装"

    # 3. The recommender recommends it, with the unit's opinion (R23) and merit rank 1.
    log_in(page, base, journey["recommender"])
    page.goto(unit_url)
    page.locator(".screening-group-submitted").get_by_text("CK6140数控车床快换工装").wait_for()
    page.goto(base + reverse("screening:entry", args=[entry.pk]))
    history = page.inner_text(".screening-history")
    assert "请补充名称中的设备型号。" in history
    form = page.locator(".screening-action-recommend form")
    form.locator("textarea[name=opinion]").fill("该成果创新性强，效益显著，同意推荐。")
    form.locator("input[name=rank]").fill("1")
    form.locator("button[type=submit]").click()
    page.wait_for_url(unit_url)
    assert "作品已推荐。" in page.inner_text("body")
    recommended = page.locator(".screening-group-recommended")
    assert "CK6140数控车床快换工装" in recommended.inner_text()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RECOMMENDED and entry.recommendation_rank == 1

    # The summary sheet (R26) in Excel: the row carries the revised title.
    xlsx_href = reverse("screening:summary_xlsx", kwargs={"slug": edition.slug, "unit_pk": unit.pk})
    link = page.locator(f"a[href='{xlsx_href}']")
    assert link.count() == 1
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok, response.status
    sheet = load_workbook(io.BytesIO(response.body())).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    matching = [row for row in rows if "CK6140数控车床快换工装" in row]
    assert len(matching) == 1, rows
    assert "郑州浏览器筛选测试有限公司" in matching[0]
    assert not any("数控车床快换工装" in row for row in rows if row is not matching[0])

    # The stamped scan, then the batch to the committee (提交组委会).
    page.set_input_files("input[name=scan]", {"name": "汇总表盖章.pdf", "mimeType": "application/pdf",
                                              "buffer": PDF})
    page.locator("form[action$='/sheet/'] button[type=submit]").click()
    page.wait_for_url(unit_url)
    page.locator(".sheet-done").wait_for()
    assert "盖章的申报汇总表已上传。" in page.inner_text("body")
    assert "汇总表盖章.pdf" in page.inner_text(".sheet-done")
    page.get_by_role("button", name="提交组委会").click()
    page.wait_for_url(unit_url)
    assert "本批次已提交组委会。" in page.inner_text("body")
    page.locator(".batch-locked").wait_for()
    assert page.locator("form[action$='/submit/']").count() == 0
    batch = Batch.objects.get(edition=edition, unit=unit)
    assert batch.submitted_at is not None

    # 4. The committee's eligibility check: the entry is in the queue; accepted into the second round.
    log_in(page, base, journey["committee"])
    page.goto(base + reverse("screening:review", kwargs={"slug": edition.slug}))
    assert "CK6140数控车床快换工装" in page.inner_text("main")
    entry_url = base + reverse("screening:review_entry", kwargs={"slug": edition.slug, "pk": entry.pk})
    page.goto(entry_url)
    # First sent back for correction by a date (限期补正): it stays in the queue, marked with the date.
    due = timezone.localdate() + dt.timedelta(days=5)
    correction = page.locator(".review-decisions form[action$='/correction/']")
    correction.locator("textarea[name='correction-reason']").fill("请补充盖章的申报表扫描件。")
    correction.locator("input[name='correction-due_date']").fill(due.isoformat())
    correction.locator("button[type=submit]").click()
    page.wait_for_url(entry_url)
    page.locator(f".correction-pending[data-due='{due.isoformat()}']").wait_for()
    assert page.locator(".review-decisions").count() == 0
    page.goto(base + reverse("screening:review", kwargs={"slug": edition.slug}) + "?status=correction")
    pending = page.locator(".review-entry", has_text="CK6140数控车床快换工装")
    assert "限期补正中" in pending.locator(".correction-pending").inner_text()
    # The recommending unit recommends it again, its batch still handed over.
    log_in(page, base, journey["recommender"])
    recommend_in_browser(page, base, entry, "已补充盖章申报表，同意推荐。")
    page.wait_for_url(unit_url)
    assert "作品已推荐。" in page.inner_text("body")
    log_in(page, base, journey["committee"])
    page.goto(entry_url)
    # The scans are still missing: accepting it needs an explicit confirmation and a reason (issue 9 item 6).
    assert "2 项形式审查未通过" in page.inner_text(".accept-warning")
    accept = page.locator(".review-decisions form[action$='/accept/']")
    accept.get_by_role("button", name="受理进入复赛").click()
    page.locator("#field-accept-confirm_failed_checks .errorlist").wait_for()
    assert "如仍要受理" in page.inner_text("#field-accept-confirm_failed_checks")
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.RECOMMENDED
    accept = page.locator(".review-decisions form[action$='/accept/']")
    accept.locator("input[name='accept-confirm_failed_checks']").check()
    accept.locator("textarea[name='accept-reason']").fill("盖章材料已报送纸质原件，经核验无误。")
    accept.get_by_role("button", name="受理进入复赛").click()
    page.wait_for_url(entry_url)
    assert "该作品已受理进入复赛。" in page.inner_text("body")
    assert page.locator(".review-decisions").count() == 0

    # The outcome, in the database.
    entry.refresh_from_db()
    assert entry.status == EntryStatus.IN_REVIEW == "in_review"
    actions = list(Entry.objects.get(pk=entry.pk).transitions.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["submit", "return", "submit", "recommend", "request_correction", "recommend", "accept"]
    accepted = entry.transitions.get(action="accept")
    assert accepted.reason == "盖章材料已报送纸质原件，经核验无误。"
    assert accepted.data["failed_checks"] == ["stamped_form", "commitment"] and accepted.data["confirm_failed_checks"]
    batch.refresh_from_db()
    assert batch.submitted_at is not None and batch.is_locked
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
