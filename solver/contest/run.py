"""One contest, end to end: solve every problem within the contest's time, submit, place, rate.

Read top to bottom:

    prepare       the contest, its problems, its final standings and rating changes (fetched before any
                  solving, so a contest that cannot be placed fails in seconds, not after two hours)
    play          every problem concurrently, in contest order: problem k's model requests rank by k
                  (``solver.solve.schedule``: every draft first, then A's repairs and helpers before B's),
                  so a weak model on one slot submits early what it can solve; under the ``elapsed`` time
                  model the contest's duration is a hard deadline (problems still open then do not count)
    play_problem  solve -> submit -> (hidden tests: accepted, or rejected and try again; at most 10); a
                  program that passed the examples only (no stress test ran) is submitted only because
                  nothing better was found, and the note says so
    system_test   after the round, under Codeforces rules: the last submission that passed pretests, on
                  every test (a failure there is final and scores 0)
    conclude      score under the contest's rules, place in the real standings, performance rating

The contest run is a run in the run store: the solve loop's events and ours share ``events.jsonl``, so an
interrupted contest resumes without redoing a finished problem or a recorded submission. The clock
resumes where it stopped: time while the process was not running is not charged to the bot.

After a rejection on hidden tests the bot starts a fresh attempt at the problem (a new solve run with the
next seed). It is told nothing about the hidden tests, as a contestant is told only the verdict; under
Codeforces rules it is judged on pretests only during the round (``solver.contest.rules``), and a problem
whose submission passed them is finished for the bot, as for a contestant who cannot see system tests.

A judge error is never a verdict: the submission is judged again, and if the error stays the problem is
reported as not judged and left out of the score. So is a problem whose hidden tests need a checker this
judge cannot run (``solver.contest.submit.pack_use``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from solver.config import Config
from solver.contest.fetching import needed
from solver.contest.outcome import (
    MAX_SUBMISSIONS,
    NOT_JUDGED,
    ContestResult,
    Judged,
    ProblemOutcome,
    Submission,
)
from solver.contest.placing import OfficialRow, Rated, bot_score, place_bot, problem_scores
from solver.contest.rules import DEFAULT_PRETESTS, RoundRules, round_rules
from solver.contest.submit import PackJudge, PackUse, PackVerdict, pack_use
from solver.contest.testpack import TestPack, load_hidden_tests
from solver.errors import NotFoundError, ProblemError, StoreError, UsageError
from solver.llm.base import ChatParams, ModelBackend
from solver.problem import Contest, ContestRef, ContestType, Problem
from solver.rating.placement import TimeModel
from solver.runstore import Run
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls, Reply
from solver.solve.programs import Judge
from solver.solve.work import ProblemResult, Progress, Settings
from solver.sources.cf_api import RatingChange, Standings
from solver.sources.specs import Spec, SpecKind, parse_hidden_tests_spec

CLOCK_EVERY_S = 15.0
EXAMPLES_ONLY_NOTE = "submitted on the examples only (no stress test ran): nothing better was found"

# (problem, the run its events belong to, settings, the live board's progress and on_reply as a local solve
# gets them) -> the result, its events appended to that run
# (problem, its attempt's run, settings, the board, the reply counter, the problem's place in the contest)
SolveRemote = Callable[
    [Problem, Run, Settings, Progress | None, Callable[[Reply], None] | None, int], Awaitable[ProblemResult]
]


class PackVerdicts(Protocol):
    """What judges a submission on a test pack: ``PackJudge`` here, or a cluster's workers."""

    async def verdict(
        self, problem: Problem, pack: TestPack, code: str, lang: str, *, count: int | None = None
    ) -> PackVerdict: ...


# the contest run -> what judges its submissions (a cluster notes in the run which worker judged)
JudgeRemote = Callable[[Run], PackVerdicts]


class ContestSource(Protocol):
    """What contest mode asks of the problem source (``solver.sources.codeforces.CodeforcesSource``)."""

    async def contest_problems(self, ref: ContestRef) -> list[Problem]: ...

    async def standings(self, contest_id: int, *, show_unofficial: bool = False) -> Standings: ...

    async def rating_changes(self, contest_id: int) -> list[RatingChange]: ...


