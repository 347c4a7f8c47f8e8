"""The practice session's values: state, what comes in (commands, results), what goes out (effects, views).

The session is an Elm-style state machine (``solver.practice.machine.update``): a frozen ``Session`` and one
incoming message give a new ``Session``, the effects to run (judging, the bot, the model, the run store) and
the things to show. The terminal (``terminal.py``) and the effect runner (``runtime.py``) are the only I/O.

    user line --parse--> Command --+                     +--> Effect --runtime--> result message --+
                                   +--> update(state) ---+--> Output --view--> terminal            |
    result messages ---------------+        ^------------------------------------------------------+
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from sandbox.api import Source, Verdict
from sandbox.diff import Difference
from solver.problem import Contest, ContestRef, Problem, ProblemId

# One definition each, shared with the solve loop (re-exported: the practice messages carry them).
from solver.solve.work import Counterexample as Counterexample
from solver.solve.work import StressOutcome as StressOutcome

# --------------------------------------------------------------------------------------------- hints


class HintLevel(IntEnum):
    """The ladder, in order. Each level may say what the levels below it said, never more."""

    NUDGE = 1
    KEY_IDEA = 2
    OUTLINE = 3
    FULL = 4  # the full solution: only after an explicit confirmation

    @property
    def label(self) -> str:
        return {1: "nudge", 2: "key idea", 3: "outline", 4: "full solution"}[self.value]


@dataclass(frozen=True)
class Hint:
    level: HintLevel
    text: str


# --------------------------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class Criteria:
    """How to choose the next problem: a rating window, tags, a contest; solved ones are excluded."""

    rating: int | None = None
    below: int = 100  # window: rating - below .. rating + above
    above: int = 200
    tags: tuple[str, ...] = ()
    contest: int | None = None
    handle: str | None = None  # whose solved problems to exclude (user.status)
    seed: int = 0


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CaseOutcome:
    name: str
    verdict: Verdict
    cpu_s: float
    wall_s: float
    memory_kb: int
    input: str
    expected: str | None
    actual: str
    diff: Difference | None = None
    detail: str = ""  # runtime error / time detail from the judge


@dataclass(frozen=True)
class JudgeReport:
    verdict: Verdict
    outcomes: tuple[CaseOutcome, ...]
    time_limit_s: float
    compile_message: str = ""
    note: str = ""  # what the comparison could not do (several correct answers, ...)

    @property
    def passed(self) -> int:
        return sum(1 for o in self.outcomes if o.verdict is Verdict.AC)


@dataclass(frozen=True)
class BotSolution:
    """What the solve loop handed back: an accepted program and the generator it stress-tested with."""

    source: Source
    generator: Source | None = None  # "seed size" on stdin -> a small input
    validator: Source | None = None  # exit 0 on a valid input
    checker: Source | None = None  # several-answers problems: testlib-convention checker
    run_dir: str = ""


@dataclass(frozen=True)
class BoardCell:
    """One side's cell of the virtual contest's board for one problem: tries and the time of acceptance.

    Not a score: the points and penalty these give are computed by the rating engine's placement."""

    attempts: int = 0  # rejected submissions before the accepted one (or all of them)
    solved_at_s: float | None = None  # seconds since the start when accepted


@dataclass(frozen=True)
class VirtualContest:
    contest: Contest
    problems: tuple[Problem, ...]
    started_at: float
    duration_s: float
    user: tuple[tuple[str, BoardCell], ...]  # by problem index, in contest order
    bot: tuple[tuple[str, BoardCell], ...]
    finished: bool = False

    def user_cell(self, index: str) -> BoardCell:
        return dict(self.user).get(index, BoardCell())

    def bot_cell(self, index: str) -> BoardCell:
        return dict(self.bot).get(index, BoardCell())

    def remaining_s(self, now: float) -> float:
        return max(0.0, self.started_at + self.duration_s - now)


