"""A live negotiation as pure data: its spec, the replay of its log through the protocol, each seat's view.

Nothing here touches a database, a network or a clock. A :class:`Session` is built from a
:class:`Spec` and a compiled Game and then driven by *records* — the entries of the negotiation's
append-only log — exactly as it was driven live:

- ``action``: a person's action at a seat (``{"kind", "outcome": {issue: value}?, "issues": {issue: value}?}``);
- ``software``: the actions the software seats took together after it (one group per pending set,
  decided on the same state, as :func:`accord.negotiation.runner.run_session` does);
- ``profile``: a seat's private preference profile (:mod:`accord.profiles`);
- ``control``: the organiser's ``pause``, ``resume`` or ``close``;
- ``note``: a seat's private notes (only the seat, and the organiser who reads the whole log, see them).

Seeding follows :func:`accord.negotiation.simulate` with ``runs=1``: the Generator made from ``seed``
spawns one child; the child draws one integer seed per player in actor order and starts the protocol.
So a negotiation whose seats are all software gives the transcript ``accord.simulate`` gives.

Confidentiality is the protocol's: a seat's event list is built only from the protocol's
``view(state, actor)`` (its inbox), its own actions and profile, public calendar pauses and the
organiser's controls — never from the global transcript.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..game import Game
from ..jsonable import plain
from ..negotiation.protocols import Action, Config, Outcome, Turn
from ..negotiation.protocols import protocol as get_protocol
from ..negotiation.protocols.base import KINDS, evolve
from ..negotiation.protocols.shuttle import mediator_model
from ..negotiation.result import SimulationResult
from ..negotiation.review import TEXT_KINDS
from ..negotiation.runner import players_of, resolve_strategies
from ..negotiation.session import transcript as make_transcript
from ..negotiation.strategies import Strategy, make
from ..profiles import ProfileError, apply_profile, profile_of

__all__ = ["DISCLOSURES", "HUMAN", "MAX_NOTE", "ActionError", "Session", "Spec", "build_spec", "fingerprint", "needs",
           "seat_id"]

HUMAN = "human"
DISCLOSURES = ("assistant-only", "mediator")


def needs(turn_kind: str, kind: str) -> str | None:
    """What an action of ``kind`` at a ``turn_kind`` turn carries: ``outcome`` (a text or offer),
    ``issues`` (a critique) or nothing. The kinds a turn allows are the protocols' own
    (:data:`accord.negotiation.protocols.base.KINDS`)."""
    if kind in ("draft", "offer", "propose") or (kind == "reject" and turn_kind == "respond"):
        return "outcome"
    return "issues" if kind == "critique" else None


ACTION_KINDS = ("draft", "offer", "propose", "accept", "reject", "critique")
#: The longest private notes a seat may keep (characters).
MAX_NOTE = 20_000
_TOL = 1e-9


class ActionError(Exception):
    """An action or request the session refuses: ``status`` 409 (not now) or 422 (malformed), and
    the field path of the culprit."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def fingerprint(data: Any) -> str:
    """A stable hash of a JSON request body (what an ``Idempotency-Key`` promises not to change)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
                          .encode()).hexdigest()


def seat_id(game: Game, actor: int) -> str:
    """The seat of actor index ``actor`` (``mediator`` for a protocol's virtual mediator)."""
    return game.actors[actor] if actor >= 0 else "mediator"


@dataclass(frozen=True)
class Spec:
    """What the organiser chose: protocol and its settings, who plays each seat (``human`` or a
    strategy name), the seed, the disclosure rule and the scenario (stored whole, so a replay never
    depends on files that may change)."""

    protocol: str
    config: Config
    seats: dict[str, str]
    seed: int
    disclosure: str
    source: dict[str, Any]
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        cfg = {k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(self.config).items()}
        return {"protocol": self.protocol, "config": cfg, "seats": dict(self.seats), "seed": self.seed,
                "disclosure": self.disclosure, "source": self.source, "title": self.title}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Spec:
        known = {f.name for f in dataclasses.fields(Config)}
        cfg: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d["config"].items()
                               if k in known}
        return cls(d["protocol"], Config(**cfg), dict(d["seats"]), int(d["seed"]), d["disclosure"],
                   d["source"], d.get("title", ""))


