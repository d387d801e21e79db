"""The second round (复赛, R7, R13): the expert pool, conflicts of interest, the rubric's guidance,
the assignment of entries to experts, the scores and the finalist list.

The engines (`assignment/`, `aggregation/`) know nothing of these models; `services.py` builds
their problems from here and saves what they return.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.validators import validate_mobile


class AggregationRule(models.TextChoices):
    TRIMMED_MEAN = "trimmed_mean", _("trimmed mean (drop one highest and one lowest score when there are at least 5)")
    MEAN = "mean", _("mean")


class ReviewSettings(models.Model):
    """How one edition runs its second round: numbers the office sets before it starts."""

    edition = models.OneToOneField("competitions.Edition", on_delete=models.CASCADE, related_name="review_settings")
    # Assignment (item 4)
    reviews_per_entry = models.PositiveSmallIntegerField(_("experts per entry"), default=5)
    load_min = models.PositiveIntegerField(_("entries per expert, at least"), default=0)
    load_max = models.PositiveIntegerField(_("entries per expert, at most"), default=40)
    require_senior = models.BooleanField(_("at least one expert with a senior title (正高级) per entry"),
                                         default=False)
    max_per_organisation = models.PositiveSmallIntegerField(
        _("at most this many experts of one organisation per entry"), null=True, blank=True)
    seed = models.BigIntegerField(_("seed of the random draw"), null=True, blank=True,
                                  help_text=_("Recorded with every assignment, so the draw can be reproduced."))
    # Conflicts (item 2)
    conflict_recommending_unit = models.BooleanField(
        _("an expert is also conflicted with the entries of their organisation's recommending unit"), default=False)
    # Touched by every change of the pool, the groups of companies or the setting above: the conflict
    # check is current only when it started after this (queries_pool.conflict_check_current).
    conflicts_changed_at = models.DateTimeField(_("pool, groups or conflict settings changed"), null=True,
                                                blank=True)
    # Scoring (items 3, 7)
    anonymise = models.BooleanField(_("hide the declaring unit and the completers from experts"), default=True)
    comment_required = models.BooleanField(_("experts must write a comment with every score"), default=False)
    rubric_locked_at = models.DateTimeField(_("rubric locked"), null=True, blank=True)
    rubric_reopened_at = models.DateTimeField(_("rubric reopened"), null=True, blank=True)
    rubric_reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    rubric_reopen_reason = models.TextField(_("reason for reopening the rubric"), blank=True)
    scoring_deadline = models.DateTimeField(_("scores due"), null=True, blank=True)
    reminder_every_days = models.PositiveSmallIntegerField(
        _("remind experts with scores outstanding every N days (empty: only on demand)"), null=True, blank=True)
    last_reminder_at = models.DateTimeField(_("last scheduled reminder"), null=True, blank=True)
    # Aggregation and finalists (items 9–11)
    aggregation_rule = models.CharField(_("official score"), max_length=20, choices=AggregationRule.choices,
                                        default=AggregationRule.TRIMMED_MEAN)
    finalist_count = models.PositiveIntegerField(_("finalists (top N)"), null=True, blank=True, default=75)
    finalist_cutoff = models.DecimalField(_("finalists: official score at least"), max_digits=6, decimal_places=2,
                                          null=True, blank=True)
    finalists_by_category = models.BooleanField(_("finalists chosen within each category"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("second-round settings")
        verbose_name_plural = _("second-round settings")

    def __str__(self):
        return str(self.edition)


class CriterionBand(models.Model):
    """The scoring guidance (评分要点) for one band of points of a criterion (competitions.Criterion, R7)."""

    criterion = models.ForeignKey("competitions.Criterion", on_delete=models.CASCADE, related_name="bands")
    position = models.PositiveIntegerField(_("order"), default=0)
    low = models.DecimalField(_("from (points)"), max_digits=5, decimal_places=1)
    high = models.DecimalField(_("to (points)"), max_digits=5, decimal_places=1)
    text = models.TextField(_("scoring guidance"))

    class Meta:
        verbose_name = _("scoring guidance")
        verbose_name_plural = _("scoring guidance")
        ordering = ["criterion", "position", "id"]

    def __str__(self):
        return f"{self.criterion.name} {self.low}–{self.high}"


class ExpertTitle(models.TextChoices):
    """Professional title (职称); the values are the assignment engine's title codes."""

    SENIOR = "senior", _("正高级")
    ASSOCIATE = "associate", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    OTHER = "other", pgettext_lazy("professional title", "other")


