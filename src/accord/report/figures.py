"""Figures of a brief, drawn from :class:`~accord.report.data.BriefData` as inline SVG strings.

Each function takes the brief's data (``BriefData.to_dict()``) and returns a :class:`FigureSpec`
or ``None`` when the data it needs is missing. Figures use matplotlib ``Figure`` objects directly
(no pyplot, no global backend switch), text is kept as SVG text (small files, selectable labels), and
the SVG ids are salted per figure so that several figures can sit inline in one HTML page.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from ..words import format_number
from .palette import NEUTRAL

__all__ = [
    "DECOR",
    "FigureSpec",
    "audit",
    "issue_line",
    "main_parties",
    "render_figures",
    "simulation_by_format",
    "trajectories",
    "utility_space",
    "zopa_bars",
]

_RC: Any = {  # matplotlib types its keys as a Literal of every rc name (from 3.10)
    "svg.fonttype": "none",
    "text.parse_math": False,  # user text with $...$ is text, never matplotlib mathtext
    "font.size": 8.5,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "legend.fontsize": 7.5,
    "legend.frameon": False,
}
_WIDTH = 7.2  # inches


@dataclass(frozen=True)
class FigureSpec:
    """One figure: a stable ``id`` (used as ``data-figure`` in the HTML and as the SVG file name),
    a title, a caption telling the reader how to read it, and the SVG text. ``series``: the label of
    every data series drawn; ``legend``: the entries of its legends; ``unlabelled``: data artists
    drawn without a label (neither in a legend nor marked as decoration) — a readable figure has
    none and names every series in a legend (:func:`audit`)."""

    id: str
    title: str
    caption: str
    svg: str
    series: tuple[str, ...] = ()
    legend: tuple[str, ...] = ()
    unlabelled: int = 0
    marks: tuple[tuple[str, float, float], ...] = ()


#: ``gid`` of artists that draw no data (guides, row annotations): exempt from the legend rule.
DECOR = "decor"


def audit(fig: Any) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """``(series, legend, unlabelled)`` of a matplotlib figure: the labels of its data artists
    (lines, collections, patches; bar containers by their own label), the texts of its legends
    (axes' and figure's), and how many data artists carry neither a label nor the :data:`DECOR` gid."""
    series: list[str] = []
    unlabelled = 0
    legend: list[str] = []
    for ax in fig.axes:
        in_containers = {id(p) for c in ax.containers for p in c}
        for c in ax.containers:
            if not str(c.get_label()).startswith("_"):
                series.append(str(c.get_label()))
        for art in list(ax.lines) + list(ax.collections) + list(ax.patches):
            if id(art) in in_containers or str(art.get_gid() or "").startswith(DECOR):
                continue
            lab = str(art.get_label())
            if lab.startswith("_"):
                unlabelled += 1
            else:
                series.append(lab)
        leg = ax.get_legend()
        if leg is not None:
            legend += [t.get_text() for t in leg.get_texts()]
    for leg in getattr(fig, "legends", []):
        legend += [t.get_text() for t in leg.get_texts()]
    return tuple(dict.fromkeys(series)), tuple(dict.fromkeys(legend)), unlabelled


def single_marks(fig: Any) -> tuple[tuple[str, float, float], ...]:
    """``(label, x, y)`` of every labelled series that draws one point (a solution's star, the
    disagreement point's square), in data coordinates: what the figure says a named point is, to be
    checked against the tables that name it too."""
    out = []
    for ax in fig.axes:
        for art in ax.collections:
            lab = str(art.get_label())
            offsets: Any = getattr(art, "get_offsets", lambda: [])()
            if not lab.startswith("_") and len(offsets) == 1:
                out.append((lab, float(offsets[0][0]), float(offsets[0][1])))
    return tuple(out)


def _spec(fig: Any, fid: str, title: str, caption: str) -> FigureSpec:
    series, legend, unlabelled = audit(fig)
    return FigureSpec(fid, title, caption, _to_svg(fig, fid), series, legend, unlabelled, single_marks(fig))


def _to_svg(fig: Any, salt: str) -> str:
    import matplotlib  # noqa: PLC0415 - matplotlib only when figures are drawn

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "accord"})
    svg = buf.getvalue()
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    # inline SVGs share one id space: prefix the ids matplotlib writes with the figure's salt
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", salt) + "-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m.group(1)}"', svg)
    return svg


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib only when figures are drawn

    return Figure(figsize=(width, height), dpi=72)


def _colours(d: dict) -> dict[str, str]:
    return {a["id"]: a["colour"] for a in d["actors"]}


def _markers(d: dict) -> dict[str, str]:
    return {a["id"]: a.get("marker") or "o" for a in d["actors"]}


def _names(d: dict) -> dict[str, str]:
    return {a["id"]: a["name"] for a in d["actors"]}


def _wrap(s: str, width: int = 18) -> str:
    return "\n".join(textwrap.wrap(s, width)) or s


def _scale_value(issue: dict, value: Any) -> float | None:
    """A forecast or outcome value on the issue's numeric scale (option index for options)."""
    if value is None:
        return None
    if isinstance(value, str):
        opts = issue.get("options") or []
        return float(issue["ticks"][opts.index(value)]) if value in opts else None
    return float(value)


def main_parties(d: dict) -> list[str]:
    """The two actors a 2-D utility figure shows: of the analysis's parties (role ``party`` first),
    the pair whose utilities are most opposed along the efficient frontier (the core conflict);
    without a frontier, the two most capable."""
    an = d.get("analysis") or {}
    parties = list(an.get("parties") or [])
    role = {a["id"]: a["role"] for a in d["actors"]}
    cap = {a["id"]: a["capability"] for a in d["actors"]}
    pool = [p for p in parties if role.get(p) == "party"]
    if len(pool) < 2:
        pool = parties if len(parties) >= 2 else [a["id"] for a in d["actors"] if a["role"] == "party"]
    if len(pool) < 2:
        pool = [a["id"] for a in d["actors"]]
    pool = sorted(pool, key=lambda a: -cap.get(a, 0.0))
    whole = d.get("whole_frontier") or {}
    u = np.asarray(whole.get("utilities") or [], dtype=float)
    if u.ndim == 2 and u.shape[0] >= 3 and whole.get("parties") == parties and all(p in parties for p in pool):
        best, pair = None, pool[:2]
        for x in range(len(pool)):
            for y in range(x + 1, len(pool)):
                a, b = u[:, parties.index(pool[x])], u[:, parties.index(pool[y])]
                if a.std() < 1e-12 or b.std() < 1e-12:
                    continue
                r = float(np.corrcoef(a, b)[0, 1])
                if best is None or r < best - 1e-9:
                    best, pair = r, [pool[x], pool[y]]
        return pair
    return pool[:2]


# -- issue lines ---------------------------------------------------------------------------------
def _proxy(kind: str, **kw: Any) -> Any:
    """A legend handle drawn in neutral grey (the series it names is drawn in the actors' colours)."""
    from matplotlib.lines import Line2D  # noqa: PLC0415 - matplotlib only when figures are drawn
    from matplotlib.patches import Patch  # noqa: PLC0415 - matplotlib only when figures are drawn

    if kind == "patch":
        return Patch(**kw)
    return Line2D([], [], **kw)


def _option_ticks(ax: Any, issue: dict, axis: str = "x", width: int = 18, size: float = 7) -> None:
    """Option names (wrapped) as the ticks of an option issue's axis."""
    if issue["kind"] == "continuous":
        return
    labels = [_wrap(t, width) for t in issue["tick_labels"]]
    if axis == "x":
        ax.set_xticks(issue["ticks"], labels, fontsize=size)
    else:
        ax.set_yticks(issue["ticks"], labels, fontsize=size)


def issue_line(d: dict, k: int) -> FigureSpec | None:
    """Issue ``k`` as a line: each actor's ideal (its marker, sized by capability, in its colour), its
    acceptable set (a bar; a dotted line where it accepts anything), the status quo (dashed) and the
    forecast with its interval and the forecast conditional on agreement. Actors are named on the
    rows; the legend names every kind of mark."""
    from matplotlib.collections import LineCollection  # noqa: PLC0415 - matplotlib only when figures are drawn

    issue = d["issues"][k]
    rows = issue["positions"]
    if not rows:
        return None
    colours, names, markers = _colours(d), _names(d), _markers(d)
    fc = ((d.get("forecast") or {}).get("issues") or {}).get(issue["id"])
    cond = ((d.get("forecast") or {}).get("conditional") or {}).get("package", {}).get(issue["id"]) \
        if (d.get("forecast") or {}).get("conditional") else None
    n = len(rows) + (1 if fc else 0)
    fig = _figure(_WIDTH, 1.3 + 0.32 * n)
    ax = fig.add_subplot(1, 1, 1)
    y_labels = []
    bars: list[list[tuple[float, float]]] = []
    bar_colours: list[str] = []
    anything: list[list[tuple[float, float]]] = []
    any_colours: list[str] = []
    ideals: dict[str, tuple[list[float], list[float], list[float], list[str]]] = {}
    for r, p in enumerate(rows):
        y = n - 1 - r
        c = colours.get(p["actor"], NEUTRAL)
        if p["acceptable"] is None:
            anything.append([(issue["low"], y), (issue["high"], y)])
            any_colours.append(c)
        for lo, hi in p["acceptable"] or []:
            w = 0.004 * ((issue["high"] - issue["low"]) or 1)
            bars.append([(lo - (w if hi - lo < 1e-9 else 0), y), (hi + (w if hi - lo < 1e-9 else 0), y)])
            bar_colours.append(c)
        if p["ideal"] is not None:
            xs, ys, ss, cs = ideals.setdefault(markers.get(p["actor"], "o"), ([], [], [], []))
            xs.append(p["ideal"])
            ys.append(y)
            ss.append(30 + 260 * float(p["capability"]))
            cs.append(c)
        y_labels.append(names.get(p["actor"], p["actor"]))
    handles, labels = [], []
    if bars:
        ax.add_collection(LineCollection(bars, colors=bar_colours, linewidths=7, alpha=0.3, capstyle="butt",
                                         label="acceptable set"))
        handles.append(_proxy("line", color=NEUTRAL, linewidth=7, alpha=0.3, solid_capstyle="butt"))
        labels.append("acceptable set")
    if anything:
        ax.add_collection(LineCollection(anything, colors=any_colours, linewidths=1.2, linestyles=(0, (1.5, 2.5)),
                                         label="accepts any position"))
        handles.append(_proxy("line", color=NEUTRAL, linewidth=1.2, linestyle=(0, (1.5, 2.5))))
        labels.append("accepts any position")
    for m, (xs, ys, ss, cs) in ideals.items():
        ax.scatter(xs, ys, s=ss, c=cs, marker=m, edgecolor="white", linewidth=0.8, zorder=3,
                   label="ideal position (larger: more capable)")
    if ideals:
        handles.append(_proxy("line", marker="o", color=NEUTRAL, linestyle="none", markersize=8,
                              markeredgecolor="white"))
        labels.append("ideal position (larger: more capable)")
    if fc:
        y = 0
        pos = fc.get("position")
        v = float(pos) if isinstance(pos, (int, float)) else _scale_value(issue, fc.get("forecast"))
        iv = fc.get("interval")
        if iv and None not in iv:
            lo, hi = (_scale_value(issue, x) for x in iv)
            if lo is not None and hi is not None:
                ax.plot([lo, hi], [y, y], color="#000000", linewidth=1.6, marker="|", markersize=9,
                        label="10–90% interval of the draws")
                handles.append(_proxy("line", color="#000000", linewidth=1.6, marker="|", markersize=9))
                labels.append("10–90% interval of the draws")
        if v is not None:
            ax.scatter([v], [y], marker="D", s=60, color="#000000", zorder=4, label="forecast")
            handles.append(_proxy("line", marker="D", color="#000000", linestyle="none", markersize=7))
            labels.append("forecast")
        if cond is not None:
            cv = _scale_value(issue, cond)
            if cv is not None:
                ax.scatter([cv], [y], marker="D", s=90, facecolor="none", edgecolor="#009E73", linewidth=1.6,
                           zorder=5, label="conditional on agreement")
                handles.append(_proxy("line", marker="D", color="#009E73", markerfacecolor="none",
                                      linestyle="none", markersize=8, markeredgewidth=1.6))
                labels.append("conditional on agreement")
        y_labels.append(f"forecast ({(d.get('forecast') or {}).get('model', '')})")
    if issue["status_quo"] is not None:
        ax.axvline(issue["status_quo"], color=NEUTRAL, linestyle="--", linewidth=1, label="status quo")
        handles.append(_proxy("line", color=NEUTRAL, linestyle="--", linewidth=1))
        labels.append("status quo")
    ax.set_yticks(list(range(n - 1, -1, -1)), y_labels)
    ax.set_ylim(-0.7, n - 0.1)
    pad = 0.04 * (issue["high"] - issue["low"] or 1)
    ax.set_xlim(issue["low"] - pad, issue["high"] + pad)
    _option_ticks(ax, issue)
    if issue["kind"] == "continuous" and issue.get("unit"):
        ax.set_xlabel(issue["unit"])
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(issue["name"], loc="left")
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.28 if issue["kind"] != "continuous"
                                                                     else -0.2), ncol=3, fontsize=7)
    cap = ("Each row is an actor: its ideal position (its marker; larger for more capable actors), its acceptable "
           "set (the pale bar; a dotted line where it accepts any position), the status quo (dashed)"
           + (", and the forecast (black diamond) with its 10–90% interval and the forecast conditional on "
              "agreement (open green diamond)." if fc else "."))
    return _spec(fig, f"issue-{issue['id']}", issue["name"], cap)


