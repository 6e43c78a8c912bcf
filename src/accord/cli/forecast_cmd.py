"""``accord forecast`` and ``accord backtest deu``: thin commands over :mod:`accord.forecast`."""

from __future__ import annotations

import math

import typer
from rich.table import Table

from .. import api, guards
from ..forecast import MODELS, backtest_deu
from ..forecast.backtest import BOOTSTRAP
from ..forecast.cycles import moving_text
from ..formats.deu import DEUError, load_deu
from ..game import Game
from ..words import position_text
from .app import app
from .common import (
    AS_OF_HELP,
    LIMIT_OPT,
    Steps,
    console,
    err_console,
    fail,
    guarded,
    load_game,
    parse_limits,
    print_json,
    styled,
)

backtest_app = typer.Typer(help="Backtest the forecasting models on real outcomes.", no_args_is_help=True)
app.add_typer(backtest_app, name="backtest")


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return "—" if v is None else str(v)


def _value(game: Game, issue: str, v: object) -> str:
    """A forecast value as the analysis words it: a number with the issue's unit on a continuous
    issue (at the grid's precision), an option id otherwise."""
    g = game.issues[game.issue_index(issue)]
    if g.kind == "continuous" and isinstance(v, (int, float)) and math.isfinite(v):
        return position_text(g, float(v))
    return _fmt(v)


