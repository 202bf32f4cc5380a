"""Preferred times in an availability request: days of the week and a time range, read in the
patient's time zone ("Mon–Fri 18:00–21:00"). Stored as JSON on the request; this module is
the one place that parses, checks and describes them."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from hale.scheduling.errors import SchedulingError

MAX_WINDOWS = 3


@dataclass(frozen=True)
class TimeWindow:
    days: tuple[int, ...]  # 0 = Monday … 6 = Sunday, sorted, no repeats
    start: dt.time
    end: dt.time

    def to_json(self) -> dict[str, Any]:
        return {"days": list(self.days), "from": f"{self.start:%H:%M}", "to": f"{self.end:%H:%M}"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TimeWindow":
        return cls(
            days=tuple(sorted({int(d) for d in data["days"]})),
            start=dt.time.fromisoformat(data["from"]),
            end=dt.time.fromisoformat(data["to"]),
        )

    def describe(self) -> str:
        """ "Mon–Fri 18:00–21:00", "Tue, Thu 09:00–12:00" (day names in the active language)."""
        return f"{_days(self.days)} {self.start:%H:%M}–{self.end:%H:%M}"


def _days(days: Sequence[int]) -> str:
    """Runs of three or more consecutive days as a range, the rest listed."""
    parts: list[str] = []
    run: list[int] = []
    for day in [*days, None]:
        if day is not None and run and day == run[-1] + 1:
            run.append(day)
            continue
        if len(run) >= 3:
            parts.append(f"{WEEKDAYS_ABBR[run[0]]}–{WEEKDAYS_ABBR[run[-1]]}")
        else:
            parts.extend(str(WEEKDAYS_ABBR[d]) for d in run)
        run = [day] if day is not None else []
    return ", ".join(parts)


def checked(windows: Iterable[TimeWindow]) -> list[TimeWindow]:
    """``windows`` if they make a request: one to ``MAX_WINDOWS``, each with a day and an
    end after its start. Otherwise a ``SchedulingError`` saying what to fix."""
    result = list(windows)
    if not result:
        raise SchedulingError(_("Please choose at least one day and a time range that suits you."))
    if len(result) > MAX_WINDOWS:
        raise SchedulingError(
            _("Please choose at most %(count)d time ranges.") % {"count": MAX_WINDOWS}
        )
    for window in result:
        if not window.days or any(d not in range(7) for d in window.days):
            raise SchedulingError(_("Please choose at least one day for each time range."))
        if window.end <= window.start:
            raise SchedulingError(_("Each time range must end after it starts."))
    return result


def parse(stored: Iterable[dict[str, Any]]) -> list[TimeWindow]:
    """The windows stored on a request (rows that no longer parse are left out)."""
    windows = []
    for item in stored or ():
        try:
            windows.append(TimeWindow.from_json(item))
        except (KeyError, TypeError, ValueError):
            continue
    return windows


def summary(windows: Sequence[TimeWindow], zone_name: str) -> str:
    """ "Mon–Fri 18:00–21:00; Sat 09:00–12:00 (Europe/Madrid)"."""
    text = "; ".join(w.describe() for w in windows)
    return f"{text} ({zone_name})" if text and zone_name else text
