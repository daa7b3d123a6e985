"""Small inline SVG charts (no script, no CDN) that read well on screen and printed in black and white."""

from __future__ import annotations

from html import escape

WIDTH = 760
FONT = 'font-family="sans-serif" font-size="12"'


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value`."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return int(m * step)
    return value


def line_chart(points: list[tuple[str, int]], title: str) -> str:
    """A line chart of (label, value) in order, e.g. check-ins per day; a few labels on the x axis."""
    if not points:
        return f'<p class="empty">{escape(title)}：暂无数据</p>'
    left, top, w, h = 56, 24, WIDTH - 76, 200
    top_value = _nice_max(max(v for _, v in points))
    n = len(points)

    def x(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v: int) -> float:
        return top + h - h * v / top_value

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {top + h + 40}" width="100%" {FONT}>',
             f"<title>{escape(title)}</title>"]  # fmt: skip
    for k in range(5):
        v = top_value * k // 4
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="#b71c1c" stroke-width="2"/>')
    if n <= 60:
        parts += [f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="#b71c1c"/>' for i, (_, v) in enumerate(points)]
    ticks = sorted({0, n - 1, *range(0, n, max(1, n // 6))})
    for i in ticks:
        if i < n and (i == n - 1 or n - 1 - i >= max(1, n // 12)):
            parts.append(f'<text x="{x(i):.1f}" y="{top + h + 18}" text-anchor="middle">{escape(points[i][0])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: list[tuple[str, int]], title: str, limit: int = 30) -> str:
    """A horizontal bar chart of (label, value), largest first, at most `limit` bars, values written at each bar."""
    if not items:
        return f'<p class="empty">{escape(title)}：暂无数据</p>'
    items = sorted(items, key=lambda kv: (-kv[1], kv[0]))[:limit]
    label_w, bar_h, gap = 200, 18, 6
    top_value = max(max(v for _, v in items), 1)
    w = WIDTH - label_w - 70
    height = len(items) * (bar_h + gap) + 10
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" {FONT}>',
             f"<title>{escape(title)}</title>"]  # fmt: skip
    for i, (label, v) in enumerate(items):
        yy = 5 + i * (bar_h + gap)
        bw = w * v / top_value
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{yy + 13}" text-anchor="end">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{yy}" width="{bw:.1f}" height="{bar_h}" fill="#c62828" stroke="#000"/>')
        parts.append(f'<text x="{label_w + bw + 6:.1f}" y="{yy + 13}">{v:,}</text>')
    parts.append("</svg>")
    return "".join(parts)
