"""Figures of a brief, drawn from :class:`~accord.report.results.BriefData` as inline SVG strings.

Each function takes the brief's data (``BriefData.to_dict()``) and returns a :class:`FigureSpec`
or ``None`` when the data it needs is missing. Figures use matplotlib ``Figure`` objects directly
(no pyplot, no global backend switch), text is kept as SVG text (small files, selectable labels), and
the SVG ids are salted per figure so that several figures can sit inline in one HTML page.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

from .palette import NEUTRAL

__all__ = ["FigureSpec", "render_figures", "issue_line", "zopa_bars", "utility_space", "trajectories",
           "simulation_by_format", "main_parties"]

_RC = {
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
    a title, a caption telling the reader how to read it, and the SVG text."""

    id: str
    title: str
    caption: str
    svg: str


def _to_svg(fig: Any, salt: str) -> str:
    import matplotlib  # noqa: PLC0415

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
    from matplotlib.figure import Figure  # noqa: PLC0415

    return Figure(figsize=(width, height), dpi=72)


def _colours(d: dict) -> dict[str, str]:
    return {a["id"]: a["colour"] for a in d["actors"]}


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
    import numpy as np  # noqa: PLC0415

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
def issue_line(d: dict, k: int) -> FigureSpec | None:
    """Issue ``k`` as a line: each actor's ideal (marker sized by capability, in its colour), its
    acceptable range (a bar), the status quo (dashed) and the forecast with its interval."""
    issue = d["issues"][k]
    rows = issue["positions"]
    if not rows:
        return None
    colours, names = _colours(d), _names(d)
    fc = ((d.get("forecast") or {}).get("issues") or {}).get(issue["id"])
    n = len(rows) + (1 if fc else 0)
    fig = _figure(_WIDTH, 0.9 + 0.32 * n)
    ax = fig.add_subplot(1, 1, 1)
    y_labels = []
    for r, p in enumerate(rows):
        y = n - 1 - r
        c = colours.get(p["actor"], NEUTRAL)
        for lo, hi in p["acceptable"] or []:
            if hi - lo < 1e-9:
                ax.plot([lo], [y], marker="|", markersize=12, color=c, alpha=0.6)
            else:
                ax.plot([lo, hi], [y, y], linewidth=6, color=c, alpha=0.28, solid_capstyle="butt")
        if p["ideal"] is not None:
            size = 30 + 260 * float(p["capability"])
            ax.scatter([p["ideal"]], [y], s=size, color=c, edgecolor="white", linewidth=0.8, zorder=3)
        y_labels.append(names.get(p["actor"], p["actor"]))
    if fc:
        y = -0
        pos = fc.get("position")
        v = float(pos) if isinstance(pos, (int, float)) else _scale_value(issue, fc.get("forecast"))
        iv = fc.get("interval")
        if iv and None not in iv:
            lo, hi = (_scale_value(issue, x) for x in iv)
            if lo is not None and hi is not None:
                ax.plot([lo, hi], [y, y], color="#000000", linewidth=1.6)
                ax.plot([lo, hi], [y, y], marker="|", markersize=9, linestyle="none", color="#000000")
        if v is not None:
            ax.scatter([v], [y], marker="D", s=60, color="#000000", zorder=4)
        y_labels.append(f"forecast ({(d.get('forecast') or {}).get('model', '')})")
    if issue["status_quo"] is not None:
        ax.axvline(issue["status_quo"], color=NEUTRAL, linestyle="--", linewidth=1)
        ax.text(issue["status_quo"], n - 0.35, "status quo", color=NEUTRAL, fontsize=7, ha="center")
    ax.set_yticks(list(range(n - 1, -1, -1)), y_labels)
    ax.set_ylim(-0.7, n - 0.1)
    pad = 0.04 * (issue["high"] - issue["low"] or 1)
    ax.set_xlim(issue["low"] - pad, issue["high"] + pad)
    if issue["kind"] != "continuous":
        ax.set_xticks(issue["ticks"], [_wrap(t) for t in issue["tick_labels"]], fontsize=7)
    elif issue.get("unit"):
        ax.set_xlabel(issue["unit"])
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_title(issue["name"], loc="left")
    svg = _to_svg(fig, f"issue-{issue['id']}")
    cap = ("Dots are ideal positions (larger = more capable), bars the acceptable ranges, the dashed line "
           "the status quo" + (", the diamond the forecast with its interval." if fc else "."))
    return FigureSpec(f"issue-{issue['id']}", issue["name"], cap, svg)


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
        out.append({"issue": issue, "zopa": z, "norm": norm})
    return out


def _zopa_segments(issue: dict, z: Any) -> list[tuple[float, float]] | None:
    """The per-issue ZOPA as segments on the issue scale; ``None`` when the analysis gives none."""
    if z is None:
        return None
    if isinstance(z, dict):
        for key in ("interval", "range"):
            if key in z and z[key]:
                lo, hi = z[key]
                return [(float(lo), float(hi))]
        for key in ("options", "values", "points", "acceptable"):
            if key in z:
                vals = [_scale_value(issue, v) for v in (z[key] or [])]
                return [(v, v) for v in vals if v is not None]
        if "low" in z and "high" in z:
            if z["low"] is None:
                return []
            return [(float(z["low"]), float(z["high"]))]
        if z.get("empty"):
            return []
        return None
    if isinstance(z, list):
        vals = [_scale_value(issue, v) for v in z]
        return [(v, v) for v in vals if v is not None]
    return None


