"""The assignment pages (issue 10 items 4–6): who may open them, the run with its progress, the reasons when no
assignment exists, the matrix at two sizes with constant queries, hand edits refused beside the field,
pins, publishing, re-assignment and the second pass."""

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxiao.review import services_assign as services
from wuxiao.review.models import (
    AssignmentRun,
    Conflict,
    ConflictSource,
    Expert,
    ExpertStatus,
    PairRule,
    ReviewAssignment,
    RunStatus,
    Score,
    ScoreStatus,
)
from wuxiao.review.queries import review_settings

from .helpers_assign import immediate, pairs_of, second_round

pytestmark = pytest.mark.django_db

PAGES = ["review:assignment", "review:assignment_entries", "review:assignment_experts", "review:assignment_edit",
         "review:assignment_rules", "review:assignment_second_pass"]
POSTS = ["review:assignment", "review:assignment_publish", "review:assignment_reassign",
         "review:assignment_second_pass", "review:assignment_rules", "review:assignment_edit"]
REFUSED_ROLES = ["declarer", "recommender", "expert", "outsider"]


@pytest.fixture(autouse=True)
def _tasks_now(settings):
    immediate(settings)


@pytest.fixture
def world(db):
    return second_round(entries=8, experts=4, k=2, with_users=True)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["anonymous", *REFUSED_ROLES, "committee", "site_admin"])
def test_who_may_open_the_pages(client_as, world, name, role):
    edition = world[0]
    response = client_as(role).get(reverse(name, args=[edition.slug]))
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif role in REFUSED_ROLES:
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("role", ["anonymous", *REFUSED_ROLES])
def test_no_one_else_may_change_anything(client_as, world, name, role):
    edition = world[0]
    response = client_as(role).post(reverse(name, args=[edition.slug]), {"seed": "1", "entry": world[1][0].pk})
    assert response.status_code in (302, 403)
    if role != "anonymous":
        assert response.status_code == 403
    assert not AssignmentRun.objects.exists() and not ReviewAssignment.objects.exists()
    assert not PairRule.objects.exists()


@pytest.mark.parametrize("holder", ["assigned", "not assigned", "conflicted"])
def test_experts_of_the_pool_may_not_manage_it(client, world, committee, holder):
    """An expert of this very pool (assigned, not, or conflicted) sees none of the office's pages."""
    edition, entries, experts = world
    services.start_assignment(actor=committee, edition=edition, seed=1)
    services.publish_assignment(actor=committee, edition=edition)
    assigned = {x for _e, x in pairs_of(edition)}
    seat = {"assigned": next(x for x in experts if x.pk in assigned),
            "not assigned": Expert.objects.create(edition=edition, name="闲", organisation_name="乙",
                                                  mobile="13500000000", status=ExpertStatus.ACCEPTED,
                                                  user=experts[0].user.__class__.objects.create(username="idle")),
            "conflicted": experts[1]}[holder]
    if holder == "conflicted":
        entry_id = next(e for e, x in pairs_of(edition) if x == seat.pk)
        Conflict.objects.create(edition=edition, expert=seat, entry_id=entry_id, source=ConflictSource.DECLARED,
                                reason="亲属")
    client.force_login(seat.user)
    for name in PAGES:
        assert client.get(reverse(name, args=[edition.slug])).status_code == 403
    assert client.post(reverse("review:assignment_publish", args=[edition.slug])).status_code == 403


def test_starting_a_run_shows_its_progress_and_result(client_as, world):
    edition = world[0]
    client = client_as("committee")
    response = client.post(reverse("review:assignment", args=[edition.slug]), {"seed": "20250401"})
    assert response.status_code == 302
    run = AssignmentRun.objects.get()
    assert run.status == RunStatus.DONE and run.seed == 20250401
    page = client.get(reverse("review:assignment", args=[edition.slug])).content.decode()
    assert "20250401" in page and "16" in page
    assert 'id="assign-run"' in page and "hx-get" not in page.split('id="assign-run"')[1].split(">")[0]
    # The polled block asks the page to reload once the run has ended.
    progress = client.get(reverse("review:assignment_progress", args=[edition.slug, run.pk]) + "?poll=1")
    assert progress["HX-Refresh"] == "true"


