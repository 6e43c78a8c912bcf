"""Result objects of the forecasting models: :class:`Forecast` and :class:`Sensitivity`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["IssueForecast", "Forecast", "SensitivityRow", "Sensitivity"]


@dataclass(frozen=True)
class IssueForecast:
    """The forecast of one issue.

    ``forecast``: a number (continuous), the nearest option id (ordinal, with ``position`` the numeric
    position on the option-index scale) or the most likely option id (categorical, with
    ``probabilities``). ``interval``: the 10–90% Monte Carlo interval on the numeric scale, or ``None``.
    ``rounds``: for dynamic models, one dict per round (round 0 = the inputs).
    ``estimate``: what ``forecast`` is — ``"point"`` (on the stated inputs), ``"median"`` (the median
    over Monte Carlo draws) or ``"mean"`` (categorical: probabilities averaged over the draws); with
    draws, ``point`` is the forecast on the stated inputs beside it.
    ``cycle``: for a model whose rounds end in a cycle, its states and their mean (the forecast),
    see :mod:`accord.forecast.cycles`. ``settling``: for a model with rounds that do not cycle, whether
    they settled or are still moving after the last round (the last step, its direction, the span of
    positions), see :func:`accord.forecast.cycles.settle_record`.
    """

    id: str
    kind: str
    forecast: float | str
    position: float | None = None
    interval: tuple[float, float] | None = None
    probabilities: dict[str, float] | None = None
    rounds: tuple[dict[str, Any], ...] | None = None
    estimate: str = "point"
    point: float | str | None = None
    cycle: dict[str, Any] | None = None
    settling: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"forecast": self.forecast,
                             "interval": list(self.interval) if self.interval is not None else None,
                             "estimate": self.estimate}
        if self.point is not None:
            d["point"] = self.point
        if self.cycle is not None:
            d["cycle"] = dict(self.cycle)
        if self.settling is not None:
            d["settling"] = dict(self.settling)
        if self.kind == "ordinal":
            d["position"] = self.position
        if self.probabilities is not None:
            d["probabilities"] = dict(self.probabilities)
        if self.rounds is not None:
            d["rounds"] = [dict(r) for r in self.rounds]
        return d


@dataclass(frozen=True)
class Forecast:
    """Forecasts of every issue of a game by one model (see :func:`accord.forecast.forecast`)."""

    model: str
    issues: tuple[IssueForecast, ...]
    variant: str | None = None
    draws: int = 0
    seed: int = 0
    rounds: int = 0
    exchanges: tuple[dict[str, Any], ...] | None = None
    feasibility: dict[str, Any] | None = None
    conditional: dict[str, Any] | None = None
    feasible_share: float | None = None
    robustness: Any = None

    def __getitem__(self, issue: str) -> IssueForecast:
        for f in self.issues:
            if f.id == issue:
                return f
        raise KeyError(issue)

    def to_dict(self) -> dict[str, Any]:
        """``{"model": m, "issues": {issue_id: {"forecast", "interval", "estimate", ["point"],
        ["position"], ["probabilities"], ["rounds"], ["cycle"], ["settling"]}}}``; the exchange model adds
        ``"exchanges"``: the realised trades in order (``gainer``, ``partner``, ``gain_issue``,
        ``give_issue``, the voting-position shifts ``partner_shift`` / ``gainer_shift`` and outcome
        shifts on the issues' scales, ``gain``, ``stage``). ``feasibility``: the package checked against
        the agreement space; ``conditional``: the forecast conditional on agreement
        (:mod:`accord.forecast.agreement`); with draws, ``feasible_share`` and ``robustness``."""
        d: dict[str, Any] = {"model": self.model, "issues": {f.id: f.to_dict() for f in self.issues}}
        if self.exchanges is not None:
            d["exchanges"] = [dict(e) for e in self.exchanges]
        if self.feasibility is not None:
            d["feasibility"] = dict(self.feasibility)
        if self.conditional is not None or self.feasibility is not None:
            d["conditional"] = None if self.conditional is None else dict(self.conditional)
        if self.feasible_share is not None:
            d["feasible_share"] = self.feasible_share
        if self.robustness is not None:
            d["robustness"] = self.robustness.to_dict()
        return d

    def trade_sentences(self) -> list[str]:
        """The exchange model's trades in words, largest gain first."""
        out = []
        for e in sorted(self.exchanges or (), key=lambda e: -e["gain"]):
            out.append(f"{e['partner']} moves {e['partner_shift']:+.3g} on {e['gain_issue']} towards {e['gainer']}, "
                       f"who moves {e['gainer_shift']:+.3g} on {e['give_issue']} in return "
                       f"(outcome shifts {e['outcome_shift_gain']:+.3g} and {e['outcome_shift_give']:+.3g}; "
                       f"each gains {e['gain']:.3g})")
        return out

    def summary(self) -> str:
        """A few lines of text: one per issue."""
        head = self.model + (f" ({self.variant})" if self.variant else "")
        if self.draws:
            head += f", {self.draws} draws, seed {self.seed}"
        lines = [head]
        for f in self.issues:
            val = f"{f.forecast:.3g}" if isinstance(f.forecast, float) else str(f.forecast)
            if f.position is not None:
                val += f" (position {f.position:.2f})"
            if f.interval is not None:
                val += f"  80% [{f.interval[0]:.3g}, {f.interval[1]:.3g}]"
            if f.probabilities:
                val += "  " + ", ".join(f"{k} {p:.2f}" for k, p in f.probabilities.items())
            lines.append(f"  {f.id}: {val}")
        lines.extend("  trade: " + t for t in self.trade_sentences())
        return "\n".join(lines)


@dataclass(frozen=True)
class SensitivityRow:
    """One bar of a tornado: the forecast of ``issue`` with ``input`` of ``actor`` at its low and high
    values (others at their point values); ``swing = |high - low|``."""

    issue: str
    actor: str
    input: str
    low: float
    high: float
    swing: float

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue, "actor": self.actor, "input": self.input,
                "low": self.low, "high": self.high, "swing": self.swing}


@dataclass(frozen=True)
class Sensitivity:
    """One-at-a-time sensitivity (tornado) table of a model's forecasts."""

    model: str
    rows: tuple[SensitivityRow, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """``{"model": m, "rows": [{"issue", "actor", "input", "low", "high", "swing"}]}``, sorted by
        issue (game order) and, within an issue, by swing, largest first."""
        return {"model": self.model, "rows": [r.to_dict() for r in self.rows]}

    def top(self, issue: str, n: int = 5) -> list[SensitivityRow]:
        return [r for r in self.rows if r.issue == issue][:n]

    def summary(self, n: int = 3) -> str:
        lines = [f"sensitivity of {self.model}"]
        seen: list[str] = []
        for r in self.rows:
            if r.issue not in seen:
                seen.append(r.issue)
        for i in seen:
            for r in self.top(i, n):
                lines.append(f"  {r.issue}: {r.actor} {r.input}: {r.low:.3g} .. {r.high:.3g} (swing {r.swing:.3g})")
        return "\n".join(lines)
