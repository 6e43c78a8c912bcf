"""Generators of hostile inputs for the scenario language's newer surfaces (issue 13, second wave):
dated snapshots and ``--as-of``, ranges and linear inequalities in constraints, ratifier rules,
influence links, deadline extensions, round participants, provenance speakers and kinds,
``validate --sources``, ``accord audit`` and ``analyze --draws``.

Like :mod:`hostile_cases`, every class combines a list of hostile values with the places they can go;
each :class:`~hostile_cases.Case` says what the command line must do: exit 2 with the field (or
option, or file) in the message, or a correct result.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hostile_cases import BASE, HUGE_YAML, RAW_CONTROL, Case, _set, _yaml, special_file

#: The notes the rich scenario's quotes come from (``validate --sources``): every quote verbatim, every
#: speaker named in its paragraph.
NOTES = ("A wants the line at zero, said Party A.\n\nB wants the line at 100.\n\nA rejects a treaty.\n\n"
         "B needs a guarantee.\n\nA prefers Geneva.\n\nB prefers Miami.\n\nThe mediator proposes the middle.\n\n"
         "Parliament ratifies only a treaty.\n\nA moves to ten, said Party A.\n")


def rich() -> dict[str, Any]:
    """The toy scenario with every newer construct: a dated snapshot, a supermajority ratifier, a linear
    inequality, a range, an influence link, a deadline extension, round participants, speakers and kinds."""
    d = copy.deepcopy(BASE)
    d["date"] = "2025-02-15"
    d["stances"][0]["provenance"].update({"speaker": "Party A", "kind": "stated",
                                          "quote": "A wants the line at zero"})
    d["stances"][1]["provenance"].update({"speaker": "author", "kind": "reported"})
    d["constraints"][0]["rule"] = {"supermajority": "2/3", "opposition": 0.55}
    d["constraints"].append({"kind": "forbidden", "id": "cap", "linear": ["border/10 + guarantee >= 11"],
                             "reason": "Linear cap (test)."})
    d["constraints"].append({"kind": "requires", "if": {"border": {"low": 90}},
                             "then": {"guarantee": {"low": "resolution"}}, "reason": "Range (test)."})
    d["constraints"].append({"kind": "influence", "actor": "a", "target": "parl", "issue": "guarantee", "shift": 1,
                             "reason": "Lobbying (test)."})
    d["process"]["extensions"] = [{"until": "2025-04-01", "probability": 0.5, "reason": "More time"}]
    d["process"]["rounds"][0]["participants"] = ["a", "b", "m"]
    d["snapshots"] = [{"id": "s1", "date": "2025-02-01", "name": "A moves", "note": "n", "stances": [
        {"actor": "a", "issue": "border", "ideal": 10, "salience": 0.7, "acceptable": {"low": 0, "high": 70},
         "provenance": {"source": "notes", "quote": "A moves to ten", "speaker": "Party A", "kind": "stated"}}]}]
    return d


RICH = rich()
RICH_YAML = _yaml(RICH)
_MARK = "31415.92653589"


def _with(path: str, value: Any, data: dict[str, Any] | None = None) -> str:
    return _yaml(_set(RICH if data is None else data, path, value))


# -- class: numbers in the newer numeric fields ------------------------------------------------------
NEW_NUMBER_FIELDS = ("constraints[0].rule.supermajority", "constraints[0].rule.opposition", "constraints[4].shift",
                     "process.extensions[0].probability", "constraints[3].if.border.low",
                     "snapshots[0].stances[0].salience", "snapshots[0].stances[0].ideal",
                     "snapshots[0].stances[0].acceptable.high")
#: strings a fraction field reads (``supermajority: 2/3``) that are not finite numbers in range
FRACTIONS = {"1/0": "a fraction such as 2/3", "nan": "finite", "inf/inf": "finite", "1e400": "finite",
             "1/1e-400": "a fraction such as 2/3", "2/3/4": "a fraction such as 2/3", "1/3": "greater than 0.5"}


def numbers() -> Iterator[Case]:
    values = list(HUGE_YAML.items()) + [("negative", "-1"), ("huge", "1e300")]
    for k, path in enumerate(NEW_NUMBER_FIELDS):
        text = _yaml(_set(RICH, path, float(_MARK)))
        for label, lit in values[k % 2::2]:  # every value, rotating over the fields
            if path.endswith((".ideal", ".low")) and label in ("negative", "huge"):
                words: tuple[str, ...] = (path, "not a position")
            elif path.endswith("acceptable.high") and label in ("negative", "huge"):
                words = (path.removesuffix(".high"), "acceptable")  # the interval as a whole is wrong
            else:
                words = (path,)
            yield Case("new-numbers", f"{path}={label}", ["validate", "{f}"], {"s.yaml": text.replace(_MARK, lit)},
                       expect=words)
    rule = copy.deepcopy(RICH)
    rule["constraints"][0]["rule"] = {"probability": float(_MARK)}
    for label, lit in values[::3]:
        yield Case("new-numbers", f"rule.probability={label}", ["validate", "{f}"],
                   {"s.yaml": _yaml(rule).replace(_MARK, lit)}, expect=("constraints[0].rule.probability",))
    for frac, why in FRACTIONS.items():
        yield Case("new-numbers", f"supermajority='{frac}'", ["validate", "{f}"],
                   {"s.yaml": _with("constraints[0].rule.supermajority", frac)},
                   expect=("constraints[0].rule.supermajority", why))
    yield Case("new-numbers", "supermajority=true", ["validate", "{f}"],
               {"s.yaml": _with("constraints[0].rule.supermajority", True)}, expect=("boolean",))
    # absurd but valid: a shift far past the actor's ideal stops at the ideal (a correct result)
    yield Case("new-numbers", "shift=1e300-analyze", ["analyze", "{f}"],
               {"s.yaml": _with("constraints[4].shift", 1e300)}, code=0, expect=("frontier",))
    for opt, bad in (("--draws", "-1"), ("--draws", "1e3"), ("--seed", "-1"), ("--seed", str(2**64)),
                     ("--rows", "-1")):
        yield Case("new-numbers", f"analyze{opt}={bad}", ["analyze", "{f}", opt, bad, "--draws", "2"]
                   if opt != "--draws" else ["analyze", "{f}", opt, bad], {"s.yaml": RICH_YAML}, expect=(opt,))
    for draws in ("1000000000", str(10**30)):
        yield Case("new-numbers", f"analyze--draws={draws[:12]}", ["analyze", "{f}", "--draws", draws],
                   {"s.yaml": RICH_YAML}, expect=("--limit cells=",))
    yield Case("new-numbers", "analyze--draws=30", ["analyze", "{f}", "--draws", "30", "--json"], {"s.yaml": RICH_YAML},
               code=0, expect=('"robustness"',))


# -- class: dates ---------------------------------------------------------------------------------------
BAD_DATES = {"2025-13-45": "month", "2025-02-30": "day", "not a date": "date", "10000-01-01": "date",
             "2025-1-1": "date", "20250101": "date", "": "date"}
DATE_FIELDS = ("snapshots[0].date", "process.extensions[0].until", "process.rounds[0].start", "process.deadline",
               "stances[0].provenance.date")
#: --as-of values that are not a YYYY-MM-DD date (Python's fromisoformat reads some of them as a day)
BAD_AS_OF = ("2025-02-30", "", "yesterday", "2025-W05", "20250101", "2025-032", "2025-02-01T10:00", "[/x]",
             "\x1b[2J", "x" * 5000)


def _process(**kw: Any) -> str:
    d = copy.deepcopy(RICH)
    d["process"].update(kw)
    return _yaml(d)


def dates() -> Iterator[Case]:
    bad = list(BAD_DATES.items())
    for k, path in enumerate(DATE_FIELDS):
        for value, words in bad[k % 2::2]:
            yield Case("dates", f"{path}={value or 'empty'}", ["validate", "{f}"], {"s.yaml": _with(path, value)},
                       expect=(path, words))
    commands = (["analyze", "{f}"], ["forecast", "{f}"], ["simulate", "{f}"], ["show", "{f}"])
    for k, value in enumerate(BAD_AS_OF):
        cmd = commands[k % len(commands)]
        yield Case("dates", f"{cmd[0]}--as-of={value[:12]!r}", [*cmd, "--as-of", value], {"s.yaml": RICH_YAML},
                   expect=("--as-of", "YYYY-MM-DD"))
    # before, between and after the snapshots and the process: correct results
    for when in ("0001-01-01", "2025-01-31", "2025-02-01", "9999-12-31"):
        yield Case("dates", f"show--as-of={when}", ["show", "--json", "{f}", "--as-of", when], {"s.yaml": RICH_YAML},
                   code=0, literal=(f'"date": "{when}"',))
    # out of order
    yield Case("dates", "extension-before-deadline", ["validate", "{f}"],
               {"s.yaml": _with("process.extensions[0].until", "2025-02-01")},
               expect=("process.extensions[0].until", "not after the deadline"))
    yield Case("dates", "extensions-same-day", ["validate", "{f}"],
               {"s.yaml": _process(extensions=[{"until": "2025-04-01"}, {"until": "2025-04-01"}])},
               expect=("process.extensions[1].until",))
    yield Case("dates", "extension-without-deadline", ["validate", "{f}"], {"s.yaml": _process(deadline=None)},
               expect=("process.extensions[0]", "deadline"))
    yield Case("dates", "round-ends-before-start", ["validate", "{f}"],
               {"s.yaml": _with("process.rounds[0].end", "2025-01-01")}, expect=("process.rounds[0]", "before start"))
    yield Case("dates", "deadline-before-start", ["validate", "{f}"], {"s.yaml": _process(deadline="2024-01-01")},
               expect=("process.deadline", "before process.start"))
    # before or after the process: valid, with a warning that the date takes no effect
    after = [{"id": "r9", "name": "Late", "start": "2030-01-01"}]
    yield Case("dates", "round-after-last-deadline", ["validate", "{f}"],
               {"s.yaml": _process(rounds=RICH["process"]["rounds"] + after)}, code=0,
               expect=("process.rounds[1].start", "never holds"))
    yield Case("dates", "round-before-start", ["validate", "{f}"],
               {"s.yaml": _process(rounds=[{"id": "r0", "name": "Early", "start": "1990-01-01"}])}, code=0,
               expect=("process.rounds[0].start", "never holds"))
    yield Case("dates", "snapshot-after-scenario-date", ["validate", "{f}"],
               {"s.yaml": _with("snapshots[0].date", "2026-01-01")}, code=0,
               expect=("snapshots[0].date", "--as-of"))
    # the calendar's own ends: a pause to the end of time, a deadline in year 9999 with a round a day
    yield Case("dates", "pause-to-year-9999", ["simulate", "{f}", "--protocol", "table"],
               {"s.yaml": _process(pauses=[{"name": "P", "start": "0001-01-01", "end": "9999-12-31"}])}, code=0)
    yield Case("dates", "round-a-day-to-year-9999", ["simulate", "{f}", "--steps", "2000"],
               {"s.yaml": _process(start="0001-01-01", deadline="9999-12-30", round_days=1,
                                   extensions=[{"until": "9999-12-31"}])}, code=0)
    yield Case("dates", "round-days-3660-from-9990", ["simulate", "{f}", "--steps", "500"],
               {"s.yaml": _process(start="9990-01-01", deadline=None, extensions=[], round_days=3660,
                                   rounds=[{"id": "r1", "name": "R", "start": "9990-01-01"}])}, code=0)
    yield Case("dates", "duplicate-round-id", ["validate", "{f}"],
               {"s.yaml": _process(rounds=[{"id": "r1", "name": "A", "start": "2025-01-12"},
                                           {"id": "r1", "name": "B", "start": "2025-01-20"}])},
               expect=("process.rounds[1].id", "duplicate round id"))


# -- class: linear inequalities --------------------------------------------------------------------------
EXPRESSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (inequality, words of the refusal)
    "blank": ("   ", ("one comparison",)),
    "two-comparisons": ("border <= 3 <= 4", ("one comparison",)),
    "no-comparison": ("border + guarantee", ("one comparison",)),
    "parenthesis": ("(border) <= 3", ("expected a number or an issue id",)),
    "5000-deep-parentheses": ("(" * 5000 + "border" + ")" * 5000 + " <= 3", ("expected a number or an issue id",)),
    "unknown-issue": ("bordr <= 3", ("unknown issue 'bordr'",)),
    "unspaced-minus": ("border-guarantee <= 3", ("unknown issue", "space around a minus")),
    "categorical": ("venue <= 1", ("categorical",)),
    "divide-by-zero": ("border/0 <= 1", ("division by zero",)),
    "divide-by-underflow": ("border/1e-400 <= 1", ("division by zero",)),
    "divide-by-issue": ("border/guarantee <= 1", ("divide only by a number",)),
    "product-of-issues": ("border*guarantee <= 3", ("only linear terms",)),
    "power": ("border ** 2 <= 3", ("expected a number or an issue id",)),
    "overflowing-sum": ("1e308*border + 1e308*border <= 1", ("too large",)),
    "infinite-coefficient": ("border*1e400 <= 1", ("too large",)),
    "infinite-bound": ("border <= 1e400", ("too large",)),
    "huge-bound": ("border <= 1e300", ("too large",)),
    "5000-digit-coefficient": ("9" * 5000 + "*border <= 1", ("too large",)),
    "nan-as-issue": ("nan*border <= 1", ("only linear terms",)),
    "cancelled-out": ("border - border <= 1", ("names no issue",)),
    "numbers-only": ("1 <= 2", ("names no issue",)),
    "trailing-operator": ("border + <= 3", ("missing after an operator",)),
    "markup": ("[/x] <= 3", ("cannot read",)),
    "escape-sequence": ("border\x1b[2J <= 3", ("cannot read", "\\x1b")),
    "nul": ("border\x00 <= 3", ("cannot read",)),
    "25000-characters": (" + ".join(["border"] * 2800) + " <= 3", ("20,000 characters",)),
}


def expressions() -> Iterator[Case]:
    for name, (text, words) in EXPRESSIONS.items():
        for k, (where, path) in enumerate((("forbidden", "constraints[2].linear[0]"),
                                           ("requires", "constraints[3].linear[0]"))):
            if (len(name) + k) % 2:  # every expression once, alternating the constraint kind
                continue
            data = copy.deepcopy(RICH)
            if where == "requires":
                data["constraints"][3] = {"kind": "requires", "linear": ["border >= 0"], "reason": "r"}
            yield Case("expressions", f"{where}-{name}", ["validate", "{f}"], {"s.yaml": _with(path, text, data)},
                       expect=(path, *words))
    # semantics the scenario check and the later layers must agree on
    only_linear = copy.deepcopy(BASE)
    only_linear["constraints"] = [only_linear["constraints"][0]]
    for name, kind, text, code, words in (
        ("forbids-everything", "forbidden", "border >= -1000", 2, ("rule out every outcome",)),
        ("requires-the-impossible", "requires", "border >= 1000", 2, ("rule out every outcome",)),
        ("forbids-nothing", "forbidden", "border >= 1000", 0, ()),
        ("requires-most", "requires", "border >= 5", 0, ()),
        ("tiny-units", "requires", "1e-300*border >= 1e-300", 0, ()),
        ("unicode-comparison", "requires", "border ≥ 5", 0, ()),
    ):
        for label, base in (("toy", BASE), ("only-linear", only_linear)):
            d = copy.deepcopy(base)
            d["constraints"].append({"kind": kind, "linear": [text], "reason": "r"})
            for cmd in (["validate", "{f}"], ["simulate", "{f}"]):
                if cmd[0] == "simulate" and (label == "toy" or code == 0):
                    continue
                yield Case("expressions", f"{label}-{name}-{cmd[0]}", cmd, {"s.yaml": _yaml(d)}, code=code,
                           expect=words)
    d = copy.deepcopy(BASE)
    d["constraints"].append({"kind": "forbidden", "linear": [f"border/{k + 1} + guarantee >= {k % 7 + 12}"
                                                             for k in range(3000)], "reason": "r"})
    yield Case("expressions", "3000-inequalities-analyze", ["analyze", "{f}"], {"s.yaml": _yaml(d)}, code=0)
    # a space too large for the scenario check: what the inequality rules out is found when negotiating
    from hostile_cases import big_scenario

    big = json.loads(big_scenario(2, 2, 2001)) if big_scenario(2, 2, 2001).startswith("{") else None
    if big is None:
        import yaml

        big = yaml.safe_load(big_scenario(2, 2, 2001))
    big["constraints"] = [{"kind": "requires", "linear": ["i0 + i1 >= 10000"], "reason": "r"}]
    yield Case("expressions", "large-infeasible-simulate", ["simulate", "{f}"], {"s.json": json.dumps(big)},
               expect=("constraints", "nothing to negotiate"))


# -- class: ids that do not exist ---------------------------------------------------------------------------
def unknown_ids() -> Iterator[Case]:
    for path, words in (
        ("snapshots[0].stances[0].actor", "unknown actor"), ("snapshots[0].stances[0].issue", "unknown issue"),
        ("process.rounds[0].participants[1]", "unknown actor"), ("constraints[4].actor", "unknown actor"),
        ("constraints[4].target", "unknown actor"), ("constraints[4].issue", "unknown issue"),
        ("constraints[0].actor", "unknown actor"), ("constraints[0].party", "unknown actor"),
        ("constraints[0].issues[0]", "unknown issue"), ("stances[0].provenance.source", "unknown source"),
        ("snapshots[0].stances[0].provenance.source", "unknown source"),
    ):
        yield Case("unknown-ids", path, ["validate", "{f}"], {"s.yaml": _with(path, "ghost")},
                   expect=(path, words, "ghost"))
    yield Case("unknown-ids", "process.extensions[0].provenance.source", ["validate", "{f}"],
               {"s.yaml": _with("process.extensions[0].provenance", {"source": "ghost", "quote": "q"})},
               expect=("process.extensions[0].provenance.source", "unknown source"))
    yield Case("unknown-ids", "range-on-unknown-issue", ["validate", "{f}"],
               {"s.yaml": _with("constraints[3].if", {"ghost": {"low": 90}})},
               expect=("constraints[3].if.ghost", "unknown issue"))
    yield Case("unknown-ids", "influence-add-unknown-option", ["validate", "{f}"],
               {"s.yaml": _yaml(_set(_set(RICH, "constraints[4].shift", None), "constraints[4].add", ["ghost"]))},
               expect=("constraints[4].add", "ghost"))
    yield Case("unknown-ids", "influence-shift-categorical", ["validate", "{f}"],
               {"s.yaml": _with("constraints[4].issue", "venue")}, expect=("constraints[4]",))
    yield Case("unknown-ids", "duplicate-snapshot-id", ["validate", "{f}"],
               {"s.yaml": _yaml(_set(RICH, "snapshots", RICH["snapshots"] * 2))},
               expect=("snapshots[1].id", "duplicate snapshot id"))
    two = copy.deepcopy(RICH)
    two["snapshots"][0]["stances"] = two["snapshots"][0]["stances"] * 2
    yield Case("unknown-ids", "two-stances-in-one-snapshot", ["validate", "{f}"], {"s.yaml": _yaml(two)},
               expect=("snapshots[0].stances[1]", "a second stance"))
    yield Case("unknown-ids", "stated-by-the-author", ["validate", "{f}"],
               {"s.yaml": _with("stances[0].provenance.speaker", "author")}, expect=("stances[0].provenance",))
    yield Case("unknown-ids", "inferred-without-reason", ["validate", "{f}"],
               {"s.yaml": _with("stances[0].provenance.kind", "inferred")}, expect=("stances[0].provenance",))
    for opt, value in (("--parties", "a,ghost"), ("--mediator", "ghost")):
        yield Case("unknown-ids", f"simulate{opt}", ["simulate", "{f}", opt, value], {"s.yaml": RICH_YAML},
                   expect=(opt, "ghost"))


# -- class: sizes of the newer lists ------------------------------------------------------------------------
def _snapshots(n: int, distinct: bool = True) -> str:
    d = copy.deepcopy(RICH)
    del d["date"]
    d["snapshots"] = [{"id": f"s{k}", "date": (dt.date(2025, 1, 11) + dt.timedelta(days=k if distinct else 1))
                       .isoformat(), "stances": [{"actor": "a", "issue": "border", "ideal": k % 100, "salience": 0.7,
                                                  "provenance": {"source": "notes", "paraphrase": "moves"}}]}
                      for k in range(n)]
    return json.dumps(d, default=str)


def sizes() -> Iterator[Case]:
    many = _snapshots(3000)
    yield Case("sizes-new", "3000-snapshots-validate", ["validate", "{f}"], {"s.json": many}, code=0)
    yield Case("sizes-new", "3000-snapshots-analyze-as-of", ["analyze", "{f}", "--as-of", "2030-01-01"],
               {"s.json": many}, code=0)
    yield Case("sizes-new", "3000-snapshots-brief", ["brief", "{f}", "-o", "{d}/b", "--draws", "5", "--runs", "2"],
               {"s.json": many}, expect=("--limit states=",))
    yield Case("sizes-new", "3000-snapshots-one-date-brief",
               ["brief", "{f}", "-o", "{d}/b", "--draws", "5", "--runs", "2"], {"s.json": _snapshots(3000, False)},
               code=0, subprocess=True)
    yield Case("sizes-new", "60000-snapshots", ["validate", "{f}"], {"s.json": _snapshots(60_000)},
               expect=("too large",), subprocess=True)
    d = copy.deepcopy(RICH)
    d["process"]["rounds"] = [{"id": f"r{k}", "name": "R", "start": "2025-01-12", "participants": ["a", "b"]}
                              for k in range(3000)]
    yield Case("sizes-new", "3000-rounds-simulate", ["simulate", "{f}", "--protocol", "table"],
               {"s.json": json.dumps(d, default=str)}, code=0)
    d = copy.deepcopy(RICH)
    d["process"]["extensions"] = [{"until": f"{2026 + k}-01-01", "probability": 0.99} for k in range(2000)]
    yield Case("sizes-new", "2000-extensions-simulate", ["simulate", "{f}", "--protocol", "table", "--steps", "300"],
               {"s.json": json.dumps(d, default=str)}, code=0)
    d = copy.deepcopy(RICH)
    d["process"]["rounds"][0]["participants"] = ["a"] * 5000
    yield Case("sizes-new", "5000-participants", ["simulate", "{f}"], {"s.json": json.dumps(d, default=str)}, code=0)
    d = copy.deepcopy(RICH)
    d["constraints"] += [{"kind": "influence", "actor": "a", "target": "parl", "issue": "guarantee", "shift": 1,
                          "reason": f"r{k}"} for k in range(2000)]
    yield Case("sizes-new", "2000-influence-links", ["analyze", "{f}"], {"s.json": json.dumps(d, default=str)}, code=0)
    d = copy.deepcopy(RICH)
    d["stances"][0]["provenance"]["speaker"] = "S" * 25_000
    yield Case("sizes-new", "speaker-25k", ["validate", "{f}"], {"s.yaml": _yaml(d)},
               expect=("stances[0].provenance.speaker", "20,000 characters"))


# -- class: user text in the newer fields, through the terminal, Markdown, HTML and CSV ------------------------
NEW_TEXT_FIELDS = {"snapshot-name": "snapshots[0].name", "snapshot-note": "snapshots[0].note",
                   "speaker": "stances[1].provenance.speaker", "reason": "stances[2].provenance.reason",
                   "paraphrase": "stances[2].provenance.paraphrase", "constraint-reason": "constraints[2].reason",
                   "extension-reason": "process.extensions[0].reason", "round-location": "process.rounds[0].location",
                   "round-name": "process.rounds[0].name", "snapshot-quote": "snapshots[0].stances[0].provenance.quote",
                   "influence-reason": "constraints[4].reason", "source-note": "sources[0].note"}
NEW_MARKS = ("<script>alert(1)</script>", "\x1b[2J\x1b]0;owned\x07", "[/x] [bold]b[/bold]",
             "**b** _i_ `c` [l](javascript:x) $x^2$", "\u202eevil", "| a | b |\n# h\n- item")


def _inferred(data: dict[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(data)
    d["stances"][2]["provenance"] = {"source": "notes", "paraphrase": "A rejects a treaty.", "kind": "inferred",
                                     "reason": "r"}
    return d


def _brief_files_safe(mark: str) -> Callable[[Path, str, str], None]:
    """A check on the written brief: no raw control character in any file, no raw HTML in the Markdown
    or the HTML (the user's ``<script>`` is escaped), the user's text present, escaped, in brief.md."""
    def check(folder: Path, stdout: str, stderr: str) -> None:
        out = folder / "b"
        md = (out / "brief.md").read_text(encoding="utf-8")
        html = (out / "brief.html").read_text(encoding="utf-8")
        for f in [out / "brief.md", out / "brief.html", *out.glob("table-*.csv")]:
            text = f.read_text(encoding="utf-8")
            assert not RAW_CONTROL.findall(text), f"raw control characters in {f.name}"
        assert "<script>alert" not in md and "<script>alert" not in html, "user HTML reached the brief"
        if mark.startswith("<script>"):  # the snapshot's name is shown (Positions over time), escaped
            assert "x &lt;script&gt;alert(1)&lt;/script&gt; y" in md, "the snapshot's name is not shown escaped"
    return check


def markup() -> Iterator[Case]:
    fields = list(NEW_TEXT_FIELDS.items())
    base = _inferred(RICH)
    for k, mark in enumerate(NEW_MARKS):
        for where, path in fields[k % 3::3]:  # every field, rotating over the marks
            text = f"x {mark} y"
            one = _yaml(_set(base, path, text))
            cmd = (["show", "{f}"], ["audit", "{f}"], ["show", "--json", "{f}"], ["audit", "--json", "{f}"])[k % 4]
            yield Case("markup-new", f"{where}-{cmd[0]}{'-json' if '--json' in cmd else ''}-{k}", cmd,
                       {"s.yaml": one}, code=0)
        data = copy.deepcopy(base)
        for _, path in fields:
            data = _set(data, path, f"x {mark} y")
        if k % 2 == 0:  # a brief with every field marked: Markdown, HTML and CSV files checked
            yield Case("markup-new", f"brief-every-field-{k}",
                       ["brief", "{f}", "-o", "{d}/b", "--draws", "5", "--runs", "2"], {"s.yaml": _yaml(data)},
                       code=0, check=_brief_files_safe(mark))
        # in messages: an unknown id that is markup, a reported quote whose speaker is not in the text
        yield Case("markup-new", f"participant-{k}", ["validate", "{f}"],
                   {"s.yaml": _with("process.rounds[0].participants[0]", mark)},
                   expect=("process.rounds[0].participants[0]",))
        yield Case("markup-new", f"sources-speaker-{k}", ["validate", "{f}", "--sources", "{d}/src"],
                   {"s.yaml": _with("stances[1].provenance.speaker", f"Mr {mark}"), "src/notes.txt": NOTES},
                   expect=("stances[1].provenance.speaker", "not named"))


# -- class: files for --sources --------------------------------------------------------------------------
def _src(kind: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        src = d / "src"
        src.mkdir(exist_ok=True)
        if kind == "sparse-200MiB":
            special_file(src / "notes.txt", "sparse", 200)
        else:
            special_file(src / "notes.txt", kind)
    return make


SOURCE_FILES: dict[str, tuple[Callable[[Path], None] | None, bytes | None, str]] = {
    "fifo": (_src("fifo"), None, "named pipe"),
    "dev-zero": (_src("dev-zero"), None, "character device"),
    "socket": (_src("socket"), None, "socket"),
    "symlink-loop": (_src("loop"), None, "symbolic links"),
    "sparse-200MiB": (_src("sparse-200MiB"), None, "at most 16.0 MiB"),
    "folder": (_src("folder"), None, "folder"),
    "utf-16": (None, NOTES.encode("utf-16"), "UTF-16"),
    "latin-1": (None, NOTES.replace("Party", "Partí").encode("latin-1"), "not UTF-8"),
    "binary": (None, bytes(range(256)) * 8, "binary"),
}


def source_files() -> Iterator[Case]:
    yield Case("special-files-new", "sources-good", ["validate", "{f}", "--sources", "{d}/src"],
               {"s.yaml": RICH_YAML, "src/notes.txt": NOTES}, code=0, expect=("quotes verbatim",))
    for name, (setup, raw, words) in SOURCE_FILES.items():
        files: dict[str, str | bytes] = {"s.yaml": RICH_YAML}
        if raw is not None:
            files["src/notes.txt"] = raw
        yield Case("special-files-new", f"source-text-{name}", ["validate", "{f}", "--sources", "{d}/src"], files,
                   setup=setup, expect=("sources[0]", words))

    def _dir(kind: str) -> Callable[[Path], None]:
        def make(d: Path) -> None:
            p = d / "src"
            if kind == "file":
                p.write_text("x", encoding="utf-8")
            elif kind == "fifo":
                os.mkfifo(p)
            elif kind == "loop":
                os.symlink(d / "b", p)
                os.symlink(p, d / "b")
        return make

    for kind, words in (("file", "is a file"), ("fifo", "named pipe"), ("loop", "symbolic links"),
                        ("missing", "no such folder")):
        yield Case("special-files-new", f"sources-dir-{kind}", ["validate", "{f}", "--sources", "{d}/src"],
                   {"s.yaml": RICH_YAML}, setup=_dir(kind), expect=("src", words))
    yield Case("special-files-new", "sources-dir-too-long", ["validate", "{f}", "--sources", "x" * 5000],
               {"s.yaml": RICH_YAML}, expect=("too long",))
    for value, words in (("..", "folder"), ("a\x00b", "NUL"), ("x" * 300, "too long"), ("../etc/passwd", "pattern")):
        yield Case("special-files-new", f"source-file-{value[:8]!r}", ["validate", "{f}", "--sources", "{d}/src"],
                   {"s.yaml": _with("sources[0].file", value), "src/notes.txt": NOTES}, expect=("sources[0]", words))


def all_language_cases() -> list[Case]:
    out: list[Case] = []
    for gen in (numbers(), dates(), expressions(), unknown_ids(), sizes(), markup(), source_files()):
        out.extend(gen)
    return out


__all__ = ["NOTES", "RICH", "all_language_cases", "rich"]
