"""Where a negotiation's game comes from: a bundled name (never a path on the server), a scenario
object (errors name the field), or a GENIUS folder's files (the folder's own semantics)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

import accord
from accord.model import resolve, to_data
from accord.service.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, ThreadServer

FIX = Path(__file__).parent / "fixtures"
ORG = {"Authorization": f"Bearer {ORGANISER}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with ThreadServer(Settings(data=tmp_path_factory.mktemp("src"), organiser_token=ORGANISER, rate=0)) as s, \
            httpx.Client(base_url=s.url, timeout=60) as c:
        yield c


def _genius(folder: Path) -> dict[str, Any]:
    return {"genius": {"files": {f.name: f.read_text() for f in sorted(folder.glob("*.xml"))}}}


def test_a_genius_folder_is_played_with_its_own_semantics(client: httpx.Client) -> None:
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": _genius(FIX / "genius" / "tiny"),
                                                           "protocol": "alternating",
                                                           "seats": {"buyer": "human", "seller": "human"}, "seed": 1})
    assert r.status_code == 201, r.text
    nid, tok = r.json()["id"], {s: v["token"] for s, v in r.json()["seats"].items()}
    game = accord.game_of(FIX / "genius" / "tiny")
    first = next(s for s in ("buyer", "seller") if client.get(f"/api/negotiations/{nid}/view", headers={
        "Authorization": f"Bearer {tok[s]}"}).json()["pending"] == ["offer"])
    v = client.get(f"/api/negotiations/{nid}/view", headers={"Authorization": f"Bearer {tok[first]}"}).json()
    assert [i["id"] for i in v["issues"]] == [g.id for g in game.issues]
    offer = {i["id"]: i["values"][0] for i in v["issues"]}
    r = client.post(f"/api/negotiations/{nid}/actions", json={"kind": "offer", "outcome": offer},
                    headers={"Authorization": f"Bearer {tok[first]}"})
    assert r.status_code == 200 and r.json()["current"] == offer
    # the utility each side reads is GENIUS's, from the folder's profiles
    other = "seller" if first == "buyer" else "buyer"
    v = client.get(f"/api/negotiations/{nid}/view", headers={"Authorization": f"Bearer {tok[other]}"}).json()
    o = game.outcome_from_dict(offer)
    assert v["utility"] == pytest.approx(float(game.utility(o[None, :])[0, game.index(other)]))


def test_a_malformed_genius_folder_names_the_file(client: httpx.Client) -> None:
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": _genius(FIX / "genius" / "malformed")})
    assert r.status_code == 422 and r.json()["field"].startswith("scenario.genius")
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": {"genius": {"files": {"../x.xml": "<a/>"}}}})
    assert r.status_code == 422 and "file name" in r.json()["detail"]


def test_a_scenario_object_is_validated_with_field_paths(client: httpx.Client) -> None:
    data = to_data(resolve(str(FIX / "toy.yaml")))
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": data, "seats": {"a": "human"}})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Toy border talks"
    data["stances"][0]["salience"] = 7
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": data})
    assert r.status_code == 422 and r.json()["field"].startswith("scenario.stances")


@pytest.mark.parametrize("name", ["/etc/passwd", "../src/accord/scenarios/miami-2025.yaml", "nope"])
def test_only_bundled_names_are_read_on_the_server(client: httpx.Client, name: str) -> None:
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": name})
    assert r.status_code == 422 and r.json()["field"] == "scenario" and "bundled" in r.json()["detail"]


@pytest.mark.parametrize(("options", "field", "words"), [
    ({"parties": ["russia", "qatar"]}, "options.parties.1", "observer"),
    ({"parties": ["russia", "ukrainian_public"]}, "options.parties.1", "ratifier"),
    ({"parties": ["russia", "mars"]}, "options.parties.1", "unknown actor"),
    ({"parties": ["russia", "ukraine"], "mediator": "russia"}, "options.mediator", "also one of the parties"),
    ({"mediator": "mars"}, "options.mediator", "unknown actor"),
])
def test_only_parties_and_mediators_are_seated(client: httpx.Client, options: dict[str, Any], field: str,
                                              words: str) -> None:
    """The service seats by the same rule as ``accord.simulate`` and sweeps
    (:func:`accord.negotiation.runner.seating_problems`): an observer or ratifier is heard through its
    acceptable set, never seated."""
    r = client.post("/api/negotiations", headers=ORG, json={"scenario": "miami-2025", "options": options})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and words in r.json()["detail"]
