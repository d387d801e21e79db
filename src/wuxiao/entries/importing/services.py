"""Writes of the Excel import: keep an uploaded file with its check results, import it, or discard it.

The confirmation checks the file again (a unit may have moved, a colleague may have entered the
same entry meanwhile) and creates every row's draft through declaration.create_entry and
save_entry in one transaction: any refusal leaves nothing behind. Who, when and which file
(name, size, SHA-256) go to the audit log at each step.
"""

import hashlib
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import require
from wuxiao.notifications.services import notify_users, unit_staff
from wuxiao.orgs.models import Organisation

from ..declaration import create_entry, save_entry
from ..models import Entry, EntryImport, ImportStatus
from .checks import CheckResult, check_file, recheck_duplicates

IMPORTED_EVENT = "unit.entries_imported"


def _refuse_closed(edition) -> None:
    if not edition.is_declaration_open():
        raise Refused(_("Declaration for this edition is not open now (deadline %(deadline)s): no entries can be "
                        "imported.") % {"deadline": timezone.localtime(edition.declaration_deadline)
                                         .strftime("%Y-%m-%d %H:%M")}, field="file")


def _digest(upload) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _file_data(entry_import: EntryImport) -> dict:
    return {"file": entry_import.original_name, "size": entry_import.size, "sha256": entry_import.sha256}


def upload_import(*, actor, edition, upload) -> EntryImport:
    """Check the workbook `upload` for an import into `edition` and keep it with the results (the preview).

    Refused when the declaration is closed or the file is not a readable XLSX; a file whose rows or
    columns have errors is kept, so that its preview lists them.
    """
    require(actor, "entries.import_entries")
    _refuse_closed(edition)
    result = check_file(upload, edition=edition, actor=actor)
    digest = _digest(upload)
    with transaction.atomic():
        entry_import = EntryImport(edition=edition, uploaded_by=actor, by_office=bool(is_committee(actor)),
                                   original_name=(upload.name or "import.xlsx")[:255], size=upload.size,
                                   sha256=digest, preview=result.preview(), error_count=result.error_count)
        entry_import.file.save("import.xlsx", upload, save=False)
        entry_import.save()
        audit.record(actor=actor, action="entry_import.upload", obj=entry_import, edition=edition,
                     data={**_file_data(entry_import), "rows": len(result.rows), "errors": result.error_count})
    return entry_import


def confirm_import(*, actor, entry_import: EntryImport) -> list[Entry]:
    """Create the drafts of every row of a checked file, all or none; tell each declaring unit.

    The file is checked again first: when it has errors now, nothing is created, the preview shows
    them, and the refusal says so. The check reads only and runs before the transaction, which then
    holds the write locks only to look for duplicates again and create the drafts.
    """
    require(actor, "entries.confirm_import", entry_import)
    _refuse_done(entry_import)
    _refuse_closed(entry_import.edition)
    with entry_import.file.open("rb") as stored:
        result = check_file(stored, edition=entry_import.edition, actor=actor)
    with transaction.atomic():
        locked = EntryImport.objects.select_for_update().select_related("edition").get(pk=entry_import.pk)
        _refuse_done(locked)  # a double click: the first one imported it meanwhile
        if not result.error_count:
            # Two imports (or a unit's own staff) entering the same entry at once: the units' rows are
            # locked, in one order, before the duplicates are looked for again.
            list(Organisation.objects.select_for_update().filter(pk__in={r.unit.pk for r in result.rows})
                 .order_by("pk"))
            recheck_duplicates(result, locked.edition)
        if result.error_count:
            locked.preview, locked.error_count = result.preview(), result.error_count
            locked.save(update_fields=["preview", "error_count"])
        else:
            try:
                created = _create_drafts(actor, locked, result)
            except PermissionDenied:  # a unit moved to another recommending unit since the check
                raise Refused(_("A declaring unit of the file changed meanwhile: upload the file again to check "
                                "it.")) from None
    if result.error_count:
        raise Refused(_("The file was checked again and now has errors (see below): nothing was imported."))
    entry_import.refresh_from_db()
    return created


def _refuse_done(entry_import: EntryImport) -> None:
    if entry_import.status != ImportStatus.PENDING:
        raise Refused(_("This file has already been %(status)s.") % {"status": entry_import.get_status_display()})


def _create_drafts(actor, entry_import: EntryImport, result: CheckResult) -> list[Entry]:
    created = []
    for row in result.rows:
        entry = create_entry(actor=actor, unit=row.unit, edition=entry_import.edition, title=row.title,
                             via_import=entry_import)
        created.append(save_entry(actor=actor, entry=entry, via_import=entry_import, **row.kwargs))
    entry_import.entries.set(created)
    entry_import.status = ImportStatus.IMPORTED
    entry_import.decided_at = timezone.now()
    entry_import.preview, entry_import.error_count = result.preview(), 0
    entry_import.save(update_fields=["status", "decided_at", "preview", "error_count"])
    by_unit = defaultdict(list)
    for row, entry in zip(result.rows, created):
        by_unit[row.unit].append(entry)
    audit.record(actor=actor, action="entry_import.confirm", obj=entry_import, edition=entry_import.edition,
                 data={**_file_data(entry_import), "entries": [e.pk for e in created],
                       "units": {unit.name: len(entries) for unit, entries in by_unit.items()}})
    for unit, entries in by_unit.items():
        _notify_unit(actor, entry_import.edition, unit, entries)
    return created


def _notify_unit(actor, edition, unit, entries: list[Entry]) -> None:
    """Tell the declaring unit's staff that drafts wait for them (in-app now, by e-mail after the commit)."""
    users = unit_staff([(unit.pk, Role.DECLARER)]).exclude(pk=actor.pk)
    notify_users(users=users, event=IMPORTED_EVENT, url=reverse("entries:mine"), context={
        "unit": unit.name, "recommending_unit": unit.parent.name if unit.parent_id else "",
        "actor": actor.name, "reason": "", "edition": edition.title, "count": len(entries),
        "titles": "、".join(f"“{e.title}”" for e in entries)})


def discard_import(*, actor, entry_import: EntryImport) -> None:
    """Drop a checked file that will not be imported; the stored file is deleted, its name and digest stay."""
    with transaction.atomic():
        locked = EntryImport.objects.select_for_update().get(pk=entry_import.pk)
        require(actor, "entries.confirm_import", locked)
        _refuse_done(locked)
        locked.status = ImportStatus.DISCARDED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        audit.record(actor=actor, action="entry_import.discard", obj=locked, edition=locked.edition,
                     data=_file_data(locked))
        stored = locked.file.name
        transaction.on_commit(lambda: locked.file.storage.delete(stored))
    entry_import.refresh_from_db()
