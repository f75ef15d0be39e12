"""Charts as inline SVG drawn on the server: no JavaScript, nothing for the CSP to block.
Every chart is shown with a table of the same numbers beside it."""

import functools
import math

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 420
SIZE = 280  # height of the chart area, above the legend
CENTRE_X = WIDTH / 2
CENTRE_Y = SIZE / 2
RADIUS = 100
SCALE_MAX = 4
# Text is sized so that a chart shrunk to a 320 px phone still draws it at 12 px or more.
FONT = 20


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * value / SCALE_MAX
    return (round(CENTRE_X + distance * math.cos(angle), 1),
            round(CENTRE_Y + distance * math.sin(angle), 1))  # fmt: skip


@functools.lru_cache(maxsize=16)
def _radar_frame(count: int, axes: tuple[str, ...]) -> SafeString:
    """The rings, spokes and axis labels of a star chart: the same for every chart of the same
    axes, so drawn once (per language: `axes` are the translated labels)."""
    rings = format_html_join(
        "",
        '<polygon points="{}" fill="none" stroke="#adb5bd" stroke-width="1"/>',
        (
            (" ".join(f"{x},{y}" for x, y in (_point(i, count, ring) for i in range(count))),)
            for ring in range(1, SCALE_MAX + 1)
        ),
    )
    spokes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#adb5bd" stroke-width="1"/>',
        ((CENTRE_X, CENTRE_Y, *_point(i, count, SCALE_MAX)) for i in range(count)),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" '
        'font-size="{}" fill="#212529">{}</text>',
        ((*_point(i, count, SCALE_MAX + 0.85), FONT, label) for i, label in enumerate(axes)),
    )
    return SafeString(rings + spokes + labels)


def radar(*, axes: list[str], series: list[dict], title: str, chart_id: str) -> SafeString:
    """A star chart of `axes` (labels) with one polygon per series.

    Each series is {"label", "values" (one per axis, on the 1-4 scale), "colour", "dashed"}.
    """
    count = len(axes)
    # Escaped first: the cache holds text, not a mix of safe and unsafe strings.
    frame = _radar_frame(count, tuple(conditional_escape(axis) for axis in axes))
    polygons = format_html_join(
        "",
        '<polygon points="{}" fill="{}" fill-opacity="0.15" stroke="{}" stroke-width="2.5"{}/>',
        (
            (
                " ".join(
                    f"{x},{y}" for x, y in (_point(i, count, v) for i, v in enumerate(s["values"]))
                ),  # fmt: skip
                s["colour"],
                s["colour"],
                SafeString(' stroke-dasharray="6 4"') if s.get("dashed") else "",
            )
            for s in series
        ),
    )
    # The legend is text beside the chart, not in it: it wraps on a narrow phone instead of
    # shrinking with the drawing.
    legend = format_html_join(
        "",
        '<li><svg width="34" height="10" aria-hidden="true" focusable="false">'
        '<line x1="0" y1="5" x2="34" y2="5" stroke="{}" stroke-width="2.5"{}/></svg> {}</li>',
        (
            (
                s["colour"],
                SafeString(' stroke-dasharray="6 4"') if s.get("dashed") else "",
                s["label"],
            )
            for s in series
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" class="radar-chart" role="img" '
        'aria-labelledby="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title>{}{}</svg>'
        '<ul class="list-unstyled small mb-0 chart-legend">{}</ul>',
        WIDTH,
        SIZE,
        chart_id,
        chart_id,
        title,
        frame,
        polygons,
        legend,
    )


def bars(items: list[tuple[str, int]], *, title: str, chart_id: str) -> SafeString:
    """Horizontal bars, one per (label, count), scaled to the largest count."""
    largest = max((count for _label, count in items), default=0) or 1
    # Narrow enough that a phone shrinks it little: 15 units of text stay above 12 px.
    row, label_width, bar_width, font = 30, 190, 110, 15
    rows = format_html_join(
        "",
        '<text x="0" y="{}" font-size="{}" fill="#212529" dominant-baseline="middle">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="20" fill="#1f5fbf"/>'
        '<text x="{}" y="{}" font-size="{}" fill="#212529" dominant-baseline="middle">{}</text>',
        (
            (
                row * n + 15,
                font,
                label,
                label_width,
                row * n + 5,
                round(bar_width * count / largest, 1),
                label_width + round(bar_width * count / largest, 1) + 6,
                row * n + 15,
                font,
                count,
            )
            for n, (label, count) in enumerate(items)
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" class="bar-chart" role="img" '
        'aria-labelledby="{}" xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title>{}</svg>',
        label_width + bar_width + 40,
        row * len(items),
        chart_id,
        chart_id,
        title,
        rows,
    )
