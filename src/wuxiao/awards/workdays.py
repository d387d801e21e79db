"""Working days for the announcement period (公示期), as Chinese offices count them.

A day is a working day when the office marked it a make-up working day (调休上班, usually a Saturday or Sunday
next to a holiday); otherwise not when marked a public holiday; otherwise Monday to Friday. Pure arithmetic on
dates: the caller passes the marked days as two sets, this module knows no model.

The period starts on the first working day after the day of publication (a list published on a Friday
afternoon does not lose a day to the weekend; the day of publication itself is never counted, since it is
rarely a whole day) and ends on its n-th working day, the day of publication not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

ONE_DAY = dt.timedelta(days=1)
# No calendar has a year without working days; a bound keeps a mistaken calendar from looping for ever.
SEARCH_LIMIT_DAYS = 3 * 366


def is_working_day(day: dt.date, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = ()) -> bool:
    """Whether `day` is a working day: a marked make-up working day is; a marked holiday is not; else Mon–Fri."""
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def next_working_day(day: dt.date, holidays: Collection[dt.date] = (),
                     workdays: Collection[dt.date] = ()) -> dt.date:
    """The first working day strictly after `day`."""
    for _n in range(SEARCH_LIMIT_DAYS):
        day += ONE_DAY
        if is_working_day(day, holidays, workdays):
            return day
    raise ValueError("no working day within three years")


def nth_working_day(start: dt.date, n: int, holidays: Collection[dt.date] = (),
                    workdays: Collection[dt.date] = ()) -> dt.date:
    """The n-th working day counting from `start` (itself the first when it is a working day); n ≥ 1."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start if is_working_day(start, holidays, workdays) else next_working_day(start, holidays, workdays)
    for _n in range(n - 1):
        day = next_working_day(day, holidays, workdays)
    return day


def announcement_period(published: dt.date, n: int, holidays: Collection[dt.date] = (),
                        workdays: Collection[dt.date] = ()) -> tuple[dt.date, dt.date]:
    """The period (first day, last day) of an announcement published on `published` lasting n working days."""
    start = next_working_day(published, holidays, workdays)
    return start, nth_working_day(start, n, holidays, workdays)


def working_days_between(first: dt.date, last: dt.date, holidays: Collection[dt.date] = (),
                         workdays: Collection[dt.date] = ()) -> int:
    """How many working days lie from `first` to `last`, both included (0 when `last` is before `first`)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day, holidays, workdays)
        day += ONE_DAY
    return count
