"""The report's timeline (a Gantt-style chart) as numbers: per step, where its bar starts and its segments (pure).

Each step is one horizontal bar on a calendar-day axis whose zero is the first step's start:

* an invisible offset (the days from zero to the step's start: the chart's first, unfilled series);
* "Aktual dalam standar": from the start to the Selesai (or to now while it runs), as far as the due time;
* "Sisa standar": the rest of the standard's window when the step finished (or stands) before its due;
* "Melebihi standar": past the due time;
* "Aktual (tanpa standar)": the whole actual time of a step that has no time standard.

So the planned window (start to due) and the actual time are read on the same bar.  A step of minutes next to steps
of weeks would be a hairline: a bar shorter than :data:`MIN_SHARE` of the axis is stretched to that length (its
segments in proportion), and its label states the real durations, so nothing short vanishes and nothing is
misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

#: The shortest bar drawn, as a share of the axis (the longest bar end): 2 %, about 5 mm on the printed chart.
MIN_SHARE = 0.02

SERIES: tuple[str, ...] = ("Mulai", "Aktual dalam standar", "Sisa standar", "Melebihi standar",
                           "Aktual (tanpa standar)")


@dataclass(frozen=True)
class TimelineBar:
    label: str  # "Langkah 3: 14 hari kerja 5 jam (standar 10 hari kerja)"
    offset: float  # days from the axis' zero to the start
    within: float = 0.0
    spare: float = 0.0
    over: float = 0.0
    no_standard: float = 0.0

    @property
    def length(self) -> float:
        return self.within + self.spare + self.over + self.no_standard

    def values(self) -> list[float | None]:
        """The chart row: offset then the segments (None for an empty segment: no sliver, no label)."""
        return [round(self.offset, 3)] + [round(v, 3) if v > 0 else None
                                          for v in (self.within, self.spare, self.over, self.no_standard)]


@dataclass(frozen=True)
class StepSpan:
    """What the timeline needs of one step."""

    label: str
    start: datetime | None
    end: datetime | None  # Selesai, or now while running; None: not started
    due: datetime | None  # None: no time standard


def _days(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 86400


def timeline(spans: Iterable[StepSpan]) -> tuple[datetime | None, tuple[TimelineBar, ...]]:
    """(the instant of day 0, one bar per step in order).  A step not started has an empty bar at 0."""
    spans = list(spans)
    starts = [s.start for s in spans if s.start is not None and s.end is not None]
    origin = min(starts) if starts else None
    bars: list[TimelineBar] = []
    for span in spans:
        if origin is None or span.start is None or span.end is None:
            bars.append(TimelineBar(span.label, 0.0))
            continue
        start, end = span.start, max(span.end, span.start)
        offset = _days(origin, start)
        if span.due is None:
            bars.append(TimelineBar(span.label, offset, no_standard=_days(start, end)))
            continue
        due = max(span.due, start)
        bars.append(TimelineBar(span.label, offset, within=_days(start, min(end, due)),
                                spare=max(0.0, _days(end, due)), over=max(0.0, _days(due, end))))
    axis = max((b.offset + b.length for b in bars), default=0.0)
    shortest = axis * MIN_SHARE
    drawn = []
    for span, bar in zip(spans, bars):
        started = origin is not None and span.start is not None and span.end is not None
        if started and bar.length < shortest:
            if bar.length > 0:
                k = shortest / bar.length
                bar = TimelineBar(bar.label, bar.offset, bar.within * k, bar.spare * k, bar.over * k,
                                  bar.no_standard * k)
            elif span.due is None:  # started and finished in the same minute
                bar = TimelineBar(bar.label, bar.offset, no_standard=shortest)
            else:
                bar = TimelineBar(bar.label, bar.offset, within=shortest)
        drawn.append(bar)
    return origin, tuple(drawn)


__all__ = ["MIN_SHARE", "SERIES", "StepSpan", "TimelineBar", "timeline"]
