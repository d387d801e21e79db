"""The office's results and finalist pages (issue 10, items 9–11): official and calibrated scores side by side,
flags in words, the list proposed, changed with a reason and approved, every role kept out but the office."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.review import queries_results as rq
from wuxiao.review.models import Conflict, FinalistList, FinalistRow

from .helpers_results import give_scores, immediate_tasks, scored_round, second_round  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

PAGES = ["review:results", "review:finalists", "review:results_xlsx"]


@pytest.fixture
def scored(committee):
    return scored_round(entries=8, experts=6, k=5, finalist_count=3)


def test_results_show_the_official_and_the_calibrated_score_side_by_side(client, committee, scored):
    client.force_login(committee)
    response = client.get(reverse("review:results", args=[scored.edition.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    found = rq.edition_results(scored.edition)
    best = found.ranked_ids()[0]
    row = re.search(rf'<tr id="entry-{best}".*?</tr>', html, re.S).group(0)
    official = found.aggregation.official[best].score
    calibrated = found.aggregation.entries[best].calibrated
    assert f"<strong>{official}</strong>" in row
    assert f'data-label="校准得分">{calibrated}</td>' in row
    assert "正式得分" in html and "校准得分" in html and "校准排名" in html
    # The lenient expert (expert 0 gives 6 points more) is named with the interval, in words.
    assert "该专家打分普遍高于专家组" in html and "95%置信区间" in html
    assert "Krippendorff" in html
    # z-scores only when asked
    assert '<th class="num">平均z分数</th>' not in html
    html_z = client.get(reverse("review:results", args=[scored.edition.slug]) + "?z=1").content.decode()
    assert '<th class="num">平均z分数</th>' in html_z
    z = found.aggregation.entries[best].z_mean
    assert f'data-label="平均z分数">{z:.2f}</td>' in html_z


def test_flags_are_in_words(client, committee):
    r = second_round(entries=6, experts=6, finalist_count=2)
    scores = {}
    for i, entry in enumerate(r.entries):
        for j, expert in enumerate(r.experts[:5]):
            scores[(entry, expert)] = 70 + i + j
    scores[(r.entries[0], r.experts[2])] = 20  # far below what the others gave
    give_scores(r, scores)
    client.force_login(committee)
    html = client.get(reverse("review:results", args=[r.edition.slug])).content.decode()
    row = re.search(rf'<tr id="entry-{r.entries[0].pk}".*?</tr>', html, re.S).group(0)
    # The spread and the outlier score, in words, naming the expert.
    assert "专家意见分歧大" in row and "总分从 20 到" in row
    assert "异常评分" in row and f"{r.experts[2].name}：" in row
    other = re.search(rf'<tr id="entry-{r.entries[1].pk}".*?</tr>', html, re.S).group(0)
    assert "异常评分" not in other


@pytest.mark.parametrize("role", ["anonymous", "declarer", "recommender", "expert", "outsider"])
def test_nobody_but_the_office_sees_the_results(client_as, role, scored):
    client = client_as(role)
    for name in PAGES:
        response = client.get(reverse(name, args=[scored.edition.slug]))
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"] or "login" in response["Location"]
        else:
            assert response.status_code == 403
    response = client.post(reverse("review:finalists_propose", args=[scored.edition.slug]))
    assert response.status_code in (302, 403)
    assert not FinalistList.objects.exists()


def test_an_assigned_expert_gets_403_too(client, scored):
    expert = scored.experts[0]
    client.force_login(expert.user)
    assert client.get(reverse("review:results", args=[scored.edition.slug])).status_code == 403
    assert client.get(reverse("review:finalists_pdf", args=[scored.edition.slug])).status_code == 403
    Conflict.objects.create(edition=scored.edition, expert=expert, entry=scored.entries[0], source="office", reason="x")
    assert client.get(reverse("review:results_xlsx", args=[scored.edition.slug])).status_code == 403


@pytest.mark.parametrize("role", ["committee", "site_admin"])
def test_the_office_and_the_site_admin_see_them(client_as, role, scored):
    client = client_as(role)
    for name in PAGES:
        assert client.get(reverse(name, args=[scored.edition.slug])).status_code == 200


def test_propose_change_with_reason_and_approve_in_the_browser_pages(client, committee, scored):
    client.force_login(committee)
    slug = scored.edition.slug
    response = client.post(reverse("review:finalists_propose", args=[slug]))
    assert response.status_code == 302
    finalist_list = FinalistList.objects.get()
    out = FinalistRow.objects.filter(finalist_list=finalist_list, selected=False).first()
    # No reason: refused beside the field, nothing lost.
    response = client.post(reverse("review:finalists_change", args=[slug]),
                           {"entry": out.entry_id, "selected": "1", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请说明调整理由" in html and f'value="{out.entry_id}"' in html
    # Another edition's entry: refused beside the entry.
    other = second_round(entries=1, experts=1)
    response = client.post(reverse("review:finalists_change", args=[slug]),
                           {"entry": other.entries[0].pk, "selected": "1", "reason": "测试"})
    assert response.status_code == 400 and "不属于本届" in response.content.decode()
    response = client.post(reverse("review:finalists_change", args=[slug]),
                           {"entry": out.entry_id, "selected": "1", "reason": "专家组复议后增补"})
    assert response.status_code == 302
    assert FinalistRow.objects.get(pk=out.pk).selected
    page = client.get(reverse("review:finalists", args=[slug])).content.decode()
    assert "专家组复议后增补" in page and "办公室调整" in page
    # Approval needs the confirmation.
    response = client.post(reverse("review:finalists_approve", args=[slug]), {"note": "组委会会议"})
    assert response.status_code == 400 and "请确认" in response.content.decode()
    response = client.post(reverse("review:finalists_approve", args=[slug]), {"note": "组委会会议", "confirm": "on"})
    assert response.status_code == 302
    assert set(Entry.objects.filter(edition=scored.edition).values_list("status", flat=True)) <= {
        "finalist", "not_finalist"}
    assert EntryTransition.objects.filter(entry__edition=scored.edition).count() == len(scored.entries)
    assert Entry.objects.get(pk=out.entry_id).status == "finalist"
    page = client.get(reverse("review:finalists", args=[slug])).content.decode()
    assert "决赛入围名单" in page and "组委会会议" in page
    # Approving twice: refused with a message, no second transition.
    response = client.post(reverse("review:finalists_approve", args=[slug]), {"note": "", "confirm": "on"})
    assert response.status_code == 400 and "已经批准" in response.content.decode()
    assert EntryTransition.objects.filter(entry__edition=scored.edition).count() == len(scored.entries)


def test_the_results_page_takes_the_same_queries_at_two_sizes(client, committee):
    small = scored_round(entries=12, experts=6, k=5, finalist_count=3)
    large = scored_round(entries=150, experts=20, k=5, finalist_count=30)
    client.force_login(committee)
    counts = []
    for r in (small, large):
        client.get(reverse("review:results", args=[r.edition.slug]))  # settings created on the first visit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review:results", args=[r.edition.slug])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 20
    for r in (small, large):
        client.post(reverse("review:finalists_propose", args=[r.edition.slug]))
    counts = []
    for r in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review:finalists", args=[r.edition.slug])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 20
