"""Ctrl-C and SIGTERM end `python -m solver` as one Ctrl-C does: one line, cleanup, 130 / 143, no traceback.

The command is `ask` against a fake Ollama that takes its time to answer, interrupted while it waits.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sandbox.docker_backend import LABEL, OWNER
from solver import cli
from solver.cli import interrupted_message
from solver.sources.store import ProblemStore
from tests.fakes.process import REPO, fake_process, received
from tests.solve import programs as P
from tests.solve.test_cli import fake_model

STALL = {"replies": [{"content": "too late", "first_delay": 60}]}


def start_ask(url: str, cwd: Path, record: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOLVER_", "OLLAMA_"))}
    env.update(PYTHONPATH=str(REPO), COLUMNS="200", NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "solver", "ask", "hi", "--host", url], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not any(e["path"] == "/api/chat" and e["body"].get("messages") for e in received(record)):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "ask never sent its request"
        time.sleep(0.05)
    time.sleep(0.2)  # it now waits for the first chunk
    return proc


@pytest.mark.parametrize(
    ("signals", "code", "line"),
    [
        ([signal.SIGINT], 130, "interrupted"),
        ([signal.SIGINT] * 3, 130, "interrupted"),
        ([signal.SIGTERM], 143, "stopped by SIGTERM"),
        ([signal.SIGTERM, signal.SIGINT, signal.SIGINT], 143, "stopped by SIGTERM"),
    ],
    ids=["one-ctrl-c", "three-quick-ctrl-c", "sigterm", "sigterm-then-ctrl-c"],
)
def test_signals_end_the_command_like_one_ctrl_c(
    tmp_path: Path, signals: list[signal.Signals], code: int, line: str
) -> None:
    with fake_process("ollama", tmp_path, STALL) as (url, record):
        proc = start_ask(url, tmp_path, record)
        start = time.monotonic()
        for sig in signals:
            proc.send_signal(sig)
            time.sleep(0.05)
        out, err = proc.communicate(timeout=20)
        took = time.monotonic() - start
    assert proc.returncode == code, err
    assert err.splitlines() == [line], err  # one line: no traceback, no "Exception ignored in: <module ...>"
    assert out == ""
    assert took < 5


def test_the_message_says_how_to_resume_where_the_command_can() -> None:
    solve = argparse.Namespace(command="solve", resume=None)
    assert interrupted_message(signal.SIGINT, solve) == (
        "interrupted; resume with `python -m solver solve --resume RUN` (the run folder is printed above)"
    )
    again = argparse.Namespace(command="contest", resume="contest-1999-x")
    assert interrupted_message(signal.SIGTERM, again) == (
        "stopped by SIGTERM; resume with `python -m solver contest --resume contest-1999-x`"
    )
    assert interrupted_message(signal.SIGINT, argparse.Namespace(command="ask")) == "interrupted"


def judge_containers(pid: int) -> list[str]:
    owner = f"{OWNER}={socket.gethostname()}:{pid}"
    out = subprocess.run(["docker", "ps", "-q", "--filter", f"label={LABEL}", "--filter", f"label={owner}"],
                         capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.docker
@pytest.mark.timeout(180)
def test_three_quick_ctrl_c_while_judging_remove_the_judge_containers(tmp_path: Path, judge: object) -> None:
    ProblemStore(tmp_path / "store").save(P.SUM)  # judge: only to skip where the sandbox is unavailable
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOLVER_", "OLLAMA_"))}
    env.update(PYTHONPATH=str(REPO), COLUMNS="200", NO_COLOR="1")
    with fake_model("--scenario", "sum-first-try") as url:
        proc = subprocess.Popen(
            [sys.executable, "-m", "solver", "solve", "9001A", "--store", str(tmp_path / "store"), "--runs",
             str(tmp_path / "runs"), "--host", url, "--offline", "--stress-tests", "5000"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not judge_containers(proc.pid) or not list((tmp_path / "runs").glob("*/events.jsonl")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the judge never started"
            time.sleep(0.2)
        time.sleep(1.0)  # judging now
        for _ in range(3):
            proc.send_signal(signal.SIGINT)
            time.sleep(0.05)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.splitlines()[-1] == (
        "interrupted; resume with `python -m solver solve --resume RUN` (the run folder is printed above)"
    )
    deadline = time.monotonic() + 1.0
    while judge_containers(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert judge_containers(proc.pid) == []


def test_a_signal_after_the_grace_period_ends_a_hanging_cleanup(monkeypatch: pytest.MonkeyPatch) -> None:
    exits: list[int] = []
    monkeypatch.setattr(cli.os, "_exit", exits.append)
    interrupts = cli.Interrupts(grace_s=60)
    interrupts.received, interrupts._at = signal.SIGINT, time.monotonic()
    interrupts._on_signal(signal.SIGINT, None)  # within the grace period: ignored, cleanup goes on
    assert exits == []
    interrupts._at -= 61
    interrupts._on_signal(signal.SIGINT, None)
    assert exits == [130]
