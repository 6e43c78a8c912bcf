"""Tokens and who holds them: the organiser, or one seat of one negotiation.

Every token is 256 random bits (``secrets.token_urlsafe(32)``) and only its SHA-256 is stored: a fast
hash is the right tool for high-entropy secrets (nothing to brute-force, unlike passwords). A token is
never logged; it travels in the ``Authorization: Bearer`` header, and invitation links carry it in the
URL fragment (``#token=...``), which browsers never send to a server.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

__all__ = ["MIN_TOKEN_LENGTH", "Principal", "RateLimiter", "hash_token", "new_id", "new_token"]

#: A token given from outside (``ACCORD_ORGANISER_TOKEN``) must be at least this long: 22 URL-safe
#: base64 characters carry 132 bits.
MIN_TOKEN_LENGTH = 22


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    """A negotiation id (96 random bits): not a secret, but not guessable either."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class Principal:
    """Who sent a request: ``organiser``, or ``seat`` ``seat`` of negotiation ``nid``. ``key``: the
    rate limiter's key (a prefix of the token's hash)."""

    kind: str
    nid: str | None = None
    seat: str | None = None
    key: str = ""

    @property
    def organiser(self) -> bool:
        return self.kind == "organiser"


class RateLimiter:
    """A token bucket per key: ``rate`` requests per second, bursts up to ``burst`` (0 disables)."""

    def __init__(self, rate: float, burst: int):
        self.rate = float(rate)
        self.burst = float(max(burst, 1))
        self.buckets: dict[str, tuple[float, float]] = {}

    def check(self, key: str, cost: float = 1.0) -> float | None:
        """``None`` when the request may go ahead, else the seconds to wait."""
        if self.rate <= 0:
            return None
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < cost:
            self.buckets[key] = (tokens, now)
            return (cost - tokens) / self.rate
        self.buckets[key] = (tokens - cost, now)
        if len(self.buckets) > 100_000:  # forget idle keys (full again anyway)
            cutoff = now - self.burst / self.rate
            self.buckets = {k: v for k, v in self.buckets.items() if v[1] >= cutoff}
        return None
