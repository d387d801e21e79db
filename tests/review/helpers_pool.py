"""Fixtures and builders of the pool's tests (experts, entries in the second round, XLSX files)."""

import io
import itertools

from openpyxl import Workbook

from wuxiao.entries.enums import EntryStatus
from wuxiao.review.models import Expert, ExpertField, ExpertTitle

from ..factories import DeclaringUnitFactory, EntryFactory

_mobiles = itertools.count(1)

HEADERS = ["姓名", "工作单位", "工作单位统一社会信用代码", "职称", "专业领域（国民经济行业代码）", "手机号码", "邮箱",
           "最少评审作品数", "最多评审作品数"]


def next_mobile() -> str:
    return f"136{next(_mobiles):08d}"


def make_expert(edition, *, name="王专家", organisation_name="郑州某研究院", organisation=None, fields=(("C", 2),),
                title=ExpertTitle.SENIOR, **extra) -> Expert:
    expert = Expert.objects.create(edition=edition, name=name, organisation_name=organisation_name,
                                   organisation=organisation, title=title, mobile=extra.pop("mobile", next_mobile()),
                                   email=extra.pop("email", "expert@example.com"), **extra)
    for code, depth in fields:
        ExpertField.objects.create(expert=expert, industry_id=code, depth=depth)
    return expert


def review_entry(edition, unit=None, *, status=EntryStatus.IN_REVIEW, **fields):
    unit = unit or DeclaringUnitFactory()
    return EntryFactory(edition=edition, declaring_unit=unit, status=status, **fields)


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    """A workbook whose first sheet has `headers` in row 1 and `rows` below."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "experts.xlsx"
    return out


def row(name="李工", org="郑州某集团有限公司", code="", title="正高级", fields="C34:3, 4420", mobile=None,
        email="li@example.com", low=None, high=None):
    return [name, org, code, title, fields, mobile or next_mobile(), email, low, high]