@dataclass(frozen=True)
class ContestOptions:
    time_model: TimeModel = field(default_factory=TimeModel)
    duration_s: int | None = None  # overrides the contest's duration (the elapsed model's deadline)
    hidden_tests: tuple[Spec, ...] = ()  # where hidden tests come from; a later spec wins for a problem
    max_submissions: int = MAX_SUBMISSIONS
    pretests: int = DEFAULT_PRETESTS  # Codeforces-rules rounds: the first N tests are the pretests

    def to_json(self) -> dict[str, Any]:
        return {
            "time_model": str(self.time_model),
            "duration_s": self.duration_s,
            "hidden_tests": [str(spec) for spec in self.hidden_tests],
            "max_submissions": self.max_submissions,
            "pretests": self.pretests,
        }

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> ContestOptions:
        specs = [parse_hidden_tests_spec(str(t)) for t in d.get("hidden_tests") or ()]
        # Runs written before --hidden-tests: the dataset first, the folder given by hand winning over it.
        if d.get("codecontests"):
            specs.insert(0, Spec(SpecKind.CODECONTESTS, Path(d["codecontests"])))
        if d.get("tests_dir"):
            specs.append(Spec(SpecKind.DIR, Path(d["tests_dir"])))
        return ContestOptions(
            time_model=TimeModel.parse(str(d.get("time_model", "elapsed"))),
            duration_s=d.get("duration_s"),
            hidden_tests=tuple(specs),
            max_submissions=int(d.get("max_submissions", MAX_SUBMISSIONS)),
            pretests=int(d.get("pretests", DEFAULT_PRETESTS)),
        )


@dataclass
class Services:
    """What one contest run uses; the command builds it (tests build it with fakes)."""

    source: ContestSource
    backend: ModelBackend
    judge: Judge
    config: Config
    settings: Settings
    meta: dict[str, Any] = field(default_factory=dict)  # model name and digest, versions: into run.json
    progress: Progress | None = None
    log: Callable[[str], None] = lambda _line: None
    on_reply: Callable[[Reply], None] | None = None  # token counts for a live progress board
    solve_remote: SolveRemote | None = None  # a cluster solves each problem attempt (solver.cluster)
    judge_remote: JudgeRemote | None = None  # a cluster judges the submissions on hidden tests


@dataclass(frozen=True)
class Prepared:
    contest: Contest
    problems: tuple[Problem, ...]
    official: tuple[OfficialRow, ...]
    rated: tuple[Rated, ...]
    packs: dict[str, TestPack]
    judging: RoundRules  # what a submission is judged on during the round and after it

    @property
    def rules(self) -> ContestType:
        return self.contest.type


# --- prepare ----------------------------------------------------------------------------------------------


def official_rows(standings: Standings) -> list[OfficialRow]:
    """The official contestants of final standings (``showUnofficial=false`` may still list others)."""
    rows = [r for r in standings.rows if r.participant_type == "CONTESTANT" and r.rank > 0]
    if not rows:
        rows = [r for r in standings.rows if r.rank > 0]
    return [OfficialRow(r.rank, r.points, r.penalty) for r in rows]


async def prepare(
    contest_id: int, source: ContestSource, options: ContestOptions, config: Config | None = None
) -> Prepared:
    cfg = config if config is not None else Config()
    standings = await needed(
        "its final standings (API contest.standings)", source.standings(contest_id), cfg, contest_id
    )
    contest = standings.contest
    if contest.phase != "FINISHED":
        raise UsageError(
            f"contest {contest_id} ({contest.name}) is not finished (phase {contest.phase}): "
            "its final standings do not exist yet"
        )
    if contest.type is ContestType.IOI:
        raise UsageError(f"contest {contest_id} uses IOI rules: it has no Codeforces rating to compare with")
    problems = await needed(
        "its problems", source.contest_problems(ContestRef(contest_id)), cfg, contest_id, problems=True
    )
    if not problems:
        raise NotFoundError(f"contest {contest_id} has no problems")
    info = {p.index: p for p in contest.problems}
    merged = tuple(
        replace(p, rating=p.rating if p.rating is not None else getattr(info.get(p.id.index), "rating", None))
        for p in problems
    )
    try:
        changes = await needed(
            "its rating changes (API contest.ratingChanges)", source.rating_changes(contest_id), cfg, contest_id
        )
    except NotFoundError:
        changes = []
    rated = tuple(Rated(c.handle, c.rank, c.old_rating, c.new_rating) for c in changes)
    packs: dict[str, TestPack] = {}
    for spec in options.hidden_tests:
        packs.update(load_hidden_tests(spec, contest_id))
    judging = round_rules(contest, options.pretests)
    return Prepared(contest, merged, tuple(official_rows(standings)), rated, packs, judging)


# --- the clock --------------------------------------------------------------------------------------------


