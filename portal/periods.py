"""One Period: a quarter (year, quarter) with its dates and arithmetic, used by engine, dashboards,
forms, API and commands alike."""

import datetime
from dataclasses import dataclass
from functools import total_ordering

from django.utils import timezone
from django.utils.translation import get_language


@total_ordering
@dataclass(frozen=True)
class Period:
    """A quarter; `end` is its last day E (SPEC 4)."""

    year: int
    quarter: int

    def __post_init__(self):
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1–4, not {self.quarter}")

    def __lt__(self, other: "Period") -> bool:
        return (self.year, self.quarter) < (other.year, other.quarter)

    @classmethod
    def containing(cls, day: datetime.date | None = None) -> "Period":
        """The quarter containing `day` (default: today, Asia/Shanghai)."""
        day = day or timezone.localdate()
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.quarter * 3 - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def previous(self) -> "Period":
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)

    def next(self) -> "Period":
        return Period(self.year, self.quarter + 1) if self.quarter < 4 else Period(self.year + 1, 1)

    def last_four(self) -> list["Period"]:
        """This quarter and the three before it, oldest first (across the year boundary)."""
        periods = [self]
        for _i in range(3):
            periods.insert(0, periods[0].previous())
        return periods

    @property
    def key(self) -> str:
        """The URL form, "2025-2"."""
        return f"{self.year}-{self.quarter}"

    @property
    def code(self) -> str:
        """The machine form, for file names and logs: "2025Q2"."""
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        """How people read it, in the active language: "2025年第2季度", "2025 Q2" (quarter_label)."""
        return quarter_label(self.year, self.quarter)

    def __str__(self) -> str:
        return self.label


def _english() -> bool:
    return (get_language() or "").startswith("en")


# One format per language (issue 17) rather than a translated phrase: "2026年第4季度" and "2026 Q4" are
# conventions of their languages, not sentences, and pages, workbooks and select options must agree.
def quarter_label(year: int, quarter: int) -> str:
    """A quarter as people read it: "2026年第4季度" in Chinese, "2026 Q4" in English. Evaluated per call
    (never at import time), so it follows the request's language."""
    return f"{year} Q{quarter}" if _english() else f"{year}年第{quarter}季度"


def quarter_name(quarter: int) -> str:
    """A quarter of no particular year, for select options: "第4季度", "Q4"."""
    return f"Q{quarter}" if _english() else f"第{quarter}季度"


def quarter_choices() -> list[tuple[int, str]]:
    """The four quarters as (number, name) options, built when a form is drawn (callable choices)."""
    return [(quarter, quarter_name(quarter)) for quarter in range(1, 5)]


def quarter_end(year: int, quarter: int) -> datetime.date:
    return Period(year, quarter).end


def choose_period(periods: list[Period], key: str | None) -> Period | None:
    """The period named by `key` ("2025-2") when it is among `periods` (newest first), else the latest
    one that has begun."""
    for period in periods:
        if period.key == key:
            return period
    # Runs of future quarters are refused now but may remain from before: never the default.
    begun = [period for period in periods if period <= Period.containing()]
    return begun[0] if begun else (periods[0] if periods else None)
