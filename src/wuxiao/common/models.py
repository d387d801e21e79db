from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who did what, when, to which object, and why: one row per decision or change.

    Rows are only ever added (never edited or deleted), so a reversal is a new row.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    edition = models.ForeignKey(
        "competitions.Edition", verbose_name=_("edition"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Industry(models.Model):
    """GB/T 4754-2017 national economic industry classification (R21.1), loaded as data."""

    class Level(models.TextChoices):
        SECTION = "section", _("section (门类)")
        DIVISION = "division", _("division (大类)")
        GROUP = "group", _("group (中类)")
        CLASS = "class", _("class (小类)")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries (GB/T 4754-2017)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class RequestKey(models.Model):
    """A one-time key of a request that creates something, so that sending it twice creates it once.

    `scope` names what the key was used for (e.g. "entry.create"), `object_id` what it created.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=100)
    scope = models.CharField(_("used for"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("request key")
        verbose_name_plural = _("request keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="request_key_unique")]

    def __str__(self):
        return f"{self.scope} {self.key}"