class Clock:
    """Seconds of contest time: what earlier sessions used plus this session's monotonic time."""

    def __init__(self, offset_s: float, now: Callable[[], float] = time.monotonic) -> None:
        self.offset_s = offset_s
        self._now = now
        self._start = now()

    def elapsed(self) -> float:
        return self.offset_s + (self._now() - self._start)


# --- the state of a contest run, replayed from its events --------------------------------------------------


@dataclass
class State:
    submissions: dict[str, list[tuple[int, Submission]]] = field(
        default_factory=dict
    )  # index -> (attempt, s)
    finals: dict[str, ProblemOutcome] = field(default_factory=dict)
    retry_runs: dict[tuple[str, int], str] = field(default_factory=dict)  # (index, attempt) -> folder
    elapsed_s: float = 0.0
    done: ContestResult | None = None

    @staticmethod
    def of(run: Run) -> State:
        st = State()
        for e in run.events():
            if not e.type.startswith("contest_"):
                continue
            st.elapsed_s = max(st.elapsed_s, float(e.get("elapsed_s", 0.0) or 0.0))
            if e.type == "contest_submission":
                sub = Submission.from_json(dict(e.get("submission")))
                st.submissions.setdefault(str(e.get("index")), []).append((int(e.get("attempt")), sub))
            elif e.type == "contest_system_test":  # the same submission, now with its system-test verdict
                sub = Submission.from_json(dict(e.get("submission")))
                index, attempt = str(e.get("index")), int(e.get("attempt"))
                kept = [(a, s) for a, s in st.submissions.get(index, []) if a != attempt]
                st.submissions[index] = [*kept, (attempt, sub)]
            elif e.type == "contest_problem_final":
                outcome = ProblemOutcome.from_json(dict(e.get("outcome")))
                st.finals[outcome.index] = outcome
            elif e.type == "contest_attempt_run":
                st.retry_runs[(str(e.get("index")), int(e.get("attempt")))] = str(e.get("run"))
            elif e.type == "contest_done":
                st.done = ContestResult.from_json(dict(e.get("result")))
        for index, outcome in st.finals.items():  # a system test recorded after the problem's final event
            subs = tuple(s for _, s in sorted(st.submissions.get(index, []), key=lambda t: t[0]))
            st.finals[index] = replace(outcome, submissions=subs)
        return st


# --- play -------------------------------------------------------------------------------------------------


