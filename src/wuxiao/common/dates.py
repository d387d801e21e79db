"""Dates and times as the competition speaks of them: Beijing time, a date limit that holds all day."""

import datetime as dt

from django.utils import timezone


def format_local(moment: dt.datetime) -> str:
    """`moment` in Beijing time to the minute, as the notice writes its deadlines."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Beijing time: a date limit holds until 23:59:59."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def as_date(value) -> dt.date | None:
    """A date from a date, an aware datetime or an ISO string; None when it is none of them."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
