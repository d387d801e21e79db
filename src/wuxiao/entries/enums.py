"""An entry's states across every stage (entry-lifecycle.md).

Finer progress inside a stage (scores given, roadshow slot) lives in that stage's models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("entry status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("entry status", "submitted")
    RETURNED = "returned", pgettext_lazy("entry status", "returned for revision")
    NOT_RECOMMENDED = "not_recommended", pgettext_lazy("entry status", "not recommended")
    RECOMMENDED = "recommended", pgettext_lazy("entry status", "recommended")
    INELIGIBLE = "ineligible", pgettext_lazy("entry status", "ineligible")
    IN_REVIEW = "in_review", pgettext_lazy("entry status", "in second-round review")
    NOT_FINALIST = "not_finalist", pgettext_lazy("entry status", "not a finalist")
    FINALIST = "finalist", pgettext_lazy("entry status", "finalist")
    NOT_AWARDED = "not_awarded", pgettext_lazy("entry status", "not awarded")
    AWARDED = "awarded", pgettext_lazy("entry status", "awarded")
    REVOKED = "revoked", pgettext_lazy("entry status", "award revoked")


# States in which the declaring unit may edit the entry.
EDITABLE_STATES = frozenset({EntryStatus.DRAFT, EntryStatus.RETURNED})

# States in which an entry holds one of its recommending unit's places (R6). An entry the
# committee has taken on (or found ineligible) keeps its place; only a recommendation taken
# back, or sent back for correction, frees it.
RECOMMENDED_STATES = frozenset({
    EntryStatus.RECOMMENDED, EntryStatus.INELIGIBLE, EntryStatus.IN_REVIEW, EntryStatus.NOT_FINALIST,
    EntryStatus.FINALIST, EntryStatus.NOT_AWARDED, EntryStatus.AWARDED, EntryStatus.REVOKED,
})


class Action(models.TextChoices):
    """The named transitions; each one is a row of TRANSITIONS in services.py."""

    SUBMIT = "submit", _("submit")
    WITHDRAW = "withdraw", _("withdraw")
    RETURN = "return", _("return for revision")
    RECOMMEND = "recommend", _("recommend")
    NOT_RECOMMEND = "not_recommend", _("do not recommend")
    UNRECOMMEND = "unrecommend", _("take back a recommendation")
    ACCEPT = "accept", _("accept into the second round")
    DECLARE_INELIGIBLE = "declare_ineligible", _("declare ineligible")
    REQUEST_CORRECTION = "request_correction", _("send back for correction")
    SELECT_FINALIST = "select_finalist", _("select as finalist")
    NOT_SELECT = "not_select", _("not selected as finalist")
    AWARD = "award", _("award")
    NOT_AWARD = "not_award", _("not awarded")
    REVOKE = "revoke", _("revoke the award")
