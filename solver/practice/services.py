"""The live services behind a practice session: problem sources, the sandbox, the model and the solve loop.

Everything slow is opened on first use (the judge's warm containers, the model backend), so the prompt comes
up at once and a session that only reads statements never starts Docker. Modules are imported here, before
the prompt is up: an import inside a job would stall the prompt's event loop for a third of a second.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sandbox.api import JudgeConfig, Source, Test, Verdict
from sandbox.diff import first_difference
from sandbox.judge import JudgeUnavailable, open_judge
from solver import __version__
from solver.config import Config
from solver.errors import (
    ChallengeError,
    JudgeUnavailableError,
    NetworkError,
    NotFoundError,
    OfflineError,
    ProblemError,
    SolverError,
)
from solver.llm.base import ChatParams, Message, ModelBackend
from solver.llm.factory import build_backend
from solver.practice import hints, select
from solver.practice import stress as stress_mod
from solver.practice.langs import detect_lang
from solver.practice.model import (
    BotProgress,
    BotSolution,
    BotVcResult,
    CaseOutcome,
    Criteria,
    Hint,
    HintLevel,
    JudgeReport,
    StressOutcome,
    VcRatings,
    VirtualContest,
)
from solver.practice.progress import practice_events
from solver.practice.text import plural
from solver.practice.vc import rate
from solver.problem import Contest, ContestRef, ContestType, Problem, ProblemId
from solver.runstore import Run
from solver.solve.checking import standard_checker
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls
from solver.solve.options import config_json, settings_from
from solver.solve.programs import Judge, solution_limits
from solver.sources.codeforces import CodeforcesSource


def user_tests(folder: Path) -> list[Test]:
    """The user's own tests: ``NAME.in`` with ``NAME.out`` (or ``.ans``; none: only the run counts)."""
    if not folder.is_dir():
        return []
    out = []
    for inp in sorted(folder.glob("*.in")):
        answer = next((inp.with_suffix(s) for s in (".out", ".ans") if inp.with_suffix(s).is_file()), None)
        out.append(Test(inp.stem, inp.read_bytes(), answer.read_bytes() if answer else None))
    return out


def sample_tests(problem: Problem) -> list[Test]:
    return [
        Test(f"sample {i}", s.input.encode(), s.output.encode() if s.output.strip() else None)
        for i, s in enumerate(problem.samples, 1)
    ]


def solved_from_status(submissions: Iterable[dict[str, Any]]) -> frozenset[ProblemId]:
    """Problems with an accepted submission in a ``user.status`` answer."""
    out = set()
    for sub in submissions:
        prob = sub.get("problem") or {}
        if sub.get("verdict") == "OK" and prob.get("contestId") and prob.get("index"):
            cid = int(prob["contestId"])
            out.add(
                ProblemId(cid, str(prob["index"]))
                if cid < 100000
                else ProblemId.parse(f"gym/{cid}{prob['index']}")
            )
    return frozenset(out)


def candidates_from_problemset(doc: dict[str, Any]) -> list[select.Candidate]:
    out = []
    for p in doc.get("problems", []):
        if "contestId" not in p or "index" not in p:
            continue
        out.append(
            select.Candidate(
                ProblemId(int(p["contestId"]), str(p["index"])),
                str(p.get("name", "")),
                p.get("rating"),
                tuple(p.get("tags", [])),
            )
        )
    return out


# Where a problem can come from when Codeforces cannot be asked: said wherever that is what went wrong.
WAYS = (
    "`open ID` for a problem in the store, send one from Competitive Companion, or add a saved page, "
    "Companion file or samples folder with `python -m solver import PATH`"
)

CONTEST_WAYS = (
    "for a virtual contest without Codeforces, add the contest's problems page saved from the browser "
    "with `python -m solver import PATH`, then `vc ID` again"
)


