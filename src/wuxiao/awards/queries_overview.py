"""The competition as a whole, for the office's dashboard, the summary report (竞赛总结) and the API: entries by
recommending unit, industry, category and status; the funnel from declaration to award; the score distributions
of the second and the final round; the awards by tier, recommending unit and industry; the edition's timeline.

Every figure comes from a fixed number of queries whatever the number of entries (grouped in the database;
only the award rows and the final ranking's rows, a few dozen, are read one by one).

The funnel counts each entry at every stage its *current* status is at or past (draft → submitted →
recommended → admitted to the second round → finalist → awarded): one grouped query, monotone by construction.
An entry taken back (withdrawn to draft, recommendation taken back, returned for correction) counts where it is
now, not where it once was; the entries' history (EntryTransition) would count it at the furthest stage it ever
reached, which mixes decisions later undone into the figures the office reports.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Floor, Substr
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuxiao.common.models import Industry
from wuxiao.entries.enums import RECOMMENDED_STATES, EntryStatus
from wuxiao.entries.models import Entry

from .models import AwardList, AwardRow, ListStatus

S = EntryStatus
# The funnel's stages, each with the statuses of the entries that stand at it or past it.
AWARDED_STATES = frozenset({S.AWARDED, S.REVOKED})
FINALIST_STATES = frozenset({S.FINALIST, S.NOT_AWARDED}) | AWARDED_STATES
ADMITTED_STATES = frozenset({S.IN_REVIEW, S.NOT_FINALIST}) | FINALIST_STATES
SUBMITTED_STATES = frozenset({S.SUBMITTED, S.NOT_RECOMMENDED}) | RECOMMENDED_STATES
FUNNEL = [
    ("declared", frozenset(S.values)),
    ("submitted", SUBMITTED_STATES),
    ("recommended", RECOMMENDED_STATES),
    ("admitted", ADMITTED_STATES),
    ("finalist", FINALIST_STATES),
    ("awarded", AWARDED_STATES),
]


def funnel_labels() -> dict[str, str]:
    return {
        "declared": pgettext("funnel", "declared"),
        "submitted": pgettext("funnel", "submitted"),
        "recommended": pgettext("funnel", "recommended"),
        "admitted": pgettext("funnel", "passed the eligibility check"),
        "finalist": pgettext("funnel", "finalist"),
        "awarded": pgettext("funnel", "awarded"),
    }


@dataclass
class Overview:
    edition: object
    total: int = 0  # every entry, drafts included
    statuses: list = field(default_factory=list)  # {"key", "label", "n"}
    funnel: list = field(default_factory=list)  # {"key", "label", "n", "percent"} (of the declared ones)
    units: list = field(default_factory=list)  # {"label", "kind", "filed", "recommended", "finalists", "awarded"}
    industries: list = field(default_factory=list)  # the same, by GB/T 4754 section
    categories: list = field(default_factory=list)  # the same, by category
    review_scores: dict = field(default_factory=dict)  # histogram of the experts' second-round totals
    final_scores: dict = field(default_factory=dict)  # histogram of the approved final ranking's scores
    award_list: AwardList | None = None
    tiers: list = field(default_factory=list)  # {"label", "n", "revoked", "money"}
    award_units: list = field(default_factory=list)  # {"label", "n", "revoked"}
    award_industries: list = field(default_factory=list)  # {"label", "n", "revoked"}
    awarded: int = 0  # rows with a tier, not revoked
    revoked: int = 0

    def as_dict(self) -> dict:
        return {
            "total": self.total, "statuses": self.statuses, "funnel": self.funnel, "units": self.units,
            "industries": self.industries, "categories": self.categories, "review_scores": self.review_scores,
            "final_scores": self.final_scores, "tiers": self.tiers, "award_units": self.award_units,
            "award_industries": self.award_industries, "awarded": self.awarded, "revoked": self.revoked,
            "list_status": self.award_list.status if self.award_list else "",
        }


def _grouped(entries, key: str) -> list[dict]:
    """Entries past the draft stage grouped by `key`: filed, recommended, finalists (at or past) and awarded."""
    return list(entries.values(key).annotate(
        filed=Count("id", filter=Q(status__in=SUBMITTED_STATES)),
        recommended=Count("id", filter=Q(status__in=RECOMMENDED_STATES)),
        finalists=Count("id", filter=Q(status__in=FINALIST_STATES)),
        awarded=Count("id", filter=Q(status=S.AWARDED)),
    ).filter(filed__gt=0).order_by("-filed", key))


def _section_names() -> tuple[dict[str, str], dict[str, str]]:
    """GB/T 4754: each section's name by its letter, and each division's section (one query)."""
    names, section_of = {}, {}
    for code, name, level, parent in Industry.objects.filter(
            level__in=[Industry.Level.SECTION, Industry.Level.DIVISION]).values_list("code", "name", "level",
                                                                                   "parent_id"):
        if level == Industry.Level.SECTION:
            names[code] = name
        else:
            section_of[code] = parent
    return names, section_of


def _section(prefix: str | None, section_of: dict) -> str:
    """The section letter of an industry code's first two characters ("34" → "C"; a section's own letter)."""
    if not prefix:
        return ""
    return prefix[:1] if prefix[:1].isalpha() else section_of.get(prefix, "")


def _section_label(letter: str, names: dict) -> str:
    return f"{letter} {names[letter]}" if letter in names else _("no industry given")


def _nice_width(top: float, bins: int = 10) -> Decimal:
    """A round bin width (1, 2, 5 × 10ⁿ) that cuts 0..top into about `bins` bins."""
    if top <= 0:
        return Decimal(10)
    raw = top / bins
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return Decimal(str(step * power))
    return Decimal(str(10 * power))


def _histogram(counts: dict[int, int], width: Decimal, n: int, low, high, mean) -> dict:
    """Bins from the lowest to the highest used one: labels "80–90", counts, and the figures around them."""
    if not counts:
        return {"n": 0, "bins": [], "labels": [], "values": [], "min": None, "max": None, "mean": None}
    first, last = min(counts), max(counts)
    bins = []
    for i in range(first, last + 1):
        start = width * i
        bins.append({"from": start, "to": start + width, "n": counts.get(i, 0),
                     "label": f"{_fmt(start)}–{_fmt(start + width)}"})
    return {"n": n, "bins": bins, "labels": [b["label"] for b in bins], "values": [b["n"] for b in bins],
            "min": low, "max": high, "mean": mean, "width": width}


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def review_score_histogram(edition) -> dict:
    """The experts' submitted second-round (复赛) totals, one per expert and entry, in round bins (2 queries)."""
    from django.db.models import Avg

    from wuxiao.review.models import Score, ScoreStatus

    scores = Score.objects.filter(edition=edition, status=ScoreStatus.SUBMITTED, total__isnull=False)
    figures = scores.aggregate(n=Count("id"), low=Min("total"), high=Max("total"), mean=Avg("total"))
    if not figures["n"]:
        return _histogram({}, Decimal(10), 0, None, None, None)
    width = _nice_width(float(figures["high"]))
    # The top score falls into a bin of its own only when it lies on a border (100 → "100–110"): keep it in
    # the last full bin instead, as a reader expects "90–100" to hold 100.
    grouped = (scores.annotate(bin=Floor(F("total") / width)).values("bin").annotate(n=Count("id")))
    counts: dict[int, int] = {}
    top_bin = int(Decimal(figures["high"]) // width)
    border = Decimal(figures["high"]) % width == 0 and top_bin > 0
    for row in grouped:
        i = int(row["bin"])
        if border and i == top_bin:
            i -= 1
        counts[i] = counts.get(i, 0) + row["n"]
    mean = Decimal(figures["mean"]).quantize(Decimal("0.01"))
    return _histogram(counts, width, figures["n"], figures["low"], figures["high"], mean)


def final_score_histogram(edition) -> dict:
    """The final scores of the newest approved final ranking (决赛), in round bins (1 query: a few dozen rows)."""
    from wuxiao.finals.models import RankingRow, RankingStatus

    newest = (RankingRow.objects.filter(ranking__edition=edition, ranking__status=RankingStatus.APPROVED)
              .order_by("-ranking__approved_at", "-ranking_id").values("ranking_id")[:1])
    finals = [v for v in RankingRow.objects.filter(ranking_id__in=newest, final__isnull=False)
              .values_list("final", flat=True)]
    if not finals:
        return _histogram({}, Decimal(10), 0, None, None, None)
    low, high = min(finals), max(finals)
    width = _nice_width(float(high - low) or float(high), bins=8)
    counts: dict[int, int] = {}
    for value in finals:
        i = int(value // width)
        counts[i] = counts.get(i, 0) + 1
    mean = (sum(finals) / len(finals)).quantize(Decimal("0.01"))
    return _histogram(counts, width, len(finals), low, high, mean)


def overview(edition) -> Overview:
    """Every figure of the dashboard and the report, in ten queries whatever the number of entries."""
    result = Overview(edition)
    entries = Entry.objects.filter(edition=edition)

    # 1. by status, and the funnel from it
    by_status = dict(entries.values("status").annotate(n=Count("id")).values_list("status", "n"))
    result.total = sum(by_status.values())
    result.statuses = [{"key": value, "label": str(label), "n": by_status[value]}
                       for value, label in S.choices if by_status.get(value)]
    labels = funnel_labels()
    for key, states in FUNNEL:
        n = sum(by_status.get(s, 0) for s in states)
        result.funnel.append({"key": key, "label": labels[key], "n": n,
                              "percent": round(100 * n / result.total, 1) if result.total else 0})

    # 2. by recommending unit (the district, county or development-zone union, or the industry union)
    from wuxiao.orgs.models import UnitKind

    kinds = dict(UnitKind.choices)
    for row in _grouped_units(entries):
        row["kind"] = str(kinds.get(row.pop("recommending_unit__kind"), ""))
        row["label"] = row.pop("recommending_unit__name")
        result.units.append(row)

    # 3–4. by industry section (GB/T 4754 门类): grouped by the code's first two characters, then summed
    names, section_of = _section_names()
    sections: dict[str, dict] = {}
    for row in _grouped(entries.annotate(prefix=Substr("industry_id", 1, 2)), "prefix"):
        letter = _section(row.pop("prefix"), section_of)
        into = sections.setdefault(letter, {"label": _section_label(letter, names), "code": letter, "filed": 0,
                                            "recommended": 0, "finalists": 0, "awarded": 0})
        for key in ("filed", "recommended", "finalists", "awarded"):
            into[key] += row[key]
    result.industries = sorted(sections.values(), key=lambda r: (-r["filed"], r["code"] or "~"))

    # 5. by category
    for row in (entries.values("category__name", "category__position").annotate(
            filed=Count("id", filter=Q(status__in=SUBMITTED_STATES)),
            recommended=Count("id", filter=Q(status__in=RECOMMENDED_STATES)),
            finalists=Count("id", filter=Q(status__in=FINALIST_STATES)),
            awarded=Count("id", filter=Q(status=S.AWARDED))).filter(filed__gt=0)
            .order_by("category__position", "category__name")):
        row.pop("category__position")
        row["label"] = row.pop("category__name") or _("no category")
        result.categories.append(row)

    # 6–8. scores
    result.review_scores = review_score_histogram(edition)
    result.final_scores = final_score_histogram(edition)

    # 9–10. the award list and its rows with a tier (revoked ones counted apart)
    result.award_list = AwardList.objects.filter(edition=edition).first()
    if result.award_list is not None:
        _awards(result, names, section_of)
    return result


def _grouped_units(entries) -> list[dict]:
    return list(entries.values("recommending_unit__name", "recommending_unit__kind", "recommending_unit_id").annotate(
        filed=Count("id", filter=Q(status__in=SUBMITTED_STATES)),
        recommended=Count("id", filter=Q(status__in=RECOMMENDED_STATES)),
        finalists=Count("id", filter=Q(status__in=FINALIST_STATES)),
        awarded=Count("id", filter=Q(status=S.AWARDED)),
    ).filter(filed__gt=0).order_by("-filed", "recommending_unit__name", "recommending_unit_id"))


def _awards(result: Overview, names: dict, section_of: dict) -> None:
    rows = (AwardRow.objects.filter(award_list=result.award_list, tier__isnull=False)
            .values("tier_id", "tier__name", "tier__position", "amount_yuan", "revoked_at",
                    "entry__recommending_unit__name", "entry__industry_id")
            .order_by("tier__position", "position", "id"))
    tiers: dict[int, dict] = {}
    units: dict[str, dict] = {}
    industries: dict[str, dict] = {}
    for row in rows:
        revoked = row["revoked_at"] is not None
        tier = tiers.setdefault(row["tier_id"], {"label": row["tier__name"], "n": 0, "revoked": 0, "money": 0})
        letter = _section((row["entry__industry_id"] or "")[:2], section_of)
        unit = units.setdefault(row["entry__recommending_unit__name"],
                                {"label": row["entry__recommending_unit__name"], "n": 0, "revoked": 0})
        industry = industries.setdefault(letter, {"label": _section_label(letter, names), "code": letter, "n": 0,
                                                  "revoked": 0})
        for into in (tier, unit, industry):
            into["revoked" if revoked else "n"] += 1
        if not revoked:
            tier["money"] += row["amount_yuan"]
            result.awarded += 1
        else:
            result.revoked += 1
    result.tiers = list(tiers.values())
    result.award_units = sorted(units.values(), key=lambda r: (-r["n"], r["label"]))
    result.award_industries = sorted(industries.values(), key=lambda r: (-r["n"], r["code"] or "~"))


def award_rows(edition) -> list:
    """The award list's rows with a tier, revoked ones included (marked), in tier and ranking order."""
    from .queries import awarded_rows

    lst = AwardList.objects.filter(edition=edition).first()
    return list(awarded_rows(lst)) if lst else []


def timeline(edition) -> list[dict]:
    """The edition's dates in order, as far as they are known: {"label", "date" (a date or datetime), "end"}."""
    from wuxiao.finals.models import FinalRanking, RankingStatus, RoadshowSession, SiteVisit
    from wuxiao.review.models import FinalistList, ReviewSettings

    items = [
        {"label": _("Notice issued"), "date": edition.notice_date},
        {"label": _("Declaration opens"), "date": edition.declaration_opens_at},
        {"label": _("Declaration deadline"), "date": edition.declaration_deadline},
        {"label": _("Recommendation deadline"), "date": edition.recommendation_deadline},
    ]
    scoring = ReviewSettings.objects.filter(edition=edition).values_list("scoring_deadline", flat=True).first()
    if scoring:
        items.append({"label": _("Second-round scores due"), "date": scoring})
    finalists = (FinalistList.objects.filter(edition=edition, approved_at__isnull=False)
                 .order_by("-approved_at").values_list("approved_at", flat=True).first())
    if finalists:
        items.append({"label": _("Finalist list approved"), "date": finalists})
    sessions = RoadshowSession.objects.filter(edition=edition).aggregate(first=Min("starts_at"), last=Max("starts_at"))
    if sessions["first"]:
        items.append({"label": _("Final-round roadshows"), "date": sessions["first"], "end": sessions["last"]})
    visits = SiteVisit.objects.filter(edition=edition, cancelled_at__isnull=True).aggregate(
        first=Min("visit_date"), last=Max("visit_date"))
    if visits["first"]:
        items.append({"label": _("Site visits"), "date": visits["first"], "end": visits["last"]})
    ranking = (FinalRanking.objects.filter(edition=edition, status=RankingStatus.APPROVED)
               .order_by("-approved_at").values_list("approved_at", flat=True).first())
    if ranking:
        items.append({"label": _("Final ranking approved"), "date": ranking})
    lst = AwardList.objects.filter(edition=edition).first()
    if lst is not None and lst.period_start and lst.status != ListStatus.DRAFT:
        items.append({"label": _("Public announcement of the awards"), "date": lst.period_start,
                      "end": lst.period_end})
    if lst is not None and lst.confirmed_at:
        items.append({"label": _("Award list confirmed"), "date": lst.confirmed_at})
    for item in items:
        item.setdefault("end", None)
        item["sort"] = _as_date(item["date"])
    items.sort(key=lambda i: i["sort"])
    return items


def _as_date(value) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(value) if isinstance(value, dt.datetime) else value
