"""The awards stage (R10–R12): prize tiers allocated from the approved final ranking, the public announcement
(公示) with named objections, confirmation, certificates verifiable by QR code, prize money and revocation.

An award's public life (proposed → announced → confirmed, and revoked) lives here; the entry only says
`awarded`, `not_awarded` or `revoked`, moved by the one transition function when the list is confirmed (and
when an award is revoked). The allocation arithmetic is `allocation.py`, the working-day arithmetic of the
announcement period `workdays.py`; neither knows these models.
"""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _token() -> str:
    return secrets.token_urlsafe(18)


class AwardSettings(models.Model):
    """The edition's settings of the awards stage."""

    edition = models.OneToOneField("competitions.Edition", on_delete=models.CASCADE, related_name="award_settings")
    announcement_working_days = models.PositiveSmallIntegerField(
        _("announcement period (working days)"), default=5,
        help_text=_("Counted in working days from the day after publication; weekends and marked holidays do not "
                    "count, marked make-up working days do."))
    objection_contact = models.TextField(
        _("how to object"), blank=True,
        help_text=_("Shown on the public announcement: who receives objections, address and telephone."))
    certificate_prefix = models.CharField(_("certificate number prefix"), max_length=12, default="ZZWX",
                                          help_text=_("e.g. ZZWX gives numbers such as ZZWX-2025-TD-003."))
    certificate_issuers = models.CharField(_("issuing bodies on the certificate"), max_length=300, blank=True,
                                           help_text=_("Empty: the edition's issuing bodies."))
    certificate_date = models.DateField(_("date on the certificates"), null=True, blank=True,
                                        help_text=_("Empty: the date the list was confirmed."))
    seal = models.ImageField(_("seal image"), upload_to="awards/seals/", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("award settings")
        verbose_name_plural = _("award settings")

    def __str__(self):
        return str(self.edition)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday (not a working day)")
    WORKDAY = "workday", _("make-up working day (调休上班)")


class CalendarDay(models.Model):
    """A day the office marks for the announcement period: a holiday on a weekday, or a weekend worked."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="award_calendar")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("marked day")
        verbose_name_plural = _("marked days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["edition", "date"], name="award_calendar_day_unique")]

    def __str__(self):
        return f"{self.date} {self.kind}"


class ListStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("award list", "proposed")
    ANNOUNCED = "announced", pgettext_lazy("award list", "announced (公示)")
    CONFIRMED = "confirmed", pgettext_lazy("award list", "confirmed")


class AwardList(models.Model):
    """The edition's list of awards: allocated from an approved final ranking (R10, R11), announced for the
    period, confirmed. One per edition; reallocating a draft replaces its rows."""

    edition = models.OneToOneField("competitions.Edition", on_delete=models.CASCADE, related_name="award_list")
    ranking = models.ForeignKey("finals.FinalRanking", verbose_name=_("final ranking"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("allocated"), auto_now_add=True)
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    announced_at = models.DateTimeField(_("published"), null=True, blank=True)
    period_start = models.DateField(_("announcement from"), null=True, blank=True)
    period_end = models.DateField(_("announcement until"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirm_note = models.TextField(_("note on the confirmation"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("award list")
        verbose_name_plural = _("award lists")

    def __str__(self):
        return str(self.edition)


class AwardRow(models.Model):
    """One finalist in the award list: its place in the final ranking and its tier (none: not awarded).

    The award's certificate, prize money and revocation hang on the row."""

    award_list = models.ForeignKey(AwardList, on_delete=models.CASCADE, related_name="rows")
    entry = models.ForeignKey("entries.Entry", on_delete=models.PROTECT, related_name="award_rows")
    position = models.PositiveIntegerField(_("place in the final ranking"))
    final = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True, blank=True)
    tier = models.ForeignKey("competitions.PrizeTier", verbose_name=_("prize tier"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    computed_tier = models.ForeignKey("competitions.PrizeTier", verbose_name=_("tier by the ranking"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    amount_yuan = models.PositiveIntegerField(_("prize money (yuan)"), default=0)
    tie = models.BooleanField(_("tied across a tier border"), default=False)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)
    # R12: revocation, and the prize money taken back.
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_on = models.DateField(_("date of the revocation decision"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for the revocation"), blank=True)
    money_reclaimed_on = models.DateField(_("prize money returned on"), null=True, blank=True)
    money_reclaimed_yuan = models.PositiveIntegerField(_("prize money returned (yuan)"), null=True, blank=True)
    money_reclaim_note = models.CharField(_("note on the return"), max_length=300, blank=True)
    money_reclaim_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("row of the award list")
        verbose_name_plural = _("rows of the award list")
        ordering = ["award_list", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["award_list", "entry"], name="award_row_unique")]

    def __str__(self):
        return f"{self.position}. {self.entry_id} {self.tier_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AwardChange(models.Model):
    """A manual change of the list, with its reason: an entry's tier changed, or a tier left partly vacant."""

    award_list = models.ForeignKey(AwardList, on_delete=models.CASCADE, related_name="changes")
    entry = models.ForeignKey("entries.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier = models.ForeignKey("competitions.PrizeTier", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("For a vacancy: the tier left partly vacant."))
    from_tier_name = models.CharField(_("from"), max_length=30, blank=True)
    to_tier_name = models.CharField(_("to"), max_length=30, blank=True)
    vacant = models.PositiveIntegerField(_("prizes left vacant"), null=True, blank=True)
    during = models.CharField(_("list status at the change"), max_length=10, choices=ListStatus.choices)
    objection = models.ForeignKey("Objection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("change of the award list")
        verbose_name_plural = _("changes of the award list")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_tier_name or '-'} → {self.to_tier_name or '-'}"


class TierVacancy(models.Model):
    """The office's decision to leave `vacant` prizes of a tier unawarded (R11)."""

    award_list = models.ForeignKey(AwardList, on_delete=models.CASCADE, related_name="vacancies")
    tier = models.ForeignKey("competitions.PrizeTier", on_delete=models.CASCADE, related_name="+")
    vacant = models.PositiveIntegerField(_("prizes left vacant"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("vacancy of a tier")
        verbose_name_plural = _("vacancies of tiers")
        constraints = [models.UniqueConstraint(fields=["award_list", "tier"], name="tier_vacancy_unique")]

    def __str__(self):
        return f"{self.tier} −{self.vacant}"


class ObjectorKind(models.TextChoices):
    PERSON = "person", _("an individual")
    UNIT = "unit", _("a unit")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection", "under investigation")
    ANSWERED = "answered", pgettext_lazy("objection", "answered")


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", pgettext_lazy("objection", "upheld: the list is changed")
    PARTLY = "partly", pgettext_lazy("objection", "partly upheld")
    REJECTED = "rejected", pgettext_lazy("objection", "not upheld")


def objection_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"awards/objections/{instance.award_list_id}/{uuid.uuid4().hex}{suffix}"


class Objection(models.Model):
    """A named objection (实名异议) to an entry on the announced list. The objector's identity is the office's
    only; the public sees nothing of it."""

    award_list = models.ForeignKey(AwardList, on_delete=models.CASCADE, related_name="objections")
    entry = models.ForeignKey("entries.Entry", verbose_name=_("entry objected to"), on_delete=models.PROTECT,
                              related_name="+")
    number = models.CharField(_("receipt number"), max_length=30, unique=True)
    kind = models.CharField(_("objector"), max_length=10, choices=ObjectorKind.choices)
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    unit_name = models.CharField(_("name of the unit"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    letter = models.FileField(_("stamped letter"), upload_to=objection_path, max_length=300, blank=True)
    letter_name = models.CharField(_("file name"), max_length=255, blank=True)
    grounds = models.TextField(_("grounds"))
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(_("evidence file"), upload_to=objection_path, max_length=300, blank=True)
    evidence_file_name = models.CharField(_("file name"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN)
    finding = models.TextField(_("finding of the investigation"), blank=True)
    answer = models.TextField(_("answer to the objector"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return self.number


class Certificate(models.Model):
    """The certificate of an award: a readable number (ZZWX-2025-TD-003), an unguessable token for the public
    verification page its QR code points to, and the PDF."""

    row = models.OneToOneField(AwardRow, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(max_length=40, unique=True, default=_token)
    issued_on = models.DateField(_("date on the certificate"))
    file = models.FileField(_("PDF"), upload_to="awards/certificates/", max_length=300, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["number"]

    def __str__(self):
        return self.number


class JobKind(models.TextChoices):
    CERTIFICATES = "certificates", _("certificates")
    BUNDLE = "bundle", _("awarded entries' forms and material")
    REPORT = "report", _("summary report")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


def job_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"awards/jobs/{instance.edition_id}/{uuid.uuid4().hex}{suffix}"


class AwardJob(models.Model):
    """A long job of the awards stage run in the background (django-tasks) with a progress bar."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    result = models.FileField(_("file"), upload_to=job_path, max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("awards job")
        verbose_name_plural = _("awards jobs")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == JobStatus.DONE else 0)