def _unreachable(e: SolverError, ways: str) -> SolverError:
    """The same error (same kind), with what else the user can do in the session."""
    kind = NetworkError if isinstance(e, NetworkError) else type(e)  # ApiError takes other arguments
    return kind(f"{e}; {ways}")


class LiveServices:
    def __init__(
        self, config: Config, source: CodeforcesSource, history: Run, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.source = source
        self.history = history
        self.clock = clock
        self._judge: Judge | None = None
        self._judge_lock = asyncio.Lock()
        self._backend: ModelBackend | None = None
        self.notify: Callable[[BotProgress], None] = lambda _: None  # the runtime's dispatch, once it exists

    # ---- history ----------------------------------------------------------------------------------------

    def record(self, event: str, data: dict[str, Any]) -> None:
        self.history.append(event, **data)

    def solved_in_history(self) -> frozenset[ProblemId]:
        out = set()
        for e in practice_events(self.config.runs):
            if e.type == "solved" and e.get("problem"):
                try:
                    out.add(ProblemId.parse(str(e.get("problem"))))
                except SolverError:
                    continue
        return frozenset(out)

    # ---- problems ---------------------------------------------------------------------------------------

    async def problem(self, pid: ProblemId) -> Problem:
        try:
            p: Problem = await self.source.problem(pid)
        except (NetworkError, OfflineError, ChallengeError) as e:
            raise _unreachable(e, f"without Codeforces: {WAYS}") from None
        return p

    async def _rating_of(self, handle: str) -> int:
        changes = await self.source.user_rating(handle)
        if not changes:
            return 1200  # unrated accounts: Codeforces' suggested starting difficulty
        return int(changes[-1].new_rating)

    async def _candidates(self) -> tuple[list[select.Candidate], str]:
        """The problems to choose from: Codeforces' problemset, else the store with the reason it is the store
        ("" when the problemset answered)."""
        if self.config.offline:
            why = "--offline is on"
        else:
            try:
                return candidates_from_problemset(await self.source.problemset_problems()), ""
            except (NetworkError, OfflineError) as e:
                why = f"Codeforces is unreachable ({e})"
        store = self.source.store
        found = []
        for pid in store.problems():
            try:
                p = store.load(pid)
            except SolverError:
                continue
            if p is not None:
                found.append(select.Candidate(p.id, p.name, p.rating, p.tags))
        return found, why

    async def pick(self, criteria: Criteria, exclude: tuple[ProblemId, ...]) -> tuple[Problem, str]:
        notes = []
        c = criteria
        solved = set(self.solved_in_history())
        handle = c.handle
        if handle:
            try:
                if c.rating is None:
                    c = replace(c, rating=await self._rating_of(handle))
                    notes.append(f"{handle}'s rating: {c.rating}")
                solved |= solved_from_status(await self.source.user_status(handle))
            except (NetworkError, OfflineError) as e:
                if c.rating is None:
                    raise ProblemError(f"cannot read {handle}'s rating ({e}); give --rating R") from None
                notes.append(f"could not read {handle}'s solved problems ({e})")
        candidates, store_only = await self._candidates()
        if store_only:
            notes.append(f"{store_only}: chosen from the problem store")
        pool = select.eligible(candidates, c, frozenset(solved), exclude)
        try:
            chosen = select.choose(pool, c)
        except NotFoundError as e:
            if not store_only:
                raise
            # The cause is not the window: the problemset could not be read and the store is all there is.
            held = plural(len(candidates), "problem") if candidates else "empty"
            raise NotFoundError(
                f"{store_only}, so only the problem store ({self.source.store.root}, {held}) was searched, "
                f"and no unsolved problem there fits {select.describe(c)}. To practise without Codeforces: "
                f"{WAYS}; or pick again once Codeforces is reachable"
            ) from e
        problem = await self.problem(chosen.id)
        if problem.rating is None and chosen.rating is not None:
            problem = replace(problem, rating=chosen.rating, tags=problem.tags or chosen.tags)
        window = select.rating_window(c)
        if window is not None:
            notes.append(
                f"chosen among {plural(len(pool), 'unsolved problem')} rated {window[0]}..{window[1]}"
            )
        return problem, "; ".join(notes)

    async def contest(self, ref: ContestRef) -> tuple[Contest, tuple[Problem, ...]]:
        try:
            problems = tuple(await self.source.contest_problems(ref))
        except (NetworkError, OfflineError, ChallengeError) as e:
            raise _unreachable(e, CONTEST_WAYS) from None
        try:
            contest: Contest = await self.source.contest(ref.contest_id)
        except (NetworkError, OfflineError, ProblemError):
            # Without the API answer: a two-hour ICPC-style contest over the stored problems; the rating
            # at the end then says it cannot be computed.
            contest = Contest(ref.contest_id, f"Contest {ref}", ContestType.ICPC, None, None, 7200)
        return contest, problems

    # ---- the judge ----------------------------------------------------------------------------------------

    async def judge_handle(self) -> Judge:
        async with self._judge_lock:
            if self._judge is None:
                cfg = JudgeConfig(
                    backend=self.config.sandbox, image=self.config.image, workers=self.config.workers
                )
                try:
                    self._judge = await open_judge(cfg)
                except JudgeUnavailable as e:
                    raise JudgeUnavailableError(str(e)) from None
            return self._judge

    async def judge(self, problem: Problem, source: Source, tests_dir: Path) -> JudgeReport:
        if problem.interactive:
            raise SolverError(
                "interactive problems need an interactor to be judged locally; "
                "`review` or `hint` can still help"
            )
        judge = await self.judge_handle()
        tl = problem.time_limit_s
        exe = await judge.compile(source)
        if not exe.ok:
            return JudgeReport(Verdict.CE, (), tl, exe.message)
        tests = sample_tests(problem) + user_tests(tests_dir)
        if not tests:
            raise SolverError(
                f"{problem.id} has no samples and you have no tests yet: add NAME.in and NAME.out "
                f"files to {tests_dir}"
            )
        checker = standard_checker(problem)
        note = ""
        if problem.several_answers:
            note = (
                "this problem accepts several correct answers; outputs were compared with the sample answers "
                "token by token, so a different valid answer shows as a wrong answer"
            )
        res = await judge.judge(exe, tests, solution_limits(problem), checker)
        by_name = {t.name: t for t in tests}
        outcomes = []
        for r in res.tests:
            t = by_name[r.test]
            diff = None
            if r.verdict in (Verdict.WA, Verdict.PE) and t.answer is not None:
                diff = first_difference(r.run.stdout, t.answer, t.input, kind=checker.kind, eps=checker.eps)
            outcomes.append(
                CaseOutcome(
                    r.test,
                    r.verdict,
                    r.run.cpu_s,
                    r.run.wall_s,
                    r.run.memory_kb,
                    t.input.decode("utf-8", errors="replace"),
                    None if t.answer is None else t.answer.decode("utf-8", errors="replace"),
                    r.run.stdout.decode("utf-8", errors="replace"),
                    diff,
                    r.run.detail,
                )
            )
        return JudgeReport(res.verdict, tuple(outcomes), tl, exe.message, note)

    # ---- the model ---------------------------------------------------------------------------------------

    def backend(self) -> ModelBackend:
        if self._backend is None:
            self._backend = build_backend(self.config)
        return self._backend

    async def _chat(self, messages: list[Message], kind: str) -> str:
        completion = await self.backend().chat(messages, ChatParams())
        self.history.append(
            "model_reply",
            kind=kind,
            prompt=[asdict(m) for m in messages],
            content=completion.content,
            thinking=completion.thinking,
            output_tokens=completion.output_tokens,
        )
        return completion.content

    async def hint(
        self, problem: Problem, level: HintLevel, code: str | None, previous: tuple[Hint, ...]
    ) -> str:
        return await self._chat(hints.hint_messages(problem, level, code, previous, self.config.lang), "hint")

    async def review(self, problem: Problem, source: Source, report: JudgeReport | None) -> str:
        return await self._chat(hints.review_messages(problem, source, report), "review")

    # ---- the bot ------------------------------------------------------------------------------------------

    def _bot_run(self, name: str, problems: Iterable[Problem]) -> Run:
        meta = {
            "command": "practice-bot",
            "problems": [str(p.id) for p in problems],
            "config": config_json(self.config),
            "settings": asdict(settings_from(self.config)),
            "model": {
                "name": self.config.model,
                "backend": self.config.backend,
                "hosts": list(self.config.hosts),
            },
            "seed": self.config.seed,
            "practice_session": self.history.id,
            "versions": {"tool": __version__, "python": sys.version.split()[0], "image": self.config.image},
        }
        return Run.create(self.config.runs, name, meta)

    async def _solve(self, problem: Problem, run: Run) -> BotSolution:
        judge = await self.judge_handle()
        calls = ModelCalls(self.backend(), run, run.index())

        def progress(pid: str, who: str, **fields: Any) -> None:
            words = [who, str(fields.get("stage", ""))]
            if fields.get("attempt"):
                words.append(f"attempt {fields['attempt']}")
            if fields.get("total"):
                words.append(f"{fields.get('passed', 0)}/{fields['total']} tests")
            self.notify(BotProgress(problem.id, " ".join(w for w in words if w)))

        env = Env(judge, run, calls, settings_from(self.config), progress=progress)
        result = await solve_problem(problem, env)
        if not result.solved or result.solution is None:
            raise SolverError(result.reason)
        helpers: dict[str, Source] = {}
        for e in run.events():
            if e.type == "helper_ready" and e.get("problem") == str(problem.id) and e.get("path"):
                path = run.path / str(e.get("path"))
                if path.is_file():
                    lang = detect_lang(path)
                    helpers[str(e.get("stage"))] = Source(path.read_text(encoding="utf-8"), lang)
        return BotSolution(
            Source(result.solution, result.lang),
            helpers.get("generator"),
            helpers.get("validator"),
            helpers.get("checker"),
            str(run.path),
        )

    async def bot_solve(self, problem: Problem) -> BotSolution:
        return await self._solve(problem, self._bot_run(f"practice-bot-{problem.id.slug}", [problem]))

    async def stress(self, problem: Problem, source: Source, bot: BotSolution, count: int) -> StressOutcome:
        return await stress_mod.stress(
            await self.judge_handle(), problem, source, bot, count, self.config.seed
        )

    async def bot_contest(
        self, problems: tuple[Problem, ...], started_at: float, report: Callable[[BotVcResult], None]
    ) -> None:
        run = self._bot_run(f"practice-vc-{problems[0].id.contest_id}", problems)
        gate = asyncio.Semaphore(max(1, self.config.workers))

        async def one(p: Problem) -> None:
            async with gate:
                try:
                    await self._solve(p, run)
                    ok = True
                except SolverError:
                    ok = False
            report(BotVcResult(p.id.index, ok, self.clock() - started_at))

        await asyncio.gather(*(one(p) for p in problems))

    # ---- ratings -------------------------------------------------------------------------------------------

    async def rate_vc(self, vc: VirtualContest) -> VcRatings:
        try:
            standings = await self.source.standings(vc.contest.id)
            changes = await self.source.rating_changes(vc.contest.id)
        except (NetworkError, OfflineError, ProblemError) as e:
            return rate(vc, None, [], note=f"no real standings to compare with ({e})")
        return rate(vc, standings, changes)

    async def close(self) -> None:
        if self._judge is not None:
            close = getattr(self._judge, "close", None)
            if close is not None:
                await close()
        if self._backend is not None:
            await self._backend.close()


__all__ = ["LiveServices", "candidates_from_problemset", "sample_tests", "solved_from_status", "user_tests"]
