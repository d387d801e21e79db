"""A competition edition and everything the notice fixes as a number or a list.

Next year's edition, or another city's, changes these rows, not the program.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EditionQuerySet(models.QuerySet):
    def current(self):
        """The edition shown at the site root: the one marked current, else the newest."""
        return self.order_by("-is_current", "-year", "-id").first()


class Edition(models.Model):
    slug = models.SlugField(_("short name (in addresses)"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuers = models.CharField(_("issuing bodies"), max_length=300, blank=True)
    is_practice = models.BooleanField(
        _("practice copy (演示)"), default=False,
        help_text=_("A copy for trying out every stage; marked 演示 everywhere it is shown."),
    )
    is_current = models.BooleanField(_("shown on the public page"), default=False)
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="copies")

    # Dates (R2, R15). Datetimes are stored in UTC and entered/shown in Beijing time.
    notice_date = models.DateField(_("date of the notice"))
    declaration_opens_at = models.DateTimeField(_("declaration opens"))
    declaration_deadline = models.DateTimeField(
        _("declaration deadline"), help_text=_("Beijing time, to the minute; the server decides to the second."),
    )
    recommendation_deadline = models.DateTimeField(_("recommendation deadline"))
    window_start = models.DateField(
        _("recent work from"),
        help_text=_("Innovations completed or put into use on or after this date qualify (近三年以来)."),
    )
    window_end = models.DateField(_("recent work until"))

    # Numbers (R6, R8, R9)
    recommendation_quota = models.PositiveIntegerField(
        _("recommendation quota per unit"), default=20,
        help_text=_("At most this many entries per recommending unit, in principle (原则上)."),
    )
    roadshow_minutes = models.PositiveIntegerField(_("roadshow length in minutes"), default=5)
    site_visit_top_n = models.PositiveIntegerField(_("site visits for the top N"), default=20)

    # Material limits (R24)
    ppt_max_mb = models.PositiveIntegerField(_("PPT at most (MB)"), default=100)
    ppt_aspect = models.CharField(_("PPT aspect ratio"), max_length=10, default="16:9")
    video_max_minutes = models.PositiveIntegerField(_("video at most (minutes)"), default=5)
    video_max_mb = models.PositiveIntegerField(_("video at most (MB)"), default=800)
    video_width = models.PositiveIntegerField(_("video width (pixels)"), default=1920)
    video_height = models.PositiveIntegerField(_("video height (pixels)"), default=1080)
    video_formats = models.CharField(_("video formats"), max_length=100, default="mp4,wmv",
                                     help_text=_("File extensions, separated by commas."))

    # Contact (R16)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_address = models.CharField(_("address for submissions"), max_length=200, blank=True)

    # Texts
    scope_text = models.TextField(_("scope of the competition"), blank=True)
    procedure_text = models.TextField(_("procedure"), blank=True)
    notice_text = models.TextField(_("text of the notice"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year", "-id"]

    def __str__(self):
        return f"{self.title}（演示）" if self.is_practice else self.title

    def is_declaration_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.declaration_opens_at <= now < self.declaration_deadline

    @property
    def total_prize_money(self) -> int:
        return sum(t.count * t.amount_yuan for t in self.prize_tiers.all())

    @property
    def total_prize_count(self) -> int:
        return sum(t.count for t in self.prize_tiers.all())


class EditionItem(models.Model):
    """A row of one of the edition's lists, kept in the committee's order."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Category(EditionItem):
    """One of the five categories of 五小 (R3)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=30)

    class Meta(EditionItem.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="category_unique")]

    def __str__(self):
        return self.name


class PresentationForm(EditionItem):
    """A roadshow presentation form the entry form offers (R22)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="presentation_forms")
    name = models.CharField(_("name"), max_length=50)

    class Meta(EditionItem.Meta):
        verbose_name = _("presentation form")
        verbose_name_plural = _("presentation forms")
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="presentation_form_unique")]

    def __str__(self):
        return self.name


class Exclusion(EditionItem):
    """A case that is not eligible (R4), answered explicitly by the declaring unit."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="exclusions")
    number = models.PositiveIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=200)

    class Meta(EditionItem.Meta):
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="exclusion_unique")]

    def __str__(self):
        return f"{self.number}. {self.text}"


class Criterion(EditionItem):
    """A second-round review aspect with its points (R7)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=50)
    max_points = models.PositiveIntegerField(_("points"))
    description = models.TextField(_("description"), blank=True)

    class Meta(EditionItem.Meta):
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="criterion_unique")]

    def __str__(self):
        return f"{self.name}（{self.max_points}）"


class PrizeTier(EditionItem):
    """A prize tier with its count and money per prize (R11)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="prize_tiers")
    name = models.CharField(_("name"), max_length=30)
    count = models.PositiveIntegerField(_("number of prizes"))
    amount_yuan = models.PositiveIntegerField(_("prize money per prize (yuan)"))

    class Meta(EditionItem.Meta):
        verbose_name = _("prize tier")
        verbose_name_plural = _("prize tiers")
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="prize_tier_unique")]

    def __str__(self):
        return self.name


class CommitteeBody(models.TextChoices):
    COMMITTEE = "committee", _("organising committee")
    OFFICE = "office", _("committee office")
    EXPERTS = "experts", _("expert technical committee")


class CommitteeMember(EditionItem):
    """A person named in one of the committee bodies (R13)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="committee_members")
    body = models.CharField(_("body"), max_length=20, choices=CommitteeBody.choices)
    function = models.CharField(_("function"), max_length=30, help_text=_("e.g. 主任, 副主任, 成员"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    post = models.CharField(_("post"), max_length=200, blank=True)

    class Meta(EditionItem.Meta):
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self):
        return f"{self.get_body_display()} {self.function} {self.name}"


# The lists an edition owns; copying an edition copies each of them.
EDITION_LISTS = (Category, PresentationForm, Exclusion, Criterion, PrizeTier, CommitteeMember)