@app.command("forecast")
def forecast_cmd(
    scenario: str = typer.Argument(..., metavar="FILE|NAME", help="Scenario file or bundled name."),
    model: str = typer.Option("compromise", "--model", help=" | ".join(MODELS)),
    variant: str = typer.Option("scholz2011", "--variant", help="EUM variant: paper | scholz2011"),
    rounds: int = typer.Option(10, "--rounds", min=0, help="EUM rounds."),
    stages: int = typer.Option(1, "--stages", min=0, help="Exchange-model passes (1 = Stokman & Van Oosten 1994)."),
    draws: int = typer.Option(0, "--draws", min=0, help="Monte Carlo draws over the uncertainty ranges."),
    seed: int = typer.Option(0, "--seed", min=0, max=guards.MAX_SEED, help="Seed of the Monte Carlo draws."),
    show_sensitivity: bool = typer.Option(False, "--sensitivity", help="Print the one-at-a-time tornado table."),
    limit: list[str] = LIMIT_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    as_of: str | None = typer.Option(None, "--as-of", metavar="DATE", help=AS_OF_HELP),
    scheduler: str = typer.Option("serial", "--scheduler", help="Where the draws run: serial (this process; "
                                  "the default), local (a Dask LocalCluster, one worker per core) or "
                                  "tcp://HOST:8786; the same numbers everywhere. Needs the scale extra "
                                  "except for serial."),
) -> None:
    """Forecast each issue's outcome (with an 80% interval when --draws > 0)."""
    if model not in MODELS:
        fail(f"--model: unknown model {model!r}; expected one of {', '.join(MODELS)}")
    fm = MODELS[model]
    if variant not in ("paper", "scholz2011"):
        fail(f"--variant: unknown variant {variant!r}; expected paper or scholz2011")
    from .sweep_cmd import run_on  # noqa: PLC0415

    limits = parse_limits(limit)
    game = load_game(scenario, as_of)
    where = None if scheduler == "serial" else scheduler
    long_run = draws >= 200 or ("rounds" in fm.parameters and rounds * max(draws, 1) >= 200)
    with guarded(), Steps("forecast", enabled=long_run) as steps:
        try:
            fc = run_on(scheduler, lambda: api.predict(game, model, variant=variant, rounds=rounds, draws=draws,
                                                       seed=seed, stages=stages, scheduler=where, limits=limits,
                                                       progress=steps.count if long_run else None,
                                                       robustness=draws > 0))
            sens = (api.sensitivity(game, model, variant=variant, rounds=rounds, stages=stages, limits=limits)
                    if show_sensitivity else None)
        except ValueError as e:
            if isinstance(e, guards.LimitExceeded):
                raise
            fail(e)
    if as_json:
        d = fc.to_dict()
        if sens is not None:
            d["sensitivity"] = sens.to_dict()
        print_json(d)
        return
    title = f"Forecast of {game.id} — {model}" + (f" ({fc.variant})" if fc.variant else "")
    if draws:
        title += f", {draws} draws, seed {seed}"
    t = Table(title=title)
    head = "median of draws" if draws else "forecast (stated inputs)"
    cols = ("issue", head) + (("stated inputs",) if draws else ()) + ("position", "80% interval", "probabilities")
    for col in cols:
        t.add_column(col)
    for f in fc.issues:
        if f.interval and f.interval[0] == f.interval[1]:
            interval = "no spread"  # no stated uncertainty moves it: not a range of one value
        elif f.interval and f.kind == "continuous":
            interval = f"{_value(game, f.id, f.interval[0])} – {_value(game, f.id, f.interval[1])}"
        else:
            interval = f"[{f.interval[0]:.3g}, {f.interval[1]:.3g}]" if f.interval else "—"
        probs = ", ".join(f"{k} {p:.2f}" for k, p in f.probabilities.items()) if f.probabilities else ""
        value = _value(game, f.id, f.forecast) + (f" (cycle of {f.cycle['period']})" if f.cycle else "")
        if f.settling and f.settling["state"] == "moving":
            value += " (still moving)"
        extra = (_value(game, f.id, f.point),) if draws else ()
        t.add_row(f.id, value, *extra, _fmt(f.position), interval, probs)
    console.print(t)
    feas = fc.feasibility or {}
    if feas.get("feasible"):
        console.print(styled(("feasible", "green"), ": every needed actor accepts this package and it obeys the "
                             "constraints"), highlight=False)
    elif feas:
        console.print(styled(("not feasible", "red"), ": " + "; ".join(feas.get("reasons") or [])), highlight=False,
                      soft_wrap=True)
    if fc.feasible_share is not None:
        console.print(f"feasible in {100 * fc.feasible_share:.0f}% of the draws", highlight=False)
    cond = fc.conditional
    if cond is not None:
        pkg = ", ".join(f"{k}={_value(game, k, v)}" for k, v in cond["package"].items())
        console.print(f"conditional on agreement ({cond['where']}): {pkg}", highlight=False, soft_wrap=True)
    elif feas:
        console.print("conditional on agreement: none — even the cheapest concessions open no zone of agreement",
                      highlight=False)
    for f in fc.issues:
        if f.cycle:
            c = f.cycle
            console.print(f"{f.id}: the rounds end in a cycle of {c['period']} states from round {c['since_round']} "
                          f"(medians {', '.join(f'{x:.3g}' for x in c['states'])}); the forecast is their mean "
                          f"{c['mean']:.3g}", highlight=False)
        elif f.settling and f.settling["state"] == "moving":
            g = game.issues[game.issue_index(f.id)]
            unit = (g.unit or "") if g.kind == "continuous" else "options"
            console.print(f"{f.id}: the forecast is {moving_text(f.settling, unit)}", highlight=False, soft_wrap=True)
    if fc.robustness is not None:
        console.print(fc.robustness.summary(), highlight=False)
    for f in fc.issues:
        if f.rounds:
            rt = Table(title=f"{fm.label} rounds — {f.id}")
            rt.add_column("round", justify="right")
            rt.add_column("median", justify="right")
            rt.add_column("mean", justify="right")
            for r in f.rounds:
                rt.add_row(str(r["round"]), f"{r['median']:.3f}", f"{r['mean']:.3f}")
            console.print(rt)
    if fc.exchanges is not None:
        xt = Table(title=f"Exchanges of voting positions (Stokman & Van Oosten 1994), {stages} stage(s)")
        for col in ("gainer", "gets", "partner moves", "gives", "gainer moves", "gain each"):
            xt.add_column(col)
        for x in sorted(fc.exchanges or (), key=lambda x: -x["gain"]):
            xt.add_row(x["gainer"], x["gain_issue"], f"{x['partner']} {x['partner_shift']:+.3g}", x["give_issue"],
                       f"{x['gainer_shift']:+.3g}", f"{x['gain']:.3g}")
        if not fc.exchanges:
            xt.add_row("—", "no feasible exchange", "", "", "", "")
        console.print(xt)
    if sens is not None:
        st = Table(title=f"Sensitivity (one at a time) — {model}")
        for col in ("issue", "actor", "input", "low", "high", "swing"):
            st.add_column(col)
        for r in sens.rows:
            if r.swing > 0:
                st.add_row(r.issue, r.actor, r.input, f"{r.low:.3g}", f"{r.high:.3g}", f"{r.swing:.3g}")
        console.print(st)


