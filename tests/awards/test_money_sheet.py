"""The prize-money sheet (奖金发放表, R11, R12) opened with openpyxl: per work with the revoked award marked and
the totals row, per declaring unit with its sums."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.awards.helpers import award_world
from wuxiao.awards import services_revoke
from wuxiao.awards.models import AwardRow, Certificate, ListStatus

pytestmark = pytest.mark.django_db


def test_money_sheet_per_work_and_per_unit(client):
    world = award_world(finalists=5, status=ListStatus.CONFIRMED)
    # Two awards of one unit: the 特等奖 (20000) and the third entry (一等奖, 15000).
    unit = world.finalists[0].declaring_unit
    world.finalists[2].declaring_unit = unit
    world.finalists[2].save(update_fields=["declaring_unit"])
    Certificate.objects.create(row=world.rows[0], number="ZZWX-2025-TD-001", issued_on=timezone.localdate())
    services_revoke.revoke(actor=world.office, row=AwardRow.objects.get(pk=world.rows[1].pk), reason="造假",
                           decided_on=timezone.localdate())
    client.force_login(world.office)
    response = client.get(reverse("awards:money_sheet", args=[world.edition.slug]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    works, units = book.worksheets
    lines = [[c.value for c in r] for r in works.iter_rows(min_row=3)]
    # 5 finalists, SMALL_TIERS 1 + 2 + 3 + …: all five awarded; one revoked.
    assert [line[2] for line in lines[:5]] == ["特等奖", "一等奖", "一等奖", "二等奖", "二等奖"]
    assert lines[0][1] == "ZZWX-2025-TD-001" and lines[0][5] == "张三明" and lines[0][6] == 20000
    assert "to be reclaimed" in lines[1][7] or "收回" in lines[1][7]
    payable = 20000 + 15000 + 10000 * 2
    assert lines[5][6] == payable and lines[6][6] == 15000  # totals row, then the money to be reclaimed
    per_unit = {r[0].value: (r[1].value, r[2].value) for r in units.iter_rows(min_row=3)}
    assert per_unit[unit.name] == (2, 35000)
    assert list(per_unit.values())[-1] == (4, payable)
    assert world.finalists[1].declaring_unit.name not in per_unit  # its only award was revoked
