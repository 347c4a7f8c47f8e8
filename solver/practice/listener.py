"""Receives problems from the browser: the Competitive Companion extension POSTs its JSON to a local port.

Competitive Companion sends one ``POST /`` with the problem as JSON (name, url, tests, timeLimit in ms,
memoryLimit in MB, ...) to each port it is configured with; 27121 is one of its defaults. We listen on
127.0.0.1 only, answer at once, and hand the parsed problem to the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from solver.errors import SolverError
from solver.problem import Problem

DEFAULT_PORT = 27121

Parse = Callable[[dict[str, Any]], Problem]


class CompanionListener:
    def __init__(
        self, parse: Parse, on_problem: Callable[[Problem], None], on_error: Callable[[str], None]
    ) -> None:
        self.parse = parse
        self.on_problem = on_problem
        self.on_error = on_error
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def _post(self, request: web.Request) -> web.Response:
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            problem = self.parse(data)
        except (ValueError, KeyError, TypeError, SolverError) as e:
            self.on_error(f"the browser sent a problem that could not be read: {e}")
            return web.Response(status=400, text=str(e))
        self.on_problem(problem)
        return web.Response(text="ok")

    async def start(self, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> int:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/{tail:.*}", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as e:
            await self._runner.cleanup()
            self._runner = None
            raise SolverError(
                f"cannot listen for Competitive Companion on {host}:{port} ({e.strerror or e}); "
                "use --companion-port PORT (and add it in the extension's settings) or --no-companion"
            ) from None
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        return self.port

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