@backtest_app.command("deu")
def backtest_deu_cmd(
    path: str = typer.Argument(..., metavar="FILE", help="DEU III rows (deu3.csv layout, tab-separated)."),
    capability: str = typer.Option("equal", "--capability", help="equal | council | gdp"),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds (by proposal) for tuned models."),
    seed: int = typer.Option(0, "--seed", min=0, max=guards.MAX_SEED, help="Seed of the fold assignment."),
    rounds: int = typer.Option(10, "--rounds", min=0, help="EUM rounds."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Mean and median absolute error of each model against DEU's real outcomes."""
    if capability not in ("equal", "council", "gdp"):
        fail(f"--capability: unknown choice {capability!r}; expected equal, council or gdp")
    try:
        data = load_deu(path)
    except DEUError as e:
        fail(str(e))
    if data.skipped:
        err_console.print(styled(("note", "yellow"), f" {path}: {len(data.skipped)} issue row(s) without any "
                                 f"actor's position left out (line {', '.join(map(str, data.skipped[:10]))}"
                                 f"{', ...' if len(data.skipped) > 10 else ''})"), soft_wrap=True)
    groups = len(set(data.proposal.tolist()))
    if folds > groups:
        fail(f"--folds: {folds:,} folds for {groups} proposals; use at most one fold per proposal")
    with guarded():
        guards.check_forecast(data.positions.shape[1], data.n_issues, 0, "eum", rounds)
    res = backtest_deu(data, capability=capability, folds=folds, seed=seed, rounds=rounds)
    if as_json:
        print_json(res.to_dict())
        return
    t = Table(title=f"DEU backtest — {res.n_issues} issues with an outcome, capability: {capability}")
    for col in ("model", "MAE", "med AE", "n", "Δ MAE", "90% CI", "beats"):
        t.add_column(col, justify="left" if col == "model" else "right", no_wrap=col != "model")
    for m, row in sorted(res.models.items(), key=lambda kv: kv[1]["mae"]):
        name = m + (f" ({folds}-fold CV)" if m in res.cross_validated else "")
        vs = res.versus_compromise.get(m)
        rel = f"{vs['delta_mae']:+.2f}" if vs else "—"
        ci = f"{vs['ci90'][0]:+.2f} … {vs['ci90'][1]:+.2f}" if vs else ""
        beats = ("yes" if vs["ci90"][1] < 0 else "no") if vs else ""
        t.add_row(name, f"{row['mae']:.2f}", f"{row['median_ae']:.2f}", str(row["n"]), rel, ci, beats)
    console.print(t)
    console.print("med AE: median absolute error. Δ MAE: the model's MAE minus the compromise model's on the same "
                  "issues; 90% CI from "
                  f"{BOOTSTRAP} bootstrap resamples of whole proposals (seed {seed}); beats: the whole CI is below 0.")
    console.print("blend weights (fitted on all issues): "
                  + ", ".join(f"{k} {v:.1f}" for k, v in res.blend_weights.items()))
