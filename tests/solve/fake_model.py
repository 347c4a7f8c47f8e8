"""The fake Ollama server as a process, answering like a scripted model (for CLI tests).

    python -m tests.solve.fake_model --scenario sum-repair [--hang repair] [--record FILE]

prints ``listening on http://127.0.0.1:PORT``. ``--hang STAGE`` never answers requests of that stage (the
client waits until it is killed), to interrupt a run at a known point.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from tests.fakes.ollama_server import FakeOllama, Reply
from tests.fakes.server import serve_forever
from tests.solve import programs as P
from tests.solve.scripted import ScriptedModel, stage_of

KIT = P.SUM_KIT
SCENARIOS = {
    "sum-first-try": lambda: ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT),
    "sum-repair": lambda: ScriptedModel(solution=[P.cpp(P.SUM_ABS), P.cpp(P.SUM_GOOD)], **KIT),
    "sum-resumed": lambda: ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT),
}


async def serve(scenario: str, hang: str | None, record: Path | None) -> None:
    model = SCENARIOS[scenario]()

    async def respond(body: dict[str, Any]) -> Reply:
        prompt = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        if hang and stage_of(prompt) == hang:
            await asyncio.Event().wait()
        return model(body)

    srv = FakeOllama(responder=respond, record=record)
    await serve_forever(srv)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    ap.add_argument("--hang", default=None)
    ap.add_argument("--record", type=Path, default=None)
    args = ap.parse_args()
    asyncio.run(serve(args.scenario, args.hang, args.record))


if __name__ == "__main__":
    main()
