"""The service's use cases, apart from HTTP: create, view, act, profile, assistant, transcript, log,
pause/resume/close, stream. The JSON API (:mod:`accord.service.routes`) and the web rooms call these.

A :class:`Service` holds the event store, the single writer (group commit), the token table and a
cache of live sessions. The log is the truth: a session is rebuilt by replaying its records
(:meth:`accord.service.session.Session.replay`) on start and whenever a write fails. Every change
runs under the negotiation's lock: the session changes in memory, its records are committed, and only
then is anyone told (readers take the same lock, so nobody sees what is not yet durable).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

import numpy as np

from ..negotiation.protocols import Config
from ..negotiation.runner import seating_problems
from ..profiles import profile_of
from .auth import (
    MIN_TOKEN_LENGTH,
    Principal,
    RateLimiter,
    hash_token,
    new_id,
    new_token,
)
from .session import ActionError, Session, Spec, build_spec, fingerprint
from .settings import Settings
from .sources import game_of_source, source_of
from .store import Store, database_url
from .writer import Writer

__all__ = ["Service", "ServiceError", "prepare"]

log = logging.getLogger("accord.service")
MAX_IDEMPOTENCY_KEY = 200


class ServiceError(Exception):
    """A refusal with its HTTP status, a plain message, and the field path where one is to blame."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


NOT_FOUND = "not found"


def _err(e: ActionError) -> ServiceError:
    return ServiceError(e.status, e.message, e.field)


