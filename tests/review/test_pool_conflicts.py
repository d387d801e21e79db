"""The conflict check (回避, issue 10 item 2): each automatic kind with its reason, declared and office
conflicts kept, lifted ones staying lifted, whether the check is current, the background task, the
office setting and lifting conflicts."""

import pytest
from django.utils import timezone

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Completer
from wuxiao.review import services_pool as services
from wuxiao.review.models import CompanyGroup, Conflict, ConflictCheck, ConflictSource, ReviewSettings
from wuxiao.review.queries import review_settings
from wuxiao.review.queries_pool import conflict_check_current, conflicted_pairs, normalise_name

from ..factories import DeclaringUnitFactory, RecommendingUnitFactory
from .helpers_pool import make_expert, review_entry

pytestmark = pytest.mark.django_db


def _automatic(edition):
    return {(c.expert_id, c.entry_id): c.reason
            for c in Conflict.objects.filter(edition=edition, source=ConflictSource.AUTOMATIC)}


def test_normalised_names_ignore_brackets_spaces_and_width():
    assert normalise_name("郑州（中铁）装备 有限公司") == normalise_name("郑州(中铁)装备有限公司")
    assert normalise_name("ＡＢＣ公司") == normalise_name("abc公司")


def test_own_organisation_by_fk_and_by_name(edition):
    unit = DeclaringUnitFactory(name="郑州重工有限公司")
    by_fk = make_expert(edition, name="甲", organisation_name="别名", organisation=unit)
    by_name = make_expert(edition, name="乙", organisation_name="郑州重工 有限公司")
    other = make_expert(edition, name="丙", organisation_name="无关大学")
    entry = review_entry(edition, unit)
    Completer.objects.filter(entry=entry).update(workplace="另一个单位")
    services.run_conflict_check(edition)
    found = _automatic(edition)
    assert found[(by_fk.pk, entry.pk)] == "专家工作单位（别名）即本作品申报单位"
    assert found[(by_name.pk, entry.pk)] == "专家工作单位（郑州重工 有限公司）即本作品申报单位"
    assert (other.pk, entry.pk) not in found


def test_recommending_unit_only_when_the_edition_says_so(edition):
    union = RecommendingUnitFactory(name="郑州市某区总工会")
    own = DeclaringUnitFactory(name="专家所在公司", parent=union)
    neighbour = DeclaringUnitFactory(name="同区另一公司", parent=union)
    expert = make_expert(edition, organisation_name=own.name, organisation=own)
    entry = review_entry(edition, neighbour)
    Completer.objects.filter(entry=entry).update(workplace="同区另一公司")
    services.run_conflict_check(edition)
    assert (expert.pk, entry.pk) not in _automatic(edition)
    ReviewSettings.objects.filter(edition=edition).update(conflict_recommending_unit=True)
    edition._review_settings_cache = None
    services.run_conflict_check(edition)
    assert _automatic(edition)[(expert.pk, entry.pk)] == \
        "专家工作单位的推荐单位（郑州市某区总工会）即本作品推荐单位"


def test_an_expert_of_a_recommending_unit_is_conflicted_with_what_it_recommended(edition):
    union = RecommendingUnitFactory(name="郑州市能源化学工会")
    expert = make_expert(edition, organisation_name=union.name, organisation=union)
    entry = review_entry(edition, DeclaringUnitFactory(parent=union))
    services.run_conflict_check(edition)
    assert "即本作品推荐单位" in _automatic(edition)[(expert.pk, entry.pk)]


