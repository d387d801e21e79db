"""Writing the audit log. Services call `record()` inside their transaction."""

from django.conf import settings
from django.db import models
from django.utils import translation

from .models import AuditLog


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(*, actor, action: str, obj: models.Model, reason: str = "", edition=None,
           data: dict | None = None, ip: str | None = None) -> AuditLog:
    """Add one audit row for `action` by `actor` on `obj`."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # The object's name is kept in the site's language, whichever language the actor reads.
    with translation.override(settings.LANGUAGE_CODE):
        name = str(obj)[:300]
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=name,
        edition=edition,
        reason=reason or "",
        data=data or {},
        ip=ip,
    )
