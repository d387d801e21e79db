"""The checks of an entry's files (R24), on real files generated here with python-pptx and PyAV."""

import io
import struct
import zipfile
from fractions import Fraction

import av
import pytest
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.util import Emu

from wuxiao.entries.attachments import describe_ratio
from wuxiao.entries.models import AttachmentKind

WIDE = (Emu(12192000), Emu(6858000))  # PowerPoint's 16:9 (13.333 × 7.5 in)
STANDARD = (Emu(9144000), Emu(6858000))  # 4:3, python-pptx's default
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


# --- Generated files ------------------------------------------------------------------------

def tiny_wav() -> bytes:
    samples = b"\x00\x00" * 800
    return (b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data" + struct.pack("<I", len(samples))
            + samples)


def _insert_in_order(slide, element) -> None:
    """Put <p:transition> or <p:timing> where the schema wants it: after clrMapOvr, transition before timing."""
    root = slide._element
    order = ["cSld", "clrMapOvr", "transition", "timing", "extLst"]
    name = etree.QName(element).localname
    later = [c for c in root if etree.QName(c).localname in order[order.index(name) + 1:]]
    if later:
        later[0].addprevious(element)
    else:
        root.append(element)


def add_transition_sound(prs, slide) -> None:
    """A transition with a sound, as PowerPoint writes it, with a real relationship to a small wav part."""
    part = Part(PackURI("/ppt/media/sound1.wav"), "audio/wav", prs.part.package, tiny_wav())
    rid = slide.part.relate_to(part, RT.AUDIO)
    _insert_in_order(slide, etree.fromstring(
        f'<p:transition xmlns:p="{P}" xmlns:r="{R}"><p:sndAc><p:stSnd>'
        f'<p:snd r:embed="{rid}" name="x.wav"/></p:stSnd></p:sndAc></p:transition>'))


def add_fade_transition(slide) -> None:
    _insert_in_order(slide, etree.fromstring(f'<p:transition xmlns:p="{P}" spd="med"><p:fade/></p:transition>'))


def add_entrance_animation(slide) -> None:
    """A fade-in of the title on click, the way PowerPoint records it in <p:timing>."""
    spid = slide.shapes[0].shape_id
    _insert_in_order(slide, etree.fromstring(f"""
<p:timing xmlns:p="{P}"><p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot">
<p:childTnLst><p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>
<p:par><p:cTn id="3" fill="hold"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst><p:childTnLst>
<p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
<p:par><p:cTn id="5" presetID="10" presetClass="entr" presetSubtype="0" fill="hold" nodeType="clickEffect">
<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
<p:animEffect transition="in" filter="fade"><p:cBhvr><p:cTn id="6" dur="500"/><p:tgtEl><p:spTgt spid="{spid}"/>
</p:tgtEl></p:cBhvr></p:animEffect></p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par></p:childTnLst>
</p:cTn></p:par></p:childTnLst></p:cTn><p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl>
</p:cond></p:prevCondLst><p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond>
</p:nextCondLst></p:seq></p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"""))


