"""Browser sessions for the rooms: the invitation token moves into a signed, expiring cookie.

An invitation link carries the seat's token in the URL *fragment* (``/rooms/ID#token=...``), which a
browser never sends to a server, so it reaches no access log and no ``Referer``. The room's script
reads it, removes it from the address bar and the history entry (``history.replaceState``) and posts
it in a request *body* to ``/rooms/ID/join``; the server answers with a session cookie — HttpOnly (no
script can read it), ``SameSite=Strict`` (no other site can make the browser send it), ``Path`` the
room's own path, ``Secure`` over HTTPS — and the token leaves the page.

The cookie holds ``EXPIRY.TOKEN.MAC``: the token itself (so a session survives a restart of the
server and dies with the token when the organiser re-issues the seat's invitation), its expiry, and an
HMAC-SHA256 over both and the cookie's scope (one negotiation's seat, or the secretariat) under a
server secret kept in the database (``accord_meta``, key ``web_secret``) — a cookie for one room does
not open another, and an expiry cannot be moved. Forms carry a CSRF token derived from the cookie
(HMAC under the same secret, the "synchronizer token" of the OWASP cheat sheet) on top of
``SameSite=Strict``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

__all__ = ["ORGANISER_COOKIE", "SEAT_COOKIE", "Signer", "new_secret"]

SEAT_COOKIE = "accord_seat"
ORGANISER_COOKIE = "accord_organiser"


def new_secret() -> str:
    """A fresh signing secret (256 random bits)."""
    return secrets.token_urlsafe(32)


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Signer:
    """Issues and reads session cookies for ``scope`` (``seat:NID`` or ``organiser``); ``ttl``: seconds
    a session lasts."""

    def __init__(self, secret: str, ttl: float):
        self.key = hashlib.sha256(("accord-web|" + secret).encode()).digest()
        self.ttl = float(ttl)

    def _mac(self, *parts: str) -> str:
        return _b64(hmac.new(self.key, "|".join(parts).encode("utf-8", "surrogatepass"), hashlib.sha256).digest())

    def issue(self, scope: str, token: str, now: float | None = None) -> str:
        """The cookie value for ``token`` in ``scope``, valid for ``ttl`` seconds from ``now``."""
        exp = int((time.time() if now is None else now) + self.ttl)
        return f"{exp}.{token}.{self._mac(scope, str(exp), token)}"

    def read(self, scope: str, value: str | None, now: float | None = None) -> tuple[str | None, str]:
        """``(token, "")`` for a good cookie, else ``(None, why)``: ``missing``, ``invalid`` (not ours,
        another scope, altered) or ``expired``."""
        if not value:
            return None, "missing"
        parts = value.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            return None, "invalid"
        exp, token, mac = parts
        if not hmac.compare_digest(mac, self._mac(scope, exp, token)):
            return None, "invalid"
        if int(exp) <= (time.time() if now is None else now):
            return None, "expired"
        return token, ""

    def csrf(self, scope: str, value: str) -> str:
        """The CSRF token forms of this session carry."""
        return self._mac("csrf", scope, value)

    def check_csrf(self, scope: str, value: str | None, given: str | None) -> bool:
        return bool(value) and bool(given) and hmac.compare_digest(self.csrf(scope, value or ""), given or "")
