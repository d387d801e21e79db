"""Rebuilding the notice's paragraphs from the text extracted from the PDF."""

import importlib
import re

from wuxiao.competitions import presets
from wuxiao.competitions.notice import notice_paragraphs


def test_wrapped_lines_become_one_paragraph():
    text = "为全面贯彻党的二十大精神，深入学习习近平总书记重要讲\n\n话精神，落实中国工会十八大部署。\n\n三、竞赛程序\n"
    paragraphs = notice_paragraphs(text)
    assert [(p.kind, p.text) for p in paragraphs] == [
        ("p", "为全面贯彻党的二十大精神，深入学习习近平总书记重要讲话精神，落实中国工会十八大部署。"),
        ("section", "三、竞赛程序"),
    ]


def test_items_names_and_attachments_start_new_paragraphs():
    text = ("（一）第一完成人是企业主要负责人（含实际控制人）取得\n的创新作品；\n（二）大专院校\n"
            " 附件 2\n袁 辉 市工业和信息化局机关工会副主席、安全生产监察员\n田 雪 市科学技术局机关党委专职副书记\n")
    assert [(p.kind, p.text) for p in notice_paragraphs(text)] == [
        ("p", "（一）第一完成人是企业主要负责人（含实际控制人）取得的创新作品；"),
        ("p", "（二）大专院校"),
        ("attachment", "附件 2"),
        ("p", "袁 辉 市工业和信息化局机关工会副主席、安全生产监察员"),
        ("p", "田 雪 市科学技术局机关党委专职副书记"),
    ]


def test_the_real_notice_reads_well():
    paragraphs = notice_paragraphs(presets.notice_text())
    texts = [p.text for p in paragraphs]
    assert "联系人：张大千 联系电话：0371-67885139" in texts
    assert "获奖情况" in texts  # printed one character per line in the form
    assert [p.text for p in paragraphs if p.kind == "section"] == [
        "一、总体要求", "二、竞赛范围", "三、竞赛程序", "四、奖项设置", "五、组织领导", "六、工作要求", "七、报名时间及联系方式",
    ]
    assert [p.text for p in paragraphs if p.kind == "attachment"] == ["附件1", "附件 2", "附件 3", "附件 4"]


def test_empty_text():
    assert notice_paragraphs("") == []


# --- The stray link copied from the page the notice was found on (issue 9, item 16) --------------

MCA = "https://www.mca.gov.cn/images3/www/file/201711/1509495881341.pdf"


def _migration():
    return importlib.import_module("wuxiao.competitions.migrations.0002_notice_without_stray_link")


def _as_first_loaded() -> str:
    """The notice's text as it was first loaded: the search engine's link after the commitment's date."""
    text = presets.notice_text()
    old = text.replace("年 月 日\n\n\n郑州市总工会", f"年 月 日\n\n{_migration().STRAY}\n\n\n郑州市总工会")
    assert old != text
    return old


def test_the_notice_gives_only_its_own_address():
    """The one address in the notice is the industry classification's (附件2 填表要求一); no search engine's."""
    assert re.findall(r"https?://[^\s。]+", presets.notice_text()) == [MCA]
    assert "baidu" not in presets.notice_text()


def test_the_stray_link_leaves_editions_made_from_the_first_text(db):
    from django.apps import apps

    from tests.factories import EditionFactory

    stray = EditionFactory(notice_text=_as_first_loaded())
    own = EditionFactory(notice_text="通知全文\n\nhttps://www.baidu.com/ 是本届自己写的地址\n")
    _migration().forwards(apps, None)
    stray.refresh_from_db()
    own.refresh_from_db()
    assert stray.notice_text == presets.notice_text()
    assert own.notice_text == "通知全文\n\nhttps://www.baidu.com/ 是本届自己写的地址\n"  # only that one line goes
    assert notice_paragraphs(stray.notice_text)[-1].text == "郑州市总工会办公室 2025年 3月 10日印发"
