"""The brief of one session: what was proposed, how each side answered, and how far each text lay from
the Pareto frontier and the Nash point.

Reads a transcript (the shape of ``accord simulate --json`` and of a live negotiation's
``/transcript``) against the Game it was played on. Each text put on the table (a mediator's draft,
an offer, a proposal, and the final text) is measured as the transcripts measure an agreement
(:func:`accord.negotiation.result.geometry`): ``distance_to_frontier`` is the Euclidean distance in
the players' utility space to the nearest agreeable frontier point that weakly dominates the text
(:func:`accord.analysis.pareto.frontier_distance`, the one meaning of the metric), and
``distance_to_nash`` the distance to the Nash (1950) bargaining point among agreeable outcomes. Where
no outcome is acceptable to everyone whose consent is needed there is no agreeable frontier; the
distance to the *efficient* frontier — ignoring acceptable sets (Raiffa 1982, ch. 10: the "efficient
frontier" of joint gains) — is then the measure that remains, given for every text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analysis.bounded import bounded_frontier
from ..analysis.pareto import frontier_distance, party_indices
from ..game import Game
from .result import geometry

__all__ = ["TEXT_KINDS", "SessionReview", "TextReview", "review"]

#: Event kinds that put a text on the table.
TEXT_KINDS = ("draft", "offer", "propose")


@dataclass(frozen=True)
class TextReview:
    """One text: when and by whom it was put, every player's utility of it, whether it was agreeable,
    its distances, and each side's answer (``accept``, ``reject``, or the issues a critique named with
    the value it asked for)."""

    round: int
    date: str | None
    kind: str
    by: str | None
    text: dict[str, Any]
    utilities: dict[str, float]
    agreeable: bool
    distance_to_frontier: float | None
    distance_to_nash: float | None
    distance_to_efficient: float | None
    replies: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "date": self.date, "kind": self.kind, "by": self.by, "text": self.text,
                "utilities": self.utilities, "agreeable": self.agreeable,
                "distance_to_frontier": self.distance_to_frontier, "distance_to_nash": self.distance_to_nash,
                "distance_to_efficient": self.distance_to_efficient, "replies": self.replies}


@dataclass(frozen=True)
class SessionReview:
    """The brief of a session (:func:`review`)."""

    game_id: str
    protocol: str
    players: tuple[str, ...]
    agreement: bool
    reason: str
    rounds: int
    outcome: dict[str, Any] | None
    texts: tuple[TextReview, ...]
    agreeable_exists: bool
    exact: bool
    stall: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"game": self.game_id, "protocol": self.protocol, "players": list(self.players),
                "agreement": self.agreement, "reason": self.reason, "rounds": self.rounds, "outcome": self.outcome,
                "agreeable_exists": self.agreeable_exists, "exact": self.exact, "stall": self.stall,
                "notes": list(self.notes), "texts": [t.to_dict() for t in self.texts]}

    def summary(self) -> str:
        """A few plain lines: how it ended and, per text, its distances."""
        head = (f"{self.protocol}: agreement after {self.rounds} round(s)" if self.agreement
                else f"{self.protocol}: no agreement ({self.reason}) after {self.rounds} round(s)")
        lines = [head]
        for t in self.texts:
            d = ("no agreeable frontier" if t.distance_to_frontier is None
                 else f"{t.distance_to_frontier:.3f} from the frontier, {t.distance_to_nash:.3f} from Nash"
                 if t.distance_to_nash is not None else f"{t.distance_to_frontier:.3f} from the frontier")
            who = f" by {t.by}" if t.by else ""
            lines.append(f"round {t.round} {t.kind}{who}: {d}"
                         + (f"; {t.distance_to_efficient:.3f} from the efficient frontier"
                            if t.distance_to_efficient is not None else ""))
        return "\n".join(lines + list(self.notes))


def _first(transcript: Mapping[str, Any]) -> Mapping[str, Any]:
    if "events" in transcript:
        return transcript
    runs = transcript.get("transcripts")
    if not isinstance(runs, Sequence) or not runs or not isinstance(runs[0], Mapping):
        raise ValueError("expected a transcript (with 'events') or a result with 'transcripts'")
    return runs[0]


def _players(game: Game, t: Mapping[str, Any]) -> list[int]:
    """The players whose utilities the transcript's metrics use: its seats that are parties."""
    seats = [s for s in (t.get("strategies") or {}) if s in game.actors]
    parties = [game.index(s) for s in seats if game.roles[game.index(s)] == "party"]
    return sorted(parties) if parties else [int(p) for p in party_indices(game)]


