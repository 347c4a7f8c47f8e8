"""The practice terminal as a person uses it: tmux, keys in, the screen read back.

Real pieces: `python -m solver practice` in a tmux pane, the Docker sandbox, the solve loop, the run store,
the Competitive Companion listener. The model is the fake Ollama server in its own process
(tests/practice/model_server.py), answering by prompt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .data import (
    BUS_OK,
    BUS_WRONG,
    HINTS,
    REPO,
    WATERMELON_CE,
    WATERMELON_OK,
    WATERMELON_WRONG,
    prepare_store,
    routes,
)

pytestmark = pytest.mark.docker

COMPANION = REPO / "tests" / "fixtures" / "codeforces" / "companion" / "118A.json"


@dataclass
class Pane:
    socket: str
    target: str
    cwd: Path

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return out.stdout

    def type(self, line: str) -> None:
        # -l: literally (tmux would read "end" as the End key), then Enter.
        self.tmux("send-keys", "-t", self.target, "-l", line)
        self.tmux("send-keys", "-t", self.target, "Enter")

    def screen(self) -> str:
        """Everything the pane showed since it started, wrapped lines joined."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", self.target)

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.screen()))

    def wait(self, pattern: str, timeout: float = 60.0, count: int = 1) -> str:
        """Wait until ``pattern`` (a regex) has appeared ``count`` times; returns the screen."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if len(rx.findall(text)) >= count:
                return text
            time.sleep(0.2)
        raise AssertionError(
            f"{pattern!r} (x{count}) not on screen after {timeout} s; screen ends with:\n"
            + "\n".join(text.splitlines()[-40:])
        )

    def write(self, relative: str, text: str) -> None:
        path = self.cwd / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        time.sleep(1.1)  # a new mtime for the watcher, which polls once a second


@pytest.fixture
def session(tmp_path: Path, judge: object) -> Iterator[Pane]:  # judge: only to skip where it cannot run
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    prepare_store(tmp_path / "store")
    (tmp_path / "edited.cpp").write_text(WATERMELON_OK)  # what the user's "editor" saves
    (tmp_path / "routes.json").write_text(json.dumps({"routes": routes()}), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    model = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.practice.model_server",
            "--routes",
            str(tmp_path / "routes.json"),
            "--record",
            str(tmp_path / "model.jsonl"),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    socket = f"practice-test-{uuid.uuid4().hex[:8]}"
    try:
        assert model.stdout is not None
        url = model.stdout.readline().strip().removeprefix("listening on ")
        assert url.startswith("http://127.0.0.1:"), url
        command = (
            f"cd {tmp_path} && env -u VISUAL EDITOR='cp {tmp_path}/edited.cpp' OLLAMA_HOST={url} "
            f"PYTHONPATH={REPO} SOLVER_CONFIG= "
            f"{sys.executable} -m solver practice --rating 800 --tag 'brute force' --store store --runs runs "
            "--workdir work --offline --companion-port 0 --stress-tests 30; echo EXITED $?; sleep 600"
        )
        subprocess.run(
            [
                "tmux",
                "-L",
                socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "practice",
                "-x",
                "160",
                "-y",
                "50",
                command,
            ],
            check=True,
        )
        subprocess.run(["tmux", "-L", socket, "set-option", "-g", "history-limit", "100000"], check=True)
        yield Pane(socket, "practice", tmp_path)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        model.terminate()
        model.wait(timeout=10)


def model_prompts(path: Path) -> list[str]:
    """The user prompts of every chat the fake model received, in order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        body = json.loads(line).get("body", {})
        users = [m["content"] for m in body.get("messages", []) if m.get("role") == "user"]
        if users:
            out.append(users[-1])
    return out


