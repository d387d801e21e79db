"""The edition's lists (R3, R4, R7, R11, R13, R22): add, remove, reorder, rename, with totals shown."""

import pytest
from django.urls import reverse

from tests.factories import EditionFactory, EntryFactory
from wuxiao.common.models import AuditLog
from wuxiao.competitions.forms import list_formset_class
from wuxiao.competitions.models import Category, CommitteeMember, Criterion, Exclusion, PresentationForm, PrizeTier

from .conftest import form_data

pytestmark = pytest.mark.django_db


def _url(edition, kind):
    return reverse("competitions:edition_lists", args=[edition.slug, kind])


def _data(edition, kind):
    return form_data(list_formset_class(kind)(instance=edition, prefix=kind))


def _names(model, edition, attr="name"):
    return list(model.objects.filter(edition=edition).order_by("position").values_list(attr, flat=True))


def test_lists_index_opens_the_categories(client, committee, zhengzhou):
    client.force_login(committee)
    html = client.get(reverse("competitions:edition_lists", args=[zhengzhou.slug])).content.decode()
    assert "<h1>作品类别" in html and "R3" not in html
    for name in ["小发明", "小创造", "小革新", "小建议", "小设计"]:
        assert f'value="{name}"' in html


def test_criteria_page_shows_total_points(client, committee, zhengzhou):
    client.force_login(committee)
    html = client.get(_url(zhengzhou, "criteria")).content.decode()
    assert '总分：<strong class="criteria-total">100</strong>' in html
    assert 'value="产业（行业）领先水平"' in html


def test_prizes_page_shows_totals(client, committee, zhengzhou):
    client.force_login(committee)
    html = client.get(_url(zhengzhou, "prizes")).content.decode()
    assert '<strong class="prize-count">63</strong>' in html
    assert '<strong class="prize-money">¥470,000</strong>' in html


def test_add_a_category(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "categories")
    data["categories-5-name"] = "小窍门"  # the first extra row
    response = client.post(_url(zhengzhou, "categories"), data)
    assert response.status_code == 302
    assert _names(Category, zhengzhou) == ["小发明", "小创造", "小革新", "小建议", "小设计", "小窍门"]
    log = AuditLog.objects.get(action="edition.update_categories")
    assert log.actor == committee
    assert log.data == {"changed": ["rows"], "added": ["小窍门"], "removed": []}
    assert "列表已保存" in client.get(response.url).content.decode()


def test_remove_and_reorder_presentation_forms(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "presentation-forms")
    data["presentation-forms-1-DELETE"] = "on"  # 文字图片展示
    data["presentation-forms-3-ORDER"] = "1"  # PPT和多媒体展示 first
    data["presentation-forms-0-ORDER"] = "2"
    data["presentation-forms-2-ORDER"] = "3"
    assert client.post(_url(zhengzhou, "presentation-forms"), data).status_code == 302
    assert _names(PresentationForm, zhengzhou) == ["PPT和多媒体展示", "实物展示", "模型展示"]
    assert list(PresentationForm.objects.filter(edition=zhengzhou).order_by("position")
                .values_list("position", flat=True)) == [0, 1, 2]
    log = AuditLog.objects.get(action="edition.update_presentation_forms")
    assert log.data == {"changed": ["position", "rows"], "added": [], "removed": ["文字图片展示"]}


def test_change_criterion_points_audits_the_field(client, site_admin, zhengzhou):
    client.force_login(site_admin)
    data = _data(zhengzhou, "criteria")
    data["criteria-0-max_points"] = "40"
    data["criteria-3-max_points"] = "10"
    assert client.post(_url(zhengzhou, "criteria"), data).status_code == 302
    assert list(Criterion.objects.filter(edition=zhengzhou).values_list("max_points", flat=True)) == [40, 25, 25, 10]
    log = AuditLog.objects.get(action="edition.update_criteria")
    assert log.data["changed"] == ["max_points"]
    html = client.get(_url(zhengzhou, "criteria")).content.decode()
    assert '<strong class="criteria-total">100</strong>' in html


