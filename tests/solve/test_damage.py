"""Damaged run data and failing disks: clear errors naming the file, and whatever the log holds is rebuilt.

Faults are injected at the run store's write seam (``solver.runstore._write_all``): the tests run as root,
so a read-only folder would not stop them.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import solver.runstore as runstore
from solver.commands.solve import resume_parts
from solver.errors import StoreError
from solver.runstore import Run
from solver.solve.budget import Budget
from solver.solve.work import Settings
from tests.solve import programs as P

SETTINGS = Settings(candidates=2, stress_tests=30, seed=7, budget=Budget(attempts=5, tokens=9000))


def _meta(**changes: Any) -> dict[str, Any]:
    meta = {
        "command": "solve",
        "problem_id": "9001A",
        "problem": P.SUM.to_json(),
        "config": {"model": "gemma4:31b", "backend": "ollama"},
        "settings": asdict(SETTINGS),
        "seed": 7,
    }
    return {**meta, **changes}


def _edit_run_json(run: Run, **changes: Any) -> None:
    data = json.loads((run.path / "run.json").read_text())
    for k, v in changes.items():
        if v is _DROP:
            data.pop(k, None)
        else:
            data[k] = v
    (run.path / "run.json").write_text(json.dumps(data))


_DROP = object()


def test_run_json_damaged_parts_are_taken_from_the_log(tmp_path: Path) -> None:
    run = Run.create(tmp_path, "solve-9001A", _meta())
    _edit_run_json(run, settings=_DROP, problem={**P.SUM.to_json(), "samples": "abc"})
    settings, problem, model, backend = resume_parts(Run.open(tmp_path, run.id))
    assert settings == SETTINGS and problem == P.SUM and (model, backend) == ("gemma4:31b", "ollama")
    _edit_run_json(run, settings={**asdict(SETTINGS), "budget": None})
    assert resume_parts(Run.open(tmp_path, run.id))[0] == SETTINGS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"settings": _DROP}, r"run\.json has no 'settings'"),
        ({"settings": {**asdict(SETTINGS), "budget": None}}, r"'settings' is malformed \('settings.budget' is null"),
        ({"settings": {**asdict(SETTINGS), "candidates": "2"}}, r"'candidates' is a string, expected int"),
        ({"problem": {**P.SUM.to_json(), "samples": "abc"}}, r"run\.json: 'problem' is malformed"),
        ({"problem": {"name": "x"}}, r"'problem' is malformed \('id' is missing\)"),
    ],
)
def test_malformed_run_json_without_a_log_copy_is_a_clear_error(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    run = Run.create(tmp_path, "solve-9001A", _meta())
    (run.path / "events.jsonl").write_text("")  # a run from before run_start: only run.json to go by
    _edit_run_json(run, **change)
    with pytest.raises(StoreError, match=message) as err:
        resume_parts(Run.open(tmp_path, run.id))
    assert str(run.path / "run.json") in str(err.value) and "cannot be resumed" in str(err.value)


def test_truncated_run_json_is_rebuilt_from_the_log(tmp_path: Path) -> None:
    run = Run.create(tmp_path, "solve-9001A", _meta())
    run.append("model_reply", key="9001A/c0/solution/1", content="x", problem="9001A")
    text = (run.path / "run.json").read_text()
    (run.path / "run.json").write_text(text[: len(text) // 2])  # killed mid-write by a non-atomic tool
    again = Run.open(tmp_path, run.id)
    assert any("rebuilt it from events.jsonl" in n for n in again.notes)
    assert resume_parts(again)[:2] == (SETTINGS, P.SUM)
    assert again.meta()["status"] == "interrupted" and again.index().reply("9001A/c0/solution/1") is not None


def test_an_invalid_utf8_byte_in_the_log_does_not_block_resume(tmp_path: Path) -> None:
    run = Run.create(tmp_path, "solve-9001A", _meta())
    run.append("model_reply", key="k1", content="before", problem="9001A")
    run.append("model_reply", key="k2", content="dam-aged", problem="9001A")
    run.append("model_reply", key="k3", content="after", problem="9001A")
    log = run.path / "events.jsonl"
    log.write_bytes(log.read_bytes().replace(b"dam-aged", b"dam\xffaged"))
    again = Run.open(tmp_path, run.id)
    index = again.index()
    assert [index.reply(k)["content"] for k in ("k1", "k2", "k3")] == ["before", "dam\ufffdaged", "after"]  # type: ignore[index]
    assert any("invalid UTF-8 on line(s) 3" in n for n in again.notes)
    assert again.append("next").seq == 5


def test_disk_full_mid_line_keeps_the_log_whole_and_the_run_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Run.create(tmp_path, "solve-9001A", _meta())
    run.append("model_reply", key="k1", content="kept", problem="9001A")
    real = runstore._write_all

    def half_then_full(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])  # a torn line, as a full disk leaves it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(runstore, "_write_all", half_then_full)
    with pytest.raises(StoreError) as err:
        run.append("model_reply", key="k2", content="lost", problem="9001A")
    said = str(err.value)
    assert str(run.path / "events.jsonl") in said and "No space left on device" in said
    assert "free some disk space" in said and f"--resume {run.id}" in said
    assert (run.path / "events.jsonl").read_bytes().endswith(b"\n")  # no torn line left behind
    monkeypatch.setattr(runstore, "_write_all", real)
    again = Run.open(tmp_path, run.id)
    assert [e.type for e in again.events()] == ["run_start", "model_reply"]
    assert again.append("model_reply", key="k2", content="now", problem="9001A").seq == 3
    assert again.index().reply("k2") is not None


def test_permission_errors_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Run.create(tmp_path, "solve-9001A", _meta())

    def denied(fd: int, data: bytes) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(runstore, "_write_all", denied)
    with pytest.raises(StoreError, match=r"cannot write .*events\.jsonl: Permission denied.*make the folder writable"):
        run.append("x")

    def refuse(*_a: Any, **_k: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(runstore, "atomic_write", refuse)
    with pytest.raises(StoreError, match=r"cannot write .*c0-v1\.cpp: Permission denied"):
        run.write_file("9001A/c0-v1.cpp", "int main(){}")
    with pytest.raises(StoreError, match=r"cannot write .*run\.json: Permission denied"):
        run.update_meta(status="finished")
    with pytest.raises(StoreError, match=r"cannot write .*runs.*Permission denied"):
        Run.create(tmp_path / "runs", "x", {})


def test_cli_resume_of_a_malformed_run_exits_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from solver.cli import main

    run = Run.create(tmp_path, "solve-9001A", _meta())
    (run.path / "events.jsonl").write_text("")
    _edit_run_json(run, settings={**asdict(SETTINGS), "budget": None})
    code = main(["solve", "--resume", run.id, "--runs", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "settings.budget" in err and "Traceback" not in err
