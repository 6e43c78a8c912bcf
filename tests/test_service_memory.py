"""A long-running server's memory follows the negotiations in progress: ended ones (finished or
closed) beyond ``ENDED_KEPT`` leave memory, and reading one again rebuilds it from the log, equal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from accord.service import usecases
from accord.service.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from service_support import ORGANISER, ThreadServer

ORG = {"Authorization": f"Bearer {ORGANISER}"}


def test_ended_negotiations_leave_memory_and_come_back_from_the_log(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usecases, "ENDED_KEPT", 3)
    with ThreadServer(Settings(data=tmp_path, organiser_token=ORGANISER, rate=0)) as s, \
            httpx.Client(base_url=s.url, timeout=60) as c:
        svc: Any = s.app.state.service
        ids, tokens = [], []
        for k in range(8):
            r = c.post("/api/negotiations", headers=ORG, json={"scenario": "miami-2025", "seed": k, "seats": {
                "us": "human", "russia": "human", "ukraine": "human"}})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
            tokens.append(r.json()["seats"]["russia"]["token"])
        open_one, closed = ids[-1], {}
        for nid in ids[:-1]:
            assert c.post(f"/api/negotiations/{nid}/close", headers=ORG).status_code == 200
            closed[nid] = c.get(f"/api/negotiations/{nid}/transcript", headers=ORG).json()
        # the open negotiation stays; of the seven closed ones, only the three last are kept
        assert open_one in svc.live
        assert sum(nid in svc.live for nid in ids[:-1]) == 3
        assert all(nid in svc.live for nid in ids[4:7]) and not any(nid in svc.live for nid in ids[:4])
        # a dropped one is rebuilt from its log when read: its transcript and a seat's view as before
        first = ids[0]
        assert c.get(f"/api/negotiations/{first}/transcript", headers=ORG).json() == closed[first]
        v = c.get(f"/api/negotiations/{first}/view", headers={"Authorization": f"Bearer {tokens[0]}"}).json()
        assert v["actor"] == "russia" and v["pending"] == [] and v["events"][-1]["kind"] == "end"
        assert c.post(f"/api/negotiations/{first}/actions", json={"kind": "accept"},
                      headers={"Authorization": f"Bearer {tokens[0]}"}).status_code == 409
        # reading it made it the most recent ended one; the memory is still bounded
        assert first in svc.live and sum(nid in svc.live for nid in ids[:-1]) == 3
