"""DEU III rows (Decision-making in the European Union; Arregui & Perarnaud 2022, doi:10.34810/data53;
Thomson, Stokman, Achen & König 2006 for DEU I): actor positions and saliences on 0–100 issue scales
with the real decision outcomes.

The reader takes the tab-separated, ``"``-quoted layout of ``blksv/predictioneers_game``'s
``deu3.csv`` (the copy in ``shared/data/deu3_dev``): a header line, a second "capability" line with
blksv's GDP-based weights in the position columns (not DEU data), then one line per issue with
positions ``p<actor>``, saliences ``s<actor>``, the reference point ``rp`` and the outcome ``out``.

Conventions (stated, as the data README's baselines use them): an actor with a position and no
salience gets salience **50**; an actor without a position takes no part. Capabilities:
``equal`` (all 1, the default), ``council`` (member states' Council votes under the Nice-treaty QMV
weights, 2004–2014, Croatia 7; Commission and Parliament each given 29, as much as the largest
member state — a stated choice, DEU records no capability), or ``gdp`` (the file's second line).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..model.errors import ScenarioError
from ..model.files import read_text

if TYPE_CHECKING:  # formats sit below the game layer
    from ..game import Game

__all__ = ["ACTORS", "COUNCIL_WEIGHTS", "INSTITUTION_WEIGHT", "DEUData", "DEUError", "load_deu"]

ACTORS: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it",
    "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)
# Council votes under the Treaty of Nice (QMV weights, EU-27 from 2007; Croatia 7 from 2013)
COUNCIL_WEIGHTS: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13, "be": 12, "cz": 12,
    "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10, "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7,
    "cr": 7, "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3,
}
INSTITUTION_WEIGHT = 29.0  # Commission and European Parliament under ``council`` (stated choice)
DEFAULT_SALIENCE = 50.0
CAPABILITIES = ("equal", "council", "gdp")


class DEUError(ValueError):
    """A malformed DEU file; the message names ``file:line``."""


@dataclass(frozen=True, eq=False)
class DEUData:
    """DEU issues as arrays: ``N`` issues × 30 actors (:data:`ACTORS`).

    ``positions``, ``saliences`` ``(N, 30)`` on 0–100 (NaN where missing; salience 50 where the actor
    has a position and no salience); ``available`` ``(N, 30)`` actors with a position; ``reference``
    ``(N,)`` the reference point (NaN where blank); ``outcome`` ``(N,)`` the real outcome (NaN where
    blank; a value outside 0–100 is an error); ``proposal`` ``(N,)`` proposal numbers (``prnrnmc``, for folds);
    ``issue_ids`` (``isnr``); ``names`` (``prname``); ``gdp`` ``(30,)`` the file's capability line;
    ``lines`` the file line of each issue; ``skipped`` the lines of issue rows left out because no
    actor has a position on them (nothing to forecast, so nothing to score).
    """

    path: str
    issue_ids: tuple[str, ...]
    names: tuple[str, ...]
    proposal: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    available: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    gdp: np.ndarray
    lines: tuple[int, ...]
    skipped: tuple[int, ...] = ()

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    def capability(self, kind: str = "equal") -> np.ndarray:
        """Capabilities ``(30,)``: ``equal``, ``council`` or ``gdp`` (see the module docstring)."""
        if kind == "equal":
            return np.ones(len(ACTORS))
        if kind == "council":
            return np.array([COUNCIL_WEIGHTS.get(a, INSTITUTION_WEIGHT) for a in ACTORS], dtype=float)
        if kind == "gdp":
            return np.nan_to_num(self.gdp, nan=0.0)
        raise ValueError(f"unknown capability {kind!r}; expected one of {', '.join(CAPABILITIES)}")

    def to_game(self, k: int, capability: str = "equal") -> Game:
        """Issue ``k`` as a one-issue :class:`~accord.game.Game` (continuous 0–100, step 1; the
        reference point as status quo; saliences scaled to 0–1)."""
        from ..game import Game, IssueGrid, distance_values  # noqa: PLC0415 - the game only when an issue is compiled

        av = self.available[k]
        idx = np.flatnonzero(av)
        pts = np.arange(101, dtype=float)
        rp = self.reference[k]
        sq = round(rp) if np.isfinite(rp) else None
        grid = IssueGrid(self.issue_ids[k], self.names[k], "continuous", pts, tuple(float(p) for p in pts),
                         tuple(f"{p:g}" for p in pts), None, sq)
        ideal = self.positions[k, idx]
        sal = self.saliences[k, idx] / 100.0
        vals = distance_values(pts, ideal, 0.0, 100.0, np.zeros(len(idx), dtype=bool))
        w = (sal > 0).astype(float)[:, None]
        return Game(id=self.issue_ids[k], actors=tuple(ACTORS[j] for j in idx),
                    roles=tuple("party" for _ in idx), issues=(grid,), values=(vals,), weights=w,
                    salience=sal[:, None], has_stance=np.ones((len(idx), 1), dtype=bool), ideal=ideal[:, None],
                    capability=self.capability(capability)[idx], title=self.names[k])


def _num(cell: str, path: str, line: int, col: str, low: float | None = None, high: float | None = None,
         what: str = "value") -> float:
    """The number in ``cell`` (NaN when blank); refuses text, NaN, infinities and, when given, values
    outside ``[low, high]``, naming ``file:line: column``."""
    cell = cell.strip()
    if cell == "":
        return float("nan")
    try:
        x = float(cell)
    except ValueError:
        raise DEUError(f"{path}:{line}: column {col!r}: expected a number, got {_short(cell)!r}") from None
    if not math.isfinite(x):
        raise DEUError(f"{path}:{line}: column {col!r}: expected a finite number, got {_short(cell)!r}")
    if low is not None and high is not None and not low <= x <= high:
        raise DEUError(f"{path}:{line}: column {col!r}: {what} {x:g} outside {low:g}-{high:g}")
    return x


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def load_deu(path: str | Path) -> DEUData:
    """Read a DEU III file in the ``deu3.csv`` layout; raises :class:`DEUError` naming ``file:line``."""
    p = str(path)
    try:
        text = read_text(path, "DEU file")
    except ScenarioError as e:
        raise DEUError(str(e.problems[0])) from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quotechar='"'))
    if not rows or not rows[0]:
        raise DEUError(f"{p}:1: empty file")
    header = [h.strip() for h in rows[0]]
    need = ["prnrnmc", "isnr", "prname", "rp", "out"] + [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS]
    missing = [h for h in need if h not in header]
    if missing:
        raise DEUError(f"{p}:1: header lacks column(s) {', '.join(missing)}")
    col = {h: k for k, h in enumerate(header)}
    gdp = np.full(len(ACTORS), np.nan)
    ids, names, prop, pos, sal, rp, out, lines = [], [], [], [], [], [], [], []
    skipped: list[int] = []
    for ln, row in enumerate(rows[1:], start=2):
        if not row or all(c.strip() == "" for c in row):
            continue
        if len(row) != len(header):
            raise DEUError(f"{p}:{ln}: {len(row)} fields, expected {len(header)}")
        if row[col["prnrnmc"]].strip() == "" and row[col["isnr"]].strip() == "":
            # blksv's "capability" line (GDP-based weights), not DEU data
            gdp = np.array([_num(row[col[f"p{a}"]], p, ln, f"p{a}", 0.0, 1e6, "capability") for a in ACTORS])
            continue
        x = np.array([_num(row[col[f"p{a}"]], p, ln, f"p{a}", 0.0, 100.0, "position") for a in ACTORS])
        s = np.array([_num(row[col[f"s{a}"]], p, ln, f"s{a}", 0.0, 100.0, "salience") for a in ACTORS])
        r = _num(row[col["rp"]], p, ln, "rp", 0.0, 100.0, "reference point")
        o = _num(row[col["out"]], p, ln, "out", 0.0, 100.0, "outcome")
        proposal = _num(row[col["prnrnmc"]], p, ln, "prnrnmc", -1e12, 1e12, "proposal number")
        if not np.isfinite(x).any():
            skipped.append(ln)
            continue
        s = np.where(np.isfinite(x) & ~np.isfinite(s), DEFAULT_SALIENCE, s)
        ids.append(row[col["isnr"]].strip())
        names.append(row[col["prname"]].strip())
        prop.append(proposal)
        pos.append(x)
        sal.append(np.where(np.isfinite(x), s, np.nan))
        rp.append(r)
        out.append(o)
        lines.append(ln)
    if not ids:
        raise DEUError(f"{p}:2: no issue rows" + (" with an actor's position" if skipped else ""))
    P = np.array(pos)
    return DEUData(p, tuple(ids), tuple(names), np.array(prop), P, np.array(sal), np.isfinite(P), np.array(rp),
                   np.array(out), gdp, tuple(lines), tuple(skipped))
