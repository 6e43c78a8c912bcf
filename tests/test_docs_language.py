"""docs/scenario-language.md: its complete example loads and behaves as the page says; the audit and
validate output it shows is what the commands print."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

import accord
from accord.analysis import pareto_frontier
from accord.analysis.pareto import coupled_blocks
from accord.negotiation import simulate
from analysis_brute import brute

DOC = (Path(__file__).resolve().parents[1] / "docs" / "scenario-language.md").read_text(encoding="utf-8")


def run(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "110", "NO_COLOR": "1", "TERM": "dumb"}
    r = subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True, env=env,
                       timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def example() -> accord.Scenario:
    block = DOC[DOC.index("## A complete example"):]
    return accord.load_text(re.search(r"```yaml\n(.*?)```", block, re.DOTALL).group(1), "example.yaml")


def test_the_complete_example_does_what_the_page_says() -> None:
    scn = example()
    g = accord.game_of(scn)
    assert coupled_blocks(g) == [[0, 1], [2, 3]]  # the inequality and the range each couple their two issues
    _, _, front, _ = brute(g)
    np.testing.assert_allclose(np.unique(np.round(pareto_frontier(g).utilities, 9), axis=0), front, atol=1e-9)
    a = accord.analyze(scn)
    assert not a.zopa.empty and a.nash is not None
    (check,) = a.ratification
    assert (check.rule, check.accepts, check.passes) == ("supermajority", False, 1.0)
    assert "override holds" in check.text
    assert g.acceptable[g.issue_index("sanctions")][g.index("congress")].tolist() == [True, True, False]
    assert g.ideal_range[g.index("iran"), g.issue_index("sanctions")].tolist() == [1.0, 2.0, 2.0]
    before, after = accord.as_of(scn, "2015-07-09"), accord.as_of(scn, "2015-07-10")
    assert before.stance("iran", "inspections").acceptable is None
    assert after.stance("iran", "inspections").acceptable == ("none", "declared", "anywhere")
    t = simulate(g, "table", seed=2).transcripts[0]
    assert t.rounds <= 3 and all(e["date"] <= "2015-07-14" for e in t.events)


def test_the_audit_and_validate_output_shown_is_what_the_commands_print(shared: Path) -> None:
    shown = DOC[DOC.index("$ accord audit miami-2025"):]
    shown = shown[:shown.index("```")]
    out = run("audit", "miami-2025")
    first = out.splitlines()[0].rstrip()
    assert first in shown
    for heading in re.findall(r"^(?:Stances|Judgement|Options).*$", shown, re.MULTILINE):
        assert heading.rstrip() in [line.rstrip() for line in out.splitlines()], heading
    inferred = shown[shown.index("Stances and constraints resting"):shown.index("Judgement numbers")]
    inferred = "\n".join(line.rstrip() for line in inferred.rstrip().splitlines())
    assert inferred in "\n".join(line.rstrip() for line in out.splitlines())
    line = next(x for x in DOC.splitlines() if x.startswith("ok ") and "quotes verbatim" in x)
    assert line in run("validate", "miami-2025", "--sources", str(shared / "sources"))
