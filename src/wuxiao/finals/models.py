"""The final round (决赛, R8–R10): roadshow sessions with their order and live scoring, the finalists'
roadshow material (R24), site visits of the top N (R9) and the final ranking (R10).

The entries stay `finalist` throughout: the final round's progress lives here, and the awards stage
reads the approved ranking. The arithmetic (trimmed result, ranking, ties) is `scoring.py`, which
knows nothing of these models.
"""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FinalStage(models.TextChoices):
    ROADSHOW = "roadshow", _("roadshow")
    SITE = "site", _("site visit")


class UnvisitedRule(models.TextChoices):
    """R10: how entries without a site visit rank (an edition rule)."""

    AFTER = "after", _("after the visited entries, by roadshow score (the notice's default)")
    MIXED = "mixed", _("among the visited entries, by roadshow score alone (weighted)")


class FinalSettings(models.Model):
    """The edition's settings of the final round."""

    edition = models.OneToOneField("competitions.Edition", on_delete=models.CASCADE, related_name="final_settings")
    material_deadline = models.DateTimeField(_("roadshow material due"), null=True, blank=True,
                                             help_text=_("Beijing time. After it, finalists can no longer upload."))
    qa_minutes = models.PositiveSmallIntegerField(_("questions and answers (minutes)"), default=3)
    changeover_minutes = models.PositiveSmallIntegerField(_("changeover between presentations (minutes)"), default=1)
    trim_extremes = models.BooleanField(
        _("drop the highest and the lowest score"), default=True,
        help_text=_("With at least three judges, one highest and one lowest score are struck out and the rest "
                    "averaged; otherwise all are averaged."),
    )
    roadshow_weight = models.DecimalField(_("weight of the roadshow score"), max_digits=4, decimal_places=2,
                                          default=1)
    site_weight = models.DecimalField(_("weight of the site-visit score"), max_digits=4, decimal_places=2, default=1)
    unvisited_rule = models.CharField(_("entries without a site visit"), max_length=10, choices=UnvisitedRule.choices,
                                      default=UnvisitedRule.AFTER)
    show_running_ranking = models.BooleanField(_("big screen shows the running ranking"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("final round settings")
        verbose_name_plural = _("final round settings")

    def __str__(self):
        return str(self.edition)


class FinalCriterion(models.Model):
    """A criterion of the final round's rubric (roadshow or site visit), separate from the second round's."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="final_criteria")
    stage = models.CharField(_("part"), max_length=10, choices=FinalStage.choices)
    position = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=50)
    max_points = models.PositiveIntegerField(_("points"))
    guidance = models.TextField(_("scoring guidance"), blank=True)

    class Meta:
        verbose_name = _("final round criterion")
        verbose_name_plural = _("final round criteria")
        ordering = ["edition", "stage", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "stage", "name"], name="final_criterion_unique")]

    def __str__(self):
        return f"{self.name}（{self.max_points}）"


class OrderMethod(models.TextChoices):
    GROUP = "group", _("by group (category, then industry, then title)")
    DRAW = "draw", _("by a random draw (抽签)")


def join_token() -> str:
    return secrets.token_urlsafe(24)


class RoadshowSession(models.Model):
    """One roadshow session (场次): when, where, its judges' panel and its running order (R8)."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="roadshow_sessions")
    name = models.CharField(_("name of the session"), max_length=100)
    starts_at = models.DateTimeField(_("starts"), help_text=_("Beijing time."))
    venue = models.CharField(_("venue"), max_length=200)
    group_category = models.ForeignKey("competitions.Category", verbose_name=_("only this category"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    group_industry = models.ForeignKey("common.Industry", verbose_name=_("only this industry"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    order_method = models.CharField(_("running order"), max_length=10, choices=OrderMethod.choices,
                                    default=OrderMethod.DRAW)
    draw_seed = models.BigIntegerField(_("seed of the draw"), null=True, blank=True)
    draw_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    draw_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    # The draw's input (entry ids sorted by id) and output (entry ids in running order), to re-run it.
    draw_result = models.JSONField(_("result of the draw"), default=dict, blank=True)
    order_published_at = models.DateTimeField(_("order published"), null=True, blank=True)
    order_published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    # Live: the slot on stage and a counter bumped by every change (the polling pages ask "anything after N?").
    # The big screen and the presenter page for the venue's computers, opened without an account by this link.
    screen_token = models.CharField(max_length=64, unique=True, default=join_token, editable=False)
    current_slot = models.ForeignKey("Slot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(_("session started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("session ended"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("roadshow session")
        verbose_name_plural = _("roadshow sessions")
        ordering = ["edition", "starts_at", "id"]

    def __str__(self):
        return self.name


class SessionJudge(models.Model):
    """A judge (an expert of the pool) on a session's panel; shown anonymised as 评委 `seat`."""

    session = models.ForeignKey(RoadshowSession, on_delete=models.CASCADE, related_name="judges")
    expert = models.ForeignKey("review.Expert", verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="roadshow_seats")
    seat = models.PositiveSmallIntegerField(_("seat"))
    # A one-time link that signs the judge in on the phone (the QR code on the console leads to it or to login).
    join_token = models.CharField(max_length=64, unique=True, default=join_token, editable=False)
    join_token_used_at = models.DateTimeField(_("one-time link used"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("judge of a session")
        verbose_name_plural = _("judges of a session")
        ordering = ["session", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["session", "expert"], name="session_judge_unique"),
            models.UniqueConstraint(fields=["session", "seat"], name="session_judge_seat_unique"),
        ]

    def __str__(self):
        return f"{self.session} · 评委{self.seat}"


class SlotPhase(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("slot phase", "waiting")
    PRESENTING = "presenting", pgettext_lazy("slot phase", "presenting")
    QA = "qa", pgettext_lazy("slot phase", "questions and answers")
    SCORING = "scoring", pgettext_lazy("slot phase", "scoring open")
    LOCKED = "locked", pgettext_lazy("slot phase", "scores locked")
    REVEALED = "revealed", pgettext_lazy("slot phase", "scores revealed")


class Slot(models.Model):
    """One finalist's place in a session's running order, and its live state.

    The clock of the current phase (presentation or Q&A) is `clock_elapsed` seconds before
    `clock_running_since` plus the time since then while running; paused when `clock_running_since` is empty.
    All times are the server's.
    """

    session = models.ForeignKey(RoadshowSession, on_delete=models.CASCADE, related_name="slots")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="roadshow_slots")
    position = models.PositiveSmallIntegerField(_("place in the order"))
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    notified_at = models.DateTimeField(_("finalist notified"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=SlotPhase.choices, default=SlotPhase.WAITING)
    clock_elapsed = models.FloatField(default=0)
    clock_running_since = models.DateTimeField(null=True, blank=True)
    presentation_seconds = models.FloatField(_("presentation took (seconds)"), null=True, blank=True)
    qa_seconds = models.FloatField(_("questions and answers took (seconds)"), null=True, blank=True)
    scoring_opened_at = models.DateTimeField(_("scoring opened"), null=True, blank=True)
    locked_at = models.DateTimeField(_("scores locked"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    lock_reason = models.TextField(_("reason for locking with scores missing"), blank=True)
    revealed_at = models.DateTimeField(_("scores revealed"), null=True, blank=True)
    result = models.DecimalField(_("roadshow score"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("roadshow slot")
        verbose_name_plural = _("roadshow slots")
        ordering = ["session", "position", "id"]
        # An entry presents once in the edition's final.
        constraints = [models.UniqueConstraint(fields=["entry"], name="slot_entry_unique")]

    def __str__(self):
        return f"{self.session} · {self.position}"


class SlotEvent(models.Model):
    """What the console did to a slot, when, by whom and why (start, pause, resume, end, Q&A, open, lock, reveal,
    a judge's score cleared)."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("event of a slot")
        verbose_name_plural = _("events of a slot")
        ordering = ["slot", "at", "id"]

    def __str__(self):
        return f"{self.slot} · {self.action}"


class RoadshowScore(models.Model):
    """A judge's score of one presentation: stored once (idempotency key, one per session, entry and judge)."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="scores")
    session = models.ForeignKey(RoadshowSession, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(SessionJudge, on_delete=models.CASCADE, related_name="scores")
    items = models.JSONField(_("points per criterion"), default=dict)  # {criterion id: points}
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    idempotency_key = models.UUIDField(unique=True)
    typed_at = models.DateTimeField(_("typed on the phone"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    clear_reason = models.TextField(_("reason for clearing"), blank=True)

    class Meta:
        verbose_name = _("roadshow score")
        verbose_name_plural = _("roadshow scores")
        ordering = ["slot", "judge__seat"]
        constraints = [
            models.UniqueConstraint(fields=["session", "entry", "judge"], condition=Q(cleared_at__isnull=True),
                                    name="roadshow_score_once"),
        ]

    def __str__(self):
        return f"{self.slot} · {self.judge}: {self.total}"


class MaterialKind(models.TextChoices):
    PPT = "ppt", _("roadshow PPT")
    VIDEO = "video", _("video")


def material_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"finals/{instance.edition_id}/{instance.entry_id}/{instance.kind}/{uuid.uuid4().hex}{suffix}"


class RoadshowMaterial(models.Model):
    """A finalist's roadshow PPT or video (R24), checked like the declaration's; a new upload replaces the old."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="roadshow_materials")
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    details = models.JSONField(_("checked"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("roadshow material")
        verbose_name_plural = _("roadshow material")
        ordering = ["entry", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind"], condition=Q(replaced_at__isnull=True),
                                    name="roadshow_material_current"),
        ]

    def __str__(self):
        return self.original_name


class VisitSource(models.TextChoices):
    PROPOSED = "proposed", _("top N by roadshow score")
    DECIDED = "decided", _("by the committee's decision")


class SiteVisit(models.Model):
    """A site visit (实地考察, R9) of one entry: selected, scheduled, scored on site."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="site_visits")
    entry = models.OneToOneField("entries.Entry", on_delete=models.CASCADE, related_name="site_visit")
    source = models.CharField(_("selected"), max_length=10, choices=VisitSource.choices,
                              default=VisitSource.PROPOSED)
    selection_reason = models.TextField(_("reason for the selection"), blank=True)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    selected_at = models.DateTimeField(_("selected"), auto_now_add=True)
    visit_date = models.DateField(_("date of the visit"), null=True, blank=True)
    start_time = models.TimeField(_("time"), null=True, blank=True)
    route_position = models.PositiveSmallIntegerField(_("stop on the day's route"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    experts = models.ManyToManyField("review.Expert", through="VisitExpert", related_name="site_visits")
    result = models.DecimalField(_("site-visit score"), max_digits=6, decimal_places=2, null=True, blank=True)
    locked_at = models.DateTimeField(_("scores locked"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    lock_reason = models.TextField(_("reason for locking with scores missing"), blank=True)
    cancelled_at = models.DateTimeField(_("withdrawn from the visits"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    cancel_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["edition", "visit_date", "route_position", "id"]

    def __str__(self):
        return str(self.entry)


class VisitExpert(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="visit_experts")
    expert = models.ForeignKey("review.Expert", on_delete=models.PROTECT, related_name="+")
    seat = models.PositiveSmallIntegerField(_("seat"), default=1)

    class Meta:
        verbose_name = _("visiting expert")
        verbose_name_plural = _("visiting experts")
        ordering = ["visit", "seat"]
        constraints = [models.UniqueConstraint(fields=["visit", "expert"], name="visit_expert_unique")]

    def __str__(self):
        return f"{self.visit} · {self.expert}"


class SiteScore(models.Model):
    """A visiting expert's score on site: stored once (idempotency key, one per visit and expert)."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey("review.Expert", on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("points per criterion"), default=dict)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    idempotency_key = models.UUIDField(unique=True)
    typed_at = models.DateTimeField(_("typed on the phone"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("site-visit score")
        verbose_name_plural = _("site-visit scores")
        ordering = ["visit", "expert"]
        constraints = [models.UniqueConstraint(fields=["visit", "expert"], name="site_score_once")]

    def __str__(self):
        return f"{self.visit} · {self.expert}: {self.total}"


def photo_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"finals/site/{instance.visit_id}/{uuid.uuid4().hex}{suffix}"


class SitePhoto(models.Model):
    """A photo taken on site by a visiting expert (checked to be an image; stored once per idempotency key)."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    expert = models.ForeignKey("review.Expert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(unique=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["visit", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name or str(self.pk)


class RankingStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("ranking status", "proposed")
    APPROVED = "approved", pgettext_lazy("ranking status", "approved")


class FinalRanking(models.Model):
    """The final ranking (R10): computed from the roadshow and site scores, changed with reasons, approved.
    The awards stage reads the newest approved one."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="final_rankings")
    status = models.CharField(_("status"), max_length=10, choices=RankingStatus.choices, default=RankingStatus.DRAFT)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)  # weights, rule, counts
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approval_note = models.TextField(_("note with the approval"), blank=True)

    class Meta:
        verbose_name = _("final ranking")
        verbose_name_plural = _("final rankings")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.edition} · {self.get_status_display()}"


class RankingRow(models.Model):
    ranking = models.ForeignKey(FinalRanking, on_delete=models.CASCADE, related_name="rows")
    entry = models.ForeignKey("entries.Entry", on_delete=models.CASCADE, related_name="+")
    roadshow = models.DecimalField(_("roadshow score"), max_digits=6, decimal_places=2, null=True, blank=True)
    site = models.DecimalField(_("site-visit score"), max_digits=6, decimal_places=2, null=True, blank=True)
    final = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True, blank=True)
    visited = models.BooleanField(_("visited"), default=False)
    computed_position = models.PositiveIntegerField(_("computed place"))
    position = models.PositiveIntegerField(_("place"))
    tie = models.BooleanField(_("tied with a neighbour"), default=False)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("row of the final ranking")
        verbose_name_plural = _("rows of the final ranking")
        ordering = ["ranking", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["ranking", "entry"], name="ranking_row_unique")]

    def __str__(self):
        return f"{self.position}. {self.entry_id}"
