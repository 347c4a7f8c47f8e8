"""The run store: atomic run.json, fsync'd append-only events, torn-tail repair, replay index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.errors import StoreError
from solver.runstore import Run


def test_create_append_reopen_and_index(tmp_path: Path) -> None:
    run = Run.create(tmp_path, "solve 1999A", {"command": "solve", "seed": 3})
    assert run.path.parent == tmp_path and "solve-1999A" in run.id
    assert run.meta()["status"] == "running" and run.meta()["seed"] == 3
    run.append("model_reply", key="1999A/c0/solution/1", content="```cpp\n```", problem="1999A")
    run.append("problem_done", problem="1999A", result={"stop": "solved"})
    path = run.write_file("1999A/c0-v1.cpp", "int main(){}\n")
    assert path.read_text() == "int main(){}\n"
    again = Run.open(tmp_path, run.id)
    index = again.index()
    reply = index.reply("1999A/c0/solution/1")
    assert reply is not None and reply["content"] == "```cpp\n```" and reply["problem"] == "1999A"
    assert index.finished["1999A"]["result"] == {"stop": "solved"}
    e = again.append("session_start")
    assert e.seq == 4  # numbering continues after the replayed events (run_start is the first)
    lines = (run.path / "events.jsonl").read_text().splitlines()
    assert [json.loads(x)["seq"] for x in lines] == [1, 2, 3, 4]
    assert all("ts" in json.loads(x) for x in lines)


def test_a_process_killed_while_creating_a_run_leaves_no_half_made_folder(tmp_path: Path) -> None:
    """Killed between the folder and its run.json, a driver used to leave a bare run folder that made
    `--resume` and every listing of runs fail ("no run ..."); now the folder appears whole or not at all."""
    import os
    import signal
    import subprocess
    import sys

    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from solver import runstore\n"
        "real = runstore.Run.append\n"
        "def killed(self, type_, **data):\n"
        "    real(self, type_, **data)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "runstore.Run.append = killed\n"
        "runstore.Run.create(Path(sys.argv[1]), 'contest 1350', {'command': 'contest'})\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=root, check=False)
    assert done.returncode == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []
    run = Run.create(tmp_path, "contest 1350", {"command": "contest"})  # the next one is whole
    visible = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert visible == [run.path] and Run.open(tmp_path, run.id).meta()["id"] == run.id
    assert [e.type for e in Run.open(tmp_path, run.id).events()] == ["run_start"]
    assert os.path.isfile(run.path / "run.json")


def test_a_failed_create_says_where_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from solver import runstore

    def full(path: Path, data: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(runstore, "atomic_write", full)
    with pytest.raises(StoreError, match="No space left"):
        Run.create(tmp_path, "x", {})
    assert list(tmp_path.iterdir()) == []


def test_a_torn_last_line_is_cut_on_open(tmp_path: Path) -> None:
    run = Run.create(tmp_path, "x", {})
    run.append("a", n=1)
    with open(run.path / "events.jsonl", "a") as f:
        f.write('{"seq": 2, "type": "model_reply", "key": "k", "content": "half')  # killed mid-write
    again = Run.open(tmp_path, str(run.path))
    assert [e.type for e in again.events()] == ["run_start", "a"]
    again.append("b")
    assert [e.type for e in Run.open(tmp_path, run.id).events()] == ["run_start", "a", "b"]


def test_update_meta_is_atomic_and_errors_are_clear(tmp_path: Path) -> None:
    run = Run.create(tmp_path, "x", {"command": "solve"})
    run.update_meta(status="finished")
    assert run.meta()["status"] == "finished" and run.meta()["command"] == "solve"
    assert not list(run.path.glob(".*.tmp"))
    with pytest.raises(StoreError, match="no run 'nope'"):
        Run.open(tmp_path, "nope")
    (run.path / "events.jsonl").write_text("")  # a log without run_start cannot rebuild run.json
    (run.path / "run.json").write_text("{broken")
    with pytest.raises(StoreError, match=r"run\.json is unreadable.*no run_start event"):
        Run.open(tmp_path, run.id)
    with pytest.raises(StoreError, match="outside the run folder"):
        Run(run.path).write_file("../evil.txt", "x")


class _Backend:
    name = "fake"

    def __init__(self) -> None:
        self.seen: list[object] = []

    async def chat(self, messages: object, params: object = None, on_chunk: object = None) -> object:
        from solver.llm.base import Completion

        self.seen.append(params)
        return Completion("```cpp\nint main(){}\n```", "hmm", "stop", 10, 5)

    async def close(self) -> None:
        return None


async def test_model_calls_are_logged_cached_by_key_and_vary_the_seed(tmp_path: Path) -> None:
    from solver.llm.base import ChatParams, Message
    from solver.solve.model import REPLY_CAP, ModelCalls

    backend = _Backend()
    run = Run.create(tmp_path, "x", {})
    calls = ModelCalls(backend, run, run.index(), ChatParams(seed=5))  # type: ignore[arg-type]
    first = await calls.ask("9001A/c1/solution/1", [Message("user", "hi")], variant=1, problem="9001A")
    assert not first.cached and first.tokens == 15 and backend.seen[0] == ChatParams(seed=6, num_predict=REPLY_CAP)
    again = ModelCalls(backend, Run.open(tmp_path, run.id), Run.open(tmp_path, run.id).index())  # type: ignore[arg-type]
    second = await again.ask("9001A/c1/solution/1", [Message("user", "hi")])
    assert second.cached and second.content == first.content and second.thinking == "hmm"
    assert len(backend.seen) == 1 and again.asked == 0
    types = [e.type for e in Run.open(tmp_path, run.id).events()]
    assert types == ["run_start", "model_request", "model_reply", "model_reused"]
