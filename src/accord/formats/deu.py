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

Like every importer, DEU rows become scenarios: :meth:`DEUData.scenario` turns one proposal (its issue
rows) into a :class:`~accord.model.Scenario` — continuous 0–100 issues with the reference point as
status quo, every actor with a position a party with a stance, capabilities scaled so the largest is
1 — so every command works on it; the registered format ``deu`` reads a file holding one proposal. The
backtest reads the arrays directly (:mod:`accord.forecast.backtest`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model.errors import Problem, ScenarioError
from ..model.files import read_text
from ..model.schema import Scenario
from .base import ImportFormat, build, slug

if TYPE_CHECKING:  # formats sit below the game layer
    from ..game import Game

__all__ = ["ACTORS", "COUNCIL_WEIGHTS", "DEU", "INSTITUTION_WEIGHT", "NAMES", "DEUData", "DEUError", "load_deu",
           "read_deu"]

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
NAMES: dict[str, str] = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria", "be": "Belgium",
    "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark", "ee": "Estonia",
    "fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece", "hu": "Hungary", "ie": "Ireland",
    "it": "Italy", "lv": "Latvia", "lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta", "nl": "Netherlands",
    "pl": "Poland", "pt": "Portugal", "ro": "Romania", "si": "Slovenia", "sk": "Slovakia", "es": "Spain",
    "se": "Sweden", "uk": "United Kingdom",
}
INSTITUTION_WEIGHT = 29.0  # Commission and European Parliament under ``council`` (stated choice)
DEFAULT_SALIENCE = 50.0
CAPABILITIES = ("equal", "council", "gdp")


class DEUError(ScenarioError, ValueError):
    """A malformed DEU file: one problem naming the file, the line and the column."""

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        super().__init__([Problem(file, line, field, message)])


