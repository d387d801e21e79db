"""Reads of the roadshow material (R24): who has uploaded what per session, the files of a session in running
order with their names in the ZIP, and the ZIP itself, written to a spooled temporary file."""

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.db.models import Prefetch

from wuxiao.documents.exporters import safe_filename

from .models import MaterialKind, RoadshowMaterial, RoadshowSession, Slot

KINDS = (MaterialKind.PPT, MaterialKind.VIDEO)
# Kept in memory up to this size, then on disk: a session's videos (up to 800 MB each) never sit in memory.
SPOOL_BYTES = 8 * 1024 * 1024


def current_material(entry) -> dict[str, RoadshowMaterial]:
    """The entry's current material by kind."""
    return {m.kind: m for m in RoadshowMaterial.objects.filter(entry=entry, replaced_at__isnull=True)
            .select_related("uploaded_by")}


def material_history(entry) -> list[RoadshowMaterial]:
    return list(RoadshowMaterial.objects.filter(entry=entry).order_by("kind", "-uploaded_at", "-id"))


@dataclass
class SlotFiles:
    slot: Slot
    files: dict = field(default_factory=dict)  # kind → RoadshowMaterial

    @property
    def ordered(self) -> list[RoadshowMaterial]:
        return [self.files[k] for k in KINDS if k in self.files]


def _current_prefetch():
    return Prefetch("entry__roadshow_materials", queryset=RoadshowMaterial.objects.filter(replaced_at__isnull=True),
                    to_attr="current_material")


def _slot_files(slots) -> list[SlotFiles]:
    return [SlotFiles(slot, {m.kind: m for m in slot.entry.current_material}) for slot in slots]


def edition_material(edition) -> list[tuple[RoadshowSession, list[SlotFiles]]]:
    """Per session (in time order) its slots in running order with their current material (three queries)."""
    found = list(RoadshowSession.objects.filter(edition=edition).order_by("starts_at", "id").prefetch_related(
        Prefetch("slots", queryset=Slot.objects.select_related("entry__declaring_unit").order_by("position", "id")
                 .prefetch_related(_current_prefetch()))))
    return [(session, _slot_files(session.slots.all())) for session in found]


def session_files(session) -> list[SlotFiles]:
    """The session's slots in running order with their current material."""
    slots = (Slot.objects.filter(session=session).select_related("entry__declaring_unit").order_by("position", "id")
             .prefetch_related(_current_prefetch()))
    return _slot_files(slots)


def zip_name(position: int, title: str, material: RoadshowMaterial) -> str:
    """`01-作品名称.pptx`: the place in the order, the title made safe for any file system, the file's suffix."""
    suffix = PurePosixPath(material.original_name).suffix.lower()
    if not suffix.isascii() or len(suffix) > 6:
        suffix = PurePosixPath(material.file.name).suffix.lower()
    return f"{position:02d}-{safe_filename(title, 60)}{suffix}"


def material_zip(session) -> tempfile.SpooledTemporaryFile:
    """The session's material as one ZIP in running order, in a spooled temporary file (rewound).

    Stored, not deflated: PPTX and MP4 are compressed already. Each file is copied from the storage in
    chunks, so memory holds at most the spool and one chunk.
    """
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for row in session_files(session):
            for material in row.ordered:
                info = zipfile.ZipInfo(zip_name(row.slot.position, row.slot.entry.title, material))
                info.compress_type = zipfile.ZIP_STORED
                with material.file.storage.open(material.file.name, "rb") as source, \
                        archive.open(info, "w", force_zip64=material.size > 2**31) as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
    out.seek(0)
    return out


def session_by_token(token: str) -> RoadshowSession | None:
    if not token or len(token) > 64:
        return None
    return RoadshowSession.objects.select_related("edition").filter(screen_token=token).first()
