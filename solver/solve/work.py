"""What one problem's solving shares between its stages, and the values it produces.

``Settings`` is frozen (from Config). ``Work`` is the per-problem context the orchestrator builds and
hands to each stage: the problem, the judge, the run, the model door, the budget counters, the pool of
local tests (grows with counterexamples) and the progress board. Results are frozen values that go to the
run store and back (``ProblemResult.to_json``/``from_json``), so a finished problem is never solved again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.api import Verdict
from sandbox.diff import Difference
from solver.problem import Problem
from solver.runstore import Run
from solver.solve.budget import Budget, Spending, Stop
from solver.solve.derive import Derived
from solver.solve.languages import PromptStyle
from solver.solve.model import ModelCalls
from solver.solve.programs import Judge, PoolTest

if TYPE_CHECKING:
    from solver.solve.candidate import Version


@dataclass(frozen=True)
class Settings:
    lang: str = "cpp17"
    helper_lang: str = "cpp17"  # brute force, generators, validator, checker, interactor: fast to run
    candidates: int = 1
    stress_tests: int = 200
    max_tests: int = 2  # max-size inputs (seeds of the max-size generator) per problem
    seed: int = 0
    budget: Budget = field(default_factory=Budget)
    kit_tries: int = 3  # model replies per helper program before giving up on it
    # "priority": drafts first, helpers asked lazily (solver.solve.schedule); "fifo": the old eager order
    # (every helper asked at once, requests served first come, first served), kept to measure against.
    schedule: str = "priority"


Progress = Callable[..., None]  # progress(problem, who, **fields): stage, attempt, passed, total, note


def _no_progress(*_a: Any, **_k: Any) -> None:
    return None


@dataclass
class Work:
    problem: Problem
    settings: Settings
    lang: PromptStyle
    helper_lang: PromptStyle
    judge: Judge
    run: Run
    model: ModelCalls
    spending: Spending
    progress: Progress = _no_progress
    pool: list[PoolTest] = field(default_factory=list)
    counterexamples: list[Counterexample] = field(default_factory=list)
    best: dict[str, Version] = field(default_factory=dict)  # candidate -> its last accepted version
    solved_by: str = ""  # the first candidate that passed every local test
    examples_only_by: str = ""  # the first (unsuspected) candidate that passed them with no stress test
    derived: dict[str, Derived] = field(default_factory=dict)  # pool tests derived from the examples, by name
    order: int = 0  # the problem's place in its contest (A = 0): its requests' rank among the problems

    @property
    def pid(self) -> str:
        return str(self.problem.id)

    def log(self, type_: str, **data: Any) -> None:
        self.run.append(type_, problem=self.pid, **data)

    def add_test(self, test: PoolTest) -> PoolTest:
        """Add a test to the shared pool (examples first, then what stress testing found), deduplicated."""
        for t in self.pool:
            if t.input == test.input:
                return t
        self.pool.append(test)
        self.log("test_added", name=test.name, kind=test.kind, input=test.input, answer=test.answer)
        return test


@dataclass(frozen=True)
class Counterexample:
    """An input on which a program failed against the reference (the brute force, or the bot's accepted
    solution in practice), shrunk; or a max-size input it could not run (``kind`` "max-size", no answer).

    The solve loop also says which version it broke, its name in the pool, and which later version fixed it.
    """

    input: str
    expected: str  # the reference's answer ("" for a max-size input: only the run counts)
    actual: str  # the program's output
    verdict: Verdict
    diff: Difference | None = None  # where the output first differs (WA/PE), as the checker sees it
    seed: int | None = None  # the generator seed that made the (unshrunk) input
    kind: str = "counterexample"  # or "max-size"
    evidence: str = ""  # what a repair prompt is told
    candidate: str = ""  # the program version it broke, e.g. "c0-v1"
    test: str = ""  # its name in the pool
    fixed_by: str = ""  # the first later version that passes it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> Counterexample:
        diff = d.get("diff")
        return Counterexample(
            input=str(d["input"]),
            expected=str(d.get("expected") or ""),
            actual=str(d.get("actual", d.get("found", ""))),  # "found", "detail": runs written before
            verdict=Verdict(d.get("verdict", d.get("detail", "WA"))),
            diff=_difference(diff) if isinstance(diff, Mapping) else None,
            seed=d.get("seed"),
            kind=str(d.get("kind", "max-size" if d.get("expected") is None else "counterexample")),
            evidence=str(d.get("evidence", "")),
            candidate=str(d.get("candidate", "")),
            test=str(d.get("test", "")),
            fixed_by=str(d.get("fixed_by", "")),
        )


def _difference(d: Mapping[str, Any]) -> Difference:
    rows = ("expected_context", "found_context")
    values: dict[str, Any] = {k: tuple(tuple(r) for r in v) if k in rows else v for k, v in d.items()}
    return Difference(**values)


@dataclass(frozen=True)
class StressOutcome:
    """What stress testing a program found: how many random tests were compared, and the first failure."""

    tests_run: int = 0  # random tests compared with the reference (judge errors are not counted)
    counterexample: Counterexample | None = None
    shrunk_from: int | None = None  # size in bytes of the failing input before shrinking
    agreed: int = 0
    max_tests: int = 0
    outputs: dict[str, str] = field(default_factory=dict)  # input -> output, to cluster candidates by
    notes: tuple[str, ...] = ()  # what could not be tested, and why

    @property
    def summary(self) -> str:
        parts = []
        if self.tests_run:
            parts.append(f"{self.agreed}/{self.tests_run} random tests agree with the brute force")
        if self.max_tests:
            parts.append(f"{self.max_tests} max-size test{'s' if self.max_tests > 1 else ''} run")
        return "; ".join(parts + list(self.notes)) or "not stress-tested"


@dataclass(frozen=True)
class LocalVerdict:
    name: str
    kind: str
    verdict: str
    cpu_s: float
    detail: str = ""


@dataclass(frozen=True)
class ProblemResult:
    problem: str
    stop: Stop
    reason: str  # one line: why the loop stopped, in words
    lang: str
    solution: str | None  # the chosen program's code
    solution_path: str | None  # relative to the run folder
    chosen: str | None  # the chosen version's name
    verdicts: tuple[LocalVerdict, ...] = ()
    stress: str = ""  # what stress testing did, in words ("200/200 random tests agree with the brute force")
    counterexamples: tuple[Counterexample, ...] = ()
    attempts: int = 0
    tokens: int = 0
    elapsed_s: float = 0.0
    clusters: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def solved(self) -> bool:
        return self.stop is Stop.SOLVED

    @property
    def examples_only(self) -> bool:
        """Passed the examples but met no stress test: weaker than solved (contest mode submits it only
        when nothing better exists, and says so)."""
        return self.stop is Stop.EXAMPLES_ONLY

    @property
    def submittable(self) -> bool:
        return (self.solved or self.examples_only) and self.solution is not None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["stop"] = self.stop.value
        return d

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> ProblemResult:
        return ProblemResult(
            problem=d["problem"],
            stop=Stop(d["stop"]),
            reason=d["reason"],
            lang=d["lang"],
            solution=d.get("solution"),
            solution_path=d.get("solution_path"),
            chosen=d.get("chosen"),
            verdicts=tuple(LocalVerdict(**v) for v in d.get("verdicts", ())),
            stress=d.get("stress", ""),
            counterexamples=tuple(Counterexample.from_json(c) for c in d.get("counterexamples", ())),
            attempts=int(d.get("attempts", 0)),
            tokens=int(d.get("tokens", 0)),
            elapsed_s=float(d.get("elapsed_s", 0.0)),
            clusters=tuple(tuple(c) for c in d.get("clusters", ())),
            notes=tuple(d.get("notes", ())),
        )
