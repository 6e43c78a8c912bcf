"""Breadth checks for GENIUS domains unlike the twelve in ../shared (small synthetic fixtures).

ANAC 2014's 30- and 50-issue non-linear domains carry hundreds of hyperRectangle terms; the branch and
bound over their coupled issues must stop within its work budget (nodes weighted by the terms each
node is checked against), not after the same number of nodes as a term-free block.

Real (continuous) issues, as NegMAS writes a ``ContinuousIssue`` into GENIUS XML (``<range>`` and an
``EvaluatorReal`` with ``parameter0``/``parameter1``), were refused; they are tabulated on evenly
spaced points with GENIUS's linear evaluation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.analysis import analyze
from accord.analysis.search import WORK_PER_NODE, SearchTerm, branch_and_bound
from accord.formats.genius import REAL_POINTS, load_genius, read_genius
from accord.model import ScenarioError


def _block(n_issues: int, n_terms: int, seed: int) -> tuple[list[np.ndarray], list[SearchTerm]]:
    rng = np.random.default_rng(seed)
    values = [rng.random((2, 10)) * 0.01 for _ in range(n_issues)]
    terms = []
    for _ in range(n_terms):
        ks = rng.choice(n_issues, size=2, replace=False)
        when = {int(k): rng.random(10) < 0.5 for k in ks}
        terms.append(SearchTerm(int(rng.integers(2)), when, float(rng.random() * 0.05)))
    return values, terms


def test_budget_counts_work_per_term() -> None:
    """With T terms a node costs T / WORK_PER_NODE units: the search stops after about
    budget * WORK_PER_NODE / T nodes, and says how far from exact it is."""
    values, terms = _block(12, 8 * WORK_PER_NODE, seed=3)
    budget = 20_000
    res = branch_and_bound(values, terms, budget=budget)
    assert res.nodes < budget  # a term-free block of this size would use the whole node budget
    assert res.gap > 0.0 and np.isfinite(res.gap)
    assert res.utilities.shape[0] >= 1


def test_few_terms_keep_the_node_budget() -> None:
    """Below WORK_PER_NODE terms and solutions a node costs one unit, as before."""
    values, terms = _block(12, 4, seed=4)
    res = branch_and_bound(values, terms, budget=20_000)
    assert res.nodes >= 20_000 or res.gap == 0.0


def _real_domain(folder: Path, evaluator: str = 'ftype="linear" parameter0="{p0}" parameter1="{p1}"') -> Path:
    """Two parties on a price in [2, 12] (a real issue) and a colour; buyer 1.2 - 0.1 x (clipped at 1),
    seller -0.2 + 0.1 x (clipped at 0)."""
    folder.mkdir()
    price = '<issue index="1" name="price" type="real" vtype="real"><range lowerbound="2" upperbound="12"/>'
    colour = ('<issue index="2" name="colour" type="discrete">' + "".join(
        f'<item index="{k}" value="{v}"{{ev{k}}}/>' for k, v in enumerate(["red", "blue"], 1)) + "</issue>")
    (folder / "domain.xml").write_text("<negotiation_template><utility_space><objective index=\"0\" name=\"car\">"
                                       + price + "</issue>" + colour.format(ev1="", ev2="")
                                       + "</objective></utility_space></negotiation_template>")
    for name, (p0, p1, e1, e2, w1) in {"buyer": (1.2, -0.1, 2, 1, 0.7), "seller": (-0.2, 0.1, 1, 2, 0.4)}.items():
        ev = "<evaluator " + evaluator.format(p0=p0, p1=p1) + "/>"
        (folder / f"{name}.xml").write_text(
            f'<utility_space><objective index="0" name="car">{price}{ev}</issue>'
            + colour.format(ev1=f' evaluation="{e1}"', ev2=f' evaluation="{e2}"')
            + f'<weight index="1" value="{w1}"/><weight index="2" value="{1 - w1}"/></objective>'
            '<reservation value="0.2"/></utility_space>')
    return folder


def test_real_issue_is_tabulated_with_genius_linear_evaluation(tmp_path: Path) -> None:
    folder = _real_domain(tmp_path / "real")
    scn = read_genius(folder)
    assert "price" in scn.assumptions["issues"] and str(REAL_POINTS) in scn.assumptions["issues"]
    game = load_genius(folder)
    price = game.issues[game.issue_index("price")]
    xs = np.linspace(2.0, 12.0, REAL_POINTS)
    assert np.allclose([float(o.label) for o in scn.issues[0].options], xs)
    assert price.size == REAL_POINTS
    # independent: GENIUS u = sum_i w_i e_i, e_price = clip(p0 + p1 x, 0, 1), e_colour = e / max e
    rows = np.array([[k, c] for k in range(REAL_POINTS) for c in range(2)])
    e_buyer = np.clip(1.2 - 0.1 * xs, 0, 1)[rows[:, 0]] * 0.7 + np.array([1.0, 0.5])[rows[:, 1]] * 0.3
    e_seller = np.clip(-0.2 + 0.1 * xs, 0, 1)[rows[:, 0]] * 0.4 + np.array([0.5, 1.0])[rows[:, 1]] * 0.6
    u = game.utility(rows)
    assert np.allclose(u[:, game.index("buyer")], e_buyer, atol=1e-12)
    assert np.allclose(u[:, game.index("seller")], e_seller, atol=1e-12)
    a = analyze(game)
    assert len(a.frontier) > 1 and not a.zopa.empty


def test_real_issue_with_an_unsupported_evaluator_names_it(tmp_path: Path) -> None:
    folder = _real_domain(tmp_path / "tri", 'ftype="triangular" parameter0="2" parameter1="12" parameter2="5"')
    with pytest.raises(ScenarioError, match="triangular"):
        load_genius(folder)


def _nonlinear_domain(folder: Path, n_issues: int = 14, n_rects: int = 40, seed: int = 5) -> Path:
    """Two ANAC-2014-like non-linear profiles: integer issues 0..9, hyperRectangles on pairs of issues."""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    issues = "".join(f'<issue index="{i}" name="i{i}" type="integer" lowerbound="0" upperbound="9"/>'
                     for i in range(1, n_issues + 1))
    (folder / "domain.xml").write_text(f'<negotiation_template><utility_space><objective index="0" name="root">'
                                       f"{issues}</objective></utility_space></negotiation_template>")
    for p in (1, 2):
        rects, total = "", 0
        for _ in range(n_rects):
            u = int(rng.integers(1, 100))
            total += u
            bounds = ""
            for i in rng.choice(n_issues, size=2, replace=False):
                lo = int(rng.integers(0, 9))
                bounds += f'<INCLUDES index="{i + 1}" min="{lo}" max="{int(rng.integers(lo, 10))}"/>'
            rects += f'<hyperRectangle utility="{u}">{bounds}</hyperRectangle>'
        (folder / f"profile-{p}.xml").write_text(
            f'<utility_space type="nonlinear"><objective index="0" name="root">{issues}'
            f'<utility maxutility="{total}"><ufun type="PlainUfun" weight="1" aggregation="sum">{rects}</ufun>'
            '</utility></objective><reservation value="0"/></utility_space>')
    return folder


def test_search_stopped_at_its_budget_reports_its_gap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The refinement of an approximate frontier rebuilt it without its gap: ``frontier_gap`` 0.0 in
    the JSON (read: exact) beside ``frontier_exact`` false and a method saying 'within 0.4081' (ANAC
    2014's 30issueswithRV); the gap now survives the refinement."""
    import accord.analysis.pareto as pareto

    monkeypatch.setattr(pareto, "BUDGET", 2_000)
    game = load_genius(_nonlinear_domain(tmp_path / "nl"))
    a = analyze(game)
    d = a.to_dict()
    assert d["frontier_exact"] is False
    assert "stopped at its budget" in d["method"]
    assert d["frontier_gap"] > 0.0
    assert f"within {d['frontier_gap']:.4g} of a listed point" in d["method"]


