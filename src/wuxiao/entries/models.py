from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EDITABLE_STATES, Action, EntryStatus


class Entry(models.Model):
    """An innovation filed by a declaring unit in one edition (申报作品).

    The status changes only through `services.transition_entry`.
    """

    edition = models.ForeignKey("competitions.Edition", verbose_name=_("edition"), on_delete=models.PROTECT,
                                related_name="entries")
    declaring_unit = models.ForeignKey("orgs.Organisation", verbose_name=_("declaring unit"),
                                       on_delete=models.PROTECT, related_name="entries")
    recommending_unit = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("recommending unit"), on_delete=models.PROTECT,
        related_name="recommended_entries",
        help_text=_("Taken from the declaring unit when the entry is created."),
    )
    title = models.CharField(_("title of the innovation"), max_length=200)
    category = models.ForeignKey("competitions.Category", verbose_name=_("category (R3)"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="entries")
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices,
                              default=EntryStatus.DRAFT, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    recommendation_rank = models.PositiveIntegerField(_("merit rank"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["edition", "status"]),
                   models.Index(fields=["edition", "recommending_unit", "status"])]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES


class EntryTransition(models.Model):
    """One step of an entry's history: who moved it from which state to which, when and why."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=EntryStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=EntryStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entry history")
        verbose_name_plural = _("entry history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.entry_id}: {self.from_status} → {self.to_status}"
