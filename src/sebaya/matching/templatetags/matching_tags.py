"""Template tags of the matcher's pages: a server-rendered SVG bar chart and small formatters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

DASH = "\u2013"  # shown for a missing value
MINUS = "\u2212"

WIDTH = 560
LABEL_W, VALUE_W, TOP, ROW, BOTTOM = 220, 70, 12, 26, 34
MAX_LABEL = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no data, drawn as text, never as a zero-length bar
    highlight: bool = False
    proxy: bool = False  # the value is the province's: the label gets a " *"


def _fmt(value: float) -> str:
    return str(number_format(round(value, 2), 2))


@register.simple_tag
def bar_chart(
    bars: Sequence[Bar],
    chart_id: str,
    title: str,
    unit: str = "%",
    reference: float | str | None = None,
    reference_label: str = "",
) -> SafeString:
    """Horizontal bars, one per region, the highlighted one in the brand colour, and a dashed
    line at the reference (Indonesia's value) when given. The table beside it is the
    accessible equivalent; the SVG has a title and a description."""
    if not bars:
        return SafeString("")
    # A template passes "" for a missing reference.
    reference = float(reference) if isinstance(reference, int | float) else None
    values = [b.value for b in bars if b.value is not None]
    top = max([*values, reference or 0.0, 0.0]) * 1.1 or 1.0
    plot_w = WIDTH - LABEL_W - VALUE_W
    height = TOP + ROW * len(bars) + BOTTOM

    def x(value: float) -> float:
        return LABEL_W + plot_w * value / top

    parts: list[SafeString] = []
    desc = "; ".join(
        f"{b.label}: {_fmt(b.value) + unit if b.value is not None else _('tidak ada data')}"
        for b in bars
    )
    if reference is not None:
        desc += f"; {reference_label}: {_fmt(reference)}{unit}"
    parts.append(format_html('<title id="{}-t">{}</title>', chart_id, title))
    parts.append(format_html('<desc id="{}-d">{}</desc>', chart_id, desc))
    for i, b in enumerate(bars):
        y = TOP + i * ROW
        label = b.label.replace("Kabupaten ", "Kab. ").replace("Daerah Istimewa ", "DI ")
        label = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026"
        if b.proxy:
            label += " *"
        parts.append(
            format_html(
                '<text class="tick bar-label{}" x="{}" y="{}" text-anchor="end">{}</text>',
                " strong" if b.highlight else "",
                LABEL_W - 6,
                y + ROW * 0.65,
                label,
            )
        )
        if b.value is None:
            parts.append(
                format_html(
                    '<text class="tick missing" x="{}" y="{}">{}</text>',
                    LABEL_W + 4,
                    y + ROW * 0.65,
                    _("tidak ada data"),
                )
            )
            continue
        parts.append(
            format_html(
                '<rect class="bar{}" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="tick" x="{}" y="{}">{}{}</text>',
                " highlight" if b.highlight else "",
                LABEL_W,
                y + 4,
                f"{max(1.0, x(b.value) - LABEL_W):.1f}",
                ROW - 8,
                f"{x(b.value) + 4:.1f}",
                y + ROW * 0.65,
                _fmt(b.value),
                unit,
            )
        )
    axis_y = TOP + ROW * len(bars)
    parts.append(
        format_html(
            '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
            '<text class="tick" x="{l}" y="{ly}" text-anchor="middle">0</text>',
            l=LABEL_W,
            t=TOP,
            b=axis_y,
            ly=axis_y + 16,
        )
    )
    if reference is not None:
        rx = f"{x(reference):.1f}"
        parts.append(
            format_html(
                '<line class="line-national" x1="{x}" y1="{t}" x2="{x}" y2="{b}"/>'
                '<text class="legend" x="{x}" y="{ly}" text-anchor="middle">'
                "{label} {v}{unit}</text>",
                x=rx,
                t=TOP - 4,
                b=axis_y,
                ly=axis_y + 28,
                label=reference_label,
                v=_fmt(reference),
                unit=unit,
            )
        )
    return format_html(
        '<svg class="chart bar-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )


@register.filter
def pct(value: float | None, digits: int = 0) -> str:
    """0.834 -> "83" (a share shown as a percentage, without the sign)."""
    if value is None:
        return DASH
    return str(number_format(round(100 * float(value), digits), digits))


@register.filter
def num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return DASH
    return str(number_format(round(float(value), digits), digits))


@register.filter
def signed(value: float | None) -> str:
    """+0,33 or minus 0,42 with a true minus sign (percentage points)."""
    if value is None:
        return DASH
    sign = "+" if value > 0 else MINUS if value < 0 else "\u00b1"
    return f"{sign}{number_format(round(abs(float(value)), 2), 2)}"