def test_zopa_without_reservations_searches_a_coupled_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No reservation binds (GENIUS reads a missing one as 0), so the ZOPA's existence has no utility
    to compare: it listed every cell of the coupled block (10^14 here, 10^30 on ANAC 2014's 30issues)
    and was refused past the outcomes limit; it now takes one agreeable row found by the search."""
    import accord.analysis.pareto as pareto
    from accord.analysis.zopa import zopa

    monkeypatch.setattr(pareto, "BUDGET", 2_000)
    game = load_genius(_nonlinear_domain(tmp_path / "nl"))
    assert game.n_outcomes == 10 ** 14 and not np.any(game.reservation > 0)
    z = zopa(game)
    assert not z.empty


def test_blank_lines_before_the_xml_declaration(tmp_path: Path) -> None:
    """'XML or text declaration not at start of entity' refused a profile that GENIUS reads; it is
    parsed, and errors and quotes keep the file's own line numbers."""
    folder = _real_domain(tmp_path / "decl")
    for f in folder.glob("*.xml"):
        f.write_text('\n\n<?xml version="1.0" encoding="UTF-8"?>\n' + f.read_text().replace("><", ">\n<"))
    scn = read_genius(folder)
    assert [a.id for a in scn.actors] == ["buyer", "seller"]
    weights = [s.provenance.quote for s in scn.stances if s.actor == "buyer"]
    assert weights[0] == '<weight index="1" value="0.7"/>'
    bad = folder / "seller.xml"
    bad.write_text(bad.read_text().replace("</utility_space>", ""))
    with pytest.raises(ScenarioError, match=r"seller\.xml:\d+: malformed XML") as e:
        read_genius(folder)
    assert f":{len(bad.read_text().splitlines()) + 1}:" in str(e.value) or \
        f":{len(bad.read_text().splitlines())}:" in str(e.value)


def test_folder_of_profiles_without_a_domain_file(tmp_path: Path) -> None:
    """GENIUS profiles repeat the domain's issues (NegMAS's test folders often hold only profiles):
    'found no domain file' became the domain read from the first profile, with a note; the game is
    the one the domain file gives."""
    full = _real_domain(tmp_path / "full")
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("buyer.xml", "seller.xml"):
        (bare / name).write_text((full / name).read_text())
    scn = read_genius(bare)
    assert "buyer.xml" in scn.assumptions["files"]
    a, b = load_genius(full), load_genius(bare)
    rows = np.array([[k, c] for k in range(REAL_POINTS) for c in range(2)])
    assert a.actors == b.actors and a.n_outcomes == b.n_outcomes
    assert np.array_equal(a.utility(rows), b.utility(rows))
    (bare / "seller.xml").write_text((full / "seller.xml").read_text().replace(' evaluation="2"', ""))
    with pytest.raises(ScenarioError, match="no evaluation for 'blue'"):
        read_genius(bare)
