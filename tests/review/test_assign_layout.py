"""The assignment pages in a browser at 390 px (a phone) and 1366 px: the office starts a run, sees the result,
the matrix is cards on a phone, no Chinese word becomes a column of characters, nothing scrolls sideways."""

import pytest
from django.urls import reverse

from wuxiao.review.models import AssignmentRun, RunStatus

from ..e2e.test_tables_layout import DESKTOP, MEASURE, PHONE
from .helpers_assign import immediate, second_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_office_runs_the_assignment_and_reads_it_on_a_phone(live_server, page, committee, settings):
    immediate(settings)
    edition, entries, experts = second_round(entries=40, experts=10, k=5, conflicts=[(0, 0), (3, 4)])
    base = live_server.url
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", committee.username)
    page.fill("input[name=password]", "pass-word-123")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**" + reverse("accounts:dashboard"))

    overview = base + reverse("review:assignment", args=[edition.slug])
    page.goto(overview)
    page.fill("input[name=seed]", "20250401")
    page.click("form:has(input[name=seed]) button[type=submit]")
    page.wait_for_selector("#assign-run dl")
    run = AssignmentRun.objects.get()
    assert run.status == RunStatus.DONE and run.seed == 20250401
    assert "20250401" in page.inner_text("#assign-run")
    assert page.locator("text=发布 200 项分配").count() == 1

    problems = []
    for name in ("review:assignment", "review:assignment_entries", "review:assignment_experts",
                 "review:assignment_rules", "review:assignment_edit", "review:assignment_second_pass"):
        for size in (PHONE, DESKTOP):
            page.set_viewport_size({"width": size[0], "height": size[1]})
            assert page.goto(base + reverse(name, args=[edition.slug])).ok
            result = page.evaluate(MEASURE)
            problems += [f"{name} at {size[0]} px: {cell}" for cell in result["narrow"]]
            if size == PHONE and result["overflow"] > 0:
                problems.append(f"{name} scrolls sideways on a phone by {result['overflow']} px")
    assert problems == []

    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(base + reverse("review:assignment_entries", args=[edition.slug]))
    displays = set(page.eval_on_selector_all(".assign-matrix tbody tr",
                                             "rows => rows.map(r => getComputedStyle(r).display)"))
    assert displays == {"block"}
    assert page.locator(".assign-matrix .chip").count() == 200
