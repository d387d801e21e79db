"""Reads of the screening stage that pages, the API and the transition guards share."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from wuxiao.common.dates import as_date
from wuxiao.entries.enums import Action
from wuxiao.entries.models import Entry, EntryTransition


def corrections_due(entry_ids) -> dict[int, dt.date]:
    """For each of `entry_ids` with an open correction request (限期补正), the date it is due (one query).

    A request is open from `request_correction` until the entry is recommended again; the SQL
    form of the same rule is `open_correction`.
    """
    due: dict[int, dt.date | None] = {}
    steps = (EntryTransition.objects.filter(entry_id__in=list(entry_ids),
                                            action__in=[Action.REQUEST_CORRECTION, Action.RECOMMEND])
             .order_by("id").values_list("entry_id", "action", "data"))
    for entry_id, action, data in steps:  # the later step wins: a recommendation closes the request
        due[entry_id] = as_date((data or {}).get("due_date")) if action == Action.REQUEST_CORRECTION else None
    return {pk: day for pk, day in due.items() if day is not None}


def correction_due(entry: Entry) -> dt.date | None:
    """The date by which the entry's open correction request (限期补正) must be answered, or None."""
    return corrections_due([entry.pk]).get(entry.pk)


def open_correction() -> Q:
    """`corrections_due` as a WHERE condition on entries: a correction request with no recommendation
    after it. The few entries ever sent back are found first (a set the database builds once), then
    the correlated check; as a SELECT column it would be computed for every row before a page is cut."""
    requests = EntryTransition.objects.filter(action=Action.REQUEST_CORRECTION)
    later = EntryTransition.objects.filter(entry_id=OuterRef(OuterRef("pk")), action=Action.RECOMMEND,
                                           id__gt=OuterRef("id"))
    return (Q(pk__in=requests.values("entry_id"))
            & Q(Exists(requests.filter(entry_id=OuterRef("pk")).exclude(Exists(later)))))
