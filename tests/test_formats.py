"""Every registered import format is held to one contract: it recognises its own example and nobody
else's, reads it into a Scenario that compiles and analyses, writes it back and reads it again to
the same utilities where it writes, and reports broken input with file, line and field. The contract
is shown to fail on a format built to break it. Then format-specific checks: hostile GENIUS numbers
(issue 13), GeniusWeb's reservationBid, NegMAS's affine map, accord.load and the CLI on every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app
from accord.formats import FORMATS, ImportFormat, detect
from accord.game import compile_scenario
from accord.model import Scenario, ScenarioError
from contracts import (
    EXAMPLES,
    check_detects_only_itself,
    check_errors_name_file_line_field,
    check_format,
    check_reads,
)

FIX = Path(__file__).resolve().parent / "fixtures"


def test_every_format_has_an_example():
    assert set(FORMATS) <= set(EXAMPLES), f"formats without an example in the contract: {set(FORMATS) - set(EXAMPLES)}"
    assert {"genius", "geniusweb", "negmas", "deu"} <= set(FORMATS)


@pytest.mark.parametrize("name", list(FORMATS))
def test_format_contract(name, tmp_path):
    check_format(name, tmp_path)


class _Sloppy(ImportFormat):
    """Claims every folder with a README, reads nothing well: errors without a line."""

    name = "sloppy"
    label = "Sloppy"
    example = "anything"

    def detect(self, path: Path) -> bool:
        return path.is_dir()

    def read(self, path: Path) -> Scenario:
        from accord.formats.base import fail

        raise fail(path, "cannot read")


def test_the_contract_can_fail(tmp_path):
    FORMATS.register(_Sloppy())
    try:
        with pytest.raises(AssertionError, match="also claimed"):
            check_detects_only_itself("genius", EXAMPLES["genius"][0])
        EXAMPLES["sloppy"] = (EXAMPLES["genius"][0], EXAMPLES["genius"][1])
        with pytest.raises((AssertionError, ScenarioError)):
            check_reads("sloppy", EXAMPLES["genius"][0])
        with pytest.raises(AssertionError, match="names"):
            check_errors_name_file_line_field("sloppy", EXAMPLES["genius"][0], tmp_path)
    finally:
        FORMATS.unregister("sloppy")
        EXAMPLES.pop("sloppy", None)


# -- accord.load and the CLI read every format --------------------------------------------------
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_load_and_cli_read_every_format(name):
    path = EXAMPLES[name][0]
    assert detect(path).name == name
    scn = accord.load(path)
    assert accord.analyze(scn).frontier
    r = CliRunner().invoke(app, ["analyze", str(path), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["frontier"]


def test_unknown_folder_is_a_clean_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    r = CliRunner().invoke(app, ["analyze", str(tmp_path)])
    assert r.exit_code == 2 and "is a folder" in r.stderr and "GENIUS XML" in r.stderr


# -- GeniusWeb ---------------------------------------------------------------------------------
def test_geniusweb_reservation_bid_is_the_no_deal_point():
    g = compile_scenario(accord.load(EXAMPLES["geniusweb"][0]))
    p1 = g.index("party1")
    # 0.4 * u(Chips and Nuts) + 0.35 * u(Beer Only) + 0.25 * u(20 guests: 0.2 + 10/40 * 0.8)
    assert g.reservation[p1] == pytest.approx(0.4 * 0.1 + 0.35 * 1.0 + 0.25 * 0.4)
    assert [g.issues[i].labels[k] for i, k in enumerate(g.no_deal_point[p1])] == ["Chips and Nuts", "Beer Only", "20"]
    assert np.isnan(g.reservation[g.index("party2")])
    # a number issue: linear between low and high values
    np.testing.assert_allclose(g.values[2][g.index("party2")], [1.0, 0.75, 0.5, 0.25, 0.0])


def test_geniusweb_single_profile_file_and_export_of_a_genius_domain(tmp_path, shared):
    one = EXAMPLES["geniusweb"][0] / "party1.json"
    assert detect(one).name == "geniusweb"
    with pytest.raises(ScenarioError, match="a negotiation needs two"):
        accord.load(one)
    scn = accord.load(shared / "data" / "genius_anac" / "BarbecueC")
    out = FORMATS["geniusweb"].write(scn, tmp_path / "bbq")
    back = compile_scenario(accord.load(out))
    g = compile_scenario(scn)
    o = np.concatenate(list(g.enumerate()))
    np.testing.assert_allclose(back.utility(o), g.utility(o), atol=1e-12)
    assert len(accord.analyze(back).frontier) == len(accord.analyze(g).frontier)


# -- NegMAS ------------------------------------------------------------------------------------
def test_negmas_utilities_are_an_affine_map_of_negmas_own():
    g = compile_scenario(accord.load(EXAMPLES["negmas"][0]))
    o = np.concatenate(list(g.enumerate()))
    price = np.array([int(g.issues[0].labels[k]) for k in o[:, 0]])
    colour = [g.issues[1].labels[k] for k in o[:, 1]]
    buyer = 2.0 * (4.0 - price) + np.array([{"red": 3.0, "green": 1.0, "blue": 0.0}[c] for c in colour])
    seller = (2.0 * (price >= 3) + 1.0 * np.isin(colour, ["green", "blue"])
              - 0.5 * ((price >= 2) & (np.array(colour) == "red")))
    np.testing.assert_allclose(g.utility(o)[:, g.index("buyer")], buyer / 11.0, atol=1e-12)
    np.testing.assert_allclose(g.utility(o)[:, g.index("seller")], (seller + 0.5) / 3.5, atol=1e-12)
    assert g.discount[g.index("buyer")] == 0.9
    assert g.reservation[g.index("buyer")] == pytest.approx(2.0 / 11)
    assert g.reservation[g.index("seller")] == pytest.approx(1.0 / 3.5)
    assert "u = (u_negmas - -0.5) / 3.5" in accord.load(EXAMPLES["negmas"][0]).assumptions["scale"]


def test_negmas_reads_what_negmas_writes_from_genius(tmp_path, shared):
    """NegMAS's own YAML dump of BarbecueC (made with NegMAS when it is installed) reads, with its raw
    evaluations mapped onto [0, 1]: the same frontier as NegMAS's utilities, not GENIUS's."""
    negmas = pytest.importorskip("negmas")
    from negmas.inout import Scenario as NScenario

    s = NScenario.load(shared / "data" / "genius_anac" / "BarbecueC")
    s.dumpas(tmp_path / "bbq", save_stats=False, save_info=False, include_pareto_frontier=False)
    g = compile_scenario(accord.load(tmp_path / "bbq"))
    o = np.concatenate(list(g.enumerate()))
    assert negmas is not None and g.n_outcomes == 1440
    raw = np.array([[float(u(tuple(str(g.issues[i].labels[k]) for i, k in enumerate(row)))) for u in s.ufuns]
                    for row in o[:200]])
    mine = g.utility(o[:200])
    for a in range(2):  # a positive affine map of NegMAS's numbers
        slope, icpt = np.polyfit(raw[:, a], mine[:, a], 1)
        assert slope > 0 and np.allclose(raw[:, a] * slope + icpt, mine[:, a], atol=1e-9)


# -- hostile GENIUS numbers (issue 13) ---------------------------------------------------------
def _tiny(tmp_path: Path, file: str, old: str, new: str) -> Path:
    dst = tmp_path / "t"
    shutil.copytree(FIX / "genius" / "tiny", dst)
    text = (dst / file).read_text()
    assert old in text
    (dst / file).write_text(text.replace(old, new, 1))
    return dst


HOSTILE = [
    ("buyer.xml", '<weight index="1" value="0.6"/>', '<weight index="1" value="NaN"/>', "weight", "'NaN'"),
    ("buyer.xml", '<weight index="1" value="0.6"/>', '<weight index="1" value="-3"/>', "weight", "'-3'"),
    ("buyer.xml", 'value="low" evaluation="10"', 'value="low" evaluation="inf"', "evaluation", "'inf'"),
    ("buyer.xml", 'value="low" evaluation="10"', 'value="low" evaluation="-1"', "evaluation", "'-1'"),
    ("buyer.xml", '<reservation value="0.3"/>', '<reservation value="5"/>', "reservation", "'5'"),
    ("buyer.xml", '<discount_factor value="0.9"/>', '<discount_factor value="-2"/>', "discount_factor", "'-2'"),
    ("domain.xml", 'name="delivery"', 'name="price"', "issue price", "duplicate issue name 'price'"),
]


@pytest.mark.parametrize("file, old, new, field, words", HOSTILE, ids=[h[4] for h in HOSTILE])
def test_hostile_genius_numbers_name_file_line_field(tmp_path, file, old, new, field, words):
    folder = _tiny(tmp_path, file, old, new)
    with pytest.raises(ScenarioError) as e:
        accord.load(folder)
    p = e.value.problems[0]
    assert Path(p.file).name == file and p.line is not None and field in p.field and words in p.message, str(p)
    assert "sum to zero" not in p.message
    r = CliRunner().invoke(app, ["analyze", str(folder)])
    assert r.exit_code == 2 and f"{file}:{p.line}" in r.stderr and "Traceback" not in r.output


def test_huge_integer_issue_is_refused_with_its_size(tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "domain.xml").write_text(
        '<negotiation_template><utility_space><objective name="big">\n'
        '<issue index="1" name="money" type="integer" lowerbound="0" upperbound="1000000000"/>\n'
        '</objective></utility_space></negotiation_template>\n')
    (folder / "a.xml").write_text(
        '<utility_space><objective name="big">\n<weight index="1" value="1"/>\n'
        '<issue index="1" name="money" type="integer" lowerbound="0" upperbound="1000000000">\n'
        '<evaluator ftype="linear" offset="0" slope="1e-9"/></issue>\n</objective></utility_space>\n')
    with pytest.raises(ScenarioError) as e:
        accord.load(folder)
    p = e.value.problems[0]
    assert p.file.endswith("domain.xml") and p.line == 2 and "1,000,000,001 values" in p.message
    assert "narrow the bounds" in p.message


def test_profile_errors_carry_their_line(tmp_path):
    folder = _tiny(tmp_path, "seller.xml", '<item index="2" value="mid" evaluation="0.5"/>',
                   '<item index="2" value="mid"/>')
    with pytest.raises(ScenarioError) as e:
        accord.load(folder)
    p = e.value.problems[0]
    assert p.file.endswith("seller.xml") and p.line is not None and "no evaluation for 'mid'" in p.message


def test_non_xml_files_are_skipped_with_a_note(tmp_path):
    folder = tmp_path / "t"
    shutil.copytree(FIX / "genius" / "tiny", folder)
    (folder / "pareto.xml").write_text("0.5, 1.0\n1.0, 0.5\n")
    scn = accord.load(folder)
    assert "pareto.xml skipped: not XML" in scn.assumptions["files"]
    r = CliRunner().invoke(app, ["analyze", str(folder)])
    assert r.exit_code == 0 and "pareto.xml skipped" in r.stderr
