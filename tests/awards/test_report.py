"""The competition summary (竞赛总结, issue 12 item 8): Word with the headings, the award list and the charts as
pictures, in 宋体; PDF; the office only."""

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from tests import factories
from tests.awards.helpers import award_world
from wuxiao.accounts.models import Role
from wuxiao.awards.models import ListStatus

pytestmark = pytest.mark.django_db


def _world():
    world = award_world(finalists=4, status=ListStatus.CONFIRMED)
    world.rows[1].revoked_at = timezone.now()
    world.rows[1].save(update_fields=["revoked_at"])
    factories.EntryFactory(edition=world.edition, status="submitted", title="未推荐的作品")
    return world


def test_word_report_has_the_sections_the_awards_and_the_charts(client):
    from docx import Document
    from docx.oxml.ns import qn

    world = _world()
    client.force_login(world.office)
    response = client.get(reverse("awards:report", args=[world.edition.slug, "docx"]))
    assert response.status_code == 200 and unquote(response["Content-Disposition"]).endswith("-竞赛总结.docx")
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    with translation.override("zh-hans"):
        headings = [pgettext("summary report", h) for h in
                    ("I. General figures", "II. The stages", "III. The award list", "IV. Timeline")]
    assert all(h in text for h in headings)
    assert world.edition.title in doc.paragraphs[0].text
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for entry in world.finalists:
        assert entry.title in cells
    revoked_tier = next(c for c in cells if c.startswith(world.tiers[1].name + "（"))  # the revoked 一等奖 marked
    assert revoked_tier != world.tiers[1].name
    assert world.edition.declaration_deadline and any(str(world.edition.notice_date.year) in c for c in cells)
    assert len(doc.inline_shapes) >= 4  # units, categories, funnel, final scores, tiers
    heading = next(p for p in doc.paragraphs if p.text == headings[0])
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_pdf_report(client):
    world = _world()
    client.force_login(world.office)
    response = client.get(reverse("awards:report", args=[world.edition.slug, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("awards:report", args=[world.edition.slug, "odt"])).status_code == 404


@pytest.mark.parametrize("role", [Role.DECLARER, Role.RECOMMENDER, Role.EXPERT, "anonymous"])
def test_others_may_not_download_it(client, role):
    world = award_world(finalists=1)
    if role != "anonymous":
        client.force_login(factories.user_with_role(role))
    page = client.get(reverse("awards:report", args=[world.edition.slug, "docx"]))
    api = client.get(f"/api/awards/{world.edition.slug}/report.docx")
    if role == "anonymous":
        assert page.status_code == 302 and api.status_code == 401
    else:
        assert page.status_code == 403 and api.status_code == 403