def test_change_prize_tiers_updates_totals(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "prizes")
    data["prizes-4-name"] = "优秀奖"
    data["prizes-4-count"] = "50"
    data["prizes-4-amount_yuan"] = "500"
    assert client.post(_url(zhengzhou, "prizes"), data).status_code == 302
    assert _names(PrizeTier, zhengzhou)[-1] == "优秀奖"
    html = client.get(_url(zhengzhou, "prizes")).content.decode()
    assert '<strong class="prize-count">113</strong>' in html
    assert '<strong class="prize-money">¥495,000</strong>' in html


def test_negative_prize_count_is_refused(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "prizes")
    data["prizes-0-count"] = "-1"
    response = client.post(_url(zhengzhou, "prizes"), data)
    assert response.status_code == 200
    assert "请输入大于零的整数。" in response.content.decode()
    assert PrizeTier.objects.get(edition=zhengzhou, name="特等奖").count == 3
    assert not AuditLog.objects.filter(action="edition.update_prizes").exists()


def test_duplicate_names_are_refused(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "categories")
    data["categories-5-name"] = "小发明"
    response = client.post(_url(zhengzhou, "categories"), data)
    assert response.status_code == 200
    assert "请修正重复的数据" in response.content.decode()
    assert Category.objects.filter(edition=zhengzhou).count() == 5


def test_category_in_use_cannot_be_removed(client, committee, zhengzhou):
    entry = EntryFactory(edition=zhengzhou, category=Category.objects.get(edition=zhengzhou, name="小革新"))
    client.force_login(committee)
    data = _data(zhengzhou, "categories")
    data["categories-2-DELETE"] = "on"
    response = client.post(_url(zhengzhou, "categories"), data)
    assert response.status_code == 200
    assert "“小革新”已被使用，不能删除。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.category.name == "小革新"
    assert Category.objects.filter(edition=zhengzhou).count() == 5


def test_at_least_one_category(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "categories")
    for i in range(5):
        data[f"categories-{i}-DELETE"] = "on"
    response = client.post(_url(zhengzhou, "categories"), data)
    assert response.status_code == 200
    assert "请至少提交 1 个表单。" in response.content.decode()
    assert Category.objects.filter(edition=zhengzhou).count() == 5


def test_exclusions_and_committee_members(client, committee, zhengzhou):
    client.force_login(committee)
    data = _data(zhengzhou, "exclusions")
    data["exclusions-6-text"] = "其他不符合参评条件的情形"
    assert client.post(_url(zhengzhou, "exclusions"), data).status_code == 302
    assert Exclusion.objects.get(edition=zhengzhou, number=7).text == "其他不符合参评条件的情形"
    assert AuditLog.objects.get(action="edition.update_exclusions").data["changed"] == ["text"]

    data = _data(zhengzhou, "committee")
    n = CommitteeMember.objects.filter(edition=zhengzhou).count()
    data.update({f"committee-{n}-body": "experts", f"committee-{n}-function": "成员",
                 f"committee-{n}-name": "李工", f"committee-{n}-post": "高级工程师"})
    assert client.post(_url(zhengzhou, "committee"), data).status_code == 302
    member = CommitteeMember.objects.get(edition=zhengzhou, name="李工")
    assert member.body == "experts" and member.position == n


def test_rows_of_another_edition_cannot_be_changed(client, committee, zhengzhou):
    other = EditionFactory()
    foreign = Category.objects.get(edition=other, name="小发明")
    client.force_login(committee)
    data = _data(zhengzhou, "categories")
    data["categories-0-id"] = foreign.pk
    data["categories-0-name"] = "被篡改"
    client.post(_url(zhengzhou, "categories"), data)
    # The formset treats an id it does not know as a new row of this edition; the other edition is untouched.
    foreign.refresh_from_db()
    assert foreign.name == "小发明" and foreign.edition == other
    assert _names(Category, other) == ["小发明", "小创造", "小革新", "小建议", "小设计"]
    assert "小发明" in _names(Category, zhengzhou)


def test_bad_kind_for_formset_page_is_404(client, committee, zhengzhou):
    client.force_login(committee)
    assert client.post(_url(zhengzhou, "entries"), {}).status_code == 404