class ExpertStatus(models.TextChoices):
    POOL = "pool", pgettext_lazy("expert status", "in the pool, not invited")
    INVITED = "invited", pgettext_lazy("expert status", "invited")
    ACCEPTED = "accepted", pgettext_lazy("expert status", "accepted")
    DECLINED = "declined", pgettext_lazy("expert status", "declined")


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Expert(models.Model):
    """A member of the edition's expert pool (专家技术委员会, R13)."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="experts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="expert_seats")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    # The organisation as the platform knows it (matched by name or credit code), for conflicts.
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation (registered)"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("professional title"), max_length=20, choices=ExpertTitle.choices,
                             default=ExpertTitle.OTHER)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[validate_mobile])
    email = models.EmailField(_("e-mail"), blank=True)
    load_min = models.PositiveIntegerField(_("entries at least (this expert)"), null=True, blank=True)
    load_max = models.PositiveIntegerField(_("entries at most (this expert)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ExpertStatus.choices, default=ExpertStatus.POOL)
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    invitation_expires_at = models.DateTimeField(_("invitation expires"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["edition", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "mobile"], name="expert_mobile_unique"),
            models.UniqueConstraint(fields=["edition", "user"], condition=Q(user__isnull=False),
                                    name="expert_user_unique"),
        ]

    def __str__(self):
        return f"{self.name}（{self.organisation_name}）"


class ExpertField(models.Model):
    """A field of expertise as a GB/T 4754 code at any level, with the expert's own depth (1–3)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="fields")
    industry = models.ForeignKey("common.Industry", verbose_name=_("industry (GB/T 4754)"), on_delete=models.PROTECT,
                                 related_name="+")
    depth = models.PositiveSmallIntegerField(_("depth (1–3)"), default=2)

    class Meta:
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")
        ordering = ["expert", "industry"]
        constraints = [models.UniqueConstraint(fields=["expert", "industry"], name="expert_field_unique")]

    def __str__(self):
        return f"{self.industry_id} ({self.depth})"


class CompanyGroup(models.Model):
    """Organisations the office links as one group of companies (集团): an expert of one is conflicted
    with the entries of all."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="company_groups")
    name = models.CharField(_("name of the group"), max_length=200)
    # Names as written (they need not be registered on the platform), one per line.
    member_names = models.TextField(_("member organisations (one per line)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group of companies")
        verbose_name_plural = _("groups of companies")
        ordering = ["edition", "name"]

    def __str__(self):
        return self.name

    @property
    def names(self) -> list[str]:
        return [n.strip() for n in self.member_names.splitlines() if n.strip()]


class ConflictSource(models.TextChoices):
    AUTOMATIC = "automatic", pgettext_lazy("conflict source", "found by the platform")
    DECLARED = "declared", pgettext_lazy("conflict source", "declared by the expert")
    OFFICE = "office", pgettext_lazy("conflict source", "set by the committee office")


class Conflict(models.Model):
    """An expert may not see, be assigned or score an entry (回避), with the reason.

    Automatic conflicts are recomputed by the conflict check for the whole pool; declared and
    office conflicts stay until the office lifts them (`lifted_at`, with a reason).
    """

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="review_conflicts")
    # A declaration or office decision about a whole unit expands to its entries and keeps the unit.
    unit = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["expert", "entry", "source"]
        constraints = [models.UniqueConstraint(fields=["expert", "entry", "source"], name="conflict_unique")]
        indexes = [models.Index(fields=["edition", "entry"]), models.Index(fields=["edition", "expert"])]

    def __str__(self):
        return f"{self.expert.name} × {self.entry_id}: {self.reason}"


class ConflictCheck(models.Model):
    """One run of the automatic conflict check for the whole pool."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    found = models.PositiveIntegerField(_("conflicts found"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    class Meta:
        verbose_name = _("conflict check")
        verbose_name_plural = _("conflict checks")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.edition} · {self.started_at:%Y-%m-%d %H:%M}"
        return f"{self.edition_id} · {self.started_at:%Y-%m-%d %H:%M}"


class PairRuleKind(models.TextChoices):
    PIN = "pin", _("must review")
    FORBID = "forbid", _("must not review")


class PairRule(models.Model):
    """The office pins or forbids one expert for one entry (item 4), with its reason."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="pair_rules")
    kind = models.CharField(_("rule"), max_length=10, choices=PairRuleKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("pinned or forbidden pair")
        verbose_name_plural = _("pinned or forbidden pairs")
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="pair_rule_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.expert} × {self.entry}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("job status", "waiting")
    RUNNING = "running", pgettext_lazy("job status", "running")
    DONE = "done", pgettext_lazy("job status", "done")
    INFEASIBLE = "infeasible", pgettext_lazy("job status", "no assignment exists")
    FAILED = "failed", pgettext_lazy("job status", "failed")


class AssignmentRun(models.Model):
    """One computation of the assignment in the background worker, with its seed and what it found."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    second_pass = models.BooleanField(_("second pass"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    seed = models.BigIntegerField(_("seed of the random draw"))
    # What the run was asked (k, loads, side rules, the second pass's entries) and what it found
    # (cost, worst load, solver, seconds; the reasons in words when no assignment exists).
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.edition} · {self.get_status_display()} · {self.seed}"


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", pgettext_lazy("assignment source", "computed")
    PINNED = "pinned", pgettext_lazy("assignment source", "pinned by the office")
    MANUAL = "manual", pgettext_lazy("assignment source", "edited by hand")
    REASSIGNED = "reassigned", pgettext_lazy("assignment source", "re-assigned")
    SECOND_PASS = "second_pass", pgettext_lazy("assignment source", "second pass")


