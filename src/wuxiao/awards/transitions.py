"""What the awards stage demands of its transitions (R11 prize tiers, R12 revocation).

Registered on the entry's one transition function from AwardsConfig.ready().
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common.dates import as_date
from wuxiao.common.exceptions import Refused
from wuxiao.entries.enums import Action
from wuxiao.entries.models import Entry
from wuxiao.entries.transitions import registry


def award_tier(entry: Entry, actor, data: dict) -> None:
    """R11: the award names one of the edition's prize tiers; its prize money is recorded."""
    tier = str(data.get("tier") or "").strip()
    if not tier:
        raise Refused(_("Please choose the prize tier (the notice, Attachment 1, section 4 “Prizes”)."), field="tier")
    tiers = {t.name: t for t in entry.edition.prize_tiers.all()}
    if tiers and tier not in tiers:
        raise Refused(_("“%(tier)s” is not a prize tier of this edition (the notice, Attachment 1, section 4 "
                        "“Prizes”).") % {"tier": tier}, field="tier")
    data["tier"] = tier
    if tier in tiers:
        data["amount_yuan"] = tiers[tier].amount_yuan


def revocation_date(entry: Entry, actor, data: dict) -> None:
    """R12: the revocation records the date of the decision (today unless given)."""
    raw = data.get("decided_on")
    decided = timezone.localdate() if raw is None or raw == "" else as_date(raw)
    if decided is None:
        raise Refused(_("The decision date is not a valid date."), field="decided_on")
    if decided > timezone.localdate():
        raise Refused(_("The decision date cannot be in the future."), field="decided_on")
    data["decided_on"] = decided.isoformat()


def _yuan(value, data: dict) -> str:
    return _("%(amount)s yuan") % {"amount": value}


def register() -> None:
    registry.add_guards(Action.AWARD, award_tier)
    registry.add_guards(Action.REVOKE, revocation_date)
    registry.add_detail("tier", _("prize tier"))
    registry.add_detail("amount_yuan", _("prize money"), _yuan)
    registry.add_detail("decided_on", _("date of the decision"))
