"""Small inline SVG charts for the report: no plotting library, no scripts, nothing fetched when opened.

Every bar carries its number as a label and as a hover title, so the chart reads the same on paper."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

BAR = "#3b6ea8"
MUTED = "#9db7d5"


def hbar(labels: Sequence[str], values: Sequence[float], text: Callable[[float], str], *, width: int = 560,
         row: int = 18, label_width: int = 240, scale_max: float | None = None, title: str = "") -> str:
    """Horizontal bars, one row per label, the formatted value at the end of each bar."""
    if not labels:
        return ""
    top = scale_max if scale_max is not None else max(max(values), 1e-12)
    bar_space = width - label_width - 70
    height = row * len(labels) + 6
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = i * row + 3
        w = max(0.0, bar_space * (value / top if top > 0 else 0))
        shown = text(value)
        parts.append(
            f'<g><title>{escape(label)}: {escape(shown)}</title>'
            f'<text x="{label_width - 6}" y="{y + row * 0.65:.1f}" text-anchor="end" font-size="11">'
            f'{escape(_clip(label, int(label_width // 6.3)))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{BAR}"/>'
            f'<text x="{label_width + w + 4:.1f}" y="{y + row * 0.65:.1f}" font-size="11">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def paired_hbar(labels: Sequence[str], values: Sequence[float], others: Sequence[float],
                text: Callable[[float], str], *, sublabels: Sequence[str] | None = None,
                names: tuple[str, str] = ("segment", "all"), width: int = 560, row: int = 30, label_width: int = 240,
                title: str = "") -> str:
    """Two bars per label (e.g. a segment's share over the whole sample's), each with its number; one scale.
    ``sublabels``: a second line under each label (e.g. the answer under the question)."""
    if not labels:
        return ""
    top = max(max(values), max(others), 1e-12)
    bar_space = width - label_width - 110
    height = row * len(labels) + 20
    half = (row - 6) / 2
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<rect x="{label_width}" y="3" width="10" height="8" fill="{BAR}"/>'
             f'<text x="{label_width + 14}" y="11" font-size="10">{escape(names[0])}</text>'
             f'<rect x="{label_width + 110}" y="3" width="10" height="8" fill="{MUTED}"/>'
             f'<text x="{label_width + 124}" y="11" font-size="10">{escape(names[1])}</text>']
    for i, (label, a, b) in enumerate(zip(labels, values, others)):
        y = i * row + 18
        sub = f": {sublabels[i]}" if sublabels is not None else ""
        parts.append(f'<g><title>{escape(label + sub)}: {escape(names[0])} {escape(text(a))}, {escape(names[1])} '
                     f'{escape(text(b))}</title><text x="{label_width - 6}" y="{y + row * 0.5 - 1:.1f}" '
                     f'text-anchor="end" font-size="11">{escape(_clip(label, int(label_width // 6.3)))}</text>')
        if sublabels is not None:
            parts.append(f'<text x="{label_width - 6}" y="{y + row * 0.5 + 11:.1f}" text-anchor="end" font-size="10" '
                         f'fill="#5b6876">{escape(_clip(sublabels[i], int(label_width // 5.8)))}</text>')
        for j, (value, colour, name) in enumerate(((a, BAR, names[0]), (b, MUTED, names[1]))):
            w = max(0.0, bar_space * value / top)
            by = y + 2 + j * half
            parts.append(f'<rect x="{label_width}" y="{by:.1f}" width="{w:.1f}" height="{half - 1:.1f}" '
                         f'fill="{colour}"/><text x="{label_width + w + 4:.1f}" y="{by + half - 3:.1f}" '
                         f'font-size="10">{escape(text(value))} {escape(name)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def columns(labels: Sequence[str], values: Sequence[float], text: Callable[[float], str], *, width: int = 560,
            height: int = 160, title: str = "") -> str:
    """Vertical bars in order (a trend over periods); the first and last labels under the axis."""
    if not labels:
        return ""
    top = max(max(values), 1e-12)
    n = len(labels)
    step = (width - 20) / n
    plot = height - 34
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(zip(labels, values)):
        h = plot * value / top
        x = 10 + i * step
        parts.append(f'<g><title>{escape(label)}: {escape(text(value))}</title>'
                     f'<rect x="{x + step * 0.1:.1f}" y="{plot - h + 14:.1f}" width="{step * 0.8:.1f}" '
                     f'height="{h:.1f}" fill="{BAR if i == n - 1 else MUTED}"/></g>')
    parts.append(f'<text x="10" y="{height - 4}" font-size="11">{escape(labels[0])}</text>')
    if n > 1:
        parts.append(f'<text x="{width - 10}" y="{height - 4}" font-size="11" text-anchor="end">'
                     f'{escape(labels[-1])}: {escape(text(values[-1]))}</text>')
    parts.append(f'<text x="10" y="11" font-size="11">peak {escape(text(top))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
