"""The Excel import's test material: the template downloaded as a user would, filled in with openpyxl."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

TITLE, UNIT = "作品名称", "申报单位（名称或统一社会信用代码）"
SUMMARY = "作品简述"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    location = tmp_path / "media"
    settings.MEDIA_ROOT = location
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}}}


def template_bytes(client, edition) -> bytes:
    response = client.get(reverse("entries:import_template", args=[edition.slug]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def headers_of(data: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [c.value for c in ws[1]]


def fill(data: bytes, rows: list[dict], *, rename: dict | None = None, delete: tuple = ()) -> bytes:
    """The workbook `data` with `rows` (header → value) written from row 2; `rename` changes headers of row 1
    and `delete` removes the named columns, as a careless user would."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for name in delete:
        index = [c.value for c in ws[1]].index(name) + 1
        ws.delete_cols(index)
    for cell in ws[1]:
        if rename and cell.value in rename:
            cell.value = rename[cell.value]
    columns = {c.value: c.column for c in ws[1]}
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            if header not in columns:  # a new column at the end (a sixth completer, an unknown column)
                columns[header] = ws.max_column + 1
                ws.cell(row=1, column=columns[header], value=header)
            ws.cell(row=number, column=columns[header], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(unit, title: str = "数控车床快换工装", **overrides) -> dict:
    """A row that passes every check, every field of Attachment 2 filled."""
    today = timezone.localdate()
    row = {
        TITLE: title, UNIT: unit.name, "类别": "小革新", "所属单位（个人）": unit.name, "联系人": "李四",
        "联系电话（手机号码）": "13912345678", "获奖情况": "2023年获公司技术革新一等奖。",
        SUMMARY: "1.适用领域：机加工车间。2.解决问题：换刀时间长。3.创新点：快换工装。4.效益：年节约工时1200小时。",
        "所属行业分类代码": "3421", "背景": "国内同类车间普遍采用传统换刀方式，换刀时间长。" * 3,
        "目标/解决的关键问题": "解决数控车床换刀耗时长的问题，实现一次装夹快速定位。" * 2,
        "创新点": "1.原创的快换定位结构；2.技术难度大。", "经济效益和社会效益": "年节约工时1200小时，折合约十万元。",
        "可展示形式：实物展示": "是", "可展示形式：文字图片展示": "是", "可展示形式：模型展示": "否",
        "可展示形式：PPT和多媒体展示": "否",
        "完成或投入使用日期": dt.datetime.combine(today - dt.timedelta(days=100), dt.time()),
        "其他情况说明": "", "确认符合参赛范围": "是", "确认为近三年成果": "是",
        **{f"是否属于排除情形{n}": "否" for n in range(1, 8)},
        "申报企业工会意见": "同意申报。", "工会意见填写人": "王主席", "工会意见日期": today.isoformat(),
        "完成人1姓名": "张三", "完成人1年龄": 35, "完成人1职务/职称": "高级技师", "完成人1工作单位": unit.name,
        "完成人1电话": "13812345678",
        "完成人2姓名": "王五", "完成人2年龄": 41, "完成人2职务/职称": "班组长", "完成人2工作单位": unit.name,
        "完成人2电话": "0371-67885139",
    }
    row.update(overrides)
    return row


def upload(client, edition, data: bytes, name: str = "线下作品.xlsx"):
    return client.post(reverse("entries:import", args=[edition.slug]),
                       {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})
