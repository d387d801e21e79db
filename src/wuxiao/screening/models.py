"""初赛 and 形式审查: a recommending unit's batch (R6, R26), quota exceptions, and the automatic flags."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Batch(models.Model):
    """A recommending unit's recommendations in one edition, handed to the committee with the summary sheet (R26)."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="batches")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="batches")
    submitted_at = models.DateTimeField(_("handed to the committee"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    stamped_sheet = models.FileField(_("stamped summary sheet"), upload_to="batches/%Y/", max_length=300, blank=True)
    stamped_sheet_name = models.CharField(_("file name"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=0)  # bumped on every change: two editors cannot both win

    class Meta:
        verbose_name = _("batch of recommendations")
        verbose_name_plural = _("batches of recommendations")
        constraints = [models.UniqueConstraint(fields=["edition", "unit"], name="batch_unique")]

    def __str__(self):
        return f"{self.unit} · {self.edition}"

    @property
    def is_locked(self) -> bool:
        return self.submitted_at is not None


class SummarySheet(models.Model):
    """The summary sheet (R26) of a batch as it was handed to the committee: its rows, frozen.

    The unit stamps and scans the sheet it printed before the hand-over; the committee's later
    decisions (accepted, ineligible, sent back for correction) change the entries, never these rows,
    so the sheet generated afterwards is still the one on the stamped scan. One per hand-over: a
    batch reopened and handed over again gets a new one, and the earlier ones stay on record.
    """

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="sheets")
    handed_over_at = models.DateTimeField(_("handed to the committee"))
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    stamped_sheet_name = models.CharField(_("stamped summary sheet"), max_length=255, blank=True)
    # One dict per row, in the sheet's order (documents.content.summary_row): number, entry id, rank, cells.
    rows = models.JSONField(_("rows"), default=list, blank=True)

    class Meta:
        verbose_name = _("summary sheet as handed over")
        verbose_name_plural = _("summary sheets as handed over")
        ordering = ["-handed_over_at", "-id"]

    def __str__(self):
        return f"{self.batch} · {timezone.localtime(self.handed_over_at):%Y-%m-%d %H:%M}"


class QuotaException(models.Model):
    """The committee lets a unit recommend N more than the quota, with a reason (R6 "原则上")."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="quota_exceptions")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="quota_exceptions")
    extra = models.PositiveIntegerField(_("additional entries"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("quota exception")
        verbose_name_plural = _("quota exceptions")

    def __str__(self):
        return str(_("%(unit)s: %(extra)d more places") % {"unit": self.unit, "extra": self.extra})


class DeadlineExtension(models.Model):
    """The committee office keeps a unit's batch open after the recommendation deadline, with a reason (R6).

    The unit's latest extension decides (screening.services.recommendation_deadline_of), so a
    date granted by mistake is corrected by granting again, and every grant stays on record.
    """

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="deadline_extensions")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="deadline_extensions")
    until = models.DateTimeField(_("extended until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension of the recommendation deadline")
        verbose_name_plural = _("extensions of the recommendation deadline")

    def __str__(self):
        return f"{self.unit} · {timezone.localtime(self.until):%Y-%m-%d %H:%M}"


class FlagKind(models.TextChoices):
    NEAR_DUPLICATE = "near_duplicate", _("near-duplicate text")
    SAME_FIRST_COMPLETER = "same_first_completer", _("same first completer")
    SIMILAR_TITLE = "similar_title", _("same or nearly the same title")
    CREDIT_CODE = "credit_code", _("unit's credit code fails its check")
    NO_COMMITMENT = "no_commitment", _("no stamped credit commitment")


class Flag(models.Model):
    """An automatic finding about an entry, explained on its page and filterable in the queue."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="flags")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="flags")
    other = models.ForeignKey("entries.Entry", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=FlagKind.choices, db_index=True)
    score = models.FloatField(_("similarity"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [models.Index(fields=["edition", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.entry}"


class FlagCheck(models.Model):
    """When an edition's automatic flags were last computed, and whether a computation waits.

    Submissions and hand-overs ask for one (issue 9, item 5); requests made while one waits in the
    queue join it, so a deadline's thousand submissions cost a few runs, not a thousand.
    """

    edition = models.OneToOneField("competitions.Edition", on_delete=models.CASCADE, related_name="flag_check")
    queued = models.BooleanField(_("waiting in the queue"), default=False)
    requested_at = models.DateTimeField(_("last requested"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    checked_as_of = models.DateTimeField(_("entries as of"), null=True, blank=True,
                                         help_text=_("When the last finished check read the entries."))
    counts = models.JSONField(_("flags found"), default=dict, blank=True)

    class Meta:
        verbose_name = _("automatic check of the flags")
        verbose_name_plural = _("automatic checks of the flags")

    def __str__(self):
        return str(self.edition)

    @property
    def running(self) -> bool:
        return self.started_at is not None and (self.finished_at is None or self.finished_at < self.started_at)
