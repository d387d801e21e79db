"""Reads shared by the awards stage's pages, API and the other parts of the stage."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from .models import AwardList, AwardRow, AwardSettings, Certificate, ListStatus, Objection, ObjectionStatus


def award_settings(edition) -> AwardSettings:
    """The edition's award settings, created with the defaults the first time they are asked for."""
    found = getattr(edition, "_award_settings_cache", None)
    if found is None:
        found, _created = AwardSettings.objects.get_or_create(edition=edition)
        edition._award_settings_cache = found
    return found


def award_list(edition) -> AwardList | None:
    """The edition's award list, if allocated."""
    return AwardList.objects.filter(edition=edition).select_related("ranking").first()


def awarded_rows(award_list: AwardList):
    """The rows with a tier (revoked ones included), in ranking order, with what lists and sheets show."""
    return (AwardRow.objects.filter(award_list=award_list, tier__isnull=False)
            .select_related("entry__declaring_unit", "entry__recommending_unit", "tier")
            .order_by("tier__position", "position", "id"))


def public_list(edition) -> AwardList | None:
    """The list the public may see: announced or confirmed."""
    return (AwardList.objects.filter(edition=edition, status__in=[ListStatus.ANNOUNCED, ListStatus.CONFIRMED])
            .first())


def stage_overview(edition) -> dict:
    """Where the edition's awards stage stands, for the office's hub and dashboard (fixed number of queries)."""
    from wuxiao.finals.queries import approved_ranking

    lst = award_list(edition)
    rows = {"awarded": 0, "revoked": 0, "money": 0, "ties": 0}
    objections = {"n": 0, "open": 0}
    certificates = 0
    if lst is not None:
        rows = AwardRow.objects.filter(award_list=lst).aggregate(
            awarded=Count("id", filter=Q(tier__isnull=False)),
            revoked=Count("id", filter=Q(tier__isnull=False, revoked_at__isnull=False)),
            money=Sum("amount_yuan", filter=Q(tier__isnull=False, revoked_at__isnull=True)),
            ties=Count("id", filter=Q(tie=True)))
        objections = Objection.objects.filter(award_list=lst).aggregate(
            n=Count("id"), open=Count("id", filter=Q(status=ObjectionStatus.OPEN)))
        certificates = Certificate.objects.filter(row__award_list=lst).count()
    return {
        "approved_ranking": approved_ranking(edition),
        "list": lst,
        "awarded": rows["awarded"] or 0,
        "revoked": rows["revoked"] or 0,
        "money": rows["money"] or 0,
        "ties": rows["ties"] or 0,
        "objections": objections["n"] or 0,
        "objections_open": objections["open"] or 0,
        "certificates": certificates,
        "settings": award_settings(edition),
    }
