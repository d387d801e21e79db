import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxiao.common.validators import MaxZiValidator

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
    category = models.ForeignKey("competitions.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="entries")
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices,
                              default=EntryStatus.DRAFT, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    recommendation_rank = models.PositiveIntegerField(_("merit rank"), null=True, blank=True)

    # --- The entry form, Attachment 2 (R17–R25). Blank while a draft; submission checks them. ---
    affiliation = models.CharField(_("unit (individual) (所属单位（个人）)"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_mobile = models.CharField(_("contact phone (mobile number)"), max_length=20, blank=True)
    awards = models.TextField(_("awards received"), blank=True)
    summary = models.TextField(_("summary"), blank=True, validators=[MaxZiValidator(500)])
    industry = models.ForeignKey("common.Industry", verbose_name=_("industry (GB/T 4754)"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    background = models.TextField(_("background"), blank=True)
    goals = models.TextField(_("goals / key problems solved"), blank=True)
    innovation_points = models.TextField(_("innovation points"), blank=True, validators=[MaxZiValidator(500)])
    benefits = models.TextField(_("economic and social benefits"), blank=True,
                                validators=[MaxZiValidator(500)])
    presentation_forms = models.ManyToManyField("competitions.PresentationForm", verbose_name=_("presentation forms"),
                                                blank=True, related_name="entries")
    completed_on = models.DateField(_("completed or put into use on"), null=True, blank=True)
    other_circumstances = models.TextField(_("other circumstances"), blank=True)
    union_opinion = models.TextField(_("opinion of the declaring unit's trade union"), blank=True)
    union_opinion_by = models.CharField(_("opinion given by"), max_length=50, blank=True)
    union_opinion_on = models.DateField(_("opinion date"), null=True, blank=True)
    # R1: the unit's union belongs to Zhengzhou and the completers are front-line workers.
    confirms_scope = models.BooleanField(_("confirms the scope"), default=False)
    # R2: achieved within the edition's "recent three years" window.
    confirms_recent = models.BooleanField(_("confirms recent work"), default=False)
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


class Completer(models.Model):
    """A main completer (R18); position 0 is the first completer."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="completers")
    position = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name of the completer"), max_length=50)
    age = models.PositiveSmallIntegerField(_("age"), validators=[MinValueValidator(16), MaxValueValidator(80)])
    post = models.CharField(_("post / title (trade or grade)"), max_length=100)
    workplace = models.CharField(_("workplace"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)

    class Meta:
        verbose_name = _("main completer")
        verbose_name_plural = _("main completers")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class ExclusionAnswer(models.Model):
    """The declaring unit's explicit answer to one exclusion of R4 (True: the case applies)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="exclusion_answers")
    exclusion = models.ForeignKey("competitions.Exclusion", on_delete=models.PROTECT, related_name="answers")
    applies = models.BooleanField(_("applies"))
    note = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("exclusion answer")
        verbose_name_plural = _("exclusion answers")
        constraints = [models.UniqueConstraint(fields=["entry", "exclusion"], name="exclusion_answer_unique")]

    def __str__(self):
        return f"{self.exclusion} · {_('applies') if self.applies else _('does not apply')}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    DOCUMENT = "document", _("document (PDF)")
    PPT = "ppt", _("roadshow PPT")
    VIDEO = "video", _("roadshow video")
    OTHER = "other", _("material on other circumstances")
    STAMPED_FORM = "stamped_form", _("stamped entry form (scan)")


# Kinds of which an entry keeps one file: a new upload replaces the old one.
SINGLE_KINDS = frozenset({AttachmentKind.PPT, AttachmentKind.VIDEO, AttachmentKind.STAMPED_FORM})


def attachment_path(instance, filename: str) -> str:
    """Storage path outside the web root; the original name is kept in the row, not the path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"entries/{instance.entry.edition_id}/{instance.entry_id}/{instance.kind}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file of an entry that passed its checks (R24); served only to those who may see the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    details = models.JSONField(_("check results"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def plays_in_browsers(self) -> bool:
        """A video that HTML5 <video> plays in the browsers our users have (Chrome, Safari, WeChat's):
        MP4 with H.264, or AV1/VP9; a WMV or an MP4 in HEVC or MPEG-4 Part 2 is offered as a download."""
        if self.kind != AttachmentKind.VIDEO or self.content_type != "video/mp4":
            return False
        codec = (self.details or {}).get("codec")
        return codec is None or codec in BROWSER_VIDEO_CODECS

    @property
    def video_format(self) -> str:
        """The container, and the codec inside an MP4: "WMV", "MP4 (HEVC)"."""
        container = self.original_name.rsplit(".", 1)[-1].upper() if "." in self.original_name else ""
        codec = (self.details or {}).get("codec")
        return f"{container} ({codec.upper()})" if codec and container == "MP4" else container


# What PyAV calls the video codecs that HTML5 <video> plays inside MP4 in current browsers.
BROWSER_VIDEO_CODECS = {"h264", "av1", "vp9"}


def commitment_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"commitments/{instance.edition_id}/{instance.unit_id}/{uuid.uuid4().hex}{suffix}"


class CreditCommitment(models.Model):
    """The unit's credit commitment (Attachment 4, R27): once per declaring unit and edition."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="commitments")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="commitments")
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    scan = models.FileField(_("stamped scan"), upload_to=commitment_path, max_length=300, blank=True)
    scan_name = models.CharField(_("file name"), max_length=255, blank=True)
    scan_uploaded_at = models.DateTimeField(_("scan uploaded"), null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")
        constraints = [models.UniqueConstraint(fields=["edition", "unit"], name="commitment_unique")]

    def __str__(self):
        return f"{self.unit} · {self.edition}"

    @property
    def is_stamped(self) -> bool:
        return bool(self.scan)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    IMPORTED = "imported", _("imported")
    DISCARDED = "discarded", _("discarded")


def import_path(instance, filename: str) -> str:
    return f"imports/{instance.edition_id}/{uuid.uuid4().hex}.xlsx"


class EntryImport(models.Model):
    """A workbook of entries collected offline (the import template filled in), uploaded by a recommending
    unit or the committee office: checked when uploaded (the preview), checked again and turned into
    drafts of the declaring units in one transaction when confirmed (entries.importing)."""

    edition = models.ForeignKey("competitions.Edition", verbose_name=_("edition"), on_delete=models.PROTECT,
                                related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # The committee office imports for any declaring unit; a recommending unit for its own.
    by_office = models.BooleanField(_("imported by the committee office"), default=False)
    file = models.FileField(_("file"), upload_to=import_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    # What the last check found: {"problems": [file-wide messages], "rows": [one dict per row]}.
    preview = models.JSONField(_("check results"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    entries = models.ManyToManyField(Entry, verbose_name=_("entries created"), blank=True, related_name="imports")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    decided_at = models.DateTimeField(_("confirmed or discarded"), null=True, blank=True)

    class Meta:
        verbose_name = _("Excel import of entries")
        verbose_name_plural = _("Excel imports of entries")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name