def zopa_bars(d: dict) -> FigureSpec | None:
    """One row per issue on a 0–1 scale of its range: thin bars are the acceptable ranges of actors
    whose consent is needed, the thick green bar the overlap (the issue's ZOPA); a red cross marks an
    issue with no overlap."""
    if not d.get("analysis"):
        return None
    colours = _colours(d)
    consent = {a["id"] for a in d["actors"] if a.get("consent")}
    rows = zopa_rows(d)
    fig = _figure(_WIDTH, 0.8 + 0.42 * len(rows))
    ax = fig.add_subplot(1, 1, 1)
    n = len(rows)
    for r, row in enumerate(rows):
        issue, norm = row["issue"], row["norm"]
        y = n - 1 - r
        ps = [p for p in issue["positions"] if p["actor"] in consent or p["acceptable"]]
        for j, p in enumerate(ps):
            dy = -0.3 + 0.6 * (j + 0.5) / max(len(ps), 1)
            for lo, hi in p["acceptable"] or [[issue["low"], issue["high"]]]:
                ax.plot([norm(lo), norm(hi) + (0.006 if hi == lo else 0)], [y + dy, y + dy], linewidth=2.2,
                        color=colours.get(p["actor"], NEUTRAL), alpha=0.85, solid_capstyle="butt")
        segs = _zopa_segments(issue, row["zopa"])
        if segs is None:
            continue
        if not segs:
            ax.scatter([1.03], [y], marker="x", color="#D55E00", s=40, clip_on=False)
        for lo, hi in segs:
            w = max(norm(hi) - norm(lo), 0.012)
            ax.barh([y], [w], left=[norm(lo) - (0.006 if hi == lo else 0)], height=0.75, color="#009E73",
                    alpha=0.35, edgecolor="#009E73")
    ax.set_yticks(list(range(n - 1, -1, -1)), [_wrap(row["issue"]["name"], 26) for row in rows])
    ax.set_xlim(-0.02, 1.06)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_title("Zone of possible agreement per issue", loc="left")
    svg = _to_svg(fig, "zopa")
    cap = ("Each row is an issue on its own scale (low to high end). Thin coloured bars are acceptable "
           "ranges; the green band is where they overlap; a red cross marks an issue with no overlap.")
    return FigureSpec("zopa", "Zone of possible agreement", cap, svg)


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
        ax.scatter(x, y, s=5, color="#C8C8C8", label="efficient, ignoring acceptable sets", zorder=1,
                   linewidths=0)
    if agreeable:
        x, y = _xy(agreeable, ix)
        ax.scatter(x, y, s=14, color="#444444", label="Pareto frontier (agreeable)", zorder=2)
    source, note = an, ""
    if not agreeable and after.get("frontier") and after.get("parties") == parties:
        x, y = _xy(after["frontier"], ix)
        ax.scatter(x, y, s=22, color="#009E73", marker="o", label="agreeable after cheapest concessions", zorder=2)
        source, note = after, " (after concessions)"
    marks = [("nash", "Nash", "*", "#0072B2", 200), ("kalai_smorodinsky", "Kalai–Smorodinsky", "P", "#CC79A7", 90)]
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
    sim_marks = ("o", "v", "X", "d")
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
                       edgecolor=("#D55E00", "#56B4E9", "#000000", "#E69F00")[j % 4],
                       label=f"simulated {proto}: {kind}", zorder=3)
    ax.set_xlabel(f"utility of {names.get(show[0], show[0])}", color=colours.get(show[0]))
    ax.set_ylabel(f"utility of {names.get(show[1], show[1])}", color=colours.get(show[1]))
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(color="#eeeeee", linewidth=0.6)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
    ax.set_title("Utility space", loc="left")
    svg = _to_svg(fig, "utility-space")
    extra = "" if len(parties) <= 2 else f", projected on the two main parties of {len(parties)}"
    cap = (f"Utilities of {names.get(show[0], show[0])} (across) and {names.get(show[1], show[1])} (up){extra}; "
           "up and right is better for both. Light dots are efficient packages if nobody's acceptable set "
           "counted, dark (or green) dots the packages every needed actor accepts (or would, after the cheapest "
           "concessions). The star is the Nash bargaining solution, the cross Kalai–Smorodinsky, the square the "
           "disagreement point (each party's reservation, else the value of its no-deal positions); open markers are simulated agreements or, where talks failed, the last text on the table.")
    return FigureSpec("utility-space", "Utility space", cap, svg)


