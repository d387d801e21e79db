"""The second round end to end in Debian's chromium on a phone-sized screen (390×844), as its users do it:
the office imports its experts from Excel, runs the conflict check and invites them; each expert accepts by
the link; the office runs the assignment and publishes it; each expert scores on the phone; the office
proposes and approves the finalist list, which moves every entry through the one transition function."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from wuxiao.accounts.models import Role
from wuxiao.competitions.services import set_current_edition
from wuxiao.entries.enums import Action
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.review.models import Expert, ExpertStatus, ReviewAssignment, Score, ScoreStatus
from wuxiao.review.queries import review_settings

from .. import factories
from ..review.helpers_pool import row, xlsx
from ..review.helpers_results import second_round
from .test_screening_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXPERTS = [("刘工", "13600008001", "某大学"), ("陈工", "13600008002", "某研究院"), ("杨工", "13600008003", "某设计院")]
PASSWORD = "Review-2026-journey!"


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_import_assign_publish_score_and_approve_on_a_phone(live_server, page, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    round_ = second_round(entries=3, experts=0, finalist_count=1)
    edition, entries = round_.edition, round_.entries
    set_current_edition(edition=edition, actor=None)
    s = review_settings(edition)
    s.reviews_per_entry, s.load_min, s.load_max = 2, 1, 3
    s.save()
    office = factories.user_with_role(Role.COMMITTEE)
    base = live_server.url

    # 1. The office imports the expert list, checks conflicts and invites everyone.
    log_in(page, base, office)
    page.goto(base + reverse("review:home", args=[edition.slug]))
    fits_the_phone(page)
    page.goto(base + reverse("review:import", args=[edition.slug]))
    listing = tmp_path / "专家名单.xlsx"
    listing.write_bytes(xlsx([row(name=name, mobile=mobile, org=org, fields="34:3", email="")
                              for name, mobile, org in EXPERTS]).getvalue())
    page.set_input_files("input[name=file]", str(listing))
    page.click("[data-import-check]")
    expect(page.locator("[data-import-ok]")).to_be_visible()
    page.click("[data-import-confirm]")
    page.wait_for_url(re.compile(rf".*/review/{edition.slug}/experts/$"))
    fits_the_phone(page)
    page.click("[data-run-check]")
    expect(page.locator("#conflict-check")).to_have_attribute("data-current", "1")
    page.click("[data-invite-all]")
    expect(page.locator("body")).to_contain_text("已发出 3 份邀请")

    # 2. Each expert accepts by the one-time link, with a new account.
    for name, mobile, _org in EXPERTS:
        expert = Expert.objects.get(edition=edition, mobile=mobile)
        page.context.clear_cookies()
        page.goto(f"{base}/review/invitation/{expert.token}/")
        fits_the_phone(page)
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        page.click("[data-accept]")
        page.wait_for_url("**/accounts/")
    assert set(Expert.objects.filter(edition=edition).values_list("status", flat=True)) == {ExpertStatus.ACCEPTED}

    # 3. The office runs the assignment (the worker computes it), then publishes it.
    log_in(page, base, office)
    page.goto(base + reverse("review:assignment", args=[edition.slug]))
    page.click("form:has(input[name=seed]) button[type=submit]")
    publish = page.locator(f"form[action='{reverse('review:assignment_publish', args=[edition.slug])}'] button")
    expect(publish).to_be_enabled()
    fits_the_phone(page)
    publish.click()
    expect(page.locator("body")).to_contain_text("已发布")
    pairs = ReviewAssignment.objects.filter(edition=edition, published_at__isnull=False, removed_at__isnull=True)
    assert pairs.count() == 6 and {p.entry_id for p in pairs} == {e.pk for e in entries}

    # 4. Each expert scores their entries on the phone: points per criterion, no conflict confirmed, submitted.
    criteria = round_.criteria
    for n, (_name, mobile, _org) in enumerate(EXPERTS):
        expert = Expert.objects.get(edition=edition, mobile=mobile)
        page.context.clear_cookies()
        page.goto(base + "/accounts/login/")
        page.fill("input[name=username]", mobile)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/accounts/")
        for pair in pairs.filter(expert=expert).order_by("entry_id"):
            page.goto(base + reverse("review:expert_entry", args=[edition.slug, pair.entry_id]))
            fits_the_phone(page)
            merit = 15 + 3 * entries.index(pair.entry) + n  # the third entry is the best
            for criterion in criteria:
                page.locator(f"input[name=points_{criterion.pk}]").fill(str(merit))
            expect(page.locator("[data-total]")).to_have_text(str(4 * merit))
            page.locator("input[name=confirm_no_conflict]").check()
            page.locator("button.submit-score").click()
            page.wait_for_url(f"**{reverse('review:workspace_edition', args=[edition.slug])}")
            expect(page.locator(f'.score-card[data-entry="{pair.entry_id}"] .badge-submitted')).to_be_visible()
    assert Score.objects.filter(edition=edition, status=ScoreStatus.SUBMITTED).count() == 6

    # 5. The office sees the scores, proposes the finalist list (top 1) and approves it.
    log_in(page, base, office)
    page.goto(base + reverse("review:results", args=[edition.slug]))
    fits_the_phone(page)
    expect(page.locator("body")).to_contain_text(entries[2].title)
    page.goto(base + reverse("review:finalists", args=[edition.slug]))
    page.click(f"form[action='{reverse('review:finalists_propose', args=[edition.slug])}'] button")
    approve = page.locator(f"form[action='{reverse('review:finalists_approve', args=[edition.slug])}']")
    expect(approve).to_be_visible()
    fits_the_phone(page)
    approve.locator("textarea, input[type=text]").first.fill("经组委会办公室审核，同意入围。")
    approve.locator("input[type=checkbox]").check()
    approve.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("决赛入围名单")
    statuses = dict(Entry.objects.filter(edition=edition).values_list("pk", "status"))
    assert statuses == {entries[0].pk: "not_finalist", entries[1].pk: "not_finalist", entries[2].pk: "finalist"}
    # Through the one transition function, each with the list that decided it.
    step = EntryTransition.objects.get(entry=entries[2], action=Action.SELECT_FINALIST)
    assert step.actor == office and step.data["finalist_list"]
    assert not page.csp_errors
