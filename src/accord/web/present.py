"""From use-case results to what the templates show: labels, dates, sentences, figures, regions.

Nothing here decides anything about a negotiation: every number comes from a use case of the service
(:class:`accord.service.usecases.Service`); this module only words and arranges it. A room is a set of
*regions* (the text on the table, the reply form, the timeline, ...), each rendered on its own so the
page can replace just the regions that changed when an event arrives (``/rooms/ID/regions``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from ..service.auth import Principal
from ..service.usecases import Service
from . import figures

__all__ = ["FILTERS", "GLOBALS", "delegation_context", "describe", "label", "mediator_context",
           "organiser_context", "render_regions"]


# -- words ---------------------------------------------------------------------------------------
def label(value: Any, issue: Mapping[str, Any]) -> str:
    """The option's label (the value itself when the scenario gives none)."""
    vals = issue["values"]
    for k, v in enumerate(vals):
        if v == value or (isinstance(v, float) and isinstance(value, (int, float)) and abs(v - float(value)) < 1e-9):
            labels = issue.get("labels") or []
            return str(labels[k]) if k < len(labels) and labels[k] else _plain(v, issue)
    return _plain(value, issue)


def _plain(v: Any, issue: Mapping[str, Any]) -> str:
    if isinstance(v, float):
        s = f"{v:g}"
        return f"{s} {issue['unit']}" if issue.get("unit") else s
    return str(v)


def u(x: Any) -> str:
    """A utility as people read it: two decimals on the 0-1 scale."""
    return "—" if x is None else f"{float(x):.2f}"


def date(d: Any) -> str:
    if not d:
        return ""
    try:
        return dt.date.fromisoformat(str(d)).strftime("%-d %b %Y")
    except ValueError:
        return str(d)


def option_value(v: Any) -> str:
    """A value as a form's option carries it."""
    return f"{v:g}" if isinstance(v, float) else str(v)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return bool(a == b)


