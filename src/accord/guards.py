"""Resource guards: the documented limits on what accord reads and builds, and the estimates
checked against them before the work starts.

Two kinds of limit live here (see ``docs/limits.md``):

- **Input limits** (fixed): the size of a file accord reads, the length of one text, the number of
  values in a scenario, the points of one issue's grid, the magnitude of a number. Past them an input
  is refused with the limit, whatever the command.
- **Work limits** (raisable): how much a command may build — outcomes an analysis compares, Monte
  Carlo cells, simulation rounds, tournament rounds. Each has a name; a command estimates its size
  from the inputs *before* it starts and refuses (:class:`LimitExceeded`, exit status 2 in the CLI)
  with the estimate, the limit and how to raise it: ``--limit NAME=N`` on the command line,
  ``limits={"NAME": N}`` in :mod:`accord.api`, or the environment variable ``ACCORD_LIMIT_NAME``.

This module imports nothing heavier than the standard library, so every layer (the scenario
model included) may use it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "LIMITS",
    "MAX_ACTORS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_GRID_POINTS",
    "MAX_ISSUES",
    "MAX_KEY",
    "MAX_MAGNITUDE",
    "MAX_SEED",
    "MAX_TEXT",
    "MAX_VALUES",
    "WORKERS_PER_CORE",
    "Limit",
    "LimitExceeded",
    "check",
    "check_brief",
    "check_forecast",
    "check_simulation",
    "check_tournament",
    "forecast_cells",
    "human",
    "limit",
    "limits",
    "max_workers",
    "overrides",
    "parse_limits",
    "simulation_rounds",
    "tournament_rounds",
]

# -- input limits (fixed) --------------------------------------------------------------------------
#: Largest input file read (scenario, GENIUS XML, DEU rows): 16 MiB.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Longest single text value in a scenario (a name, a quote, a description), in characters.
MAX_TEXT = 20_000
#: Longest mapping key in a scenario, in characters.
MAX_KEY = 200
#: Most values in a scenario after expanding YAML aliases.
MAX_VALUES = 1_000_000
#: Deepest nesting of a scenario file (a scenario needs about 6 levels).
MAX_DEPTH = 100
#: Most points of one issue's grid (a continuous issue's ``(high - low) / step + 1``).
MAX_GRID_POINTS = 100_001
#: Most issues and actors in one scenario: far above any real negotiation (GENIUS domains have at most
#: 10 issues, DEU 30 actors), low enough that every analysis stays interactive.
MAX_ISSUES = 200
MAX_ACTORS = 300
#: Largest magnitude of a position on an issue: sums over many actors stay far from overflow.
MAX_MAGNITUDE = 1e15
#: Seeds are 0 .. 2**63 - 1 (numpy's generators take non-negative integers).
MAX_SEED = 2**63 - 1
#: Worker processes of a local cluster: at most this many per core of the machine (a CPU-bound sweep
#: gains nothing from more, and each worker holds its own copy of numpy and the scenarios).
WORKERS_PER_CORE = 4


def max_workers() -> int:
    """The most worker processes a local cluster may start on this machine."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


# -- work limits (raisable) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    """A raisable limit on the size of what a command builds."""

    name: str
    default: int
    unit: str
    help: str


