"""The two report figures as self-contained inline SVG (no plotting library, no external files).

Pure: numbers in, an SVG string out. Every figure carries a caption line (model, digest, seed, time model,
contests, tool version) so a figure copied out of its page still says where it came from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 380
PALETTE = ("#e45756", "#54a24b", "#f58518", "#b279a2", "#72b7b2", "#9d755d", "#4c78a8")
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 36, 92


@dataclass(frozen=True)
class PerfPoint:
    label: str  # contest id
    value: float  # performance
    low: float  # interval (equal to value when there is none)
    high: float
    division: str | None = None


@dataclass(frozen=True)
class RatingBin:
    rating: float  # bin centre
    solved: int
    total: int


def _nice_range(lo: float, hi: float, step: float = 100.0) -> tuple[float, float]:
    if hi - lo < step:
        mid = (lo + hi) / 2
        lo, hi = mid - step, mid + step
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    first = math.ceil(lo / step) * step
    out, v = [], first
    while v <= hi + 1e-9:
        out.append(round(v, 6))
        v += step
    return out


class _Canvas:
    def __init__(self, title: str, caption: str, xlo: float, xhi: float, ylo: float, yhi: float) -> None:
        self.xlo, self.xhi, self.ylo, self.yhi = xlo, xhi, ylo, yhi
        self.parts: list[str] = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
            f"<title>{escape(title)}</title>",
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
            f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">'
            f"{escape(title)}</text>",
        ]
        self.caption = caption

    def x(self, v: float) -> float:
        span = (self.xhi - self.xlo) or 1.0
        return LEFT + (v - self.xlo) / span * (WIDTH - LEFT - RIGHT)

    def y(self, v: float) -> float:
        span = (self.yhi - self.ylo) or 1.0
        return HEIGHT - BOTTOM - (v - self.ylo) / span * (HEIGHT - TOP - BOTTOM)

    def add(self, s: str) -> None:
        self.parts.append(s)

    def axes(
        self,
        xlabel: str,
        ylabel: str,
        xticks: Sequence[tuple[float, str]],
        yticks: Sequence[float],
        yfmt: str = "{:.0f}",
    ) -> None:
        x0, x1, y0, y1 = self.x(self.xlo), self.x(self.xhi), self.y(self.ylo), self.y(self.yhi)
        for t in yticks:
            yy = self.y(t)
            self.add(f'<line x1="{x0:.1f}" y1="{yy:.1f}" x2="{x1:.1f}" y2="{yy:.1f}" stroke="#e5e5e5"/>')
            self.add(
                f'<text x="{x0 - 6:.1f}" y="{yy + 4:.1f}" text-anchor="end">{escape(yfmt.format(t))}</text>'
            )
        for t, label in xticks:
            xx = self.x(t)
            self.add(f'<line x1="{xx:.1f}" y1="{y0:.1f}" x2="{xx:.1f}" y2="{y0 + 4:.1f}" stroke="#333"/>')
            self.add(f'<text x="{xx:.1f}" y="{y0 + 16:.1f}" text-anchor="middle">{escape(label)}</text>')
        self.add(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y0:.1f}" stroke="#333"/>')
        self.add(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x0:.1f}" y2="{y1:.1f}" stroke="#333"/>')
        self.add(
            f'<text x="{(x0 + x1) / 2:.1f}" y="{y0 + 34:.1f}" text-anchor="middle">{escape(xlabel)}</text>'
        )
        self.add(
            f'<text transform="translate(16 {(y0 + y1) / 2:.1f}) rotate(-90)" text-anchor="middle">'
            f"{escape(ylabel)}</text>"
        )

    def finish(self) -> str:
        for i, line in enumerate(_wrap(self.caption, 118)[:3]):
            self.add(
                f'<text x="{LEFT}" y="{HEIGHT - 40 + 13 * i}" fill="#555" font-size="10">'
                f"{escape(line)}</text>"
            )
        return "\n".join([*self.parts, "</svg>"])


def _wrap(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for word in text.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    return [*lines, cur] if cur else lines


def performance_plot(
    points: Sequence[PerfPoint], mean: float | None, ci: tuple[float, float] | None, caption: str
) -> str:
    """Performance per contest (dot) with its interval (bar), and the mean with its 95% CI as a band."""
    values = [v for p in points for v in (p.low, p.high, p.value)]
    if mean is not None:
        values.append(mean)
    if ci is not None:
        values.extend(ci)
    lo, hi = _nice_range(min(values, default=0.0), max(values, default=1000.0))
    n = max(len(points), 1)
    c = _Canvas("Performance per contest", caption, -0.5, n - 0.5, lo, hi)
    if ci is not None:
        y_top, y_bot = c.y(ci[1]), c.y(ci[0])
        c.add(
            f'<rect x="{c.x(-0.5):.1f}" y="{y_top:.1f}" width="{c.x(n - 0.5) - c.x(-0.5):.1f}" '
            f'height="{max(y_bot - y_top, 0.5):.1f}" fill="#4c78a8" fill-opacity="0.15"/>'
        )
    step = max(1, math.ceil(n / 24))
    xt = [(float(i), p.label) for i, p in enumerate(points) if i % step == 0]
    c.axes("contest", "performance rating", xt, _ticks(lo, hi))
    if mean is not None:
        ym = c.y(mean)
        c.add(
            f'<line x1="{c.x(-0.5):.1f}" y1="{ym:.1f}" x2="{c.x(n - 0.5):.1f}" y2="{ym:.1f}" '
            f'stroke="#4c78a8" stroke-dasharray="6 4"/>'
        )
        label = f"mean {mean:.0f}" + (f" (95% CI {ci[0]:.0f}–{ci[1]:.0f})" if ci else "")
        c.add(
            f'<text x="{c.x(n - 0.5) - 4:.1f}" y="{ym - 5:.1f}" text-anchor="end" fill="#4c78a8">'
            f"{escape(label)}</text>"
        )
    divisions = sorted({p.division or "?" for p in points})
    colour = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(divisions)}
    for i, p in enumerate(points):
        xx = c.x(i)
        col = colour[p.division or "?"]
        if p.high > p.low:
            c.add(
                f'<line x1="{xx:.1f}" y1="{c.y(p.low):.1f}" x2="{xx:.1f}" y2="{c.y(p.high):.1f}" '
                f'stroke="{col}" stroke-width="2"/>'
            )
        c.add(
            f'<circle cx="{xx:.1f}" cy="{c.y(p.value):.1f}" r="4" fill="{col}">'
            f"<title>{escape(p.label)}: {p.value:.0f} [{p.low:.0f}, {p.high:.0f}]</title></circle>"
        )
    legend_y = HEIGHT - BOTTOM + 34  # on the x-axis label's line, right-aligned: clear of the data
    for i, d in enumerate(reversed(divisions)):
        x0 = WIDTH - RIGHT - 80 * (i + 1)
        c.add(f'<circle cx="{x0}" cy="{legend_y - 4}" r="4" fill="{colour[d]}"/>')
        c.add(f'<text x="{x0 + 8}" y="{legend_y}">{escape("Div. " + d if d[0].isdigit() else d)}</text>')
    return c.finish()


def logistic(rating: float, difficulty: float) -> float:
    """Codeforces' solve probability: P = 1 / (1 + 10^((d - r) / 400))."""
    return float(1.0 / (1.0 + 10.0 ** ((difficulty - rating) / 400.0)))