def test_a_queued_run_is_polled(client_as, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    edition = world[0]
    client = client_as("committee")
    client.post(reverse("review:assignment", args=[edition.slug]), {"seed": ""})
    run = AssignmentRun.objects.get()
    assert run.status == RunStatus.QUEUED
    page = client.get(reverse("review:assignment", args=[edition.slug])).content.decode()
    assert f'hx-get="{reverse("review:assignment_progress", args=[edition.slug, run.pk])}?poll=1"' in page
    assert "<progress" in page
    progress = client.get(reverse("review:assignment_progress", args=[edition.slug, run.pk]) + "?poll=1")
    assert "HX-Refresh" not in progress
    # A second run is refused while this one waits, beside the form.
    again = client.post(reverse("review:assignment", args=[edition.slug]), {"seed": "3"})
    assert again.status_code == 409 and "正在" in again.content.decode()


def test_the_page_says_why_no_assignment_exists(client_as):
    edition, entries, experts = second_round(entries=3, experts=5, k=3, load_max=10,
                                             conflicts=[(i, j) for i in range(3) for j in range(3)])
    client = client_as("committee")
    client.post(reverse("review:assignment", args=[edition.slug]), {"seed": "1"})
    page = client.get(reverse("review:assignment", args=[edition.slug])).content.decode()
    category = entries[0].category.name
    assert f"{category}类作品" in page or category in page
    assert all(str(e.pk) in page for e in entries)
    assert "仅有 2 位" in page and "需要 3 位" in page


def test_no_run_before_the_conflict_check(client_as):
    edition, *_ = second_round(entries=3, experts=3, k=1, checked=False)
    client = client_as("committee")
    page = client.get(reverse("review:assignment", args=[edition.slug])).content.decode()
    assert "回避" in page
    response = client.post(reverse("review:assignment", args=[edition.slug]), {"seed": "5"})
    assert response.status_code == 409 and not AssignmentRun.objects.exists()
    assert 'value="5"' in response.content.decode()  # what was typed stays


def test_a_bad_seed_is_refused_beside_its_field(client_as, world):
    response = client_as("committee").post(reverse("review:assignment", args=[world[0].slug]), {"seed": "-3"})
    assert response.status_code == 400
    assert 'id="id_seed_error"' in response.content.decode()
    assert not AssignmentRun.objects.exists()


def _matrix_queries(client, edition) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("review:assignment_entries", args=[edition.slug]))
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def _expert_queries(client, edition) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("review:assignment_experts", args=[edition.slug]))
    assert response.status_code == 200
    return len(ctx)


def test_the_matrix_takes_as_many_queries_at_any_size(client_as, committee):
    small, *_ = second_round(entries=5, experts=3, k=2)
    large, *_ = second_round(entries=60, experts=12, k=3)
    for edition in (small, large):
        services.start_assignment(actor=committee, edition=edition, seed=1)
    client = client_as("committee")
    few, page = _matrix_queries(client, small)
    many, page_large = _matrix_queries(client, large)
    assert few == many
    assert page_large.count('class="chip') >= 60 * 3
    assert _expert_queries(client, small) == _expert_queries(client, large)


def test_the_matrix_shows_quality_and_short_entries(client_as, world, committee):
    edition, entries, experts = world
    services.start_assignment(actor=committee, edition=edition, seed=1)
    pair = ReviewAssignment.objects.filter(entry=entries[0]).first()
    services.edit_assignment(actor=committee, edition=edition, entry_id=entries[0].pk,
                             remove_expert_id=pair.expert_id)
    client = client_as("committee")
    page = client.get(reverse("review:assignment_entries", args=[edition.slug]) + "?short=1").content.decode()
    assert page.count('<tr id="entry-') == 1 and f'id="entry-{entries[0].pk}"' in page
    assert "1 / 2" in page and "assign-short" in page
    experts_page = client.get(reverse("review:assignment_experts", args=[edition.slug])).content.decode()
    assert all(x.name in experts_page for x in experts) and "<progress" in experts_page


