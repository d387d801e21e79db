"""Reads of the announcement (公示), the objections and the confirmation, shared by the office's pages, the
public pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from wuxiao.common.dates import end_of_day

from . import workdays
from .models import AwardList, AwardRow, CalendarDay, DayKind, ListStatus, Objection, ObjectionStatus
from .queries import award_settings


def calendar_days(edition) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(edition=edition).order_by("date"))


def marked_sets(edition) -> tuple[set[dt.date], set[dt.date]]:
    """(holidays, make-up working days) the office marked for the edition."""
    holidays, worked = set(), set()
    for day in CalendarDay.objects.filter(edition=edition).values_list("date", "kind"):
        (holidays if day[1] == DayKind.HOLIDAY else worked).add(day[0])
    return holidays, worked


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    days: int  # working days from start to end, both included


def period_if_published(edition, published: dt.date | None = None) -> Period:
    """The period an announcement published on `published` (today) would have, by the settings and calendar."""
    published = published or timezone.localdate()
    n = award_settings(edition).announcement_working_days
    holidays, worked = marked_sets(edition)
    start, end = workdays.announcement_period(published, n, holidays, worked)
    return Period(start, end, n)


def published_period(award_list: AwardList) -> Period | None:
    """The period of a published list, with its working days counted by today's calendar."""
    if award_list.period_start is None or award_list.period_end is None:
        return None
    holidays, worked = marked_sets(award_list.edition)
    return Period(award_list.period_start, award_list.period_end,
                  workdays.working_days_between(award_list.period_start, award_list.period_end, holidays, worked))


def objection_deadline(award_list: AwardList) -> dt.datetime | None:
    """The first instant after the period's last day, Beijing time: objections are received until then."""
    return end_of_day(award_list.period_end) if award_list.period_end else None


def objections_open(award_list: AwardList | None, now: dt.datetime | None = None) -> bool:
    """Whether the public may object now: the list is announced and its period's last day has not ended."""
    if award_list is None or award_list.status != ListStatus.ANNOUNCED or award_list.period_end is None:
        return False
    return (now or timezone.now()) < objection_deadline(award_list)


def period_over(award_list: AwardList, today: dt.date | None = None) -> bool:
    """Whether the period's last day has passed (the list may then be confirmed)."""
    return award_list.period_end is not None and (today or timezone.localdate()) > award_list.period_end


def public_rows(award_list: AwardList):
    """The rows the public sees: those with a tier, by tier and place (revoked ones included, marked)."""
    return (AwardRow.objects.filter(award_list=award_list, tier__isnull=False)
            .select_related("entry__declaring_unit", "tier").order_by("tier__position", "position", "id"))


def objections(award_list: AwardList):
    return (Objection.objects.filter(award_list=award_list).select_related("entry", "answered_by")
            .order_by("submitted_at", "id"))


def objection_or_none(award_list: AwardList | None, pk: int) -> Objection | None:
    if award_list is None:
        return None
    return (Objection.objects.filter(award_list=award_list, pk=pk)
            .select_related("entry__declaring_unit", "answered_by").first())


def objection_counts(award_list: AwardList | None) -> dict:
    if award_list is None:
        return {"n": 0, "open": 0}
    counts = Objection.objects.filter(award_list=award_list).aggregate(
        n=Count("id"), open=Count("id", filter=Q(status=ObjectionStatus.OPEN)))
    return {"n": counts["n"] or 0, "open": counts["open"] or 0}


def undecided_ties(award_list: AwardList) -> int:
    return AwardRow.objects.filter(award_list=award_list, tie=True).count()
