"""A colour-blind-safe palette with one stable colour per actor.

The palette is Okabe & Ito's (2008) eight colours, safe for the common forms of colour-vision
deficiency. Actors take colours in the order the scenario lists them, so the same scenario always
draws the same actor in the same colour; an actor id the order does not know (for example one added
in a later version of a scenario) gets a colour from a hash of its id, which is stable across runs
(``hashlib``, not Python's salted ``hash``).
"""

from __future__ import annotations

import hashlib
from typing import Sequence

__all__ = ["OKABE_ITO", "NEUTRAL", "actor_colours", "colour_for"]

#: Okabe–Ito colours, ordered so that the first ones read well on white (yellow comes last).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

#: Grey for things that belong to no actor (the frontier, the status quo, grid lines).
NEUTRAL = "#7F7F7F"


def colour_for(actor_id: str, order: Sequence[str] = ()) -> str:
    """The colour of ``actor_id``: by its position in ``order``, else by a stable hash of the id."""
    if actor_id in order:
        k = list(order).index(actor_id)
        if k < len(OKABE_ITO):
            return OKABE_ITO[k]
    digest = hashlib.sha256(actor_id.encode("utf-8")).digest()
    return OKABE_ITO[digest[0] % len(OKABE_ITO)]


def actor_colours(actor_ids: Sequence[str]) -> dict[str, str]:
    """``{actor_id: colour}`` for actors in scenario order (the first eight distinct)."""
    return {a: colour_for(a, actor_ids) for a in actor_ids}
