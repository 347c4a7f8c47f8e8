"""End to end with a real model: `python -m solver solve` on a real problem through the `openai` backend.

The model is a small real one (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) behind llama-cpp-python's OpenAI-compatible
server, started by ``scripts/real_model.sh start``, which exports SOLVER_REAL_MODEL_URL (and _NAME). Without that
variable the tests are skipped with the way to start the server; in CI (SOLVER_REQUIRE_ALL=1) a skip fails.

The problem is CodeElo's 1999A (sum of a two-digit number's digits), put into a fresh problem store; the run
uses the real Docker judge, a fixed seed, no stress tests and small attempt and wall-time budgets. A real model's
replies vary, so only what is robust is asserted: the command completes with its documented exit code (0 solved,
1 not solved, 3 examples only: with no stress tests a program that passes the examples can be no more) and a JSON
result; every reply in events.jsonl and the transcript is real text from this server
with non-zero token counts; the run was seeded; the chosen program passes the examples when judged anew.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.api import Limits, Source, Test, Verdict
from sandbox.judge import Judge
from solver.problem import Problem
from solver.sources.store import ProblemStore
from tests.conftest import REPO
from tests.realmodel.codeelo import codeelo_problem

URL_ENV = "SOLVER_REAL_MODEL_URL"
NAME_ENV = "SOLVER_REAL_MODEL_NAME"
PROBLEM = "1999A"
SEED = 1
ATTEMPTS = 3
WALL_S = 240  # the run's own budget; the subprocess gets a margin beyond it for start-up and the final judging
MARGIN_S = 180

# The first test also pays for the run (the module's fixture), beyond the suite's default 300 s per test.
pytestmark = [pytest.mark.realmodel, pytest.mark.docker, pytest.mark.timeout(WALL_S + MARGIN_S + 60)]
EXIT_SOLVED, EXIT_NOT_SOLVED, EXIT_EXAMPLES_ONLY = 0, 1, 3  # `solve`'s documented exit codes
EXIT_OF_STOP = {"solved": EXIT_SOLVED, "examples_only": EXIT_EXAMPLES_ONLY}


@dataclass(frozen=True)
class RealRun:
    problem: Problem
    model: str
    url: str
    returncode: int
    result: dict[str, Any]
    run_dir: Path
    events: list[dict[str, Any]]
    transcript: list[dict[str, Any]]
    seconds: float
    stderr: str


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _model_id(url: str) -> str:
    """The id to ask for ($SOLVER_REAL_MODEL_NAME, else the server's only model), checked against the server."""
    try:
        listed = httpx.get(f"{url.rstrip('/')}/v1/models", timeout=10)
        listed.raise_for_status()
    except httpx.HTTPError as e:
        pytest.fail(f"{URL_ENV}={url} does not answer /v1/models ({e}): start it with scripts/real_model.sh start")
    ids = [str(m["id"]) for m in listed.json()["data"]]
    name = os.environ.get(NAME_ENV) or (ids[0] if len(ids) == 1 else "")
    assert name in ids, f"{url} serves {ids}: set {NAME_ENV} to the one to use"
    return name


@pytest.fixture(scope="module")
def real_run(shared_data: Path, judge: Judge, tmp_path_factory: pytest.TempPathFactory) -> RealRun:
    # `judge` is requested so the run is skipped, with the reason, where Docker cannot run it.
    url = os.environ.get(URL_ENV, "")
    if not url:
        pytest.skip(
            f"no real model server: {URL_ENV} is not set. Start one with "
            '`eval "$(bash scripts/real_model.sh start)"` (downloads 1.1 GB once), '
            'or deselect with -m "not network and not realmodel"'
        )
    model = _model_id(url)
    problem = codeelo_problem(shared_data, PROBLEM)
    work = tmp_path_factory.mktemp("realmodel")
    ProblemStore(work / "problems").save(problem, source="codeelo")
    cmd = [
        sys.executable, "-m", "solver", "solve", PROBLEM,
        "--store", str(work / "problems"), "--runs", str(work / "runs"), "--offline", "--json",
        "--backend", "openai", "--host", url, "--model", model, "--num-ctx", "4096",
        "--seed", str(SEED), "--attempts", str(ATTEMPTS), "--wall-time", str(WALL_S), "--stress-tests", "0",
    ]  # fmt: skip
    # No sampling flag exists on `solve`: the temperature is what the model layer sends for a model without preset.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLVER_") and k != "OLLAMA_HOST"}
    env["PYTHONPATH"] = str(REPO)
    t0 = time.monotonic()
    done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=WALL_S + MARGIN_S)
    seconds = time.monotonic() - t0
    assert done.returncode in (EXIT_SOLVED, EXIT_NOT_SOLVED, EXIT_EXAMPLES_ONLY), (
        f"`solve` exited {done.returncode}, not 0 (solved), 1 (not solved) or 3 (examples only):\n"
        f"{done.stderr[-3000:]}"
    )
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"`solve --json` printed no JSON result:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    run_dir = Path(result["run"])
    return RealRun(
        problem=problem,
        model=model,
        url=url,
        returncode=done.returncode,
        result=result,
        run_dir=run_dir,
        events=_jsonl(run_dir / "events.jsonl"),
        transcript=_jsonl(run_dir / "transcript.jsonl"),
        seconds=seconds,
        stderr=done.stderr,
    )