def _efficient(game: Game, players: list[int]) -> tuple[np.ndarray | None, bool]:
    """The efficient frontier over ``players`` ignoring acceptable sets (utilities ``(F, P)``), and
    whether it is exact: the analysis's bounded frontier of the game, or of the subgame of the players
    when they are not the analysis's parties."""
    sub = game
    if tuple(players) != tuple(int(p) for p in party_indices(game)):
        sub = game.subgame([game.actors[a] for a in players])
        if len(party_indices(sub)) != len(players):
            return None, True
    front, info = bounded_frontier(sub, acceptability=False)
    return (front.utilities if front.utilities.size else None), bool(info.exact)


def review(game: Game, transcript: Mapping[str, Any]) -> SessionReview:
    """Measure every text of ``transcript`` (played on ``game``). Raises ``ValueError`` on a
    transcript that is not one, or whose texts name issues or values ``game`` lacks."""
    t = _first(transcript)
    events = t.get("events")
    if not isinstance(events, Sequence):
        raise ValueError("the transcript has no event list")
    players = _players(game, t)
    geo = geometry(game, tuple(players))
    exact = bool(geo.exact)
    whole, info = _efficient(game, players)
    exact = exact and info
    texts: list[TextReview] = []
    current: dict[str, Any] | None = None
    for ev in events:
        kind = ev.get("kind")
        content = ev.get("content") or {}
        if kind in TEXT_KINDS and isinstance(content.get("outcome"), Mapping):
            if current is not None:
                texts.append(_text(game, players, geo, whole, current))
            current = {"round": int(ev.get("round") or 0), "date": ev.get("date"), "kind": kind,
                       "by": ev.get("actor"), "text": dict(content["outcome"]), "replies": {}}
        elif current is not None and ev.get("actor") and ev.get("actor") != current["by"]:
            who = str(ev["actor"])
            if kind == "critique":
                current["replies"][who] = {"critique": dict(content.get("issues") or {})}
            elif kind in ("accept", "reject"):
                current["replies"][who] = kind
    if current is not None:
        texts.append(_text(game, players, geo, whole, current))
    notes: list[str] = []
    if geo.frontier.size == 0:
        notes.append("No text is acceptable to everyone whose consent is needed, so there is no agreeable "
                     "frontier or Nash point to measure against; the distance to the efficient frontier "
                     "(ignoring acceptable sets) remains.")
    if not exact:
        notes.append("The frontier is sampled (the domain is too large to list it): distances are upper bounds.")
    return SessionReview(game.id, str(t.get("protocol") or ""), tuple(game.actors[a] for a in players),
                         bool(t.get("agreement")), str(t.get("reason") or ""), int(t.get("rounds") or 0),
                         t.get("outcome"), tuple(texts), geo.frontier.size > 0, exact, t.get("stall"), tuple(notes))


def _text(game: Game, players: list[int], geo: Any, whole: np.ndarray | None, cur: dict[str, Any]) -> TextReview:
    try:
        o = game.outcome_from_dict(cur["text"])
    except (KeyError, ValueError) as e:
        raise ValueError(f"round {cur['round']}: the text does not fit the scenario ({e})") from None
    u = game.utility(o[None, :])[0]
    up = u[players]
    d_f, d_n = geo.distances(up)
    d_e = None if whole is None else round(float(frontier_distance(whole, up[None, :])[0]), 12)
    shown = [a for a in range(game.n_actors) if game.roles[a] in ("party", "mediator")]
    return TextReview(cur["round"], cur["date"], cur["kind"], cur["by"], cur["text"],
                      {game.actors[a]: round(float(u[a]), 12) for a in shown},
                      bool(game.agreeable(o[None, :])[0]), d_f, d_n, d_e, cur["replies"])
