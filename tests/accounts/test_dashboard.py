"""The dashboard (/accounts/): one section per role the person holds."""

from django.urls import reverse
from django.utils import translation

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.entries.enums import EntryStatus
from wuxiao.orgs.models import RegistrationStatus

URL = "/accounts/"


def page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"


def test_declarer_sees_unit_status_and_entries(client, declarer, declaring_unit, edition):
    declaring_unit.registration_status = RegistrationStatus.NEW
    declaring_unit.save()
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="数控机床快速换刀装置")
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="焊接烟尘收集器",
                           status=EntryStatus.SUBMITTED)
    factories.EntryFactory(edition=edition, title="别家的作品")
    html = page(client, declarer)
    assert f"申报单位：{declaring_unit.name}" in html
    with translation.override("zh-hans"):
        new_label = str(RegistrationStatus.NEW.label)
        draft, submitted = str(EntryStatus.DRAFT.label), str(EntryStatus.SUBMITTED.label)
    assert f'<span class="registration-status registration-new">{new_label}</span>' in html
    assert "数控机床快速换刀装置" in html and "焊接烟尘收集器" in html
    assert f'<span class="entry-status entry-status-draft">{draft}</span>' in html
    assert f'<span class="entry-status entry-status-submitted">{submitted}</span>' in html
    assert "别家的作品" not in html
    assert "还没有作品" not in html
    assert "推荐单位：" not in html and 'id="committee"' not in html and 'id="expert"' not in html


def test_declarer_without_entries(client, declarer):
    assert "还没有作品" in page(client, declarer)


def test_rejected_registration_shows_the_reason(client, declarer, declaring_unit):
    declaring_unit.registration_status = RegistrationStatus.REJECTED
    declaring_unit.registration_note = "工会关系不在郑州市，不符合参赛范围（R1）。"
    declaring_unit.save()
    html = page(client, declarer)
    assert f"{declaring_unit.parent.name}已退回本单位的注册。" in html
    assert '<p class="registration-note">原因： 工会关系不在郑州市，不符合参赛范围（R1）。</p>' in html
    assert f'<a href="/units/mine/{declaring_unit.pk}/">修改单位信息</a>' in html


def test_recommender_sees_new_registrations(client, recommender, recommending_unit):
    factories.DeclaringUnitFactory.create_batch(2, parent=recommending_unit,
                                                registration_status=RegistrationStatus.NEW)
    factories.DeclaringUnitFactory(parent=recommending_unit, registration_status=RegistrationStatus.ACCEPTED)
    factories.DeclaringUnitFactory(registration_status=RegistrationStatus.NEW)  # another recommending unit
    html = page(client, recommender)
    assert f"推荐单位：{recommending_unit.name}" in html
    assert "有 2 家新注册的申报单位待审核。" in html
    assert f'href="{reverse("orgs:registrations")}"' in html
    assert "申报单位：" not in html and 'id="committee"' not in html


def test_committee_sees_its_links(client, committee):
    html = page(client, committee)
    for name in ("competitions:edition_list", "orgs:unit_list", "accounts:invitation_list", "common:audit_log"):
        assert f'href="{reverse(name)}"' in html, name
    assert 'href="/admin/"' not in html
    assert 'id="expert"' not in html


def test_site_admin_also_gets_the_admin_link(client, site_admin):
    html = page(client, site_admin)
    assert 'id="committee"' in html
    assert 'href="/admin/"' in html
    assert "您的账号还没有任何单位的角色" not in html


def test_expert_sees_the_review_line(client, expert):
    html = page(client, expert)
    assert "复赛开始后，分配给您的评审任务会显示在这里。" in html
    assert 'id="committee"' not in html


def test_outsider_is_told_how_to_get_a_role(client, outsider):
    html = page(client, outsider)
    assert "您的账号还没有任何单位的角色" in html
    assert "申报单位：" not in html and 'id="committee"' not in html


def test_several_roles_in_several_units(client, declarer, declaring_unit, recommending_unit,
                                        django_assert_max_num_queries):
    second = factories.DeclaringUnitFactory(name="第二家单位")
    factories.MembershipFactory(user=declarer, organisation=second, role=Role.DECLARER)
    factories.MembershipFactory(user=declarer, organisation=recommending_unit, role=Role.RECOMMENDER)
    factories.MembershipFactory(user=declarer, organisation=factories.CommitteeOfficeFactory(), role=Role.EXPERT)
    factories.EntryFactory.create_batch(3, declaring_unit=second)
    client.force_login(declarer)
    # Includes the unread-notifications count of the page frame, and the recommending unit's work panel
    # (issue 9, item 11: the current edition, the entries' counts, quota exceptions, batches), whatever
    # the number of units (tests/screening/test_dashboard_work.py); and the final round's panels of an expert
    # (their roadshow panels and site visits, one query) and of a declaring unit (its finalists, one query).
    with django_assert_max_num_queries(14):
        html = client.get(URL).content.decode()
    assert f"申报单位：{declaring_unit.name}" in html
    assert "申报单位：第二家单位" in html
    assert f"推荐单位：{recommending_unit.name}" in html
    assert 'id="expert"' in html
    assert html.count("还没有作品") == 1