def test_the_run_completes_with_its_documented_exit_code(real_run: RealRun) -> None:
    r = real_run.result
    assert r["problem"] == PROBLEM
    assert real_run.returncode == EXIT_OF_STOP.get(r["stop"], EXIT_NOT_SOLVED), r["reason"]
    stops = ("solved", "examples_only", "attempts", "wall_time")
    assert r["stop"] in stops, f"the run stopped for a failure: {r['reason']}"
    meta = json.loads((real_run.run_dir / "run.json").read_text(encoding="utf-8"))
    assert meta["status"] == "finished"
    assert meta["seed"] == SEED
    assert (meta["model"]["name"], meta["model"]["backend"]) == (real_run.model, "openai")
    assert r["attempts"] >= 1


def test_events_hold_real_replies_with_token_counts(real_run: RealRun) -> None:
    replies = [e for e in real_run.events if e["type"] == "model_reply"]
    assert replies, "no model reply in events.jsonl"
    for e in replies:
        assert e["model"] == real_run.model
        assert e["content"].strip(), f"{e['key']}: an empty reply"
        assert e["seconds"] > 0
        # llama-cpp-python's server streams no usage; the model layer must still count (its /extras/tokenize).
        assert e["prompt_tokens"] > 0 and e["output_tokens"] > 0, (
            f"{e['key']}: {e['prompt_tokens']} prompt and {e['output_tokens']} output tokens recorded"
        )
    # What the loop spent is what the replies cost (no budget can act on zero).
    assert real_run.result["tokens"] >= sum(e["prompt_tokens"] + e["output_tokens"] for e in replies) > 0
    drafts = [e for e in replies if "```" in e["content"]]
    assert drafts, "no reply holds a fenced program"


def test_the_transcript_holds_each_request_as_the_server_answered(real_run: RealRun) -> None:
    entries = real_run.transcript
    assert entries, "the transcript is empty"
    answered = [e for e in entries if e["ok"]]
    assert answered
    for e in answered:
        assert e["backend"] == "openai" and e["model"] == real_run.model
        assert e["endpoint"].startswith(real_run.url.rstrip("/"))
        assert e["messages"] and e["messages"][-1]["role"] == "user"
        assert e["content"].strip() and e["done_reason"] in ("stop", "length")
        assert e["prompt_tokens"] > 0 and e["output_tokens"] > 0, (
            f"{e['label']}: {e['prompt_tokens']} prompt and {e['output_tokens']} output tokens recorded"
        )
        assert e["gen_s"] > 0
    replies = [e for e in real_run.events if e["type"] == "model_reply"]
    assert {e["content"] for e in replies} <= {e["content"] for e in answered}


def test_the_seed_reaches_the_model(real_run: RealRun) -> None:
    # --seed is "the seed of generated tests and model sampling": every request the server got must carry it
    # (parallel candidates shift it by their index).
    for e in real_run.transcript:
        assert isinstance(e["params"].get("seed"), int), f"{e['label']}: sent without a seed ({e['params']})"
        assert e["params"]["seed"] >= SEED


async def test_the_chosen_program_passes_the_examples(real_run: RealRun, judge: Judge) -> None:
    r = real_run.result
    assert r["solution"], f"no program was chosen: {r['reason']}"
    problem = real_run.problem
    exe = await judge.compile(Source(r["solution"], r["lang"]))
    assert exe.ok, f"the chosen program does not compile:\n{exe.message[:2000]}"
    tests = [Test(f"example-{i}", s.input.encode(), s.output.encode()) for i, s in enumerate(problem.samples, 1)]
    judged = await judge.judge(exe, tests, Limits(problem.time_limit_s, problem.memory_limit_mb))
    assert judged.verdict is Verdict.AC, [(t.test, t.verdict.value, t.diff or t.run.detail) for t in judged.tests]
    # The loop's own verdicts on the examples agree with the fresh judging.
    examples = [v for v in r["verdicts"] if v["kind"] == "example"]
    assert examples and all(v["verdict"] == "AC" for v in examples)