def test_a_refused_edit_is_shown_beside_the_field(client_as, committee):
    edition, entries, experts = second_round(entries=4, experts=4, k=1, conflicts=[(0, 3)], load_max=2)
    services.start_assignment(actor=committee, edition=edition, seed=2)
    (current,) = pairs_of(edition, entry=entries[0])
    response = client_as("committee").post(reverse("review:assignment_edit", args=[edition.slug]), {
        "entry": entries[0].pk, "remove_expert": current[1], "add_expert": experts[3].pk, "reason": "调整"})
    assert response.status_code == 409
    page = response.content.decode()
    error = re.search(r'id="field-add_expert".*?</div>', page, re.S).group(0)
    assert "回避" in error and "本单位" in error
    assert 'value="调整"' in page  # nothing typed lost
    assert pairs_of(edition, entry=entries[0]) == {current}


def test_an_edit_by_hand(client_as, committee):
    edition, entries, experts = second_round(entries=4, experts=4, k=1, load_max=2)
    services.start_assignment(actor=committee, edition=edition, seed=2)
    (current,) = pairs_of(edition, entry=entries[0])
    other = next(x for x in experts if x.pk != current[1] and
                 ReviewAssignment.objects.filter(expert=x).count() < 2)
    client = client_as("committee")
    response = client.post(reverse("review:assignment_edit", args=[edition.slug]), {
        "entry": entries[0].pk, "remove_expert": current[1], "add_expert": other.pk})
    assert response.status_code == 302
    assert pairs_of(edition, entry=entries[0]) == {(entries[0].pk, other.pk)}
    page = client.get(response["Location"]).content.decode()
    assert other.name in page


def test_pin_and_forbid_on_the_page(client_as, world):
    edition, entries, experts = world
    client = client_as("committee")
    url = reverse("review:assignment_rules", args=[edition.slug])
    response = client.post(url, {"entry": entries[0].pk, "expert": experts[0].pk, "kind": "forbid", "reason": ""})
    assert response.status_code == 400 and not PairRule.objects.exists()
    response = client.post(url, {"entry": entries[0].pk, "expert": experts[0].pk, "kind": "forbid",
                                 "reason": "曾指导该项目"})
    assert response.status_code == 302
    rule = PairRule.objects.get()
    assert rule.kind == "forbid" and rule.created_by.username
    assert "曾指导该项目" in client.get(url).content.decode()
    client.post(reverse("review:assignment_rule_delete", args=[edition.slug, rule.pk]))
    assert not PairRule.objects.exists()


def test_publish_and_reassign_on_the_page(client_as, world, committee):
    edition, entries, experts = world
    services.start_assignment(actor=committee, edition=edition, seed=4)
    client = client_as("committee")
    assert client.post(reverse("review:assignment_publish", args=[edition.slug])).status_code == 302
    assert not ReviewAssignment.objects.filter(published_at__isnull=True).exists()
    gone = experts[0]
    Expert.objects.filter(pk=gone.pk).update(status=ExpertStatus.DECLINED, decline_reason="身体原因")
    s = review_settings(edition)
    s.load_max = 8
    s.save()
    page = client.get(reverse("review:assignment", args=[edition.slug])).content.decode()
    assert "身体原因" in page
    response = client.post(reverse("review:assignment_reassign", args=[edition.slug]))
    assert response.status_code == 302
    assert not pairs_of(edition, expert=gone)
    assert not ReviewAssignment.objects.filter(published_at__isnull=True, removed_at__isnull=True).exists()


