"""One-time request keys: a double click or a retried API call creates one thing, not two.

A page's form that creates something carries a fresh random key in a hidden field; an API client
sends one as the `Idempotency-Key` header. The service that creates claims the key inside its own
transaction, as a row unique per user and key: the first request creates its object and records
it on the row; a repeat, even one sent at the same moment, waits for the first one's transaction
(the unique index on PostgreSQL, the write lock on SQLite) and is handed the same object. A
refused request rolls its claim back with everything else, so the form can be sent again once
corrected. Keys are kept for KEEP, then forgotten.
"""

import datetime as dt
import secrets

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import Refused
from .models import RequestKey

KEY_MAX_LENGTH = 100
KEEP = dt.timedelta(hours=24)

ALREADY_USED = _("This request was already sent once (the same form, or the same Idempotency-Key) and cannot be "
                 "repeated. Please reload the page, or send the request with a new key.")


class RequestKeyUsed(Refused):
    """The key was used for a different request, or what its request created is gone."""

    def __init__(self):
        super().__init__(ALREADY_USED)


def new_key() -> str:
    return secrets.token_urlsafe(16)


class RequestKeyField(forms.CharField):
    """The hidden one-time key of a form that creates something; a fresh one each time the form is shown."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=KEY_MAX_LENGTH, widget=forms.HiddenInput, initial=new_key,
                         **kwargs)


def earlier_use(*, actor, key: str, scope: str) -> RequestKey | None:
    """The finished earlier request with `key`, if any (a cheap look before doing the work again)."""
    if not key:
        return None
    row = RequestKey.objects.filter(user=actor, key=key, created_at__gte=timezone.now() - KEEP).first()
    if row is not None and row.scope != scope:
        raise RequestKeyUsed
    return row


def claim(*, actor, key: str, scope: str) -> RequestKey | None:
    """Claim `key` for this request in the caller's transaction: None if it is the first, else the earlier row.

    The caller records what it creates with `settle`. Must run inside transaction.atomic().
    """
    RequestKey.objects.filter(user=actor, created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            RequestKey.objects.create(user=actor, key=key, scope=scope)
    except IntegrityError:
        # A repeat: the earlier request has committed (its transaction held us until now).
        row = RequestKey.objects.get(user=actor, key=key)
        if row.scope != scope:
            raise RequestKeyUsed from None
        return row
    return None


def settle(*, actor, key: str, obj) -> None:
    """Record the object the request with `key` created, in the transaction of `claim`."""
    RequestKey.objects.filter(user=actor, key=key).update(object_id=str(obj.pk))


def replayed(row: RequestKey, queryset):
    """The object the earlier request of `row` created, from `queryset`; RequestKeyUsed if it is gone."""
    obj = queryset.filter(pk=row.object_id).first() if row.object_id else None
    if obj is None:
        raise RequestKeyUsed
    return obj
