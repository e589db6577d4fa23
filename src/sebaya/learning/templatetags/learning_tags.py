"""Server-rendered SVG charts of peer learning; each page puts the same figures in a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

ROW_HEIGHT = 26
LABEL_WIDTH = 150
BAR_WIDTH = 280
CHART_WIDTH = LABEL_WIDTH + BAR_WIDTH + 50


@register.simple_tag
def bar_chart(rows: Sequence[Any], chart_id: str, title: str) -> SafeString:
    """Horizontal bars, one per row (`label`, `count`); the table beside it is the equivalent."""
    items = [(str(getattr(r, "label", "") or getattr(r, "name", "")), int(r.count)) for r in rows]
    if not items:
        return SafeString("")
    top = max(count for _label, count in items) or 1
    height = ROW_HEIGHT * len(items) + 10
    desc = "; ".join(f"{label}: {count}" for label, count in items)
    bars = []
    for i, (label, count) in enumerate(items):
        y = 5 + i * ROW_HEIGHT
        width = round(BAR_WIDTH * count / top, 1)
        bars.append(
            format_html(
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="tick" x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 6,
                y + 17,
                label[:24],
                LABEL_WIDTH,
                y + 4,
                width,
                ROW_HEIGHT - 8,
                LABEL_WIDTH + width + 6,
                y + 17,
                count,
            )
        )
    return format_html(
        '<svg class="chart bar-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        CHART_WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe("".join(bars)),  # noqa: S308 - every part is built with format_html
    )


WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 36


@register.simple_tag
def spread_chart(points: Sequence[Any], chart_id: str, title: str) -> SafeString:
    """A step line of the cumulative number of adopting regions by year of their first step."""
    if not points:
        return SafeString("")
    years = [p.year for p in points]
    first, last = min(years), max(years)
    span = max(1, last - first)
    top = max(p.total for p in points) or 1

    def x(year: int) -> float:
        if first == last:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (year - first) * (WIDTH - LEFT - RIGHT) / span

    def y(value: int) -> float:
        return TOP + (top - value) / top * (HEIGHT - TOP - BOTTOM)

    coords: list[tuple[float, float]] = []
    previous = 0
    for p in points:
        coords.append((x(p.year), y(previous)))
        coords.append((x(p.year), y(p.total)))
        previous = p.total
    coords.append((WIDTH - RIGHT, y(previous)))
    desc = "; ".join(
        _("%(year)d: %(total)d daerah") % {"year": p.year, "total": p.total} for p in points
    )
    ticks = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((f"{x(p.year):.1f}", HEIGHT - BOTTOM + 18, p.year) for p in points),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{title}</title>'
        '<desc id="{id}-d">{desc}</desc>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
        '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
        '<text class="tick" x="{lx}" y="{b}" text-anchor="end">0</text>'
        '<text class="tick" x="{lx}" y="{ty}" text-anchor="end">{top}</text>'
        '<polyline class="line-region" points="{pts}" fill="none"/>{ticks}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=desc,
        l=LEFT,
        r=WIDTH - RIGHT,
        t=TOP,
        b=HEIGHT - BOTTOM,
        lx=LEFT - 6,
        ty=TOP + 4,
        top=top,
        pts=" ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords),
        ticks=ticks,
    )