def test_a_practice_session_from_start_to_finish(session: Pane) -> None:
    s = session
    # --- choosing: --rating 800 --tag "brute force" picks Watermelon from the store ---
    screen = s.wait(r"4A\. Watermelon")
    assert "time limit 1 s · memory limit 64 MB · rating 800" in screen
    assert "chosen among 1 unsolved problem rated 700..1000" in screen
    port = int(
        s.wait(r"Competitive Companion on 127\.0\.0\.1:(\d+)")
        and re.findall(r"Competitive Companion on 127\.0\.0\.1:(\d+)", s.screen())[0]
    )

    # --- a problem sent from the browser by Competitive Companion ---
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=COMPANION.read_bytes(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    s.wait(r"118A\. String Task")
    assert (s.cwd / "store" / "118A" / "problem.json").is_file()

    # --- test on a wrong multi-test solution: the diff names the test case ---
    s.type("open 2022A")
    s.wait(r"2022A\. Bus to Pénjamo")
    s.write("work/2022A/solution.cpp", BUS_WRONG)
    s.type("test")
    screen = s.wait(r"first difference at test case 4 of 4, line 4, token 4: expected 6, found 4")
    assert "Wrong answer: 0/1 tests passed" in screen
    # that case's own lines side by side: its input, the expected and the found line
    assert re.search(r"│\s*4 5\s*│\s*6\s*│\s*4\s*│\n│\s*3 1 1 3\s*│\s*│\s*│", screen), screen

    # --- the folder is there with a template to start from; then a compile error ---
    s.type("open 4A")
    s.wait(r"4A\. Watermelon", count=2)
    s.wait(r"write your solution in work/4A/solution\.cpp; `edit` opens")  # made at the first pick
    assert (s.cwd / "work" / "4A" / "tests").is_dir()
    s.type("test")
    s.wait(r"output ended early at line 1, token 1: expected YES")  # the template prints nothing
    s.write("work/4A/solution.cpp", WATERMELON_CE)
    s.type("test")
    s.wait(r"Compilation error")

    # --- stress: the sample passes, the bot's solution disagrees on w = 2 ---
    s.write("work/4A/solution.cpp", WATERMELON_WRONG)
    s.type("test")
    s.wait(r"Accepted: 1/1 tests passed")
    s.type("stress")
    s.type("status")  # the prompt answers while the bot works in the background
    s.wait(r"bot\s+solving")
    screen = s.wait(r"counterexample after 30 tests", timeout=180)
    # input / expected / actual side by side ("2" reads as a count of cases: the lines are numbered)
    assert re.search(r"│\s*2\s*│\s*> 1 \| NO\s*│\s*> 1 \| YES\s*│", screen), screen
    s.type("save")
    s.wait(r"saved as test stress-1")
    assert (s.cwd / "work" / "4A" / "tests" / "stress-1.in").read_text().split() == ["2"]
    s.type("test")
    s.wait(r"Wrong answer: 1/2 tests passed")

    # --- the hint ladder, with the confirmation before the full solution ---
    s.type("hint")
    s.wait(re.escape(HINTS["nudge"]))
    s.type("hint")
    s.wait(re.escape(HINTS["key_idea"]))
    s.type("hint")
    screen = s.wait(r"\[code withheld: this hint level gives no code\]")
    assert "w > 2 ?" not in screen  # the outline's code block never reached the screen
    s.type("hint")
    s.wait(r"the next hint is the FULL SOLUTION")
    s.type("no")
    s.wait(r"no full solution: keep going")
    s.type("hint")
    s.wait(r"the next hint is the FULL SOLUTION", count=2)
    s.type("yes")
    screen = s.wait(r"hint 4/4: full solution")
    assert "w > 2 ?" in screen
    markers = {"Give a NUDGE": 1, "Give the KEY IDEA": 2, "Give an OUTLINE": 3, "want the FULL SOLUTION": 4}
    asked = [level for p in model_prompts(s.cwd / "model.jsonl") for m, level in markers.items() if m in p]
    assert asked == [1, 2, 3, 4]  # each level asked once, in order; the full solution only after the yes

    # --- review, then the fixed program ---
    s.type("review")
    s.wait(r"Bug: w = 2 prints YES")
    saved = s.count(r"solution\.cpp saved; `test` judges it")
    s.type("edit")  # $EDITOR here is `cp edited.cpp`: it saves the fixed program and exits
    s.wait(r"solution\.cpp saved; `test` judges it", count=saved + 1)
    assert (s.cwd / "work" / "4A" / "solution.cpp").read_text() == WATERMELON_OK
    s.type("test")
    s.wait(r"Accepted: 2/2 tests passed")

    # --- a short virtual contest against the bot ---
    s.type("vc 2022 5")
    s.wait(r"virtual contest 2022 \(Codeforces Round 978 \(Div\. 2\)\) started")
    s.wait(r"vc 2022 0:0[0-4]:\d\d left")  # the live timer in the toolbar
    s.write("work/2022A/solution.cpp", BUS_OK)
    s.type("submit")
    s.wait(r"A: accepted at 0:00:\d\d")
    s.wait(r"the bot solved A at", timeout=180)
    s.type("board")
    s.type("end")
    screen = s.wait(r"performance in the real standings")
    rows = re.findall(r"│ (you|bot)\s*│\s*1\s*│\s*750\s*│\s*0\s*│\s*3\s*│\s*(\d+)\s*│", screen)
    assert {who for who, _ in rows} == {"you", "bot"}
    s.type("quit")
    s.wait(r"EXITED 0")

    # --- the history, and `progress` ---
    out = subprocess.run(
        [sys.executable, "-m", "solver", "progress", "--runs", str(s.cwd / "runs"), "--json"],
        cwd=s.cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    progress = json.loads(out.stdout)
    solved = {s["problem"]: s["hint_level"] for s in progress["solved"]}
    # 4A: passing the sample first did not count (the counterexample voided it); solved after the full
    # solution. 2022A: accepted in the virtual contest, where there are no hints.
    assert solved == {"4A": 4, "2022A": 0}
    assert progress["hints"] == 4 and progress["totals"] == {"unaided": 1, "with_hints": 1}
    (vc,) = progress["virtual_contests"]
    assert vc["contest"] == 2022 and vc["you"] is not None and vc["bot"] is not None