@dataclass(frozen=True, eq=False)
class DEUData:
    """DEU issues as arrays: ``N`` issues × 30 actors (:data:`ACTORS`).

    ``positions``, ``saliences`` ``(N, 30)`` on 0–100 (NaN where missing; salience 50 where the actor
    has a position and no salience); ``available`` ``(N, 30)`` actors with a position; ``reference``
    ``(N,)`` the reference point (NaN where blank); ``outcome`` ``(N,)`` the real outcome (NaN where
    blank; a value outside 0–100 is an error); ``proposal`` ``(N,)`` proposal numbers (``prnrnmc``, for folds);
    ``issue_ids`` (``isnr``); ``names`` (``prname``); ``gdp`` ``(30,)`` the file's capability line;
    ``lines`` the file line of each issue; ``skipped`` the lines of issue rows left out because no
    actor has a position on them (nothing to forecast, so nothing to score); ``codes`` the proposal
    codes (``prnr``, e.g. ``d00060``; empty where the file has none); ``defaulted`` ``(N, 30)`` where
    the salience is the default 50.
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
    codes: tuple[str, ...] = ()
    defaulted: np.ndarray | None = None

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

    def proposals(self) -> tuple[float, ...]:
        """The proposal numbers (``prnrnmc``), in file order."""
        return tuple(dict.fromkeys(float(x) for x in self.proposal))

    def scenario(self, proposal: float, capability: str = "equal") -> Scenario:
        """The scenario of one proposal: its issue rows (see the module docstring)."""
        rows = [k for k in range(self.n_issues) if float(self.proposal[k]) == float(proposal)]
        if not rows:
            raise ValueError(f"no proposal {proposal:.12g}; the file holds {_some(self.proposals())}")
        code = self.codes[rows[0]] if self.codes and self.codes[rows[0]] else f"{proposal:g}"
        return self._scenario(rows, capability, f"deu-{code}", f"{self.names[rows[0]]} (DEU III proposal {code})")

    def issue_scenario(self, k: int, capability: str = "equal") -> Scenario:
        """Issue row ``k`` alone as a scenario."""
        return self._scenario([k], capability, f"deu-{self.issue_ids[k]}", self.names[k])

    def to_game(self, k: int, capability: str = "equal") -> Game:
        """Issue ``k`` as a one-issue :class:`~accord.game.Game`: :meth:`issue_scenario` compiled."""
        from ..game import compile_scenario  # noqa: PLC0415 - formats sit below the game layer

        return compile_scenario(self.issue_scenario(k, capability))

    def _scenario(self, rows: list[int], capability: str, sid: str, title: str) -> Scenario:
        cap = self.capability(capability)
        top = float(cap.max()) if cap.size and cap.max() > 0 else 1.0
        held = [j for j in range(len(ACTORS)) if self.available[rows, j].any()]
        # an actor with salience 0 on every issue gives no weight to any: the scenario language has no
        # stances for it (a forecast weighs positions by salience, so it would add nothing)
        who = [j for j in held if np.nansum(self.saliences[rows, j]) > 0]
        silent = [NAMES[ACTORS[j]] for j in held if j not in who]
        source = "deu3"
        file = Path(self.path).name
        issues, stances = [], []
        for k in rows:
            iid = slug(self.issue_ids[k])
            rp, out = float(self.reference[k]), float(self.outcome[k])
            facts = [f"file line {self.lines[k]}"]
            if math.isfinite(rp):
                facts.append(f"reference point {rp:g}")
            if math.isfinite(out):
                facts.append(f"the recorded outcome {out:g}")
            issue: dict[str, Any] = {"id": iid, "name": f"{self.names[k]}: issue {self.issue_ids[k]}",
                                     "kind": "continuous", "low": 0, "high": 100, "step": 1,
                                     "description": "DEU III, " + ", ".join(facts) + "."}
            if math.isfinite(rp):
                issue["status_quo"] = rp
            issues.append(issue)
            for j in who:
                if not self.available[k, j]:
                    continue
                a = ACTORS[j]
                x, s = float(self.positions[k, j]), float(self.saliences[k, j])
                st: dict[str, Any] = {"actor": a, "issue": iid, "ideal": x, "salience": s / 100.0,
                            "provenance": {"source": source, "paraphrase": (
                                f"DEU III codes {NAMES[a]}'s position at {x:g} and its salience at {s:g} "
                                f"(0–100 scales; {file} line {self.lines[k]}, columns p{a}, s{a})")}}
                if self.defaulted is not None and self.defaulted[k, j]:
                    st["assumptions"] = {"salience": f"DEU gives no salience: {DEFAULT_SALIENCE:g} (the data "
                                                     "README's convention)"}
                stances.append(st)
        actors = [{"id": ACTORS[j], "name": NAMES[ACTORS[j]], "role": "party",
                   "capability": float(cap[j]) / top} for j in who]
        data: dict[str, Any] = {
            "id": slug(sid), "title": title,
            "description": f"{len(rows)} issue(s) of a European Union legislative proposal, from DEU III: each "
                           f"actor's position and salience on a 0–100 scale, as experts coded them.",
            "sources": [{"id": source, "title": "DEU III: Decision-making in the European Union",
                         "publisher": "Arregui & Perarnaud (2022)", "url": "https://doi.org/10.34810/data53",
                         "note": f"rows of {file}"}],
            "issues": issues, "actors": actors, "stances": stances,
            "assumptions": {
                "capability": {"equal": "every actor 1", "council": "Council votes under the Nice treaty "
                               "(Commission and Parliament 29 each), divided by the largest",
                               "gdp": "the file's capability line, divided by the largest"}[capability],
                "utilities": "each actor's value falls linearly with distance from its position on the 0–100 scale"},
        }
        if silent:
            data["assumptions"]["left out"] = (", ".join(silent) + ": salience 0 on every issue (no weight to give; "
                                               "no stances)")
        return build(data, self.path)


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
        raise DEUError(path, line, col, f"expected a number, got {_short(cell)!r}") from None
    if not math.isfinite(x):
        raise DEUError(path, line, col, f"expected a finite number, got {_short(cell)!r}")
    if low is not None and high is not None and not low <= x <= high:
        raise DEUError(path, line, col, f"{what} {x:g} outside {low:g}-{high:g}")
    return x


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def load_deu(path: str | Path) -> DEUData:
    """Read a DEU III file in the ``deu3.csv`` layout; raises :class:`DEUError` naming ``file:line``."""
    p = str(path)
    try:
        text = read_text(path, "DEU file")
    except ScenarioError as e:
        first = e.problems[0]
        raise DEUError(first.file, first.line, first.field, first.message) from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quotechar='"'))
    if not rows or not rows[0]:
        raise DEUError(p, 1, "", "empty file")
    header = [h.strip() for h in rows[0]]
    need = ["prnrnmc", "isnr", "prname", "rp", "out"] + [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS]
    missing = [h for h in need if h not in header]
    if missing:
        raise DEUError(p, 1, "header", f"lacks column(s) {', '.join(missing)}")
    col = {h: k for k, h in enumerate(header)}
    gdp = np.full(len(ACTORS), np.nan)
    ids, names, prop, pos, sal, rp, out, lines, codes, dflt = [], [], [], [], [], [], [], [], [], []
    skipped: list[int] = []
    for ln, row in enumerate(rows[1:], start=2):
        if not row or all(c.strip() == "" for c in row):
            continue
        if len(row) != len(header):
            raise DEUError(p, ln, "", f"{len(row)} fields, expected {len(header)}")
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
        dflt.append(np.isfinite(x) & ~np.isfinite(s))
        s = np.where(dflt[-1], DEFAULT_SALIENCE, s)
        codes.append(row[col["prnr"]].strip() if "prnr" in col else "")
        ids.append(row[col["isnr"]].strip())
        names.append(row[col["prname"]].strip())
        prop.append(proposal)
        pos.append(x)
        sal.append(np.where(np.isfinite(x), s, np.nan))
        rp.append(r)
        out.append(o)
        lines.append(ln)
    if not ids:
        raise DEUError(p, 2, "", "no issue rows" + (" with an actor's position" if skipped else ""))
    P = np.array(pos)
    return DEUData(p, tuple(ids), tuple(names), np.array(prop), P, np.array(sal), np.isfinite(P), np.array(rp),
                   np.array(out), gdp, tuple(lines), tuple(skipped), tuple(codes), np.array(dflt))


def read_deu(path: str | Path, proposal: float | None = None, capability: str = "equal") -> Scenario:
    """The scenario of one proposal of a DEU file (``proposal``: its ``prnrnmc``; may be left out when
    the file holds one proposal). Raises :class:`DEUError` naming file, line and column."""
    data = load_deu(path)
    props = data.proposals()
    if proposal is None:
        if len(props) != 1:
            raise DEUError(str(path), None, "prnrnmc",
                           f"holds {_some(props)}; a scenario is one proposal: keep only its "
                           "rows in the file, or read it with accord.formats.deu.read_deu(path, proposal=N)")
        proposal = props[0]
    try:
        return data.scenario(proposal, capability)
    except ValueError as e:
        raise DEUError(str(path), None, "prnrnmc", str(e)) from None


def _some(props: tuple[float, ...]) -> str:
    """``N proposals (2, 4, 6, ...)``: how many, and the first few numbers."""
    shown = ", ".join(f"{x:.12g}" for x in props[:8]) + (", ..." if len(props) > 8 else "")
    return f"{len(props)} proposal{'s' if len(props) != 1 else ''} ({shown})"


def _is_deu(path: Path) -> bool:
    """A regular file whose first line names DEU's columns (``prnrnmc``, ``isnr``, ``pcom``)."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as f:
            head = f.readline(1 << 16).decode("utf-8", "replace")
    except OSError:
        return False
    cols = {c.strip().strip('"') for c in head.split("\t")}
    return {"prnrnmc", "isnr", "pcom", "scom"} <= cols


class _DEU(ImportFormat):
    """DEU III rows (the ``deu3.csv`` layout): a tab-separated file of one proposal's issue rows."""

    name = "deu"
    label = "DEU III rows"
    example = "a tab-separated file in DEU III's deu3.csv layout holding one proposal's issue rows"

    def detect(self, path: Path) -> bool:
        return _is_deu(path)

    def read(self, path: Path) -> Scenario:
        return read_deu(path)


DEU = _DEU()
