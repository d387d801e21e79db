"""A finalist's roadshow material (R24): its PPT and/or video, uploaded by its declaring unit before the
material deadline and checked exactly as the declaration's attachments are (entries.attachments.check_file).
A new upload replaces the old one, which stays recorded with its replacement time."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.common.permissions import allowed
from wuxiao.entries.attachments import check_file, clean_name, human_size
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

# The declaration's own way of giving the checks a path on disk (the upload's temporary file, or a copy
# made in chunks): reused, so that the roadshow material is read exactly as the declaration's files are.
from wuxiao.entries.services_attachments import _local_path

from .models import MaterialKind, RoadshowMaterial
from .queries import final_settings

NOT_FINALIST = _("Only a finalist's own declaring unit may upload its roadshow material.")


def material_refusal(user, entry: Entry):
    """Why `user` may not upload `entry`'s material now (None when they may)."""
    if entry.status != EntryStatus.FINALIST or not allowed(user, "finals.upload_material", entry):
        return NOT_FINALIST
    deadline = final_settings(entry.edition).material_deadline
    if deadline is not None and timezone.now() > deadline:
        return _("The roadshow material was due by %(at)s (Beijing time): it can no longer be uploaded.") % {
            "at": f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}"}
    return None


def upload_material(*, actor, entry: Entry, kind: str, uploaded_file) -> RoadshowMaterial:
    """Check `uploaded_file` (R24, as the declaration's) and store it as the entry's current `kind` of roadshow
    material, marking the previous one replaced; audited."""
    if kind not in MaterialKind.values:
        raise InvalidInput({"kind": [str(_("Unknown kind of roadshow material."))]})
    refusal = material_refusal(actor, entry)
    if refusal is not None:
        raise Refused(refusal)
    name, size = clean_name(uploaded_file.name), uploaded_file.size
    with _local_path(uploaded_file) as path:
        try:
            # MaterialKind's values are the declaration's AttachmentKind values "ppt" and "video".
            checked = check_file(kind=kind, path=path, name=name, size=size, edition=entry.edition)
        except Refused as refused:
            raise InvalidInput({"file": [str(refused.message)]}) from None
    material = RoadshowMaterial(edition=entry.edition, entry=entry, kind=kind, original_name=name, size=size,
                                details=checked.details, uploaded_by=actor)
    storage = material.file.storage
    material.file.save(name, uploaded_file, save=False)  # before the transaction: a long write holds no lock
    try:
        with transaction.atomic():
            locked = Entry.objects.select_for_update(of=("self",)).select_related("edition").get(pk=entry.pk)
            refusal = material_refusal(actor, locked)  # the deadline may have passed while the file was checked
            if refusal is not None:
                raise Refused(refusal)
            replaced = list(RoadshowMaterial.objects.filter(entry=locked, kind=kind, replaced_at__isnull=True))
            RoadshowMaterial.objects.filter(pk__in=[m.pk for m in replaced]).update(replaced_at=timezone.now())
            material.save()
            audit.record(actor=actor, action="finals.upload_material", obj=locked, edition=locked.edition, data={
                "material": material.pk, "kind": kind, "name": name, "size": size,
                "replaced": [m.pk for m in replaced]})
    except BaseException:
        storage.delete(material.file.name)
        raise
    return material


def uploaded_words(material: RoadshowMaterial) -> str:
    return _("“%(name)s” uploaded (%(size)s).") % {"name": material.original_name, "size": human_size(material.size)}