def test_group_of_companies(edition, committee):
    sister = DeclaringUnitFactory(name="中铁装备郑州分公司")
    expert = make_expert(edition, organisation_name="中铁装备集团有限公司")
    entry = review_entry(edition, sister)
    Completer.objects.filter(entry=entry).update(workplace="中铁装备郑州分公司")
    services.run_conflict_check(edition)
    assert (expert.pk, entry.pk) not in _automatic(edition)
    services.save_group(actor=committee, edition=edition, name="中铁装备集团",
                        member_names="中铁装备集团有限公司\n中铁装备洛阳分公司\n")
    services.run_conflict_check(edition)
    assert (expert.pk, entry.pk) not in _automatic(edition)
    group = CompanyGroup.objects.get(edition=edition)
    # Written with brackets and a space: the same name once normalised.
    services.save_group(actor=committee, edition=edition, group=group, name="中铁装备集团",
                        member_names="中铁装备集团有限公司\n中铁装备（郑州） 分公司")
    services.run_conflict_check(edition)
    assert _automatic(edition)[(expert.pk, entry.pk)] == (
        "专家工作单位（中铁装备集团有限公司）与本作品申报单位（中铁装备郑州分公司）同属一个集团（中铁装备集团）")


def test_completer_working_where_the_expert_works(edition):
    expert = make_expert(edition, organisation_name="郑州大学")
    entry = review_entry(edition)
    Completer.objects.filter(entry=entry).update(name="赵六", workplace="郑州 大学")
    services.run_conflict_check(edition)
    assert _automatic(edition)[(expert.pk, entry.pk)] == "本作品完成人赵六的工作单位（郑州 大学）即专家工作单位"


def test_reasons_of_one_pair_are_joined(edition):
    unit = DeclaringUnitFactory(name="郑州重工有限公司")
    expert = make_expert(edition, organisation_name=unit.name, organisation=unit)
    entry = review_entry(edition, unit)  # the factory's completer works at the declaring unit
    services.run_conflict_check(edition)
    assert _automatic(edition)[(expert.pk, entry.pk)] == (
        "专家工作单位（郑州重工有限公司）即本作品申报单位；本作品完成人张三的工作单位（郑州重工有限公司）即专家工作单位")


def test_only_entries_in_the_second_round_or_later(edition):
    unit = DeclaringUnitFactory()
    expert = make_expert(edition, organisation_name=unit.name, organisation=unit)
    submitted = review_entry(edition, unit, status=EntryStatus.SUBMITTED)
    recommended = review_entry(edition, unit, status=EntryStatus.RECOMMENDED)
    in_review = review_entry(edition, unit)
    services.run_conflict_check(edition)
    found = _automatic(edition)
    assert (expert.pk, submitted.pk) not in found
    assert {(expert.pk, recommended.pk), (expert.pk, in_review.pk)} <= set(found)


def test_rerun_replaces_automatic_keeps_declared_and_office_and_lifts(edition, committee):
    unit = DeclaringUnitFactory()
    expert = make_expert(edition, organisation_name=unit.name, organisation=unit)
    a, b = review_entry(edition, unit), review_entry(edition)
    c = review_entry(edition)
    services.run_conflict_check(edition)
    automatic = Conflict.objects.get(expert=expert, entry=a, source=ConflictSource.AUTOMATIC)
    services.lift_conflict(actor=committee, conflict=automatic, reason="同名不同单位，经核实无关")
    Conflict.objects.create(edition=edition, expert=expert, entry=b, source=ConflictSource.DECLARED,
                            reason="本人曾参与该项目")
    services.set_conflict(actor=committee, edition=edition, expert=expert, entry=c, reason="亲属在该单位")
    services.run_conflict_check(edition)
    assert Conflict.objects.filter(edition=edition).count() == 3
    again = Conflict.objects.get(expert=expert, entry=a, source=ConflictSource.AUTOMATIC)
    assert again.lifted_at is not None and again.lift_reason == "同名不同单位，经核实无关"
    assert conflicted_pairs(edition) == {(expert.pk, b.pk), (expert.pk, c.pk)}
    # The expert moves: the automatic conflict goes, the others stay.
    expert.organisation, expert.organisation_name = None, "别处"
    expert.save()
    services.run_conflict_check(edition)
    assert not Conflict.objects.filter(edition=edition, source=ConflictSource.AUTOMATIC).exists()
    assert set(Conflict.objects.filter(edition=edition).values_list("source", flat=True)) == {"declared", "office"}