LIMITS: dict[str, Limit] = {lim.name: lim for lim in (
    Limit("outcomes", 20_000_000, "candidate packages x parties",
          "utility entries an analysis compares when it merges or enumerates packages (the frontier, "
          "coupled issues) at one step"),
    Limit("comparisons", 1_000_000_000, "dominance comparisons x parties",
          "pairwise comparisons the Pareto filter makes between candidate packages (grows with the square "
          "of the frontier's size when many parties make most packages non-dominated)"),
    Limit("cells", 50_000_000, "draw x actor x issue cells (x actors for the expected-utility model)",
          "Monte Carlo inputs a forecast builds: draws x actors x issues, times actors again for the "
          "pairwise expected-utility model, times its rounds"),
    Limit("space", 2_000_000, "candidate packages x players",
          "candidate packages the negotiation layer sorts for each player (parties and mediators) before "
          "a simulation starts"),
    Limit("rounds", 5_000_000, "session rounds x actors",
          "negotiation rounds a simulation plays: runs x steps x actors (x formats for a brief)"),
    Limit("sessions", 5_000_000, "session rounds x actors",
          "negotiation rounds a tournament plays: scenarios x strategy pairs x repetitions x steps x actors"),
    Limit("tasks", 100_000, "tasks",
          "tasks a sweep plans: bases x design points (every combination of the axes' levels, or the "
          "Latin-hypercube draws) x the tasks of each job (an analysis: 1; a forecast: 1 + draws / 256; a "
          "simulation: runs / chunk_runs); each task's own work is held to the cells, space and rounds limits"),
    Limit("states", 200, "dated states",
          "dated states of a scenario's snapshots a brief compares in its 'Positions over time' section "
          "(each state is analysed and forecast)"),
)}

_OVERRIDES: contextvars.ContextVar[Mapping[str, float] | None] = contextvars.ContextVar("accord_limits",
                                                                                        default=None)


class LimitExceeded(ValueError):
    """A command would build more than a work limit allows; the message gives the estimate, the
    limit and how to raise it."""

    def __init__(self, name: str, estimate: float, allowed: float, what: str):
        self.name, self.estimate, self.allowed, self.what = name, estimate, allowed, what
        super().__init__(
            f"{what}: about {human(estimate)} {LIMITS[name].unit}, over the limit of {human(allowed)}; "
            f"raise it with --limit {name}={_suggest(estimate)} (api: limits={{'{name}': ...}}; "
            f"environment: ACCORD_LIMIT_{name.upper()})")


def human(x: float) -> str:
    """A count as people read it: an integer in full (``497,763,994,986``) up to about 60 digits, then
    ``about 10^6,611`` (Python refuses to print an int of more than 4,300 digits; the number of packages
    of a scenario with thousands of issues is one); a float estimate as ``12,345`` up to a billion,
    ``1.2e+12`` above."""
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}" if x.bit_length() <= 200 else f"about 10^{int(x.bit_length() * math.log10(2)):,}"
    if not math.isfinite(x):
        return "infinitely many"
    return f"{int(x):,}" if x < 1e9 else f"{x:.2g}"


def _suggest(estimate: float) -> str:
    if not math.isfinite(estimate) or estimate >= 1e18:
        return "N"
    return str(int(10 ** math.ceil(math.log10(max(estimate, 1.0)))))


def limit(name: str) -> float:
    """The limit ``name`` in force: set by :func:`limits`, else ``ACCORD_LIMIT_<NAME>``, else its default."""
    if name not in LIMITS:
        raise KeyError(f"unknown limit {name!r}; limits: {', '.join(LIMITS)}")
    over = _OVERRIDES.get()
    if over and name in over:
        return float(over[name])
    env = os.environ.get(f"ACCORD_LIMIT_{name.upper()}")
    if env:
        try:
            return _number(env)
        except ValueError:
            pass
    return float(LIMITS[name].default)


def overrides() -> dict[str, float]:
    """The limits raised (or lowered) by :func:`limits` in this context, to hand to worker processes."""
    return dict(_OVERRIDES.get() or {})


@contextlib.contextmanager
def limits(values: Mapping[str, float] | None) -> Iterator[None]:
    """Raise (or lower) work limits for the code run inside the ``with`` block."""
    if not values:
        yield
        return
    bad = [k for k in values if k not in LIMITS]
    if bad:
        raise ValueError(f"unknown limit {bad[0]!r}; limits: {', '.join(LIMITS)}")
    merged = dict(_OVERRIDES.get() or {})
    merged.update(values)
    token = _OVERRIDES.set(merged)
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def _number(text: str) -> float:
    x = float(text.replace("_", "").replace(",", ""))
    if not (math.isfinite(x) and x > 0):
        raise ValueError(text)
    return x