def prepare(settings: Settings) -> tuple[Store, str | None]:
    """Open the database, upgrade its schema, and settle the organiser's token: from the settings
    (``ACCORD_ORGANISER_TOKEN``) when given, else the stored hash, else a new token — returned so the
    caller can print it once (only its hash is stored)."""
    store = Store(database_url(settings.db, settings.data), synchronous=settings.synchronous)
    store.migrate()
    new: str | None = None
    if settings.organiser_token:
        if len(settings.organiser_token) < MIN_TOKEN_LENGTH:
            raise ValueError(f"ACCORD_ORGANISER_TOKEN is too short: use at least {MIN_TOKEN_LENGTH} random "
                             "characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        h = hash_token(settings.organiser_token)
        if store.get_meta("organiser_hash") != h:
            store.set_meta("organiser_hash", h)
    elif store.get_meta("organiser_hash") is None:
        new = new_token()
        store.set_meta("organiser_hash", hash_token(new))
    return store, new


def settle_heap() -> None:
    """Take what lives now — compiled games, their candidate spaces (hundreds of thousands of small
    tuples for Miami), the live sessions — out of the cyclic garbage collector's walks
    (:func:`gc.freeze`). Its full collections walk every tracked object; with those caches on the heap
    each took 150-250 ms and stalled every request waiting on the event loop. What is frozen is
    freed as usual when nothing refers to it; only cycles among frozen objects wait for the process
    to end. A young collection first, so little that is already garbage gets frozen."""
    gc.collect(1)
    gc.freeze()


#: A negotiation's creation settles the heap (:func:`settle_heap`) for the first and then every so many.
SETTLE_EVERY = 64
#: ... and so does every so many commits: what the sessions gathered since is frozen too, so the
#: collector's automatic full passes walk only what came after (a few milliseconds, not 50-300 ms as
#: the heap of a long run grows).
SETTLE_COMMITS = 512
#: Ended (finished or closed) negotiations kept in memory, the most recently used; older ones are
#: rebuilt from the log when read again, so a long-running server's memory follows the negotiations
#: in progress, not every negotiation it has run.
ENDED_KEPT = 64
ENDED = ("finished", "closed")


class Live:
    """A session in memory with its lock and a wake-up for streams."""

    def __init__(self, session: Session):
        self.session = session
        self.lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self.visible = {s: len(v) for s, v in session.seat_events.items()}
        self.assist_cache: tuple[Any, dict[str, Any]] | None = None
        self.stored_status: str | None = None  # the status the store holds (None: not known, write it)

    def notify(self) -> None:
        self.visible = {s: len(v) for s, v in self.session.seat_events.items()}
        self._changed.set()
        self._changed = asyncio.Event()

    def waiter(self) -> asyncio.Event:
        return self._changed


def _build(nid: str, spec_json: Mapping[str, Any], records: list[dict[str, Any]]) -> Session:
    spec = Spec.from_json(spec_json)
    session = Session(nid, spec, game_of_source(spec.source))
    for r in records:
        session.replay(r)
    session.warm()
    return session


class Service:
    """Everything the API and the rooms need, on one event loop. Call :meth:`start` before use."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store: Store | None = None
        self.writer: Writer | None = None
        self.live: dict[str, Live] = {}
        self.tokens: dict[str, tuple[str, str]] = {}          # token hash -> (negotiation, seat)
        self.seat_tokens: dict[tuple[str, str], set[str]] = {}  # (negotiation, seat) -> token hashes
        self.known: set[str] = set()
        self.organiser_hash: str | None = None
        self.new_organiser_token: str | None = None
        self.limiter = RateLimiter(settings.rate, settings.burst)
        self._loading: dict[str, asyncio.Lock] = {}
        self.created = 0
        self.commits = 0
        self.ended: OrderedDict[str, None] = OrderedDict()
        self.closing = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the store, upgrade it, load the tokens and rebuild every open negotiation by replay."""
        self.closing = asyncio.Event()
        store, self.new_organiser_token = await asyncio.to_thread(prepare, self.settings)
        self.store = store
        self.organiser_hash = await asyncio.to_thread(store.get_meta, "organiser_hash")
        for h, nid, seat in await asyncio.to_thread(store.seats):
            self.tokens[h] = (nid, seat)
            self.seat_tokens.setdefault((nid, seat), set()).add(h)
        rows = await asyncio.to_thread(store.negotiations)
        self.known = {r["id"] for r in rows}
        self.writer = Writer(store, self.settings.writer_batch)
        for r in rows:
            if r["status"] in ("open", "paused"):
                await self._live(r["id"])
        settle_heap()

    async def stop(self) -> None:
        self.closing.set()
        for lv in list(self.live.values()):
            lv.notify()
        if self.writer is not None:
            await self.writer.aclose()
        if self.store is not None:
            self.store.close()

    async def _live(self, nid: str) -> Live:
        lv = self.live.get(nid)
        if lv is not None:
            return lv
        if nid not in self.known:
            raise ServiceError(404, NOT_FOUND)
        lock = self._loading.setdefault(nid, asyncio.Lock())
        async with lock:
            lv = self.live.get(nid)
            if lv is None:
                lv = Live(await asyncio.to_thread(self._load, nid))
                self.live[nid] = lv
                if lv.session.state_name in ENDED:
                    self._retire(nid)
        return lv

    def _retire(self, nid: str) -> None:
        """Note that ``nid`` has ended; past :data:`ENDED_KEPT` such sessions in memory, drop the least
        recently ended or read one that no request is using (its log stays; it is rebuilt when read)."""
        self.ended[nid] = None
        self.ended.move_to_end(nid)
        for old in list(self.ended)[:max(0, len(self.ended) - ENDED_KEPT)]:
            lv = self.live.get(old)
            if lv is not None and lv.lock.locked():
                continue
            del self.ended[old]
            self.live.pop(old, None)
            lock = self._loading.get(old)
            if lock is not None and not lock.locked():
                del self._loading[old]

    def _load(self, nid: str) -> Session:
        assert self.store is not None
        got = self.store.load(nid)
        if got is None:
            raise ServiceError(404, NOT_FOUND)
        spec, _, records = got
        session = _build(nid, spec, records)
        if session.diverged:
            log.warning("negotiation %s: %d software decisions differ from the log on replay (strategy code "
                        "changed); the log was followed", nid, session.diverged)
        return session

    async def _reload(self, nid: str) -> None:
        """Throw away the in-memory session and rebuild it from the log (after a failed write)."""
        old = self.live.pop(nid, None)
        try:
            lv = await self._live(nid)
        except Exception:
            log.exception("negotiation %s could not be rebuilt from its log", nid)
            return
        if old is not None:
            old.notify()
            lv.notify()

    async def _commit(self, nid: str, lv: Live, records: list[dict[str, Any]]) -> None:
        assert self.writer is not None and self.store is not None
        status = lv.session.state_name
        changed = status if status != lv.stored_status else None  # the row changes only when the status does
        try:
            await self.writer.append(nid, records, changed)
        except Exception:
            log.exception("negotiation %s: could not store %d records", nid, len(records))
            await self._reload(nid)
            raise ServiceError(503, "the action could not be stored; nothing was applied — send it again") from None
        lv.stored_status = status
        lv.notify()
        self.commits += 1
        if self.commits % SETTLE_COMMITS == 0:
            settle_heap()
        if status in ENDED:
            self._retire(nid)

    # -- who may do what ---------------------------------------------------------------------
    def authenticate(self, token: str) -> Principal | None:
        h = hash_token(token)
        if self.organiser_hash is not None and secrets.compare_digest(h, self.organiser_hash):
            return Principal("organiser", key=h[:16])
        got = self.tokens.get(h)
        if got is None:
            return None
        return Principal("seat", got[0], got[1], key=h[:16])

    def _organiser(self, p: Principal, nid: str | None = None) -> None:
        if p.organiser:
            if nid is not None and nid not in self.known:
                raise ServiceError(404, NOT_FOUND)
            return
        if nid is not None and p.nid != nid:
            raise ServiceError(404, NOT_FOUND)
        raise ServiceError(403, "this needs the organiser's token")

    def _seat(self, p: Principal, nid: str) -> str:
        if p.organiser:
            if nid not in self.known:
                raise ServiceError(404, NOT_FOUND)
            raise ServiceError(403, "the organiser holds no seat; read a seat's view at "
                                    f"/api/negotiations/{nid}/seats/SEAT/view")
        if p.nid != nid:
            raise ServiceError(404, NOT_FOUND)
        assert p.seat is not None
        return p.seat

    def url(self, nid: str, token: str) -> str:
        """A seat's invitation link: the token rides in the fragment, which is never sent to a server."""
        return f"{self.settings.base_url.rstrip('/')}/rooms/{nid}#token={token}"

    # -- use cases ---------------------------------------------------------------------------
    def _spec(self, body: Mapping[str, Any]) -> tuple[Spec, Any]:
        if "scenario" not in body:
            raise ActionError(422, "required: a bundled scenario's name, a scenario object or GENIUS files",
                              "scenario")
        src, title = source_of(body["scenario"])
        game = game_of_source(src)
        opts = dict(body.get("options") or {})
        steps = body.get("steps")
        cfg = Config(steps=int(steps) if steps is not None else 100, breakdown=opts.get("breakdown"),
                     rule=opts.get("rule") or "unanimity", quota=float(opts.get("quota") or 2 / 3),
                     parties=tuple(opts["parties"]) if opts.get("parties") else None,
                     mediator=opts.get("mediator") or None,
                     use_calendar=bool(opts.get("use_calendar", True)))
        # who may play, by the rule every other caller uses (a ratifier or observer does not negotiate;
        # a mediator does not also play a party); "mediator" alone names the protocol's own mediator
        mediator = cfg.mediator if cfg.mediator != "mediator" else None
        for path, message in seating_problems(game, cfg.parties, mediator):
            raise ActionError(422, message, ".".join(["options", *(str(x) for x in path)]))
        seed = body.get("seed")
        spec = build_spec(game, str(body.get("protocol") or "shuttle"), dict(body.get("seats") or {}),
                          seed=int(seed) if seed is not None else secrets.randbelow(2**31), config=cfg,
                          disclosure=str(body.get("disclosure") or "assistant-only"), source=src,
                          title=str(body.get("title") or title or ""))
        return spec, game

    def _start(self, nid: str, spec: Spec, game: Any) -> tuple[Session, list[dict[str, Any]]]:
        session = Session(nid, spec, game)
        records = session.play_software()
        session.warm()
        return session, records

    async def create(self, p: Principal, body: Mapping[str, Any]) -> dict[str, Any]:
        """A new negotiation; returns its id and an invitation (token and link) for every human seat."""
        self._organiser(p)
        assert self.writer is not None and self.store is not None
        try:
            spec, game = await asyncio.to_thread(self._spec, body)
        except ActionError as e:
            raise _err(e) from None
        nid = new_id()
        session, records = await asyncio.to_thread(self._start, nid, spec, game)
        tokens = {s: new_token() for s in session.humans()}
        hashes = [(hash_token(t), s) for s, t in tokens.items()]
        await self.writer.submit(functools.partial(self.store.create, nid=nid, spec=spec.to_json(), title=spec.title,
                                                   status=session.state_name, seats=hashes, records=records))
        self.live[nid] = lv = Live(session)
        lv.stored_status = session.state_name
        if self.created % SETTLE_EVERY == 0:  # the first (a scenario's caches are built), then every 64th
            settle_heap()
        self.created += 1
        self.known.add(nid)
        for h, s in hashes:
            self.tokens[h] = (nid, s)
            self.seat_tokens.setdefault((nid, s), set()).add(h)
        return {"id": nid, "title": spec.title, "protocol": spec.protocol, "status": session.state_name,
                "seed": spec.seed, "disclosure": spec.disclosure, "players": dict(spec.seats),
                "seats": {s: {"token": t, "url": self.url(nid, t)} for s, t in tokens.items()}}

    async def view(self, p: Principal, nid: str, *, encoded: bool = False) -> Any:
        """The seat's own view (the protocol's ``view(state, actor)`` and its own events); as JSON
        text when ``encoded``."""
        seat = self._seat(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            return lv.session.view_json(seat) if encoded else lv.session.view(seat)

    async def seat_view(self, p: Principal, nid: str, seat: str, *, encoded: bool = False) -> Any:
        """The organiser reads any seat's view."""
        self._organiser(p, nid)
        lv = await self._live(nid)
        if seat not in lv.session.index:
            raise ServiceError(404, f"no seat {seat!r}; seats: {', '.join(lv.session.index)}", "seat")
        async with lv.lock:
            return lv.session.view_json(seat) if encoded else lv.session.view(seat)

    async def act(self, p: Principal, nid: str, body: Mapping[str, Any],
                  idempotency_key: str | None = None, *, encoded: bool = False) -> tuple[Any, bool]:
        """Apply the seat's action (then the software seats'), durably; returns the seat's new view (JSON
        text when ``encoded``) and whether this was a replay of an earlier request with the same
        ``Idempotency-Key``."""
        seat = self._seat(p, nid)
        if idempotency_key is not None and (not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY
                                            or not idempotency_key.isprintable()):
            raise ServiceError(422, f"an Idempotency-Key is 1 to {MAX_IDEMPOTENCY_KEY} printable characters",
                               "Idempotency-Key")
        fp = fingerprint(body) if idempotency_key is not None else ""
        lv = await self._live(nid)
        async with lv.lock:
            s = lv.session
            if idempotency_key is not None and (seat, idempotency_key) in s.idem:
                seen, _ = s.idem[(seat, idempotency_key)]
                if seen and seen != fp:
                    raise ServiceError(422, "this Idempotency-Key was sent before with a different action",
                                       "Idempotency-Key")
                return (s.view_json(seat) if encoded else s.view(seat)), True
            try:
                records = s.act(seat, body, (idempotency_key, fp) if idempotency_key is not None else None)
            except ActionError as e:
                raise _err(e) from None
            except Exception:
                log.exception("negotiation %s: an action failed", nid)
                await self._reload(nid)
                raise ServiceError(500, "the action could not be applied; nothing was changed") from None
            await self._commit(nid, lv, records)
            return (s.view_json(seat) if encoded else s.view(seat)), False

    async def profile(self, p: Principal, nid: str, seat: str | None = None) -> dict[str, Any]:
        """A seat's own current profile (the organiser may read any seat's)."""
        if seat is None:
            seat = self._seat(p, nid)
        else:
            self._organiser(p, nid)
        lv = await self._live(nid)
        if seat not in lv.session.index:
            raise ServiceError(404, f"no seat {seat!r}", "seat")
        async with lv.lock:
            try:
                return lv.session.profile(seat)
            except ActionError as e:
                raise _err(e) from None

    async def set_profile(self, p: Principal, nid: str, profile: Mapping[str, Any]) -> dict[str, Any]:
        """Submit or revise the seat's own private profile."""
        seat = self._seat(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            try:
                records = await asyncio.to_thread(lv.session.set_profile, seat, profile)
            except ActionError as e:
                raise _err(e) from None
            await self._commit(nid, lv, records)
            return lv.session.profile(seat)

    async def assistant(self, p: Principal, nid: str) -> dict[str, Any]:
        """The mediator's assistant on every side's current inputs; names and inputs only where the
        organiser allowed it (``disclosure: mediator``) or for the organiser."""
        if not p.organiser:
            seat = self._seat(p, nid)
        lv = await self._live(nid)
        s = lv.session
        if not p.organiser and not s.is_mediator(seat):
            raise ServiceError(403, "only the mediator's seat has the assistant")
        reveal = p.organiser or s.spec.disclosure == "mediator"
        async with lv.lock:
            game = s.game
            v = s._view(s.mediators[0]) if s.mediators else None
            text = tuple(int(k) for k in v.pending) if v is not None and v.pending is not None else None
            key = (s.profile_version, text, reveal)
            seats = [x for x, a in s.index.items() if a >= 0]
        if lv.assist_cache is not None and lv.assist_cache[0] == key:
            return lv.assist_cache[1]
        from ..api import assist  # noqa: PLC0415 - the analysis and API layers only when asked for
        from ..guards import LimitExceeded  # noqa: PLC0415 - the analysis and API layers only when asked for

        try:
            res = await asyncio.to_thread(assist, game, text=text, reveal=reveal)
        except LimitExceeded as e:
            raise ServiceError(422, f"the assistant cannot analyse this game: {e}") from None
        out: dict[str, Any] = {"negotiation": nid, "disclosure": s.spec.disclosure, **res.to_dict()}
        if reveal:
            out["profiles"] = {x: profile_of(game, x) for x in seats if not s.is_mediator(x)}
        lv.assist_cache = (key, out)
        return out

    # -- what the web rooms read (each a use case of its own, tested apart from the pages) -----------
    async def _read(self, nid: str, fn: Any, *args: Any) -> Any:
        lv = await self._live(nid)
        async with lv.lock:
            try:
                return fn(lv.session, *args)
            except ActionError as e:
                raise _err(e) from None

    async def evaluate(self, p: Principal, nid: str, text: Any) -> dict[str, Any]:
        """What-if for a delegation: its own value of ``text`` under its current private preferences,
        per issue whether the value is in its acceptable set (else the nearest it accepts)."""
        seat = self._seat(p, nid)
        return await self._read(nid, lambda s: s.evaluate(seat, text))

    async def values(self, p: Principal, nid: str) -> dict[str, Any]:
        """A delegation's own value of every text it has seen, in order (its figure over time)."""
        seat = self._seat(p, nid)
        return await self._read(nid, lambda s: s.values(seat))

    async def calendar(self, p: Principal, nid: str) -> dict[str, Any]:
        """The public calendar (every round's date, the calendar pauses before it, the deadline) and the
        names and colours of the seats this holder hears from (every seat for the organiser)."""
        seat = None
        if not p.organiser:
            seat = self._seat(p, nid)
        else:
            self._organiser(p, nid)
        return await self._read(nid, lambda s: s.calendar(seat))

    async def note(self, p: Principal, nid: str) -> dict[str, Any]:
        """The seat's own private notes."""
        seat = self._seat(p, nid)
        return await self._read(nid, lambda s: s.note(seat))

    async def set_note(self, p: Principal, nid: str, text: Any) -> dict[str, Any]:
        """Save the seat's private notes (a record of the log: the organiser reads the whole log)."""
        seat = self._seat(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            try:
                records = lv.session.set_note(seat, text)
            except ActionError as e:
                raise _err(e) from None
            await self._commit(nid, lv, records)
            return lv.session.note(seat)

    def _mediator_seat(self, p: Principal, nid: str, lv: Live) -> str | None:
        """The mediator's seat for a mediator's token, ``None`` for the organiser; 403 otherwise."""
        if p.organiser:
            return None
        seat = self._seat(p, nid)
        if not lv.session.is_mediator(seat):
            raise ServiceError(403, "only the mediator's seat has the assistant")
        return seat

    async def check_draft(self, p: Principal, nid: str, text: Any) -> dict[str, Any]:
        """The mediator's draft editor: who would accept ``text`` as far as the mediator may know — the
        assistant's check on every side's current inputs (:func:`accord.analysis.assistant.check_text`),
        naming sides and showing utilities only under ``disclosure: mediator`` (or to the organiser)."""
        if not p.organiser:
            self._seat(p, nid)
        else:
            self._organiser(p, nid)
        lv = await self._live(nid)
        self._mediator_seat(p, nid, lv)
        s = lv.session
        reveal = p.organiser or s.spec.disclosure == "mediator"
        async with lv.lock:
            try:
                o = s._indices(text, "text")
            except ActionError as e:
                raise _err(e) from None
            game = s.game
        from ..analysis.assistant import check_text  # noqa: PLC0415 - the analysis and API layers only when asked for

        res = await asyncio.to_thread(check_text, game, o, reveal=reveal, label="draft")
        needed = int(game.needed(np.asarray(o)[None, :])[0].sum())
        return {"negotiation": nid, "disclosure": s.spec.disclosure, "needed": needed, **res.to_dict()}

    async def space(self, p: Principal, nid: str) -> dict[str, Any]:
        """The utility space of the texts so far (the mediator's figure): every party's utility of each
        text, on the delegations' private preferences under ``disclosure: mediator`` (and for the
        organiser), else on the scenario's published estimates (the mediator's own beliefs)."""
        if p.organiser:
            self._organiser(p, nid)
        else:
            self._seat(p, nid)
        lv = await self._live(nid)
        seat = self._mediator_seat(p, nid, lv)
        reveal = p.organiser or lv.session.spec.disclosure == "mediator"
        return await self._read(nid, lambda s: s.space(seat, reveal))

    async def progress(self, p: Principal, nid: str) -> dict[str, Any]:
        """What the secretariat watches: per seat its player, whether it must act now, how many actions
        it took — never what anyone said (that is in the log, which the organiser may read)."""
        self._organiser(p, nid)
        out = await self._read(nid, lambda s: s.progress())
        return {"id": nid, **out}

    async def watch(self, p: Principal, nid: str) -> AsyncIterator[str]:
        """Server-sent events for the secretariat: ``progress`` (as :meth:`progress`) now and after
        every change, until the negotiation ends."""
        self._organiser(p, nid)
        lv = await self._live(nid)
        keepalive = self.settings.keepalive

        async def gen() -> AsyncIterator[str]:
            cur = lv
            n = 0
            yield "retry: 2000\n\n"
            while True:
                cur = self.live.get(nid, cur)
                waiter = cur.waiter()
                async with cur.lock:
                    data = {"id": nid, **cur.session.progress()}
                yield f"id: {n}\nevent: progress\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
                n += 1
                if cur.session.finished or cur.session.status == "closed" or self.closing.is_set():
                    return
                try:
                    await asyncio.wait_for(waiter.wait(), timeout=keepalive)
                except TimeoutError:
                    yield ": keepalive\n\n"

        return gen()

    async def seats_of(self, p: Principal, body: Mapping[str, Any]) -> dict[str, Any]:
        """Before creating: the seats a scenario and protocol give, each with its default software
        player, and the strategies that may play a party or a mediator (the secretariat's form)."""
        self._organiser(p)
        try:
            spec, game = await asyncio.to_thread(self._spec, {**body, "seats": {}})
        except ActionError as e:
            raise _err(e) from None
        from ..negotiation.runner import players_of  # noqa: PLC0415 - the analysis and API layers only when asked for
        from ..negotiation.strategies import filtered_strategies  # noqa: PLC0415 - the analysis and API layers only when asked for

        _, mediators = players_of(game, spec.protocol, spec.config)
        seats = []
        for seat, player in spec.seats.items():
            a = game.index(seat) if seat in game.actors else -1
            seats.append({"id": seat, "name": game.names[a] if a >= 0 else "Mediator",
                          "role": game.roles[a] if a >= 0 else "mediator", "mediator": a in mediators,
                          "default": player})
        return {"title": spec.title, "protocol": spec.protocol, "seats": seats,
                "strategies": {"party": sorted(c.name for c in filtered_strategies(mediator=False)),
                               "mediator": sorted(c.name for c in filtered_strategies(mediator=True))}}

    async def session_brief(self, p: Principal, nid: str) -> dict[str, Any]:
        """The brief of the session so far (organiser): :func:`accord.session_brief` on the live
        transcript, measured on the preferences the delegations played with."""
        self._organiser(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            tr = await asyncio.to_thread(lv.session.transcript)
            game = lv.session.game
        from ..api import session_brief  # noqa: PLC0415 - the analysis and API layers only when asked for

        res = await asyncio.to_thread(session_brief, game, tr, profiles=False)
        return {"negotiation": nid, "status": tr["status"], **res.to_dict()}

    async def transcript(self, p: Principal, nid: str) -> dict[str, Any]:
        """The whole session as ``accord simulate --json`` gives it (organiser)."""
        self._organiser(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            return await asyncio.to_thread(lv.session.transcript)

    async def log(self, p: Principal, nid: str) -> dict[str, Any]:
        """Every record of the negotiation's log as stored (organiser)."""
        self._organiser(p, nid)
        assert self.store is not None
        got = await asyncio.to_thread(self.store.load, nid)
        if got is None:
            raise ServiceError(404, NOT_FOUND)
        spec, status, records = got
        return {"negotiation": nid, "status": status, "spec": spec,
                "records": [{"seq": r["seq"], "type": r["type"], "actor": r["actor"], "body": r["body"],
                             "idempotency_key": r["idem_key"], "at": r["created"]} for r in records]}

    async def control(self, p: Principal, nid: str, what: str) -> dict[str, Any]:
        """``pause``, ``resume`` or ``close`` (organiser)."""
        self._organiser(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            try:
                records = lv.session.control(what)
            except ActionError as e:
                raise _err(e) from None
            await self._commit(nid, lv, records)
            return self._summary(nid, lv.session)

    def _summary(self, nid: str, s: Session) -> dict[str, Any]:
        return {"id": nid, "title": s.spec.title, "protocol": s.spec.protocol, "status": s.state_name,
                "round": int(s.state.round) + 1, "players": dict(s.spec.seats), "disclosure": s.spec.disclosure,
                "seed": s.spec.seed, "outcome": s.outcome_json()}

    async def info(self, p: Principal, nid: str) -> dict[str, Any]:
        self._organiser(p, nid)
        lv = await self._live(nid)
        async with lv.lock:
            return self._summary(nid, lv.session)

    async def list(self, p: Principal) -> dict[str, Any]:
        self._organiser(p)
        assert self.store is not None
        rows = await asyncio.to_thread(self.store.negotiations)
        for r in rows:
            lv = self.live.get(r["id"])
            if lv is not None:
                r["status"] = lv.session.state_name
        return {"negotiations": rows}

    async def reissue(self, p: Principal, nid: str, seat: str) -> dict[str, Any]:
        """A new invitation token for a human seat; the old one stops working (organiser)."""
        self._organiser(p, nid)
        lv = await self._live(nid)
        if seat not in lv.session.humans():
            raise ServiceError(404, f"no human seat {seat!r}; human seats: {', '.join(lv.session.humans())}", "seat")
        assert self.writer is not None and self.store is not None
        token = new_token()
        h = hash_token(token)
        await self.writer.submit(functools.partial(self.store.reissue, nid=nid, seat=seat, new_hash=h))
        for old in self.seat_tokens.pop((nid, seat), set()):
            self.tokens.pop(old, None)
        self.tokens[h] = (nid, seat)
        self.seat_tokens[(nid, seat)] = {h}
        return {"seat": seat, "token": token, "url": self.url(nid, token)}

    async def stream(self, p: Principal, nid: str, last_event_id: int | None = None,
                     changes: bool = False) -> AsyncIterator[str]:
        """Server-sent events of the seat's new events (from after ``last_event_id`` when given).
        ``changes``: for the mediator's seat only, also a bare ``changed`` event (no id, no content)
        whenever the negotiation changes without a new event of its own — a delegation revised its
        private profile, so the assistant's answer may have moved. Never for a delegation: what the
        others do, and when, is not its to know."""
        seat = self._seat(p, nid)
        lv = await self._live(nid)
        keepalive = self.settings.keepalive
        ticks = changes and lv.session.is_mediator(seat)

        async def gen() -> AsyncIterator[str]:
            cur = lv
            sent = (last_event_id + 1) if last_event_id is not None else cur.visible.get(seat, 0)
            yield "retry: 2000\n\n"
            woke = False
            while True:
                cur = self.live.get(nid, cur)
                waiter = cur.waiter()
                evs = cur.session.seat_events[seat]
                upto = min(cur.visible.get(seat, 0), len(evs))
                if woke and ticks and sent >= upto:
                    yield "event: changed\ndata: {}\n\n"
                while sent < upto:
                    ev = evs[sent]
                    yield f"id: {sent}\nevent: {ev['kind']}\ndata: {json.dumps(ev, ensure_ascii=False)}\n\n"
                    sent += 1
                if cur.session.finished or cur.session.status == "closed" or self.closing.is_set():
                    return
                try:
                    await asyncio.wait_for(waiter.wait(), timeout=keepalive)
                    woke = True
                except TimeoutError:
                    woke = False
                    yield ": keepalive\n\n"

        return gen()
