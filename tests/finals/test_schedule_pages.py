"""The schedule's pages (R8): who may open them, the forms with their messages, the draw and its check, the PDFs,
the finalist's own slot page."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.finals import scoring
from wuxiao.finals import services_schedule as services
from wuxiao.finals.models import FinalCriterion, FinalStage, RoadshowSession, Slot
from wuxiao.finals.queries import final_settings

from .helpers import final_world

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "declarer", "recommender", "expert", "outsider", "committee", "site_admin"]
OFFICE = {"committee", "site_admin"}


@pytest.fixture
def world(committee):
    w = final_world(finalists=4, judges=3, with_session=False)
    w.session = services.create_session(actor=committee, edition=w.edition, name="第一场",
                                        starts_at=timezone.make_aware(dt.datetime(2025, 9, 20, 8, 30)),
                                        venue="郑州市职工服务中心报告厅")
    services.add_finalists(actor=committee, session=w.session, entry_ids=[e.pk for e in w.finalists])
    for expert in w.experts:
        services.add_judge(actor=committee, session=w.session, expert=expert)
    return w


def office_pages(world):
    s = world.session
    return [f"/finals/{world.edition.slug}/settings/", f"/finals/{world.edition.slug}/sessions/",
            f"/finals/session/{s.pk}/", f"/finals/session/{s.pk}/order.pdf", f"/finals/session/{s.pk}/score-sheets.pdf"]


@pytest.mark.parametrize("role", ROLES)
def test_office_pages_per_role(client_as, role, world):
    client = client_as(role)
    for url in office_pages(world):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], url
        elif role in OFFICE:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("role", ROLES)
def test_office_writes_per_role(client_as, role, world):
    client = client_as(role)
    s = world.session
    for url in (f"/finals/session/{s.pk}/order/draw", f"/finals/session/{s.pk}/order/publish",
                f"/finals/{world.edition.slug}/settings/rubric/roadshow/add"):
        response = client.post(url, {"roadshow-name": "新", "roadshow-max_points": 5})
        if role == "anonymous":
            assert response.status_code == 302
        elif role not in OFFICE:
            assert response.status_code == 403
    s.refresh_from_db()
    if role not in OFFICE:
        assert s.draw_seed is None and s.order_published_at is None
        assert not AuditLog.objects.filter(action__in=["finals.draw", "finals.publish_order"]).exists()


def test_settings_form_saves_and_shows_errors(client, committee, world):
    client.force_login(committee)
    url = f"/finals/{world.edition.slug}/settings/"
    response = client.post(url, {"material_deadline": "2025-09-15T18:00", "qa_minutes": 3, "changeover_minutes": 2,
                                 "trim_extremes": "on", "roadshow_weight": "0.6", "site_weight": "0.4",
                                 "unvisited_rule": "after"})
    assert response.status_code == 302
    settings = final_settings(world.edition)
    settings.refresh_from_db()
    assert timezone.localtime(settings.material_deadline).strftime("%Y-%m-%d %H:%M") == "2025-09-15 18:00"
    assert settings.changeover_minutes == 2 and not settings.show_running_ranking
    response = client.post(url, {"qa_minutes": 3, "changeover_minutes": 1, "roadshow_weight": "0",
                                 "site_weight": "0", "unvisited_rule": "after", "material_deadline": "不是日期"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "至少有一项权重须大于零。" in html and "请填写日期和时间。" in html
    assert 'value="0"' in html  # what was typed stays


def test_rubric_page_default_add_edit_and_lock_message(client, committee, world):
    client.force_login(committee)
    FinalCriterion.objects.filter(edition=world.edition, stage=FinalStage.SITE).delete()
    slug = world.edition.slug
    page = client.get(f"/finals/{slug}/settings/").content.decode()
    assert "使用默认评分标准" in page and "创新性" in page
    assert client.post(f"/finals/{slug}/settings/rubric/site/default").status_code == 302
    assert FinalCriterion.objects.filter(edition=world.edition, stage=FinalStage.SITE).count() == 3
    response = client.post(f"/finals/{slug}/settings/rubric/roadshow/add",
                           {"roadshow-name": "创新性", "roadshow-max_points": 10, "roadshow-guidance": ""})
    assert response.status_code == 400 and "本环节已有同名的评分指标。" in response.content.decode()
    criterion = FinalCriterion.objects.get(edition=world.edition, stage=FinalStage.ROADSHOW, name="实用性")
    response = client.post(f"/finals/criterion/{criterion.pk}/", {"name": "实用价值", "max_points": 20,
                                                                    "guidance": "看应用"})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.max_points, criterion.guidance) == ("实用价值", 20, "看应用")


def test_session_create_and_its_messages(client, committee, world):
    client.force_login(committee)
    url = f"/finals/{world.edition.slug}/sessions/"
    response = client.post(url, {"name": "第二场", "starts_at": "2025-09-21T14:00", "venue": "二号厅",
                                 "order_method": "draw"})
    assert response.status_code == 302
    created = RoadshowSession.objects.get(name="第二场")
    assert timezone.localtime(created.starts_at).strftime("%Y-%m-%d %H:%M") == "2025-09-21 14:00"
    assert response["Location"] == f"/finals/session/{created.pk}/"
    response = client.post(url, {"name": "", "starts_at": "", "venue": "", "order_method": "draw"})
    assert response.status_code == 400


def test_draw_verify_and_refusal_after_publication_on_the_page(client, committee, world):
    client.force_login(committee)
    s = world.session
    response = client.post(f"/finals/session/{s.pk}/order/draw", follow=True)
    s.refresh_from_db()
    assert f"已用随机种子 {s.draw_seed} 抽签确定出场顺序" in response.content.decode()
    page = client.get(f"/finals/session/{s.pk}/?verify=1").content.decode()
    assert 'data-matches="1"' in page and "结果与记录的出场顺序完全一致" in page
    order = scoring.draw_order(sorted(e.pk for e in world.finalists), s.draw_seed)
    assert ", ".join(map(str, order)) in page
    client.post(f"/finals/session/{s.pk}/order/publish")
    response = client.post(f"/finals/session/{s.pk}/order/draw", follow=True)
    assert "本场的出场顺序已公布，不能再重新抽签。" in response.content.decode()
    s.refresh_from_db()
    assert list(Slot.objects.filter(session=s).order_by("position").values_list("entry_id", flat=True)) == order


def pdf_text(tmp_path, response) -> str:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_running_order_pdf(client, committee, world, tmp_path):
    client.force_login(committee)
    services.order_by_group(actor=committee, session=world.session)
    response = client.get(f"/finals/session/{world.session.pk}/order.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(tmp_path, response)
    assert "决赛路演出场顺序表" in text and "第一场" in text and "郑州市职工服务中心报告厅" in text
    for header in ("序号", "时间", "作品名称", "申报单位", "类别"):
        assert header in text
    assert "08:30" in text and "08:39" in text  # R8: 5 + 3 + 1 minutes a slot
    assert world.finalists[0].title in text and world.finalists[0].declaring_unit.name[:8] in text


def test_score_sheets_pdf_one_page_per_judge(client, committee, world, tmp_path):
    client.force_login(committee)
    response = client.get(f"/finals/session/{world.session.pk}/score-sheets.pdf")
    text = pdf_text(tmp_path, response)
    pages = text.split("\f")
    sheets = [p for p in pages if "决赛路演评分表" in p]
    assert len(sheets) == 3
    for seat, (page, expert) in enumerate(zip(sheets, world.experts, strict=True), start=1):
        assert f"评委{seat}：{expert.name}" in page
        assert "创新性" in page and "（30）" in page and "总分" in page and "（100）" in page
        assert "评委（签字）" in page


@pytest.mark.parametrize("who", ["own", "other_unit", "committee", "recommender"])
def test_my_slot_page(client, committee, recommender, world, who):
    entry = world.finalists[0]
    services.order_by_group(actor=committee, session=world.session)
    user = {"own": lambda: factories.user_with_role(Role.DECLARER, entry.declaring_unit),
            "other_unit": lambda: factories.user_with_role(Role.DECLARER), "committee": lambda: committee,
            "recommender": lambda: recommender}[who]()
    client.force_login(user)
    url = f"/finals/entry/{entry.pk}/slot/"
    response = client.get(url)
    if who in ("other_unit", "recommender"):
        assert response.status_code == 403
        return
    assert response.status_code == 200 and "路演出场顺序尚未公布" in response.content.decode()
    services.publish_order(actor=committee, session=world.session)
    html = client.get(url).content.decode()
    slot = Slot.objects.get(entry=entry)
    assert f'data-position="{slot.position}"' in html and "郑州市职工服务中心报告厅" in html
    assert timezone.localtime(slot.planned_start).strftime("%Y-%m-%d %H:%M") in html


def test_my_finals_lists_only_the_units_finalists(client, committee, world):
    entry = world.finalists[1]
    user = factories.user_with_role(Role.DECLARER, entry.declaring_unit)
    services.order_by_group(actor=committee, session=world.session)
    services.publish_order(actor=committee, session=world.session)
    client.force_login(user)
    html = client.get("/finals/mine/").content.decode()
    assert entry.title in html and f"/finals/entry/{entry.pk}/slot/" in html
    # The place in the running order, not an entry number ("No. n" of the second round is 编号 n).
    assert f"第 {Slot.objects.get(entry=entry).position} 个出场" in html and "编号" not in html
    assert world.finalists[0].title not in html.replace(entry.title, "")
    assert f"/finals/entry/{entry.pk}/material/" in html