class ContestPlay:
    def __init__(self, run: Run, prep: Prepared, svc: Services, options: ContestOptions) -> None:
        self.run = run
        self.prep = prep
        self.svc = svc
        self.options = options
        self.state = State.of(run)
        self.clock = Clock(self.state.elapsed_s)
        self.pack_judge: PackVerdicts = (
            PackJudge(svc.judge) if svc.judge_remote is None else svc.judge_remote(run)
        )
        self._programs: dict[str, str] = {}  # submitted program by its source path (this session's)
        self.duration_s = options.duration_s or prep.contest.duration_s

    def log(self, type_: str, **data: Any) -> None:
        self.run.append(type_, elapsed_s=round(self.clock.elapsed(), 3), **data)

    async def play(self) -> list[ProblemOutcome]:
        self.log("contest_session", resumed=bool(self.state.finals or self.state.submissions))
        todo = [p for p in self.prep.problems if p.id.index not in self.state.finals]
        tasks = {p.id.index: asyncio.create_task(self.play_problem(p)) for p in todo}
        ticker = asyncio.create_task(self._tick())
        try:
            if tasks:
                remaining = None
                if self.options.time_model.kind == "elapsed":
                    remaining = max(0.0, self.duration_s - self.clock.elapsed())
                _, pending = await asyncio.wait(tasks.values(), timeout=remaining)
                for t in pending:
                    t.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                for index, t in tasks.items():
                    if t.cancelled():
                        self._final(
                            self._outcome(
                                self._problem(index),
                                f"not solved within the contest's {self.duration_s // 60} minutes",
                            )
                        )
                    elif (error := t.exception()) is not None:
                        raise error
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
        return [self.state.finals[p.id.index] for p in self.prep.problems]

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(CLOCK_EVERY_S)
            self.log("contest_clock")

    def _problem(self, index: str) -> Problem:
        return next(p for p in self.prep.problems if p.id.index == index)

    def _use(self, problem: Problem) -> PackUse:
        return pack_use(problem, self.prep.packs.get(problem.id.index))

    def _outcome(self, problem: Problem, note: str, runs: Sequence[str] = ()) -> ProblemOutcome:
        index = problem.id.index
        info = next((c for c in self.prep.contest.problems if c.index == index), None)
        subs = tuple(s for _, s in sorted(self.state.submissions.get(index, []), key=lambda t: t[0]))
        mode = self._use(problem).mode
        judged: Judged = "pack" if mode == "pack" else "local" if mode == "local" else "none"
        if subs and subs[-1].judged == "unjudged":
            judged = "unjudged"
        pack = self.prep.packs.get(index)
        return ProblemOutcome(
            index=index,
            name=problem.name,
            rating=problem.rating,
            max_points=info.points if info is not None else None,
            submissions=subs,
            judged=judged,
            note=note,
            solve_runs=tuple(runs),
            coverage=pack.coverage if pack is not None else "none",
            tests=pack.describe() if pack is not None else "",
        )

    def _final(self, outcome: ProblemOutcome) -> None:
        self.state.finals[outcome.index] = outcome
        self.log("contest_problem_final", index=outcome.index, outcome=outcome.to_json())

    def _attempt_run(self, index: str, attempt: int) -> Run:
        """Attempt 0 solves inside the contest run; later attempts get their own run folder under it."""
        if attempt == 0:
            return self.run
        known = self.state.retry_runs.get((index, attempt))
        if known is not None:
            return Run.open(self.run.path, known)
        child = Run.create(
            self.run.path / "attempts",
            f"{index}-attempt-{attempt}",
            {"command": "contest-attempt", "parent": self.run.id, "problem": index, "attempt": attempt},
        )
        rel = str(child.path.relative_to(self.run.path))
        self.state.retry_runs[(index, attempt)] = rel
        self.log("contest_attempt_run", index=index, attempt=attempt, run=rel)
        return child

    async def _solve(self, problem: Problem, attempt: int) -> tuple[ProblemResult, Run]:
        run = self._attempt_run(problem.id.index, attempt)
        settings = replace(self.svc.settings, seed=self.svc.settings.seed + attempt)
        order = next(k for k, p in enumerate(self.prep.problems) if p.id == problem.id)  # A first
        if self.svc.solve_remote is not None:
            shown = (self.svc.progress, self.svc.on_reply)  # the board sees a remote solve as a local one
            return await self.svc.solve_remote(problem, run, settings, *shown, order), run
        calls = ModelCalls(
            self.svc.backend, run, run.index(), ChatParams(seed=settings.seed), self.svc.on_reply
        )
        env = Env(self.svc.judge, run, calls, settings, order=order)
        if self.svc.progress is not None:
            env.progress = self.svc.progress
        return await solve_problem(problem, env), run

    async def play_problem(self, problem: Problem) -> None:
        index = problem.id.index
        use = self._use(problem)
        runs: list[str] = []
        attempt = 0
        while True:
            done = dict(self.state.submissions.get(index, []))
            if attempt in done:  # submitted in an earlier session
                if _ends_problem(done[attempt]):
                    return self._final(self._outcome(problem, _end_note(use, done[attempt]), runs))
                attempt += 1
                continue
            if attempt >= self.options.max_submissions:
                on = "pretests" if any(sub.pretests is not None for sub in done.values()) else "hidden tests"
                note = f"{self.options.max_submissions} submissions rejected on {on}"
                return self._final(self._outcome(problem, note, runs))
            result, run = await self._solve(problem, attempt)
            runs.append(str(run.path.relative_to(self.run.path)) if run is not self.run else ".")
            if not result.submittable or result.solution is None:
                return self._final(self._outcome(problem, result.reason, runs))
            weak = EXAMPLES_ONLY_NOTE if result.examples_only else ""
            if weak:
                self.log("contest_examples_only", index=index, attempt=attempt, reason=result.reason)
            at = self.clock.elapsed()
            if not self.options.time_model.counts(at, self.duration_s):
                note = f"passed local tests at minute {at / 60:.0f}, after the contest's end: does not count"
                return self._final(self._outcome(problem, note, runs))
            source = (
                f"{run.path.relative_to(self.run.path)}/{result.solution_path}"
                if run is not self.run
                else str(result.solution_path)
            )
            self._programs[source] = result.solution
            sub = await self._submit(problem, use, result.solution, result.lang, at, source)
            if weak:
                sub = replace(sub, detail=f"{sub.detail}; {weak}" if sub.detail else weak)
            self.state.submissions.setdefault(index, []).append((attempt, sub))
            self.log("contest_submission", index=index, attempt=attempt, submission=sub.to_json())
            on = "" if sub.judged == "pack" else " (local tests only)" if sub.judged == "local" else ""
            shown = "pretests passed" if sub.passed_pretests else sub.verdict
            self.svc.log(
                f"{problem.id}: submission {attempt + 1} at minute {sub.minute}: {shown}{on}"
                + (f" ({weak})" if weak else "")
            )
            if _ends_problem(sub):
                note = _end_note(use, sub)
                return self._final(self._outcome(problem, f"{note}; {weak}" if weak else note, runs))
            attempt += 1

    async def _submit(
        self, problem: Problem, use: PackUse, code: str, lang: str, at: float, source: str
    ) -> Submission:
        """One submission as the round's rules judge it: pretests (CF rules) or every test (ICPC rules)."""
        minute = self.options.time_model.minute(at)
        pack = self.prep.packs.get(problem.id.index)
        if use.mode == "local" or pack is None:
            return Submission(at, minute, "AC", "local", None, "passed every local test", source, lang=lang)
        if use.mode == "unjudgeable":
            return Submission(at, minute, NOT_JUDGED, "unjudged", None, use.note, source, lang=lang)
        count = self.prep.judging.pretest_count(len(pack.tests))
        pv = await self.pack_judge.verdict(problem, pack, code, lang, count=count)
        if pv.verdict == "JE":
            why = f"judge error twice ({pv.detail}): not judged, excluded from the score"
            return Submission(at, minute, NOT_JUDGED, "unjudged", None, why, source, pretests=count, lang=lang)
        detail = pv.detail + (" (judged again after a judge error)" if pv.tries > 1 else "")
        return Submission(at, minute, pv.verdict, "pack", pv.failed_test, detail, source, pretests=count, lang=lang)

    async def system_test(self) -> list[ProblemOutcome]:
        """After the round: every problem whose last submission passed pretests is judged on all its tests.

        A failure is final (the problem scores 0); a judge error that stays makes the problem not judged."""
        for problem in self.prep.problems:
            index = problem.id.index
            subs = sorted(self.state.submissions.get(index, []), key=lambda t: t[0])
            pack = self.prep.packs.get(index)
            if not subs or pack is None:
                continue
            attempt, last = subs[-1]
            if not last.passed_pretests or last.system is not None:
                continue
            code = self._program(last.source)
            pv = await self.pack_judge.verdict(problem, pack, code, last.lang)
            if pv.verdict == "JE":
                why = f"judge error twice in system tests ({pv.detail}): not judged, excluded from the score"
                tested = replace(last, judged="unjudged", system=NOT_JUDGED, system_detail=why)
            else:
                again = " (judged again after a judge error)" if pv.tries > 1 else ""
                tested = replace(
                    last, system=pv.verdict, system_failed_test=pv.failed_test, system_detail=pv.detail + again
                )
            self.state.submissions[index] = [*(t for t in subs if t[0] != attempt), (attempt, tested)]
            self.log("contest_system_test", index=index, attempt=attempt, submission=tested.to_json())
            self.svc.log(f"{problem.id}: system tests: {tested.system}")
            previous = self.state.finals.get(index)
            runs = previous.solve_runs if previous is not None else ()
            self._final(self._outcome(problem, _end_note(self._use(problem), tested), runs))
        return [self.state.finals[p.id.index] for p in self.prep.problems]

    def _program(self, source: str) -> str:
        """A submitted program: kept from this session, else read back from the run folder (a resumed run)."""
        if source in self._programs:
            return self._programs[source]
        path = self.run.path / source
        try:
            return path.read_text(encoding="utf-8")
        except OSError as e:
            raise StoreError(
                f"cannot read the submitted program {path} to system-test it: {e.strerror or e}"
            ) from None


