"""Adding and removing an entry's attachments (R24, R25): checks, storage, audit.

A file is checked while it is still the request's temporary file, then handed to the storage
(a rename on the local disk), then recorded in one transaction with the entry's row locked. A
refusal at any step leaves the entry and its other attachments as they were and removes what
was written.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import rules
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit, request_keys
from wuxiao.common.exceptions import InvalidInput, Refused

from .attachments import PHOTO_MAX_COUNT, check_file, clean_name
from .models import SINGLE_KINDS, Attachment, AttachmentKind, Entry
from .rules import is_entry_declarer

__all__ = ["add_attachment", "may_change_attachment", "remove_attachment"]


@rules.predicate
def is_entry_editable(user, entry) -> bool:
    return bool(entry is not None and entry.is_editable)


# The declaring unit changes the files while the entry is a draft or returned for revision; the
# stamped scan of the entry form (issue 3, item 13) is made after submission, so it may come later.
can_change_attachments = is_entry_declarer & is_entry_editable
can_upload_stamped_form = is_entry_declarer


def may_change_attachment(user, entry: Entry, kind: str) -> bool:
    """Whether `user` may add or remove an attachment of `kind` on `entry` now.

    Tested on the predicates directly, not through `user.has_perm` (which lets every superuser
    do anything): a site administrator does not upload in a unit's name.
    """
    if user is None or not getattr(user, "is_active", False):
        return False
    predicate = can_upload_stamped_form if kind == AttachmentKind.STAMPED_FORM else can_change_attachments
    return bool(predicate.test(user, entry))


def _refusal_for(user, entry: Entry):
    if not is_entry_declarer.test(user, entry):
        return _("Only the declaring unit of this entry may change its attachments.")
    return _("The entry is “%(status)s”; its attachments can no longer be changed.") % {
        "status": entry.get_status_display()}


@contextmanager
def _local_path(uploaded_file) -> Iterator[str]:
    """A path on disk for the checks: the upload's own temporary file, or a copy made in chunks."""
    if hasattr(uploaded_file, "temporary_file_path"):
        yield uploaded_file.temporary_file_path()
        return
    fd, path = tempfile.mkstemp(prefix="wuxiao-upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in uploaded_file.chunks():
                out.write(chunk)
        yield path
    finally:
        os.unlink(path)
        uploaded_file.seek(0)


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)


def _stored_names(attachment: Attachment) -> list[str]:
    return [attachment.file.name, (attachment.details or {}).get("thumbnail", "")]


def add_attachment(*, actor, entry: Entry, kind: str, uploaded_file, request_key: str = "") -> Attachment:
    """Check `uploaded_file` for `kind` and store it on `entry`, replacing the old file of a single kind; audited.

    With a `request_key` (common.request_keys), a repeat of the upload (a double click, a retried
    call) returns the attachment the first one stored instead of storing the file twice.
    """
    if kind not in AttachmentKind.values:
        raise InvalidInput({"kind": [str(_("Unknown kind of attachment."))]})
    return _add_attachment(actor, entry, kind, uploaded_file, request_key)


def _add_attachment(actor, entry: Entry, kind: str, uploaded_file, request_key: str) -> Attachment:
    scope = f"entry.attachment_add:{entry.pk}:{kind}"
    earlier = request_keys.earlier_use(actor=actor, key=request_key, scope=scope)
    if earlier is not None:  # the first one has finished: nothing to check or store again
        return request_keys.replayed(earlier, Attachment.objects.filter(entry=entry))
    if not may_change_attachment(actor, entry, kind):
        raise Refused(_refusal_for(actor, entry))
    name = clean_name(uploaded_file.name)
    size = uploaded_file.size
    with _local_path(uploaded_file) as path:
        try:
            checked = check_file(kind=kind, path=path, name=name, size=size, edition=entry.edition)
        except Refused as refused:  # the file itself is wrong (R24): input to correct, beside the file field
            raise InvalidInput({"file": [str(refused.message)]}) from None

    # Into the storage before the transaction: a long write must not hold the entry's lock.
    attachment = Attachment(entry=entry, kind=kind, original_name=name, size=size,
                            content_type=checked.content_type, details=checked.details, uploaded_by=actor)
    storage = attachment.file.storage
    attachment.file.save(name, uploaded_file, save=False)
    if checked.thumbnail:
        attachment.details["thumbnail"] = storage.save(f"{attachment.file.name}.thumb.jpg",
                                                       ContentFile(checked.thumbnail))
    try:
        with transaction.atomic():
            locked = Entry.objects.select_for_update(of=("self",)).select_related("edition").get(pk=entry.pk)
            earlier = request_key and request_keys.claim(actor=actor, key=request_key, scope=scope)
            if earlier:  # the same upload, sent at the same moment, was stored while this one was checked
                repeated = request_keys.replayed(earlier, locked.attachments.all())
            else:
                repeated = None
                _store(actor, locked, attachment, storage)
                if request_key:
                    request_keys.settle(actor=actor, key=request_key, obj=attachment)
    except BaseException:
        _delete_files(storage, _stored_names(attachment))
        raise
    if repeated is not None:
        _delete_files(storage, _stored_names(attachment))
        return repeated
    return attachment


def _store(actor, locked: Entry, attachment: Attachment, storage) -> None:
    """Record `attachment` on the locked entry, replacing the old file of a single kind; audited."""
    kind, name = attachment.kind, attachment.original_name
    if not may_change_attachment(actor, locked, kind):  # a colleague may have submitted meanwhile
        raise Refused(_refusal_for(actor, locked))
    if kind == AttachmentKind.PHOTO and locked.attachments.filter(kind=kind).count() >= PHOTO_MAX_COUNT:
        raise Refused(_("An entry has at most %(max)d photos; please delete one before adding "
                                  "another.") % {"max": PHOTO_MAX_COUNT})
    replaced = list(locked.attachments.filter(kind=kind)) if kind in SINGLE_KINDS else []
    attachment.entry = locked
    attachment.save()
    for old in replaced:
        old.delete()
    Entry.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    audit.record(actor=actor, action="entry.attachment_add", obj=locked, edition=locked.edition, data={
        "attachment": attachment.pk, "kind": kind, "name": name, "size": attachment.size,
        "replaced": [old.original_name for old in replaced]})
    old_names = [n for old in replaced for n in _stored_names(old)]
    transaction.on_commit(lambda: _delete_files(storage, old_names), robust=True)


def remove_attachment(*, actor, attachment: Attachment) -> None:
    """Delete `attachment` and its stored file(s) from its entry; audited."""
    with transaction.atomic():
        locked = (Entry.objects.select_for_update(of=("self",)).select_related("edition")
                  .get(pk=attachment.entry_id))
        if not may_change_attachment(actor, locked, attachment.kind):
            raise Refused(_refusal_for(actor, locked))
        storage = attachment.file.storage
        names = _stored_names(attachment)
        audit.record(actor=actor, action="entry.attachment_remove", obj=locked, edition=locked.edition, data={
            "attachment": attachment.pk, "kind": attachment.kind, "name": attachment.original_name,
            "size": attachment.size})
        attachment.delete()
        Entry.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        transaction.on_commit(lambda: _delete_files(storage, names), robust=True)