# -- ZOPA ----------------------------------------------------------------------------------------
def zopa_rows(d: dict) -> list[dict]:
    """Per issue: the acceptable ranges of actors whose consent counts, and the overlap the analysis
    reports (``zopa.issues``), both on a 0–1 scale of the issue's range."""
    an = d.get("analysis") or {}
    zi = ((an.get("zopa") or {}).get("issues") or {})
    out = []
    for issue in d["issues"]:
        span = (issue["high"] - issue["low"]) or 1.0

        def norm(x: float, low: float = issue["low"], span: float = span) -> float:
            return (x - low) / span

        z = zi.get(issue["id"]) if isinstance(zi, dict) else None
        rng = ((an.get("zopa") or {}).get("issue_ranges") or {}).get(issue["id"])
        out.append({"issue": issue, "zopa": z, "norm": norm,
                    "ranges": rng if issue["kind"] == "continuous" and rng is not None else None})
    return out


def _zopa_segments(issue: dict, z: Any) -> list[tuple[float, float]] | None:
    """The per-issue ZOPA as segments on the issue scale; ``None`` when the analysis gives none."""
    if z is None:
        return None
    if isinstance(z, dict):
        for key in ("interval", "range"):
            if z.get(key):
                lo, hi = z[key]
                return [(float(lo), float(hi))]
        for key in ("options", "values", "points", "acceptable"):
            if key in z:
                vals = [_scale_value(issue, v) for v in (z[key] or [])]
                return _runs(issue, [v for v in vals if v is not None])
        if "low" in z and "high" in z:
            if z["low"] is None:
                return []
            return [(float(z["low"]), float(z["high"]))]
        if z.get("empty"):
            return []
        return None
    if isinstance(z, list):
        vals = [_scale_value(issue, v) for v in z]
        return _runs(issue, [v for v in vals if v is not None])
    return None