def _finite(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    try:
        f = float(x)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


@dataclass
class Session:
    """One negotiation in memory: protocol state, software players, per-seat event lists."""

    nid: str
    spec: Spec
    base: Game
    game: Game = field(init=False)
    seq: int = field(default=0, init=False)
    status: str = field(default="open", init=False)  # open | paused | closed (finished: see .finished)

    def __post_init__(self) -> None:
        self.game = self.base
        self.proto = get_protocol(self.spec.protocol)
        parties, mediators = players_of(self.base, self.spec.protocol, self.spec.config)
        self.parties = tuple(parties)
        self.mediators = tuple(mediators)
        self.index: dict[str, int] = {seat_id(self.base, a): a for a in (*parties, *mediators)}
        self.names: dict[int, str] = {a: self.spec.seats[s] for s, a in self.index.items()}
        rng = np.random.default_rng(self.spec.seed)
        child = rng.spawn(1)[0]
        seeds = child.integers(0, 2**31, size=len(self.names))
        self.players: dict[int, Strategy] = {a: make(n, seed=int(s))
                                             for (a, n), s in zip(sorted(self.names.items()), seeds) if n != HUMAN}
        self.state: Any = self.proto.start(self.base, child, self.spec.config)
        self.events: list[dict[str, Any]] = []
        self.seat_events: dict[str, list[dict[str, Any]]] = {s: [] for s in self.index}
        self._seen: dict[str, int] = dict.fromkeys(self.index, 0)
        self.submitted: dict[str, dict[str, Any]] = {}
        self.idem: dict[tuple[str, str], tuple[str, int]] = {}
        self.profile_version = 0
        self.diverged = 0  # software decisions that differ from the log on replay (strategy code changed)
        self._issues = [self._issue_json(g) for g in self.base.issues]
        self._ids = [g.id for g in self.base.issues]
        self._vals = [[plain(v) for v in g.values] for g in self.base.issues]
        self._profiles: dict[str, tuple[int, dict[str, Any]]] = {}  # seat -> (profile version, profile)
        self._wv: tuple[int, list[list[list[float]]]] | None = None
        self.notes: dict[str, dict[str, Any]] = {}  # seat -> {"text", "round", "version"}: private notes
        self._issues_json = json.dumps(self._issues, ensure_ascii=False, allow_nan=False)
        self._events_json: dict[str, list[str]] = {s: [] for s in self.index}

    # -- reading ---------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.proto.outcome(self.state) is not None

    @property
    def state_name(self) -> str:
        """``open``, ``paused``, ``closed`` (by the organiser) or ``finished`` (by the protocol)."""
        return "finished" if self.finished else self.status

    def humans(self) -> list[str]:
        return [s for s, a in self.index.items() if self.names[a] == HUMAN]

    def is_mediator(self, seat: str) -> bool:
        return self.index.get(seat) in self.mediators

    def _view(self, actor: int) -> Any:
        try:
            return self.proto.view(self.state, actor)
        except (ValueError, IndexError):  # e.g. a virtual mediator between its turns
            return None

    def pending(self, seat: str) -> list[str]:
        if self.status != "open":
            return []
        a = self.index[seat]
        return [t.kind for t in self.proto.pending(self.state) if t.actor == a]

    def _render(self, outcome: Any) -> dict[str, Any] | None:
        if outcome is None:
            return None
        vals = self._vals
        return {i: vals[n][int(k)] for n, (i, k) in enumerate(zip(self._ids, outcome))}

    def _render_pairs(self, pairs: Any) -> dict[str, Any]:
        return {self._ids[int(i)]: self._vals[int(i)][int(k)] for i, k in pairs}

    def _own_profile(self, seat: str) -> dict[str, Any]:
        got = self._profiles.get(seat)
        if got is None or got[0] != self.profile_version:
            got = (self.profile_version, profile_of(self.game, seat))
            self._profiles[seat] = got
        return got[1]

    def _utility(self, actor: int, outcome: Any) -> float:
        """``actor``'s utility of one outcome under the current game (weighted values cached per
        profile version)."""
        if self._wv is None or self._wv[0] != self.profile_version:
            self._wv = (self.profile_version, [w.T.tolist() for w in self.game.weighted_values()])
        tables = self._wv[1]
        return round(sum(tables[i][int(k)][actor] for i, k in enumerate(outcome)), 12)

    def _content(self, kind: str, content: Any) -> dict[str, Any]:
        if isinstance(content, (bool, np.bool_)):
            return {} if kind == "accept" else {"accept": bool(content)}
        if isinstance(content, tuple) and content and all(isinstance(x, tuple) for x in content):
            return {"issues": self._render_pairs(content)}
        if isinstance(content, tuple) and len(content) == self.base.n_issues:
            return {"outcome": self._render(content)}
        return {"content": plain(content)}

    @staticmethod
    def _issue_json(g: Any) -> dict[str, Any]:
        return {"id": g.id, "name": g.name, "kind": g.kind, "unit": g.unit,
                "values": [plain(v) for v in g.values], "labels": list(g.labels),
                "status_quo": None if g.status_quo is None else plain(g.values[g.status_quo])}

    def outcome_json(self) -> dict[str, Any] | None:
        out = self.proto.outcome(self.state)
        if out is not None:
            return {"agreement": bool(out.agreement), "reason": out.reason, "text": self._render(out.outcome),
                    "rounds": int(out.rounds)}
        if self.status == "closed":
            return {"agreement": False, "reason": "closed", "text": None, "rounds": int(self.state.round) + 1}
        return None

    def view_json(self, seat: str) -> str:
        """:meth:`view` as JSON text, cheaply: the issues are encoded once per session and each event
        once (a seat's event list only grows)."""
        d = self.view(seat, parts=False)
        done = self._events_json[seat]
        evs = self.seat_events[seat]
        if len(done) > len(evs):  # rebuilt differently: start again
            done.clear()
        done.extend(json.dumps(e, ensure_ascii=False, allow_nan=False) for e in evs[len(done):])
        head = json.dumps(d, ensure_ascii=False, allow_nan=False)
        return f'{head[:-1]}, "issues": {self._issues_json}, "events": [{",".join(done)}]}}'

    def view(self, seat: str, parts: bool = True) -> dict[str, Any]:
        """What ``seat`` may read: the protocol's view of it, its own events and its own profile
        (``parts=False``: without the issues and the events, which :meth:`view_json` adds)."""
        a = self.index[seat]
        v = self._view(a)
        clock = v or next((x for x in (self._view(b) for b in self.index.values()) if x is not None), None)
        current = self._render(v.pending) if v is not None and v.pending is not None else None
        own = self._utility(a, v.pending) if a >= 0 and v is not None and v.pending is not None else None
        out = {"negotiation": self.nid, "actor": seat,
               "name": self.base.names[a] if a >= 0 else "Mediator",
               "role": self.base.roles[a] if a >= 0 else "mediator", "protocol": self.spec.protocol,
               "status": self.state_name, "round": (clock.round + 1) if clock else None,
               "rounds": clock.rounds if clock else None, "date": clock.date if clock else None,
               "deadline": clock.deadline if clock else None,
               "pending": self.pending(seat), "current": current, "utility": own,
               "finished": self.finished or self.status == "closed",
               "outcome": self.outcome_json(),
               "profile": self._own_profile(seat) if a >= 0 else None,
               "profile_submitted": seat in self.submitted,
               "mediator": self.is_mediator(seat)}
        if parts:
            out["issues"] = self._issues
            out["events"] = self.seat_events[seat]
        return out

    def profile(self, seat: str) -> dict[str, Any]:
        a = self.index[seat]
        if a < 0:
            raise ActionError(409, "this seat has no preferences of its own")
        return {"actor": seat, "profile": profile_of(self.game, seat), "submitted": self.submitted.get(seat)}

    # -- what the rooms read (each seat its own; the mediator within the disclosure) ------------
    def _indices(self, data: Any, field: str) -> tuple[int, ...]:
        """A text ``{issue: value}`` as point indices, without the constraint check (a what-if may
        break a linking constraint: :meth:`worth` says so instead of refusing)."""
        if not isinstance(data, Mapping):
            raise ActionError(422, "expected a mapping of issue id to value", field)
        ids = self._ids
        for k in data:
            if k not in ids:
                raise ActionError(422, f"unknown issue; expected {', '.join(ids)}", f"{field}.{str(k)[:80]}")
        missing = [i for i in ids if i not in data]
        if missing:
            raise ActionError(422, f"a text needs a value on every issue; missing {', '.join(missing)}",
                              f"{field}.{missing[0]}")
        return tuple(self._value(i, data[g], f"{field}.{g}") for i, g in enumerate(ids))

    def _worth(self, a: int, o: tuple[int, ...]) -> dict[str, Any]:
        """What text ``o`` is worth to actor ``a`` under its current preferences: its utility, per
        issue the value's contribution and whether it lies in ``a``'s acceptable set (else the nearest
        value ``a`` accepts, by distance on the issue's scale), its reservation, whether the text keeps
        the scenario's linking constraints, and whether ``a`` could accept it as it stands."""
        g = self.game
        tables = self._wv_tables()
        issues: dict[str, Any] = {}
        outside: list[str] = []
        for i, (grid, k) in enumerate(zip(g.issues, o)):
            row = g.acceptable[i][a]
            inside = bool(row[k])
            nearest = None
            if not inside:
                ok = np.flatnonzero(row)
                if ok.size:
                    pos = grid.points if grid.kind == "continuous" else np.arange(grid.size, dtype=float)
                    nearest = self._vals[i][int(ok[np.argmin(np.abs(pos[ok] - pos[k]))])]
                outside.append(grid.id)
            issues[grid.id] = {"value": self._vals[i][k], "worth": round(tables[i][k][a], 12), "inside": inside,
                               "nearest": nearest}
        u = self._utility(a, o)
        r = float(g.reservation[a])
        res = None if math.isnan(r) else r
        feasible = bool(g.feasible(np.asarray(o)[None, :])[0])
        return {"utility": u, "issues": issues, "outside": outside, "reservation": res, "feasible": feasible,
                "acceptable": not outside and feasible and (res is None or u >= res - _TOL)}

    def _wv_tables(self) -> list[list[list[float]]]:
        if self._wv is None or self._wv[0] != self.profile_version:
            self._wv = (self.profile_version, [w.T.tolist() for w in self.game.weighted_values()])
        return self._wv[1]

    def _own_actor(self, seat: str) -> int:
        a = self.index[seat]
        if a < 0:
            raise ActionError(409, "this seat has no preferences of its own")
        return a

    def evaluate(self, seat: str, text: Any) -> dict[str, Any]:
        """What-if: ``seat``'s own value of ``text`` (``{issue: value}``, a value on every issue) under
        its current private preferences (:meth:`_worth`). Reads nothing but the seat's own inputs."""
        a = self._own_actor(seat)
        o = self._indices(text, "text")
        return {"text": self._render(o), **self._worth(a, o)}

    def round_dates(self) -> dict[int, str | None]:
        """Round number (1-based) -> its date, from the protocol's calendar (empty without one)."""
        sched = getattr(self.state, "sched", None)
        return {} if sched is None else {r + 1: d for r, d in enumerate(sched.dates)}

    def calendar(self, seat: str | None = None) -> dict[str, Any]:
        """The public calendar of the talks: every round with its date and the calendar pauses just
        before it (:func:`accord.negotiation.calendar.schedule`), the deadline and the current round;
        and the names and colours (the brief's, :mod:`accord.report.palette`) of the seats ``seat``
        hears from — itself, the mediators and whoever appears in its own event list (every seat for
        a mediator, who talks with all of them; every actor of the scenario for the organiser, ``seat=None``)."""
        from ..report.palette import colour_for  # noqa: PLC0415 - the report layer (matplotlib) only for the colours

        sched = getattr(self.state, "sched", None)
        now = int(self.state.round) + 1
        rounds = [] if sched is None else [
            {"round": r + 1, "date": d, "pauses": [{"name": n, "start": a, "end": b} for n, a, b in sched.pauses[r]]}
            for r, d in enumerate(sched.dates)]
        if seat is None:
            heard = set(self.base.actors) | set(self.index)
        else:
            heard = set(self.index) if self.is_mediator(seat) else \
                {seat, *(x for x, a in self.index.items() if a in self.mediators)}
            heard |= {str(e["from"]) for e in self.seat_events[seat] if e.get("from") not in (None, "organiser")}
        order = list(self.base.actors)
        names, paint = {}, {}
        for x in sorted(heard):
            a = self.base.index(x) if x in self.base.actors else -1
            names[x] = self.base.names[a] if a >= 0 else "Mediator"
            paint[x] = colour_for(x, order)
        return {"rounds": rounds, "deadline": None if sched is None else sched.deadline, "current": now,
                "names": names, "colours": paint}

    def values(self, seat: str) -> dict[str, Any]:
        """``seat``'s own value, under its current preferences, of every text in its own event list
        (the texts put to it and its own offers, :meth:`texts`),
        in order: ``[{n, round, date, kind, from, text, utility, outside, acceptable}]``."""
        a = self._own_actor(seat)
        dates = self.round_dates()
        out = []
        for ev, o in self.texts(seat):
            w = self._worth(a, o)
            out.append({"n": ev["n"], "round": ev["round"], "date": dates.get(ev["round"]) if ev["round"] else None,
                        "kind": ev["kind"], "from": ev["from"], "text": self._render(o), "utility": w["utility"],
                        "outside": w["outside"], "acceptable": w["acceptable"]})
        r = float(self.game.reservation[a])
        return {"actor": seat, "reservation": None if math.isnan(r) else r, "texts": out}

    def texts(self, seat: str) -> list[tuple[dict[str, Any], tuple[int, ...]]]:
        """The texts put in ``seat``'s own event list (drafts, offers, proposals; a reply that repeats
        the text it answers, and the end, which repeats the last, are left out), with point indices."""
        out = []
        for ev in self.seat_events[seat]:
            text = ev.get("outcome")
            if ev["kind"] in TEXT_KINDS and isinstance(text, Mapping):
                out.append((ev, self._indices(text, "text")))
        return out

    def space(self, seat: str | None, reveal: bool) -> dict[str, Any]:
        """The utility space of the texts so far, for the mediator's figure: each text in the
        mediator's own event list (``seat``; the organiser passes ``None`` and reads the mediator's) with
        every party's utility. ``reveal``: the parties' current private preferences (``disclosure:
        mediator``, or the organiser); otherwise the scenario's published estimates — what the protocol
        gives a mediator as its beliefs (``MediatorModel``) — and never a delegation's private profile."""
        holder = seat if seat is not None else next((s for s, a in self.index.items() if a in self.mediators), None)
        game = self.game if reveal else self.base
        parties = [a for a in self.parties if a >= 0]
        wv = [w[parties] for w in game.weighted_values()]
        d = game.no_deal_utility()[parties]
        ids = [self.base.actors[a] for a in parties]
        dates = self.round_dates()
        texts = []
        for ev, o in (self.texts(holder) if holder is not None else []):
            u = np.sum([w[:, k] for w, k in zip(wv, o)], axis=0)
            texts.append({"n": ev["n"], "round": ev["round"], "date": dates.get(ev["round"]) if ev["round"] else None,
                          "kind": ev["kind"], "from": ev["from"], "text": self._render(o),
                          "utilities": {p: round(float(x), 12) for p, x in zip(ids, u)}})
        return {"basis": "private" if reveal else "estimates", "parties": ids,
                "names": {p: self.base.names[a] for p, a in zip(ids, parties)},
                "disagreement": {p: round(float(x), 12) for p, x in zip(ids, d)}, "texts": texts}

    def progress(self) -> dict[str, Any]:
        """What the secretariat watches without reading what anyone said: per seat its player, whether
        it must act now (and how), and how many actions it has taken; the round, its date, the status."""
        acted: dict[str, int] = dict.fromkeys(self.index, 0)
        for ev in self.events:
            who = ev.get("actor")
            if who in acted and ev.get("kind") not in ("pause",):
                acted[who] += 1
        seats = {}
        for s, a in self.index.items():
            seats[s] = {"name": self.base.names[a] if a >= 0 else "Mediator",
                        "role": self.base.roles[a] if a >= 0 else "mediator", "player": self.spec.seats[s],
                        "pending": self.pending(s), "actions": acted[s], "profile_submitted": s in self.submitted}
        v = next((x for x in (self._view(b) for b in self.index.values()) if x is not None), None)
        return {"status": self.state_name, "round": int(self.state.round) + 1,
                "rounds": v.rounds if v is not None else None, "date": v.date if v is not None else None,
                "deadline": v.deadline if v is not None else None, "seats": seats, "outcome": self.outcome_json()}

    # -- private notes ---------------------------------------------------------------------------
    def note(self, seat: str) -> dict[str, Any]:
        """``seat``'s private notes (the latest text, the round it was saved in, how many saves)."""
        self.index[seat]
        return dict(self.notes.get(seat) or {"text": "", "round": None, "version": 0})

    def set_note(self, seat: str, text: str) -> list[dict[str, Any]]:
        """Save ``seat``'s private notes (a record of the log: only the seat and the organiser, who
        reads the whole log, ever see it). Allowed until the talks end, and after."""
        if not isinstance(text, str):
            raise ActionError(422, "expected text", "text")
        if len(text) > MAX_NOTE:
            raise ActionError(422, f"notes hold at most {MAX_NOTE:,} characters", "text")
        self._set_note(seat, text)
        return [self._next_record("note", seat, {"text": text})]

    def _set_note(self, seat: str, text: str) -> None:
        old = self.notes.get(seat) or {"version": 0}
        self.notes[seat] = {"text": text, "round": int(self.state.round) + 1, "version": int(old["version"]) + 1}

    def transcript(self) -> dict[str, Any]:
        """The whole log in the shape of ``accord simulate --json`` (one run), plus the service's
        own fields (negotiation id, status, seats, submitted profiles)."""
        out = self.proto.outcome(self.state)
        if out is None:
            reason = {"open": "running", "paused": "paused", "closed": "closed"}[self.status]
            out = Outcome(False, None, reason, int(self.state.round) + 1)
        t = make_transcript(self.game, self.spec.protocol, 0, dict(self.names), out, list(self.events),
                            list(self.parties))
        res = SimulationResult(self.game.id, self.spec.protocol, "service", self.spec.seed, [t]).to_dict()
        res.update({"negotiation": self.nid, "status": self.state_name, "disclosure": self.spec.disclosure,
                    "seats": dict(self.spec.seats), "profiles": dict(self.submitted)})
        return plain(res)

    # -- changing ----------------------------------------------------------------------------
    def _own(self, seat: str, kind: str, body: dict[str, Any], rnd: int) -> None:
        ev = {"n": len(self.seat_events[seat]), "round": rnd, "kind": kind, "from": seat}
        ev.update(body)
        self.seat_events[seat].append(ev)

    def _broadcast(self, ev: dict[str, Any]) -> None:
        for lst in self.seat_events.values():
            lst.append({"n": len(lst), **ev})

    def _deliver(self) -> None:
        for s, a in self.index.items():
            v = self._view(a)
            if v is None:
                continue
            box = v.inbox
            n = self._seen[s]
            if len(box) < n:  # a protocol that rewrote an inbox: deliver nothing twice
                self._seen[s] = len(box)
                continue
            lst = self.seat_events[s]
            for m in box[n:]:
                lst.append({"n": len(lst), "round": int(m.round) + 1, "kind": m.kind, "from": m.sender,
                            **self._content(m.kind, m.content)})
            self._seen[s] = len(box)

    def _apply(self, action: Action) -> None:
        was_done = self.finished
        rnd = int(self.state.round) + 1
        self.state, ev = self.proto.apply(self.state, action)
        self.events.extend(ev)
        for e in ev:
            if e.get("kind") == "pause" and e.get("to") == "all":
                self._broadcast({"round": e["round"], "kind": "pause", "from": None, **plain(e["content"])})
        seat = seat_id(self.base, action.actor)
        body: dict[str, Any] = {}
        if action.outcome is not None:
            body["outcome"] = self._render(action.outcome)
        if action.issues:
            body["issues"] = self._render_pairs(action.issues)
        self._own(seat, action.kind, body, rnd)
        self._deliver()
        if self.finished and not was_done:
            self._broadcast({"round": None, "kind": "end", "from": None, **(self.outcome_json() or {})})

    def _action_json(self, action: Action) -> dict[str, Any]:
        d: dict[str, Any] = {"actor": seat_id(self.base, action.actor), "kind": action.kind}
        if action.outcome is not None:
            d["outcome"] = self._render(action.outcome)
        if action.issues:
            d["issues"] = self._render_pairs(action.issues)
        return d

    def _value(self, i: int, v: Any, field: str) -> int:
        g = self.base.issues[i]
        if g.kind == "continuous":
            f = _finite(v)
            if f is None:
                raise ActionError(422, f"expected a number on {g.id!r}", field)
            k = int(np.argmin(np.abs(g.points - f)))
            if abs(float(g.points[k]) - f) > _TOL * max(1.0, abs(f)):
                lo, hi = float(g.points[0]), float(g.points[-1])
                if not lo <= f <= hi:
                    raise ActionError(422, f"{f:g} is outside {g.id!r} ({lo:g} to {hi:g})", field)
                below, above = g.points[g.points <= f].max(), g.points[g.points >= f].min()
                raise ActionError(422, f"{f:g} is not a point of {g.id!r}; the nearest are {below:g} and "
                                       f"{above:g}", field)
            return k
        if not isinstance(v, str) or v not in g.values:
            raise ActionError(422, f"not an option of {g.id!r}; expected one of "
                                   f"{', '.join(str(x) for x in g.values)}", field)
        return g.values.index(v)

    def _outcome(self, data: Any, field: str) -> tuple[int, ...]:
        if not isinstance(data, Mapping):
            raise ActionError(422, "expected a mapping of issue id to value", field)
        ids = [g.id for g in self.base.issues]
        for k in data:
            if k not in ids:
                raise ActionError(422, f"unknown issue; expected {', '.join(ids)}", f"{field}.{str(k)[:80]}")
        missing = [i for i in ids if i not in data]
        if missing:
            raise ActionError(422, f"a text needs a value on every issue; missing {', '.join(missing)}",
                              f"{field}.{missing[0]}")
        o = tuple(self._value(i, data[g], f"{field}.{g}") for i, g in enumerate(ids))
        if not bool(self.base.feasible(np.asarray(o)[None, :])[0]):
            raise ActionError(422, "this text combines positions that a constraint of the scenario forbids "
                                   "(forbidden or requires)", field)
        return o

    def _pairs(self, data: Any, field: str) -> tuple[tuple[int, int], ...]:
        if not isinstance(data, Mapping) or not data:
            raise ActionError(422, "expected a non-empty mapping of issue id to the value wanted", field)
        ids = [g.id for g in self.base.issues]
        out = []
        for k, v in data.items():
            if k not in ids:
                raise ActionError(422, f"unknown issue; expected {', '.join(ids)}", f"{field}.{str(k)[:80]}")
            i = ids.index(k)
            out.append((i, self._value(i, v, f"{field}.{k}")))
        return tuple(sorted(out))

    def parse(self, seat: str, turn: Turn, body: Mapping[str, Any]) -> Action:
        """A person's action body as a protocol :class:`Action` (422 with the field path if malformed)."""
        kind = body.get("kind")
        allowed = KINDS.get(turn.kind)
        if not isinstance(kind, str) or kind not in ACTION_KINDS:
            raise ActionError(422, f"expected one of {', '.join(ACTION_KINDS)}", "kind")
        if allowed is not None and kind not in allowed:
            raise ActionError(422, f"a {turn.kind} turn takes {' or '.join(sorted(allowed))}, not {kind}", "kind")
        need = needs(turn.kind, kind)
        for f in ("outcome", "issues"):
            if body.get(f) is not None and need != f:
                raise ActionError(422, f"{kind} takes no {f}", f)
        outcome = self._outcome(body.get("outcome"), "outcome") if need == "outcome" else None
        issues = self._pairs(body.get("issues"), "issues") if need == "issues" else ()
        return Action(turn.actor, kind, outcome, issues)

    def _logged_action(self, d: Mapping[str, Any]) -> Action:
        a = self.index[d["actor"]]
        o = (tuple(self.base.issues[i].index_of(d["outcome"][g.id]) for i, g in enumerate(self.base.issues))
             if d.get("outcome") is not None else None)
        pairs = tuple(sorted((self.base.issue_index(k), self.base.issues[self.base.issue_index(k)].index_of(v))
                             for k, v in (d.get("issues") or {}).items()))
        return Action(a, d["kind"], o, pairs)

    def _next_record(self, rtype: str, actor: str | None, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self.seq += 1
        return {"seq": self.seq, "type": rtype, "actor": actor, "body": body, **extra}

    def play_software(self) -> list[dict[str, Any]]:
        """Let the software seats take every turn that is theirs (each pending set decided on the same
        state), until a person must act or the talks end. Returns the records to append."""
        out: list[dict[str, Any]] = []
        while self.status == "open" and not self.finished:
            turns = [t for t in self.proto.pending(self.state) if t.actor in self.players]
            if not turns:
                break
            acts = [self.players[t.actor].act(self.proto.view(self.state, t.actor), t) for t in turns]
            out.append(self._next_record("software", None, {"actions": [self._action_json(x) for x in acts]}))
            for x in acts:
                self._apply(x)
        return out

    def act(self, seat: str, body: Mapping[str, Any], idem: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        """Apply a person's action at ``seat``, then the software seats' turns; returns the records to
        append. Raises :class:`ActionError` (409 not now, 422 malformed); on error nothing changed."""
        if self.finished or self.status == "closed":
            raise ActionError(409, "the negotiation is over")
        if self.status == "paused":
            raise ActionError(409, "the organiser has paused the negotiation")
        a = self.index[seat]
        turns = [t for t in self.proto.pending(self.state) if t.actor == a]
        if not turns:
            raise ActionError(409, "it is not this seat's turn")
        action = self.parse(seat, turns[0], body)
        try:
            self._apply(action)  # the protocol's own checks come first: on ValueError nothing changed
        except ValueError as e:
            raise ActionError(422, str(e)) from None
        extra = {"idem_key": idem[0], "idem_hash": idem[1]} if idem else {}
        rec = self._next_record("action", seat, self._action_json(action) | {"by": HUMAN}, **extra)
        if idem:
            self.idem[(seat, idem[0])] = idem[1], rec["seq"]
        return [rec, *self.play_software()]

    def set_profile(self, seat: str, profile: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Submit or revise ``seat``'s private profile. It changes the game this session uses for that
        delegation: its view, the transcript's utilities, the assistant, and — only under ``mediator``
        disclosure — a software mediator's beliefs."""
        if self.finished or self.status == "closed":
            raise ActionError(409, "the negotiation is over")
        if self.index[seat] < 0:
            raise ActionError(409, "this seat has no preferences of its own")
        try:
            game = apply_profile(self.game, seat, profile)
        except ProfileError as e:
            f, m = e.problems[0]
            raise ActionError(422, m, "profile" + (f".{f}" if f else "")) from None
        rnd = int(self.state.round) + 1
        self._set_profile(seat, profile, game)
        self._own(seat, "profile", {"profile": plain(profile)}, rnd)
        return [self._next_record("profile", seat, {"profile": plain(profile)})]

    def _set_profile(self, seat: str, profile: Mapping[str, Any], game: Game) -> None:
        self.game = game
        merged = self.submitted.setdefault(seat, {"issues": {}})
        for k, v in (profile.get("issues") or {}).items():
            merged["issues"][k] = {**merged["issues"].get(k, {}), **plain(v)}
        if "reservation" in profile:
            merged["reservation"] = plain(profile["reservation"])
        self.profile_version += 1
        if (self.spec.disclosure == "mediator" and hasattr(self.state, "model")
                and any(m in self.players for m in self.mediators)):
            self.state = evolve(self.state, model=mediator_model(self.game, tuple(self.state.parties)))

    def control(self, what: str) -> list[dict[str, Any]]:
        """The organiser's ``pause``, ``resume`` or ``close`` (409 when it does not apply now)."""
        if self.finished or self.status == "closed":
            raise ActionError(409, "the negotiation is over")
        if what == "pause" and self.status != "open":
            raise ActionError(409, "the negotiation is already paused")
        if what == "resume" and self.status != "paused":
            raise ActionError(409, "the negotiation is not paused")
        rec = self._next_record("control", None, {"action": what})
        self._control(what)
        return [rec, *(self.play_software() if what == "resume" else [])]

    def _control(self, what: str) -> None:
        self.status = {"pause": "paused", "resume": "open", "close": "closed"}[what]
        self._broadcast({"round": int(self.state.round) + 1, "kind": {"pause": "paused", "resume": "resumed",
                                                                      "close": "closed"}[what],
                         "from": "organiser"})
        if what == "close":
            self._broadcast({"round": None, "kind": "end", "from": None, **(self.outcome_json() or {})})

    # -- replay ------------------------------------------------------------------------------
    def replay(self, rec: Mapping[str, Any]) -> None:
        """Apply one logged record as it was applied live (the log is the truth)."""
        t, body = rec["type"], rec["body"]
        if t == "action":
            self._apply(self._logged_action(body))
            if rec.get("idem_key"):
                self.idem[(rec["actor"], rec["idem_key"])] = rec.get("idem_hash") or "", int(rec["seq"])
        elif t == "software":
            logged = [self._logged_action(d) for d in body["actions"]]
            turns = [tt for tt in self.proto.pending(self.state) if tt.actor in self.players]
            by_actor = {tt.actor: tt for tt in turns}
            decided = [self.players[x.actor].act(self.proto.view(self.state, x.actor), by_actor[x.actor])
                       for x in logged if x.actor in by_actor and x.actor in self.players]
            if decided != logged:
                self.diverged += 1
            for x in logged:
                self._apply(x)
        elif t == "profile":
            p = body["profile"]
            self._set_profile(rec["actor"], p, apply_profile(self.game, rec["actor"], p))
            self._own(rec["actor"], "profile", {"profile": p}, int(self.state.round) + 1)
        elif t == "control":
            self._control(body["action"])
        elif t == "note":
            self._set_note(rec["actor"], body["text"])
        else:
            raise ValueError(f"unknown record type {t!r} at seq {rec['seq']}")
        self.seq = int(rec["seq"])


def build_spec(game: Game, protocol: str, seats: Mapping[str, str], *, seed: int, config: Config,
               disclosure: str, source: dict[str, Any], title: str = "") -> Spec:
    """Check the organiser's choices against the game and fill in the seats it left out (software
    defaults, as :func:`accord.simulate` uses). Raises :class:`ActionError` 422 with the field path."""
    if disclosure not in DISCLOSURES:
        raise ActionError(422, f"expected one of {', '.join(DISCLOSURES)}", "disclosure")
    try:
        get_protocol(protocol)
    except KeyError as e:
        raise ActionError(422, str(e.args[0]), "protocol") from None
    try:
        parties, mediators = players_of(game, protocol, config)
    except (KeyError, ValueError) as e:
        raise ActionError(422, str(e.args[0]) if e.args else str(e), "options") from None
    players = {seat_id(game, a): a for a in (*parties, *mediators)}
    for s in seats:
        if s not in players:
            what = (f"{s!r} does not play under {protocol}" if s in game.actors else f"unknown actor {s!r}")
            raise ActionError(422, f"{what}; the seats are {', '.join(players)}", f"seats.{str(s)[:80]}")
    software = {s: n for s, n in seats.items() if n != HUMAN}
    for s, n in software.items():
        try:
            resolve_strategies(game, protocol, {s: n}, config)
        except (KeyError, ValueError) as e:
            raise ActionError(422, str(e.args[0]) if e.args else str(e), f"seats.{s}") from None
    resolved = resolve_strategies(game, protocol, software, config)
    full = {seat_id(game, a): (HUMAN if seats.get(seat_id(game, a)) == HUMAN else n) for a, n in resolved.items()}
    return Spec(protocol, config, full, int(seed), disclosure, source, title)