def pptx_bytes(size=WIDE, slides: int = 2, first=None, second=None) -> bytes:
    """A presentation of `slides` title slides; `first`/`second` change the first/second slide."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = size
    for i in range(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[0])
        slide.shapes.title.text = f"五小创新 第{i + 1}页"
    if first and slides:
        first(prs, prs.slides[0])
    if second and slides > 1:
        second(prs, prs.slides[1])
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def video_file(path, width=1920, height=1080, *, codec="libx264", container_format=None, frames=3,
               frame_step=1) -> bytes:
    """A short real video; `frame_step` spaces the frames (in 1/25 s) so that few frames last long."""
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        for i in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.pts, frame.time_base = i * frame_step, Fraction(1, 25)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path.read_bytes()


def audio_only_mp4(path) -> bytes:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=44100)
        stream.layout = "mono"
        for i in range(5):
            frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.sample_rate, frame.pts, frame.time_base = 44100, i * 1024, Fraction(1, 44100)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path.read_bytes()


def jpeg_bytes(size=(64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(out, "PNG")
    return out.getvalue()


def webp_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(out, "WEBP")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


# --- Running the checks ---------------------------------------------------------------------

def test_a_16_9_pptx_passes_with_its_slide_size(check):
    result = check(AttachmentKind.PPT, "路演.pptx", pptx_bytes(WIDE))
    assert not isinstance(result, str), result
    assert result.content_type.endswith("presentationml.presentation")
    assert result.details == {"slide_width": 12192000, "slide_height": 6858000, "slides": 2}


def test_a_4_3_pptx_is_refused_naming_r24_and_the_fix(check):
    assert check(AttachmentKind.PPT, "路演.pptx", pptx_bytes(STANDARD)) == (
        "路演材料要求（通知附件2备注说明第3条）：幻灯片比例为 4:3，不是 16:9。请在“设计 → 幻灯片大小”中选择“宽屏（16:9）”后重新上传。")


def test_slide_size_within_one_percent_of_16_9_passes(check):
    # 25.4 × 14.29 cm, as some WPS templates have it (0.05 % off)
    assert not isinstance(check(AttachmentKind.PPT, "a.pptx", pptx_bytes((Emu(9144000), Emu(5144400)))), str)
    assert isinstance(check(AttachmentKind.PPT, "a.pptx", pptx_bytes((Emu(9144000), Emu(5400000)))), str)  # 16:10


def test_first_slide_transition_sound_is_refused(check):
    data = pptx_bytes(first=add_transition_sound)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the generated file really carries the sound
        assert "ppt/media/sound1.wav" in z.namelist()
        assert b"<p:sndAc>" in z.read("ppt/slides/slide1.xml")
    assert check(AttachmentKind.PPT, "路演.pptx", data) == (
        "路演材料要求（通知附件2备注说明第3条）：第一页含有切换声音，请删除（“切换 → 声音”选择“[无声音]”）。")


def test_first_slide_animation_is_refused(check):
    assert check(AttachmentKind.PPT, "路演.pptx", pptx_bytes(first=lambda prs, s: add_entrance_animation(s))) == (
        "路演材料要求（通知附件2备注说明第3条）：第一页含有动画，第一页不得有动画。请删除动画（“动画”中选择“无”）后重新上传。")


def test_first_slide_transition_effect_is_an_animation(check):
    assert check(AttachmentKind.PPT, "路演.pptx", pptx_bytes(first=lambda prs, s: add_fade_transition(s))) == (
        "路演材料要求（通知附件2备注说明第3条）：第一页含有切换效果（属于动画），请在“切换”中将第一页设为“无”。")


def test_animation_and_sound_after_the_first_slide_are_allowed(check):
    """R24 allows background music; only the first slide must be still and silent."""
    def both(prs, slide):
        add_transition_sound(prs, slide)
        add_entrance_animation(slide)

    result = check(AttachmentKind.PPT, "路演.pptx", pptx_bytes(second=both))
    assert not isinstance(result, str), result


def test_first_slide_audio_is_refused(check):
    """Audio placed on the first slide (Insert → Audio): an audio file in a shape, with its relationship."""
    def audio(prs, slide):
        part = Part(PackURI("/ppt/media/music1.wav"), "audio/wav", prs.part.package, tiny_wav())
        rid = slide.part.relate_to(part, RT.AUDIO)
        nv_pr = slide.shapes[0]._element.find(f"{{{P}}}nvSpPr/{{{P}}}nvPr")
        nv_pr.append(etree.fromstring(
            f'<a:audioFile xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            f'xmlns:r="{R}" r:link="{rid}"/>'))

    assert check(AttachmentKind.PPT, "路演.pptx", pptx_bytes(first=audio)) == (
        "路演材料要求（通知附件2备注说明第3条）：第一页含有声音（音频），请删除。背景音乐可从第二页开始。")


def test_several_problems_are_all_named(check):
    message = check(AttachmentKind.PPT, "a.pptx", pptx_bytes(STANDARD, first=add_transition_sound))
    assert "幻灯片比例为 4:3" in message and "第一页含有切换声音" in message


def test_legacy_ppt_is_refused_with_save_as_pptx(check):
    expected = "路演材料要求（通知附件2备注说明第3条）：这是旧版 .ppt 文件，请另存为 .pptx（PowerPoint 2010 或 WPS：“文件 → 另存为”选择 .pptx 格式）后重新上传。"
    assert check(AttachmentKind.PPT, "路演.ppt", OLE) == expected
    assert check(AttachmentKind.PPT, "路演.pptx", OLE) == expected  # renamed, the content decides


def test_corrupt_pptx_zip_gets_a_clear_message(check):
    data = pptx_bytes()
    expected = ("文件已损坏，无法作为 .pptx 打开（压缩包结构错误）。请用 PowerPoint 或 WPS 打开后重新另存为 .pptx，"
                "再上传新文件。")
    assert check(AttachmentKind.PPT, "路演.pptx", data[: len(data) // 2]) == expected
    assert check(AttachmentKind.PPT, "路演.pptx", b"PK\x03\x04" + b"\x00" * 300) == expected


def test_a_zip_that_is_not_a_presentation_is_refused(check):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a presentation")
    assert check(AttachmentKind.PPT, "a.pptx", out.getvalue()) == (
        "文件不是 PowerPoint 演示文稿或已损坏。请用 PowerPoint 或 WPS 打开，重新另存为 .pptx 后上传新文件。")


def test_pptx_over_the_editions_limit_is_refused(check, edition):
    edition.ppt_max_mb = 1
    assert check(AttachmentKind.PPT, "a.pptx", pptx_bytes() + b"\x00" * (1024 * 1024)) == (
        "路演材料要求（通知附件2备注说明第3条）：PPT 大小为 1.0 MB，最大允许 1 MB。请压缩其中的图片和媒体（“文件 → 压缩媒体”）后重新上传。")


def test_renamed_exe_is_refused_whatever_its_name(check):
    message = "此文件是可执行程序，不是文档、图片或视频，不能上传。"
    for kind, name in [(AttachmentKind.VIDEO, "路演.mp4"), (AttachmentKind.PPT, "路演.pptx"),
                       (AttachmentKind.PHOTO, "现场.jpg"), (AttachmentKind.DOCUMENT, "说明.pdf")]:
        assert check(kind, name, EXE) == message, name


def test_full_hd_h264_mp4_passes(check, tmp_path):
    result = check(AttachmentKind.VIDEO, "路演视频.mp4", video_file(tmp_path / "v.mp4"))
    assert not isinstance(result, str), result
    assert result.content_type == "video/mp4"
    assert result.details == {"width": 1920, "height": 1080, "seconds": 0.12, "codec": "h264"}


def test_wmv_passes_when_the_edition_allows_it(check, tmp_path, edition):
    data = video_file(tmp_path / "v.wmv", codec="wmv2", container_format="asf")
    result = check(AttachmentKind.VIDEO, "路演视频.wmv", data)
    assert not isinstance(result, str), result
    assert result.content_type == "video/x-ms-wmv"
    edition.video_formats = "mp4"
    assert check(AttachmentKind.VIDEO, "路演视频.wmv", data) == (
        "路演材料要求（通知附件2备注说明第3条）：视频须为 MP4 格式，请转换为 MP4（H.264 编码）后重新上传。")


def test_720p_video_is_refused_with_the_required_size(check, tmp_path):
    assert check(AttachmentKind.VIDEO, "v.mp4", video_file(tmp_path / "v.mp4", 1280, 720)) == (
        "路演材料要求（通知附件2备注说明第3条）：视频分辨率为 1280×720，须为 1920×1080。请按 1920×1080 重新导出。")


def test_4_3_video_is_refused_for_size_and_ratio(check, tmp_path):
    assert check(AttachmentKind.VIDEO, "v.mp4", video_file(tmp_path / "v.mp4", 640, 480)) == (
        "路演材料要求（通知附件2备注说明第3条）：视频分辨率为 640×480，须为 1920×1080。请按 1920×1080 重新导出。 路演材料要求（通知附件2备注说明第3条）：画面比例为 4:3，不是 16:9。")


def test_six_minute_video_is_refused_without_decoding_it(check, tmp_path):
    data = video_file(tmp_path / "long.mp4", frames=3, frame_step=25 * 180)  # 3 frames, 6 minutes apart in all
    assert len(data) < 2_000_000
    assert check(AttachmentKind.VIDEO, "v.mp4", data) == "路演材料要求（通知附件2备注说明第3条）：视频时长 6分00秒，最长允许 5 分钟。请剪短后重新上传。"


def test_mp4_with_only_sound_is_refused(check, tmp_path):
    assert check(AttachmentKind.VIDEO, "v.mp4", audio_only_mp4(tmp_path / "a.mp4")) == (
        "路演材料要求（通知附件2备注说明第3条）：文件中没有视频画面（只有声音或没有内容）。请上传视频本身。")


def test_video_whose_extension_lies_is_refused(check, tmp_path):
    mp4 = video_file(tmp_path / "v.mp4")
    assert check(AttachmentKind.VIDEO, "v.wmv", mp4) == "文件扩展名为 .wmv，但内容不是 WMV 视频。请上传视频本身。"
    assert check(AttachmentKind.VIDEO, "v.mp4", pptx_bytes()) == (
        "文件扩展名为 .mp4，但内容不是 MP4 视频。请上传视频本身。")
    assert check(AttachmentKind.VIDEO, "v.avi", mp4) == "路演材料要求（通知附件2备注说明第3条）：视频须为 MP4、WMV 格式，请转换为 MP4（H.264 编码）后重新上传。"


def test_damaged_mp4_is_refused(check, tmp_path):
    data = video_file(tmp_path / "v.mp4")
    broken = data[:8] + b"\x00" * 64  # the ftyp box's start, then nothing
    assert check(AttachmentKind.VIDEO, "v.mp4", broken) == "视频无法读取：文件已损坏或不是视频。请重新导出为 MP4（H.264 编码）。"


def test_video_over_the_size_limit_is_refused_before_reading(check, edition):
    edition.video_max_mb = 1
    assert check(AttachmentKind.VIDEO, "v.mp4", b"\x00" * (2 * 1024 * 1024)) == (
        "路演材料要求（通知附件2备注说明第3条）：视频大小为 2.0 MB，最大允许 1 MB。请降低码率重新导出。")


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("现场.jpg", jpeg_bytes(), "image/jpeg"), ("现场.png", png_bytes(), "image/png"),
    ("现场.webp", webp_bytes(), "image/webp"), ("现场.JPEG", jpeg_bytes(), "image/jpeg")])
def test_photos_are_recognised_by_their_bytes(check, name, data, content_type):
    result = check(AttachmentKind.PHOTO, name, data)
    assert not isinstance(result, str), result
    assert result.content_type == content_type
    assert set(result.details) == {"width", "height"}


def test_photo_checks(check):
    assert check(AttachmentKind.PHOTO, "现场.gif", b"GIF89a" + b"\x00" * 50) == (
        "照片须为 JPEG、PNG 或 WebP 格式（.jpg、.png 或 .webp）。")
    assert check(AttachmentKind.PHOTO, "现场.jpg", PDF) == (
        "文件内容不是 JPEG、PNG 或 WebP 图片（虽然扩展名为 .jpg）。请上传图片本身。")
    assert check(AttachmentKind.PHOTO, "现场.jpg", jpeg_bytes()[:20]) == "图片已损坏，无法打开。请重新保存后上传。"
    assert check(AttachmentKind.PHOTO, "现场.jpg", b"") == "文件为空。"
    assert check(AttachmentKind.PHOTO, "现场.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024)) == (
        "文件大小为 10.0 MB，照片最大允许 10 MB。")


def test_documents_are_pdf(check):
    assert not isinstance(check(AttachmentKind.DOCUMENT, "说明.pdf", PDF), str)
    assert not isinstance(check(AttachmentKind.OTHER, "情况说明.PDF", PDF), str)
    assert check(AttachmentKind.DOCUMENT, "说明.docx", PDF) == "文档须为 PDF 文件（.pdf），请打印或导出为 PDF。"
    assert check(AttachmentKind.DOCUMENT, "说明.pdf", jpeg_bytes()) == (
        "文件内容不是 PDF（虽然扩展名为 .pdf）。请重新导出为 PDF。")


def test_stamped_form_is_a_pdf_or_a_picture(check):
    assert check(AttachmentKind.STAMPED_FORM, "盖章申报表.pdf", PDF).content_type == "application/pdf"
    assert check(AttachmentKind.STAMPED_FORM, "盖章申报表.jpg", jpeg_bytes()).content_type == "image/jpeg"
    assert check(AttachmentKind.STAMPED_FORM, "盖章申报表.docx", PDF) == (
        "盖章申报表须为 PDF 或图片（JPEG、PNG 或 WebP）。")


def test_describe_ratio():
    assert describe_ratio(1920, 1080) == "16:9"
    assert describe_ratio(1024, 768) == "4:3"
    assert describe_ratio(1000, 100) == "10.00:1"
