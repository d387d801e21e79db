"""The final ranking page (R10; issue 11 item 10): compute, move a row with its reason (shown beside the field
when missing), approve (then read-only), and who may open it."""

import pytest
from django.urls import reverse

from tests.finals.test_ranking_services import world  # noqa: F401  (the hand-computed world)
from wuxiao.common.audit import AuditLog
from wuxiao.finals.models import FinalRanking, RankingStatus

pytestmark = pytest.mark.django_db


def test_compute_move_and_approve_on_the_page(world, client, committee, django_assert_max_num_queries):  # noqa: F811
    client.force_login(committee)
    slug = world.edition.slug
    page = reverse("finals:ranking", args=[slug])
    assert "/ranking/compute" in client.get(page).content.decode()
    client.post(reverse("finals:ranking_compute", args=[slug]))
    ranking = FinalRanking.objects.get()
    with django_assert_max_num_queries(25):
        html = client.get(page).content.decode()
    assert html.count('class="ranking-tie"') == 4
    e = [x.pk for x in world.finalists]

    missing = client.post(reverse("finals:ranking_move", args=[slug]), {"entry": e[2], "position": 1, "reason": ""})
    assert missing.status_code == 400 and '<small class="error">' in missing.content.decode()
    moved = client.post(reverse("finals:ranking_move", args=[slug]),
                        {"entry": e[2], "position": 1, "reason": "会议决定"})
    assert moved.status_code == 302
    html = client.get(page).content.decode()
    assert "会议决定" in html and html.index(f'id="entry-{e[2]}"') < html.index(f'id="entry-{e[0]}"')

    no_note = client.post(reverse("finals:ranking_approve", args=[slug]), {"note": "", "confirm": "on"})
    assert no_note.status_code == 400
    ok = client.post(reverse("finals:ranking_approve", args=[slug]), {"note": "并列按路演得分", "confirm": "on"})
    assert ok.status_code == 302
    ranking.refresh_from_db()
    assert ranking.status == RankingStatus.APPROVED and ranking.approval_note == "并列按路演得分"
    html = client.get(page).content.decode()
    assert "/ranking/move" not in html  # read-only
    after = client.post(reverse("finals:ranking_move", args=[slug]), {"entry": e[0], "position": 3, "reason": "x"})
    assert after.status_code == 400
    assert AuditLog.objects.filter(action__startswith="finals.ranking_").count() == 3


@pytest.mark.parametrize("role, expected", [("committee", 200), ("expert", 403), ("declarer", 403),
                                            ("recommender", 403), ("anonymous", 302)])
def test_ranking_page_for_every_role(world, client_as, role, expected):  # noqa: F811
    client = client_as(role)
    assert client.get(reverse("finals:ranking", args=[world.edition.slug])).status_code == expected
    compute = client.post(reverse("finals:ranking_compute", args=[world.edition.slug]))
    assert compute.status_code == (302 if role in ("committee", "anonymous") else 403)
    assert FinalRanking.objects.exists() == (role == "committee")
