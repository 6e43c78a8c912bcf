"""What a reviewer should check in a scenario: quotes not spoken by the actor they are cited for,
stances resting on the analyst's inferences, judgement numbers, analyst-added options.

:func:`audit` reads a :class:`~accord.model.Scenario` only (no numpy, no source texts) and returns an
:class:`Audit`: lists of :class:`AuditItem`, each naming the field path it comes from, so that a
reviewer can go through them one by one (``accord audit NAME``). Checking quotes against the stored
source texts is :func:`accord.model.sources.check_sources`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .schema import (
    AUTHOR,
    Actor,
    Influence,
    Provenance,
    Ratification,
    RatifyProbability,
    Scenario,
    Stance,
    Supermajority,
)

__all__ = ["Audit", "AuditItem", "ProvenanceSite", "audit", "provenance_sites", "speaker_is_actor", "unexplained"]


@dataclass(frozen=True)
class ProvenanceSite:
    """One provenance in a scenario: its field path (``stances[3]``), what it backs (``stance
    russia/territory``), the actor and issue of a stance (else ``None``) and the provenance."""

    where: str
    what: str
    actor: str | None
    issue: str | None
    provenance: Provenance


def provenance_sites(scn: Scenario) -> Iterator[ProvenanceSite]:
    """Every provenance: stances, snapshot stances, constraints, options (in file order)."""
    for k, iss in enumerate(scn.issues):
        for j, o in enumerate(iss.options):
            if o.provenance is not None:
                yield ProvenanceSite(f"issues[{k}].options[{j}]", f"option {iss.id}/{o.id}", None, iss.id,
                                     o.provenance)
    for k, s in enumerate(scn.stances):
        yield ProvenanceSite(f"stances[{k}]", f"stance {s.actor}/{s.issue}", s.actor, s.issue, s.provenance)
    for k, c in enumerate(scn.constraints):
        if c.provenance is not None:
            yield ProvenanceSite(f"constraints[{k}]", f"constraint {c.id or c.kind}", None, None, c.provenance)
    for k, snap in enumerate(getattr(scn, "snapshots", ())):
        for j, s in enumerate(snap.stances):
            yield ProvenanceSite(f"snapshots[{k}].stances[{j}]", f"stance {s.actor}/{s.issue} from {snap.date}",
                                 s.actor, s.issue, s.provenance)


def speaker_is_actor(speaker: str | None, actor: Actor) -> bool:
    """Whether ``speaker`` is the actor itself (its id or name) or one of its ``people``."""
    return speaker is not None and speaker != AUTHOR and speaker in (actor.id, actor.name, *actor.people)


@dataclass(frozen=True)
class AuditItem:
    """One thing to review. ``where``: the field path; ``what``: what it backs; ``text``: the quote,
    paraphrase or assumption; ``note``: why it is listed (the inference's reason, the speaker...)."""

    where: str
    what: str
    actor: str | None = None
    issue: str | None = None
    field: str | None = None
    kind: str | None = None
    speaker: str | None = None
    text: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Audit:
    """A scenario's review list.

    ``not_the_actor``: stances whose quote is not the actor's own words (the speaker is the author, a
    third party, or unnamed); ``inferred``: stances and constraints resting on the analyst's
    inferences; ``judgements``: every number or choice named in an ``assumptions`` mapping;
    ``analyst_options``: options the sources do not name; ``unclassified``: stances and constraints
    whose provenance has no ``kind`` (``stated``/``reported``/``inferred``); ``unexplained``: numbers
    no source can give (see :func:`unexplained`) that no ``assumptions`` entry gives a reason for.
    ``stances`` and ``kinds`` count the stances of the snapshots too."""

    scenario: str
    not_the_actor: tuple[AuditItem, ...] = ()
    inferred: tuple[AuditItem, ...] = ()
    judgements: tuple[AuditItem, ...] = ()
    analyst_options: tuple[AuditItem, ...] = ()
    unclassified: tuple[AuditItem, ...] = ()
    unexplained: tuple[AuditItem, ...] = ()
    stances: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    SECTIONS = (("not_the_actor", "Stances whose quote is not the actor's own words"),
                ("inferred", "Stances and constraints resting on the analyst's inferences"),
                ("judgements", "Judgement numbers and choices (assumptions)"),
                ("analyst_options", "Options the sources do not name (the analyst's additions)"),
                ("unclassified", "Provenance without a kind (stated, reported or inferred)"),
                ("unexplained", "Judgement numbers with no stated reason (no `assumptions` entry)"))

    def counts(self) -> dict[str, int]:
        """How many items each section lists."""
        return {name: len(getattr(self, name)) for name, _ in self.SECTIONS}

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``accord audit --json``."""
        return {"scenario": self.scenario, "stances": self.stances, "kinds": dict(self.kinds),
                "counts": self.counts(),
                **{name: [i.to_dict() for i in getattr(self, name)] for name, _ in self.SECTIONS}}

    def summary(self) -> str:
        """One line per section."""
        kinds = ", ".join(f"{n} {k}" for k, n in self.kinds.items())
        lines = [f"{self.scenario}: {self.stances} stances ({kinds})"]
        lines += [f"  {title}: {len(getattr(self, name))}" for name, title in self.SECTIONS]
        return "\n".join(lines)


def _stance_items(scn: Scenario, prefix: str, stances: tuple[Stance, ...], label: str,
                  actors: dict[str, Actor]) -> tuple[list[AuditItem], list[AuditItem], list[AuditItem]]:
    not_actor, inferred, judged = [], [], []
    for k, s in enumerate(stances):
        where, what = f"{prefix}[{k}]", f"{s.actor} on {s.issue}{label}"
        p = s.provenance
        base: dict[str, Any] = {"where": where, "what": what, "actor": s.actor, "issue": s.issue, "kind": p.kind,
                                "speaker": p.speaker}
        actor = actors.get(s.actor)
        if p.kind is not None and actor is not None and not speaker_is_actor(p.speaker, actor):
            who = "the author" if p.speaker == AUTHOR else (p.speaker or "an unnamed speaker")
            not_actor.append(AuditItem(**base, text=p.text, note=f"{p.kind}; spoken by {who}"))
        if p.kind == "inferred":
            inferred.append(AuditItem(**base, text=p.text, note=p.reason or ""))
        for f, reason in s.assumptions.items():
            judged.append(AuditItem(where=f"{where}.assumptions.{f}", what=what, actor=s.actor, issue=s.issue,
                                    field=f, text=reason))
    return not_actor, inferred, judged


def _explained(field: str, assumptions: dict[str, str]) -> bool:
    """Whether ``assumptions`` gives a reason for ``field`` (``uncertainty.ideal``): the field itself or
    a field it belongs to (``uncertainty``)."""
    parts = field.split(".")
    return any(".".join(parts[:n]) in assumptions for n in range(1, len(parts) + 1))


def unexplained(scn: Scenario) -> list[AuditItem]:
    """Judgement numbers without a reason: numbers a source cannot give (an actor's ``capability``,
    ``reservation`` and ``discount``, a stance's ``salience``, every ``uncertainty`` range, a
    ratification rule's ``opposition``/``probability``, an influence's ``shift``) that are written in
    the scenario but named in no ``assumptions`` mapping next to them. Defaults the author did not write
    are not listed; positions (ideals, acceptable sets) are, where a quote may give them, reviewed
    through the provenance instead.

    A reason may also stand once in the scenario's own ``assumptions`` for a whole class of numbers:
    ``actors.capability`` (every actor's capability), ``<actor id>.capability`` (one actor's),
    ``stances.salience`` (every stance's salience) — for inputs transcribed from a published dataset."""
    out: list[AuditItem] = []
    top = scn.assumptions

    def check(where: str, what: str, fields: list[str], assumptions: dict[str, str], scopes: tuple[str, ...],
              **kw: Any) -> None:
        for f in fields:
            if not (_explained(f, assumptions) or any(_explained(f"{sc}.{f}", top) for sc in scopes)):
                out.append(AuditItem(where=f"{where}.{f}", what=what, field=f, **kw))

    for k, a in enumerate(scn.actors):
        numbers: list[str] = [f for f in ("capability", "reservation", "discount") if f in a.model_fields_set]
        numbers += [f"uncertainty.{u}" for u in a.uncertainty]
        check(f"actors[{k}]", f"actor {a.id}", numbers, a.assumptions, ("actors", a.id), actor=a.id)

    def stances(prefix: str, items: tuple[Stance, ...], label: str) -> None:
        for k, st in enumerate(items):
            written = ["salience", *(f"uncertainty.{u}" for u in st.uncertainty)]
            check(f"{prefix}[{k}]", f"{st.actor} on {st.issue}{label}", written, st.assumptions, ("stances",),
                  actor=st.actor, issue=st.issue)

    stances("stances", scn.stances, "")
    for k, snap in enumerate(getattr(scn, "snapshots", ())):
        stances(f"snapshots[{k}].stances", snap.stances, f" (from {snap.date})")
    for k, c in enumerate(scn.constraints):
        written: list[str] = []
        if isinstance(c, Ratification) and isinstance(c.rule, Supermajority):
            written = ["rule.opposition"]
        elif isinstance(c, Ratification) and isinstance(c.rule, RatifyProbability):
            written = ["rule.probability"]
        elif isinstance(c, Influence) and c.shift is not None:
            written = ["shift"]
        check(f"constraints[{k}]", f"constraint {c.id or c.kind}", written, getattr(c, "assumptions", {}), ())
    return out


def audit(scn: Scenario) -> Audit:
    """The review list of ``scn`` (see :class:`Audit`)."""
    actors = {a.id: a for a in scn.actors}
    not_actor, inferred, judged = _stance_items(scn, "stances", scn.stances, "", actors)
    for k, snap in enumerate(getattr(scn, "snapshots", ())):
        na, inf, jud = _stance_items(scn, f"snapshots[{k}].stances", snap.stances, f" (from {snap.date})", actors)
        not_actor += na
        inferred += inf
        judged += jud
        for f, reason in snap.assumptions.items():
            judged.append(AuditItem(where=f"snapshots[{k}].assumptions.{f}", what=f"snapshot {snap.id}",
                                    field=f, text=reason))
    for k, c in enumerate(scn.constraints):
        p = c.provenance
        if p is not None and p.kind == "inferred":
            inferred.append(AuditItem(where=f"constraints[{k}]", what=f"constraint {c.id or c.kind}", kind=p.kind,
                                      speaker=p.speaker, text=p.text, note=p.reason or ""))
        for f, reason in getattr(c, "assumptions", {}).items():
            judged.append(AuditItem(where=f"constraints[{k}].assumptions.{f}", what=f"constraint {c.id or c.kind}",
                                    field=f, text=reason))
    head = [AuditItem(where=f"assumptions.{f}", what="scenario", field=f, text=r) for f, r in scn.assumptions.items()]
    for k, a in enumerate(scn.actors):
        head += [AuditItem(where=f"actors[{k}].assumptions.{f}", what=f"actor {a.id}", actor=a.id, field=f, text=r)
                 for f, r in a.assumptions.items()]
    options = [AuditItem(where=f"issues[{k}].options[{j}]", what=f"option {iss.id}/{o.id}", issue=iss.id,
                         text=o.label, note=o.assumption or "")
               for k, iss in enumerate(scn.issues) for j, o in enumerate(iss.options) if o.assumption is not None]
    # an option's provenance only shows where the source names it: it needs no kind
    unclassified = [AuditItem(where=site.where, what=site.what, actor=site.actor, issue=site.issue,
                              speaker=site.provenance.speaker, text=site.provenance.text)
                    for site in provenance_sites(scn) if site.provenance.kind is None
                    and not site.what.startswith("option ")]
    kinds: dict[str, int] = {}
    every = [*scn.stances, *(s for snap in getattr(scn, "snapshots", ()) for s in snap.stances)]
    for s in every:
        key = s.provenance.kind or "unclassified"
        kinds[key] = kinds.get(key, 0) + 1
    return Audit(scn.id, tuple(not_actor), tuple(inferred), tuple(head + judged), tuple(options),
                 tuple(unclassified), tuple(unexplained(scn)), len(every), dict(sorted(kinds.items())))