@dataclass(frozen=True)
class SideRating:
    who: str  # "you" or "bot"
    points: float
    penalty: int
    solved: int
    rank: float | None
    performance: int | None
    note: str = ""


@dataclass(frozen=True)
class VcRatings:
    contest_id: int
    sides: tuple[SideRating, ...]
    note: str = ""


# --------------------------------------------------------------------------------------------- state


class BotState(IntEnum):
    IDLE = 0
    SOLVING = 1
    SOLVED = 2
    FAILED = 3


@dataclass(frozen=True)
class Session:
    criteria: Criteria = field(default_factory=Criteria)
    workdir: Path = Path("practice")
    stress_count: int = 200  # random tests of a `stress` without N
    file: Path | None = None  # --file / `file PATH`: the user's solution file, else one per problem
    lang: str | None = None  # `lang NAME` overrides the extension
    problem: Problem | None = None
    hints: tuple[Hint, ...] = ()
    confirming_full: bool = False  # the next `yes` asks for the full solution
    busy: frozenset[str] = frozenset()  # jobs in flight: test, stress, hint, review, pick, vc
    bot: BotState = BotState.IDLE
    bot_detail: str = ""
    bot_solution: BotSolution | None = None
    stress_waiting: int | None = None  # a `stress N` waiting for the bot's solution
    stress_path: Path | None = None  # ... of this file
    stress_lang: str = ""
    counterexample: Counterexample | None = None
    last_report: JudgeReport | None = None
    solved: bool = False
    attempts: int = 0
    vc: VirtualContest | None = None
    done: bool = False


# --------------------------------------------------------------------------------------------- in


@dataclass(frozen=True)
class Workspace:
    """The user's solution file as the runtime found it when the command was typed."""

    path: Path
    code: str | None  # None: the file does not exist (or cannot be read: see ``unreadable``)
    unreadable: str = ""  # why an existing file cannot be read (permissions, ...)


@dataclass(frozen=True)
class Command:
    name: str  # one of COMMANDS
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Input:
    """A line the user typed, with the workspace snapshot and the clock at that moment."""

    command: Command
    workspace: Workspace
    now: float


@dataclass(frozen=True)
class ProblemLoaded:
    problem: Problem
    origin: str  # "pick", "named", "companion", "vc"
    note: str = ""


@dataclass(frozen=True)
class Judged:
    report: JudgeReport
    purpose: str  # "test" or "submit"
    now: float = 0.0
    index: str = ""  # the vc problem it was submitted for


@dataclass(frozen=True)
class BotDone:
    problem: ProblemId
    solution: BotSolution


@dataclass(frozen=True)
class BotProgress:
    """What the bot is doing now, in a few words (shown under the prompt)."""

    problem: ProblemId
    text: str


@dataclass(frozen=True)
class BotFailed:
    problem: ProblemId
    reason: str


@dataclass(frozen=True)
class StressDone:
    outcome: StressOutcome


@dataclass(frozen=True)
class HintReady:
    hint: Hint


@dataclass(frozen=True)
class ReviewReady:
    text: str


@dataclass(frozen=True)
class SavedTest:
    name: str
    path: Path


@dataclass(frozen=True)
class ContestLoaded:
    contest: Contest
    problems: tuple[Problem, ...]
    duration_s: float
    now: float


@dataclass(frozen=True)
class BotVcResult:
    index: str
    accepted: bool
    at_s: float  # seconds since the contest started
    attempts: int = 1


@dataclass(frozen=True)
class VcRated:
    ratings: VcRatings


@dataclass(frozen=True)
class Tick:
    now: float


@dataclass(frozen=True)
class FileChanged:
    """The watched solution file was saved."""

    path: Path


@dataclass(frozen=True)
class WorkspaceReady:
    """The problem's folder exists, with the solution file (``created``: a template was written to it)."""

    problem: ProblemId
    path: Path
    created: bool


