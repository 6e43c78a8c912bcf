"""Figures of the rooms as inline SVG, built by hand on the server (no script, no external file).

Two kinds: a line chart of values over the texts of a negotiation (a delegation's own value of every
text; each party's utility of every text in the session brief) and the utility space of the texts so
far (the mediator's figure: one panel per pair of parties, the texts numbered in the order they were
put). Colours are the brief's (:mod:`accord.report.palette`: one Okabe–Ito colour per actor, in the
scenario's order), and nothing is told by colour alone: every series has its own marker shape and a
text label, every point a ``<title>`` with its numbers, and every figure a caption and, beside it, the
same numbers as a table. Every string that enters the SVG is escaped (:func:`markupsafe.escape`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from markupsafe import Markup, escape

from ..report.palette import NEUTRAL

__all__ = ["SHAPES", "Point", "Series", "line_chart", "marker", "utility_space"]

#: Marker shapes, one per series in turn (circle, square, triangle, diamond, cross, plus).
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "plus")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str
    hollow: bool = False


@dataclass(frozen=True)
class Series:
    """One labelled line: its colour, marker shape and points."""

    label: str
    colour: str
    shape: str
    points: Sequence[Point] = field(default_factory=tuple)


def _f(x: float) -> str:
    return f"{x:.1f}"


def marker(shape: str, x: float, y: float, colour: str, r: float = 4.5, hollow: bool = False) -> str:
    """One marker as SVG; ``hollow`` draws the outline only (a second way to mark a point)."""
    fill = "#ffffff" if hollow else colour
    common = f'fill="{fill}" stroke="{colour}" stroke-width="1.6"'
    if shape == "square":
        return f'<rect x="{_f(x - r)}" y="{_f(y - r)}" width="{_f(2 * r)}" height="{_f(2 * r)}" {common}/>'
    if shape == "triangle":
        pts = f"{_f(x)},{_f(y - r * 1.2)} {_f(x - r * 1.1)},{_f(y + r * 0.9)} {_f(x + r * 1.1)},{_f(y + r * 0.9)}"
        return f'<polygon points="{pts}" {common}/>'
    if shape == "diamond":
        pts = f"{_f(x)},{_f(y - r * 1.3)} {_f(x + r * 1.3)},{_f(y)} {_f(x)},{_f(y + r * 1.3)} {_f(x - r * 1.3)},{_f(y)}"
        return f'<polygon points="{pts}" {common}/>'
    if shape in ("cross", "plus"):
        if shape == "cross":
            d = f"M{_f(x - r)},{_f(y - r)}L{_f(x + r)},{_f(y + r)}M{_f(x - r)},{_f(y + r)}L{_f(x + r)},{_f(y - r)}"
        else:
            d = f"M{_f(x - r)},{_f(y)}L{_f(x + r)},{_f(y)}M{_f(x)},{_f(y - r)}L{_f(x)},{_f(y + r)}"
        return f'<path d="{d}" stroke="{colour}" stroke-width="2.4" fill="none"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" {common}/>'


def _frame(fid: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    t, d = escape(title), escape(desc)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="figure" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" role="img" aria-labelledby="{fid}-t {fid}-d" '
                  f'font-family="sans-serif" font-size="12"><title id="{fid}-t">{t}</title>'
                  f'<desc id="{fid}-d">{d}</desc>' + "".join(body) + "</svg>")


def _axes(x0: float, y0: float, w: float, h: float, ylabel: str, body: list[str]) -> None:
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y0 + h - v * h
        body.append(f'<line x1="{_f(x0)}" y1="{_f(y)}" x2="{_f(x0 + w)}" y2="{_f(y)}" stroke="#e4e4e4"/>')
        body.append(f'<text x="{_f(x0 - 6)}" y="{_f(y + 4)}" text-anchor="end" fill="#444">{v:.2f}</text>')
    body.append(f'<line x1="{_f(x0)}" y1="{_f(y0)}" x2="{_f(x0)}" y2="{_f(y0 + h)}" stroke="#555"/>')
    body.append(f'<line x1="{_f(x0)}" y1="{_f(y0 + h)}" x2="{_f(x0 + w)}" y2="{_f(y0 + h)}" stroke="#555"/>')
    body.append(f'<text x="12" y="{_f(y0 + h / 2)}" transform="rotate(-90 12 {_f(y0 + h / 2)})" '
                f'text-anchor="middle" fill="#222">{escape(ylabel)}</text>')


def line_chart(fid: str, title: str, desc: str, xlabels: Sequence[str], series: Sequence[Series], *,
               ylabel: str = "utility (0 to 1)", refs: Sequence[tuple[float, str]] = ()) -> Markup:
    """Values (0 to 1) over the texts ``xlabels`` (one column each), one line per series with its
    label at its last point; ``refs``: dashed horizontal reference lines with a label (a reservation)."""
    n = max(len(xlabels), 1)
    col = 74.0
    x0, y0, h = 58.0, 16.0, 190.0
    label_w = 190.0
    w = max(col * max(n - 1, 1), 220.0)
    width, height = int(x0 + w + label_w), int(y0 + h + 46)
    body: list[str] = []
    _axes(x0, y0, w, h, ylabel, body)

    def X(i: float) -> float:
        return x0 + (w * i / (n - 1) if n > 1 else w / 2)

    def Y(v: float) -> float:
        return y0 + h - max(0.0, min(1.0, v)) * h

    for i, lab in enumerate(xlabels):
        body.append(f'<text x="{_f(X(i))}" y="{_f(y0 + h + 16)}" text-anchor="middle" fill="#444">{escape(lab)}</text>')
    body.append(f'<text x="{_f(x0 + w / 2)}" y="{_f(y0 + h + 36)}" text-anchor="middle" fill="#222">'
                f'texts in the order they were put</text>')
    for v, lab in refs:
        body.append(f'<line x1="{_f(x0)}" y1="{_f(Y(v))}" x2="{_f(x0 + w)}" y2="{_f(Y(v))}" stroke="{NEUTRAL}" '
                    f'stroke-dasharray="5 4"/>')
        body.append(f'<text x="{_f(x0 + w + 8)}" y="{_f(Y(v) + 4)}" fill="#333">{escape(lab)} ({v:.2f})</text>')
    ends: list[tuple[float, str, str]] = []
    for s in series:
        pts = [(X(p.x), Y(p.y), p) for p in s.points]
        if len(pts) > 1:
            d = " ".join(f"{_f(x)},{_f(y)}" for x, y, _ in pts)
            body.append(f'<polyline points="{d}" fill="none" stroke="{s.colour}" stroke-width="1.8"/>')
        for x, y, p in pts:
            body.append(f'<g class="pt">{marker(s.shape, x, y, s.colour, hollow=p.hollow)}'
                        f'<title>{escape(p.title)}</title></g>')
        if pts:
            ends.append((pts[-1][1], s.label, s.colour))
    # labels at the right edge, nudged apart so they never overlap
    ends.sort()
    last = -1e9
    for y, lab, colour in ends:
        y = max(y + 4, last + 13)
        last = y
        body.append(f'<text x="{_f(x0 + w + 10)}" y="{_f(y)}" fill="{colour}" font-weight="bold">{escape(lab)}</text>')
    return _frame(fid, title, desc, width, height, body)


def _runs(ns: Sequence[int]) -> str:
    """1, 2, 3, 5 -> "1–3, 5"."""
    out: list[str] = []
    start = prev = None
    for n in ns:
        if start is None or prev is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}–{prev}" if prev != start else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}–{prev}" if prev != start else str(start))
    return ", ".join(out)


def utility_space(fid: str, title: str, desc: str, parties: Sequence[str], names: dict[str, str],
                  colours: dict[str, str], texts: Sequence[dict], *, text_colour: str,
                  disagreement: dict[str, float] | None = None, max_panels: int = 3) -> Markup:
    """The texts so far in the parties' utility space: one panel per pair of parties (at most
    ``max_panels``), each text a numbered marker in the order it was put, joined by a thin line, the
    latest drawn larger; the disagreement point (no deal) a hollow square."""
    pairs = list(combinations(parties, 2))[:max_panels] or ([(parties[0], parties[0])] if parties else [])
    side, gap, x0, y0 = 230.0, 74.0, 58.0, 14.0
    width = int(x0 + len(pairs) * (side + gap))
    height = int(y0 + side + 52)
    body: list[str] = []
    for k, (a, b) in enumerate(pairs):
        ox = x0 + k * (side + gap)
        for v in (0.0, 0.5, 1.0):
            gx, gy = ox + v * side, y0 + side - v * side
            body.append(f'<line x1="{_f(gx)}" y1="{_f(y0)}" x2="{_f(gx)}" y2="{_f(y0 + side)}" stroke="#eee"/>')
            body.append(f'<line x1="{_f(ox)}" y1="{_f(gy)}" x2="{_f(ox + side)}" y2="{_f(gy)}" stroke="#eee"/>')
            body.append(f'<text x="{_f(gx)}" y="{_f(y0 + side + 14)}" text-anchor="middle" fill="#444">{v:.1f}</text>')
            body.append(f'<text x="{_f(ox - 5)}" y="{_f(gy + 4)}" text-anchor="end" fill="#444">{v:.1f}</text>')
        body.append(f'<rect x="{_f(ox)}" y="{_f(y0)}" width="{_f(side)}" height="{_f(side)}" '
                    'fill="none" stroke="#555"/>')
        body.append(f'<text x="{_f(ox + side / 2)}" y="{_f(y0 + side + 32)}" text-anchor="middle" '
                    f'fill="{colours.get(a, "#222")}" font-weight="bold">{escape(names.get(a, a))} →</text>')
        cy = y0 + side / 2
        body.append(f'<text x="{_f(ox - 34)}" y="{_f(cy)}" transform="rotate(-90 {_f(ox - 34)} {_f(cy)})" '
                    f'text-anchor="middle" fill="{colours.get(b, "#222")}" font-weight="bold">'
                    f'{escape(names.get(b, b))} →</text>')

        def P(u: dict, a: str = a, b: str = b, ox: float = ox) -> tuple[float, float]:
            return ox + float(u.get(a, 0.0)) * side, y0 + side - float(u.get(b, 0.0)) * side

        if disagreement:
            x, y = P(disagreement)
            body.append(f'<g class="pt">{marker("square", x, y, "#000000", r=4.5, hollow=True)}'
                        f'<title>No deal: {escape(names.get(a, a))} {disagreement.get(a, 0):.2f}, '
                        f'{escape(names.get(b, b))} {disagreement.get(b, 0):.2f}</title></g>')
            body.append(f'<text x="{_f(x + 7)}" y="{_f(y + 12)}" fill="#333">no deal</text>')
        pts = [P(t["utilities"]) for t in texts]
        if len(pts) > 1:
            body.append(f'<polyline points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in pts)}" fill="none" '
                        f'stroke="{text_colour}" stroke-width="1" stroke-opacity="0.6"/>')
        groups: dict[tuple[float, float], list[int]] = {}  # texts at one spot share one label: "1–4"
        for j, (x, y) in enumerate(pts):
            groups.setdefault((round(x, 1), round(y, 1)), []).append(j)
        for (x, y), js in groups.items():
            latest = js[-1] == len(pts) - 1
            u = texts[js[-1]]["utilities"]
            which = ", ".join(f"{j + 1} (round {texts[j]['round']})" for j in js)
            tip = (f"Text{'s' if len(js) > 1 else ''} {which}: {names.get(a, a)} {u.get(a, 0):.2f}, "
                   f"{names.get(b, b)} {u.get(b, 0):.2f}")
            body.append(f'<g class="pt">{marker("circle", x, y, text_colour, r=6.5 if latest else 4.5)}'
                        f'<title>{escape(tip)}</title></g>')
            lab = _runs([j + 1 for j in js])
            bold = ' font-weight="bold"' if latest else ""
            body.append(f'<text x="{_f(x + 8)}" y="{_f(y - 7)}" fill="#111"{bold}>{escape(lab)}</text>')
    return _frame(fid, title, desc, width, height, body)
