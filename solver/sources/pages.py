"""Problem pages over HTTP: a list of base URLs (codeforces.com, then mirrors), retries, timeouts.

Cloudflare sometimes answers with a "checking your browser" challenge instead of the page. We detect it
and stop with advice (fetch the page in a browser and `import` it, or use Competitive Companion); we never
try to solve or evade the challenge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from solver.errors import ChallengeError, NetworkError, NotFoundError
from solver.retry import Kind, kind_of_exception, kind_of_status
from solver.sources.cf_api import Sleep
from solver.sources.cf_html import SAVE_PAGE_ADVICE, looks_like_challenge
from solver.sources.http import DEFAULT_POLICY, RetryPolicy

# Codeforces' own mirror, for --base-url advice.
MIRROR = "https://mirror.codeforces.com"


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes


def is_challenge(headers: Mapping[str, str], body: bytes) -> bool:
    """Cloudflare marks its challenge answers with ``cf-mitigated: challenge``; older ones only by body."""
    return headers.get("cf-mitigated", "").lower() == "challenge" or looks_like_challenge(body)


class PageFetcher:
    """GET a path from the first base URL that serves it."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_urls: Sequence[str],
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not base_urls:
            raise NetworkError(f"no base URL to fetch Codeforces pages from: give --base-url (e.g. {MIRROR})")
        self._session = session
        self._bases = [b.rstrip("/") for b in base_urls]
        self._policy = policy
        self._sleep = sleep

    async def get(self, path: str) -> Page:
        not_found: list[str] = []
        challenged: list[str] = []
        failures: list[str] = []
        for base in self._bases:
            outcome = await self._get_from(base, path)
            if isinstance(outcome, Page):
                return outcome
            kind, detail = outcome
            if kind == "not_found":
                not_found.append(detail)
            elif kind == "challenge":
                challenged.append(detail)
            else:
                failures.append(detail)
        if not_found:
            raise NotFoundError(f"no such page on Codeforces: {not_found[0]}")
        if challenged:
            raise ChallengeError(
                f"Codeforces answered {challenged[0]} with a Cloudflare challenge: {SAVE_PAGE_ADVICE}"
            )
        raise NetworkError(
            f"could not fetch {path} ({'; '.join(failures)}): {SAVE_PAGE_ADVICE}; "
            f"or try another address with --base-url (e.g. {MIRROR})"
        )

    async def _get_from(self, base: str, path: str) -> Page | tuple[str, str]:
        url = base + path
        problem = "no attempt made"
        for attempt in range(1, self._policy.attempts + 1):
            if attempt > 1:
                await self._sleep(self._policy.delay(attempt - 1))
            try:
                async with self._session.get(
                    url, timeout=aiohttp.ClientTimeout(total=self._policy.timeout_s), allow_redirects=True
                ) as resp:
                    status = resp.status
                    body = await resp.read()
                    final_path = urlsplit(str(resp.url)).path.rstrip("/")
                    redirected = bool(resp.history)
                    headers = resp.headers
            except aiohttp.ClientPayloadError as e:
                problem = f"{url}: the download was cut short ({e})"
                continue
            except (aiohttp.ClientError, TimeoutError) as e:
                problem = f"{url}: network error ({type(e).__name__}{': ' + str(e) if str(e) else ''})"
                if self._policy.may_retry(kind_of_exception(e), attempt):
                    continue
                break
            if is_challenge(headers, body):
                return ("challenge", url)
            if status == 404:
                return ("not_found", url)
            if status >= 400 and kind_of_status(status) is Kind.TRANSIENT:
                problem = f"{url}: HTTP {status}"
                continue
            if status != 200:
                return ("failed", f"{url}: HTTP {status}")
            if redirected and final_path != path.rstrip("/"):
                # Codeforces sends unknown problems and contests to another page instead of a 404.
                return ("not_found", f"{url} (redirected to {final_path or '/'})")
            lower = body.lower()
            if b"<html" in lower and b"</html>" not in lower:
                problem = f"{url}: the page was cut short (no closing </html>)"
                continue
            return Page(url, body)
        return ("failed", f"{problem} (after {attempt} attempt{'' if attempt == 1 else 's'})")
