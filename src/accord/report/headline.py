"""The brief's prose: the headline a decision maker reads first and the caveats on what the numbers
rest on, written only from a :class:`~accord.report.data.BriefData` (never recomputed)."""

from __future__ import annotations

from ..forecast.models import MODELS
from ..game import Game
from ..words import format_number, join_and
from .data import AFTER_CONCESSIONS, PROTOCOLS, BriefData, Settings

__all__ = ["headline", "model_caveats"]


def model_caveats(game: Game, st: Settings, data: BriefData) -> list[str]:
    """What the numbers rest on, in plain sentences."""
    out = [
        "Utilities are additive over issues, with weights from each actor's salience; value falls off "
        "linearly (or as stated) with distance from the actor's ideal. Real preferences link issues in "
        "ways only the explicit constraints capture.",
        "Every number the sources do not give (salience, capability, acceptable ranges) is a modelling "
        "assumption; the assumptions are listed above and should be challenged.",
    ]
    if not game.additive:
        out.append("The scenario has constraints (forbidden or required combinations, ratifications), "
                   "so some outcomes are excluded or need a ratifier's consent.")
    if data.forecast is not None:
        said = MODELS[st.model].describe(st.variant, st.rounds, st.stages) if st.model in MODELS else ""
        how = f" ({said})" if said else ""
        out.append(f"Forecasts use the {st.model} model{how} — a heuristic "
                   f"of how positions converge, not a prediction of what leaders will decide. Intervals come "
                   f"from {st.draws} Monte Carlo draws over the stated uncertainty (seed {st.seed}).")
    if data.simulations is not None:
        out.append(f"Simulations run software strategies ({st.runs} runs per format, seed {st.seed}); they "
                   "show what the stated preferences allow under each format, not how the delegations "
                   "will behave.")
    return out


def _name(data: BriefData, actor: str) -> str:
    for a in data.actors:
        if a["id"] == actor:
            return a["name"]
    return actor


def _issue_name(data: BriefData, issue: str) -> str:
    for i in data.issues:
        if i["id"] == issue:
            return i["name"]
    return issue


def _pct(x: float | None) -> str:
    """A share as a whole percentage, as a reader takes it in: never 0% or 100% for a share that is
    neither (``<1%``, ``>99%``)."""
    if x is None:
        return "—"
    p = 100 * float(x)
    if 0 < p < 1:
        return "<1%"
    if 99 < p < 100:
        return ">99%"
    return f"{round(p):d}%"


#: A costlier concession is named beside the cheapest when it opens a zone of agreement in at least
#: this many more draws (a share, 0-1).
MORE_ROBUST = 0.2


def _more_robust(an: dict, words: list[dict], rob_c: list[dict]) -> str:
    """Where a costlier concession on a blocked issue opens a zone of agreement in clearly more draws
    than the cheapest one (by :data:`MORE_ROBUST`), a sentence naming it: the cheapest is not
    always the safest bet."""
    opens = {(r.get("issue"), r.get("rank")): r.get("opens") for r in rob_c}
    out = []
    for k, c in enumerate(an.get("concessions") or []):
        first = opens.get((c.get("issue"), 1))
        mine = opens.get((c.get("issue"), c.get("rank")))
        if c.get("rank", 1) == 1 or first is None or mine is None or mine < first + MORE_ROBUST:
            continue
        better = [(kk, cc) for kk, cc in enumerate(an.get("concessions") or [])
                  if cc.get("issue") == c.get("issue")
                  and (opens.get((cc.get("issue"), cc.get("rank"))) or 0) >= mine]
        if better[0][0] != k:  # name only the cheapest of those that open it that often
            continue
        w = words[k]["short"] if k < len(words) else str(c.get("text") or "")
        out.append(f" More robust: {w} (cost {format_number(c.get('cost'))}) opens one in {_pct(mine)} of draws, "
                   f"the cheapest on that issue in {_pct(first)}.")
    return "".join(out)


