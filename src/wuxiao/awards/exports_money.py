"""The prize-money sheet (奖金发放表, R11, R12) as XLSX: per awarded work (certificate number, tier, title,
declaring unit, first completer, prize money, payable or revoked and to be reclaimed or returned) with a totals
row, and per declaring unit (awards and prize money payable) with the total. Through the one safe writer."""

from __future__ import annotations

from collections import OrderedDict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuxiao.common.spreadsheet import XlsxSheet
from wuxiao.documents.exporters import Exporter, safe_filename

from . import queries_tiers as tq
from .models import ListStatus


def _bold(book: XlsxSheet, row: int) -> None:
    from openpyxl.styles import Font

    for cell in book.sheet[row]:
        cell.font = Font(bold=True)


def _widths(book: XlsxSheet, widths) -> None:
    from openpyxl.utils import get_column_letter

    for number, width in enumerate(widths, start=1):
        book.sheet.column_dimensions[get_column_letter(number)].width = width


def money_status(row) -> str:
    if not row.is_revoked:
        return _("payable")
    if row.money_reclaimed_on:
        return _("revoked — %(amount)s yuan returned on %(date)s") % {
            "amount": row.money_reclaimed_yuan, "date": row.money_reclaimed_on.isoformat()}
    return _("revoked — to be reclaimed")


class MoneySheetXlsx(Exporter):
    name, label, file_type = "award_money_sheet", gettext_lazy("Prize money sheet (Excel)"), "xlsx"

    def __init__(self, award_list):
        self.award_list = award_list

    def filename(self) -> str:
        stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
        return safe_filename(f"{self.award_list.edition.title}-奖金发放表-{stamp}", 90) + ".xlsx"

    def render(self) -> bytes:
        edition = self.award_list.edition
        rows = tq.money_rows(self.award_list)
        title = _("Prize money sheet")
        if self.award_list.status != ListStatus.CONFIRMED:
            title = _("Prize money sheet (proposed, not confirmed)")
        book = XlsxSheet(_("Per work"))
        book.append([f"{edition.title} {title}"])
        book.append([_("No."), _("Certificate number"), _("Prize tier"), _("Title"), _("Declaring unit"),
                     _("First completer"), _("Prize money (yuan)"), _("Status of the prize money")])
        units: OrderedDict[str, list[int]] = OrderedDict()
        payable = reclaim = 0
        for n, row in enumerate(rows, start=1):
            entry = row.entry
            completers = list(entry.completers.all())
            book.append([n, tq.certificate_number(row), row.tier.name, entry.title, entry.declaring_unit.name,
                         completers[0].name if completers else "", row.amount_yuan, money_status(row)])
            unit = units.setdefault(entry.declaring_unit.name, [0, 0])
            if row.is_revoked:
                reclaim += row.amount_yuan
            else:
                payable += row.amount_yuan
                unit[0] += 1
                unit[1] += row.amount_yuan
        book.append([_("Total payable"), None, None, None, None, None, payable,
                     _("%(n)d awards") % {"n": sum(1 for r in rows if not r.is_revoked)}])
        total_row = book.sheet.max_row
        if reclaim:
            book.append([_("Revoked: to be reclaimed"), None, None, None, None, None, reclaim, ""])
        _bold(book, 2)
        _bold(book, total_row)
        _widths(book, [6, 20, 10, 36, 30, 12, 12, 28])
        book.sheet.freeze_panes = "A3"

        per_unit = book.add_sheet(_("Per declaring unit"))
        per_unit.append([f"{edition.title} {title}"])
        per_unit.append([_("Declaring unit"), _("Number of awards"), _("Prize money (yuan)")])
        for name, (count, amount) in units.items():
            if count:
                per_unit.append([name, count, amount])
        per_unit.append([_("Total"), sum(c for c, _a in units.values()), payable])
        _bold(per_unit, 2)
        _bold(per_unit, per_unit.sheet.max_row)
        _widths(per_unit, [36, 12, 14])
        return book.to_bytes()
