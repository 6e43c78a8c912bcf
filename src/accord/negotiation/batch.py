"""The batch engine: many bilateral alternating-offers sessions in lockstep, as numpy array ops.

For vectorisable (time-based) strategies every session's state is a row of a few arrays: the
standing offer (an index into the proposer's sorted candidates) and whether it is still running.
Each round is two vectorised half-steps: the responder accepts where the offer's utility meets its
target (Faratin, Sierra & Jennings 1998), else counter-offers by ``searchsorted`` on its sorted
candidate utilities. Targets come from the same function as the per-session strategies, so both
engines produce the same sessions; transcripts are rebuilt for the sessions asked for by replaying
the recorded actions through the protocol state machine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..game import Game
from .calendar import schedule
from .protocols import Action, Config, alternating
from .protocols.base import Outcome
from .result import Transcript
from .session import transcript
from .space import EPS, OwnSpace, own_space
from .strategies import strategy
from .strategies.timebased import TimeBased, _targets

__all__ = ["BatchResult", "run_batch", "supports"]


def supports(game: Game, names: Mapping[int, str], config: Config) -> bool:
    """Whether the lockstep engine can run these sessions of a ``BATCHABLE`` protocol exactly as the
    per-session engine would: two players, every strategy vectorisable, no breakdown draws, no
    Level-II ratifications, nobody outside the two whose consent is needed, both at every round and
    a deadline that cannot be extended."""
    players = [game.actors[a] for a in names if a >= 0]
    if not schedule(game, config.steps, players, config.use_calendar).uniform(players):
        return False
    return (len(names) == 2 and not game.ratifications and not game.soft_ratifications and not config.breakdown
            and all(strategy(n).classifier.get("vectorisable") for n in names.values())
            and not any(bool(c) for c in game.consent[[a for a in range(game.n_actors) if a not in names]]))


@dataclass
class BatchResult:
    """Arrays over ``N`` sessions: ``agreement`` (N,), ``outcome`` (N, I) (-1 rows without one),
    ``rounds`` (N,), ``utilities`` (N, A) discounted at ``times`` (N,) (u · δ^t, GENIUS) and
    ``undiscounted`` (N, A); ``offers[r, side]`` (N,) candidate index offered by side
    0/1 in round r (-1 accept, -2 nothing); ``pairs``: strategy names per session."""

    game: Game
    config: Config
    parties: tuple[int, int]
    pairs: list[tuple[str, str]]
    agreement: np.ndarray
    outcome: np.ndarray
    rounds: np.ndarray
    utilities: np.ndarray
    offers: np.ndarray
    recorded: int
    times: np.ndarray
    undiscounted: np.ndarray

    def actions(self, s: int) -> list[Action]:
        """The recorded actions of session ``s`` in order."""
        a, b = self.parties
        cands = (own_space(self.game, a).outcomes, own_space(self.game, b).outcomes)
        acts: list[Action] = []
        for r in range(self.offers.shape[0]):
            for side, actor in enumerate((a, b)):
                k = int(self.offers[r, side, s])
                if k == -2:
                    return acts
                acts.append(Action(actor, "accept") if k == -1 else
                            Action(actor, "offer", tuple(int(x) for x in cands[side][k])))
        return acts

    def transcripts(self, protocol_names: Mapping[int, str] | None = None) -> list[Transcript]:
        """Per-session transcripts; full events for the first ``recorded`` sessions."""
        out = []
        rng = np.random.default_rng(0)
        for s in range(len(self.pairs)):
            names = {self.parties[0]: self.pairs[s][0], self.parties[1]: self.pairs[s][1]}
            if s < self.recorded:
                state = alternating.start(self.game, rng, self.config)
                events = []
                for act in self.actions(s):
                    state, ev = alternating.apply(state, act)
                    events.extend(ev)
                res = alternating.outcome(state)
                assert res is not None
            else:
                o = tuple(int(x) for x in self.outcome[s]) if self.agreement[s] else None
                reason = "agreement" if self.agreement[s] else "deadline"
                res = Outcome(bool(self.agreement[s]), o, reason, int(self.rounds[s]),
                              time=float(self.times[s]))
                events = []
            out.append(transcript(self.game, "alternating", s, names, res, events, self.parties))
        return out


def run_batch(game: Game, pairs: Sequence[tuple[str, str]], config: Config = Config(),
              record: int = 0) -> BatchResult:
    """Run ``len(pairs)`` bilateral alternating-offers sessions (strategy names of the first and the
    second party per session) in lockstep; keep full action records for replaying any session."""
    ids = config.parties or tuple(game.actors[a] for a in game.parties)
    if len(ids) != 2:
        raise ValueError("the batch engine runs bilateral sessions")
    a, b = (game.index(x) for x in ids)
    N = len(pairs)
    sched = schedule(game, config.steps, ids, config.use_calendar)
    T = sched.rounds
    oa, ob = own_space(game, a), own_space(game, b)

    def exps(side: int) -> np.ndarray:
        es = []
        for p in pairs:
            cls = strategy(p[side])
            if not (issubclass(cls, TimeBased) and cls.classifier.get("vectorisable")):
                raise ValueError(f"strategy {p[side]!r} is not vectorisable")
            es.append(float(cls.exponent))
        return np.array(es)

    def targets(own: OwnSpace, e: np.ndarray) -> np.ndarray:
        uniq, inv = np.unique(e, return_inverse=True)
        table = np.array([_targets(own.best, own.floor, float(x), T) for x in uniq])
        return table[inv]

    ta, tb = targets(oa, exps(0)), targets(ob, exps(1))

    def cross(src: OwnSpace, dst: OwnSpace) -> tuple[np.ndarray, np.ndarray]:
        """Utility to ``dst`` of ``src``'s candidates, and whether ``dst`` finds them acceptable."""
        u = np.zeros(src.outcomes.shape[0])
        ok = np.ones(src.outcomes.shape[0], dtype=bool)
        for i, (w, m) in enumerate(zip(dst.wv, dst.acceptable)):
            u = u + w[src.outcomes[:, i]]
            ok &= m[src.outcomes[:, i]]
        if dst.terms:  # non-additive: the Game's own utility (terms, clipped)
            u = game.utility(src.outcomes)[:, game.index(dst.actor)]
        return u, ok & (u >= dst.reservation - 1e-9)

    ub_of_a, okb_of_a = cross(oa, ob)
    ua_of_b, oka_of_b = cross(ob, oa)
    Ma, Mb = oa.utility.shape[0], ob.utility.shape[0]
    live = np.ones(N, dtype=bool)
    agree = np.zeros(N, dtype=bool)
    which = np.full(N, -1)            # 0: agreed on a's candidate, 1: on b's
    idx = np.full(N, -1)
    rounds = np.full(N, T)
    offers = np.full((T, 2, N), -2, dtype=np.int32)
    cur_b = np.full(N, -1)
    for r in range(T):
        # first party: accept b's standing offer, or counter
        if r > 0:
            acc = live & oka_of_b[cur_b] & (ua_of_b[cur_b] >= ta[:, r] - 1e-12)
            if acc.any():
                agree |= acc
                which[acc], idx[acc], rounds[acc] = 1, cur_b[acc], r + 1
                offers[r, 0, acc] = -1
                live &= ~acc
        cur_a = np.minimum(np.searchsorted(oa.utility, ta[:, r] - EPS, side="left"), Ma - 1)
        offers[r, 0, live] = cur_a[live]
        acc = live & okb_of_a[cur_a] & (ub_of_a[cur_a] >= tb[:, r] - 1e-12)
        if acc.any():
            agree |= acc
            which[acc], idx[acc], rounds[acc] = 0, cur_a[acc], r + 1
            offers[r, 1, acc] = -1
            live &= ~acc
        cur_b = np.minimum(np.searchsorted(ob.utility, tb[:, r] - EPS, side="left"), Mb - 1)
        offers[r, 1, live] = cur_b[live]
        if not live.any():
            break
    out = np.full((N, game.n_issues), -1, dtype=np.intp)
    sel = agree & (which == 0)
    out[sel] = oa.outcomes[idx[sel]]
    sel = agree & (which == 1)
    out[sel] = ob.outcomes[idx[sel]]
    d = game.no_deal_utility()
    util = np.repeat(d[None, :], N, axis=0)
    if agree.any():
        util[agree] = game.utility(out[agree])
    times = np.where(agree, rounds / (T + 1.0), 1.0)  # clock(r, T) of the agreement round; deadline t = 1
    disc = util * game.discount[None, :] ** times[:, None]
    return BatchResult(game, config, (a, b), [(p[0], p[1]) for p in pairs], agree, out, rounds, disc, offers,
                       min(record, N), times, util)
