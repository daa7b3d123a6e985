"""Small charts (no script, no CDN) for the report, the hub admin and the kiosk's staff page, in the look of yizhan.look.

Every text of a chart is HTML at the page's own size, so it stays readable on a 320 px phone; only the drawing
(bars and gridlines) is SVG, stretched to the width (`preserveAspectRatio="none"`). The SVG carries only
presentation attributes, so the pages' CSP needs no inline styles. Styles: .yz-chart and .yz-bars in look.css.
"""

from __future__ import annotations

from html import escape

BRAND = "#b71c1c"  # yizhan.look's --yz-brand, also as an attribute for readers without the stylesheet
RULE = "#d9d9d9"


def nice_ticks(value: int, most: int = 6) -> list[int]:
    """Evenly spaced axis ticks from 0 up to at least `value`, by a step of 1, 2 or 5 times a power of ten
    (0/1/2…, 0/2/4/6…, 0/5/10…, 0/20/40…), at most `most` of them."""
    value = max(int(value), 1)
    power = 1
    while True:
        for m in (1, 2, 5):
            step = m * power
            count = -(-value // step)  # ceil
            if count + 1 <= most:
                return [step * k for k in range(count + 1)]
        power *= 10


def _n(v: int) -> str:
    return f"{v:,}"


def column_chart(points: list[tuple[str, int]], title: str, unit: str = "人次") -> str:
    """A column chart: one bar per point (label, value) in order, e.g. check-ins per day or per hour.

    The y axis has even ticks (nice_ticks); the x axis names the first and the last point; each bar's <title>
    says its label and value (e.g. "9时 2人"). Empty `points`: a short Chinese line instead.
    """
    if not points:
        return f'<p class="yz-muted">{escape(title)}：暂无数据</p>'
    n = len(points)
    ticks = nice_ticks(max(v for _, v in points))
    top = ticks[-1]
    total = sum(v for _, v in points)
    peak_label, peak = max(points, key=lambda p: p[1])
    label = f"{title}：{points[0][0]}至{points[-1][0]}，共 {_n(total)} {unit}" + (f"，最多为{peak_label} {_n(peak)} {unit}" if peak else "")
    parts = [
        '<figure class="yz-chart">',
        '<div class="yz-chart__frame">',
        '<div class="yz-chart__y" aria-hidden="true">' + "".join(f"<span>{_n(t)}</span>" for t in ticks) + "</div>",
        (
            f'<svg class="yz-chart__plot chart" viewBox="0 0 {n} {top}" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(label)}" focusable="false">'
        ),
    ]
    for t in ticks[1:]:
        parts.append(f'<line x1="0" x2="{n}" y1="{top - t}" y2="{top - t}" stroke="{RULE}" vector-effect="non-scaling-stroke"/>')
    for i, (name, v) in enumerate(points):
        parts.append(
            f'<rect x="{i + 0.15:g}" y="{top - v}" width="0.7" height="{v}" fill="{BRAND}">'
            f"<title>{escape(name)} {_n(v)}{escape(unit)}</title></rect>"
        )
    parts.append("</svg>")
    first, last = escape(points[0][0]), escape(points[-1][0])
    parts.append(f'<div class="yz-chart__x" aria-hidden="true"><span>{first}</span>' + (f"<span>{last}</span>" if n > 1 else "") + "</div>")
    parts.append("</div></figure>")
    return "".join(parts)


def bar_list(items: list[tuple[str, int]], title: str, limit: int = 30) -> str:
    """Horizontal bars of (label, value), largest first, at most `limit`: each a label, its number and its bar
    (bars scaled to the largest value's even tick, so two charts' bars compare by eye)."""
    if not items:
        return f'<p class="yz-muted">{escape(title)}：暂无数据</p>'
    items = sorted(items, key=lambda kv: (-kv[1], kv[0]))[:limit]
    top = nice_ticks(items[0][1])[-1]
    rows = []
    for label, v in items:
        width = 100 * v / top
        rows.append(
            f'<li class="yz-bars__item"><span class="yz-bars__label">{escape(label)}</span>'
            f'<span class="yz-bars__value">{_n(v)}</span>'
            f'<svg class="yz-bars__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
            f'<rect width="{width:.1f}" height="10" fill="{BRAND}"/></svg></li>'
        )
    return f'<ol class="yz-bars yz-chart" aria-label="{escape(title)}">' + "".join(rows) + "</ol>"
