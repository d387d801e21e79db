"""The awards stage end to end in Debian's chromium, as its users do it (R10, R11, R12): the office at 1366×768
allocates the prize tiers from the approved final ranking (a 特等奖 beyond its number is refused beside the field;
the tie at a tier border is decided), announces the list; a worker on a phone (390×844, WeChat) reads the public
announcement and objects — first without a name (refused beside the field), then named; the office answers the
objection, confirms the list after the period, generates the certificates in the background; the phone opens the
certificate's QR-code address and finds it valid with the names masked; the office revokes the award (a date in
the future refused first) and the same address then says revoked, with the date and the reason."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.awards.helpers import award_world
from tests.e2e.test_final_round_journey import log_in, look
from tests.finals.test_live_browser import new_page
from wuxiao.awards import certificates
from wuxiao.awards import queries_certificates as cq
from wuxiao.awards.models import AwardJob, AwardList, AwardRow, Certificate, JobStatus, ListStatus, Objection
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import EntryTransition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK, PHONE = 1366, 390
# Five prizes among seven finalists; in ranking order, places 3 and 4 tie across the border of 一等奖 (places 2–3)
# and 二等奖 (4–5).
TIERS = [("特等奖", 1, 20000), ("一等奖", 2, 15000), ("二等奖", 2, 10000)]
FINALS = ["95.00", "94.00", "92.50", "92.50", "91.00", "90.00", "89.00"]


@pytest.fixture
def media_and_tasks(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_awards_from_the_ranking_to_a_revoked_certificate(live_server, browser, media_and_tasks):
    w = award_world(finalists=len(FINALS), tiers=TIERS, finals=[Decimal(f) for f in FINALS])
    slug, office, base = w.edition.slug, w.office, live_server.url
    first_tier, second_tier = w.tiers[0], w.tiers[1]
    pages = []
    desk = new_page(browser, DESK, 768)
    pages.append(desk)
    try:
        # --- 1. The office allocates the tiers in ranking order.
        log_in(desk, base, office)
        desk.goto(base + reverse("awards:home", args=[slug]))
        expect(desk.locator("#step-tiers")).to_contain_text("尚未确定获奖等次")
        desk.goto(base + reverse("awards:tiers", args=[slug]))
        desk.locator(f"form[action='{reverse('awards:tiers_allocate', args=[slug])}'] button").click()
        award_list = AwardList.objects.get(edition=w.edition)
        rows = {r.entry_id: r for r in AwardRow.objects.filter(award_list=award_list)}
        assert sum(1 for r in rows.values() if r.tier_id) == 5  # 1 + 2 + 2
        assert [rows[e.pk].tier_id for e in w.finalists[:2]] == [first_tier.pk, second_tier.pk]
        tied = [e for e in w.finalists if rows[e.pk].tie]
        assert tied == w.finalists[2:4]
        expect(desk.locator(f"#entry-{tied[0].pk}")).to_have_class(re.compile("ranking-tie"))

        # A second 特等奖 without a decision: refused beside the field, what was typed kept.
        change = desk.locator(f"form[action='{reverse('awards:tiers_set', args=[slug])}']")
        change.locator("select[name=entry]").select_option(str(w.finalists[5].pk))
        change.locator("select[name=tier]").select_option(str(first_tier.pk))
        change.locator("textarea[name=reason]").fill("评审委员会建议增设")
        change.locator("button[type=submit]").click()
        change = desk.locator(f"form[action='{reverse('awards:tiers_set', args=[slug])}']")
        expect(change.locator(".error")).to_contain_text("名额为 1 项")
        expect(change.locator("textarea[name=reason]")).to_have_value("评审委员会建议增设")
        assert AwardRow.objects.get(award_list=award_list, entry=w.finalists[5]).tier_id is None

        # The tie at the border: decided for both tied entries, with the reason.
        for entry in tied:
            tie = desk.locator(f"form[action='{reverse('awards:tiers_tie', args=[slug])}']")
            tie.locator("select[name=entry]").select_option(str(entry.pk))
            tie.locator("textarea[name=reason]").fill("并列作品按现场考察成绩高者列前，经组委会研究决定。")
            tie.locator("button[type=submit]").click()
            expect(desk.locator(f"#entry-{entry.pk}")).not_to_have_class(re.compile("ranking-tie"))
        look(desk, "awards_tiers", DESK)
        assert not AwardRow.objects.filter(award_list=award_list, tie=True).exists()

        # --- 2. Announced (公示): five working days from the next working day.
        desk.goto(base + reverse("awards:announcement", args=[slug]))
        desk.locator(f"form[action='{reverse('awards:announce', args=[slug])}'] button").click()
        expect(desk.locator("[data-state=announced]")).to_be_visible()
        look(desk, "awards_announcement", DESK)
        award_list.refresh_from_db()
        assert award_list.status == ListStatus.ANNOUNCED and award_list.announced_by == office
        assert award_list.period_start > timezone.localdate() and award_list.period_end >= award_list.period_start

        # --- 3. A worker on the phone reads the announcement and objects, named.
        phone = new_page(browser, PHONE, 844, phone=True)
        pages.append(phone)
        phone.goto(base + reverse("awards:public", args=[slug]))
        expect(phone.locator("main")).to_contain_text(w.finalists[0].title)
        expect(phone.locator("main")).to_contain_text(w.finalists[0].declaring_unit.name)
        expect(phone.locator("[data-period]")).to_contain_text(f"{award_list.period_end:%Y-%m-%d}")
        look(phone, "awards_public", PHONE)
        target = w.finalists[1]
        phone.goto(base + reverse("awards:object", args=[slug]) + f"?entry={target.pk}")
        phone.check("input[name=kind][value=person]")
        phone.fill("input[name=mobile]", "13903710001")
        phone.fill("textarea[name=grounds]", "该作品的核心结构与已公开的专利相同，申报称原创不实。")
        phone.fill("textarea[name=evidence]", "专利公开文本第3页附图与申报材料结构图对照。")
        phone.locator("main form button[type=submit]").click()
        expect(phone.locator("#field-person_name .errorlist")).to_be_visible()
        expect(phone.locator("textarea[name=grounds]")).to_have_value("该作品的核心结构与已公开的专利相同，申报称原创不实。")
        assert not Objection.objects.exists()
        phone.fill("input[name=person_name]", "李建伟")
        phone.fill("input[name=employer]", "郑州某装备制造有限公司")
        phone.locator("main form button[type=submit]").click()
        objection = Objection.objects.get()
        expect(phone.locator("[data-number]")).to_have_text(objection.number)
        look(phone, "awards_objection_received", PHONE)
        assert (objection.entry, objection.person_name, objection.mobile) == (target, "李建伟", "13903710001")
        phone.goto(base + reverse("awards:public", args=[slug]))
        expect(phone.locator("main")).not_to_contain_text("李建伟")  # the objector is the office's only

        # --- 4. The office investigates and answers; after the period it confirms the list.
        desk.goto(base + reverse("awards:objection", args=[slug, objection.pk]))
        expect(desk.locator("main")).to_contain_text("李建伟")
        desk.fill("textarea[name=finding]", "经调阅双方材料并征询专家意见，该作品的定位结构与所附专利原理不同。")
        desk.fill("textarea[name=answer]", "经调查核实，所反映问题不成立，维持公示结果。")
        desk.check("input[name=outcome][value=rejected]")
        desk.locator("main form button[type=submit]").last.click()
        expect(desk.locator("main")).to_contain_text("维持公示结果")
        objection.refresh_from_db()
        assert objection.answered_by == office and objection.outcome == "rejected"
        # The period has passed (the clock cannot be moved in a browser test: its last day is moved instead).
        today = timezone.localdate()
        AwardList.objects.filter(pk=award_list.pk).update(period_start=today - dt.timedelta(days=9),
                                                          period_end=today - dt.timedelta(days=1))
        desk.goto(base + reverse("awards:announcement", args=[slug]))
        confirm = desk.locator(f"form[action='{reverse('awards:confirm', args=[slug])}']")
        confirm.locator("textarea[name=note]").fill("公示期满，异议已答复，名单确认。")
        confirm.locator("button[type=submit]").click()
        expect(desk.locator("#id_confirm_error, .errorlist, .error").first).to_be_visible()  # the box not ticked
        confirm = desk.locator(f"form[action='{reverse('awards:confirm', args=[slug])}']")
        expect(confirm.locator("textarea[name=note]")).to_have_value("公示期满，异议已答复，名单确认。")
        confirm.locator("input[name=confirm]").check()
        confirm.locator("button[type=submit]").click()
        expect(desk.locator("[data-state=confirmed]")).to_be_visible()
        awarded = {e.pk for e in w.finalists[:5]}
        for entry in w.finalists:
            entry.refresh_from_db()
            assert entry.status == (EntryStatus.AWARDED if entry.pk in awarded else EntryStatus.NOT_AWARDED)
        assert EntryTransition.objects.filter(entry__in=w.finalists, action="award").count() == 5

        # --- 5. Certificates in the background; the phone opens the first one's QR-code address.
        desk.goto(base + reverse("awards:certificates", args=[slug]))
        # The test's task backend runs the job within the request (the worker does it in production): give it time.
        desk.locator(f"form[action='{reverse('awards:certificates_generate', args=[slug])}'] button").click(
            timeout=120_000)
        job = AwardJob.objects.get(kind="certificates")
        desk.wait_for_url(f"**{reverse('awards:job', args=[job.pk])}", timeout=120_000)
        expect(desk.locator("#job-progress progress")).to_have_attribute("value", "5")
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and (job.done, job.total) == (5, 5)
        look(desk, "awards_certificates_job", DESK)
        cert = Certificate.objects.get(row__entry=w.finalists[0])
        assert cert.number == f"ZZWX-{w.edition.year}-TD-001"
        address = certificates.verify_url(cert.token)
        html = certificates.CertificatePdf(cq.certificate_context(cert)).html()
        assert certificates.qr_data_uri(address) in html  # the QR code printed on it carries this address
        phone.goto(base + address.removeprefix(live_settings_site_url()))
        expect(phone.locator("[data-status=valid]")).to_be_visible()
        expect(phone.locator("main")).to_contain_text(w.finalists[0].title)
        expect(phone.locator("main")).to_contain_text("张*明")
        expect(phone.locator("main")).not_to_contain_text("张三明")
        look(phone, "awards_verify_valid", PHONE)

        # --- 6. Fraud found: the office revokes the award (a future date refused first).
        desk.goto(base + reverse("awards:award", args=[slug, w.finalists[0].pk]))
        revoke = desk.locator(f"form[action='{reverse('awards:award_revoke', args=[slug, w.finalists[0].pk])}']")
        reason = "经核查，申报的经济效益数据系虚报，撤销其获奖资格，收回证书和奖金。"
        revoke.locator("textarea[name=reason]").fill(reason)
        revoke.locator("input[name=decided_on]").fill(f"{timezone.localdate() + dt.timedelta(days=3):%Y-%m-%d}")
        revoke.locator("button[type=submit]").click()
        revoke = desk.locator(f"form[action='{reverse('awards:award_revoke', args=[slug, w.finalists[0].pk])}']")
        expect(revoke.locator(".error")).to_be_visible()
        expect(revoke.locator("textarea[name=reason]")).to_have_value(reason)
        revoke.locator("input[name=decided_on]").fill(f"{timezone.localdate():%Y-%m-%d}")
        revoke.locator("button[type=submit]").click()
        expect(desk.locator("[data-state=revoked]")).to_be_visible()
        look(desk, "awards_revoked", DESK)
        w.finalists[0].refresh_from_db()
        assert w.finalists[0].status == EntryStatus.REVOKED
        assert AuditLog.objects.filter(action="awards.revoke", actor=office).count() == 1

        phone.reload()
        expect(phone.locator("[data-status=revoked]")).to_be_visible()
        expect(phone.locator("main")).to_contain_text(reason)
        expect(phone.locator("main")).to_contain_text(f"{timezone.localdate():%Y}")
        look(phone, "awards_verify_revoked", PHONE)
        phone.goto(base + reverse("awards:verify_lookup") + f"?number=ZZWX-{w.edition.year}-TD-999")
        expect(phone.locator("[data-status=unknown]")).to_be_visible()
        for page in pages:  # refused forms (400) and the forged number (404) answer so on purpose; anything else is a fault
            faults = [e for e in page.js_errors if "status of 400" not in e and "status of 404" not in e]
            assert not faults, faults
    finally:
        for page in pages:
            page.context.close()


def live_settings_site_url() -> str:
    from django.conf import settings

    return settings.SITE_URL
