"""`python -m solver solve` as a user runs it: a subprocess against the standalone fake model server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from solver.sources.store import ProblemStore
from tests.conftest import REPO
from tests.fakes.ollama_server import digest_of
from tests.solve import programs as P

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


@contextmanager
def fake_model(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.solve.fake_model", *args], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.split()[-1]
    finally:
        proc.terminate()
        proc.wait(10)


def solver(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "solver", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def store(tmp_path: Path, judge: Any) -> Path:  # judge: only to skip where the sandbox is unavailable
    ProblemStore(tmp_path / "store").save(P.SUM)
    return tmp_path / "store"


def test_solve_end_to_end(store: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with fake_model("--scenario", "sum-repair") as url:
        p = solver(
            "solve",
            "9001A",
            "--store",
            str(store),
            "--runs",
            str(runs),
            "--host",
            url,
            "--offline",
            "--stress-tests",
            "50",
            "--seed",
            "7",
            "--json",
        )
        out, err = p.communicate(timeout=150)
    assert p.returncode == 0, err
    doc = json.loads(out)
    assert doc["stop"] == "solved" and doc["chosen"] == "c0-v2" and doc["attempts"] == 2
    assert [v["verdict"] for v in doc["verdicts"] if v["kind"] != "derived"] == ["AC", "AC"]
    assert {v["verdict"] for v in doc["verdicts"] if v["kind"] == "derived"} == {"AC"}  # from the examples
    assert doc["counterexamples"][0]["fixed_by"] == "c0-v2"
    run = Path(doc["run"])
    meta = json.loads((run / "run.json").read_text())
    assert meta["status"] == "finished" and meta["seed"] == 7 and meta["model"]["name"] == "gemma4:31b"
    assert meta["versions"]["tool"] and meta["settings"]["stress_tests"] == 50
    assert meta["model"]["digest"] == digest_of("gemma4:31b") and meta["versions"]["image_id"].startswith("sha256:")
    assert (run / "9001A" / "c0-v2.cpp").is_file() and (run / "transcript.jsonl").is_file()


def test_solve_human_output_and_bad_input(store: Path, tmp_path: Path) -> None:
    with fake_model("--scenario", "sum-first-try") as url:
        p = solver(
            "solve",
            "9001A",
            "--store",
            str(store),
            "--runs",
            str(tmp_path / "runs"),
            "--host",
            url,
            "--offline",
            "--stress-tests",
            "20",
        )
        out, err = p.communicate(timeout=150)
    assert p.returncode == 0, err
    assert "9001A: solved" in out and "example-1" in out and "run folder:" in out and "long long" in out
    p = solver("solve", "9001Z", "--store", str(store), "--offline", "--runs", str(tmp_path / "runs"))
    _, err = p.communicate(timeout=60)
    assert p.returncode != 0 and "9001Z" in err and "Traceback" not in err


def test_killed_run_resumes_from_the_command_line(store: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with fake_model("--scenario", "sum-repair", "--hang", "repair") as url:
        p = solver(
            "solve",
            "9001A",
            "--store",
            str(store),
            "--runs",
            str(runs),
            "--host",
            url,
            "--offline",
            "--stress-tests",
            "50",
        )
        deadline = time.monotonic() + 120
        run_dir: Path | None = None
        while time.monotonic() < deadline:  # wait until the run asks the model for the repair
            found = list(runs.glob("*/events.jsonl"))
            if found and '"stage": "repair"' in found[0].read_text():
                run_dir = found[0].parent
                break
            time.sleep(0.2)
        assert run_dir is not None, "the run never reached the repair"
        os.kill(p.pid, signal.SIGKILL)  # no chance to clean up: as if the machine went down
        p.wait(10)
    record = tmp_path / "second.jsonl"
    with fake_model("--scenario", "sum-resumed", "--record", str(record)) as url:
        p = solver("solve", "--resume", run_dir.name, "--runs", str(runs), "--host", url, "--json")
        out, err = p.communicate(timeout=150)
    assert p.returncode == 0, err
    doc = json.loads(out)
    assert doc["stop"] == "solved" and doc["chosen"] == "c0-v2"
    chats = [json.loads(x) for x in record.read_text().splitlines()]
    prompts = [
        c["body"]["messages"][-1]["content"]
        for c in chats
        if c["path"] == "/api/chat" and c["body"].get("messages")
    ]
    assert len(prompts) == 1 and "# Task: repair the program" in prompts[0]  # only the unfinished call
    types = [json.loads(x)["type"] for x in (run_dir / "events.jsonl").read_text().splitlines()]
    # the draft, four helpers and the second brute force that corroborated the counterexample
    assert types.count("session_start") == 2 and types.count("model_reused") == 6
