"""What the second round (复赛, R7) demands of the entry's transitions out of it, and what it records.

Registered on the entry's one transition function from ReviewConfig.ready(): an entry becomes a finalist
(or not) only as the edition's approved finalist list (决赛入围名单) decides, so no other path moves
entries out of the second round; the transition records the list and the entry's official score and rank.
"""

from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused
from wuxiao.entries.enums import Action
from wuxiao.entries.models import Entry
from wuxiao.entries.transitions import registry

from .models import FinalistListStatus, FinalistRow


def _decided_by_approved_list(entry: Entry, data: dict, selected: bool) -> None:
    asked = data.get("finalist_list")
    row = (FinalistRow.objects.filter(finalist_list__edition_id=entry.edition_id,
                                      finalist_list__status=FinalistListStatus.APPROVED, entry_id=entry.pk)
           .select_related("finalist_list").first())
    if asked not in (None, "") and (row is None or str(row.finalist_list_id) != str(asked)):
        raise Refused(_("This finalist list is not the approved list of this entry's edition; an entry is decided "
                        "only by its own edition's list."), field="finalist_list")
    if row is None:
        raise Refused(_("An entry leaves the second round only through its edition's approved finalist list "
                        "(决赛入围名单): approve the list on the finalist list page."))
    if row.selected != selected:
        raise Refused(_("The approved finalist list selects this entry as a finalist.") if row.selected else
                      _("The approved finalist list does not select this entry as a finalist."))
    data["finalist_list"] = row.finalist_list_id
    if row.official_score is not None:
        data["official_score"] = str(row.official_score)
    if row.official_rank is not None:
        data["official_rank"] = row.official_rank


def selected_by_list(entry: Entry, actor, data: dict) -> None:
    """R7: a finalist is one the approved finalist list selects."""
    _decided_by_approved_list(entry, data, True)


def not_selected_by_list(entry: Entry, actor, data: dict) -> None:
    """R7: an entry is not a finalist when the approved finalist list leaves it out."""
    _decided_by_approved_list(entry, data, False)


def _list_number(value, data: dict) -> str:
    return _("list no. %(number)s") % {"number": value}


def register() -> None:
    registry.add_guards(Action.SELECT_FINALIST, selected_by_list)
    registry.add_guards(Action.NOT_SELECT, not_selected_by_list)
    registry.add_detail("finalist_list", _("approved finalist list"), _list_number)
    registry.add_detail("official_score", _("second-round official score"))
    registry.add_detail("official_rank", _("second-round rank"))
