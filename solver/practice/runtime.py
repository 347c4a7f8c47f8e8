"""Runs the state machine: feeds it messages, shows its outputs, runs its effects in the background.

Long effects (judging, the bot's solve loop, model calls) run as asyncio tasks whose results come back as
messages, so the prompt is never blocked. ``Services`` is everything outside the session; tests pass fakes,
``services.LiveServices`` binds the real sources, sandbox, model and solve loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sandbox.api import Source
from solver.errors import SolverError
from solver.practice.hints import guard
from solver.practice.langs import extension
from solver.practice.machine import parse_command, update
from solver.practice.model import (
    AskHint,
    AskReview,
    BotDone,
    BotFailed,
    BotSolution,
    BotVcResult,
    Cancel,
    ContestLoaded,
    Counterexample,
    Criteria,
    Effect,
    Exit,
    FileChanged,
    Hint,
    HintLevel,
    HintReady,
    Input,
    JobFailed,
    Judged,
    JudgeReport,
    LoadContest,
    LoadProblem,
    Message,
    OpenEditor,
    Output,
    PickProblem,
    ProblemLoaded,
    RateVc,
    Record,
    ReviewReady,
    RunStress,
    RunTests,
    SavedTest,
    SaveTest,
    Session,
    StartBot,
    StartBotContest,
    StressDone,
    StressOutcome,
    Tick,
    VcRated,
    VcRatings,
    VirtualContest,
    Workspace,
)
from solver.problem import Contest, ContestRef, Problem, ProblemId
from solver.runstore import atomic_write


class Services(Protocol):
    """What the session needs from the rest of the tool. Every method may raise SolverError."""

    async def pick(self, criteria: Criteria, exclude: tuple[ProblemId, ...]) -> tuple[Problem, str]: ...
    async def problem(self, pid: ProblemId) -> Problem: ...
    async def judge(self, problem: Problem, source: Source, tests_dir: Path) -> JudgeReport: ...
    async def bot_solve(self, problem: Problem) -> BotSolution: ...
    async def stress(
        self, problem: Problem, source: Source, bot: BotSolution, count: int
    ) -> StressOutcome: ...
    async def hint(
        self, problem: Problem, level: HintLevel, code: str | None, previous: tuple[Hint, ...]
    ) -> str: ...
    async def review(self, problem: Problem, source: Source, report: JudgeReport | None) -> str: ...
    async def contest(self, ref: ContestRef) -> tuple[Contest, tuple[Problem, ...]]: ...
    async def bot_contest(
        self, problems: tuple[Problem, ...], started_at: float, report: Callable[[BotVcResult], None]
    ) -> None: ...
    async def rate_vc(self, vc: VirtualContest) -> VcRatings: ...
    def record(self, event: str, data: dict[str, Any]) -> None: ...
    async def close(self) -> None: ...


Editor = Callable[[Path], Awaitable[None]]  # opens the file in the user's editor and returns when it closes


def solution_file(session: Session) -> Path:
    """The user's solution: ``--file``/``file``, else the newest ``solution.*`` in the problem's folder."""
    if session.file is not None:
        return session.file
    folder = session.workdir / (session.problem.id.slug if session.problem else "scratch")
    existing = sorted(folder.glob("solution.*"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    if existing:
        return existing[-1]
    return folder / ("solution" + extension(session.lang or "cpp17"))


def tests_dir(session: Session) -> Path:
    slug = session.problem.id.slug if session.problem else "scratch"
    return session.workdir / slug / "tests"


def read_workspace(session: Session) -> Workspace:
    path = solution_file(session)
    try:
        code: str | None = path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError):
        code = None
    return Workspace(path, code)


def save_counterexample(folder: Path, ce: Counterexample) -> tuple[str, Path]:
    """Write the counterexample as the next ``stress-N.in``/``.out`` pair (atomically): (name, .in path)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while (folder / f"stress-{n}.in").exists():
        n += 1
    name = f"stress-{n}"
    atomic_write(folder / f"{name}.out", ce.expected)
    atomic_write(folder / f"{name}.in", ce.input)
    return name, folder / f"{name}.in"


@dataclass
class Watch:
    path: Path | None = None
    mtime: float | None = None


