"""The declaring unit fills, saves, autosaves and submits its entry form (issue 3, items 1–6)."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.orgs.models import RegistrationStatus

from .. import factories

pytestmark = pytest.mark.django_db


def form_data(entry: Entry, completers=None, **overrides) -> dict:
    """What the page posts: every field of the form as the browser sends it."""
    edition = entry.edition
    completers = completers if completers is not None else [
        {"name": "张三", "age": "35", "post": "高级技师", "workplace": "郑州测试企业", "phone": "13812345678"}]
    data = {
        "title": "数控车床快换工装", "category": str(edition.categories.get(name="小革新").pk),
        "affiliation": "郑州测试企业有限公司", "contact_name": "李四", "contact_mobile": "139 1234 5678",
        "awards": "2023年获公司技术革新一等奖。", "summary": "1.适用领域：机加工。2.问题：换刀慢。",
        "industry": "3421", "background": "背景" * 40, "goals": "目标" * 40, "innovation_points": "创新点。",
        "benefits": "年节约工时1200小时。",
        "presentation_forms": [str(p.pk) for p in edition.presentation_forms.all()[:2]],
        "completed_on": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "other_circumstances": "", "confirms_scope": "on", "confirms_recent": "on",
        "union_opinion": "同意申报。", "union_opinion_by": "王主席", "union_opinion_on": timezone.localdate().isoformat(),
        "completers-TOTAL_FORMS": str(len(completers)), "completers-INITIAL_FORMS": "0",
        "completers-MIN_NUM_FORMS": "0", "completers-MAX_NUM_FORMS": "30",
    }
    for exclusion in edition.exclusions.all():
        data[f"exclusion_{exclusion.pk}"] = "0"
    for i, row in enumerate(completers):
        for key, value in row.items():
            data[f"completers-{i}-{key}"] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def client(client, declarer):
    client.force_login(declarer)
    return client


@pytest.fixture
def draft(edition, declaring_unit, declarer):
    """A new, empty draft as "新建作品" makes it."""
    return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="", complete=False,
                                  category=None, summary="", industry_id=None, background="", goals="",
                                  innovation_points="", benefits="", completed_on=None, union_opinion="",
                                  union_opinion_by="", union_opinion_on=None, confirms_scope=False,
                                  confirms_recent=False, awards="")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- my entries and creating ---------------------------------------------------------------

def test_create_prefills_the_unit_and_contact(client, declarer, declaring_unit, edition):
    response = client.post(reverse("entries:create"), {"unit": declaring_unit.pk, "edition": edition.pk}, follow=True)
    entry = Entry.objects.get()
    assert response.redirect_chain[-1][0] == reverse("entries:edit", args=[entry.pk])
    assert entry.status == EntryStatus.DRAFT and entry.affiliation == declaring_unit.name
    assert entry.contact_mobile == declarer.mobile and entry.recommending_unit == declaring_unit.parent
    assert "已新建作品草稿，填写内容会自动保存。" in messages_of(response)
    assert AuditLog.objects.filter(action="entry.create", object_id=str(entry.pk), actor=declarer).exists()


def test_a_double_click_on_start_makes_one_draft(client, declaring_unit, edition):
    """The form carries a one-time key: the second request of a double click lands in the same draft."""
    page = client.get(reverse("entries:mine")).content.decode()
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    data = {"unit": declaring_unit.pk, "edition": edition.pk, "title": "智能巡检机器人", "request_key": key}

    first = client.post(reverse("entries:create"), data)
    second = client.post(reverse("entries:create"), data)

    entry = Entry.objects.get()
    assert first["Location"] == second["Location"] == reverse("entries:edit", args=[entry.pk])
    assert AuditLog.objects.filter(action="entry.create").count() == 1
    # Shown again, the form has a new key: starting another entry on purpose still works.
    assert key not in client.get(reverse("entries:mine")).content.decode()


def test_a_key_sent_for_another_unit_is_refused_with_a_message(client, declarer, declaring_unit, edition):
    second_unit = factories.DeclaringUnitFactory(parent=declaring_unit.parent)
    factories.MembershipFactory(user=declarer, organisation=second_unit, role="declarer")
    client.post(reverse("entries:create"), {"unit": declaring_unit.pk, "edition": edition.pk, "request_key": "k"})

    response = client.post(reverse("entries:create"), {"unit": second_unit.pk, "edition": edition.pk,
                                                       "request_key": "k"}, follow=True)

    assert "该请求已经发送过一次" in response.content.decode()
    assert list(Entry.objects.values_list("declaring_unit", flat=True)) == [declaring_unit.pk]


def test_create_after_the_deadline_names_r15(client, declaring_unit, edition):
    edition.declaration_deadline = timezone.now() - dt.timedelta(seconds=1)
    edition.is_current = True
    edition.save()
    response = client.post(reverse("entries:create"), {"unit": declaring_unit.pk, "edition": edition.pk}, follow=True)
    assert not Entry.objects.exists()
    assert "申报截止时间（通知附件1“七、报名时间及联系方式”）已过，不能再新建作品。" in messages_of(response)


def test_create_refused_when_the_registration_was_rejected(client, declaring_unit, edition):
    declaring_unit.registration_status = RegistrationStatus.REJECTED
    declaring_unit.save()
    response = client.post(reverse("entries:create"), {"unit": declaring_unit.pk, "edition": edition.pk}, follow=True)
    assert not Entry.objects.exists()
    assert "本单位的注册已被推荐单位退回，请先修改单位信息。" in messages_of(response)


def test_my_entries_lists_status_and_last_saved(client, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="快换工装")
    transition_entry(entry=entry, action="submit", actor=None, check_permission=False)
    page = client.get(reverse("entries:mine")).content.decode()
    assert "快换工装" in page and "已提交" in page
    assert timezone.localtime(Entry.objects.get().updated_at).strftime("%Y-%m-%d %H:%M") in page
    # A submitted entry links to its read-only view and offers no deletion.
    assert reverse("entries:view", args=[entry.pk]) in page and reverse("entries:delete", args=[entry.pk]) not in page


def test_my_entries_query_count_does_not_grow(client, edition, declaring_unit):
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("entries:mine"))
    for _ in range(8):
        factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    with CaptureQueriesContext(connection) as nine:
        response = client.get(reverse("entries:mine"))
    assert response.content.decode().count('<tr id="entry-') == 9
    assert len(nine.captured_queries) == len(one.captured_queries)


# --- the form page --------------------------------------------------------------------------

def test_form_shows_every_field_of_attachment_2_in_order(client, draft):
    page = client.get(reverse("entries:edit", args=[draft.pk])).content.decode()
    labels = ["作品名称", "类别", "所属单位（个人）", "联系人", "联系电话（手机号码）", "主要完成人简况", "职务、职称（工种或级别）",
              "获奖情况", "作品简述", "所属行业分类", "背景", "目标/解决的关键问题", "创新点", "经济效益和社会效益",
              "可展示形式", "完成或投入使用日期", "不列入竞赛范围", "申报企业工会意见", "其他情况说明"]
    position = page.find('id="entry-form"')
    for label in labels:  # each after the one before it
        position = page.find(label, position)
        assert position != -1, label
    for name in ["小发明", "小创造", "小革新", "小建议", "小设计", "实物展示", "文字图片展示", "模型展示", "PPT和多媒体展示"]:
        assert name in page
    # R20's five points and R21's 字数 targets are guided; the counting rule is explained.
    assert "适用领域/工种" in page and "100字左右" in page and "500字以内" in page
    assert "字数按 Word“字数统计”的方法计算" in page
    assert "已输入 0 / 500 字" in page
    # Each R4 exclusion is an explicit yes/no, nothing preselected.
    assert page.count('name="exclusion_') == 2 * draft.edition.exclusions.count()
    assert not re.search(r'name="exclusion_\d+" value="[01]"[^>]*checked', page)
    assert f"{draft.edition.window_start.isoformat()} 至 {draft.edition.window_end.isoformat()}" in page


def test_save_draft_stores_every_field(client, draft):
    data = form_data(draft, completers=[
        {"name": "张三", "age": "35", "post": "高级技师", "workplace": "一车间", "phone": "13812345678", "ORDER": "2"},
        {"name": "李四", "age": "40", "post": "技师", "workplace": "二车间", "phone": "0371-67885139", "ORDER": "1"}])
    first = draft.edition.exclusions.get(number=1)
    data[f"exclusion_{first.pk}"] = "1"
    response = client.post(reverse("entries:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("entries:edit", args=[draft.pk]) + "?saved=1"
    draft.refresh_from_db()
    assert draft.title == "数控车床快换工装" and draft.category.name == "小革新"
    assert draft.contact_mobile == "13912345678"  # normalised
    assert draft.industry_id == "3421" and draft.confirms_scope and draft.confirms_recent
    assert [c.name for c in draft.completers.all()] == ["李四", "张三"]  # the order the page gave
    assert sorted(p.name for p in draft.presentation_forms.all()) == ["实物展示", "文字图片展示"]
    answers = {a.exclusion.number: a.applies for a in draft.exclusion_answers.select_related("exclusion")}
    assert answers == {1: True, 2: False, 3: False, 4: False, 5: False, 6: False, 7: False}
    page = client.get(response["Location"])
    assert "草稿已保存。" in messages_of(page)
    # The declared exclusion is listed as what stops a submission, linked to the eligibility section.
    assert '<a href="#field-eligibility">不符合参赛条件（不列入竞赛范围的情形第 1 项）' in page.content.decode()


def test_a_draft_keeps_incomplete_and_over_long_text_and_warns(client, draft):
    long_summary = "创" * 600
    response = client.post(reverse("entries:edit", args=[draft.pk]),
                           form_data(draft, summary=long_summary, industry="", union_opinion=""), follow=True)
    draft.refresh_from_db()
    assert draft.summary == long_summary and draft.industry_id is None
    page = response.content.decode()
    assert "提交前还需完善以下各项" in page
    assert "作品简述现为 600 字，最多 500 字。" in page
    assert 'class="zi-counter zi-over"' in page and "已输入 600 / 500 字" in page
    assert '<a href="#field-industry">请选择所属行业分类' in page
    assert '<a href="#field-union_opinion">未填写：申报企业工会意见</a>' in page


def test_pasted_control_characters_are_removed_emoji_kept_and_markup_escaped(client, draft):
    client.post(reverse("entries:edit", args=[draft.pk]), form_data(
        draft, title="<script>alert(1)</script>快换🔧工装", summary="第一行\r\n\t第二行\x00\x0b\x1f\ufeff😀"))
    draft.refresh_from_db()
    assert draft.title == "<script>alert(1)</script>快换🔧工装"
    assert draft.summary == "第一行\n\t第二行😀"
    page = client.get(reverse("entries:view", args=[draft.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;快换🔧工装" in page and "<script>alert(1)" not in page


@pytest.mark.parametrize("age", ["5", "150"])
def test_completer_age_out_of_range_is_refused_beside_the_row_and_rows_kept(client, draft, age):
    rows = [{"name": "张三", "age": age, "post": "技师", "workplace": "一车间", "phone": "13812345678"},
            {"name": "王五", "age": "30", "post": "工人", "workplace": "二车间", "phone": "13812345679"}]
    response = client.post(reverse("entries:edit", args=[draft.pk]), form_data(draft, completers=rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<ul class="errorlist" data-errors-for="completers-0-age"><li>年龄应在16至80岁之间</li></ul>' in page
    assert f'name="completers-0-age" value="{age}"' in page and 'value="王五"' in page
    draft.refresh_from_db()
    assert not draft.completers.exists()  # the rows wait for the correction ...
    assert draft.title == "数控车床快换工装"  # ... everything else was saved


def test_future_date_and_bad_mobile_are_refused_beside_the_fields(client, draft):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(reverse("entries:edit", args=[draft.pk]),
                           form_data(draft, completed_on=future, contact_mobile="1234"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "草稿已保存，但下方标出的栏目未能保存，请更正后再次保存。" in messages_of(response)
    assert ('<ul class="errorlist" id="id_completed_on_error" data-errors-for="completed_on">'
            '<li>日期不能晚于今天，请填写实际日期。') in page
    assert "请输入以 1 开头的 11 位大陆手机号码" in page
    assert f'value="{future}"' in page and 'value="1234"' in page  # nothing typed is lost
    draft.refresh_from_db()
    assert draft.completed_on is None and draft.contact_mobile != "1234" and draft.title == "数控车床快换工装"


def test_not_a_date_does_not_break_the_page(client, draft):
    response = client.post(reverse("entries:edit", args=[draft.pk]), form_data(draft, union_opinion_on="2025-13-45"))
    assert response.status_code == 200
    assert 'value="2025-13-45"' in response.content.decode()


def test_add_a_completer_without_javascript(client, draft):
    response = client.post(reverse("entries:edit", args=[draft.pk]), {**form_data(draft), "add_completer": "1"})
    page = response.content.decode()
    assert 'name="completers-1-name"' in page and 'name="completers-2-name"' not in page
    assert draft.completers.get().name == "张三"


def test_removing_a_row(client, draft):
    rows = [{"name": "张三", "age": "35", "post": "技师", "workplace": "一车间", "phone": "13812345678"},
            {"name": "王五", "age": "30", "post": "工人", "workplace": "二车间", "phone": "13812345679", "DELETE": "on"}]
    client.post(reverse("entries:edit", args=[draft.pk]), form_data(draft, completers=rows))
    assert [c.name for c in draft.completers.all()] == ["张三"]


# --- autosave -------------------------------------------------------------------------------

def test_autosave_answers_json_with_the_time(client, draft):
    response = client.post(reverse("entries:autosave", args=[draft.pk]), form_data(draft, contact_mobile="12"))
    body = json.loads(response.content)
    draft.refresh_from_db()
    assert body["ok"] is True
    assert body["message"] == "已自动保存 " + timezone.localtime(draft.updated_at).strftime("%H:%M:%S")
    assert body["version"] == draft.updated_at.isoformat()
    assert body["errors"]["contact_mobile"] == ["请输入以 1 开头的 11 位大陆手机号码，例如 13812345678。"]
    assert draft.title == "数控车床快换工装" and draft.completers.count() == 1


def test_autosave_of_a_submitted_entry_is_refused(client, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.SUBMITTED)
    response = client.post(reverse("entries:autosave", args=[entry.pk]), form_data(entry, title="改"))
    assert response.status_code == 409
    assert json.loads(response.content)["message"] == "作品已提交，不能再修改。"


def test_session_expired_autosave_gets_401_and_the_draft_is_resumable(client, draft, declarer):
    client.post(reverse("entries:autosave", args=[draft.pk]), form_data(draft, title="第一台设备"))
    client.logout()
    response = client.post(reverse("entries:autosave", args=[draft.pk]), form_data(draft, title="第二次"))
    assert response.status_code == 401 and json.loads(response.content)["expired"] is True
    # Another device, logged in again: the draft saved before is there.
    other = client.__class__()
    other.force_login(declarer)
    assert 'value="第一台设备"' in other.get(reverse("entries:edit", args=[draft.pk])).content.decode()


# --- submission -----------------------------------------------------------------------------

def test_submit_the_whole_form(client, draft, declarer):
    response = client.post(reverse("entries:submit", args=[draft.pk]), form_data(draft), follow=True)
    draft.refresh_from_db()
    assert draft.status == EntryStatus.SUBMITTED and draft.submitted_at is not None
    assert response.redirect_chain[-1][0] == reverse("entries:view", args=[draft.pk])
    assert "作品已提交，下一步由推荐单位进行初步筛选。" in messages_of(response)
    transition = EntryTransition.objects.get(entry=draft)
    assert (transition.action, transition.actor) == ("submit", declarer)
    assert AuditLog.objects.filter(action="entry.submit", object_id=str(draft.pk)).count() == 1


def test_submit_lists_the_problems_with_links_and_beside_the_fields(client, draft):
    response = client.post(reverse("entries:submit", args=[draft.pk]),
                           form_data(draft, industry="", union_opinion_by="", completers=[]))
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT
    page = response.content.decode()
    assert "作品未提交：请完善下列各项。" in messages_of(response)
    assert "作品暂不能提交，请完善以下各项" in page
    for anchor in ("#field-industry", "#field-union_opinion_by", "#field-completers"):
        assert f'<a href="{anchor}">' in page
    assert 'id="field-union_opinion_by"' in page and "提交前请填写此项。" in page
    assert "请至少填写第一完成人（通知附件2申报表）。" in page


def test_submit_after_the_deadline_names_r15(client, edition, declaring_unit, clock):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    clock.now = edition.declaration_deadline
    response = client.post(reverse("entries:submit", args=[entry.pk]), follow=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT
    assert any("申报截止时间（通知附件1“七、报名时间及联系方式”）" in m for m in messages_of(response))


def test_a_second_submit_is_friendly(client, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    client.post(reverse("entries:submit", args=[entry.pk]), form_data(entry))
    response = client.post(reverse("entries:submit", args=[entry.pk]), form_data(entry), follow=True)
    assert response.status_code == 200
    assert "作品已提交，不能再修改；如被退回修改，可再次编辑。" in messages_of(response)
    assert EntryTransition.objects.filter(entry=entry).count() == 1


def test_submitted_is_read_only_until_returned(client, edition, declaring_unit, recommender):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    client.post(reverse("entries:submit", args=[entry.pk]))
    response = client.get(reverse("entries:edit", args=[entry.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("entries:view", args=[entry.pk])
    assert "作品已提交，不能再修改；如被退回修改，可再次编辑。" in messages_of(response)
    client.post(reverse("entries:edit", args=[entry.pk]), form_data(entry, title="偷偷改"))
    entry.refresh_from_db()
    assert entry.title != "偷偷改"

    transition_entry(entry=entry, action="return", actor=recommender, reason="请补充经济效益数据")
    page = client.get(reverse("entries:edit", args=[entry.pk]))
    assert page.status_code == 200
    client.post(reverse("entries:edit", args=[entry.pk]), form_data(entry, title="补充后的作品"))
    entry.refresh_from_db()
    assert entry.title == "补充后的作品" and entry.status == EntryStatus.RETURNED
    history = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
    assert "请补充经济效益数据" in history and "退回修改" in history


def test_delete_a_draft(client, draft, declarer):
    response = client.post(reverse("entries:delete", args=[draft.pk]), follow=True)
    assert not Entry.objects.filter(pk=draft.pk).exists()
    assert "草稿“—”已删除。" in messages_of(response)
    assert AuditLog.objects.filter(action="entry.delete", object_id=str(draft.pk), actor=declarer).exists()


# --- the industry picker --------------------------------------------------------------------

def test_industry_search_by_name_and_code_shows_the_full_path(client):
    page = client.get(reverse("entries:industry_search"), {"q": "金属切削"}).content.decode()
    assert 'data-industry-code="3421"' in page
    assert 'data-industry-path="C 制造业 › 34 通用设备制造业 › 342 金属加工机械制造 › 3421 金属切削机床制造"' in page
    assert 'data-industry-chain="C,34,342,3421"' in page
    assert "没有与“不存在的行业”匹配的小类" in client.get(reverse("entries:industry_search"),
                                                          {"q": "不存在的行业"}).content.decode()


def test_industry_options_cascade(client):
    sections = client.get(reverse("entries:industry_options")).content.decode()
    assert sections.count("<option") == 21  # 20 sections and "— 请选择 —"
    divisions = client.get(reverse("entries:industry_options"), {"parent": "C"}).content.decode()
    assert '<option value="34">34 通用设备制造业</option>' in divisions


def test_a_chosen_industry_shows_its_path_and_opens_the_cascade(client, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    page = client.get(reverse("entries:edit", args=[entry.pk])).content.decode()
    assert "C 制造业 › 34 通用设备制造业 › 342 金属加工机械制造 › 3421 金属切削机床制造" in page
    assert '<option value="3421" selected>' in page


def test_an_unknown_industry_code_is_refused(client, draft):
    response = client.post(reverse("entries:edit", args=[draft.pk]), form_data(draft, industry="9999"))
    assert "“9999”不是《国民经济行业分类》中的代码，请从列表中选择行业。" in response.content.decode()


def test_a_declared_exclusion_stops_the_submission_with_its_reason(client, draft):
    first = draft.edition.exclusions.get(number=1)
    response = client.post(reverse("entries:submit", args=[draft.pk]),
                           form_data(draft, **{f"exclusion_{first.pk}": "1"}))
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT
    assert draft.exclusion_answers.get(exclusion=first).applies is True  # stored for the committee's check
    reason = "不符合参赛条件（不列入竞赛范围的情形第 1 项）：第一完成人是企业主要负责人（含实际控制人）取得的创新作品。"
    page = response.content.decode()
    assert f'<a href="#field-eligibility">{reason}</a>' in page
    assert f'<ul class="problemlist problem-error"><li>{reason}</li></ul>' in page