def _ends_problem(sub: Submission) -> bool:
    """The bot stops working on a problem once accepted, once past pretests, or once nothing can judge it."""
    return sub.accepted or sub.passed_pretests or sub.judged == "unjudged"


def _end_note(use: PackUse, sub: Submission) -> str:
    if sub.judged == "unjudged":
        return sub.system_detail if sub.system == NOT_JUDGED else sub.detail
    if sub.passed_pretests:
        passed = f"passed {sub.pretests} pretests"
        if sub.system is None:
            return f"{passed}; not system-tested yet"
        if sub.system == "AC":
            return f"{passed} and the system tests; {use.note}"
        return f"{passed}, then failed system tests: {sub.system_detail} (final: no further submission)"
    return use.note


# --- conclude ---------------------------------------------------------------------------------------------


def conclude(
    prep: Prepared, outcomes: Sequence[ProblemOutcome], options: ContestOptions, elapsed_s: float, run_id: str
) -> tuple[ContestResult, dict[str, str]]:
    contest = prep.contest
    duration = options.duration_s or contest.duration_s
    tm = options.time_model
    try:
        full = bot_score(outcomes, contest.type, duration, tm)
        placement = place_bot(contest.id, full, prep.official, prep.rated)
        verified = None
        if any(o.accepted and o.judged == "local" for o in outcomes):
            strict = bot_score(outcomes, contest.type, duration, tm, verified_only=True)
            verified = place_bot(contest.id, strict, prep.official, prep.rated)
    except ValueError as e:  # data placement cannot use: no points under CF rules, a rating off the scale
        raise ProblemError(f"contest {contest.id} cannot be placed: {e}") from None
    notes: list[str] = []
    if not prep.rated:
        notes.append("Codeforces published no rating changes for this contest (unrated): no performance.")
    if options.duration_s is not None and options.duration_s != contest.duration_s:
        notes.append(
            f"Duration overridden: {options.duration_s // 60} min instead of {contest.duration_s // 60}."
        )
    if any(len(o.submissions) > 1 for o in outcomes):
        pretests = any(s.pretests is not None for o in outcomes for s in o.submissions)
        on = "pretests" if pretests else "hidden tests"
        notes.append(
            f"After a rejection on {on} the bot started a fresh attempt with the next seed; "
            "it was told only the verdict."
        )
    result = ContestResult(
        contest_id=contest.id,
        name=contest.name,
        division=contest.division,
        rules=contest.type.value,
        duration_s=duration,
        time_model=str(tm),
        problems=tuple(outcomes),
        placement=placement,
        verified=verified,
        elapsed_s=elapsed_s,
        run_id=run_id,
        notes=tuple(notes),
        judging=prep.judging,
        start_time=contest.start_time,
    )
    return result, problem_scores(full, outcomes, contest.type)


