"""Run a fake server as its own process, for tests that drive the CLI (``python -m solver ...``).

with fake_process("ollama", script={"replies": [{"content": "42"}]}, tmp=tmp_path) as (url, record):
    subprocess.run([sys.executable, "-m", "solver", "ask", "hi", "--host", url])
    # `record` is a JSONL file of every request the fake received
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MODULES = {"ollama": "tests.fakes.ollama_server", "openai": "tests.fakes.openai_server"}


@contextmanager
def fake_process(kind: str, tmp: Path, script: dict[str, Any] | None = None, responder: str | None = None,
                 extra: Sequence[str] = ()) -> Iterator[tuple[str, Path]]:
    """Start the fake; ``responder`` (Ollama fake only) is ``module:function`` answering by the request;
    ``extra``: more of the fake's options (the OpenAI fake's ``--llama-cpp``, ``--n-ctx N``, ``--usage``)."""
    args = [sys.executable, "-m", MODULES[kind], "--port", "0", *extra]
    if responder is not None:
        args += ["--responder", responder]
    record = tmp / f"{kind}-received.jsonl"
    if script is not None:
        path = tmp / f"{kind}-script.json"
        path.write_text(json.dumps(script), encoding="utf-8")
        args += ["--script", str(path)]
    args += ["--record", str(record)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "listening on http://127.0.0.1:PORT"
        if not line.startswith("listening on "):
            raise RuntimeError(f"the fake {kind} server did not start: {line!r}")
        yield line.split()[-1], record
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def received(record: Path) -> list[dict[str, Any]]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_solver(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m solver ARGS`` in ``cwd`` with a clean environment (no OLLAMA_HOST/SOLVER_* leaking in)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SOLVER_", "OLLAMA_"))}
    base.update({"PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"}, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "solver", *args],
        cwd=cwd,
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )
