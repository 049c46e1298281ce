"""Server-rendered SVG charts: no script, no CDN, readable in ten seconds, each with a data
table beside it in the page (the table is the accessible version; the SVG is ``aria-hidden``).

Pure functions from numbers to markup; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

OK = "#1f7a3a"
LAG = "#b3261e"
NEUTRAL = "#1f5f99"
GRID = "#c8c8c8"
TEXT = "#222"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # percent; None: no data
    target: Decimal | None = None


def _pct(value: Decimal) -> str:
    """Vietnamese decimals: 66,7 %."""
    return f"{value} %".replace(".", ",")


def _svg(width: int, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-hidden="true" focusable="false" '
        f'font-family="sans-serif" font-size="12">'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 (every text escaped)


def share_bars(bars: Sequence[Bar], width: int = 640) -> SafeString:
    """Horizontal bars 0-100 %, a black tick at the target; red when below it."""
    label_w, row_h, right = 230, 26, 60
    plot_w = width - label_w - right
    height = row_h * len(bars) + 24
    body = []
    for pct in (0, 50, 100):
        x = label_w + plot_w * pct / 100
        body.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" fill="{TEXT}">{pct} %</text>'
        )
    for i, bar in enumerate(bars):
        y = i * row_h + 4
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" fill="{TEXT}">'
            f"{escape(bar.label)}</text>"
        )
        if bar.value is None:
            body.append(
                f'<text x="{label_w + 4}" y="{y + 15}" fill="#666" font-style="italic">'
                "không có dữ liệu</text>"
            )
        else:
            lag = bar.target is not None and bar.value < bar.target
            w = plot_w * float(min(bar.value, Decimal(100))) / 100
            colour = LAG if lag else OK if bar.target is not None else NEUTRAL
            body.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="{colour}"/>'
            )
            body.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" fill="{TEXT}">'
                f"{_pct(bar.value)}</text>"
            )
        if bar.target is not None:
            x = label_w + plot_w * float(min(bar.target, Decimal(100))) / 100
            body.append(
                f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 22}" stroke="#000" '
                'stroke-width="2"/>'
            )
    return _svg(width, height, body)


def columns(
    points: Sequence[tuple[str, Decimal | None]],
    target: Decimal | None = None,
    width: int = 640,
    percent: bool = True,
) -> SafeString:
    """Vertical columns over time (months or years); a dashed line at the target."""
    height, bottom, left = 200, 24, 40
    plot_h = height - bottom - 10
    known = [v for _, v in points if v is not None]
    top = Decimal(100) if percent else max([*known, Decimal(1)])
    step = (width - left) / max(len(points), 1)
    body = [f'<line x1="{left}" y1="{10 + plot_h}" x2="{width}" y2="{10 + plot_h}" '
            f'stroke="{GRID}"/>']  # fmt: skip
    body.append(f'<text x="0" y="18" fill="{TEXT}">{top}{" %" if percent else ""}</text>')
    for i, (label, value) in enumerate(points):
        x = left + i * step
        body.append(
            f'<text x="{x + step / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
        if value is None:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{10 + plot_h - 4}" text-anchor="middle" '
                'fill="#666">&#8211;</text>'
            )
            continue
        h = plot_h * float(min(value, top)) / float(top) if top else 0
        lag = target is not None and value < target
        colour = LAG if lag else OK if target is not None else NEUTRAL
        body.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{10 + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{colour}"/>'
        )
    if target is not None and percent:
        y = 10 + plot_h - plot_h * float(min(target, top)) / float(top)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#000" '
            'stroke-dasharray="6 4"/>'
        )
    return _svg(width, height, body)