def test_check_current_follows_every_change(edition, committee):
    assert conflict_check_current(edition) is False
    services.run_conflict_check(edition)
    assert conflict_check_current(edition) is True
    make_expert(edition)
    services.create_expert(actor=committee, edition=edition, fields=[("C", 2)], values={
        "name": "新专家", "organisation_name": "某单位", "title": "senior", "mobile": "13600009999", "email": "",
        "load_min": None, "load_max": None})
    assert conflict_check_current(edition) is False
    services.run_conflict_check(edition)
    assert conflict_check_current(edition) is True
    services.save_group(actor=committee, edition=edition, name="集团", member_names="甲\n乙")
    assert conflict_check_current(edition) is False
    services.run_conflict_check(edition)
    services.update_settings(actor=committee, edition=edition, values={"reviews_per_entry": 3})
    assert conflict_check_current(edition) is True  # not a setting the check reads
    services.update_settings(actor=committee, edition=edition, values={"conflict_recommending_unit": True})
    assert conflict_check_current(edition) is False
    services.run_conflict_check(edition)
    review_entry(edition)  # an entry enters the second round
    assert conflict_check_current(edition) is False


def test_unfinished_check_is_not_current(edition):
    ConflictCheck.objects.create(edition=edition)
    assert conflict_check_current(edition) is False


