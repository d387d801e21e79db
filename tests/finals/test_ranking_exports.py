"""The final round's files (R8–R10; issue 11 item 10): the roadshow score sheet, the site-visit score sheet and
the final ranking as XLSX (opened with openpyxl, the right numbers, a title typed "=1+1" stays text) and PDF."""

import io
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.finals.helpers import final_world
from tests.finals.test_site_services import items_for, lock_roadshow, visit_of
from wuxiao.finals import services_ranking, services_site
from wuxiao.finals.exports_ranking import (
    RankingPdf,
    RankingXlsx,
    RoadshowSheetPdf,
    RoadshowSheetXlsx,
    SiteSheetPdf,
    SiteSheetXlsx,
)
from wuxiao.finals.models import RoadshowScore, Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(committee):
    world = final_world(finalists=3, judges=3)
    first = world.finalists[0]
    first.title = "=1+1"
    first.save()
    # The first presentation: judges' totals 80, 90, 70 → 90 and 70 struck, result 80.
    slot = Slot.objects.get(entry=first)
    for judge, total in zip(world.judges, [80, 90, 70]):
        RoadshowScore.objects.create(slot=slot, session=world.session, entry=first, judge=judge, items={},
                                     total=Decimal(total), idempotency_key=uuid.uuid4())
    lock_roadshow(world, [80, 75, None])
    visit = visit_of(world, first, committee=committee)
    for expert, points in zip(world.experts, [[35, 25, 28], [30, 20, 20], [32, 24, 25]]):
        services_site.submit_site_score(user=expert.user, visit=visit, items=items_for(world, points),
                                        comment="好", idempotency_key=uuid.uuid4())
    services_site.lock_visit(actor=committee, visit=visit)  # 88, 70, 81 → 81
    world.ranking = services_ranking.compute_ranking(actor=committee, edition=world.edition)
    return world


def rows_of(data):
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_roadshow_sheet_xlsx(world):
    rows = rows_of(RoadshowSheetXlsx(world.edition).render())
    first = rows[2]
    assert first[3] == "=1+1"  # text, not a formula
    assert first[5:8] == [80, 90, 70]
    assert first[8] == "评委2、评委3" or first[8].count("2") == 1  # the struck seats named
    assert first[9] == 80
    wb = load_workbook(io.BytesIO(RoadshowSheetXlsx(world.edition).render()))
    assert wb.active.cell(row=3, column=4).data_type == "s"


def test_site_sheet_xlsx(world):
    rows = rows_of(SiteSheetXlsx(world.edition).render())
    data = rows[2:]
    assert [r[5:9] for r in data] == [[35, 25, 28, 88], [30, 20, 20, 70], [32, 24, 25, 81]]
    assert data[0][10] == 81 and data[1][10] is None
    assert data[0][1] == "=1+1"


def test_ranking_xlsx(world):
    rows = rows_of(RankingXlsx(world.ranking).render())
    assert rows[2][:7] == [1, world.finalists[0].pk, "=1+1", world.finalists[0].declaring_unit.name, 80, 81, 161]
    assert rows[3][0:2] == [2, world.finalists[1].pk] and rows[3][6] == 75
    assert rows[4][0:2] == [3, world.finalists[2].pk] and rows[4][4] is None


@pytest.mark.parametrize("exporter", ["roadshow", "site", "ranking"])
def test_pdfs_render(world, exporter):
    made = {"roadshow": RoadshowSheetPdf(world.edition), "site": SiteSheetPdf(world.edition),
            "ranking": RankingPdf(world.ranking)}[exporter]
    data = made.render()
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert made.filename().endswith(".pdf")


@pytest.mark.parametrize("kind, fmt", [("roadshow", "xlsx"), ("site", "pdf"), ("ranking", "xlsx")])
def test_downloads_for_the_office_only(world, client_as, kind, fmt):
    url = reverse("finals:ranking_export", args=[world.edition.slug, kind, fmt])
    for role, expected in [("anonymous", 302), ("expert", 403), ("declarer", 403), ("recommender", 403)]:
        assert client_as(role).get(url).status_code == expected
    response = client_as("committee").get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client_as("committee").get(reverse("finals:ranking_export",
                                              args=[world.edition.slug, "other", "xlsx"])).status_code == 404
    assert timezone.now()
