"""The announcement period in working days (issue 12 item 2) across 国庆 2025: 1–8 October off, Sunday
28 September and Saturday 11 October worked (国务院办公厅 2025 holiday notice); dates computed by hand."""

import datetime as dt

import pytest

from wuxiao.awards.workdays import announcement_period, is_working_day, working_days_between

D = dt.date
HOLIDAYS = {D(2025, 10, d) for d in range(1, 9)}
WORKDAYS = {D(2025, 9, 28), D(2025, 10, 11)}


@pytest.mark.parametrize("published, n, start, end", [
    # Friday: Saturday 27 is off, Sunday 28 worked → 28, 29, 30 Sep, then 9, 10 Oct.
    (D(2025, 9, 26), 5, D(2025, 9, 28), D(2025, 10, 10)),
    # Tuesday 30 Sep: the holiday → 9, 10, 11 (Saturday worked), 13, 14 Oct.
    (D(2025, 9, 30), 5, D(2025, 10, 9), D(2025, 10, 14)),
    # Published on a holiday (3 Oct), 7 working days: 9, 10, 11, 13, 14, 15, 16 Oct.
    (D(2025, 10, 3), 7, D(2025, 10, 9), D(2025, 10, 16)),
    # An ordinary week: Monday 17 Nov → 18 … 21, 24 Nov.
    (D(2025, 11, 17), 5, D(2025, 11, 18), D(2025, 11, 24)),
])
def test_period_across_the_national_day(published, n, start, end):
    assert announcement_period(published, n, HOLIDAYS, WORKDAYS) == (start, end)
    assert working_days_between(start, end, HOLIDAYS, WORKDAYS) == n


def test_weekends_off_unless_marked():
    assert not is_working_day(D(2025, 9, 27), HOLIDAYS, WORKDAYS)  # Saturday
    assert is_working_day(D(2025, 9, 28), HOLIDAYS, WORKDAYS)  # Sunday worked
    assert not is_working_day(D(2025, 10, 1), HOLIDAYS, WORKDAYS)  # Wednesday, holiday
    assert not is_working_day(D(2025, 9, 28))  # the same Sunday without the calendar
