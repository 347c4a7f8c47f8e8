"""A local stand-in for Codeforces (pages and API) for tests, on 127.0.0.1 and a free port.

    server = CfServer()
    server.add_page("/contest/1294/problem/A", html_bytes)
    server.add_api("contest.standings", result_json, params={"contestId": "1294"})
    server.fail("api:contest.standings", Failure.http(503), Failure.call_limit())  # then the answer
    server.fail("/contest/1294/problem/A", Failure.challenge())
    async with server:                       # or: with server.serve_in_thread(): (sync code)
        ... server.url, server.api_url ...
    server.api_calls                         # recorded with the server's monotonic clock
    server.gaps()                            # seconds between consecutive API calls, as the server saw them

Unknown pages answer 404; unknown API methods/params answer like Codeforces does (HTTP 400,
``{"status": "FAILED", "comment": ...}``). Scripted failures for a key are consumed in order, one per
request, before the normal answer is served.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CHALLENGE_PAGE = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>\n'
    b'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
    b'<meta name="robots" content="noindex,nofollow"></head><body>\n'
    b'<div class="main-wrapper" role="main"><div class="main-content">\n'
    b'<h1 class="zone-name-title h1">codeforces.com</h1>\n'
    b'<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>\n'
    b'<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue'
    b"</span></div></noscript></div></div>\n"
    b"<script>(function(){window._cf_chl_opt={cvId: '3',cZone: \"codeforces.com\",cType: 'managed'};\n"
    b"var a = document.createElement('script');\n"
    b"a.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=1';\n"
    b"document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>"
)


@dataclass(frozen=True)
class Failure:
    kind: str  # status | drop | truncate | delay
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @staticmethod
    def http(code: int, body: bytes = b"<html><body>server error</body></html>") -> Failure:
        return Failure("status", code, body)

    @staticmethod
    def call_limit(http_status: int = 429) -> Failure:
        body = json.dumps({"status": "FAILED", "comment": "Call limit exceeded"}).encode()
        return Failure("status", http_status, body, (("Content-Type", "application/json"),))

    @staticmethod
    def challenge() -> Failure:
        headers = (("cf-mitigated", "challenge"), ("Server", "cloudflare"), ("Content-Type", "text/html"))
        return Failure("status", 403, CHALLENGE_PAGE, headers)

    @staticmethod
    def drop() -> Failure:
        """Close the connection without answering."""
        return Failure("drop")

    @staticmethod
    def truncate(body: bytes, keep: int) -> Failure:
        """Promise ``len(body)`` bytes, send ``keep`` of them, hang up."""
        return Failure("truncate", 200, body[:keep], (("Content-Length", str(len(body))),))

    @staticmethod
    def delay(seconds: float) -> Failure:
        """Answer normally, but only after ``seconds`` (for client timeouts)."""
        return Failure("delay", seconds=seconds)


@dataclass(frozen=True)
class Request:
    time: float  # time.monotonic() on the server when the request arrived
    kind: str  # "api" or "page"
    path: str
    query: dict[str, str]
    user_agent: str

    @property
    def method(self) -> str:
        return self.path.removeprefix("/api/") if self.kind == "api" else ""


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)


class CfServer:
    def __init__(self) -> None:
        self.pages: dict[str, _Answer] = {}
        self._api: dict[str, list[tuple[dict[str, str], _Answer]]] = defaultdict(list)
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self.requests: list[Request] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- scripting ------------------------------------------------------------------------------------

    def add_page(self, path: str, body: bytes | str, *, status: int = 200) -> None:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = _Answer(status, raw, "text/html")

    def add_redirect(self, path: str, to: str) -> None:
        self.pages[path] = _Answer(302, b"", "text/html", {"Location": to})

    def add_api(self, method: str, result: Any, params: Mapping[str, str] | None = None) -> None:
        """An OK answer carrying ``result``; ``params`` must all match the request's (strings)."""
        body = json.dumps({"status": "OK", "result": result}).encode()
        self._api[method].append((dict(params or {}), _Answer(200, body, "application/json")))

    def add_api_response(self, method: str, response: Any, params: Mapping[str, str] | None = None) -> None:
        """A whole API response document as stored (``{"status": ..., "result"/"comment": ...}``)."""
        status = 200 if response.get("status") == "OK" else 400
        body = json.dumps(response).encode()
        self._api[method].append((dict(params or {}), _Answer(status, body, "application/json")))

    def add_api_failed(self, method: str, comment: str, params: Mapping[str, str] | None = None) -> None:
        self.add_api_response(method, {"status": "FAILED", "comment": comment}, params)

    def fail(self, key: str, *failures: Failure) -> None:
        """Script failures for a page path or for ``"api:METHOD"``; consumed one per request."""
        self._failures[key].extend(failures)

    # --- what happened --------------------------------------------------------------------------------

    @property
    def api_calls(self) -> list[Request]:
        return [r for r in self.requests if r.kind == "api"]

    @property
    def page_requests(self) -> list[Request]:
        return [r for r in self.requests if r.kind == "page"]

    def gaps(self) -> list[float]:
        times = [r.time for r in self.api_calls]
        return [b - a for a, b in itertools.pairwise(times)]

    # --- serving --------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = getattr(site._server, "sockets", None)
        assert sockets, "the test server did not bind"
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> CfServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextmanager
    def serve_in_thread(self) -> Iterator[CfServer]:
        """Run the server on its own event loop in a thread (for synchronous callers)."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        thread = threading.Thread(target=main, name="cf-server", daemon=True)
        thread.start()
        ready.wait(10)
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        now = time.monotonic()
        path = request.path
        kind = "api" if path.startswith("/api/") else "page"
        self.requests.append(
            Request(now, kind, path, dict(request.query), request.headers.get("User-Agent", ""))
        )
        key = f"api:{path.removeprefix('/api/')}" if kind == "api" else path
        queue = self._failures.get(key)
        if queue:
            failure = queue.popleft()
            if failure.kind == "delay":
                await asyncio.sleep(failure.seconds)
            else:
                return await self._fail(request, failure)
        if kind == "api":
            answer: _Answer | None = self._api_answer(path.removeprefix("/api/"), request)
        else:
            answer = self.pages.get(path)
        if answer is None:
            body = b"<html><body>404 Not Found</body></html>"
            return web.Response(status=404, body=body, content_type="text/html")
        return web.Response(
            status=answer.status, body=answer.body, content_type=answer.content_type, headers=answer.headers
        )

    def _api_answer(self, method: str, request: web.Request) -> _Answer:
        query = dict(request.query)
        best: tuple[int, _Answer] | None = None
        for params, answer in self._api.get(method, []):
            if all(query.get(k) == v for k, v in params.items()) and (best is None or len(params) > best[0]):
                best = (len(params), answer)
        if best is not None:
            return best[1]
        if "contestId" in query:
            comment = f"contestId: Contest with id {query['contestId']} not found"
        elif "handle" in query or "handles" in query:
            comment = f"handle: User with handle {query.get('handle') or query.get('handles')} not found"
        else:
            comment = f"Method {method} is not supported"  # nothing scripted for it
        body = json.dumps({"status": "FAILED", "comment": comment}).encode()
        return _Answer(400, body, "application/json")

    async def _fail(self, request: web.Request, failure: Failure) -> web.StreamResponse:
        if failure.kind == "drop":
            transport = request.transport
            if transport is not None:
                transport.abort()
            raise asyncio.CancelledError  # nothing more to say on a closed connection
        if failure.kind == "truncate":
            resp = web.StreamResponse(status=200, headers=dict(failure.headers))
            resp.content_type = "text/html"
            await resp.prepare(request)
            await resp.write(failure.body)
            transport = request.transport
            if transport is not None:
                transport.abort()
            raise asyncio.CancelledError
        headers = dict(failure.headers)
        content_type = headers.pop("Content-Type", "text/html")
        return web.Response(
            status=failure.status, body=failure.body, content_type=content_type, headers=headers
        )
