"""Small server-side SVG charts (bars and daily lines); every label is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

COLORS = ("#2458a6", "#e07a1f", "#1e7b45", "#b42318", "#6639ba", "#0b7285")


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'font-family="system-ui, sans-serif" font-size="11">'
            f"<title>{escape(title)}</title>")
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(items: Sequence[tuple[str, float]], title: str, *, width: int = 520,
              unit: str = "") -> Markup:
    """Horizontal bars, one row per (label, value)."""
    row, label_w = 22, 170
    height = max(1, len(items)) * row + 30
    top = max((v for _, v in items), default=0) or 1
    body = [f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>']
    if not items:
        body.append('<text x="0" y="40" fill="#637381">no data yet</text>')
    for i, (label, value) in enumerate(items):
        y = 24 + i * row
        w = (width - label_w - 60) * value / top
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">'
                    f"{escape(str(label)[:28])}</text>")
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" '
                    f'rx="3" fill="{COLORS[0]}"/>')
        shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
        body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{escape(shown)}{unit}</text>')
    return _svg(width, height, title, body)


def day_lines(days: Sequence[str], series: Mapping[str, Sequence[float]], title: str, *,
              width: int = 1200, height: int = 230) -> Markup:
    """One polyline per series over ``days`` (oldest first), with a legend."""
    left, right, top_pad, bottom = 40, 30, 30, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((max(v, default=0) for v in series.values()), default=0) or 1
    step = plot_w / max(1, len(days) - 1)
    body = [f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
            f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" '
            f'y2="{top_pad + plot_h}" stroke="#bcccdc"/>',
            f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end">{top:.0f}</text>',
            f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    for i, day in enumerate(days):
        if i % max(1, len(days) // 6) == 0 or i == len(days) - 1:
            body.append(f'<text x="{left + i * step:.1f}" y="{height - bottom + 16}" '
                        f'text-anchor="middle" fill="#637381">{escape(day[5:])}</text>')
    for n, (name, values) in enumerate(series.items()):
        color = COLORS[n % len(COLORS)]
        points = " ".join(f"{left + i * step:.1f},{top_pad + plot_h - plot_h * v / top:.1f}"
                          for i, v in enumerate(values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{color}" '
                    f'stroke-width="2"/>')
        lx = left + n * 150
        body.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{lx + 14}" y="{height - 5}">{escape(name)}</text>')
    return _svg(width, height, title, body)