def issue_map(issues: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {i["id"]: i for i in issues}


def wanted(issues: Mapping[str, Any], imap: Mapping[str, Mapping[str, Any]]) -> str:
    """``{issue: value}`` of a critique as "Issue → option; ..."."""
    parts = []
    for k, v in issues.items():
        iss = imap.get(k)
        if iss is None:
            continue
        if isinstance(v, Mapping) and "toward" in v:  # the transcript's shape {from, toward}
            v = v["toward"]
        parts.append(f"{iss['name']} → {label(v, iss)}")
    return "; ".join(parts)


def describe(ev: Mapping[str, Any], me: str, names: Mapping[str, str], imap: Mapping[str, Mapping[str, Any]]
             ) -> str:
    """One event of a seat's own list as a sentence, from that seat's point of view."""
    kind, who = ev.get("kind"), ev.get("from")
    name = "You" if who == me else names.get(str(who), str(who))
    if kind in ("draft", "offer", "propose"):
        what = {"draft": "put a new text on the table", "offer": "made an offer", "propose": "proposed a text"}[kind]
        return f"{name} {what}."
    if kind == "critique":
        verb = "asked" if who == me else "asks"
        return f"{name} {verb} for changes: {wanted(ev.get('issues') or {}, imap)}."
    if kind == "accept":
        return f"{name} {'accepted' if who == me else 'accepts'} the text."
    if kind == "reject":
        return f"{name} {'rejected' if who == me else 'rejects'} the text."
    if kind == "profile":
        return "You revised your private preference profile."
    if kind == "pause":
        return f"Calendar pause: {ev.get('name')} ({date(ev.get('start'))} to {date(ev.get('end'))})."
    if kind in ("paused", "resumed", "closed"):
        return f"The secretariat {kind} the talks."
    if kind == "end":
        return ("The talks ended in agreement." if ev.get("agreement")
                else f"The talks ended without agreement ({ev.get('reason')}).")
    return f"{name}: {kind}."


def when(ts: Any) -> str:
    """A stored time (seconds since the epoch) as a date and time in UTC."""
    try:
        return dt.datetime.fromtimestamp(float(ts), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError, OverflowError):
        return ""


FILTERS = {"label": label, "u": u, "date": date, "optval": option_value, "when": when}
GLOBALS = {"same": same, "wanted": wanted}


# -- contexts ------------------------------------------------------------------------------------
def _timeline(cal: Mapping[str, Any], events: Sequence[Mapping[str, Any]], me: str,
              imap: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The seat's own events under the rounds of the public calendar (future rounds too)."""
    names = cal["names"]
    rounds: dict[int, dict[str, Any]] = {}
    for r in cal["rounds"]:
        rounds[r["round"]] = {"round": r["round"], "date": r["date"], "pauses": r["pauses"], "items": []}
    tail = []
    for ev in events:
        if ev.get("kind") == "pause":
            continue  # shown from the calendar, before its round
        item = {"n": ev["n"], "kind": ev["kind"], "from": ev.get("from"), "text": describe(ev, me, names, imap)}
        rnd = ev.get("round")
        if rnd is None:
            tail.append(item)
            continue
        rounds.setdefault(int(rnd), {"round": int(rnd), "date": None, "pauses": [], "items": []})["items"].append(item)
    return {"rounds": [rounds[k] for k in sorted(rounds)], "tail": tail, "current": cal["current"],
            "deadline": cal["deadline"]}


def _xlabels(texts: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: dict[int, int] = {}
    out = []
    for t in texts:
        r = int(t.get("round") or 0)
        seen[r] = seen.get(r, 0) + 1
        out.append(f"R{r}" if seen[r] == 1 else f"R{r}.{seen[r]}")
    return out


def values_figure(values: Mapping[str, Any], me: str, cal: Mapping[str, Any],
                  imap: Mapping[str, Mapping[str, Any]]) -> Markup | None:
    texts = values["texts"]
    if not texts:
        return None
    names = cal["names"]
    pts = []
    for k, t in enumerate(texts):
        out = [imap[i]["name"] for i in t["outside"] if i in imap]
        who = names.get(str(t["from"]), str(t["from"]))
        tip = (f"Round {t['round']}{' (' + date(t['date']) + ')' if t.get('date') else ''}, {t['kind']} from {who}: "
               f"worth {u(t['utility'])} to you" + (f"; outside your acceptable set on {', '.join(out)}" if out else
                                                    "; inside your acceptable sets"))
        pts.append(figures.Point(k, float(t["utility"]), tip, hollow=not t["acceptable"]))
    series = [figures.Series(names.get(me, me), cal["colours"].get(me, "#000000"), "circle", pts)]
    refs = [(float(values["reservation"]), "your reservation")] if values.get("reservation") is not None else []
    return figures.line_chart(
        f"values-{me}", "Your value of every text over time",
        "Each marker is a text put to your delegation, in order, at its value to you under your current "
        "preferences; filled markers are texts you could accept, hollow ones fall outside your acceptable set "
        "(or below your reservation).", _xlabels(texts), series, refs=refs)


def space_figure(space: Mapping[str, Any], me: str, cal: Mapping[str, Any]) -> Markup | None:
    if not space["texts"] or len(space["parties"]) < 1:
        return None
    basis = ("on each delegation's private preferences (the secretariat disclosed them to you)"
             if space["basis"] == "private" else
             "as the scenario's published estimates put them (your beliefs: no delegation's private profile)")
    return figures.utility_space(
        "space", "The texts so far in the parties' utility space",
        f"Each numbered circle is a text, in the order it was put, at the parties' utilities {basis}; "
        "up and right is better for both parties of a panel; the hollow square is no deal.",
        space["parties"], space["names"], cal["colours"], space["texts"],
        text_colour=cal["colours"].get(me, "#000000"), disagreement=space.get("disagreement"))


def _last_text(view: Mapping[str, Any]) -> dict[str, Any] | None:
    if view.get("current"):
        return dict(view["current"])
    for ev in reversed(view["events"]):
        t = ev.get("outcome") if ev.get("kind") != "end" else ev.get("text")
        if isinstance(t, Mapping):
            return dict(t)
    return None


def _base(view: Mapping[str, Any], cal: Mapping[str, Any], csrf: str, note: Mapping[str, Any]) -> dict[str, Any]:
    imap = issue_map(view["issues"])
    return {"view": view, "cal": cal, "csrf": csrf, "idem": secrets.token_urlsafe(12), "note": note,
            "issues": view["issues"], "imap": imap, "me": view["actor"], "names": cal["names"],
            "timeline": _timeline(cal, view["events"], view["actor"], imap)}


async def delegation_context(svc: Service, p: Principal, nid: str, csrf: str) -> dict[str, Any]:
    """Everything a delegation's room shows, from its own use cases only."""
    view = await svc.view(p, nid)
    cal = await svc.calendar(p, nid)
    ctx = _base(view, cal, csrf, await svc.note(p, nid))
    has_own = view["profile"] is not None
    ctx["worth"] = await svc.evaluate(p, nid, view["current"]) if has_own and view["current"] else None
    ctx["values"] = await svc.values(p, nid) if has_own else {"texts": [], "reservation": None}
    ctx["figure"] = values_figure(ctx["values"], view["actor"], cal, ctx["imap"]) if has_own else None
    start = _last_text(view) or {i["id"]: i["values"][0] for i in view["issues"]}
    ctx["whatif_text"] = start
    ctx["whatif"] = await svc.evaluate(p, nid, start) if has_own else None
    ctx["kind"] = "delegation"
    return ctx


def _replies(view: Mapping[str, Any], cal: Mapping[str, Any], imap: Mapping[str, Mapping[str, Any]]
             ) -> list[dict[str, Any]]:
    """The replies the mediator received, newest round first: who, what, and the issues named."""
    me, names = view["actor"], cal["names"]
    rows: dict[int, list[dict[str, Any]]] = {}
    for ev in view["events"]:
        if ev.get("from") in (me, None, "organiser") or ev.get("kind") not in ("accept", "critique", "reject"):
            continue
        rows.setdefault(int(ev.get("round") or 0), []).append(
            {"from": ev["from"], "name": names.get(str(ev["from"]), str(ev["from"])), "kind": ev["kind"],
             "colour": cal["colours"].get(str(ev["from"]), "#000000"),
             "issues": [(imap[k]["name"], label(v, imap[k])) for k, v in (ev.get("issues") or {}).items() if k in imap],
             "text": describe(ev, me, names, imap)})
    return [{"round": r, "replies": rows[r]} for r in sorted(rows, reverse=True)]


async def mediator_context(svc: Service, p: Principal, nid: str, csrf: str) -> dict[str, Any]:
    """Everything the mediator's console shows: its own view, the assistant, the draft check and the
    utility space, each within the disclosure the organiser chose."""
    view = await svc.view(p, nid)
    cal = await svc.calendar(p, nid)
    ctx = _base(view, cal, csrf, await svc.note(p, nid))
    assistant = await svc.assistant(p, nid)
    starts: list[tuple[str, str, dict[str, Any]]] = []
    last = _last_text(view)
    if last:
        starts.append(("last", "the last text", last))
    if assistant.get("nash"):
        starts.append(("nash", "the assistant's Nash text", assistant["nash"]["text"]))
    if assistant.get("egalitarian"):
        starts.append(("egalitarian", "the assistant's egalitarian text", assistant["egalitarian"]["text"]))
    for k, c in enumerate(assistant.get("closest") or []):
        starts.append((f"closest-{k + 1}", f"closest text {k + 1} ({c.get('label', '')})", c["text"]))
    draft = starts[0][2] if starts else {i["id"]: i["values"][0] for i in view["issues"]}
    ctx.update(kind="mediator", assistant=assistant, starts=starts, draft=draft,
               check=await svc.check_draft(p, nid, draft), replies=_replies(view, cal, ctx["imap"]),
               space=await svc.space(p, nid))
    ctx["figure"] = space_figure(ctx["space"], view["actor"], cal)
    return ctx


async def organiser_context(svc: Service, p: Principal, nid: str, csrf: str) -> dict[str, Any]:
    """The secretariat's page of one negotiation: settings, progress, controls (never the content)."""
    info = await svc.info(p, nid)
    prog = await svc.progress(p, nid)
    cal = await svc.calendar(p, nid)
    return {"kind": "organiser", "nid": nid, "info": info, "progress": prog, "cal": cal, "csrf": csrf,
            "humans": [s for s, x in prog["seats"].items() if x["player"] == "human"]}


def brief_figure(brief: Mapping[str, Any], cal: Mapping[str, Any]) -> Markup | None:
    texts = brief["texts"]
    if not texts:
        return None
    names, colours = cal["names"], cal["colours"]
    series = []
    for k, a in enumerate(brief["players"]):
        pts = [figures.Point(j, float(t["utilities"].get(a, 0.0)),
                             f"Round {t['round']} {t['kind']}: {names.get(a, a)} {u(t['utilities'].get(a))}")
               for j, t in enumerate(texts)]
        series.append(figures.Series(names.get(a, a), colours.get(a, "#000000"),
                                     figures.SHAPES[k % len(figures.SHAPES)],
                                     pts))
    return figures.line_chart("brief-utilities", "Each party's utility of every text",
                              "One line per party (its colour and marker shape, labelled at the right), one column "
                              "per text in the order it was put.", _xlabels(texts), series)


# -- regions -------------------------------------------------------------------------------------
REGIONS = {
    "delegation": ("status", "table", "reply", "whatif", "values", "timeline", "profile", "notes"),
    "mediator": ("status", "replies", "draft", "assistant", "space", "timeline", "notes"),
    "organiser": ("progress",),
}


def render_regions(env: Any, ctx: Mapping[str, Any]) -> dict[str, tuple[str, Markup]]:
    """Each region of the page as ``(key, html)``: the key is a hash of the html, so the page replaces
    a region only when what it shows has changed (a form being filled in is left alone otherwise)."""
    out = {}
    for name in REGIONS[str(ctx["kind"])]:
        html = env.get_template(f"regions/{name}.html.j2").render(**ctx)
        stable = html.replace(str(ctx.get("idem", "")), "") if ctx.get("idem") else html
        out[name] = (hashlib.sha256(stable.encode()).hexdigest()[:16], Markup(html))
    return out
