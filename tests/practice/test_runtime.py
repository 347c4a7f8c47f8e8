"""The runtime between the state machine and the world, with fake services: effects run in the background,
their results come back as messages, failures become one-line errors, files are read and written."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sandbox.api import Source, Verdict
from solver.errors import JudgeUnavailableError
from solver.practice.hints import WITHHELD
from solver.practice.model import (
    BotSolution,
    BotVcResult,
    Counterexample,
    Criteria,
    Hint,
    HintLevel,
    JudgeReport,
    Output,
    Say,
    Session,
    StressOutcome,
    VcRatings,
    VirtualContest,
)
from solver.practice.runtime import Runtime, read_workspace, save_counterexample, solution_file
from solver.problem import Contest, ContestRef, Problem, ProblemId

from .helpers import WATERMELON, report


class FakeServices:
    def __init__(self) -> None:
        self.records: list[tuple[str, dict[str, Any]]] = []
        self.gate = asyncio.Event()  # holds the judge until the test opens it
        self.gate.set()
        self.bot_gate = asyncio.Event()  # the bot never finishes unless a test opens this
        self.bot_gate.set()
        self.judge_error: Exception | None = None
        self.hint_text = "a hint"
        self.judged: list[Source] = []

    async def pick(self, criteria: Criteria, exclude: tuple[ProblemId, ...]) -> tuple[Problem, str]:
        return WATERMELON, "picked"

    async def problem(self, pid: ProblemId) -> Problem:
        return replace(WATERMELON, id=pid)

    async def judge(self, problem: Problem, source: Source, tests_dir: Path) -> JudgeReport:
        await self.gate.wait()
        if self.judge_error is not None:
            raise self.judge_error
        self.judged.append(source)
        return report(Verdict.WA)

    async def bot_solve(self, problem: Problem) -> BotSolution:
        await self.bot_gate.wait()
        return BotSolution(Source("bot", "cpp17"))

    async def stress(self, problem: Problem, source: Source, bot: BotSolution, count: int) -> StressOutcome:
        return StressOutcome(count, None)

    async def hint(
        self, problem: Problem, level: HintLevel, code: str | None, previous: tuple[Hint, ...]
    ) -> str:
        return self.hint_text

    async def review(self, problem: Problem, source: Source, report: JudgeReport | None) -> str:
        return "review"

    async def contest(self, ref: ContestRef) -> tuple[Contest, tuple[Problem, ...]]:
        raise NotImplementedError

    async def bot_contest(
        self, problems: tuple[Problem, ...], started_at: float, report: Callable[[BotVcResult], None]
    ) -> None:
        return None

    async def rate_vc(self, vc: VirtualContest) -> VcRatings:
        raise NotImplementedError

    def record(self, event: str, data: dict[str, Any]) -> None:
        self.records.append((event, data))

    async def close(self) -> None:
        return None


def runtime(tmp_path: Path, **kw: Any) -> tuple[Runtime, FakeServices, list[Output]]:
    shown: list[Output] = []
    fake = FakeServices()
    session = Session(workdir=tmp_path / "work", problem=WATERMELON, **kw)
    return Runtime(session, fake, shown.append, clock=lambda: 1000.0), fake, shown


def errors(shown: list[Output]) -> list[str]:
    return [o.text for o in shown if isinstance(o, Say) and o.style == "error"]


async def test_a_slow_judge_does_not_block_other_commands(tmp_path: Path) -> None:
    rt, fake, shown = runtime(tmp_path)
    path = tmp_path / "work" / "4A" / "solution.cpp"
    path.parent.mkdir(parents=True)
    path.write_text("int main(){}")
    fake.gate.clear()
    rt.line("test")  # returns at once: the judge waits in the background
    rt.line("show")
    assert any(isinstance(o, Problem) for o in shown)
    assert not any(isinstance(o, JudgeReport) for o in shown)
    assert "test" in rt.session.busy
    fake.gate.set()
    await rt.drain()
    assert any(isinstance(o, JudgeReport) for o in shown) and "test" not in rt.session.busy
    assert fake.judged == [Source("int main(){}", "cpp17")]
    assert ("test", {"problem": "4A", "verdict": "WA", "passed": 0, "total": 1}) in fake.records


async def test_a_failing_job_is_one_error_line(tmp_path: Path) -> None:
    rt, fake, shown = runtime(tmp_path)
    (tmp_path / "work" / "4A").mkdir(parents=True)
    (tmp_path / "work" / "4A" / "solution.py").write_text("print('YES')")
    fake.judge_error = JudgeUnavailableError("Docker is not available: start dockerd")
    rt.line("test")
    await rt.drain()
    assert errors(shown) == ["Docker is not available: start dockerd"]
    assert "test" not in rt.session.busy  # the session goes on


async def test_newest_solution_file_is_the_one_used(tmp_path: Path) -> None:
    rt, _, _ = runtime(tmp_path)
    folder = tmp_path / "work" / "4A"
    assert solution_file(rt.session) == folder / "solution.cpp"  # nothing yet: the default
    folder.mkdir(parents=True)
    (folder / "solution.cpp").write_text("a")
    import os

    os.utime(folder / "solution.cpp", (1, 1))
    (folder / "solution.py").write_text("b")
    ws = read_workspace(rt.session)
    assert ws.path == folder / "solution.py" and ws.code == "b"
    explicit = replace(rt.session, file=tmp_path / "mine.c")
    assert read_workspace(explicit).code is None


async def test_edit_writes_the_template_then_calls_the_editor(tmp_path: Path) -> None:
    rt, _, _ = runtime(tmp_path)
    opened: list[Path] = []

    async def editor(path: Path) -> None:
        opened.append(path)

    rt.editor = editor
    rt.line("edit")
    await rt.drain()
    path = tmp_path / "work" / "4A" / "solution.cpp"
    assert opened == [path] and "int main()" in path.read_text()
    path.write_text("mine")
    rt.line("edit")
    await rt.drain()
    assert path.read_text() == "mine"  # an existing file is never overwritten


async def test_hints_below_the_full_solution_are_guarded(tmp_path: Path) -> None:
    rt, fake, shown = runtime(tmp_path)
    fake.hint_text = "Think about parity.\n```cpp\nint main() { return 0; }\n```"
    rt.line("hint")
    await rt.drain()
    (hint,) = [o for o in shown if isinstance(o, Hint)]
    assert hint.level is HintLevel.NUDGE and "int main" not in hint.text and WITHHELD in hint.text
    assert ("hint", {"problem": "4A", "level": 1, "label": "nudge"}) in fake.records


async def test_watched_file_changes_are_announced(tmp_path: Path) -> None:
    rt, _, shown = runtime(tmp_path)
    path = tmp_path / "work" / "4A" / "solution.cpp"
    path.parent.mkdir(parents=True)
    path.write_text("a")
    rt.tick()  # first sight: remembered, not announced
    assert not [o for o in shown if isinstance(o, Say) and "saved" in o.text]
    import os

    os.utime(path, (5, 5))
    rt.tick()
    assert [o.text for o in shown if isinstance(o, Say) and "saved" in o.text] == [
        "solution.cpp saved; `test` judges it"
    ]


def test_counterexamples_are_saved_as_numbered_tests(tmp_path: Path) -> None:
    ce = Counterexample("2\n", "NO\n", "YES\n", Verdict.WA)
    assert save_counterexample(tmp_path, ce) == ("stress-1", tmp_path / "stress-1.in")
    assert save_counterexample(tmp_path, ce)[0] == "stress-2"
    assert (tmp_path / "stress-2.in").read_text() == "2\n" and (
        tmp_path / "stress-2.out"
    ).read_text() == "NO\n"


async def test_quit_sets_finished(tmp_path: Path) -> None:
    rt, fake, _ = runtime(tmp_path)
    rt.line("quit")
    assert rt.finished.is_set() and fake.records[-1][0] == "session_end"


async def test_leaving_the_problem_cancels_the_bot(tmp_path: Path) -> None:
    rt, fake, _ = runtime(tmp_path)
    (tmp_path / "work" / "4A").mkdir(parents=True)
    (tmp_path / "work" / "4A" / "solution.cpp").write_text("int main(){}")
    fake.bot_gate.clear()  # the bot would work forever
    rt.line("stress")
    (bot,) = rt.tasks
    assert bot.get_name() == "practice-bot"
    rt.line("open 1A")
    await asyncio.wait([bot], timeout=2)
    assert bot.cancelled()
    assert rt.session.problem is not None and str(rt.session.problem.id) == "1A"


async def test_opening_a_problem_gives_the_user_a_folder_and_a_solution_to_write_in(tmp_path: Path) -> None:
    rt, _, shown = runtime(tmp_path)
    rt.line("open 1A")
    await rt.drain()
    folder = tmp_path / "work" / "1A"
    assert (folder / "tests").is_dir()  # where `save` and the user's own tests go
    assert "int main()" in (folder / "solution.cpp").read_text()
    assert read_workspace(rt.session).path == folder / "solution.cpp"
    said = [o.text for o in shown if isinstance(o, Say)]
    assert f"write your solution in {folder / 'solution.cpp'} (a template to start from is there)" in said[-1]


async def test_an_existing_solution_is_kept_and_named(tmp_path: Path) -> None:
    rt, _, shown = runtime(tmp_path)
    folder = tmp_path / "work" / "1A"
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text("print(1)")
    rt.line("open 1A")
    await rt.drain()
    assert sorted(p.name for p in folder.iterdir()) == ["solution.py", "tests"]  # no template beside it
    said = [o.text for o in shown if isinstance(o, Say)]
    assert said[-1].startswith(f"write your solution in {folder / 'solution.py'};")


async def test_a_workdir_that_cannot_be_created_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "work").write_text("a file where the folder should be")
    rt, _, shown = runtime(tmp_path)
    rt.line("open 1A")
    await rt.drain()
    (message,) = errors(shown)
    assert message.startswith(f"cannot create {tmp_path / 'work'}") and "--workdir DIR" in message
    assert "prepare failed unexpectedly" not in message


def test_the_default_practice_folder_is_ignored_by_git() -> None:
    # The user's solutions are theirs: `git status` in the checkout must not list practice/<id>/.
    repo = Path(__file__).resolve().parents[2]
    folder = Session().workdir / "4A" / "solution.cpp"
    assert not folder.is_absolute()
    done = subprocess.run(
        ["git", "-C", str(repo), "check-ignore", "-q", str(folder)], capture_output=True, check=False
    )
    assert done.returncode == 0, f"{folder} is not ignored by {repo / '.gitignore'}"
