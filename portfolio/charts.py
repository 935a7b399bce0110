"""Geometry of the portfolio's server-rendered SVG charts; the templates draw it.

Colour is never the only cue: each risk class has a pattern as well as a colour, ideas have a
dashed outline, baselines a square marker, and every chart has a table beside it.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

from portfolio import formula
from portfolio.selectors import Candidate, Series

# Per risk class: colour (at least 3:1 against white, WCAG 1.4.11) and pattern id.
RISK_STYLES: dict[str, tuple[str, str]] = {
    "prohibited": ("#a4000b", "cross"),
    "high_risk": ("#9a4a00", "stripes"),
    "transparency": ("#5f3b99", "dots"),
    "minimal": ("#1d6b34", "solid"),
    "out_of_scope": ("#4a5563", "solid"),
    "": ("#4a5563", "none"),
}
PATTERNS = ("cross", "stripes", "dots")


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bubble:
    rank: int
    candidate: Candidate
    x: float
    y: float
    r: float
    colour: str
    pattern: str
    dashed: bool


@dataclass(frozen=True)
class BubbleChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    bubbles: list[Bubble]
    x_ticks: list[Tick]
    y_ticks: list[Tick]

    @property
    def right(self) -> int:
        return self.left + self.plot_width

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height


def _domain(values: list[float], low: float, high: float) -> tuple[float, float]:
    lo = min([*values, 0.0, low if low > -4 else 0.0])
    hi = max([*values, high])
    if hi - lo < 1:
        hi = lo + 1
    return math.floor(lo), math.ceil(hi)


def _ticks(lo: float, hi: float, scale: Callable[[float], float]) -> list[Tick]:
    step = max(1, math.ceil((hi - lo) / 6))
    ticks = []
    value = lo
    while value <= hi + 1e-9:
        ticks.append(Tick(scale(value), formats.number_format(value, 0)))
        value += step
    return ticks


def bubble_chart(candidates: list[Candidate], *, first_rank: int = 1) -> BubbleChart:
    """Benefit (up) against feasibility (right); bubble area grows with the yearly case volume.
    Each bubble carries its rank, counted from `first_rank` (one page of the ranking)."""
    width, height, left, top, right_margin, bottom_margin = 640, 420, 56, 16, 24, 52
    plot_w, plot_h = width - left - right_margin, height - top - bottom_margin
    x_lo, x_hi = _domain(
        [c.feasibility for c in candidates], *formula.bounds(formula.Axis.FEASIBILITY)
    )
    # A point on the edge would be drawn half outside the plot.
    x_lo, x_hi = x_lo - 1, x_hi + 1
    y_lo, y_hi = _domain([c.benefit for c in candidates], *formula.bounds(formula.Axis.BENEFIT))

    def sx(value: float) -> float:
        return round(left + (value - x_lo) / (x_hi - x_lo) * plot_w, 1)

    def sy(value: float) -> float:
        return round(top + plot_h - (value - y_lo) / (y_hi - y_lo) * plot_h, 1)

    largest = max((c.yearly_case_volume or 0 for c in candidates), default=0)
    bubbles = []
    for rank, candidate in enumerate(candidates, start=first_rank):
        volume = candidate.yearly_case_volume or 0
        radius = 7 + (22 * math.sqrt(volume / largest) if largest else 0)
        colour, pattern = RISK_STYLES.get(candidate.risk_class, RISK_STYLES[""])
        bubbles.append(
            Bubble(
                rank=rank,
                candidate=candidate,
                x=sx(candidate.feasibility),
                y=sy(candidate.benefit),
                r=round(radius, 1),
                colour=colour,
                pattern=pattern,
                dashed=candidate.status == "idea",
            )
        )
    # Small bubbles last, so that a large one never hides a small one.
    bubbles.sort(key=lambda bubble: -bubble.r)
    return BubbleChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_w,
        plot_height=plot_h,
        bubbles=bubbles,
        x_ticks=_ticks(x_lo, x_hi, sx),
        y_ticks=_ticks(y_lo, y_hi, sy),
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: datetime.date
    value: Decimal
    baseline: bool


@dataclass(frozen=True)
class LineChart:
    series: Series
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: list[Point]
    path: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    go_live_x: float | None

    @property
    def right(self) -> int:
        return self.left + self.plot_width

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height


def line_chart(series: Series, *, go_live: datetime.date | None = None) -> LineChart:
    """An indicator's values over time (the end of each period), from zero up."""
    width, height, left, top, right_margin, bottom_margin = 560, 220, 56, 14, 20, 40
    plot_w, plot_h = width - left - right_margin, height - top - bottom_margin
    days = [day for day, _value, _phase in series.points]
    if go_live is not None:
        days.append(go_live)
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    top_value = max((float(value) for _d, value, _p in series.points), default=1.0) or 1.0
    step: float = 10.0 ** math.floor(math.log10(top_value))
    y_hi: float = math.ceil(top_value * 1.1 / step) * step

    def sx(day: datetime.date) -> float:
        return round(left + (day - first).days / span * plot_w, 1)

    def sy(value: float) -> float:
        return round(top + plot_h - value / y_hi * plot_h, 1)

    points = [
        Point(sx(day), sy(float(value)), day, value, phase == "baseline")
        for day, value, phase in series.points
    ]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    y_ticks = [
        Tick(sy(y_hi * i / 4), formats.number_format(y_hi * i / 4, 0 if y_hi >= 8 else 2))
        for i in range(5)
    ]
    x_ticks = [Tick(sx(first), formats.date_format(first, "SHORT_DATE_FORMAT"))]
    if last != first:
        x_ticks.append(Tick(sx(last), formats.date_format(last, "SHORT_DATE_FORMAT")))
    return LineChart(
        series=series,
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_w,
        plot_height=plot_h,
        points=points,
        path=path,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        go_live_x=sx(go_live) if go_live is not None else None,
    )