class Runtime:
    """One practice session: the state, the outputs sink, and the background jobs."""

    def __init__(
        self,
        session: Session,
        services: Services,
        show: Callable[[Output], None],
        clock: Callable[[], float] = time.time,
        editor: Editor | None = None,
    ) -> None:
        self.session = session
        self.services = services
        self.show = show
        self.clock = clock
        self.editor = editor
        self.tasks: set[asyncio.Task[None]] = set()
        self.finished = asyncio.Event()
        self._watch = Watch()

    # ---- feeding the machine ----------------------------------------------------------------------------

    def dispatch(self, msg: Message) -> None:
        step = update(self.session, msg)
        self.session = step.session
        for out in step.outputs:
            self.show(out)
        for eff in step.effects:
            self._run(eff)

    def line(self, text: str) -> None:
        """A line the user typed."""
        self.dispatch(Input(parse_command(text), read_workspace(self.session), self.clock()))

    def tick(self) -> None:
        """Called every second by the terminal: the contest timer and the watched file."""
        self.dispatch(Tick(self.clock()))
        ws_path = solution_file(self.session)
        try:
            mtime: float | None = ws_path.stat().st_mtime
        except OSError:
            mtime = None
        if self._watch.path != ws_path:
            self._watch = Watch(ws_path, mtime)
        elif mtime is not None and mtime != self._watch.mtime:
            self._watch.mtime = mtime
            self.dispatch(FileChanged(ws_path))

    async def drain(self) -> None:
        """Wait for every background job (tests use this; the terminal does not)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def close(self) -> None:
        for t in list(self.tasks):
            t.cancel()
        await asyncio.gather(*list(self.tasks), return_exceptions=True)
        await self.services.close()

    # ---- effects ----------------------------------------------------------------------------------------

    def _spawn(self, job: str, work: Awaitable[Message | None]) -> None:
        async def go() -> None:
            try:
                msg = await work
            except SolverError as e:
                msg = JobFailed(job, str(e))
            except asyncio.CancelledError:
                raise
            except Exception as e:
                msg = JobFailed(job, f"{job} failed unexpectedly: {type(e).__name__}: {e}")
            if msg is not None:
                self.dispatch(msg)

        task = asyncio.create_task(go(), name=f"practice-{job}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _run(self, eff: Effect) -> None:
        s = self.services
        if isinstance(eff, Record):
            s.record(eff.event, dict(eff.data))
        elif isinstance(eff, Cancel):
            for task in list(self.tasks):
                if task.get_name() == f"practice-{eff.job}":
                    task.cancel()
        elif isinstance(eff, Exit):
            self.finished.set()
        elif isinstance(eff, PickProblem):
            self._spawn("pick", self._pick(eff))
        elif isinstance(eff, LoadProblem):
            self._spawn("load", self._load(eff))
        elif isinstance(eff, OpenEditor):
            self._spawn("edit", self._edit(eff))
        elif isinstance(eff, RunTests):
            self._spawn("test", self._test(eff))
        elif isinstance(eff, StartBot):
            self._spawn("bot", self._bot(eff))
        elif isinstance(eff, RunStress):
            self._spawn("stress", self._stress(eff))
        elif isinstance(eff, AskHint):
            self._spawn("hint", self._hint(eff))
        elif isinstance(eff, AskReview):
            self._spawn("review", self._review(eff))
        elif isinstance(eff, SaveTest):
            self._spawn("save", self._save(eff))
        elif isinstance(eff, LoadContest):
            self._spawn("vc", self._contest(eff))
        elif isinstance(eff, StartBotContest):
            self._spawn("bot-vc", s.bot_contest(eff.problems, eff.started_at, self.dispatch))
        elif isinstance(eff, RateVc):
            self._spawn("rate", self._rate(eff))
        else:  # pragma: no cover - the union is closed
            raise TypeError(f"unexpected effect {eff!r}")

    async def _pick(self, eff: PickProblem) -> Message:
        problem, note = await self.services.pick(eff.criteria, eff.exclude)
        return ProblemLoaded(problem, "pick", note)

    async def _load(self, eff: LoadProblem) -> Message:
        return ProblemLoaded(await self.services.problem(eff.id), "named")

    async def _edit(self, eff: OpenEditor) -> None:
        if not eff.path.exists():
            eff.path.parent.mkdir(parents=True, exist_ok=True)
            eff.path.write_text(eff.template, encoding="utf-8")
        if self.editor is not None:
            await self.editor(eff.path)

    async def _test(self, eff: RunTests) -> Message:
        report = await self.services.judge(eff.problem, eff.source, tests_dir(self.session))
        return Judged(report, eff.purpose, eff.at, eff.index)

    async def _bot(self, eff: StartBot) -> Message:
        try:
            return BotDone(eff.problem.id, await self.services.bot_solve(eff.problem))
        except SolverError as e:
            return BotFailed(eff.problem.id, str(e))

    async def _stress(self, eff: RunStress) -> Message:
        try:
            code = eff.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return JobFailed("stress", f"no solution file at {eff.path} any more: stress needs your program")
        outcome = await self.services.stress(eff.problem, Source(code, eff.lang), eff.bot, eff.count)
        return StressDone(outcome)

    async def _hint(self, eff: AskHint) -> Message:
        text = await self.services.hint(eff.problem, eff.level, eff.code, eff.previous)
        return HintReady(Hint(eff.level, guard(eff.level, text)))

    async def _review(self, eff: AskReview) -> Message:
        return ReviewReady(await self.services.review(eff.problem, eff.source, eff.report))

    async def _save(self, eff: SaveTest) -> Message:
        name, path = save_counterexample(tests_dir(self.session), eff.counterexample)
        return SavedTest(name, path)

    async def _contest(self, eff: LoadContest) -> Message:
        contest, problems = await self.services.contest(eff.ref)
        duration = eff.duration_s if eff.duration_s is not None else float(contest.duration_s)
        return ContestLoaded(contest, problems, duration, self.clock())

    async def _rate(self, eff: RateVc) -> Message:
        return VcRated(await self.services.rate_vc(eff.vc))
