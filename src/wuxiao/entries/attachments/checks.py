"""The entry point of the checks an entry's files must pass before they are stored (R24, R25).

A failure raises common.exceptions.Refused with a message that names the rule and says how to fix the file.
"""


from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused

from ..models import AttachmentKind
from .images import check_image, check_pdf
from .limits import IMAGE_EXTENSIONS, MB, Checked, extension, human_size, max_mb
from .pptx import check_pptx
from .video import check_video

# --- The entry point ------------------------------------------------------------------------

def check_file(*, kind: str, path: str, name: str, size: int, edition) -> Checked:
    """Check the file at `path` (uploaded as `name`, `size` bytes) for `kind`; raise Refused."""
    if size == 0:
        raise Refused(_("The file is empty."))
    limit = max_mb(kind, edition)
    if size > limit * MB:
        raise Refused(_size_message(kind, size, limit))
    head = _head(path)
    if _is_program(head):
        raise Refused(_("This file is a program, not a document, picture or video; programs cannot "
                                  "be uploaded."))
    ext = extension(name)
    if kind == AttachmentKind.PHOTO:
        return check_image(path, ext, head, thumbnail=True)
    if kind in (AttachmentKind.DOCUMENT, AttachmentKind.OTHER):
        return check_pdf(ext, head)
    if kind == AttachmentKind.STAMPED_FORM:
        if ext == ".pdf":
            return check_pdf(ext, head)
        if ext in IMAGE_EXTENSIONS:
            return check_image(path, ext, head)
        raise Refused(_("The stamped entry form must be a PDF or a picture (JPEG, PNG or WebP)."))
    if kind == AttachmentKind.PPT:
        return check_pptx(path, ext, head, edition)
    if kind == AttachmentKind.VIDEO:
        return check_video(path, ext, head, edition)
    raise Refused(_("Unknown kind of attachment."))


def _size_message(kind, size, limit):
    if kind == AttachmentKind.PPT:
        return _("Roadshow material (the notice, Attachment 2, note 3): "
                 "the PPT is %(size)s; at most %(max)d MB is allowed. "
                 "Please compress its pictures and media (File → Compress "
                 "Media) and upload it again.") % {"size": human_size(size), "max": limit}
    if kind == AttachmentKind.VIDEO:
        return _("Roadshow material (the notice, Attachment 2, note 3): the video is %(size)s; at most %(max)d MB is "
                 "allowed. Please export it again with a lower bit rate.") % {"size": human_size(size), "max": limit}
    return _("The file is %(size)s; at most %(max)d MB is allowed for a %(kind)s.") % {
        "size": human_size(size), "max": limit, "kind": AttachmentKind(kind).label}


def _head(path: str, n: int = 1024) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _is_program(head: bytes) -> bool:
    # Windows (MZ), Linux (ELF), macOS (Mach-O) executables and scripts.
    return head[:2] == b"MZ" or head[:4] in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
                                             b"\xca\xfe\xba\xbe") or head[:2] == b"#!"
