from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role


class UnitKind(models.TextChoices):
    # recommending units, as the notice addresses them
    DISTRICT_UNION = "district_union", _("development-zone / district / county (city) federation of trade unions")
    INDUSTRY_UNION = "industry_union", _("city industry trade union")
    DIRECT_UNION = "direct_union", _("grassroots union directly under the city federation")
    OTHER_RECOMMENDING = "other_recommending", _("other unit named by the committee")
    # declaring units (R1: organs, enterprises and institutions)
    ENTERPRISE = "enterprise", _("enterprise")
    INSTITUTION = "institution", _("public institution")
    ORGAN = "organ", _("government organ")
    # the organising committee's office
    COMMITTEE = "committee", _("committee office")


RECOMMENDING_KINDS = (UnitKind.DISTRICT_UNION, UnitKind.INDUSTRY_UNION, UnitKind.DIRECT_UNION,
                      UnitKind.OTHER_RECOMMENDING)
DECLARING_KINDS = (UnitKind.ENTERPRISE, UnitKind.INSTITUTION, UnitKind.ORGAN)


class RegistrationStatus(models.TextChoices):
    NEW = "new", _("newly registered")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class CreditCodeStatus(models.TextChoices):
    VALID = "valid", _("valid (check digit correct)")
    PENDING = "pending", _("awaiting manual confirmation")
    CONFIRMED = "confirmed", _("confirmed by the committee office")
    WRONG = "wrong", _("found wrong by the committee office")
    NONE = "none", _("not given")


class OrganisationQuerySet(models.QuerySet):
    def recommending(self):
        return self.filter(kind__in=RECOMMENDING_KINDS)

    def declaring(self):
        return self.filter(kind__in=DECLARING_KINDS)

    def active(self):
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A unit: recommending unit (推荐单位), declaring unit (申报单位) or the committee office.

    Units live across editions; what a unit does in one edition (entries, commitment, quota)
    belongs to that edition's records.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("recommending unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="declaring_units",
        help_text=_("The recommending unit (trade union) that screens this unit's entries."),
    )
    union_name = models.CharField(_("trade union (所属工会)"), max_length=200, blank=True)
    credit_code = models.CharField(_("Unified Social Credit Code"), max_length=18, blank=True)
    credit_code_status = models.CharField(
        _("credit code check"), max_length=10, choices=CreditCodeStatus.choices, default=CreditCodeStatus.NONE,
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    registration_status = models.CharField(
        _("registration"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.ACCEPTED,
    )
    registration_note = models.TextField(_("registration note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="org_credit_code_unique"),
            models.UniqueConstraint(fields=["kind", "name"], name="org_kind_name_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_recommending(self) -> bool:
        return self.kind in RECOMMENDING_KINDS

    @property
    def is_declaring(self) -> bool:
        return self.kind in DECLARING_KINDS

    @property
    def is_committee(self) -> bool:
        return self.kind == UnitKind.COMMITTEE


class Membership(models.Model):
    """A person's role in a unit. One person may hold roles in several units."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, verbose_name=_("unit"), on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
