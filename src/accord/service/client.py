"""A small client of the JSON API (what ``accord negotiations`` uses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

__all__ = ["Client", "ClientError", "scenario_payload"]


class ClientError(Exception):
    """The server refused (``status``) or could not be reached (``status`` 0)."""

    def __init__(self, message: str, status: int = 0, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.field = field


def scenario_payload(ref: str) -> Any:
    """What to send as ``scenario`` for ``ref``: a bundled name as it is, a GENIUS folder's XML files,
    or a scenario file read (and validated) here. Raises :class:`~accord.model.ScenarioError`."""
    from ..model import bundled, load, resolve, to_data  # noqa: PLC0415 - the model only when a scenario is sent

    p = Path(ref)
    if p.is_dir():
        files = {f.name: f.read_text(encoding="utf-8") for f in sorted(p.glob("*.xml"))}
        return {"genius": {"files": files}}
    if p.exists() or p.suffix.lower() in (".yaml", ".yml", ".json") or "/" in ref:
        return to_data(load(p))
    if ref in bundled():
        return ref
    return to_data(resolve(ref))  # raises "no such file or bundled scenario (bundled: ...)"


class Client:
    """``server``: the service's base URL; ``token``: the organiser's (or a seat's) token."""

    def __init__(self, server: str, token: str, timeout: float = 60.0):
        import httpx  # noqa: PLC0415 - httpx only for the client

        self.server = server.rstrip("/")
        self._http = httpx.Client(base_url=self.server, timeout=timeout,
                                  headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kw: Any) -> Any:
        import httpx  # noqa: PLC0415 - httpx only for the client

        try:
            r = self._http.request(method, path, **kw)
        except httpx.HTTPError as e:
            raise ClientError(f"cannot reach the server at {self.server} ({type(e).__name__}): "
                              "is `accord serve` running there?") from None
        if r.status_code >= 400:
            try:
                body = r.json()
                msg, field = str(body.get("detail")), body.get("field")
            except ValueError:
                msg, field = r.text[:200], None
            raise ClientError(f"{r.status_code}: {msg}" + (f" (field {field})" if field else ""), r.status_code,
                              field)
        return r.json()

    def create(self, body: dict[str, Any]) -> Any:
        return self.request("POST", "/api/negotiations", json=body)

    def transcript(self, nid: str) -> Any:
        return self.request("GET", f"/api/negotiations/{nid}/transcript")

    def log(self, nid: str) -> Any:
        return self.request("GET", f"/api/negotiations/{nid}/log")

    def list(self) -> Any:
        return self.request("GET", "/api/negotiations")

    def control(self, nid: str, what: str) -> Any:
        return self.request("POST", f"/api/negotiations/{nid}/{what}")