def test_background_task_runs_the_queued_check(edition, committee, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    unit = DeclaringUnitFactory()
    expert = make_expert(edition, organisation_name=unit.name, organisation=unit)
    entry = review_entry(edition, unit)
    check = services.request_conflict_check(actor=committee, edition=edition)
    check.refresh_from_db()
    assert check.finished_at is not None and check.progress == 100 and check.found == 1
    assert Conflict.objects.filter(expert=expert, entry=entry, source="automatic").exists()
    assert AuditLog.objects.filter(action="review.conflict_check_request", actor=committee).exists()
    assert AuditLog.objects.filter(action="review.conflict_check", data__found=1).exists()


def test_a_waiting_check_is_not_queued_twice(edition, committee, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = services.request_conflict_check(actor=committee, edition=edition)
    second = services.request_conflict_check(actor=committee, edition=edition)
    assert first.pk == second.pk and ConflictCheck.objects.filter(edition=edition).count() == 1


def test_office_sets_a_conflict_for_a_unit_and_lifts_one(edition, committee):
    unit = DeclaringUnitFactory()
    a, b = review_entry(edition, unit), review_entry(edition, unit)
    review_entry(edition, unit, status=EntryStatus.SUBMITTED)
    expert = make_expert(edition)
    made = services.set_conflict(actor=committee, edition=edition, expert=expert, unit=unit, reason="曾任该单位顾问")
    assert {c.entry_id for c in made} == {a.pk, b.pk}
    assert all(c.unit_id == unit.pk and c.source == "office" and c.reason == "曾任该单位顾问" for c in made)
    lifted = services.lift_conflict(actor=committee, conflict=made[0], reason="顾问合同已于三年前终止")
    assert lifted.lifted_by == committee and lifted.lifted_at <= timezone.now()
    with pytest.raises(Refused) as refused:
        services.lift_conflict(actor=committee, conflict=made[0], reason="再次")
    assert refused.value.message == "该回避已解除。"
    with pytest.raises(Refused) as refused:
        services.lift_conflict(actor=committee, conflict=made[1], reason="  ")
    assert refused.value.field == "reason"
    assert AuditLog.objects.filter(action="review.conflict_lift", reason="顾问合同已于三年前终止").exists()


def test_office_conflict_refusals(edition, committee):
    expert = make_expert(edition)
    submitted = review_entry(edition, status=EntryStatus.SUBMITTED)
    with pytest.raises(Refused) as refused:
        services.set_conflict(actor=committee, edition=edition, expert=expert, entry=submitted, reason="x")
    assert refused.value.field == "entry"
    with pytest.raises(Refused) as refused:
        services.set_conflict(actor=committee, edition=edition, expert=expert, unit=DeclaringUnitFactory(),
                              reason="x")
    assert refused.value.field == "unit"
    with pytest.raises(Refused) as refused:
        services.set_conflict(actor=committee, edition=edition, expert=expert, entry=submitted, reason="")
    assert refused.value.field == "reason"


def test_settings_cache_is_refreshed_after_a_touch(edition, committee):
    review_settings(edition)
    services.save_group(actor=committee, edition=edition, name="集团", member_names="甲\n乙")
    assert review_settings(edition).conflicts_changed_at is not None


def test_declared_conflicts_are_listed_and_lifted_by_the_office(client, edition, committee):
    unit = DeclaringUnitFactory()
    entry = review_entry(edition, unit)
    expert = make_expert(edition, name="申报人")
    services.set_conflict(actor=None, edition=edition, expert=expert, entry=entry, reason="本人曾指导该项目",
                          source=ConflictSource.DECLARED)
    client.force_login(committee)
    url = f"/review/{edition.slug}/conflicts/"
    page = client.get(url, {"source": "declared"}).content.decode()
    assert "本人曾指导该项目" in page and "专家申报" in page
    assert "本人曾指导该项目" not in client.get(url, {"source": "office"}).content.decode()
    conflict = Conflict.objects.get(source=ConflictSource.DECLARED)
    response = client.post(f"/review/{edition.slug}/conflicts/{conflict.pk}/lift/", {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项。" in response.content.decode()
    response = client.post(f"/review/{edition.slug}/conflicts/{conflict.pk}/lift/", {"reason": "指导关系已结束五年"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.lifted_by == committee and conflict.lift_reason == "指导关系已结束五年"
    page = client.get(url, {"lifted": "1"}).content.decode()
    assert "指导关系已结束五年" in page
    # A re-run of the check keeps it as it is.
    services.run_conflict_check(edition)
    conflict.refresh_from_db()
    assert conflict.lifted_at is not None and Conflict.objects.filter(source="declared").count() == 1


def test_office_page_sets_a_conflict_by_entry_number_with_errors_beside_the_fields(client, edition, committee):
    entry = review_entry(edition)
    expert = make_expert(edition)
    client.force_login(committee)
    url = f"/review/{edition.slug}/conflicts/add/"
    response = client.post(url, {"expert": expert.pk, "entry": "999999", "reason": "亲属"})
    assert response.status_code == 200
    assert response.context["form"].errors["entry"] == ["本届复赛中没有该编号的作品。"]
    response = client.post(url, {"expert": expert.pk, "entry": entry.pk, "unit": "某单位", "reason": "亲属"})
    assert response.context["form"].errors["entry"] == ["请填写作品编号或单位，二者选一。"]
    response = client.post(url, {"expert": expert.pk, "entry": entry.pk, "reason": "亲属在该单位任职"})
    assert response.status_code == 302
    conflict = Conflict.objects.get(source=ConflictSource.OFFICE)
    assert (conflict.expert, conflict.entry, conflict.created_by) == (expert, entry, committee)


def test_check_status_while_waiting_and_after_its_worker_was_lost(client, edition, committee, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    check = services.request_conflict_check(actor=committee, edition=edition)
    client.force_login(committee)
    url = f"/review/{edition.slug}/conflicts/check/status/"
    page = client.get(url).content.decode()
    assert "回避检查正在等待后台任务处理。" in page and 'hx-trigger="every 2s"' in page and "data-run-check" not in page
    ConflictCheck.objects.filter(pk=check.pk).update(started_at=timezone.now() - timezone.timedelta(hours=2))
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page and "data-run-check" in page
    assert services.request_conflict_check(actor=committee, edition=edition).pk != check.pk
