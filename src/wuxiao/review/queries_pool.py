"""Reads of the expert pool and the conflicts of interest (R13, issue 10 items 1 and 2).

Pages, the API and the other parts of the stage (assignment, scoring) call these; nothing here writes
except `review_settings`, which creates the defaults on first use.
"""

import datetime as dt
import re
import unicodedata

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from wuxiao.entries.enums import RECOMMENDED_STATES
from wuxiao.entries.models import Entry

from .models import CompanyGroup, Conflict, ConflictCheck, ConflictSource, Expert, ExpertField, ExpertStatus
from .queries import review_settings

# Whitespace and the usual CJK and full-width punctuation; then anything that is not a letter or digit.
_DROP_FIRST = re.compile(r"[\s\u2010-\u206f\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")
_DROP = re.compile(r"[\W_]+")


def normalise_name(text: str) -> str:
    """An organisation's name as compared: NFKC, case-folded, without spaces, brackets or punctuation
    (郑州（某某）有限公司 = 郑州(某某)有限公司 = 郑州 某某 有限公司)."""
    text = _DROP_FIRST.sub("", text or "")
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def pool_rows(edition, *, status: str = "") -> QuerySet:
    """The edition's experts with their fields (industry loaded) and the count of conflicts in force,
    in the order they were added: three queries whatever the size."""
    experts = (Expert.objects.filter(edition=edition).select_related("organisation", "user")
               .annotate(conflict_count=Count("conflicts", filter=Q(conflicts__lifted_at__isnull=True)))
               .prefetch_related(Prefetch("fields", queryset=ExpertField.objects.select_related("industry")
                                          .order_by("industry_id")))
               .order_by("id"))
    if status in ExpertStatus.values:
        experts = experts.filter(status=status)
    return experts


def status_counts(edition) -> dict[str, int]:
    """How many experts of the pool hold each status (every status present, zero when none)."""
    found = dict(Expert.objects.filter(edition=edition).order_by().values_list("status").annotate(n=Count("pk")))
    return {value: found.get(value, 0) for value in ExpertStatus.values}


def invitable_experts(edition) -> QuerySet:
    """Experts the office may (re-)invite: never invited, or invited without an answer yet."""
    return Expert.objects.filter(edition=edition, status__in=(ExpertStatus.POOL, ExpertStatus.INVITED))


def expert_by_token(token: str) -> Expert | None:
    """The expert whose current invitation link carries `token` (None for an unknown token)."""
    if not token or len(token) > 64:
        return None
    return Expert.objects.select_related("edition", "user").filter(token=token).first()


def company_groups(edition) -> QuerySet:
    return CompanyGroup.objects.filter(edition=edition).order_by("name", "id")


def review_entries(edition) -> QuerySet:
    """The entries the conflict check and the assignment consider: recommended or any later state."""
    return Entry.objects.filter(edition=edition, status__in=RECOMMENDED_STATES)


STALE_CHECK_MINUTES = 30

# --- The conflict check ---------------------------------------------------------------------------

def latest_conflict_check(edition) -> ConflictCheck | None:
    """The edition's newest conflict check, finished or not."""
    return ConflictCheck.objects.filter(edition=edition).order_by("-started_at", "-id").first()


def last_finished_check(edition) -> ConflictCheck | None:
    return (ConflictCheck.objects.filter(edition=edition, finished_at__isnull=False)
            .order_by("-started_at", "-id").first())


def conflict_check_current(edition) -> bool:
    """Whether a finished conflict check started after every change that matters to it: the pool
    (experts added, edited, imported), the groups of companies, the setting on recommending units
    (ReviewSettings.conflicts_changed_at), and the entries entering the second round. Inviting and
    assigning are refused until it is."""
    check = last_finished_check(edition)
    if check is None:
        return False
    changed = review_settings(edition).conflicts_changed_at
    if changed is not None and changed > check.started_at:
        return False
    # Rows written without the services (the demo, a shell) are caught by their creation times.
    for last in (Expert.objects.filter(edition=edition).aggregate(last=Max("created_at"))["last"],
                 CompanyGroup.objects.filter(edition=edition).aggregate(last=Max("created_at"))["last"],
                 review_entries(edition).aggregate(last=Max("status_changed_at"))["last"]):
        if last is not None and last > check.started_at:
            return False
    return True


def conflict_check_state(edition) -> dict:
    """What the pages show about the check: the newest run, the last finished one, and whether it is current."""
    latest = latest_conflict_check(edition)
    finished = latest if latest is not None and latest.finished_at else last_finished_check(edition)
    # A check left unfinished for long lost its worker: the office may start another.
    running = bool(latest and latest.finished_at is None
                   and latest.started_at > timezone.now() - dt.timedelta(minutes=STALE_CHECK_MINUTES))
    return {"latest": latest, "finished": finished, "running": running,
            "waiting": running and latest.progress == 0, "current": conflict_check_current(edition)}


# --- Conflicts ------------------------------------------------------------------------------------

def conflict_rows(edition, *, source: str = "", lifted: bool | None = False) -> QuerySet:
    """The edition's conflicts with everything their list shows, in one query: of `source` when given;
    in force (`lifted=False`, the default), lifted ones (`True`) or both (None)."""
    rows = (Conflict.objects.filter(edition=edition)
            .select_related("expert", "entry", "entry__declaring_unit", "unit", "created_by", "lifted_by")
            .order_by("expert__name", "expert_id", "entry_id", "source"))
    if source in ConflictSource.values:
        rows = rows.filter(source=source)
    if lifted is True:
        rows = rows.filter(lifted_at__isnull=False)
    elif lifted is False:
        rows = rows.filter(lifted_at__isnull=True)
    return rows


def conflict_counts(edition) -> dict[str, int]:
    """Conflicts in force per source."""
    found = dict(Conflict.objects.filter(edition=edition, lifted_at__isnull=True).order_by()
                 .values_list("source").annotate(n=Count("pk")))
    return {value: found.get(value, 0) for value in ConflictSource.values}


def conflicted_pairs(edition) -> set[tuple[int, int]]:
    """(expert id, entry id) of every conflict in force: what the assignment may never pair."""
    return set(Conflict.objects.filter(edition=edition, lifted_at__isnull=True)
               .values_list("expert_id", "entry_id"))
