"""The final round (决赛) end to end in Debian's chromium, as its users do it (R8, R9, R10, R24): the office at
1366×768 creates a roadshow session, seats its judges, adds the finalists, draws the order (抽签), verifies the
draw and publishes it; a declaring unit on its phone (390×844) finds its slot and uploads its 16:9 PPT (a 4:3 one
is refused beside the field); the console runs one presentation with three judges scoring on their phones; the
office creates the proposed site visit, schedules it (a bad phone first), a visiting expert scores it on the
phone, the office locks it, computes the final ranking, moves a row with a reason and approves it."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pptx.util import Inches

from tests import factories
from tests.finals.helpers import final_world
from tests.finals.test_live_browser import join, new_page, type_score
from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.finals import services_live
from wuxiao.finals.models import (
    FinalRanking,
    RankingRow,
    RankingStatus,
    RoadshowMaterial,
    RoadshowScore,
    RoadshowSession,
    SessionJudge,
    SiteScore,
    SiteVisit,
    Slot,
    SlotPhase,
)
from wuxiao.finals.queries import final_settings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK, PHONE = 1366, 390


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path / "media")}}}


def pptx_file(path, width_inches, height_inches):
    """A minimal valid presentation: one title slide, no animation, at the given slide size."""
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(width_inches), Inches(height_inches)
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = "智能巡检装置路演"
    prs.save(str(path))
    return str(path)


def log_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")


def look(page, name, width):
    """Screenshot the page and check that nothing is wider than the screen."""
    page.screenshot(path=f"/tmp/journey_{name}.png", full_page=True)
    wide = page.evaluate(f"Array.from(document.querySelectorAll('body *')).filter(e => "
                         f"e.getBoundingClientRect().right > {width + 1}).map(e => e.tagName + '.' + e.className)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, wide[:5])


def audit_actions(edition) -> list[str]:
    return list(AuditLog.objects.filter(edition=edition).order_by("pk").values_list("action", flat=True))


def run_by_services(office, session, judges, criteria, points_by_judge):
    """A presentation driven through the live services (to save time; the console is tested in the browser on
    the first one): next, start, end, open scoring, the judges' scores, lock, reveal."""
    slot = services_live.next_slot(actor=office, session=session)
    for step in (services_live.start_presentation, services_live.end_presentation, services_live.open_scoring):
        step(actor=office, slot=slot)
    assert len(judges) == len(points_by_judge)
    for judge, points in zip(judges, points_by_judge):
        services_live.submit_score(judge_user=judge.expert.user, session=session, slot_id=slot.pk,
                                   items={str(c.pk): str(p) for c, p in zip(criteria, points)},
                                   idempotency_key=uuid.uuid4())
    services_live.lock_scores(slot, actor=office)
    services_live.reveal_scores(actor=office, slot=slot)
    slot.refresh_from_db()
    return slot


