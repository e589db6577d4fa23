"""Filters and tags shared by the page templates: localized names, units and the SVG trend chart."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sebaya.regions.selectors import IndicatorSeries

register = template.Library()

UNIT_SUFFIXES = {"percent": "%", "%": "%"}


@register.filter
def lname(obj: Any) -> str:
    """The object's name in the current language (themes, urusan, indicators, SDGs)."""
    if obj is None:
        return ""
    return str(obj.localized_name(get_language()))


@register.filter
def unit_suffix(unit: str) -> str:
    """ "percent" -> "%"; other units follow the number after a space."""
    if not unit:
        return ""
    return UNIT_SUFFIXES.get(unit, f" {unit}")


@register.filter
def period_label(period: str, style: str = "long") -> str:
    """ "2022-03" -> "Maret 2022" (or "Mar 2022" with style "short"); "2021" stays "2021"."""
    if len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
        month = int(period[5:])
        if 1 <= month <= 12:
            day = datetime.date(int(period[:4]), month, 1)
            return str(date_format(day, "M Y" if style == "short" else "F Y"))
    return period


def _fmt(value: Decimal | float) -> str:
    return str(number_format(Decimal(value).quantize(Decimal("0.01")), 2))


# Chart geometry in SVG user units; the SVG scales to its container's width.
WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@register.simple_tag
def line_chart(series: IndicatorSeries, title: str = "") -> SafeString:
    """A small server-rendered line chart of a region's series, Indonesia's values dashed.

    The table beside it is the accessible equivalent; the chart has a title and description.
    Lines are broken where a series break is marked, so incomparable values are not joined.
    """
    points = series.points
    if not points:
        return SafeString("")
    periods: list[datetime.date] = sorted(
        {p.period_start for p in points} | {n.period_start for p in points for n in p.national}
    )
    labels = {p.period_start: p.period for p in points}
    values = [p.value for p in points] + [n.value for p in points for n in p.national]
    top = max(values) * Decimal("1.15") or Decimal(1)

    def x(day: datetime.date) -> float:
        if len(periods) == 1:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + periods.index(day) * (WIDTH - LEFT - RIGHT) / (len(periods) - 1)

    def y(value: Decimal) -> float:
        return TOP + float((top - value) / top) * (HEIGHT - TOP - BOTTOM)

    # One value per period for the line (the first source); every value is drawn as a dot.
    segments: list[list[tuple[float, float]]] = [[]]
    seen: set[datetime.date] = set()
    for p in points:
        if p.series_break and segments[-1]:
            segments.append([])
        if p.period_start in seen:
            continue
        seen.add(p.period_start)
        segments[-1].append((x(p.period_start), y(p.value)))
    national: list[tuple[float, float]] = []
    national_seen: set[datetime.date] = set()
    for p in points:
        for n in p.national:
            if n.period_start not in national_seen:
                national_seen.add(n.period_start)
                national.append((x(n.period_start), y(n.value)))
    national.sort()

    def polyline(coords: list[tuple[float, float]], css: str) -> SafeString:
        return format_html(
            '<polyline class="{}" points="{}" fill="none"/>',
            css,
            " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords),
        )

    name = title or series.indicator.localized_name(get_language())
    unit = unit_suffix(series.unit)
    first, last = points[0], points[-1]
    desc = _("%(name)s, %(first_period)s: %(first)s%(unit)s; %(last_period)s: %(last)s%(unit)s.")
    desc = desc % {
        "name": name,
        "first_period": period_label(first.period),
        "first": _fmt(first.value),
        "last_period": period_label(last.period),
        "last": _fmt(last.value),
        "unit": unit,
    }
    chart_id = f"chart-{series.indicator.slug}"
    parts: list[SafeString] = [
        format_html('<title id="{}-t">{}</title>', chart_id, name),
        format_html('<desc id="{}-d">{}</desc>', chart_id, desc),
        # Axes and the gridline at the top value.
        format_html(
            '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
            '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
            '<text class="tick" x="{lx}" y="{b}" text-anchor="end">0</text>'
            '<text class="tick" x="{lx}" y="{ty}" text-anchor="end">{top}</text>',
            l=LEFT,
            r=WIDTH - RIGHT,
            t=TOP,
            b=HEIGHT - BOTTOM,
            lx=LEFT - 6,
            ty=TOP + 4,
            top=_fmt(top),
        ),
    ]
    for i, day in enumerate(periods):
        # The outer labels are anchored inwards so they are not cut at the edges.
        anchor = "middle"
        if len(periods) > 1 and i == 0:
            anchor = "start"
        elif len(periods) > 1 and i == len(periods) - 1:
            anchor = "end"
        parts.append(
            format_html(
                '<text class="tick" x="{}" y="{}" text-anchor="{}">{}</text>',
                f"{x(day):.1f}",
                HEIGHT - BOTTOM + 16,
                anchor,
                period_label(labels.get(day, day.strftime("%Y-%m")), "short"),
            )
        )
    if len(national) > 1:
        parts.append(polyline(national, "line-national"))
    parts.append(
        format_html_join(
            "",
            '<circle class="dot-national" cx="{}" cy="{}" r="3"/>',
            ((f"{cx:.1f}", f"{cy:.1f}") for cx, cy in national),
        )
    )
    for segment in segments:
        if len(segment) > 1:
            parts.append(polyline(segment, "line-region"))
    for p in points:
        parts.append(
            format_html(
                '<circle class="dot-region{}" cx="{}" cy="{}" r="4">'
                "<title>{}: {}{}</title></circle>",
                " break" if p.series_break else "",
                f"{x(p.period_start):.1f}",
                f"{y(p.value):.1f}",
                period_label(p.period),
                _fmt(p.value),
                unit,
            )
        )
    legend_y = HEIGHT - 8
    parts.append(
        format_html(
            '<line class="line-region" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="legend" x="{}" y="{}">{}</text>',
            LEFT,
            legend_y - 4,
            LEFT + 20,
            legend_y - 4,
            LEFT + 26,
            legend_y,
            _("Wilayah ini"),
        )
    )
    if national:
        parts.append(
            format_html(
                '<line class="line-national" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="legend" x="{}" y="{}">{}</text>',
                LEFT + 140,
                legend_y - 4,
                LEFT + 160,
                legend_y - 4,
                LEFT + 166,
                legend_y,
                _("Indonesia"),
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    """mapping[key] in a template, None when absent."""
    return (mapping or {}).get(key)


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """User text written in markdown, rendered and sanitised (sebaya.core.markup)."""
    from sebaya.core.markup import render_markdown

    return render_markdown(text)


@register.filter
def safe_href(url: str | None) -> str:
    """A user-supplied link only if it is http(s), mailto or relative; otherwise empty."""
    from sebaya.core.markup import safe_url

    return safe_url(url)
