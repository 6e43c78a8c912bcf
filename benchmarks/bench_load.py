"""Benchmark: load and compile a 50-actor x 20-issue scenario (target: well under a second).

Generates a seeded scenario with a mix of continuous, ordinal and categorical issues, a stance for
every actor on every issue (1,000 stances, with acceptable sets and some uncertainty), constraints
and ratifications, then times ``load_text`` (YAML parse + validation) plus ``compile_scenario``
(best of several runs). Run: ``.venv/bin/python benchmarks/bench_load.py``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
import yaml

from accord import compile_scenario, load_text

N_ACTORS, N_ISSUES, REPEATS, TARGET_S = 50, 20, 7, 0.5


def generate(n_actors: int = N_ACTORS, n_issues: int = N_ISSUES, seed: int = 20251221) -> str:
    """A valid scenario as YAML text, the same for the same arguments."""
    rng = np.random.default_rng(seed)
    issues: list[dict[str, Any]] = []
    for i in range(n_issues):
        kind = ("continuous", "ordinal", "categorical")[i % 3]
        if kind == "continuous":
            issues.append({"id": f"i{i}", "name": f"Issue {i}", "kind": kind, "low": 0, "high": 100,
                           "step": 1, "unit": "units", "anchors": {0: "none", 100: "all"}, "status_quo": 50})
        else:
            k = int(rng.integers(3, 7))
            issues.append({"id": f"i{i}", "name": f"Issue {i}", "kind": kind,
                           "options": [{"id": f"o{j}", "label": f"Option {j}"} for j in range(k)],
                           "status_quo": "o0"})
    actors: list[dict[str, Any]] = []
    for a in range(n_actors):
        role = "party" if a < 30 else ("mediator" if a < 40 else ("observer" if a < 46 else "ratifier"))
        act: dict[str, Any] = {"id": f"a{a}", "name": f"Actor {a}", "role": role,
                               "capability": round(float(rng.uniform(0.05, 1)), 3),
                               "assumptions": {"capability": "generated"}}
        if role == "ratifier":
            act["constrains"] = f"a{a - 46}"
        actors.append(act)
    stances: list[dict[str, Any]] = []
    for a in range(n_actors):
        for iss in issues:
            s: dict[str, Any] = {"actor": f"a{a}", "issue": iss["id"],
                                 "salience": round(float(rng.uniform(0.05, 1)), 3),
                                 "provenance": {"source": "gen", "quote": f"Actor {a} on {iss['id']}."}}
            if iss["kind"] == "continuous":
                x = float(rng.integers(0, 101))
                s["ideal"] = x
                s["acceptable"] = {"low": max(0.0, x - 40), "high": min(100.0, x + 40)}
                s["uncertainty"] = {"ideal": {"low": max(0.0, x - 10), "high": min(100.0, x + 10)}}
            else:
                opts = [o["id"] for o in iss["options"]]
                if iss["kind"] == "ordinal":
                    j = int(rng.integers(0, len(opts)))
                    s["ideal"] = opts[j]
                    s["acceptable"] = opts[max(0, j - 1): j + 2]
                else:
                    s["ranking"] = [opts[k] for k in rng.permutation(len(opts))]
            stances.append(s)
    constraints = [
        {"kind": "forbidden", "combination": {"i1": ["o0"], "i2": ["o1"]}, "reason": "generated"},
        {"kind": "requires", "if": {"i4": ["o1"]}, "then": {"i0": [10, 20, 30]}, "reason": "generated"},
    ] + [{"kind": "ratification", "actor": f"a{a}", "party": f"a{a - 46}", "issues": ["i0", "i1"],
          "reason": "generated"} for a in range(46, n_actors)]
    data = {"id": "bench", "title": f"Generated {n_actors} x {n_issues}",
            "sources": [{"id": "gen", "title": "Generator"}], "issues": issues, "actors": actors,
            "stances": stances, "constraints": constraints,
            "process": {"format": "table", "mediators": [f"a{a}" for a in range(30, 40)]}}
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)


def main() -> int:
    text = generate()
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        game = compile_scenario(load_text(text, "bench.yaml"))
        times.append(time.perf_counter() - t0)
    best = min(times)
    ok = best < TARGET_S
    print(f"load_text + compile_scenario, {game.n_actors} actors x {game.n_issues} issues, "
          f"{len(game.scenario.stances)} stances, {len(text) / 1024:.0f} KiB of YAML: "
          f"best {best * 1000:.1f} ms, median {sorted(times)[len(times) // 2] * 1000:.1f} ms "
          f"of {REPEATS} runs")
    print(f"{'PASS' if ok else 'FAIL'}: target < {TARGET_S:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
