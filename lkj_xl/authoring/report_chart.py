"""The report's timeline chart: a Gantt-style stacked horizontal bar chart, made once by the builder (openpyxl).

The usual Excel way of drawing a Gantt chart: a stacked bar chart whose first series (the days from day 0 to the
step's start) has no fill, no line and no legend entry, so each step's bar seems to float from its start.  The other
series are the segments of :mod:`lkj_xl.core.report_timeline` (actual within the standard, the rest of the standard,
past the standard, actual without a standard), each a fixed colour.  The series read the timeline data cells of the
``Laporan`` sheet (``L``..``Q`` beside the step rows), which every report rewrites; the chart itself never changes.

Steps run top to bottom (category axis reversed, the value axis crossing at the last category so it stays below the
bars), 100 % overlap and a narrow gap, as Excel makes a stacked bar chart.
"""

from __future__ import annotations

from typing import Any

from lkj_xl.workbook.report_sheet import CHART_DATA_COL, CHART_DATA_HEADERS, CHART_TITLE, STEPS_FIRST_ROW, \
    STEPS_HEADER_ROW, ReportLayout

#: Fill of each segment series (after the invisible offset): within standard, rest of standard, past standard,
#: no standard.
SEGMENT_COLOURS = ("2F5597", "D9D9D9", "C00000", "70AD47")


def timeline_chart(ws: Any, lay: ReportLayout) -> Any:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    chart = BarChart()
    chart.type = "bar"  # horizontal bars
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = CHART_TITLE
    chart.style = 2
    series_count = len(CHART_DATA_HEADERS) - 1
    data = Reference(ws, min_col=CHART_DATA_COL + 1, max_col=CHART_DATA_COL + series_count, min_row=STEPS_HEADER_ROW,
                     max_row=lay.steps_last_row)
    cats = Reference(ws, min_col=CHART_DATA_COL, min_row=STEPS_FIRST_ROW, max_row=lay.steps_last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    # As Excel writes them: text categories as a string reference, colours not varied by point, square corners.
    from openpyxl.chart.data_source import AxDataSource, StrRef

    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=series.cat.numRef.f))
    chart.varyColors = False
    chart.roundedCorners = False

    offset = chart.series[0]
    offset.graphicalProperties = GraphicalProperties(noFill=True)
    offset.graphicalProperties.line = LineProperties(noFill=True)
    for series, colour in zip(chart.series[1:], SEGMENT_COLOURS):
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.graphicalProperties.line = LineProperties(solidFill="FFFFFF", w=6350)  # 0.5 pt white edge
    # No legend: the note row above the chart names the colours (a legend would list the invisible offset series,
    # and LibreOffice does not honour a deleted legend entry).
    chart.legend = None

    # Category axis (the steps): first step on top, labels readable.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.axPos = "l"
    chart.x_axis.crosses = "autoZero"
    chart.x_axis.auto = True
    chart.x_axis.lblAlgn = "ctr"
    chart.x_axis.noMultiLvlLbl = False
    # Value axis (days): below the bars, gridlines every few days.
    chart.y_axis.delete = False
    chart.y_axis.crosses = "max"
    chart.y_axis.axPos = "b"
    chart.y_axis.crossBetween = "between"
    chart.y_axis.title = "Hari kalender sejak hari ke-0"
    chart.y_axis.number_format = "0"
    chart.y_axis.majorGridlines = ChartLines()
    chart.y_axis.scaling.min = 0
    chart.width = 38  # cm: the printed width of A:J
    chart.height = 12
    return chart


__all__ = ["SEGMENT_COLOURS", "timeline_chart"]