def _runs(issue: dict, vals: list[float]) -> list[tuple[float, float]]:
    """Points of a continuous issue's grid as runs of neighbouring points, one segment each (a range,
    not a comb of grid points); options stay points."""
    if issue["kind"] != "continuous" or len(vals) < 2:
        return [(v, v) for v in vals]
    xs = sorted(set(vals))
    gaps = [b - a for a, b in pairwise(xs)]
    step = min(gaps)
    out = [[xs[0], xs[0]]]
    for x, gap in zip(xs[1:], gaps):
        if gap <= 1.5 * step:
            out[-1][1] = x
        else:
            out.append([x, x])
    return [(a, b) for a, b in out]


def zopa_bars(d: dict) -> FigureSpec | None:
    """One row per issue on a 0–1 scale of its range: thin bars in each actor's colour are the
    acceptable sets of actors whose consent is needed (dotted where an actor accepts any position),
    the green band the overlap (the issue's ZOPA); a red cross marks an issue with no overlap. The
    range's ends are written under each row; the legend names the actors and each kind of mark."""
    from matplotlib.collections import LineCollection  # noqa: PLC0415 - matplotlib only when figures are drawn

    if not d.get("analysis"):
        return None
    colours, names = _colours(d), _names(d)
    consent = {a["id"] for a in d["actors"] if a.get("consent")}
    # whose sets can count: the actors whose consent is needed, and ratifiers and constituencies
    # (needed when their ratification is triggered); mediators and observers have no veto
    counts = consent | {a["id"] for a in d["actors"] if a.get("role") in ("ratifier", "constituency")}
    rows = zopa_rows(d)
    fig = _figure(_WIDTH, 1.4 + 0.5 * len(rows))
    ax = fig.add_subplot(1, 1, 1)
    n = len(rows)
    solid: dict[str, list] = {}
    dotted: dict[str, list] = {}
    overlap_drawn = cross_drawn = False
    for r, row in enumerate(rows):
        issue, norm = row["issue"], row["norm"]
        y = n - 1 - r
        ps = [p for p in issue["positions"] if p["actor"] in consent or (p["actor"] in counts and p["acceptable"])]
        single = 0.02 if issue["kind"] != "continuous" else 0.008  # a one-option set stays visible
        for j, p in enumerate(ps):
            dy = -0.3 + 0.6 * (j + 0.5) / max(len(ps), 1)
            if p["acceptable"] is None:
                dotted.setdefault(p["actor"], []).append([(0.0, y + dy), (1.0, y + dy)])
            for lo, hi in p["acceptable"] or []:
                pad = single if hi - lo < 1e-9 else 0.0
                solid.setdefault(p["actor"], []).append([(norm(lo) - pad, y + dy), (norm(hi) + pad, y + dy)])
        # the per-issue overlap's runs on a continuous issue (one bar per range), else its points
        segs = ([(float(a), float(b)) for a, b in row["ranges"]] if row.get("ranges") is not None
                else _zopa_segments(issue, row["zopa"]))
        lo_txt = issue["tick_labels"][0] if issue["kind"] != "continuous" else f"{format_number(issue['low'])}"
        hi_txt = (issue["tick_labels"][-1] if issue["kind"] != "continuous"
                  else f"{format_number(issue['high'])}{' ' + issue['unit'] if issue.get('unit') else ''}")
        ax.text(0.0, y - 0.47, _wrap(lo_txt, 40), fontsize=6, color=NEUTRAL, ha="left", va="center")
        ax.text(1.0, y - 0.47, _wrap(hi_txt, 40), fontsize=6, color=NEUTRAL, ha="right", va="center")
        if segs is None:
            continue
        if not segs:
            ax.scatter([1.03], [y], marker="x", color="#D55E00", s=40, clip_on=False,
                       label="no overlap (blocks agreement)")
            cross_drawn = True
        for lo, hi in segs:
            w = max(norm(hi) - norm(lo), 0.012)
            ax.barh([y], [w], left=[norm(lo) - (0.006 if hi == lo else 0)], height=0.75, color="#009E73",
                    alpha=0.3, edgecolor="#009E73", label="overlap: zone of possible agreement")
            overlap_drawn = True
    for a, lines in solid.items():
        ax.add_collection(LineCollection(lines, colors=colours.get(a, NEUTRAL), linewidths=2.4, alpha=0.9,
                                         capstyle="butt", label=names.get(a, a)))
    for a, lines in dotted.items():
        ax.add_collection(LineCollection(lines, colors=colours.get(a, NEUTRAL), linewidths=1.3,
                                         linestyles=(0, (1.5, 2.5)), label="accepts any position"))
    handles, labels = [], []
    for a in d["actors"]:
        if a["id"] in solid or a["id"] in dotted:
            handles.append(_proxy("line", color=a["colour"], linewidth=2.4))
            labels.append(a["name"])
    if dotted:
        handles.append(_proxy("line", color=NEUTRAL, linewidth=1.3, linestyle=(0, (1.5, 2.5))))
        labels.append("accepts any position")
    if overlap_drawn:
        handles.append(_proxy("patch", facecolor="#009E73", alpha=0.3, edgecolor="#009E73"))
        labels.append("overlap: zone of possible agreement")
    if cross_drawn:
        handles.append(_proxy("line", marker="x", color="#D55E00", linestyle="none", markersize=7))
        labels.append("no overlap (blocks agreement)")
    ax.set_yticks(list(range(n - 1, -1, -1)), [_wrap(row["issue"]["name"], 26) for row in rows])
    ax.set_xlim(-0.02, 1.06)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
    ax.set_ylim(-0.8, n - 0.4)
    ax.set_title("Zone of possible agreement per issue", loc="left")
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=7)
    cap = ("Each row is an issue on its own scale, from the low end to the high end (written under the row). "
           "Bars in each actor's colour are the acceptable sets of the actors whose consent is needed — the "
           "parties, and ratifiers where their vote is triggered — (dotted where an actor accepts any position; "
           "mediators and observers, who hold no veto, are not drawn); the green band is where they overlap; a "
           "red cross marks an issue with no overlap.")
    return _spec(fig, "zopa", "Zone of possible agreement", cap)