# -- forecast trajectories -----------------------------------------------------------------------
def trajectories(d: dict) -> FigureSpec | None:
    """Per issue (small multiples): each actor's position by round (thin, in its colour) and the
    forecast median (thick black), on the issue's scale."""
    fc = d.get("trajectory") or d.get("forecast")
    if not fc or not fc.get("issues"):
        return None
    colours = _colours(d)
    items = [(iss, fc["issues"][iss["id"]]) for iss in d["issues"] if iss["id"] in fc["issues"]
             and fc["issues"][iss["id"]].get("rounds")]
    if not items:
        return None
    cols = 2 if len(items) > 1 else 1
    nrows = (len(items) + cols - 1) // cols
    fig = _figure(_WIDTH, 0.4 + 1.75 * nrows)
    for k, (iss, f) in enumerate(items):
        ax = fig.add_subplot(nrows, cols, k + 1)
        rounds = f["rounds"]
        xs = [r.get("round", j) for j, r in enumerate(rounds)]
        actors = list((rounds[0].get("positions") or {}).keys())
        for a in actors:
            ys = [_scale_value(iss, (r.get("positions") or {}).get(a)) for r in rounds]
            if any(y is not None for y in ys):
                ax.plot(xs, [y if y is not None else float("nan") for y in ys], color=colours.get(a, NEUTRAL),
                        linewidth=0.9, alpha=0.8)
        med = [_scale_value(iss, r.get("median")) for r in rounds]
        ax.plot(xs, [m if m is not None else float("nan") for m in med], color="#000000", linewidth=2.0)
        ax.set_ylim(iss["low"] - 0.05 * ((iss["high"] - iss["low"]) or 1), iss["high"] + 0.05 * ((iss["high"] - iss["low"]) or 1))
        if iss["kind"] != "continuous":
            ax.set_yticks(iss["ticks"], [str(j) for j in range(len(iss["ticks"]))], fontsize=6.5)
        ax.tick_params(labelsize=6.5)
        ax.set_title(_wrap(iss["name"], 40), loc="left", fontsize=8)
    fig.supxlabel("round", fontsize=8)
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.35 / fig.get_figheight(), bottom=0.45 / fig.get_figheight(),
                        hspace=0.62, wspace=0.22)
    svg = _to_svg(fig, "trajectories")
    cap = (f"Positions by round as the {fc.get('model', 'forecast')} model lets actors move: thin lines are actors (their colour), "
           "the thick black line the median. On option issues the scale is the option number (0 = first).")
    return FigureSpec("trajectories", "Forecast trajectories", cap, svg)


# -- simulation by format ------------------------------------------------------------------------
def simulation_by_format(d: dict) -> FigureSpec | None:
    """Agreement rate per negotiation format, and each party's mean utility under it."""
    sims = d.get("simulations")
    if not sims:
        return None
    names, colours = _names(d), _colours(d)
    protos = list(sims)
    fig = _figure(_WIDTH, 2.6)
    ax1 = fig.add_subplot(1, 2, 1)
    rates = [float(sims[p].get("agreement_rate") or 0.0) for p in protos]
    ax1.barh(protos[::-1], rates[::-1], color="#0072B2")
    for y, r in enumerate(rates[::-1]):
        ax1.text(r + 0.02, y, f"{100 * r:.0f}%", va="center", fontsize=7.5)
    ax1.set_xlim(0, 1)
    ax1.set_xlabel("agreement rate")
    ax1.set_title("Agreement by format", loc="left")
    ax2 = fig.add_subplot(1, 2, 2)
    mu = {p: sims[p].get("mean_utilities") for p in protos}
    keep = set((d.get("analysis") or {}).get("parties") or []) or {a["id"] for a in d["actors"] if a["role"] == "party"}
    actors: list[str] = []
    for p in protos:
        m = mu[p]
        if isinstance(m, dict):
            actors += [a for a in m if a not in actors and a in keep]
    width = 0.8 / max(len(actors), 1)
    for j, a in enumerate(actors):
        vals = [float((mu[p] or {}).get(a) or 0.0) if isinstance(mu[p], dict) else 0.0 for p in protos]
        ax2.bar([k + j * width for k in range(len(protos))], vals, width=width, color=colours.get(a, NEUTRAL),
                label=names.get(a, a))
    ax2.set_xticks([k + 0.4 - width / 2 for k in range(len(protos))], protos)
    ax2.set_ylim(0, 1)
    ax2.set_ylabel("mean utility")
    ax2.set_title("Mean utility by format", loc="left")
    if actors:
        ax2.legend(fontsize=6.5, ncol=min(len(actors), 4), loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.3, wspace=0.3)
    svg = _to_svg(fig, "simulation")
    cap = ("Share of simulated runs that ended in agreement, and each party's mean utility (its reservation "
           "or status-quo value where talks failed), per format.")
    return FigureSpec("simulation", "Simulation by format", cap, svg)


def render_figures(d: dict, progress: Callable[[str], None] | None = None) -> list[FigureSpec]:
    """All figures of a brief, in reading order; figures whose data is missing are left out."""
    import matplotlib  # noqa: PLC0415

    tick = progress or (lambda _s: None)
    jobs: list[tuple[str, Callable[[], FigureSpec | None]]] = [
        (f"figure: {iss['id']}", (lambda k=k: issue_line(d, k))) for k, iss in enumerate(d["issues"])]
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