class ReviewAssignment(models.Model):
    """Expert × entry: the expert reviews the entry in the second round.

    Drafts (published_at empty) are the office's until it publishes them; a removed pair
    (removed_at, with a reason: the expert declined or recused) stays for the record.
    """

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="review_assignments")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="assignments")
    run = models.ForeignKey(AssignmentRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs")
    source = models.CharField(_("source"), max_length=20, choices=AssignmentSource.choices,
                              default=AssignmentSource.SOLVER)
    review_pass = models.PositiveSmallIntegerField(_("pass"), default=1)
    quality = models.FloatField(_("match quality"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    remove_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["entry", "expert"]
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], condition=Q(removed_at__isnull=True),
                                               name="assignment_active_unique")]
        indexes = [models.Index(fields=["edition", "expert"]), models.Index(fields=["edition", "entry"])]

    def __str__(self):
        return f"{self.entry_id} × {self.expert_id}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("score status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("score status", "submitted")


class Score(models.Model):
    """An expert's score of one assigned entry: draft saved as typed, locked at submission (item 7)."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="score")
    # Denormalised from the assignment for the aggregation's one query.
    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="review_scores")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="scores")
    status = models.CharField(_("status"), max_length=20, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    no_conflict_confirmed_at = models.DateTimeField(_("no conflict of interest confirmed (本人与该作品无利害关系)"),
                                                    null=True, blank=True)
    saved_at = models.DateTimeField(_("saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        indexes = [models.Index(fields=["edition", "status"]), models.Index(fields=["edition", "expert"])]

    def __str__(self):
        return f"{self.entry_id} × {self.expert_id}: {self.total}"


class ScoreItem(models.Model):
    """The points given for one criterion (R7)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey("competitions.Criterion", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("points for a criterion")
        verbose_name_plural = _("points for criteria")
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="score_item_unique")]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class FinalistListStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("finalist list status", "proposed")
    APPROVED = "approved", pgettext_lazy("finalist list status", "approved")


class FinalistList(models.Model):
    """The proposed finalist list (决赛入围建议名单, item 11): computed, edited with reasons, approved once."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="finalist_lists")
    status = models.CharField(_("status"), max_length=20, choices=FinalistListStatus.choices,
                              default=FinalistListStatus.DRAFT)
    # The rule used (top N or cut-off, by category), the aggregation's summary (α, flags).
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approval_note = models.TextField(_("note with the approval"), blank=True)

    class Meta:
        verbose_name = _("finalist list")
        verbose_name_plural = _("finalist lists")
        # Lists follow one another: each decides the entries in the second round when it was proposed, so an
        # entry accepted late (after a correction) is decided by a later, supplementary list (补充名单).
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.edition} · {self.get_status_display()}"
        return f"{self.edition}：{self.get_status_display()}（{self.pk}）"


class FinalistRow(models.Model):
    """One entry of the list: its scores and ranks as proposed, and the office's decision with its reason."""

    finalist_list = models.ForeignKey(FinalistList, on_delete=models.CASCADE, related_name="rows")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="+")
    official_score = models.DecimalField(_("official score"), max_digits=6, decimal_places=2, null=True, blank=True)
    calibrated_score = models.DecimalField(_("calibrated score"), max_digits=6, decimal_places=2, null=True,
                                           blank=True)
    official_rank = models.PositiveIntegerField(_("official rank"), null=True, blank=True)
    calibrated_rank = models.PositiveIntegerField(_("calibrated rank"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    proposed = models.BooleanField(_("proposed as finalist"), default=False)
    selected = models.BooleanField(_("finalist"), default=False)
    change_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("row of the finalist list")
        verbose_name_plural = _("rows of the finalist list")
        ordering = ["finalist_list", "official_rank", "id"]
        constraints = [models.UniqueConstraint(fields=["finalist_list", "entry"], name="finalist_row_unique")]

    def __str__(self):
        return f"{self.finalist_list} · {self.entry}"
        return f"{self.finalist_list_id} × {self.entry_id}"