def test_the_final_round_from_the_session_to_the_approved_ranking(live_server, browser, media, tmp_path):
    # --- 1. Data: three finalists, the rubric, three accepted experts; the office; a declarer of finalist 0.
    w = final_world(finalists=3, judges=3, with_session=False)
    edition = w.edition
    edition.site_visit_top_n = 1  # R9: the best by roadshow score is proposed for a visit
    edition.save(update_fields=["site_visit_top_n"])
    fs = final_settings(edition)
    fs.material_deadline = timezone.now() + dt.timedelta(days=10)
    fs.save(update_fields=["material_deadline"])
    slot_minutes = edition.roadshow_minutes + fs.qa_minutes + fs.changeover_minutes
    office = factories.user_with_role(Role.COMMITTEE)
    ours = w.finalists[0]
    declarer = factories.user_with_role(Role.DECLARER, ours.declaring_unit)
    base = live_server.url
    pages = []

    desk = new_page(browser, DESK, 768)
    pages.append(desk)
    try:
        # --- 2. The office: a session, its judges and finalists, the draw, its verification, publication.
        log_in(desk, base, office)
        desk.goto(base + reverse("finals:sessions", args=[edition.slug]))
        look(desk, "sessions", DESK)
        day = timezone.localdate() + dt.timedelta(days=20)
        desk.fill("input[name=name]", "第一场路演")
        desk.fill("input[name=starts_at]", f"{day:%Y-%m-%d}T09:00")
        desk.fill("input[name=venue]", "郑州市职工服务中心报告厅")
        desk.locator("article form button[type=submit]").click()
        expect(desk.locator("body")).to_contain_text("场次已创建")
        session = RoadshowSession.objects.get(edition=edition)
        desk.wait_for_url(f"**{reverse('finals:session', args=[session.pk])}")

        for expert in w.experts:
            desk.select_option("select[name=expert]", str(expert.pk))
            desk.locator("#judges form.finals-inline button[type=submit]").click()
            expect(desk.locator("#judges tbody")).to_contain_text(expert.name)
        desk.locator("#order details summary").click()
        for entry in w.finalists:
            desk.check(f"input[name=entries][value='{entry.pk}']")
        desk.locator("form.finals-candidates button[type=submit]").click()
        expect(desk.locator("#order tbody tr[data-entry]")).to_have_count(3)
        desk.locator(f"form[action='{reverse('finals:draw', args=[session.pk])}'] button").click()
        expect(desk.locator(".finals-draw")).to_be_visible()
        desk.click("a[href='?verify=1#order']")
        expect(desk.locator("#draw-check")).to_have_attribute("data-matches", "1")
        expect(desk.locator("#draw-check")).to_contain_text("结果与记录的出场顺序完全一致")
        look(desk, "session_drawn", DESK)
        desk.locator(f"form[action='{reverse('finals:publish', args=[session.pk])}'] button").click()
        expect(desk.locator("[data-published]")).to_be_visible()
        look(desk, "session_published", DESK)

        session.refresh_from_db()
        assert session.order_published_at is not None and session.order_published_by == office
        assert session.draw_seed is not None and session.draw_by == office
        slots = list(Slot.objects.filter(session=session).order_by("position"))
        assert [s.position for s in slots] == [1, 2, 3]
        assert [s.entry_id for s in slots] == session.draw_result["output"]
        assert sorted(session.draw_result["input"]) == sorted(e.pk for e in w.finalists)
        starts = [s.planned_start for s in slots]
        assert starts[0] == session.starts_at
        assert [b - a for a, b in zip(starts, starts[1:])] == [dt.timedelta(minutes=slot_minutes)] * 2  # 5+3+1
        assert timezone.localtime(session.starts_at).strftime("%H:%M") == "09:00"  # typed in Beijing time
        assert list(SessionJudge.objects.filter(session=session).order_by("seat")
                    .values_list("seat", "expert_id")) == [(n + 1, e.pk) for n, e in enumerate(w.experts)]
        for name in ("order_pdf", "sheets_pdf"):
            answer = desk.request.get(base + reverse(f"finals:{name}", args=[session.pk]))
            assert answer.status == 200 and answer.headers["content-type"] == "application/pdf", name
            assert answer.body()[:5] == b"%PDF-"

        # --- 3. The declaring unit on its phone: its slot, then its roadshow PPT (R24).
        unit = new_page(browser, PHONE, 844, phone=True)
        pages.append(unit)
        log_in(unit, base, declarer)
        panel = unit.locator("#work-final-unit")
        expect(panel).to_be_visible()
        look(unit, "unit_dashboard", PHONE)
        panel.locator("a").first.click()
        unit.wait_for_url(f"**{reverse('finals:my_finals')}")
        our_slot = next(s for s in slots if s.entry_id == ours.pk)
        row = unit.locator(f"#entry-{ours.pk}")
        expect(row).to_contain_text("第一场路演")
        expect(row).to_contain_text(f"第 {our_slot.position} 个出场")
        expect(row).to_contain_text(f"{timezone.localtime(our_slot.planned_start):%Y-%m-%d %H:%M}")
        look(unit, "unit_my_finals", PHONE)
        row.locator(f"a[href='{reverse('finals:my_slot', args=[ours.pk])}']").click()
        expect(unit.locator("[data-position]")).to_have_text(str(our_slot.position))
        look(unit, "unit_slot", PHONE)
        unit.locator(f"a[href='{reverse('finals:material_upload', args=[ours.pk])}']").click()
        unit.wait_for_url(f"**{reverse('finals:material_upload', args=[ours.pk])}")

        ppt = unit.locator("#material-ppt")
        ppt.locator("input[type=file]").set_input_files(pptx_file(tmp_path / "路演4比3.pptx", 10, 7.5))
        ppt.locator("button[type=submit]").click()
        error = unit.locator("#material-ppt .field-error .errorlist")
        expect(error).to_contain_text("幻灯片比例为 4:3，不是 16:9")
        look(unit, "unit_material_refused", PHONE)
        assert not RoadshowMaterial.objects.exists()
        ppt.locator("input[type=file]").set_input_files(pptx_file(tmp_path / "智能巡检装置路演.pptx", 13.333, 7.5))
        ppt.locator("button[type=submit]").click()
        expect(unit.locator("#material-ppt .current")).to_contain_text("智能巡检装置路演.pptx")
        expect(unit.locator("main")).not_to_contain_text("以前上传的文件")  # nothing replaced yet
        look(unit, "unit_material", PHONE)
        material = RoadshowMaterial.objects.get()
        assert (material.entry_id, material.kind, material.original_name, material.uploaded_by_id) == (
            ours.pk, "ppt", "智能巡检装置路演.pptx", declarer.pk)
        assert material.replaced_at is None and material.details["slide_width"] == Inches(13.333)
        unit.goto(base + reverse("finals:my_finals"))
        expect(unit.locator(f"#entry-{ours.pk}")).to_contain_text("智能巡检装置路演.pptx")

        # --- 4. The first presentation on the console, the three judges on their phones.
        phones = [new_page(browser, PHONE, 844, phone=True) for _ in w.experts]
        pages.extend(phones)
        judges = list(SessionJudge.objects.filter(session=session).order_by("seat"))
        for phone, judge in zip(phones, judges):
            join(phone, base, judge)
        desk.goto(base + reverse("finals:console", args=[session.pk]))

        def click(action):
            button = desk.locator(f'#live-buttons form[data-action="{action}"] button')
            expect(button).to_be_enabled()
            button.click()

        click("next")
        expect(desk.locator("#live-title")).to_have_text(f"1. {slots[0].entry.title}")
        click("start")
        expect(desk.locator("#live-phase")).to_have_text("路演中")
        look(desk, "console_presenting", DESK)
        click("end")
        expect(desk.locator("#live-phase")).to_have_text("答辩")
        click("end_qa")
        click("open")
        for phone, points in zip(phones, [(25, 20, 20, 15), (28, 24, 23, 17), (20, 18, 18, 14)]):  # 80, 92, 70
            expect(phone.locator("#score-form")).to_be_visible()
            type_score(phone, w.roadshow_criteria, points)
            phone.click("#score-submit")
        for phone in phones:
            expect(phone.locator("#score-badge")).to_have_text("已送达")
        look(phones[0], "judge_phone", PHONE)
        expect(desk.locator("#live-scored")).to_have_text("(3/3)")
        click("lock")
        expect(desk.locator("#live-result")).to_have_text("得分：80.00")  # R8: 92 and 70 struck out
        click("reveal")
        expect(desk.locator(f'tr[data-slot="{slots[0].pk}"] [data-result]')).to_have_text("80.00")
        look(desk, "console_revealed", DESK)
        slots[0].refresh_from_db()
        assert slots[0].phase == SlotPhase.REVEALED and slots[0].result == 80 and slots[0].locked_by == office
        assert slots[0].qa_seconds is not None and RoadshowScore.objects.filter(slot=slots[0]).count() == 3

        # The judges are done: two phones close (their errors checked first), the first (it visits the site later)
        # and the desk leave the live pages, so that nothing polls the live state while the services below write
        # (on SQLite the test's in-memory database answers a read during a write with "table is locked").
        for phone in phones[1:]:
            assert [e for e in phone.js_errors if "status of 400" not in e] == [], (phone.url, phone.js_errors)
            pages.remove(phone)
            phone.context.close()
        phones[0].goto(base + reverse("finals:expert_home"))
        desk.goto(base + reverse("finals:sessions", args=[edition.slug]))

        # The other two presentations through the live services, to keep the test short.
        criteria = w.roadshow_criteria
        second = run_by_services(office, session, judges, criteria,
                                 [(28, 23, 22, 17), (27, 22, 22, 17), (29, 24, 23, 18)])  # 90, 88, 94
        third = run_by_services(office, session, judges, criteria,
                                [(20, 17, 16, 12), (21, 18, 17, 14), (19, 16, 16, 12)])  # 65, 70, 63
        assert (second.result, third.result) == (90, 65)  # R8: the highest and the lowest struck out

        # --- 5. The site visit of the best (R9), scheduled, scored on the phone, locked; the ranking (R10).
        desk.goto(base + reverse("finals:visits", args=[edition.slug]))
        desk.locator(f"form[action='{reverse('finals:visits_create', args=[edition.slug])}'] button").click()
        expect(desk.locator("body")).to_contain_text("已为建议名单中的作品创建 1 个考察。")
        visit = SiteVisit.objects.get(edition=edition)
        assert visit.entry_id == second.entry_id
        look(desk, "visits", DESK)
        desk.locator(f"a[href='{reverse('finals:visit_detail', args=[edition.slug, visit.pk])}']").first.click()
        desk.wait_for_url(f"**{reverse('finals:visit_detail', args=[edition.slug, visit.pk])}")
        visit_day = day + dt.timedelta(days=5)
        form = desk.locator("form.site-schedule")
        form.locator("input[name=visit_date]").fill(f"{visit_day:%Y-%m-%d}")
        form.locator("input[name=start_time]").fill("09:30")
        form.locator("input[name=address]").fill("郑州市高新区科学大道 100 号一车间")
        form.locator("input[name=contact_name]").fill("赵工")
        form.locator("input[name=contact_phone]").fill("12345")
        for expert in w.experts[:2]:
            form.locator(f"input[name=experts][value='{expert.pk}']").check()
        form.locator("button[type=submit]").click()
        expect(desk.locator("#contact-phone-error")).to_contain_text("请输入手机号码")
        look(desk, "visit_bad_phone", DESK)
        # Nothing typed is lost.
        form = desk.locator("form.site-schedule")
        expect(form.locator("input[name=visit_date]")).to_have_value(f"{visit_day:%Y-%m-%d}")
        expect(form.locator("input[name=start_time]")).to_have_value("09:30")
        expect(form.locator("input[name=address]")).to_have_value("郑州市高新区科学大道 100 号一车间")
        expect(form.locator("input[name=contact_name]")).to_have_value("赵工")
        expect(form.locator("input[name=contact_phone]")).to_have_value("12345")
        for expert in w.experts[:2]:
            expect(form.locator(f"input[name=experts][value='{expert.pk}']")).to_be_checked()
        visit.refresh_from_db()
        assert visit.visit_date is None and not visit.visit_experts.exists()
        form.locator("input[name=contact_phone]").fill("13812345678")
        form.locator("button[type=submit]").click()
        expect(desk.locator("body")).to_contain_text("考察安排已保存。")
        visit.refresh_from_db()
        assert (visit.visit_date, visit.start_time, visit.contact_phone) == (visit_day, dt.time(9, 30), "13812345678")
        assert list(visit.visit_experts.order_by("seat").values_list("expert_id", flat=True)) == [
            e.pk for e in w.experts[:2]]

        # The first visiting expert (signed in on the phone they judged with) scores on site.
        expert_phone = phones[0]
        expert_phone.goto(base + reverse("finals:my_visits"))
        look(expert_phone, "expert_visits", PHONE)
        expert_phone.click(f"a[href='{reverse('finals:visit_score', args=[visit.pk])}']")
        expert_phone.wait_for_url(f"**{reverse('finals:visit_score', args=[visit.pk])}")
        for criterion, value in zip(w.site_criteria, ["36", "27", "25.5"]):
            expert_phone.fill(f"input[name=points_{criterion.pk}]", value)
        expect(expert_phone.locator("[data-total]")).to_have_text("88.5")
        expert_phone.fill("textarea[name=comment]", "装置在一车间连续运行，效果与申报一致")
        expert_phone.click("[data-submit]")
        expect(expert_phone.locator("[data-site-state]")).to_have_attribute("data-state", "sent")
        look(expert_phone, "expert_visit_score", PHONE)
        site_score = SiteScore.objects.get()
        assert (site_score.expert_id, site_score.total) == (w.experts[0].pk, 88.5)

        # The second expert could not come: the office locks with the reason.
        desk.reload()
        lock = desk.locator(f"form[action='{reverse('finals:visit_lock', args=[edition.slug, visit.pk])}']")
        lock.locator("input[name=reason], textarea[name=reason]").fill("第二位专家因病未能到场")
        lock.locator("button[type=submit]").click()
        expect(desk.locator("body")).to_contain_text("88.5")
        look(desk, "visit_locked", DESK)
        visit.refresh_from_db()
        assert visit.locked_at is not None and visit.result == 88.5 and visit.lock_reason == "第二位专家因病未能到场"

        desk.goto(base + reverse("finals:ranking", args=[edition.slug]))
        desk.locator(f"form[action='{reverse('finals:ranking_compute', args=[edition.slug])}'] button").click()
        expect(desk.locator(".ranking-table tbody tr")).to_have_count(3)
        look(desk, "ranking_computed", DESK)
        ranking = FinalRanking.objects.get(edition=edition)
        computed = list(ranking.rows.order_by("position").values_list("entry_id", flat=True))
        assert computed == [second.entry_id, slots[0].entry_id, third.entry_id]  # visited first (R10), then 80, 65
        move = desk.locator(f"form[action='{reverse('finals:ranking_move', args=[edition.slug])}']")
        move.locator("input[name=entry]").fill(str(third.entry_id))
        move.locator("input[name=position]").fill("2")
        move.locator("input[name=reason]").fill("经评审委员会复议，决定调整名次")
        move.locator("button[type=submit]").click()
        expect(desk.locator("body")).to_contain_text("作品名次已调整，理由已记录。")
        approve = desk.locator(f"form[action='{reverse('finals:ranking_approve', args=[edition.slug])}']")
        approve.locator("textarea[name=note]").fill("经 2026 年第 3 次组委会会议审定")
        approve.locator("input[name=confirm]").check()
        approve.locator("button[type=submit]").click()
        expect(desk.locator("body")).to_contain_text("决赛最终排名已审定。")
        look(desk, "ranking_approved", DESK)

        ranking.refresh_from_db()
        assert ranking.status == RankingStatus.APPROVED and ranking.approved_by == office
        assert ranking.approval_note == "经 2026 年第 3 次组委会会议审定"
        moved = RankingRow.objects.get(ranking=ranking, entry_id=third.entry_id)
        assert (moved.computed_position, moved.position, moved.change_reason) == (3, 2, "经评审委员会复议，决定调整名次")
        assert list(ranking.rows.order_by("position").values_list("entry_id", flat=True)) == [
            second.entry_id, third.entry_id, slots[0].entry_id]

        actions = audit_actions(edition)
        for action in ("finals.create_session", "finals.add_judge", "finals.add_finalists", "finals.draw",
                       "finals.publish_order", "finals.upload_material", "finals.lock_scores", "finals.reveal_scores",
                       "finals.visits_create", "finals.visit_schedule", "finals.site_score", "finals.visit_lock",
                       "finals.ranking_compute", "finals.ranking_move", "finals.ranking_approve"):
            assert action in actions, action
        assert actions.count("finals.add_judge") == 3
        draw = AuditLog.objects.get(edition=edition, action="finals.draw")
        assert draw.actor == office and draw.data["seed"] == session.draw_seed
        moved_log = AuditLog.objects.get(edition=edition, action="finals.ranking_move")
        assert moved_log.reason == "经评审委员会复议，决定调整名次"
        approved_log = AuditLog.objects.get(edition=edition, action="finals.ranking_approve")
        assert approved_log.actor == office and approved_log.reason == ranking.approval_note
        assert AuditLog.objects.get(edition=edition, action="finals.visit_lock").reason == "第二位专家因病未能到场"

        # No script error and nothing the Content-Security-Policy refused; the only failed loads are the two
        # refused forms, answered 400 on purpose (the 4:3 PPT, the bad phone).
        refused = "the server responded with a status of 400"
        for page in pages:
            assert [e for e in page.js_errors if refused not in e] == [], (page.url, page.js_errors)
        assert [len(p.js_errors) for p in (desk, unit)] == [1, 1]
    finally:
        for page in pages:
            page.context.close()
