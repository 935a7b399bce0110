"""Report periods: a calendar year by default, or any range of whole days."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})--(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """Whole days from start to end, both included, in the installation's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        )

    @property
    def slug(self) -> str:
        """The period as it appears in public addresses: `2025` or `2025-01-01--2025-06-30`."""
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start.isoformat()}--{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """The period for people: `2025` or `01.01.2025 – 30.06.2025`."""
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    @property
    def starts_at(self) -> datetime.datetime:
        """The first moment of the period."""
        return _midnight(self.start)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period."""
        return _midnight(self.end + datetime.timedelta(days=1))


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def parse_period(value: str) -> Period:
    """`2025` or `2025-01-01--2025-06-30`; ValueError for anything else or a reversed range."""
    match = _YEAR.match(value)
    if match:
        year = int(match.group(1))
        if year < 1:
            raise ValueError(value)
        return Period.year(year)
    match = _RANGE.match(value)
    if not match:
        raise ValueError(value)
    start = datetime.date.fromisoformat(match.group(1))
    end = datetime.date.fromisoformat(match.group(2))
    if end < start:
        raise ValueError(value)
    return Period(start, end)
