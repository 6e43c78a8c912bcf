"""The brief's forecast part: the headline model's forecast with its draws, the dynamic model's
rounds, every model's point forecast, the exchange model's trades and the sensitivity table."""

from __future__ import annotations

import math

import numpy as np

from ..forecast import forecast, sensitivity
from ..game import Game
from ..jsonable import plain
from ..report.data import Settings

__all__ = ["exchange_part", "forecast_part", "models_part", "sensitivity_part", "trajectory_part"]


def forecast_part(game: Game, st: Settings) -> dict | None:
    return plain(forecast(game, model=st.model, variant=st.variant, rounds=st.rounds, draws=st.draws,
                          seed=st.seed, stages=st.stages).to_dict())


def trajectory_part(game: Game, st: Settings) -> dict | None:
    """The dynamic model's forecast (with positions by round) for the trajectories figure."""
    return plain(forecast(game, model=st.trajectory_model, variant=st.variant, rounds=st.rounds, draws=0,
                          seed=st.seed).to_dict())


def models_part(game: Game, st: Settings) -> tuple[dict, list[dict] | None]:
    """Point forecasts of every model (no draws), to show where the models agree, each with whether
    its package is feasible (and the cycle its rounds end in, or that they are still moving, where
    they are), and the exchange
    model's realised trades on the point inputs when it is among the models (else ``None``)."""
    out = {}
    trades = None
    for m in st.models:
        f = plain(forecast(game, model=m, variant=st.variant, rounds=st.rounds, draws=0, seed=st.seed,
                           stages=st.stages).to_dict())
        out[m] = {i: {k: v for k, v in x.items() if k in ("forecast", "position", "cycle", "settling")}
                  for i, x in (f.get("issues") or {}).items()}
        out[m]["_feasibility"] = f.get("feasibility")
        if m == "exchange":
            trades = list(f.get("exchanges") or [])
    return out, trades


def exchange_part(game: Game, st: Settings, trades: list[dict] | None = None) -> dict:
    """The exchange model's realised trades on the point inputs, largest gain first.

    Each trade is kept as the model reports it, plus ``gain_pct`` (the gain as a percentage of what
    moving one fully salient issue across its whole range is worth) and ``moves``: the partner's move
    on the gainer's issue, then the gainer's move in return, each with where the voting position
    starts and ends (``from``, ``to``), how far it moves (``by``) and how far that moves the forecast
    (``forecast_by``) — magnitudes on the issue's scale, option index on ordinal issues — and, on
    ordinal issues, the option it starts at (``from_label``) and the one it moves towards
    (``towards``: the option nearest where it ends or, short of half-way, the next one). ``trades``
    (the ``exchanges`` of a point forecast) are computed here when not given."""
    if trades is None:
        trades = list(plain(forecast(game, model="exchange", draws=0, seed=st.seed,
                                     stages=st.stages).to_dict()).get("exchanges") or [])
    pos: dict[tuple[str, str], float] = {}  # voting positions as the trades are realised, in order

    def move(actor: str, issue: str, shift: float, outcome_shift: float) -> dict:
        a, i = game.index(actor), game.issue_index(issue)
        start = pos.get((actor, issue), float(game.ideal[a, i]))
        end = start + shift
        pos[(actor, issue)] = end
        out = {"actor": actor, "issue": issue, "from": start, "to": end, "by": abs(shift),
               "forecast_by": abs(outcome_shift), "from_label": None, "towards": None}
        g = game.issues[i]
        if g.kind == "ordinal" and math.isfinite(end):
            k0 = int(min(max(round(start), 0), g.size - 1))
            k1 = int(min(max(round(end), 0), g.size - 1))
            if k1 == k0 and shift:  # not past half-way: name the next option in its direction
                k1 = int(min(max(k0 + (1 if shift > 0 else -1), 0), g.size - 1))
            out["from_label"], out["towards"] = g.labels[k0], g.labels[k1]
        return out

    rows = []
    for t in trades:
        gets = move(t["partner"], t["gain_issue"], t["partner_shift"], t["outcome_shift_gain"])
        gives = move(t["gainer"], t["give_issue"], t["gainer_shift"], t["outcome_shift_give"])
        rows.append({**t, "gain_pct": 100.0 * t["gain"], "moves": [gets, gives]})
    rows.sort(key=lambda r: -r["gain"])
    return plain({"stages": st.stages, "n_trades": len(rows), "trades": rows})


def sensitivity_part(game: Game, st: Settings) -> dict | None:
    """The tornado table of the headline model; each row also gets ``swing_pct``, its swing as a
    percentage of the issue's range (of 1 on categorical issues, where the forecast is a
    probability), so that swings on issues with different units can be compared."""
    d = plain(sensitivity(game, model=st.model, variant=st.variant, rounds=st.rounds,
                          stages=st.stages).to_dict())
    for r in d.get("rows") or []:
        g = game.issues[game.issue_index(r["issue"])]
        span = float(np.ptp(g.points)) if g.ordered else 1.0
        r["swing_pct"] = 100.0 * r["swing"] / span if span > 0 and r.get("swing") is not None else None
    return d
