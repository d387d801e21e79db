"""R6 in the browser: after the recommendation deadline the unit's batch is closed; the committee
office extends it for that unit, with a reason, and the unit can recommend and hand over again."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.competitions.services import set_current_edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.services import transition_entry
from wuxiao.screening.models import DeadlineExtension

from .. import factories
from .test_screening_journey import log_in, recommend_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late(db):
    edition = factories.EditionFactory()
    set_current_edition(edition=edition, actor=None)
    unit = factories.RecommendingUnitFactory(name="郑州市期限测试工会")
    declaring = factories.DeclaringUnitFactory(name="郑州期限测试有限公司", parent=unit)
    declarer = factories.user_with_role(Role.DECLARER, declaring)
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring, title="皮带秤自动校准装置")
    transition_entry(entry=entry, action=Action.SUBMIT, actor=declarer)
    edition.declaration_deadline = timezone.now() - dt.timedelta(hours=2)
    edition.recommendation_deadline = timezone.now() - dt.timedelta(hours=1)
    edition.save(update_fields=["declaration_deadline", "recommendation_deadline"])
    return {"edition": edition, "unit": unit, "entry": entry,
            "recommender": factories.user_with_role(Role.RECOMMENDER, unit),
            "committee": factories.user_with_role(Role.COMMITTEE)}


def test_closed_batch_then_extension_by_the_committee(live_server, page, late):
    base = live_server.url
    edition, unit, entry = late["edition"], late["unit"], late["entry"]
    unit_url = base + reverse("screening:unit", kwargs={"slug": edition.slug, "unit_pk": unit.pk})
    # The unit's page says the batch is closed and offers no hand-over.
    log_in(page, base, late["recommender"])
    page.goto(unit_url)
    assert "只有组委会办公室可以延长推荐期限" in page.inner_text(".batch-closed + br + small")
    assert page.locator("form[action$='/submit/']").count() == 0
    recommend_in_browser(page, base, entry, "同意推荐。")  # the form is shown; the server refuses it
    assert "已过" in page.inner_text("main")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED

    # The committee office extends the unit's deadline by three days, with a reason.
    log_in(page, base, late["committee"])
    page.goto(base + reverse("screening:quota_exceptions", kwargs={"slug": edition.slug}))
    section = page.locator("#deadline-extensions")
    section.locator("select[name='deadline-unit']").select_option(label=unit.name)
    until = (timezone.localtime() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    section.locator("input[name='deadline-until']").fill(until.strftime("%Y-%m-%dT%H:%M"))
    section.locator("button[type=submit]").click()
    # Nothing typed is lost when the reason is missing; the message is beside the field.
    assert page.inner_text("#field-deadline-reason .errorlist") == "请填写延长期限的理由。"
    section = page.locator("#deadline-extensions")
    assert section.locator("input[name='deadline-until']").input_value() == until.strftime("%Y-%m-%dT%H:%M")
    section.locator("textarea[name='deadline-reason']").fill("该单位因疫情封控未能按时报送。")
    section.locator("button[type=submit]").click()
    page.locator("table.deadline-extensions").get_by_text("该单位因疫情封控未能按时报送。").wait_for()
    extension = DeadlineExtension.objects.get(edition=edition, unit=unit)
    assert extension.until == until and extension.granted_by == late["committee"]

    # The unit recommends the entry again and its page shows the extension.
    log_in(page, base, late["recommender"])
    recommend_in_browser(page, base, entry, "同意推荐。")
    page.wait_for_url(unit_url)
    assert "该单位因疫情封控未能按时报送。" in page.inner_text(".deadline-extension")
    assert page.locator("form[action$='/submit/']").count() == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RECOMMENDED
