"""Geometry of the server-rendered SVG charts; the templates draw, a table beside says the same."""

import datetime
from dataclasses import dataclass
from typing import Any

from maturity.questionnaires import READINESS_MAX_LEVEL

# Level chart: one bar per dimension, in viewBox units.
BAR_LEFT = 0
BAR_WIDTH = 300
BAR_HEIGHT = 18
BAR_GAP = 14


def level_bars(rows: list[Any]) -> dict[str, Any]:
    """Bars of the levels per dimension, with a tick where the previous assessment stood."""
    bars = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + BAR_GAP)
        previous = row.previous
        bars.append(
            {
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "width": BAR_WIDTH * row.level / READINESS_MAX_LEVEL,
                "previous_x": None
                if previous is None
                else BAR_WIDTH * previous / READINESS_MAX_LEVEL,
                "level": row.level,
                "label": row.label,
            }
        )
    grid = [
        {"x": BAR_WIDTH * level / READINESS_MAX_LEVEL, "level": level}
        for level in range(READINESS_MAX_LEVEL + 1)
    ]
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + 16
    return {"bars": bars, "grid": grid, "width": BAR_WIDTH, "height": height, "axis_y": height - 4}


# Timeline: from the start of 2025 (the first obligations of the AI Act) to the end of 2030.
TIMELINE_START = datetime.date(2025, 1, 1)
TIMELINE_END = datetime.date(2030, 12, 31)
TIMELINE_WIDTH = 600
LANES = {"obligation": 40, "measure": 100}


@dataclass(frozen=True)
class TimelineEvent:
    """One dated item of the roadmap: an obligation's start, a measure's due date."""

    number: int
    date: datetime.date
    lane: str
    kind: str
    label: str
    state: str


def _x(date: datetime.date) -> float:
    span = (TIMELINE_END - TIMELINE_START).days
    offset = min(max((date - TIMELINE_START).days, 0), span)
    return round(TIMELINE_WIDTH * offset / span, 1)


def timeline(events: list[TimelineEvent], today: datetime.date) -> dict[str, Any]:
    """Positions of the events, the year ticks, the line for today and the 2027 mark."""
    years = [
        {"x": _x(datetime.date(year, 1, 1)), "label": str(year)}
        for year in range(TIMELINE_START.year, TIMELINE_END.year + 1)
    ]
    # Events on the same day share a place; each gets its own step up so numbers stay legible.
    stacked: dict[tuple[str, float], int] = {}
    points = []
    for event in events:
        x = _x(event.date)
        step = stacked.get((event.lane, x), 0)
        stacked[(event.lane, x)] = step + 1
        y = LANES[event.lane] - 14 * (step % 3)
        points.append({"event": event, "x": x, "y": y, "label_y": y + 4})
    return {
        "width": TIMELINE_WIDTH,
        "height": 140,
        "years": years,
        "points": points,
        "today_x": _x(today),
        "end_2027_x": _x(datetime.date(2027, 12, 31)),
        "lanes": LANES,
        "outside": [e for e in events if not TIMELINE_START <= e.date <= TIMELINE_END],
    }