def solve_rate_plot(
    bins: Sequence[RatingBin], fitted: float | None, ci: tuple[float, float] | None, caption: str
) -> str:
    """Solve rate per problem-rating bin (dot size ~ problems) and the fitted logistic curve."""
    xs = [b.rating for b in bins]
    lo, hi = _nice_range(min(xs, default=800.0) - 100, max(xs, default=3500.0) + 100)
    c = _Canvas("Solve rate against problem rating", caption, lo, hi, 0.0, 1.0)
    xt = [(t, f"{t:.0f}") for t in _ticks(lo, hi, 8)]
    c.axes("problem rating", "solve rate", xt, [0.0, 0.25, 0.5, 0.75, 1.0], "{:.2f}")
    if fitted is not None:
        if ci is not None:
            upper = [(d, logistic(ci[1], d)) for d in _frange(lo, hi, 60)]
            lower = [(d, logistic(ci[0], d)) for d in _frange(hi, lo, 60)]
            pts = " ".join(f"{c.x(d):.1f},{c.y(p):.1f}" for d, p in upper + lower)
            c.add(f'<polygon points="{pts}" fill="#4c78a8" fill-opacity="0.15"/>')
        curve = " ".join(f"{c.x(d):.1f},{c.y(logistic(fitted, d)):.1f}" for d in _frange(lo, hi, 120))
        c.add(f'<polyline points="{curve}" fill="none" stroke="#4c78a8" stroke-width="2"/>')
        c.add(
            f'<text x="{c.x(hi) - 4:.1f}" y="{c.y(0.95):.1f}" text-anchor="end" fill="#4c78a8">'
            f"fitted rating {fitted:.0f}</text>"
        )
    for b in bins:
        if b.total == 0:
            continue
        r = 3 + min(7.0, math.sqrt(b.total) * 1.5)
        c.add(
            f'<circle cx="{c.x(b.rating):.1f}" cy="{c.y(b.solved / b.total):.1f}" r="{r:.1f}" '
            f'fill="#e45756" fill-opacity="0.8"><title>{b.rating:.0f}: {b.solved}/{b.total}</title></circle>'
        )
    return c.finish()


def _frange(a: float, b: float, n: int) -> list[float]:
    return [a + (b - a) * i / n for i in range(n + 1)]
