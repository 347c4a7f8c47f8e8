"""What the page fetcher and the API client share: who we say we are, one session, and the retry policy
(``solver.retry``, the one the model layer uses too, re-exported here for the sources)."""

from __future__ import annotations

import aiohttp

from solver import __version__
from solver.retry import DEFAULT_POLICY, RetryPolicy

# Honest: names the tool and what it does, so Codeforces can tell it apart from a browser.
USER_AGENT = (
    f"cp-solver/{__version__} (personal tool: fetches problems to rate a local model; "
    f"aiohttp/{aiohttp.__version__})"
)


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


__all__ = ["DEFAULT_POLICY", "USER_AGENT", "RetryPolicy", "new_session", "no_silent_retries"]
