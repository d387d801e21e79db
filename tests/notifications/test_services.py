"""Who hears of each decision, and what they read (in-app rows, in Chinese)."""


import pytest

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.services import transition_entry
from wuxiao.entries.transitions import TRANSITIONS
from wuxiao.notifications import services
from wuxiao.notifications.models import MessageTemplate, Notification

from ..review.helpers_results import approved_list_deciding

pytestmark = pytest.mark.django_db

TITLE = "数控车床快换刀具工装"


def recipients(event):
    return sorted(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def names(people, *keys):
    return sorted(people[k].username for k in keys)


def submitted(entry, decide, people):
    return decide(entry, "submit", people["declarer"])


def recommended(entry, decide, people):
    submitted(entry, decide, people)
    return decide(entry, "recommend", people["recommender"], data={"opinion": "同意推荐。", "rank": 1})


def test_submit_notifies_the_recommending_units_staff_only(entry, decide, people, recommending_unit):
    submitted(entry, decide, people)
    assert recipients("entry.submit") == names(people, "recommender", "recommender2")
    n = Notification.objects.filter(event="entry.submit").first()
    assert n.title == f"新提交作品：《{TITLE}》"
    assert n.body.startswith(f"{entry.declaring_unit.name}已提交作品《{TITLE}》（{entry.edition.title}），请及时审核")
    assert n.body.endswith(f"查看详情：https://wuxiao.example/entries/{entry.pk}/")
    assert n.url == f"/entries/{entry.pk}/"
    assert n.read_at is None


def test_return_notifies_the_declaring_units_staff_with_the_comment(entry, decide, people):
    submitted(entry, decide, people)
    decide(entry, "return", people["recommender"], reason="请补充经济效益的测算依据。")
    assert recipients("entry.return") == names(people, "declarer", "declarer2")
    n = Notification.objects.get(event="entry.return", user=people["declarer"])
    assert n.title == f"请修改作品《{TITLE}》"
    assert f"{entry.recommending_unit.name}已将作品《{TITLE}》退回修改，请按意见修改后重新提交。" in n.body
    assert "理由：请补充经济效益的测算依据。" in n.body


def test_recommend_tells_the_declaring_unit_the_rank_and_opinion(entry, decide, people):
    recommended(entry, decide, people)
    assert recipients("entry.recommend") == names(people, "declarer", "declarer2")
    n = Notification.objects.get(event="entry.recommend", user=people["declarer2"])
    assert n.title == f"作品《{TITLE}》已获推荐"
    assert "（推荐排序第1位）" in n.body
    assert "推荐单位意见：同意推荐。" in n.body
    assert "理由：" not in n.body


def test_not_recommend_notifies_the_declaring_unit(entry, decide, people):
    submitted(entry, decide, people)
    decide(entry, "not_recommend", people["recommender"], reason="创新性不足。")
    assert recipients("entry.not_recommend") == names(people, "declarer", "declarer2")
    assert "理由：创新性不足。" in Notification.objects.filter(event="entry.not_recommend").first().body


@pytest.mark.parametrize(("action", "reason", "data", "title", "phrase"), [
    ("accept", "", {}, f"作品《{TITLE}》已进入复赛", "符合申报条件，进入复赛"),
    # Accepted despite a failed check: the message does not claim the materials are complete; it gives the reason.
    ("accept", "纸质原件已核验。", {"confirm_failed_checks": True, "override_reason": "纸质原件已核验。"},
     f"作品《{TITLE}》已进入复赛", "理由：纸质原件已核验。"),
    ("declare_ineligible", "完成时间早于申报时间范围。", {"rule": "R2"}, f"作品《{TITLE}》形式审查不合格",
     "不符合参赛条件，不予受理。不符合的条件：近三年以来取得的成果（通知附件1“二、竞赛范围”）"),
    ("request_correction", "请补充加盖公章的申报表。", {"due_date": "2099-01-31"},
     f"请于2099-01-31前补正作品《{TITLE}》", "于2099-01-31前补正"),
])
def test_committee_decisions_notify_both_units(entry, decide, people, action, reason, data, title, phrase):
    recommended(entry, decide, people)
    decide(entry, action, people["committee"], reason=reason, data=data)
    assert recipients(f"entry.{action}") == names(people, "declarer", "declarer2", "recommender", "recommender2")
    n = Notification.objects.get(event=f"entry.{action}", user=people["recommender"])
    assert n.title == title
    assert phrase in n.body
    if reason:
        assert f"理由：{reason}" in n.body


def test_later_committee_decisions_notify_both_units(entry, decide, people):
    recommended(entry, decide, people)
    decide(entry, "accept", people["committee"])
    approved_list_deciding(entry, True)  # the second round's guard: only the approved list decides
    decide(entry, "select_finalist", people["committee"])
    decide(entry, "award", people["committee"], data={"tier": "一等奖"})
    decide(entry, "revoke", people["committee"], reason="经查存在抄袭。")
    both = names(people, "declarer", "declarer2", "recommender", "recommender2")
    for event in ("entry.select_finalist", "entry.award", "entry.revoke"):
        assert recipients(event) == both
    assert Notification.objects.filter(event="entry.award").first().body.startswith(
        f"作品《{TITLE}》（{entry.declaring_unit.name}）荣获一等奖。")
    assert "理由：经查存在抄袭。" in Notification.objects.filter(event="entry.revoke").first().body


def test_nobody_else_hears_anything(entry, decide, people):
    recommended(entry, decide, people)
    decide(entry, "accept", people["committee"])
    for key in ("committee", "other_declarer", "other_recommender", "expert"):
        assert not Notification.objects.filter(user=people[key]).exists()


def test_inactive_staff_are_not_notified(entry, decide, people):
    people["recommender2"].memberships.update(is_active=False)
    people["declarer2"].is_active = False
    people["declarer2"].save()
    submitted(entry, decide, people)
    decide(entry, "return", people["recommender"], reason="请修改。")
    assert recipients("entry.submit") == names(people, "recommender")
    assert recipients("entry.return") == names(people, "declarer")


def test_a_refused_transition_notifies_nobody(entry, people):
    with pytest.raises(Refused):
        transition_entry(entry=entry, action="return", actor=people["recommender"], reason="")
    assert not Notification.objects.exists()


def test_the_committees_text_is_used(entry, decide, people):
    services.update_message_template(actor=people["committee"], event="entry.submit",
                                     subject="请审核：{{ entry_title }}",
                                     body="{{ declaring_unit }}报来《{{ entry_title }}》。", send_email=False)
    submitted(entry, decide, people)
    n = Notification.objects.filter(event="entry.submit").first()
    assert n.title == f"请审核：{TITLE}"
    assert n.body == f"{entry.declaring_unit.name}报来《{TITLE}》。"
    assert n.email_status == "none"  # the committee turned the e-mail off for this event
    row = AuditLog.objects.get(action="notifications.template_update")
    assert row.actor == people["committee"] and row.data["event"] == "entry.submit"


def test_a_broken_stored_text_falls_back_to_the_default(entry, decide, people):
    MessageTemplate.objects.create(event="entry.submit", subject="{% if %}", body="{{ entry_title")
    submitted(entry, decide, people)
    assert Notification.objects.filter(event="entry.submit").first().title == f"新提交作品：《{TITLE}》"


def test_template_text_may_not_reach_outside():
    from django.template import TemplateSyntaxError

    for text in ("{% include 'base.html' %}", "{% load static %}", "{%debug%}", "{% if x %}"):
        with pytest.raises(TemplateSyntaxError):
            services.check_template_text(text)
    services.check_template_text("{% if reason %}理由：{{ reason }}{% endif %}")


def test_users_without_email_get_the_in_app_notification_only(entry, decide, people):
    people["recommender2"].email = ""
    people["recommender2"].save()
    submitted(entry, decide, people)
    statuses = dict(Notification.objects.filter(event="entry.submit").values_list("user__username", "email_status"))
    assert statuses == {people["recommender"].username: "pending", people["recommender2"].username: "none"}


def test_registration_decisions_notify_the_units_staff(declaring_unit, declarer, recommender, people):
    services.notify_unit(unit=declaring_unit, event="unit.registration_rejected",
                         context={"actor": recommender, "reason": "统一社会信用代码有误。"})
    assert recipients("unit.registration_rejected") == names(people, "declarer", "declarer2")
    n = Notification.objects.get(event="unit.registration_rejected", user=declarer)
    assert n.title == f"{declaring_unit.name}的注册未通过"
    assert "理由：统一社会信用代码有误。" in n.body
    assert n.url == f"/units/mine/{declaring_unit.pk}/"
    services.notify_unit(unit=declaring_unit, event="unit.registration_accepted", context={"actor": recommender})
    assert Notification.objects.get(event="unit.registration_accepted", user=declarer).body.startswith(
        f"{declaring_unit.name}的注册已审核通过，现在可以申报作品。")


def test_mark_read_touches_only_the_actors_own(people):
    mine = Notification.objects.create(user=people["declarer"], event="x", title="a")
    theirs = Notification.objects.create(user=people["declarer2"], event="x", title="b")
    assert services.mark_notifications_read(actor=people["declarer"], ids=[mine.pk, theirs.pk]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_reset_brings_back_the_default(people):
    services.update_message_template(actor=people["committee"], event="entry.accept", subject="x", body="y",
                                     send_email=True)
    services.reset_message_template(actor=people["committee"], event="entry.accept")
    assert not MessageTemplate.objects.exists()
    assert services.template_for("entry.accept").subject == "作品《{{ entry_title }}》已进入复赛"
    assert AuditLog.objects.filter(action="notifications.template_reset").count() == 1


def test_transition_entry_itself_notifies_once(entry, people):
    transition_entry(entry=entry, action="submit", actor=people["declarer"])
    assert recipients("entry.submit") == names(people, "recommender", "recommender2")


def test_the_text_is_chinese_whatever_the_actors_language(entry, people):
    from django.utils import translation

    with translation.override("en"):
        services.notify_transition(entry=entry, action="not_award", audience=TRANSITIONS["not_award"].notify,
                                   actor=people["committee"])
        MessageTemplate.objects.create(event="entry.not_select", subject="{{ action }}（{{ status }}）", body="")
        services.notify_transition(entry=entry, action="not_select", audience=TRANSITIONS["not_select"].notify,
                                   actor=people["committee"])
    assert Notification.objects.filter(event="entry.not_award").first().title == f"作品《{TITLE}》未获奖"
    assert Notification.objects.filter(event="entry.not_select").first().title == "未入围决赛（草稿）"
