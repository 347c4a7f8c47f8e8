"""What the page fetcher and the API client share: who we say we are, how hard we retry, one session."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from solver import __version__

# Honest: names the tool and what it does, so Codeforces can tell it apart from a browser.
USER_AGENT = (
    f"cp-solver/{__version__} (personal tool: fetches problems to rate a local model; "
    f"aiohttp/{aiohttp.__version__})"
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries per URL, the first included
    backoff_s: float = 1.0  # sleep before retry k (k = 1, 2, ...) is backoff_s * 2**(k-1), capped
    max_backoff_s: float = 30.0
    timeout_s: float = 30.0  # per request, connect to last byte

    def delay(self, retry: int) -> float:
        return float(min(self.max_backoff_s, self.backoff_s * 2 ** max(0, retry - 1)))


DEFAULT_POLICY = RetryPolicy()


def no_silent_retries(session: aiohttp.ClientSession) -> aiohttp.ClientSession:
    """Stop aiohttp from resending a GET by itself when a kept-alive connection drops.

    Its hidden retry would reach the server without passing our rate limiter (two API calls within
    milliseconds); our own retry loop already handles dropped connections, with backoff. aiohttp has no
    public switch: its own test client flips the same attribute.
    """
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False
    return session


def new_session() -> aiohttp.ClientSession:
    """A client session that identifies itself honestly; the caller closes it."""
    return no_silent_retries(aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}))
