"""The fake Ollama server (tests/fakes/ollama_server.py) as a standalone process that answers by prompt.

The solve loop asks for its helper programs concurrently, so a reply queue would hand them out in whatever
order the requests happen to arrive. Here each request is answered by the first route whose ``match`` text
occurs in its messages (the stage headings of the prompts), which makes a terminal session reproducible.

    python -m tests.practice.model_server --routes ROUTES.json
    ROUTES.json: {"routes": [{"match": ["Watermelon", "# Task: brute force"], "reply": {Reply fields}}, ...]}
    (every text of ``match`` must occur)

Prints ``listening on http://127.0.0.1:PORT`` and serves until killed; every request is appended to
``--record`` (JSONL) when given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.fakes.ollama_server import FakeOllama, Reply
from tests.fakes.server import serve_forever


def router(routes: list[tuple[list[str], Reply]]) -> Any:
    def respond(body: dict[str, Any]) -> Reply:
        text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        for match, reply in routes:
            if all(m in text for m in match):
                return reply
        return Reply(content="no route matched this prompt")

    return respond


async def serve(routes_file: Path, record: Path | None) -> None:
    data = json.loads(routes_file.read_text(encoding="utf-8"))
    routes = [
        ([r["match"]] if isinstance(r["match"], str) else list(r["match"]), Reply.from_dict(r["reply"]))
        for r in data["routes"]
    ]
    srv = FakeOllama(responder=router(routes), port=0, record=record)
    await serve_forever(srv)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.practice.model_server")
    ap.add_argument("--routes", type=Path, required=True)
    ap.add_argument("--record", type=Path, default=None)
    args = ap.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.routes, args.record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
