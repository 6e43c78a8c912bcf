"""Variants of a base scenario: edits of stances, actors and the deadline, then concessions.

An :class:`Edit` changes one field of the scenario as written (so the variant is validated and
compiled like any scenario, with its provenance kept); concessions from the base's analysis are
applied to the compiled game afterwards (:func:`accord.analysis.apply_concessions`). ``set``
replaces a value and drops that field's stated uncertainty (the user fixed it); ``shift`` moves the
value and its uncertainty range together, the range clipped to the field's bounds (as the Monte Carlo
clips its draws). A value pushed out of its bounds is an error, never clipped.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..analysis import ConcessionOption
from ..analysis.result import Concession
from ..game import Game
from ..model import Scenario
from ..words import join_and, value_text

__all__ = ["Edit", "EditError", "apply_edits", "concession_label", "edit_label", "flat_concessions"]


class EditError(ValueError):
    """An edit that does not fit the scenario (unknown actor, out of bounds, ...)."""


@dataclass(frozen=True)
class Edit:
    """One change: ``target`` ``stance`` (``actor``, ``issue``, ``field``), ``actor`` (``actor``,
    ``field``) or ``deadline``; ``op`` ``set`` or ``shift``; ``value``."""

    target: str
    op: str
    value: Any
    actor: str | None = None
    issue: str | None = None
    field: str | None = None

    @property
    def key(self) -> str:
        where = ".".join(x for x in (self.actor, self.issue, self.field) if x) or self.target
        return f"{where}{'=' if self.op == 'set' else '+='}{_text(self.value)}"

    @property
    def is_change(self) -> bool:
        """Whether the edit changes anything when applied (a zero shift does not)."""
        return not (self.op == "shift" and self.value == 0)


def _text(v: Any) -> str:
    if isinstance(v, float):
        return repr(round(v, 12))
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_text(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(f"{k}:{_text(x)}" for k, x in sorted(v.items())) + "}"
    return str(v)


def edit_label(e: Edit) -> str:
    """A short human label: ``russia territory salience +0.1``."""
    where = " ".join(x for x in (e.actor, e.issue, e.field) if x) or e.target
    if e.op == "shift":
        v = e.value
        shown = f"{v:+g}" if isinstance(v, (int, float)) else _text(v)
        return f"{where} {shown}{' days' if e.target == 'deadline' else ''}"
    return f"{where} = {_text(e.value)}"


def _num(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise EditError(f"{what}: expected a number, got {v!r}")
    try:
        x = float(v)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise EditError(f"{what}: expected a finite number, got {str(v)[:40]}")
    return x


def _shift_range(tri: dict[str, Any] | None, d: float, lo: float, hi: float) -> dict[str, Any] | None:
    if not tri:
        return tri
    out = dict(tri)
    for k in ("low", "mode", "high"):
        if out.get(k) is not None:
            out[k] = min(hi, max(lo, float(out[k]) + d))
    return out


def _bounded(new: float, lo: float, hi: float, what: str) -> float:
    if not lo - 1e-12 <= new <= hi + 1e-12:
        raise EditError(f"{what} would be {new:g}, outside [{lo:g}, {hi:g}]")
    return min(hi, max(lo, new))


def _stance(data: dict[str, Any], scn: Scenario, e: Edit) -> None:
    try:
        issue = scn.issue(str(e.issue))
    except KeyError:
        raise EditError(f"unknown issue {e.issue!r}; issues: {', '.join(i.id for i in scn.issues)}") from None
    k = next((j for j, s in enumerate(scn.stances) if s.actor == e.actor and s.issue == e.issue), None)
    if k is None:
        raise EditError(f"{e.actor!r} has no stance on {e.issue!r} to change")
    st = data["stances"][k]
    unc = dict(st.get("uncertainty") or {})
    what = f"{e.actor}'s {e.field} on {e.issue}"
    if e.field == "acceptable":
        if e.op != "set":
            raise EditError("an acceptable set can only be set (op: set), not shifted")
        st["acceptable"] = e.value
    elif e.field == "salience":
        old = float(st["salience"])
        new = _num(e.value, what) if e.op == "set" else old + _num(e.value, what)
        st["salience"] = _bounded(new, 0.0, 1.0, what)
        if e.op == "set":
            unc.pop("salience", None)
        else:
            unc["salience"] = _shift_range(unc.get("salience"), st["salience"] - old, 0.0, 1.0)
    else:  # ideal
        if e.op == "set":
            st["ideal"] = e.value
            unc.pop("ideal", None)
        elif issue.kind == "continuous":
            old = _num(st.get("ideal"), what)
            st["ideal"] = _bounded(old + _num(e.value, what), float(issue.low), float(issue.high), what)  # type: ignore[arg-type]
            unc["ideal"] = _shift_range(unc.get("ideal"), st["ideal"] - old, float(issue.low), float(issue.high))  # type: ignore[arg-type]
        elif issue.kind == "ordinal":
            steps = _num(e.value, what)
            if steps != int(steps):
                raise EditError(f"{what}: an ordinal ideal shifts by whole options, got {e.value!r}")
            opts = list(issue.option_ids)
            if st.get("ideal") not in opts:
                raise EditError(f"{what}: the stance has no ideal option to shift")
            j = int(_bounded(opts.index(st["ideal"]) + steps, 0, len(opts) - 1, what + " (option index)"))
            st["ideal"] = opts[j]
            unc["ideal"] = _shift_range(unc.get("ideal"), float(steps), 0.0, float(len(opts) - 1))
        else:
            raise EditError(f"{what}: a categorical ideal can be set, not shifted")
    st["uncertainty"] = {k2: v for k2, v in unc.items() if v}


def _actor(data: dict[str, Any], scn: Scenario, e: Edit) -> None:
    k = next((j for j, a in enumerate(scn.actors) if a.id == e.actor), None)
    if k is None:
        raise EditError(f"unknown actor {e.actor!r}; actors: {', '.join(a.id for a in scn.actors)}")
    ac = data["actors"][k]
    what = f"{e.actor}'s {e.field}"
    if e.field == "reservation" and e.op == "shift" and ac.get("reservation") is None:
        raise EditError(f"{what}: none is stated, so it cannot be shifted (set it instead)")
    old = float(ac.get(e.field) if ac.get(e.field) is not None else 0.0)
    new = _num(e.value, what) if e.op == "set" else old + _num(e.value, what)
    ac[e.field] = _bounded(new, 0.0, 1.0, what)
    if e.field == "capability":
        unc = dict(ac.get("uncertainty") or {})
        if e.op == "set":
            unc.pop("capability", None)
        else:
            unc["capability"] = _shift_range(unc.get("capability"), ac["capability"] - old, 0.0, 1.0)
        ac["uncertainty"] = {k2: v for k2, v in unc.items() if v}


def _deadline(data: dict[str, Any], scn: Scenario, e: Edit) -> None:
    proc = data["process"]
    if e.op == "set":
        v = e.value
        if isinstance(v, str):
            from ..model.timeline import parse_date  # noqa: PLC0415

            try:
                v = parse_date(v)
            except ValueError as err:
                raise EditError(f"deadline: {err}") from None
        if not isinstance(v, dt.date):
            raise EditError(f"deadline: expected a date, got {e.value!r}")
        proc["deadline"] = v
        return
    if proc.get("deadline") is None:
        raise EditError("the scenario states no deadline to shift (set one with op: set)")
    days = _num(e.value, "deadline shift")
    if days != int(days):
        raise EditError(f"deadline: shift by whole days, got {e.value!r}")
    try:
        proc["deadline"] = proc["deadline"] + dt.timedelta(days=int(days))
    except OverflowError:
        raise EditError(f"deadline: shifting {proc['deadline']} by {int(days):,} days leaves the calendar "
                        "(years 1 to 9999)") from None


def apply_edits(scn: Scenario, edits: tuple[Edit, ...]) -> Scenario:
    """``scn`` with ``edits`` applied in order, validated again; raises :class:`EditError`."""
    data = scn.model_dump(mode="python", by_alias=True)
    for e in edits:
        {"stance": _stance, "actor": _actor, "deadline": _deadline}[e.target](data, scn, e)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        msgs = []
        for d in err.errors(include_url=False):
            loc = ".".join(str(p) for p in d["loc"])
            msgs.append(f"{loc}: {d['msg']}".replace("Value error, ", ""))
        raise EditError("the edited scenario is not valid: " + "; ".join(msgs)) from None


def flat_concessions(options: tuple[ConcessionOption, ...], actor: str | None = None) -> tuple[Concession, ...]:
    """The single concessions of ``options`` (only ``actor``'s, when given)."""
    return tuple(c for o in options for c in o.concessions if actor is None or c.actor == actor)


def concession_label(o: ConcessionOption, actor: str | None = None, game: Game | None = None) -> str:
    """A concession option in words. With ``game``, plain: ``Territory in Donetsk: Russia accepts
    Mirror-image withdrawal (Korean-style DMZ)`` (issue name, actor names, the option's label;
    ``Russia and Ukraine lower their reservations`` for a reservation option); without, by id:
    ``territory → mirror_dmz (russia)``. With ``actor``, only that actor's part."""
    ids = list(dict.fromkeys(c.actor for c in o.concessions if actor is None or c.actor == actor))
    if game is None:
        what = "reservations" if o.issue is None else f"{o.issue} → {o.value}"
        return f"{what} ({', '.join(sorted(ids))})" if ids else what
    who = join_and([game.names[game.index(a)] for a in ids]) or "nobody"
    one = len(ids) == 1
    if o.issue is None:
        return f"{who} lower{'s its reservation' if one else ' their reservations'}"
    g = game.issues[game.issue_index(o.issue)]
    assert o.value is not None
    return f"{g.name}: {who} accept{'s' if one else ''} {value_text(g, g.index_of(o.value))}"


def game_with(game: Game, concessions: tuple[Concession, ...]) -> Game:
    """``game`` with ``concessions`` applied."""
    from ..analysis import apply_concessions  # noqa: PLC0415

    return apply_concessions(game, concessions) if concessions else game
