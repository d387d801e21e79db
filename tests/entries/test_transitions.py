"""The entry state machine: every allowed and every refused transition (entry-lifecycle.md)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import allowed_actions, transition_entry
from wuxiao.entries.transitions import TRANSITIONS

from .. import factories
from ..review.helpers_results import approved_list_deciding
from .conftest import ROLES, valid_input

pytestmark = pytest.mark.django_db

# The table of entry-lifecycle.md, written out again here so that a change to TRANSITIONS that
# the documentation does not make fails a test: action → (sources, target, who may do it).
DECLARER, RECOMMENDER, COMMITTEE = {"declarer"}, {"recommender"}, {"committee", "site_admin"}
TABLE = {
    "submit": ({"draft", "returned"}, "submitted", DECLARER),
    "withdraw": ({"submitted"}, "draft", DECLARER),
    "return": ({"submitted"}, "returned", RECOMMENDER),
    "recommend": ({"submitted"}, "recommended", RECOMMENDER),
    "not_recommend": ({"submitted", "returned"}, "not_recommended", RECOMMENDER),
    "unrecommend": ({"recommended"}, "submitted", RECOMMENDER),
    "accept": ({"recommended"}, "in_review", COMMITTEE),
    "declare_ineligible": ({"recommended"}, "ineligible", COMMITTEE),
    "request_correction": ({"recommended"}, "submitted", COMMITTEE),
    "select_finalist": ({"in_review"}, "finalist", COMMITTEE),
    "not_select": ({"in_review"}, "not_finalist", COMMITTEE),
    "award": ({"finalist"}, "awarded", COMMITTEE),
    "not_award": ({"finalist"}, "not_awarded", COMMITTEE),
    "revoke": ({"awarded"}, "revoked", COMMITTEE),
}
REASON_REQUIRED = {
    "withdraw": "请填写撤回作品的理由。",
    "return": "请填写退回修改意见。",
    "not_recommend": "请填写不予推荐的理由。",
    "unrecommend": "请填写撤回推荐的理由。",
    "declare_ineligible": "请填写认定不符合参赛条件的理由。",
    "request_correction": "请填写需要补正的内容。",
    "revoke": "请填写撤销奖项的理由（通知附件1“六、工作要求”（二））。",
}
WHO = {"declarer": "该作品的申报单位", "recommender": "该作品的推荐单位", "committee": "组委会办公室"}
ACTION_ZH = {
    "submit": "提交", "withdraw": "撤回", "return": "退回修改", "recommend": "推荐", "not_recommend": "不予推荐",
    "unrecommend": "撤回推荐", "accept": "受理进入复赛", "declare_ineligible": "认定不符合参赛条件",
    "request_correction": "退回限期补正", "select_finalist": "入围决赛", "not_select": "未入围决赛",
    "award": "评定获奖", "not_award": "评定未获奖", "revoke": "撤销奖项",
}
STATUS_ZH = {
    "draft": "草稿", "submitted": "已提交", "returned": "已退回修改", "not_recommended": "未获推荐",
    "recommended": "已推荐", "ineligible": "不符合参赛条件", "in_review": "复赛评审中", "not_finalist": "未入围决赛",
    "finalist": "入围决赛", "not_awarded": "未获奖", "awarded": "获奖", "revoked": "奖项已撤销",
}

ALLOWED = [(action, source, role) for action, (sources, _, roles) in TABLE.items()
           for source in sorted(sources) for role in sorted(roles)]
WRONG_STATE = [(status, action) for status in EntryStatus.values for action in TABLE
               if status not in TABLE[action][0]]
WRONG_ROLE = [(action, role) for action, (_, _, roles) in TABLE.items() for role in ROLES if role not in roles]


def history(entry):
    return list(EntryTransition.objects.filter(entry=entry).order_by("id"))


def audit_rows(entry):
    return list(AuditLog.objects.filter(object_type="entries.entry", object_id=str(entry.pk)))


def snapshot(entry):
    """What a refusal must leave as it was: the stored entry, its history and its audit rows."""
    fresh = Entry.objects.get(pk=entry.pk)
    return ((fresh.status, fresh.status_changed_at, fresh.submitted_at, fresh.recommendation_rank),
            [t.pk for t in history(entry)], sorted(a.pk for a in audit_rows(entry)))


def refuse(entry, action, actor, reason=None, data=None) -> Refused:
    """Try `action` (with valid input unless given), expect a refusal, and check it changed nothing."""
    default_reason, default_data = valid_input(action)
    status, before = entry.status, snapshot(entry)
    with pytest.raises(Refused) as excinfo:
        transition_entry(entry=entry, action=action, actor=actor,
                         reason=default_reason if reason is None else reason,
                         data=default_data if data is None else data)
    assert entry.status == status
    assert snapshot(entry) == before
    return excinfo.value


def assert_unchanged(entry, status):
    """The entry is still in `status` and has no history and no audit row."""
    assert Entry.objects.get(pk=entry.pk).status == status
    assert history(entry) == []
    assert audit_rows(entry) == []


def test_the_table_is_the_documented_one():
    assert set(TRANSITIONS) == set(TABLE) == set(Action.values)
    for action, (sources, target, roles) in TABLE.items():
        t = TRANSITIONS[action]
        assert set(t.sources) == sources, action
        assert t.target == target, action
        assert t.reason_required == (action in REASON_REQUIRED), action
    # every state is reachable from a draft
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        state = frontier.pop()
        for sources, target, _ in TABLE.values():
            if state in sources and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(EntryStatus.values)


@pytest.mark.parametrize(("action", "source", "role"), ALLOWED)
def test_allowed_transition_moves_status_and_records_history_and_audit(action, source, role, actors, entry_of,
                                                                        edition):
    entry = entry_of(source, recommendation_rank=4 if source == "recommended" else None)
    actor = actors[role]
    reason, data = valid_input(action)
    target = TABLE[action][1]
    if action in ("select_finalist", "not_select"):  # the second round's guard: only the approved list decides
        finalist_list = approved_list_deciding(entry, action == "select_finalist")

    returned = transition_entry(entry=entry, action=action, actor=actor, reason=reason, data=data)

    assert returned is entry and entry.status == target
    fresh = Entry.objects.get(pk=entry.pk)
    assert fresh.status == target
    [step] = history(entry)
    assert (step.action, step.from_status, step.to_status, step.actor, step.reason) == (
        action, source, target, actor, reason)
    expected_data = {**data, "rank": 1} if action == "recommend" else data
    if action == "declare_ineligible":  # the edition's R4 item text is recorded with its number
        expected_data = {**data, "rule_text": edition.exclusions.get(number=int(data["rule"].split(".")[1])).text}
    if action == "accept":  # the checklist items that failed are recorded with the confirmation
        expected_data = {**data, "failed_checks": ["stamped_form", "commitment"]}
    if action in ("select_finalist", "not_select"):  # the approved list that decided it is recorded
        expected_data = {**data, "finalist_list": finalist_list.pk}
    assert step.data == expected_data
    [row] = audit_rows(entry)
    assert (row.action, row.actor, row.reason, row.edition) == (f"entry.{action}", actor, reason, edition)
    assert row.data == {"from": source, "to": target, **expected_data}
    assert row.object_repr == entry.title
    if action == "submit":
        assert fresh.submitted_at == fresh.status_changed_at is not None
    if action == "recommend":
        assert fresh.recommendation_rank == 1
    if action in ("unrecommend", "request_correction"):
        assert fresh.recommendation_rank is None
    if source == "recommended" and action not in ("unrecommend", "request_correction"):
        assert fresh.recommendation_rank == 4  # the rank stays with the entry as the committee takes it on


@pytest.mark.parametrize(("status", "action"), WRONG_STATE)
def test_wrong_source_state_is_refused(status, action, actors, entry_of):
    entry = entry_of(status)
    role = sorted(TABLE[action][2])[0]
    refused = refuse(entry, action, actors[role])
    if action == "withdraw":  # its own message: what the declaring unit can do instead
        assert str(refused.message) == (
            f"作品当前状态为“{STATUS_ZH[status]}”，已不能撤回：只有推荐单位尚未处理的已提交作品才能撤回。"
            "如需修改，请联系推荐单位退回修改。")
        return
    assert str(refused.message) == f"作品当前状态为“{STATUS_ZH[status]}”，不能执行“{ACTION_ZH[action]}”操作。"


@pytest.mark.parametrize(("action", "role"), WRONG_ROLE)
def test_wrong_role_is_refused(action, role, actors, entry_of):
    entry = entry_of(sorted(TABLE[action][0])[0])
    refused = refuse(entry, action, actors[role])
    who = WHO[next(r for r in ("declarer", "recommender", "committee") if r in TABLE[action][2])]
    assert str(refused.message) == f"只有{who}才能执行“{ACTION_ZH[action]}”操作。"


def test_refusal_message_in_english_when_the_user_reads_english(actors, entry_of):
    entry = entry_of("submitted")
    with translation.override("en"):
        refused = refuse(entry, "recommend", actors["declarer"])
        assert str(refused.message) == "Only the recommending unit of this entry may “recommend” this entry."


def test_inactive_member_is_refused(actors, entry_of):
    entry = entry_of("submitted")
    recommender = actors["recommender"]
    recommender.is_active = False
    recommender.save()
    refuse(entry, "recommend", recommender)


def test_site_admin_has_the_committee_powers_but_does_not_act_for_a_unit(actors, entry_of):
    entry = entry_of("draft")
    refuse(entry, "submit", actors["site_admin"])
    entry.status = "submitted"
    Entry.objects.filter(pk=entry.pk).update(status="submitted")
    refuse(entry, "recommend", actors["site_admin"])


@pytest.mark.parametrize("action", sorted(REASON_REQUIRED))
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_missing_reason_is_refused(action, reason, actors, entry_of):
    entry = entry_of(sorted(TABLE[action][0])[0])
    role = sorted(TABLE[action][2])[0]
    refused = refuse(entry, action, actors[role], reason=reason)
    assert str(refused.message) == REASON_REQUIRED[action]
    assert refused.field == "reason"


def test_reason_is_stored_stripped(actors, entry_of):
    entry = entry_of("submitted")
    transition_entry(entry=entry, action="not_recommend", actor=actors["recommender"], reason="  创新性不足 \n")
    assert history(entry)[0].reason == "创新性不足"


def test_unknown_action_is_refused(actors, entry_of):
    entry = entry_of("submitted")
    refused = refuse(entry, "delete", actors["committee"], reason="", data={})
    assert str(refused.message) == "未知操作。"


def test_stale_entry_object_is_checked_against_the_database(actors, entry_of):
    """A double click: the second request holds an old copy of the entry, still 'submitted'."""
    entry = entry_of("submitted")
    stale = Entry.objects.get(pk=entry.pk)
    transition_entry(entry=entry, action="recommend", actor=actors["recommender"], data={"opinion": "同意推荐"})
    with pytest.raises(Refused) as excinfo:
        transition_entry(entry=stale, action="recommend", actor=actors["recommender"], data={"opinion": "同意推荐"})
    assert str(excinfo.value.message) == "作品当前状态为“已推荐”，不能执行“推荐”操作。"
    assert stale.status == "submitted"  # not touched by the refusal
    assert len(history(entry)) == 1 and len(audit_rows(entry)) == 1


def test_system_transition_without_actor(entry_of):
    entry = entry_of("in_review")
    approved_list_deciding(entry, False)
    transition_entry(entry=entry, action="not_select", actor=None, check_permission=False)
    [step] = history(entry)
    assert step.actor is None and step.to_status == "not_finalist"
    assert audit_rows(entry)[0].actor is None


def test_full_path_leaves_the_history_in_order(actors, entry_of, edition):
    entry = entry_of("draft")
    steps = [
        ("submit", "declarer", "", {}),
        ("return", "recommender", "请补充经济效益数据", {}),
        ("submit", "declarer", "", {}),
        ("recommend", "recommender", "", {"opinion": "同意推荐", "rank": 3}),
        ("accept", "committee", *valid_input("accept")),
        ("select_finalist", "committee", "", {}),
        ("award", "committee", "", {"tier": "一等奖"}),
        ("revoke", "committee", "经查实作品数据造假", {}),
    ]
    for action, role, reason, data in steps:
        if action == "select_finalist":
            approved_list_deciding(entry, True)
        transition_entry(entry=entry, action=action, actor=actors[role], reason=reason, data=data)

    chain = [(t.action, t.from_status, t.to_status, t.actor) for t in history(entry)]
    assert chain == [
        ("submit", "draft", "submitted", actors["declarer"]),
        ("return", "submitted", "returned", actors["recommender"]),
        ("submit", "returned", "submitted", actors["declarer"]),
        ("recommend", "submitted", "recommended", actors["recommender"]),
        ("accept", "recommended", "in_review", actors["committee"]),
        ("select_finalist", "in_review", "finalist", actors["committee"]),
        ("award", "finalist", "awarded", actors["committee"]),
        ("revoke", "awarded", "revoked", actors["committee"]),
    ]
    assert Entry.objects.get(pk=entry.pk).status == "revoked"
    assert Entry.objects.get(pk=entry.pk).recommendation_rank == 3
    assert [a.action for a in sorted(audit_rows(entry), key=lambda a: a.pk)] == [f"entry.{s[0]}" for s in steps]
    assert {a.edition for a in audit_rows(entry)} == {edition}


@pytest.mark.parametrize("status", EntryStatus.values)
@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_lists_what_each_role_may_try(status, role, actors, entry_of):
    entry = entry_of(status)
    expected = {action for action, (sources, _, roles) in TABLE.items() if status in sources and role in roles}
    assert {t.action for t in allowed_actions(entry, actors[role])} == expected


def test_allowed_actions_for_a_recommender_of_another_unit_is_empty(recommending_unit, entry_of):
    entry = entry_of("submitted")
    other_unit = factories.RecommendingUnitFactory()
    assert allowed_actions(entry, factories.user_with_role("recommender", other_unit)) == []
    assert allowed_actions(entry, AnonymousUser()) == []
