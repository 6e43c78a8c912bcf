"""Colours and marker shapes, one stable style per actor.

Twelve distinct colours: Okabe & Ito's (2008) eight, safe for the common forms of colour-vision
deficiency (black replaced by a dark brown, black being the forecast's ink), then four of Paul Tol's
(2021) muted scheme (wine, teal, olive, indigo) that stay apart from them. Actors take colours in the
order the scenario lists them, so the same scenario always draws the same actor in the same colour;
the thirteenth actor starts the colours again with a second marker shape, and so on (shapes tell
actors apart where colours repeat). An actor id the order does not know gets a style from a hash of
its id, stable across runs (``hashlib``, not Python's salted ``hash``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = ["MARKERS", "NEUTRAL", "OKABE_ITO", "PALETTE", "actor_colours", "actor_markers", "colour_for", "marker_for"]

#: Okabe–Ito colours, ordered so that the first ones read well on white (yellow comes last), with
#: their black replaced by a dark brown: black is the ink of the forecast and the median in every
#: figure, and an actor drawn in it read as the forecast.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#8C510A",  # dark brown (ColorBrewer BrBG), in place of Okabe-Ito's black
    "#F0E442",  # yellow
)

#: Twelve distinct actor colours: Okabe–Ito, then Tol's muted wine, teal, olive and indigo.
PALETTE: tuple[str, ...] = OKABE_ITO + ("#882255", "#44AA99", "#999933", "#332288")

#: Marker shapes: the first twelve actors are circles, the next twelve squares, and so on.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")

#: Grey for things that belong to no actor (the frontier, the status quo, grid lines).
NEUTRAL = "#7F7F7F"


def _slot(actor_id: str, order: Sequence[str]) -> int:
    if actor_id in order:
        return list(order).index(actor_id)
    return hashlib.sha256(actor_id.encode("utf-8")).digest()[0]


def colour_for(actor_id: str, order: Sequence[str] = ()) -> str:
    """The colour of ``actor_id``: by its position in ``order``, else by a stable hash of the id."""
    return PALETTE[_slot(actor_id, order) % len(PALETTE)]


def marker_for(actor_id: str, order: Sequence[str] = ()) -> str:
    """The marker shape of ``actor_id``: circles for the first twelve, then the next shape."""
    return MARKERS[(_slot(actor_id, order) // len(PALETTE)) % len(MARKERS)]


def actor_colours(actor_ids: Sequence[str]) -> dict[str, str]:
    """``{actor_id: colour}`` for actors in scenario order (the first twelve distinct)."""
    return {a: colour_for(a, actor_ids) for a in actor_ids}


def actor_markers(actor_ids: Sequence[str]) -> dict[str, str]:
    """``{actor_id: marker}``: (colour, marker) is distinct for up to 12 x 10 actors."""
    return {a: marker_for(a, actor_ids) for a in actor_ids}