@dataclass(frozen=True)
class JobFailed:
    job: str  # the busy-name of the job
    message: str


Message = (
    Input
    | ProblemLoaded
    | Judged
    | BotDone
    | BotProgress
    | BotFailed
    | StressDone
    | HintReady
    | ReviewReady
    | SavedTest
    | ContestLoaded
    | BotVcResult
    | VcRated
    | Tick
    | FileChanged
    | WorkspaceReady
    | JobFailed
)

# --------------------------------------------------------------------------------------------- out: effects


@dataclass(frozen=True)
class PickProblem:
    criteria: Criteria
    exclude: tuple[ProblemId, ...] = ()


@dataclass(frozen=True)
class LoadProblem:
    id: ProblemId


@dataclass(frozen=True)
class OpenEditor:
    path: Path
    template: str  # written first when the file does not exist


@dataclass(frozen=True)
class PrepareWorkspace:
    """Create the problem's folder (``practice/<id>/`` with ``tests/``) and a solution file from the template
    when there is none, so the user has a place to write in as soon as the problem is shown."""

    problem: Problem
    template: str


@dataclass(frozen=True)
class RunTests:
    problem: Problem
    source: Source
    purpose: str  # "test" or "submit"
    index: str = ""
    at: float = 0.0  # when it was typed (a submission's time in a virtual contest)


@dataclass(frozen=True)
class StartBot:
    problem: Problem


@dataclass(frozen=True)
class RunStress:
    """Stress-test the file as it is when the bot's solution is ready (the user keeps editing meanwhile)."""

    problem: Problem
    path: Path
    lang: str
    bot: BotSolution
    count: int


@dataclass(frozen=True)
class AskHint:
    problem: Problem
    level: HintLevel
    code: str | None
    previous: tuple[Hint, ...]


@dataclass(frozen=True)
class AskReview:
    problem: Problem
    source: Source
    report: JudgeReport | None


@dataclass(frozen=True)
class SaveTest:
    problem: Problem
    counterexample: Counterexample


@dataclass(frozen=True)
class LoadContest:
    ref: ContestRef
    duration_s: float | None  # None: the contest's real duration


@dataclass(frozen=True)
class StartBotContest:
    problems: tuple[Problem, ...]
    started_at: float


@dataclass(frozen=True)
class RateVc:
    vc: VirtualContest


@dataclass(frozen=True)
class Record:
    """An event for the session's history in the run store."""

    event: str
    data: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Cancel:
    """Stop a background job that no longer matters (the bot on a problem the user left)."""

    job: str


@dataclass(frozen=True)
class Exit:
    pass


Effect = (
    PickProblem
    | LoadProblem
    | OpenEditor
    | PrepareWorkspace
    | RunTests
    | StartBot
    | RunStress
    | AskHint
    | AskReview
    | SaveTest
    | LoadContest
    | StartBotContest
    | RateVc
    | Record
    | Cancel
    | Exit
)

# --------------------------------------------------------------------------------------------- out: views


@dataclass(frozen=True)
class Say:
    text: str
    style: str = "info"  # info, ok, warn, error, dim


@dataclass(frozen=True)
class ShowReview:
    text: str


@dataclass(frozen=True)
class ShowBoard:
    vc: VirtualContest
    now: float


@dataclass(frozen=True)
class ShowHelp:
    pass


# What a result is shown as is the result itself (a problem, a judge report, a hint...): the view renders
# these values; the classes above are what has no value of its own.
Output = (
    Say
    | Problem
    | JudgeReport
    | StressOutcome
    | Hint
    | VcRatings
    | ShowReview
    | ShowBoard
    | ShowHelp
    | Session  # `status`
)


@dataclass(frozen=True)
class Step:
    """What one message did: the new state, the effects to run, the things to show."""

    session: Session
    effects: tuple[Effect, ...] = ()
    outputs: tuple[Output, ...] = ()
