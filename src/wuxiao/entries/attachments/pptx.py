"""The roadshow PPT (R24): python-pptx on a copy without its media, so that a 100 MB presentation
is not loaded whole: .pptx, 16:9, no animation or sound on the first slide."""

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from wuxiao.common.exceptions import Refused

from .limits import (
    ANIMATION_PRESETS,
    ANIMATION_TAGS,
    ASPECT_TOLERANCE,
    NS,
    OLE_MAGIC,
    PPTX,
    PPTX_MAX_XML_BYTES,
    PPTX_MEDIA_PREFIXES,
    Checked,
)

# --- PPTX (R24) ----------------------------------------------------------------------------

def check_pptx(path: str, ext: str, head: bytes, edition) -> Checked:
    if ext == ".ppt" or head[:8] == OLE_MAGIC:
        raise Refused(_("Roadshow material (the notice, Attachment 2, note 3): this is an old-format .ppt file. "
                        "Please save it as .pptx (PowerPoint 2010 or WPS: File → Save As → .pptx) and upload it "
                        "again."))
    if ext != ".pptx":
        raise Refused(_("Roadshow material (the notice, Attachment 2, note 3): the roadshow PPT must be a .pptx file "
                        "(PowerPoint 2010 or WPS)."))
    if head[:4] != b"PK\x03\x04":
        raise Refused(_("The file's content is not a PowerPoint presentation although its name ends "
                                  "in .pptx."))
    with _lean_pptx(path) as lean:
        from pptx import Presentation

        try:
            prs = Presentation(lean)
        except Exception:  # python-pptx raises KeyError, ValueError, lxml errors… for a broken package
            raise Refused(_("The file is not a PowerPoint presentation or it is damaged. Please open it "
                                      "in PowerPoint or WPS, save it again as .pptx and upload the new file.")) \
                from None
        width, height = int(prs.slide_width or 0), int(prs.slide_height or 0)
        details = {"slide_width": width, "slide_height": height, "slides": len(prs.slides)}
        problems = []
        aspect_w, aspect_h = parse_aspect(edition.ppt_aspect)
        if not height or abs((width / height) / (aspect_w / aspect_h) - 1) > ASPECT_TOLERANCE:
            problems.append(
                _("Roadshow material (the notice, Attachment 2, note 3): the slides are %(ratio)s, not %(aspect)s. "
                  "Please choose Design → Slide Size → Widescreen (%(aspect)s) and upload the file again.")
                % {"ratio": describe_ratio(width, height), "aspect": edition.ppt_aspect})
        if not len(prs.slides):
            problems.append(_("The presentation has no slides."))
        else:
            problems.extend(first_slide_problems(prs.slides[0]))
    if problems:
        raise Refused(" ".join(str(p) for p in problems))
    return Checked(PPTX, details)


@contextmanager
def _lean_pptx(path: str) -> Iterator[str]:
    """A copy of the package with its media emptied, for python-pptx, which loads every part into memory."""
    with tempfile.TemporaryDirectory(prefix="wuxiao-pptx-") as tmp:
        lean = str(Path(tmp) / "lean.pptx")
        try:
            with zipfile.ZipFile(path) as src:
                infos = src.infolist()
                xml_bytes = sum(i.file_size for i in infos if not i.filename.startswith(PPTX_MEDIA_PREFIXES))
                if xml_bytes > PPTX_MAX_XML_BYTES:
                    raise Refused(_("The presentation's structure is abnormally large. Please save it "
                                              "again as .pptx in PowerPoint or WPS."))
                with zipfile.ZipFile(lean, "w", zipfile.ZIP_DEFLATED) as dst:
                    for info in infos:
                        if info.filename.startswith(PPTX_MEDIA_PREFIXES):
                            dst.writestr(info.filename, b"")
                        else:
                            with src.open(info) as member, dst.open(info.filename, "w") as copy:
                                shutil.copyfileobj(member, copy, 256 * 1024)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError,
                ValueError, OSError):
            raise Refused(_("The file is damaged and cannot be opened as a .pptx (the zip archive is "
                                      "broken). Please open it in PowerPoint or WPS, save it again as .pptx and "
                                      "upload the new file.")) from None
        yield lean


def parse_aspect(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.replace("：", ":").split(":"))
        return (w, h) if w > 0 and h > 0 else (16, 9)
    except ValueError:
        return 16, 9


def describe_ratio(width: int, height: int) -> str:
    """4:3, 16:9, 16:10… or the decimal ratio when it is none of the usual ones."""
    if not height:
        return "?"
    ratio = width / height
    for w, h in ((16, 9), (4, 3), (16, 10), (3, 2), (1, 1), (9, 16), (3, 4)):
        if abs(ratio / (w / h) - 1) <= ASPECT_TOLERANCE:
            return f"{w}:{h}"
    return f"{ratio:.2f}:1"


def _xpath(node, expression: str, namespaces=NS) -> list:
    # python-pptx's elements override xpath() with their own namespace map; use lxml's own.
    from lxml import etree

    return etree._Element.xpath(node, expression, namespaces=namespaces)


def first_slide_problems(slide) -> list:
    """R24: the first slide prepares the screen, so it has no animation and no sound."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    root = slide._element
    problems = []
    presets = _xpath(root, "p:timing//p:cTn/@presetClass", namespaces=NS)
    effects = _xpath(root, " | ".join(f"p:timing//p:{tag}" for tag in ANIMATION_TAGS), namespaces=NS)
    if effects or ANIMATION_PRESETS.intersection(presets):
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the first slide has animations; the "
                          "first slide must have no animation. Please delete them (Animations → None) and upload the "
                          "file again."))
    transitions = _xpath(root, ".//p:transition", namespaces=NS)  # also inside mc:AlternateContent
    if any(isinstance(c.tag, str) and not c.tag.endswith(("}sndAc", "}extLst")) for t in transitions for c in t):
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the first slide has a transition "
                          "effect, which is an animation; please set Transitions → None for the first slide."))
    if _xpath(root, ".//p:transition/p:sndAc/p:stSnd", namespaces=NS):
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the first slide has a transition "
                          "sound; please delete it (Transitions → Sound: No Sound)."))
    # Audio placed on the slide: a shape with an audio file, audio played by the timeline, or an
    # audio relationship other than the transition's sound.
    transition_sounds = set(_xpath(root, ".//p:transition//p:snd/@r:embed", namespaces=NS))
    audio_rels = [rel for rel in slide.part.rels.values() if rel.rId not in transition_sounds and (
        rel.reltype == RT.AUDIO
        or (rel.reltype == RT.MEDIA and not rel.is_external and rel.target_part.content_type.startswith("audio/")))]
    audio_shapes = _xpath(root, ".//p:nvPr/a:audioFile | .//p:nvPr/a:wavAudioFile | .//p:nvPr/a:audioCd"
                              " | p:timing//p:audio", namespaces=NS)
    if audio_rels or audio_shapes:
        problems.append(_("Roadshow material (the notice, Attachment 2, note 3): the first slide has a sound (audio); "
                          "please delete it. Background music may start on the second slide."))
    return problems