def test_second_pass_on_the_page(client_as, committee):
    edition, entries, experts = second_round(entries=10, experts=8, k=2, load_max=6)
    services.start_assignment(actor=committee, edition=edition, seed=6)
    services.publish_assignment(actor=committee, edition=edition)
    s = review_settings(edition)
    s.finalist_count = 4
    s.save()
    rng = random.Random(1)
    for a in ReviewAssignment.objects.filter(edition=edition):
        Score.objects.create(assignment=a, edition=edition, entry=a.entry, expert=a.expert,
                             status=ScoreStatus.SUBMITTED, total=rng.randint(60, 95))
    client = client_as("committee")
    url = reverse("review:assignment_second_pass", args=[edition.slug])
    page = client.get(url).content.decode()
    assert page.count("<tr>") >= 5
    response = client.post(url, {"entries": f"{entries[0].pk}，{entries[1].pk}", "extra": "1"})
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(review_pass=2).count() == 2
    bad = client.post(url, {"entries": "十二", "extra": "1"})
    assert bad.status_code == 400 and "十二" in bad.content.decode()


def test_odd_filters_never_fail(client_as, world):
    client = client_as("committee")
    url = reverse("review:assignment_entries", args=[world[0].slug])
    for query in ["?q=" + "9" * 60, "?category=99999999999999", "?q=%00", "?page=abc"]:
        assert client.get(url + query).status_code == 200
    edit = reverse("review:assignment_edit", args=[world[0].slug])
    assert client.get(edit + "?entry=" + "9" * 40).status_code == 200
    response = client.post(edit, {"entry": "9" * 40, "add_expert": world[2][0].pk})
    assert response.status_code == 400 and "9" * 40 in response.content.decode()


def test_a_declined_experts_draft_pair_can_be_removed_by_hand(client_as, world, committee):
    edition, entries, experts = world
    services.start_assignment(actor=committee, edition=edition, seed=1)
    entry_id, expert_id = sorted(pairs_of(edition))[0]
    Expert.objects.filter(pk=expert_id).update(status=ExpertStatus.DECLINED)
    client = client_as("committee")
    page = client.get(reverse("review:assignment_edit", args=[edition.slug]) + f"?entry={entry_id}").content.decode()
    remove = re.search(r'<select name="remove_expert".*?</select>', page, re.S).group(0)
    assert remove.count("<option") == 1 + 2  # "none" and the entry's two experts, the declined one among them
    response = client.post(reverse("review:assignment_edit", args=[edition.slug]),
                           {"entry": entry_id, "remove_expert": expert_id})
    assert response.status_code == 302
    assert (entry_id, expert_id) not in pairs_of(edition)


def test_a_rule_broken_by_the_drafts_is_shown_and_blocks_publishing(client_as, world, committee):
    edition, entries, experts = world
    services.start_assignment(actor=committee, edition=edition, seed=1)
    entry_id, expert_id = sorted(pairs_of(edition))[0]
    services.set_pair_rule(actor=committee, edition=edition, entry_id=entry_id, expert_id=expert_id, kind="forbid",
                           reason="曾指导")
    client = client_as("committee")
    page = client.get(reverse("review:assignment", args=[edition.slug])).content.decode()
    name = Expert.objects.get(pk=expert_id).name
    assert f"专家 {name} 已被排除评审作品 {entry_id}" in page
    publish = re.search(r'<form method="post" action="[^"]*/publish/">.*?</form>', page, re.S).group(0)
    assert "disabled" in publish
    response = client.post(reverse("review:assignment_publish", args=[edition.slug]), follow=True)
    assert "暂不能发布" in response.content.decode()
    assert not ReviewAssignment.objects.filter(published_at__isnull=False).exists()


@pytest.mark.parametrize("role", ["anonymous", *REFUSED_ROLES, "committee", "site_admin"])
def test_who_may_poll_a_run(client_as, world, committee, role):
    edition = world[0]
    run = services.start_assignment(actor=committee, edition=edition, seed=1)
    response = client_as(role).get(reverse("review:assignment_progress", args=[edition.slug, run.pk]))
    expected = {"anonymous": 302, "committee": 200, "site_admin": 200}.get(role, 403)
    assert response.status_code == expected
    if expected == 200:
        assert "20250401" not in response.content.decode() and 'id="assign-run"' in response.content.decode()
    other = second_round(entries=2, experts=2, k=1)[0]
    if expected == 200:  # a run is found only under its own edition
        assert client_as(role).get(reverse("review:assignment_progress", args=[other.slug, run.pk])).status_code == 404