# --- the whole thing --------------------------------------------------------------------------------------


def open_contest_run(
    runs: Path, contest_id: int, options: ContestOptions, svc: Services, resume: str | None
) -> tuple[Run, ContestOptions]:
    """A new contest run, or the one to resume (its options, not the command line's, then apply)."""
    if resume is None:
        meta = {
            "command": "contest",
            "contest_id": contest_id,
            "options": options.to_json(),
            **svc.meta,
        }
        return Run.create(runs, f"contest-{contest_id}", meta), options
    run = Run.open(runs, resume)
    meta = run.meta()
    if meta.get("command") != "contest" or int(meta.get("contest_id", -1)) != contest_id:
        raise StoreError(
            f"run {run.id} is not a run of contest {contest_id}; start a new one without --resume"
        )
    run.update_meta(status="running")
    return run, ContestOptions.from_json(meta.get("options", {}))


async def run_contest(
    contest_id: int,
    svc: Services,
    options: ContestOptions,
    resume: str | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> tuple[ContestResult, dict[str, str], Run]:
    """Solve, place and rate one contest; ``on_run`` hears of a newly created run folder (batches)."""
    if resume is not None:  # the run's own options (test packs, time model) apply, not the command line's
        run, options = open_contest_run(svc.config.runs, contest_id, options, svc, resume)
        prep = await prepare(contest_id, svc.source, options, svc.config)
    else:  # fetched first: a contest that cannot be placed leaves no run folder behind
        prep = await prepare(contest_id, svc.source, options, svc.config)
        run, options = open_contest_run(svc.config.runs, contest_id, options, svc, None)
        if on_run is not None:
            on_run(run)
    play = ContestPlay(run, prep, svc, options)
    if play.state.done is not None:  # finished in an earlier session: place again, solve nothing
        outcomes = list(play.state.done.problems)
        elapsed = play.state.done.elapsed_s
    else:
        await play.play()
        elapsed = (
            min(play.clock.elapsed(), float(play.duration_s))
            if options.time_model.kind == "elapsed"
            else play.clock.elapsed()
        )
        outcomes = await play.system_test()  # after the round: not charged to the bot's time
    result, scores = conclude(prep, outcomes, options, elapsed, run.id)
    if play.state.done is None:
        run.append("contest_done", elapsed_s=round(elapsed, 3), result=result.to_json(), scores=scores)
    run.update_meta(status="finished", result=result.placement.to_json())
    return result, scores, run