# -- utility space -------------------------------------------------------------------------------
def _utilities_of(point: Any) -> list[float] | None:
    if point is None:
        return None
    if isinstance(point, dict):
        u = point.get("utilities")
        return list(u) if u is not None else None
    if isinstance(point, (list, tuple)):
        return list(point)
    return None


def _xy(utilities: list, ix: list[int]) -> tuple[list[float], list[float]]:
    return [u[ix[0]] for u in utilities], [u[ix[1]] for u in utilities]


def utility_space(d: dict) -> FigureSpec | None:
    """The parties' utility space projected on the two main parties: the frontier ignoring acceptable
    sets (light), the agreeable frontier (dark), the frontier after the cheapest concessions, the Nash
    and Kalai–Smorodinsky points, the status quo and the simulated agreements (or last offers)."""
    an = d.get("analysis")
    if not an:
        return None
    parties = list(an.get("parties") or [])
    show = main_parties(d)
    try:
        ix = [parties.index(a) for a in show]
    except ValueError:
        return None
    whole, after = d.get("whole_frontier") or {}, d.get("after_concessions") or {}
    agreeable = [p["utilities"] for p in an.get("frontier") or []]
    if not agreeable and not whole.get("utilities") and not after.get("frontier"):
        return None
    names, colours = _names(d), _colours(d)
    fig = _figure(5.6, 4.8)
    ax = fig.add_subplot(1, 1, 1)
    if whole.get("utilities") and whole.get("parties") == parties:
        x, y = _xy(whole["utilities"], ix)
        ax.scatter(x, y, s=6, color="#C8C8C8", marker=".", label="efficient, ignoring acceptable sets"
                   + ("" if whole.get("exact", True) else " (sampled)"), zorder=1, linewidths=0)
    if agreeable:
        x, y = _xy(agreeable, ix)
        ax.scatter(x, y, s=14, color="#444444", marker="o", label="Pareto frontier (agreeable)", zorder=2)
    source, note = an, ""
    if not agreeable and after.get("frontier") and after.get("parties") == parties:
        x, y = _xy(after["frontier"], ix)
        ax.scatter(x, y, s=24, color="#009E73", marker="h", label="agreeable after the cheapest concessions", zorder=2)
        source, note = after, " (after the cheapest concessions)"
    # the same names as the brief's table of bargaining solutions: one name, one package
    marks = [("nash", "Nash bargaining solution", "*", "#0072B2", 200),
             ("kalai_smorodinsky", "Kalai–Smorodinsky", "P", "#CC79A7", 90)]
    if source is an:
        marks.append(("egalitarian", "Egalitarian", "^", "#E69F00", 60))
    for key, label, m, c, size in marks:
        u = _utilities_of(source.get(key))
        if u is not None:
            ax.scatter([u[ix[0]]], [u[ix[1]]], marker=m, s=size, color=c, edgecolor="black", linewidth=0.5,
                       label=label + note, zorder=4)
    sq = _utilities_of(an.get("disagreement"))
    if sq is not None:
        ax.scatter([sq[ix[0]]], [sq[ix[1]]], marker="s", s=50, color="white", edgecolor="black",
                   label="disagreement point", zorder=4)
    sim_marks = ("v", "X", "d", "<", ">", "p", "8", "H")  # none shared with the marks above
    for j, (proto, s) in enumerate((d.get("simulations") or {}).items()):
        xs, ys = [], []
        kind = "agreement"
        for t in s.get("transcripts") or []:
            u = t.get("utilities") if t.get("agreement") else (t.get("last_text") or {}).get("utilities")
            if not t.get("agreement"):
                kind = "last text"
            if isinstance(u, dict) and show[0] in u and show[1] in u:
                xs.append(u[show[0]])
                ys.append(u[show[1]])
        if xs:
            ax.scatter(xs, ys, marker=sim_marks[j % len(sim_marks)], s=34, facecolor="none", linewidth=1.3,
                       edgecolor=("#D55E00", "#56B4E9", "#000000", "#E69F00", "#882255", "#44AA99", "#999933",
                                  "#332288")[j % 8],
                       label=f"simulated {proto}: {kind}", zorder=3)
    ax.set_xlabel(f"utility of {names.get(show[0], show[0])}", color=colours.get(show[0]))
    ax.set_ylabel(f"utility of {names.get(show[1], show[1])}", color=colours.get(show[1]))
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(color="#eeeeee", linewidth=0.6)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
    ax.set_title("Utility space", loc="left")
    extra = "" if len(parties) <= 2 else f", projected on the two main parties of {len(parties)}"
    cap = (f"Utilities of {names.get(show[0], show[0])} (across) and {names.get(show[1], show[1])} (up){extra}; "
           "up and right is better for both. Light dots are efficient packages if nobody's acceptable set "
           "counted, dark (or green) dots the packages every needed actor accepts (or would, after the cheapest "
           "concessions). The star is the Nash bargaining solution, the plus Kalai–Smorodinsky, the square the "
           "disagreement point (each party's reservation, else the value of its no-deal positions); open "
           "markers are simulated agreements or, where talks failed, the last text on the table.")
    return _spec(fig, "utility-space", "Utility space", cap)


