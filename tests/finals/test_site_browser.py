"""A visiting expert scores a site visit on a phone (390×844) while the phone is offline (issue 11 item 9):
the score and a photo are kept in the page (待发送), sent once the phone is back (已送达), stored once; after the
office locks, the page says 已锁定. And the office's pages at 1366×768 and on a phone (screenshots)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import expect

from tests.finals.helpers import final_world
from tests.finals.test_site_services import items_for, jpeg_bytes, lock_roadshow, visit_of
from wuxiao.finals import services_ranking, services_site
from wuxiao.finals.models import SitePhoto, SiteScore, SiteVisit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def word(name):
    with translation.override("zh-hans"):
        return pgettext("outbox", name)


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}


def login(page, base, user):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/")


def test_scoring_a_visit_offline_then_online(live_server, browser, media, tmp_path):
    from tests import factories
    from wuxiao.accounts.models import Role

    committee = factories.user_with_role(Role.COMMITTEE)
    world = final_world(finalists=2, judges=2, with_session=True)
    visit = visit_of(world, world.finalists[0], committee=committee)
    expert = world.experts[0]
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url
    login(page, base, expert.user)

    page.goto(base + reverse("finals:my_visits"))
    page.click(f"a[href='{reverse('finals:visit_score', args=[visit.pk])}']")
    page.wait_for_url(f"**{reverse('finals:visit_score', args=[visit.pk])}")
    expect(page.locator("h1.site-title")).to_have_text(world.finalists[0].title)
    page.screenshot(path="/tmp/site_phone_form.png", full_page=True)
    wide = page.evaluate("Array.from(document.querySelectorAll('body *'))"
                         ".filter(e => e.getBoundingClientRect().right > 391).map(e => e.tagName + '#' + e.id)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide

    # An out-of-range value is shown beside its field; nothing is queued.
    first = world.site_criteria[0]
    page.fill(f"input[name=points_{first.pk}]", "55")
    page.click("[data-submit]")
    expect(page.locator(f"[data-error-for=points_{first.pk}]")).to_be_visible()

    context.set_offline(True)
    for criterion, value in zip(world.site_criteria, ["35", "25", "28.5"]):
        page.fill(f"input[name=points_{criterion.pk}]", value)
    expect(page.locator("[data-total]")).to_have_text("88.5")
    page.fill("textarea[name=comment]", "设备在一车间连续运行，效果与申报一致")
    page.click("[data-submit]")
    state = page.locator("[data-site-state]")
    expect(state).to_have_attribute("data-state", "pending")
    expect(state).to_contain_text(word("waiting to send"))
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_bytes(size=(64, 48)))
    page.set_input_files("[data-site-camera]", str(photo))
    expect(page.locator("[data-site-photos] li[data-photo-state=pending]")).to_have_count(1)
    page.wait_for_timeout(500)
    assert not SiteScore.objects.exists() and not SitePhoto.objects.exists()
    page.screenshot(path="/tmp/site_phone_offline.png", full_page=True)

    # A reload while offline would fail; the outbox keeps the item in IndexedDB. Back online: sent, stored once.
    context.set_offline(False)
    expect(state).to_have_attribute("data-state", "sent", timeout=20_000)
    expect(state).to_contain_text(word("delivered"))
    expect(page.locator("[data-site-photos] li[data-photo-state=sent]")).to_have_count(1, timeout=20_000)
    score = SiteScore.objects.get()
    assert score.total == 88.5 and score.expert == expert and score.comment.startswith("设备在一车间")
    assert SitePhoto.objects.count() == 1
    page.screenshot(path="/tmp/site_phone_sent.png", full_page=True)

    # Reloaded: the stored score is shown delivered; a flush sends nothing twice.
    page.reload()
    expect(page.locator("[data-site-state]")).to_have_attribute("data-state", "sent")
    page.evaluate("WuxiaoOutbox.flush()")
    page.wait_for_timeout(500)
    assert SiteScore.objects.count() == 1 and SitePhoto.objects.count() == 1

    # The office locks the scores (the second expert did not come): 已锁定.
    services_site.lock_visit(actor=committee, visit=visit, reason="第二位专家未到场")
    page.reload()
    expect(page.locator("[data-site-state]")).to_have_attribute("data-state", "locked")
    expect(page.locator("[data-site-state]")).to_contain_text(word("locked"))
    assert page.locator("[data-submit]").is_disabled()
    page.screenshot(path="/tmp/site_phone_locked.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
    context.close()


def test_office_pages_screenshots(live_server, browser, media):
    from tests import factories
    from wuxiao.accounts.models import Role

    committee = factories.user_with_role(Role.COMMITTEE)
    world = final_world(finalists=6, judges=3)
    world.edition.site_visit_top_n = 3
    world.edition.save()
    lock_roadshow(world, [90, 85, 80, 80, 70, None])
    services_site.create_proposed_visits(actor=committee, edition=world.edition)
    visit = visit_of(world, world.finalists[3], committee=committee)
    visit2 = SiteVisit.objects.get(entry=world.finalists[0])
    services_site.schedule_visit(actor=committee, visit=visit2, visit_date=visit.visit_date, start_time=None,
                                 address="郑州市高新区科学大道 100 号", contact_name="赵工", contact_phone="13812345678",
                                 experts=world.experts)
    for expert, points in zip(world.experts, [[35, 25, 28], [30, 20, 20], [32, 24, 25]]):
        services_site.submit_site_score(user=expert.user, visit=visit2, items=items_for(world, points), comment="好",
                                        idempotency_key=uuid.uuid4())
    services_site.lock_visit(actor=committee, visit=visit2)
    services_ranking.compute_ranking(actor=committee, edition=world.edition)
    base = live_server.url
    for size, suffix in (({"width": 1366, "height": 768}, "desk"), ({"width": 390, "height": 844}, "phone")):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=size)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(page, base, committee)
        for name, url in [("visits", reverse("finals:visits", args=[world.edition.slug])),
                          ("visit", reverse("finals:visit_detail", args=[world.edition.slug, visit2.pk])),
                          ("route", reverse("finals:visit_route", args=[world.edition.slug])
                           + f"?date={visit.visit_date.isoformat()}"),
                          ("ranking", reverse("finals:ranking", args=[world.edition.slug]))]:
            page.goto(base + url)
            page.screenshot(path=f"/tmp/site_{name}_{suffix}.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"] + 1, name
        assert not errors, errors
        context.close()
