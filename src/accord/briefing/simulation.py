"""The brief's simulation part: each format with all parties, the main pair's shuttle and table,
and the shuttle after the cheapest concessions, each summarised without its event lists."""

from __future__ import annotations

from ..game import Game
from ..jsonable import plain
from ..negotiation import format_variants, simulate
from ..report.data import Settings

__all__ = ["pair_formats", "simulation_part", "summarise_simulation"]


def simulation_part(game: Game, protocol: str, st: Settings, parties: tuple[str, ...] | None = None,
                mediator: str | None = None) -> dict:
    res = plain(simulate(game, protocol=protocol, runs=st.runs, seed=st.seed, parties=parties,
                         mediator=mediator).to_dict())
    return summarise_simulation(res, game)


def pair_formats(game: Game, st: Settings) -> list[tuple[str, str, tuple[str, ...], str]]:
    """The bilateral shuttle and the trilateral table for the main pair (keyed by their labels),
    as :func:`accord.negotiation.format_variants` defines them, for the protocols in ``st``."""
    return [(label, proto, pair, med) for label, proto, pair, med in format_variants(game)
            if pair is not None and med is not None and proto in st.protocols]


_STALL_KEYS = ("last_draft", "last_offer", "last_proposal")


def summarise_simulation(res: dict, game: Game | None = None) -> dict:
    """A simulation result without its event lists: the aggregates and, per transcript, how it
    ended. Where a run ended without agreement, the last text on the table (draft, offer or
    proposal) is kept with its utilities to each actor (evaluated on the Game's value tables) so the
    brief can place it in utility space."""
    out = {k: v for k, v in res.items() if k != "transcripts"}
    trs = []
    for t in res.get("transcripts", []) or []:
        t2 = {k: v for k, v in t.items() if k != "events"}
        t2["n_events"] = len(t.get("events", []) or [])
        stall = t.get("stall") or {}
        last = next((stall[k] for k in _STALL_KEYS if stall.get(k)), None)
        if last is not None and game is not None and not t.get("agreement"):
            try:
                u = game.utility(game.outcome_from_dict(last))[0]
            except (KeyError, TypeError, ValueError):
                u = None
            t2["last_text"] = {"outcome": last, "rejected_by": stall.get("rejected_by") or [],
                               "utilities": None if u is None else {a: float(x) for a, x in zip(game.actors, u)}}
        trs.append(t2)
    out["transcripts"] = trs
    return out
