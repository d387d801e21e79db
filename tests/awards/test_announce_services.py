"""The announcement (公示) and the confirmation (issue 12 items 2 and 3): the period in working days across a
holiday, publication refused without a list or with an undecided tie, confirmation refused before the period's end
or with an objection unanswered, then every entry awarded or not awarded through its transition."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.awards.helpers import award_world
from wuxiao.awards import services_announce as services
from wuxiao.awards.models import AwardRow, DayKind, ListStatus, Objection, ObjectionOutcome, ObjectorKind
from wuxiao.common.audit import AuditLog
from wuxiao.common.exceptions import Refused
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import EntryTransition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are matched in English (the msgids), whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
D = dt.date


def test_publication_across_the_national_day(monkeypatch):
    world = award_world(finalists=12, status=ListStatus.DRAFT)
    office, edition = world.office, world.edition
    for day in range(1, 9):
        services.mark_day(actor=office, edition=edition, date=D(2025, 10, day), kind=DayKind.HOLIDAY, note="国庆")
    services.mark_day(actor=office, edition=edition, date=D(2025, 10, 11), kind=DayKind.WORKDAY)
    with pytest.raises(Refused) as weekday:
        services.mark_day(actor=office, edition=edition, date=D(2025, 10, 10), kind=DayKind.WORKDAY)
    assert weekday.value.field == "kind"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2025, 9, 30))  # published on Tuesday 30 September
    lst = services.announce(actor=office, edition=edition)
    # 9, 10, 11 (Saturday worked), 13, 14 October.
    assert (lst.status, lst.period_start, lst.period_end, lst.version) == (ListStatus.ANNOUNCED, D(2025, 10, 9),
                                                                          D(2025, 10, 14), 1)
    log = AuditLog.objects.get(action="awards.announce")
    assert log.data["period_end"] == "2025-10-14" and log.data["awarded"] == 10
    with pytest.raises(Refused, match="already"):
        services.announce(actor=office, edition=edition)
    with pytest.raises(Refused) as fixed:
        services.update_announcement_settings(actor=office, edition=edition, working_days=7, objection_contact="")
    assert fixed.value.field == "announcement_working_days"


def test_publication_refused_without_a_list_or_with_a_tie():
    world = award_world(finalists=4)
    with pytest.raises(Refused, match="allocate"):
        services.announce(actor=world.office, edition=world.edition)
    world = award_world(finalists=6, status=ListStatus.DRAFT)
    AwardRow.objects.filter(pk=world.rows[0].pk).update(tie=True)
    with pytest.raises(Refused, match="tied"):
        services.announce(actor=world.office, edition=world.edition)
    world.award_list.refresh_from_db()
    assert world.award_list.status == ListStatus.DRAFT and not AuditLog.objects.filter(action="awards.announce")


def test_confirmation_after_the_period_with_every_objection_answered():
    world = award_world(finalists=12, status=ListStatus.ANNOUNCED)
    office, edition, lst = world.office, world.edition, world.award_list
    objection = services.submit_objection(
        edition=edition, entry_id=world.finalists[0].pk, kind=ObjectorKind.PERSON, person_name="李四",
        employer="郑州某厂", mobile="138 1234 5678", grounds="成果并非原创", evidence="见某期刊2019年论文")
    assert objection.number == f"YY-{edition.year}-0001" and objection.mobile == "13812345678"
    with pytest.raises(Refused, match="lasts until"):
        services.confirm(actor=office, edition=edition, note="")
    lst.period_end = timezone.localdate() - dt.timedelta(days=1)
    lst.save(update_fields=["period_end"])
    with pytest.raises(Refused, match="1 objections have not been answered"):
        services.confirm(actor=office, edition=edition, note="")
    assert not EntryTransition.objects.filter(entry__edition=edition).exists()
    with pytest.raises(Refused) as no_finding:
        services.answer_objection(actor=office, objection=objection, finding=" ", answer="x",
                                  outcome=ObjectionOutcome.REJECTED)
    assert no_finding.value.field == "finding"
    services.answer_objection(actor=office, objection=objection, finding="经查证据不足", answer="异议不成立",
                              outcome=ObjectionOutcome.REJECTED)
    confirmed = services.confirm(actor=office, edition=edition, note="主任会议确认")
    assert confirmed.status == ListStatus.CONFIRMED and confirmed.confirm_note == "主任会议确认"
    statuses = [e.status for e in (type(e).objects.get(pk=e.pk) for e in world.finalists)]
    assert statuses == [EntryStatus.AWARDED] * 10 + [EntryStatus.NOT_AWARDED] * 2
    first = EntryTransition.objects.get(entry=world.finalists[0])
    assert first.action == "award" and first.data == {"tier": "特等奖", "amount_yuan": 20000}
    assert EntryTransition.objects.filter(entry__edition=edition, action="not_award").count() == 2
    assert AuditLog.objects.get(action="awards.confirm").data == {"awarded": 10, "not_awarded": 2, "objections": 1}
    with pytest.raises(Refused):
        services.answer_objection(actor=office, objection=objection, finding="x", answer="y",
                                  outcome=ObjectionOutcome.UPHELD)
    assert Objection.objects.get().outcome == ObjectionOutcome.REJECTED


def test_only_the_office(expert):
    world = award_world(finalists=3, status=ListStatus.DRAFT)
    with pytest.raises(Refused):
        services.announce(actor=expert, edition=world.edition)
    with pytest.raises(Refused):
        services.mark_day(actor=expert, edition=world.edition, date=D(2025, 10, 1), kind=DayKind.HOLIDAY)