# -- forecast trajectories -----------------------------------------------------------------------
def trajectories(d: dict) -> FigureSpec | None:
    """Per issue (small multiples): each actor's position by round (its colour and marker) and the
    median (thick black), on the issue's scale with option names on option issues; a shaded band marks
    the rounds of a cycle. One legend names every actor and mark."""
    fc = d.get("trajectory") or d.get("forecast")
    if not fc or not fc.get("issues"):
        return None
    colours, names, markers = _colours(d), _names(d), _markers(d)
    items = [(iss, fc["issues"][iss["id"]]) for iss in d["issues"] if iss["id"] in fc["issues"]
             and fc["issues"][iss["id"]].get("rounds")]
    if not items:
        return None
    cols = 2 if len(items) > 1 else 1
    nrows = (len(items) + cols - 1) // cols
    fig = _figure(_WIDTH, 0.9 + 1.95 * nrows)
    seen: list[str] = []
    any_cycle = False
    for k, (iss, f) in enumerate(items):
        ax = fig.add_subplot(nrows, cols, k + 1)
        rounds = f["rounds"]
        xs = [r.get("round", j) for j, r in enumerate(rounds)]
        actors = list((rounds[0].get("positions") or {}).keys())
        for a in actors:
            ys = [_scale_value(iss, (r.get("positions") or {}).get(a)) for r in rounds]
            if any(y is not None for y in ys):
                ax.plot(xs, [y if y is not None else float("nan") for y in ys], color=colours.get(a, NEUTRAL),
                        linewidth=0.9, alpha=0.85, marker=markers.get(a, "o"), markersize=2.5,
                        markevery=max(1, len(xs) // 5), label=names.get(a, a))
                if a not in seen:
                    seen.append(a)
        med = [_scale_value(iss, r.get("median")) for r in rounds]
        ax.plot(xs, [m if m is not None else float("nan") for m in med], color="#000000", linewidth=2.0,
                label="median (the model's forecast)")
        cyc = f.get("cycle")
        if cyc:
            ax.axvspan(cyc["since_round"], xs[-1], color="#009E73", alpha=0.08, label="rounds in a cycle")
            any_cycle = True
        span = (iss["high"] - iss["low"]) or 1
        ax.set_ylim(iss["low"] - 0.05 * span, iss["high"] + 0.05 * span)
        _option_ticks(ax, iss, axis="y", width=22, size=5.5)
        if iss["kind"] == "continuous" and iss.get("unit"):
            ax.set_ylabel(iss["unit"], fontsize=6.5)
        ax.tick_params(labelsize=6)
        ax.set_title(_wrap(iss["name"], 40), loc="left", fontsize=8)
    handles, labels = [], []
    for a in seen:
        handles.append(_proxy("line", color=colours.get(a, NEUTRAL), marker=markers.get(a, "o"), markersize=4,
                              linewidth=0.9))
        labels.append(names.get(a, a))
    handles.append(_proxy("line", color="#000000", linewidth=2.0))
    labels.append("median (the model's forecast)")
    if any_cycle:
        handles.append(_proxy("patch", facecolor="#009E73", alpha=0.15))
        labels.append("rounds in a cycle")
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=6.5, bbox_to_anchor=(0.5, 0.0))
    fig.supxlabel("round", fontsize=8, y=0.55 / fig.get_figheight() + 0.02)
    fig.subplots_adjust(left=0.2, right=0.98, top=1 - 0.35 / fig.get_figheight(),
                        bottom=(0.75 + 0.13 * ((len(labels) + 3) // 4)) / fig.get_figheight(),
                        hspace=0.75, wspace=0.55)
    cap = (f"Positions by round as the {fc.get('model', 'forecast')} model lets actors move: thin lines are actors "
           "(their colour and marker), the thick black line the median; option issues are labelled with their "
           "options. A shaded band marks rounds that repeat in a cycle, whose mean is the forecast.")
    return _spec(fig, "trajectories", "Forecast trajectories", cap)


# -- simulation by format ------------------------------------------------------------------------
def simulation_by_format(d: dict) -> FigureSpec | None:
    """Agreement rate per negotiation format, and each party's mean utility under it (horizontal
    bars, so long format names are written out, not overprinted)."""
    sims = d.get("simulations")
    if not sims:
        return None
    names, colours = _names(d), _colours(d)
    protos = list(sims)
    keep = set((d.get("analysis") or {}).get("parties") or []) or {a["id"] for a in d["actors"] if a["role"] == "party"}
    mu = {p: sims[p].get("mean_utilities") for p in protos}
    actors: list[str] = []
    for p in protos:
        m = mu[p]
        if isinstance(m, dict):
            actors += [a for a in m if a not in actors and a in keep]
    fig = _figure(_WIDTH, 1.2 + 0.55 * len(protos) + 0.12 * len(actors))
    ax1 = fig.add_subplot(1, 2, 1)
    rates = [float(sims[p].get("agreement_rate") or 0.0) for p in protos]
    ylabels = [_wrap(p, 22) for p in protos][::-1]
    ax1.barh(range(len(protos)), rates[::-1], color="#0072B2", label="share of runs that agreed")
    for y, r in enumerate(rates[::-1]):
        ax1.text(r + 0.02, y, f"{100 * r:.0f}%", va="center", fontsize=7.5)
    ax1.set_yticks(range(len(protos)), ylabels, fontsize=7)
    ax1.set_xlim(0, 1.15)
    ax1.set_xlabel("agreement rate")
    ax1.set_title("Agreement by format", loc="left")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), fontsize=6.5)
    ax2 = fig.add_subplot(1, 2, 2)
    height = 0.8 / max(len(actors), 1)
    for j, a in enumerate(actors):
        vals = [float((mu[p] or {}).get(a) or 0.0) if isinstance(mu[p], dict) else 0.0 for p in protos][::-1]
        ax2.barh([k + 0.4 - (j + 0.5) * height for k in range(len(protos))], vals, height=height,
                 color=colours.get(a, NEUTRAL), label=names.get(a, a))
    ax2.set_yticks(range(len(protos)), ylabels, fontsize=7)
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("mean utility")
    ax2.set_title("Mean utility by format", loc="left")
    if actors:
        ax2.legend(fontsize=6.5, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    fig.subplots_adjust(left=0.2, right=0.98, top=0.9, bottom=0.32, wspace=0.75)
    cap = ("Share of simulated runs that ended in agreement, and each party's mean utility (what it gets if the "
           "talks fail — the disagreement point — where they failed), per format.")
    return _spec(fig, "simulation", "Simulation by format", cap)


def render_figures(d: dict, progress: Callable[[str], None] | None = None) -> list[FigureSpec]:
    """All figures of a brief, in reading order; figures whose data is missing are left out."""
    import matplotlib  # noqa: PLC0415 - matplotlib only when figures are drawn

    tick: Callable[[str], None] = progress or (lambda _s: None)
    jobs: list[tuple[str, Callable[[], FigureSpec | None]]] = [
        (f"figure: {iss['id']}", functools.partial(issue_line, d, k)) for k, iss in enumerate(d["issues"])]
    jobs += [("figure: zopa", lambda: zopa_bars(d)), ("figure: utility space", lambda: utility_space(d)),
             ("figure: trajectories", lambda: trajectories(d)), ("figure: simulation", lambda: simulation_by_format(d))]
    out = []
    with matplotlib.rc_context(_RC):
        for name, job in jobs:
            tick(name)
            spec = job()
            if spec is not None:
                out.append(spec)
    return out
