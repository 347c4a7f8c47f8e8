"""What a contest run produced, as frozen values that round-trip through JSON (the resume state).

    Submission       one candidate that passed every local test and was "submitted"
    ProblemOutcome   every submission on one problem, how it was judged, and why it stopped
    Placement        points, penalty and rank in the real standings, and the performance they are worth
    ContestResult    all of it for one contest (round-trips through JSON: the batch's resume state)

Codeforces does not count a compilation error or a failure on the first test as a rejected attempt (for
either rules); ``penalised`` follows that, so a submission that dies on the sample-like test 1 is free.
A judge error and a problem that could not be judged are never a verdict against the bot, nor an acceptance.

Under Codeforces rules a submission's ``verdict`` is its pretest verdict (what the contestant saw); the
last one that passed pretests carries its ``system`` verdict, and only a system-test AC is an acceptance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from solver.contest.rules import RoundRules

# "pack": on hidden tests; "local": local acceptance taken as acceptance; "unjudged": hidden tests exist but
# could not judge it (a checker this judge cannot run, a judge error that stayed): excluded from the score.
Judged = Literal["pack", "local", "none", "unjudged"]
Coverage = Literal["complete", "partial", "none"]
MAX_SUBMISSIONS = 10
NOT_JUDGED = "not judged"  # the verdict of a submission nothing could judge (never AC, never penalised)
_FREE = ("CE", "JE", NOT_JUDGED)


@dataclass(frozen=True)
class Submission:
    at_s: float  # active seconds since the bot started the contest
    minute: int  # as the time model credits it
    verdict: str  # a sandbox Verdict value ("AC", "WA", "TLE", ...)
    judged: Judged  # "pack": on hidden tests; "local": local acceptance taken as acceptance
    failed_test: int | None = None  # 0-based index of the first failing pack test
    detail: str = ""
    source: str = ""  # path of the submitted program (relative to the contest run folder)
    pretests: int | None = None  # judged during the round on the first N tests only (CF rules); None: all
    system: str | None = None  # the system-test verdict (all tests, after the round) of a pretest pass
    system_failed_test: int | None = None  # 0-based index of the first test failing system tests
    system_detail: str = ""
    lang: str = ""  # the program's language, to system-test it after the round

    @property
    def passed_pretests(self) -> bool:
        return self.pretests is not None and self.verdict == "AC"

    @property
    def accepted(self) -> bool:
        if self.verdict != "AC" or self.judged == "unjudged":
            return False
        return self.pretests is None or self.system == "AC"

    @property
    def penalised(self) -> bool:
        return not self.accepted and self.verdict not in _FREE and self.failed_test != 0

    def to_json(self) -> dict[str, Any]:
        return {
            "at_s": round(self.at_s, 3),
            "minute": self.minute,
            "verdict": self.verdict,
            "judged": self.judged,
            "failed_test": self.failed_test,
            "detail": self.detail,
            "source": self.source,
            "pretests": self.pretests,
            "system": self.system,
            "system_failed_test": self.system_failed_test,
            "system_detail": self.system_detail,
            "lang": self.lang,
            "accepted": self.accepted,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> Submission:
        return Submission(
            float(d["at_s"]),
            int(d["minute"]),
            str(d["verdict"]),
            d["judged"],
            d.get("failed_test"),
            str(d.get("detail", "")),
            str(d.get("source", "")),
            d.get("pretests"),
            d.get("system"),
            d.get("system_failed_test"),
            str(d.get("system_detail", "")),
            str(d.get("lang", "")),
        )


@dataclass(frozen=True)
class ProblemOutcome:
    index: str
    name: str
    rating: int | None
    max_points: float | None
    submissions: tuple[Submission, ...] = ()
    judged: Judged = "none"
    note: str = ""  # why it stopped, or the assumption behind an acceptance
    final: bool = True  # False while the problem is still being worked on (resume state)
    solve_runs: tuple[str, ...] = field(default_factory=tuple)
    coverage: Coverage = "none"  # its hidden tests: the complete official set, partial, or none
    tests: str = ""  # its hidden tests in words (how many, which kind, from where)

    @property
    def accepted(self) -> bool:
        return any(s.accepted for s in self.submissions)

    @property
    def minute_solved(self) -> int | None:
        return next((s.minute for s in self.submissions if s.accepted), None)

    @property
    def rejected(self) -> int:
        """Penalised rejections before the accepted submission (all of them when none was accepted)."""
        n = 0
        for s in self.submissions:
            if s.accepted:
                break
            n += s.penalised
        return n

    @property
    def unjudged(self) -> bool:
        """Hidden tests exist but could not judge it: excluded from the score, never accepted."""
        return self.judged == "unjudged"

    @property
    def failed_system_tests(self) -> bool:
        last = self.submissions[-1] if self.submissions else None
        return last is not None and last.passed_pretests and last.system not in (None, "AC")

    @property
    def verdict(self) -> str:
        if self.accepted:
            return "AC" if self.judged == "pack" else "AC (local)"
        if self.unjudged:
            return NOT_JUDGED
        if self.submissions:
            last = self.submissions[-1]
            if last.passed_pretests:
                if last.system is None:
                    return "pretests passed (not system-tested)"
                return f"{last.system} on system tests"
            return last.verdict
        return "—"

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "rating": self.rating,
            "max_points": self.max_points,
            "submissions": [s.to_json() for s in self.submissions],
            "judged": self.judged,
            "note": self.note,
            "final": self.final,
            "solve_runs": list(self.solve_runs),
            "coverage": self.coverage,
            "tests": self.tests,
            "accepted": self.accepted,
            "unjudged": self.unjudged,
            "failed_system_tests": self.failed_system_tests,
            "minute_solved": self.minute_solved,
            "rejected_attempts": self.rejected,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> ProblemOutcome:
        return ProblemOutcome(
            index=str(d["index"]),
            name=str(d.get("name", "")),
            rating=d.get("rating"),
            max_points=d.get("max_points"),
            submissions=tuple(Submission.from_json(s) for s in d.get("submissions", [])),
            judged=d.get("judged", "none"),
            note=str(d.get("note", "")),
            final=bool(d.get("final", True)),
            solve_runs=tuple(d.get("solve_runs", [])),
            coverage=d.get("coverage", "none"),
            tests=str(d.get("tests", "")),
        )


def _perf_json(v: float | None) -> float | str | None:
    # JSON has no infinity: a winner's performance (rank 1 always gains) is written as "inf".
    return "inf" if v is not None and math.isinf(v) else v


def _perf_from(v: Any) -> float | None:
    return None if v is None else float(v)


@dataclass(frozen=True)
class Placement:
    """Where the bot lands in the real final standings, and the performance that rank is worth."""

    points: float  # CF: points; ICPC: problems solved
    penalty: int  # ICPC: penalty minutes; CF: 0
    rank: int  # the place standings would show: 1 + official contestants strictly better
    rank_worst: int  # the place the rating algorithm uses: ties share the worst place of their group
    participants: int  # official contestants in the real standings (the bot not counted)
    performance: float | None  # None when the contest has no rating changes to compute it from
    rated_participants: int = 0
    new_account_correction: bool = False  # opponents' displayed ratings mapped back to internal ones
    opponent_note: str = ""  # how the opponents' internal ratings were recovered (solver.rating.opponents)

    def to_json(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "penalty": self.penalty,
            "rank": self.rank,
            "rank_worst": self.rank_worst,
            "participants": self.participants,
            "performance": _perf_json(self.performance),
            "rated_participants": self.rated_participants,
            "new_account_correction": self.new_account_correction,
            "opponent_note": self.opponent_note,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> Placement:
        return Placement(
            float(d["points"]),
            int(d["penalty"]),
            int(d["rank"]),
            int(d.get("rank_worst", d["rank"])),
            int(d["participants"]),
            _perf_from(d.get("performance")),
            int(d.get("rated_participants", 0)),
            bool(d.get("new_account_correction", False)),
            str(d.get("opponent_note", "")),
        )


@dataclass(frozen=True)
class ContestResult:
    contest_id: int
    name: str
    division: str | None
    rules: str  # "CF" or "ICPC"
    duration_s: int
    time_model: str
    problems: tuple[ProblemOutcome, ...]
    placement: Placement  # as judged: local acceptances taken as accepted
    verified: Placement | None = None  # counting only pack-verified acceptances (None if all were verified)
    elapsed_s: float = 0.0
    run_id: str = ""
    notes: tuple[str, ...] = ()
    judging: RoundRules | None = None  # the round's judging rules (None: a result from before they existed)
    start_time: int | None = None  # the contest's start (unix seconds): possibly in the model's training?

    @property
    def unjudged(self) -> list[str]:
        """Problems that hidden tests could not judge: excluded from the score."""
        return [p.index for p in self.problems if p.unjudged]

    @property
    def optimistic(self) -> bool:
        """Some acceptance rests on local tests only: the performance is an upper estimate."""
        return any(p.accepted and p.judged == "local" for p in self.problems)

    @property
    def performance_interval(self) -> tuple[float, float] | None:
        """From counting only pack-verified solves to counting local acceptances too."""
        hi = self.placement.performance
        if hi is None:
            return None
        lo = self.verified.performance if self.verified and self.verified.performance is not None else hi
        return (min(lo, hi), max(lo, hi))

    def to_json(self) -> dict[str, Any]:
        iv = self.performance_interval
        return {
            "contest_id": self.contest_id,
            "name": self.name,
            "division": self.division,
            "rules": self.rules,
            "duration_s": self.duration_s,
            "time_model": self.time_model,
            "problems": [p.to_json() for p in self.problems],
            "placement": self.placement.to_json(),
            "verified": self.verified.to_json() if self.verified else None,
            "optimistic": self.optimistic,
            "performance_interval": None if iv is None else [_perf_json(iv[0]), _perf_json(iv[1])],
            "elapsed_s": round(self.elapsed_s, 3),
            "run_id": self.run_id,
            "notes": list(self.notes),
            "judging": None if self.judging is None else self.judging.to_json(),
            "unjudged": self.unjudged,
            "start_time": self.start_time,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> ContestResult:
        return ContestResult(
            contest_id=int(d["contest_id"]),
            name=str(d.get("name", "")),
            division=d.get("division"),
            rules=str(d.get("rules", "CF")),
            duration_s=int(d.get("duration_s", 0)),
            time_model=str(d.get("time_model", "elapsed")),
            problems=tuple(ProblemOutcome.from_json(p) for p in d.get("problems", [])),
            placement=Placement.from_json(d["placement"]),
            verified=Placement.from_json(d["verified"]) if d.get("verified") else None,
            elapsed_s=float(d.get("elapsed_s", 0.0)),
            run_id=str(d.get("run_id", "")),
            notes=tuple(d.get("notes", [])),
            judging=RoundRules.from_json(d.get("judging")),
            start_time=None if d.get("start_time") is None else int(d["start_time"]),
        )