def headline(data: BriefData) -> list[str]:
    """Three to five sentences a decision maker reads first, built only from the results. Where the
    analysis ran over draws of the stated uncertainty, each finding carries how often it holds."""
    out: list[str] = []
    an = data.analysis
    rob = (an or {}).get("robustness") or None
    draws = int(rob["draws"]) if rob else 0
    if an is not None:
        zopa = an.get("zopa") or {}
        share = "" if not rob else f" (empty in {_pct(rob['zopa_empty'])} of {draws:,} draws of the stated uncertainty)"
        if zopa.get("empty", True):
            out.append("There is no zone of possible agreement: no package is acceptable to every actor "
                       f"whose consent is needed{share}.")
        else:
            reach = _reach_text(data, zopa)
            out.append(f"There is a zone of possible agreement: {reach}{share}.")
        blocking = an.get("blocking") or []
        if blocking:
            parts = []
            for b in blocking[:3]:
                key = b.get("issue") or "(reservation)"
                actors = list(b.get("actors") or [])
                shares = [((rob or {}).get("blockers") or {}).get(a, {}).get(key) for a in actors]
                names = [_name(data, a) for a in actors]
                if rob and len(set(shares)) == 1 and shares and shares[0] is not None:
                    who = join_and(names) + (f", each in {_pct(shares[0])} of draws" if len(names) > 1
                                              else f" in {_pct(shares[0])} of draws")
                elif rob:
                    who = join_and([n + (f" in {_pct(x)}" if x is not None else "") for n, x in zip(names, shares)])
                    who += " of draws"
                else:
                    who = join_and(names)
                label = _issue_name(data, b["issue"]) if b.get("issue") else "the reservations"
                parts.append(f"{label} ({who})" if names else label)
            more = f" and {len(blocking) - 3} more" if len(blocking) > 3 else ""
            out.append(f"What blocks it: {'; '.join(parts)}{more}.")
        words = an.get("concession_words") or []
        rob_c = (rob or {}).get("concessions") or []
        conc = [(k, c) for k, c in enumerate(an.get("concessions") or []) if c.get("rank", 1) == 1]
        if conc:
            items = []
            for k, c in conc:
                w = words[k]["short"] if k < len(words) else str(c.get("text") or "")
                items.append(f"{w} (cost {format_number(c.get('cost'))})")
            s = "The cheapest way to open one: " + "; ".join(items) + "."
            after = data.after_concessions
            if after is not None:
                z = after.get("zopa") or {}
                if z.get("empty", True):
                    s += " Even together these leave no package acceptable to all."
                else:
                    s += f" Together they open a zone of possible agreement: {(after.get('reach') or {}).get('text')}"
                    if rob and rob.get("all_concessions_open") is not None:
                        s += f" (in {_pct(rob['all_concessions_open'])} of draws)"
                    s += "."
            s += _more_robust(an, words, rob_c)
            out.append(s)
    fc = data.forecast
    if fc is not None and fc.get("issues"):
        fw = (data.words or {}).get("forecast") or {}
        said = [iss for iss in data.issues if fw.get(iss["id"], "—") != "—"]
        # the issues a decision maker asks about first: those that block, then the rest in order
        blocked = {b.get("issue") for b in ((an or {}).get("blocking") or [])}
        first = [iss for iss in said if iss["id"] in blocked][:3] or said[:3]
        parts = [f"{iss['name']} at {fw[iss['id']]}" for iss in first]
        kind = "median of the draws" if fc.get("issues") and any(
            (f or {}).get("estimate") == "median" for f in fc["issues"].values()) else "stated inputs"
        feas = fc.get("feasibility") or {}
        label = MODELS[fc["model"]].label if fc.get("model") in MODELS else fc.get("model", "forecast")
        if not said:  # e.g. a GENIUS non-linear profile: no stance states an ideal on any issue
            s = (f"The {label[:1].lower() + label[1:]} forecast has nothing to go on: no actor states a "
                 "position on any issue.")
        else:
            s = (f"The {label[:1].lower() + label[1:]} forecast ({kind}) puts " + "; ".join(parts)
                 + ("; more below" if len(said) > len(first) else ""))
        if feas.get("feasible"):
            s += " — a package every needed actor accepts."
        elif feas:
            reasons = feas.get("reasons") or []
            viol = feas.get("violations") or []
            order = sorted(range(len(reasons)),
                           key=lambda k: (0 if k < len(viol) and viol[k].get("kind") == "acceptable"
                                          else 1, len(reasons[k])))
            first_reason = reasons[order[0]] if order else ""
            s += (" — not a package the parties could sign: " + first_reason
                  + (f" (and {len(reasons) - 1} more reason{'s' if len(reasons) > 2 else ''})"
                     if len(reasons) > 1 else "")
                  + ".")
        if fc.get("feasible_share") is not None:
            s += f" The forecast package is feasible in {_pct(fc['feasible_share'])} of draws."
        cond = fc.get("conditional")
        cw = (data.words or {}).get("conditional") or {}
        if cond:
            changed = [f"{iss['name']} ({cw[iss['id']]})" for iss in data.issues
                       if iss["id"] in cw and cw[iss["id"]] != fw.get(iss["id"])]
            where = "" if cond.get("where") == "as stated" else f" ({cond.get('where')})"
            s += (f" Conditional on agreement{where}, the nearest package every needed actor accepts differs on "
                  + join_and(changed) + "." if changed else
                  f" Conditional on agreement{where}, the nearest package every needed actor accepts is the same.")
        elif feas and not feas.get("feasible"):
            s += (" No package is acceptable to all even after the cheapest concessions, so there is no "
                  "forecast conditional on agreement.")
        out.append(s)
    sims = dict(data.simulations or {})
    relaxed_run = sims.pop(AFTER_CONCESSIONS, None)
    sims = {k: v for k, v in sims.items() if k in PROTOCOLS} or sims  # the all-party formats
    if sims:
        rates = {p: float(s.get("agreement_rate") or 0.0) for p, s in sims.items()}
        if not any(rates.values()):
            s0 = sims.get("shuttle") or next(iter(sims.values()))
            t0 = (s0.get("transcripts") or [{}])[0]
            rejecting = (t0.get("last_text") or {}).get("rejected_by") or []
            failed = f"; the last draft failed on {', '.join(_name(data, a) for a in rejecting)}."
            out.append(f"Simulated talks ({', '.join(sims)}) reached no agreement in any run"
                       + (failed if rejecting else "."))
        else:
            parts = [f"{p} {format_number(100 * r)}%" for p, r in rates.items()]
            out.append("Simulated talks reached agreement in " + ", ".join(parts) + " of runs.")
    if relaxed_run is not None:
        rate = float(relaxed_run.get("agreement_rate") or 0.0)
        t0 = (relaxed_run.get("transcripts") or [{}])[0]
        when = f" (the first run in round {format_number(t0.get('rounds'))})" if t0.get("agreement") else ""
        clause = (f"With the cheapest concessions made, the simulated shuttle reaches agreement in "
                  f"{format_number(100 * rate)}% of runs{when}." if rate else
                  "Even with the cheapest concessions made, the simulated shuttle reaches no agreement.")
        if sims and out:  # one sentence pair on the simulations, keeping the headline short
            out[-1] = out[-1] + " " + clause
        else:
            out.append(clause)
    if not out:
        out.append("No results are available yet: only the scenario is shown.")
    return out


def _reach_text(data: BriefData, zopa: dict) -> str:
    """A ZOPA's reach in words without grid points: option combinations and continuous ranges."""
    n = zopa.get("combinations")
    parts = []
    for iss in data.issues:
        if iss["kind"] != "continuous":
            continue
        runs = (zopa.get("ranges") or {}).get(iss["id"]) or []
        unit = f" {iss['unit']}" if iss.get("unit") else ""
        spans = [format_number(lo) if lo == hi else f"{format_number(lo)}–{format_number(hi)}" for lo, hi in runs]
        if spans:
            parts.append(f"{iss['name']} at {' or '.join(spans)}{unit}")
    head = ("packages" if n is None else f"{format_number(n)} combination{'' if n == 1 else 's'} of options")
    return head + (", with " + "; ".join(parts) if parts else "") + " acceptable to every actor whose consent is needed"