def parse_limits(items: list[str] | tuple[str, ...]) -> dict[str, float]:
    """``["outcomes=1e8", ...]`` (the CLI's ``--limit``) as a mapping; ``ValueError`` names the bad item."""
    out: dict[str, float] = {}
    for it in items:
        name, sep, value = it.partition("=")
        name = name.strip()
        if not sep or name not in LIMITS:
            raise ValueError(f"--limit {it!r}: expected NAME=N with NAME one of {', '.join(LIMITS)}")
        try:
            out[name] = _number(value.strip())
        except ValueError:
            raise ValueError(f"--limit {it!r}: N must be a positive number") from None
    return out


def check(name: str, estimate: float, what: str) -> None:
    """Refuse (:class:`LimitExceeded`) when ``estimate`` is over the limit ``name`` in force."""
    allowed = limit(name)
    if not estimate <= allowed:  # NaN estimates are refused too
        raise LimitExceeded(name, estimate, allowed, what)


# -- estimates ---------------------------------------------------------------------------------------
def forecast_cells(actors: int, issues: int, draws: int, model: str = "compromise", rounds: int = 10) -> float:
    """Input cells a forecast builds: ``(draws + 1) x actors x issues``; the expected-utility model
    compares every pair of actors on every issue in every round (``x actors x rounds``)."""
    cells = float(max(draws, 0) + 1) * max(actors, 1) * max(issues, 1)
    if model == "eum":
        cells *= max(actors, 1) * max(rounds, 1)
    return cells


def simulation_rounds(actors: int, runs: int, steps: int, formats: int = 1) -> float:
    """Rounds x actors a simulation may play (each round asks every actor at most once)."""
    return float(max(runs, 0)) * max(steps, 0) * max(actors, 1) * max(formats, 1)


def tournament_rounds(scenarios: int, strategies: int, repetitions: int, steps: int, actors: int) -> float:
    """Rounds x actors a tournament may play: every ordered pair of strategies (itself included) on
    every scenario, ``repetitions`` times, each session up to ``steps`` rounds."""
    return float(scenarios) * strategies * strategies * repetitions * steps * max(actors, 1)


def check_forecast(actors: int, issues: int, draws: int, model: str = "compromise", rounds: int = 10) -> None:
    """Refuse a forecast whose Monte Carlo inputs exceed the ``cells`` limit."""
    est = forecast_cells(actors, issues, draws, model, rounds)
    what = f"a {model} forecast with {draws:,} draws over {actors} actors and {issues} issues"
    if model == "eum":
        what += f" and {rounds:,} rounds"
    check("cells", est, what)


def check_simulation(actors: int, runs: int, steps: int, formats: int = 1, candidates: int = 0,
                     players: int = 0) -> None:
    """Refuse a simulation whose rounds exceed the ``rounds`` limit, or whose players' candidate
    packages (``candidates`` x ``players``) exceed the ``space`` limit."""
    if candidates and players:
        check("space", float(candidates) * players,
              f"a simulation with {players} players sorting {candidates:,} candidate packages each")
    what = f"{runs:,} runs of up to {steps:,} steps with {actors} actors"
    if formats > 1:
        what += f" in {formats} formats"
    check("rounds", simulation_rounds(actors, runs, steps, formats), what)


def check_tournament(scenarios: int, strategies: int, repetitions: int, steps: int, actors: int) -> None:
    """Refuse a tournament whose rounds exceed the ``sessions`` limit."""
    what = (f"a tournament of {strategies} strategies on {scenarios} scenario(s), {repetitions:,} repetitions "
            f"of up to {steps:,} steps")
    check("sessions", tournament_rounds(scenarios, strategies, repetitions, steps, actors), what)


def check_brief(actors: int, issues: int, draws: int, model: str, rounds: int, runs: int, steps: int,
                formats: int) -> None:
    """Refuse a brief whose forecast or simulations exceed their limits (checked before any work)."""
    check_forecast(actors, issues, draws, model, rounds)
    check_simulation(actors, runs, steps, formats)
