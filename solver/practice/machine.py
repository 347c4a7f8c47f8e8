"""The practice session as a pure state machine: ``update(session, message) -> Step``.

No I/O here: the clock, the solution file and every result arrive inside messages, and everything to do
(judge, ask the model, start the bot, write history) leaves as effects for ``runtime.py`` to run.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sandbox.api import Source, Verdict
from solver.errors import UsageError
from solver.practice.langs import LANGS, TEMPLATES, detect_lang
from solver.practice.model import (
    AskHint,
    AskReview,
    BoardCell,
    BotDone,
    BotFailed,
    BotProgress,
    BotState,
    BotVcResult,
    Cancel,
    Command,
    ContestLoaded,
    Effect,
    Exit,
    FileChanged,
    Hint,
    HintLevel,
    HintReady,
    Input,
    JobFailed,
    Judged,
    LoadContest,
    LoadProblem,
    Message,
    OpenEditor,
    Output,
    PickProblem,
    PrepareWorkspace,
    ProblemLoaded,
    RateVc,
    Record,
    ReviewReady,
    RunStress,
    RunTests,
    SavedTest,
    SaveTest,
    Say,
    Session,
    ShowBoard,
    ShowHelp,
    ShowReview,
    StartBot,
    StartBotContest,
    Step,
    StressDone,
    Tick,
    VcRated,
    VirtualContest,
    WorkspaceReady,
)
from solver.practice.text import clock, plural
from solver.problem import ContestRef, Problem, ProblemId, parse_ref

# Every command with its one-line help, in the order `help` shows them.
COMMANDS: dict[str, str] = {
    "pick": "pick [TAG ...]      a problem near your rating that you have not solved",
    "open": "open ID|URL|LETTER  a named problem (a letter inside a virtual contest)",
    "show": "show                the statement, limits and samples again",
    "file": "file PATH           the file you write your solution in (language from its ending)",
    "lang": "lang NAME|auto      override the language (cpp17 cpp20 c11 python3 pypy3)",
    "edit": "edit                open the solution in $EDITOR (the file is also watched)",
    "test": "test                run the samples and your saved tests in the sandbox",
    "stress": "stress [N]          the bot solves it, then N random tests against your program",
    "save": "save                keep the last counterexample as a test",
    "hint": "hint                the next hint: nudge, key idea, outline, full solution",
    "hints": "hints               the hints you have had",
    "yes": "yes / no            answer a question (the full solution needs a yes)",
    "review": "review              the model reviews your code: bugs, complexity, edge cases",
    "vc": "vc CONTEST [MIN]    a virtual contest against the bot (MIN minutes, default: real length)",
    "submit": "submit              submit the current problem of the virtual contest",
    "board": "board               the virtual contest's scoreboard",
    "end": "end                 finish the virtual contest now",
    "status": "status              what the session knows",
    "help": "help                this list",
    "quit": "quit                leave (history is kept in the run store)",
}

ALIASES = {
    "exit": "quit",
    "q": "quit",
    "?": "help",
    "y": "yes",
    "n": "no",
    "next": "pick",
    "scoreboard": "board",
}


PER_PROBLEM_JOBS = frozenset({"test", "stress", "hint", "review", "save"})


def parse_command(line: str) -> Command:
    """A typed line as a Command; unknown words become Command("unknown", (word,))."""
    words = line.strip().split()
    if not words:
        return Command("noop")
    name = ALIASES.get(words[0].lower(), words[0].lower())
    if name not in COMMANDS and name != "no":
        return Command("unknown", (words[0],))
    return Command(name, tuple(words[1:]))


def problem_dir(session: Session, problem: Problem | None = None) -> Path:
    """``practice/<id>/``: the user's folder for a problem (the current one by default), their solution and
    saved tests; ``scratch`` before any problem."""
    p = problem or session.problem
    return session.workdir / (p.id.slug if p is not None else "scratch")


def tests_dir(session: Session, problem: Problem | None = None) -> Path:
    return problem_dir(session, problem) / "tests"


def template_for(session: Session, path: Path | None = None) -> str:
    """What a new solution file starts with: the language of ``path`` or of `lang`, else C++."""
    try:
        lang = detect_lang(path or session.file or Path("solution.cpp"), session.lang)
    except UsageError:
        lang = "cpp17"
    return TEMPLATES[lang]


def _enter(session: Session, problem: Problem) -> PrepareWorkspace:
    """The effect that gives the user a folder and a solution file to write in for ``problem``."""
    return PrepareWorkspace(problem, template_for(session))


def _rec(event: str, **data: Any) -> Record:
    return Record(event, tuple(sorted(data.items())))


def _problem_data(p: Problem) -> dict[str, Any]:
    return {"problem": str(p.id), "name": p.name, "rating": p.rating, "tags": list(p.tags)}


def _say(session: Session, text: str, style: str = "info") -> Step:
    return Step(session, (), (Say(text, style),))


def _error(session: Session, text: str) -> Step:
    return Step(session, (), (Say(text, "error"),))


def _fresh_problem(session: Session, problem: Problem) -> Session:
    """Per-problem state starts over when the problem changes."""
    return replace(
        session,
        problem=problem,
        hints=(),
        confirming_full=False,
        bot=BotState.IDLE,
        bot_detail="",
        bot_solution=None,
        stress_waiting=None,
        counterexample=None,
        last_report=None,
        solved=False,
        attempts=0,
    )


def update(session: Session, msg: Message) -> Step:
    """The whole session logic: one message in, one Step out."""
    if isinstance(msg, Input):
        # A question ("see the full solution?") is answered by the very next line only.
        if session.confirming_full and msg.command.name not in ("yes", "no", "hint"):
            session = replace(session, confirming_full=False)
        return _command(session, msg)
    if isinstance(msg, ProblemLoaded):
        return _problem_loaded(session, msg)
    if isinstance(msg, Judged):
        return _tests_done(session, msg)
    if isinstance(msg, BotDone):
        return _bot_done(session, msg)
    if isinstance(msg, BotProgress):
        if (
            session.problem is None
            or msg.problem != session.problem.id
            or session.bot is not BotState.SOLVING
        ):
            return Step(session)
        return Step(replace(session, bot_detail=msg.text))
    if isinstance(msg, BotFailed):
        if session.problem is None or msg.problem != session.problem.id or session.vc is not None:
            return Step(session)
        s = replace(session, bot=BotState.FAILED, bot_detail=msg.reason, stress_waiting=None)
        return Step(
            s,
            (_rec("bot_failed", problem=str(msg.problem), reason=msg.reason),),
            (
                Say(
                    f"the bot could not solve {msg.problem}: {msg.reason}; `stress` needs its solution",
                    "error",
                ),
            ),
        )
    if isinstance(msg, StressDone):
        s = replace(session, busy=session.busy - {"stress"})
        ce = msg.outcome.counterexample
        pid = str(session.problem.id) if session.problem else ""
        void: tuple[Effect, ...] = ()
        if ce is not None:
            s = replace(s, counterexample=ce, solved=False)
            if session.solved:  # the program that passed every local test was wrong after all
                void = (_rec("unsolved", problem=pid, reason="stress counterexample"),)
        return Step(
            s,
            (
                *void,
                _rec(
                    "stress",
                    problem=pid,
                    tests=msg.outcome.tests_run,
                    found=ce is not None,
                    verdict=ce.verdict.value if ce else None,
                ),
            ),
            (msg.outcome,),
        )
    if isinstance(msg, HintReady):
        s = replace(session, busy=session.busy - {"hint"}, hints=(*session.hints, msg.hint))
        pid = str(session.problem.id) if session.problem else ""
        return Step(
            s,
            (_rec("hint", problem=pid, level=int(msg.hint.level), label=msg.hint.level.label),),
            (msg.hint,),
        )
    if isinstance(msg, ReviewReady):
        s = replace(session, busy=session.busy - {"review"})
        pid = str(session.problem.id) if session.problem else ""
        return Step(s, (_rec("review", problem=pid),), (ShowReview(msg.text),))
    if isinstance(msg, SavedTest):
        s = replace(session, busy=session.busy - {"save"})
        return _say(s, f"saved as test {msg.name} ({msg.path}); `test` runs it from now on", "ok")
    if isinstance(msg, ContestLoaded):
        return _contest_loaded(session, msg)
    if isinstance(msg, BotVcResult):
        return _bot_vc_result(session, msg)
    if isinstance(msg, VcRated):
        s = replace(session, busy=session.busy - {"rate"})
        sides = {
            r.who: {"performance": r.performance, "rank": r.rank, "points": r.points, "solved": r.solved}
            for r in msg.ratings.sides
        }
        return Step(
            s, (_rec("vc_result", contest=msg.ratings.contest_id, sides=sides),), (msg.ratings,)
        )
    if isinstance(msg, Tick):
        vc = session.vc
        if vc is not None and not vc.finished and msg.now >= vc.started_at + vc.duration_s:
            return _finish_vc(session, msg.now, "time is up")
        return Step(session)
    if isinstance(msg, FileChanged):
        if session.problem is None:
            return Step(session)
        verb = "`submit`" if _vc_running(session) else "`test`"
        return _say(session, f"{msg.path.name} saved; {verb} judges it", "dim")
    if isinstance(msg, WorkspaceReady):
        return _workspace_ready(session, msg)
    if isinstance(msg, JobFailed):
        s = replace(session, busy=session.busy - {msg.job})
        if msg.job == "stress":
            s = replace(s, stress_waiting=None)
        return _error(s, msg.message)
    raise TypeError(f"unexpected message {msg!r}")  # pragma: no cover - the union is closed


# --------------------------------------------------------------------------------------------- commands


def _command(session: Session, inp: Input) -> Step:
    cmd = inp.command
    handler = _HANDLERS.get(cmd.name)
    if handler is None:
        if cmd.name == "noop":
            return Step(session)
        word = cmd.args[0] if cmd.args else cmd.name
        return _error(session, f"unknown command {word!r}; `help` lists the commands")
    return handler(session, inp)


_NO_PROBLEM = "no problem yet: `pick` one near your rating, `open ID`, or send one from Competitive Companion"


def _source(session: Session, inp: Input) -> Source | str:
    """The user's program, or the one-line reason it cannot be had."""
    ws = inp.workspace
    if ws.unreadable:
        return f"{ws.unreadable}; fix it, or name another file with `file PATH`"
    if ws.code is None:
        return (
            f"no solution file at {ws.path}: write your solution there (`edit` opens $EDITOR), "
            "or name your file with `file PATH`"
        )
    if not ws.code.strip():
        return f"{ws.path} is empty: write your solution first"
    try:
        lang = detect_lang(ws.path, session.lang)
    except UsageError as e:
        return str(e)
    return Source(ws.code, lang)


def _vc_running(session: Session) -> bool:
    return session.vc is not None and not session.vc.finished


def _refused(
    session: Session,
    *,
    problem: bool = True,
    during_vc: str = "",
    job: str = "",
    busy: str = "",
) -> Step | None:
    """Why a command cannot run now (no problem, a running contest forbids it, it is under way), or None."""
    if problem and session.problem is None:
        return _error(session, _NO_PROBLEM)
    if during_vc and _vc_running(session):
        return _error(session, f"{during_vc} during a virtual contest; `end` finishes it")
    if job and job in session.busy:
        return _say(session, busy)
    return None


def _with_source(session: Session, inp: Input, job: str, busy: str) -> tuple[Session, Source] | Step:
    """The user's program, with ``job`` marked under way; or the Step that says why there is none."""
    if job in session.busy:
        return _say(session, busy)
    src = _source(session, inp)
    if isinstance(src, str):
        return _error(session, src)
    return replace(session, busy=session.busy | {job}), src


def _cmd_pick(session: Session, inp: Input) -> Step:
    if _vc_running(session):
        return _error(session, "a virtual contest is running: `end` it first")
    if "pick" in session.busy:
        return _say(session, "already choosing a problem")
    c = session.criteria
    if c.rating is None and c.handle is None:
        return _error(session, "no rating to choose by: start with --rating R or --handle NAME, or `open ID`")
    if inp.command.args:
        c = replace(c, tags=tuple(a.replace("_", " ") for a in inp.command.args))
    exclude = (session.problem.id,) if session.problem else ()
    s = replace(session, busy=session.busy | {"pick"}, vc=None)
    return Step(s, (PickProblem(c, exclude),), (Say("choosing a problem…", "dim"),))


def _cmd_open(session: Session, inp: Input) -> Step:
    if not inp.command.args:
        return _error(
            session, "open what? e.g. `open 1999A`, a Codeforces URL, or a letter in a virtual contest"
        )
    arg = " ".join(inp.command.args)
    vc = session.vc
    if vc is not None and not vc.finished:
        for p in vc.problems:
            if p.id.index.upper() == arg.upper():
                s = replace(session, problem=p, counterexample=None, last_report=None)
                return Step(s, (_enter(s, p),), (p,))
        letters = " ".join(p.id.index for p in vc.problems)
        return _error(session, f"no problem {arg!r} in this contest (problems: {letters}); `end` leaves it")
    try:
        ref = parse_ref(arg)
    except UsageError as e:
        return _error(session, str(e))
    if not isinstance(ref, ProblemId):
        return _error(session, f"{arg} is a whole contest: add the problem letter, or start `vc {arg}`")
    s = replace(session, busy=session.busy | {"load"}, vc=None)
    return Step(s, (LoadProblem(ref),), (Say(f"loading {ref}…", "dim"),))


def _cmd_show(session: Session, inp: Input) -> Step:
    if session.problem is None:
        return _error(session, _NO_PROBLEM)
    return Step(session, (), (session.problem,))


def _cmd_file(session: Session, inp: Input) -> Step:
    if not inp.command.args:
        where = session.file or inp.workspace.path
        return _say(session, f"your solution file is {where}")
    path = Path(" ".join(inp.command.args)).expanduser()
    try:
        lang = detect_lang(path, session.lang)
    except UsageError as e:
        return _error(session, str(e))
    return _say(replace(session, file=path), f"solution file: {path} ({lang})", "ok")


def _cmd_lang(session: Session, inp: Input) -> Step:
    if not inp.command.args:
        return _say(session, f"language: {session.lang or 'from the file ending'}")
    name = inp.command.args[0].lower()
    if name == "auto":
        return _say(replace(session, lang=None), "language: from the file ending", "ok")
    if name not in LANGS:
        return _error(session, f"unknown language {name!r}; choose one of: {', '.join(LANGS)}, auto")
    return _say(replace(session, lang=name), f"language: {name}", "ok")


def _cmd_edit(session: Session, inp: Input) -> Step:
    if session.problem is None and session.file is None:
        return _error(session, _NO_PROBLEM)
    return Step(session, (OpenEditor(inp.workspace.path, template_for(session, inp.workspace.path)),))


def _cmd_test(session: Session, inp: Input) -> Step:
    if session.problem is None:
        return _error(session, _NO_PROBLEM)
    got = _with_source(session, inp, "test", "a test is already running")
    if isinstance(got, Step):
        return got
    s, src = got
    return Step(
        replace(s, attempts=session.attempts + 1),
        (RunTests(session.problem, src, "test", at=inp.now),),
        (Say(f"testing {inp.workspace.path.name} ({src.lang})…", "dim"),),
    )


def _cmd_stress(session: Session, inp: Input) -> Step:
    p = session.problem
    if (no := _refused(session, during_vc="no stress tests (the bot is your opponent)")) is not None:
        return no
    assert p is not None
    if p.interactive:
        return _error(session, "stress testing is not available for interactive problems")
    if "stress" in session.busy or session.stress_waiting is not None:
        return _say(session, "a stress test is already under way")
    count = session.stress_count
    if inp.command.args:
        try:
            count = int(inp.command.args[0])
        except ValueError:
            return _error(session, f"stress N: N must be a number of tests, not {inp.command.args[0]!r}")
        if count < 1:
            return _error(session, "stress N: N must be at least 1")
    src = _source(session, inp)
    if isinstance(src, str):
        return _error(session, src)
    if session.bot is BotState.SOLVED and session.bot_solution is not None:
        s = replace(session, busy=session.busy | {"stress"})
        return Step(
            s,
            (RunStress(p, inp.workspace.path, src.lang, session.bot_solution, count),),
            (Say(f"stress testing against the bot's solution on {plural(count, 'random test')}…", "dim"),),
        )
    waiting = replace(session, stress_waiting=count, stress_path=inp.workspace.path, stress_lang=src.lang)
    if session.bot is BotState.SOLVING:
        return _say(waiting, "the bot is still solving; the stress test starts as soon as it has a solution")
    again = " again" if session.bot is BotState.FAILED else ""
    s = replace(waiting, bot=BotState.SOLVING, bot_detail="")
    return Step(
        s,
        (StartBot(p), _rec("bot_start", problem=str(p.id))),
        (
            Say(
                f"the bot is solving {p.id}{again} in the background; the stress test starts when it has an "
                "accepted solution. Keep working meanwhile.",
                "dim",
            ),
        ),
    )


def _cmd_save(session: Session, inp: Input) -> Step:
    if session.problem is None:
        return _error(session, _NO_PROBLEM)
    if session.counterexample is None:
        return _error(session, "no counterexample to save: `stress` finds one")
    s = replace(session, busy=session.busy | {"save"})
    return Step(s, (SaveTest(session.problem, session.counterexample),))


def _cmd_hint(session: Session, inp: Input) -> Step:
    no = _refused(session, during_vc="no hints", job="hint", busy="a hint is on its way")
    if no is not None:
        return no
    given = max((h.level for h in session.hints), default=0)
    if given >= HintLevel.FULL:
        return _say(session, "you have had every hint, the full solution included (`hints` shows them)")
    level = HintLevel(given + 1)
    if level is HintLevel.FULL:
        s = replace(session, confirming_full=True)
        return _say(
            s,
            "the next hint is the FULL SOLUTION. Type `yes` to see it, or `no` to keep trying "
            "(`hints` repeats the earlier ones).",
            "warn",
        )
    return _ask_hint(session, inp, level)


def _ask_hint(session: Session, inp: Input, level: HintLevel) -> Step:
    assert session.problem is not None
    s = replace(session, busy=session.busy | {"hint"}, confirming_full=False)
    return Step(
        s,
        (AskHint(session.problem, level, inp.workspace.code, session.hints),),
        (Say(f"asking for the {level.label}…", "dim"),),
    )


def _cmd_yes(session: Session, inp: Input) -> Step:
    if not session.confirming_full:
        return _say(session, "nothing to confirm")
    return _ask_hint(session, inp, HintLevel.FULL)


def _cmd_no(session: Session, inp: Input) -> Step:
    if not session.confirming_full:
        return _say(session, "nothing to confirm")
    return _say(replace(session, confirming_full=False), "no full solution: keep going", "ok")


def _cmd_hints(session: Session, inp: Input) -> Step:
    if not session.hints:
        return _say(session, "no hints yet (`hint` asks for one)")
    return Step(session, (), session.hints)


def _cmd_review(session: Session, inp: Input) -> Step:
    if (no := _refused(session, during_vc="no reviews")) is not None:
        return no
    assert session.problem is not None
    got = _with_source(session, inp, "review", "a review is on its way")
    if isinstance(got, Step):
        return got
    s, src = got
    return Step(
        s,
        (AskReview(session.problem, src, session.last_report),),
        (Say("asking the model for a review…", "dim"),),
    )


def _cmd_vc(session: Session, inp: Input) -> Step:
    if _vc_running(session):
        return _error(session, "a virtual contest is already running (`board`, `end`)")
    if "vc" in session.busy:
        return _say(session, "already loading the contest")
    args = inp.command.args
    if not args:
        return _error(session, "vc CONTEST [MINUTES]: e.g. `vc 1999` or `vc 1999 30`")
    try:
        ref = parse_ref(args[0])
    except UsageError as e:
        return _error(session, str(e))
    if isinstance(ref, ProblemId):
        ref = ContestRef(ref.contest_id, ref.kind, ref.group)
    minutes: float | None = None
    if len(args) > 1:
        try:
            minutes = float(args[1])
        except ValueError:
            return _error(session, f"vc CONTEST MINUTES: {args[1]!r} is not a number of minutes")
        if minutes <= 0:
            return _error(session, "vc CONTEST MINUTES: the length must be positive")
    s = replace(session, busy=session.busy | {"vc"})
    return Step(
        s,
        (LoadContest(ref, minutes * 60 if minutes is not None else None),),
        (Say(f"loading contest {ref}…", "dim"),),
    )


def _cmd_submit(session: Session, inp: Input) -> Step:
    vc = session.vc
    if vc is None or vc.finished:
        return _error(session, "`submit` is for virtual contests (`vc CONTEST`); `test` judges your solution")
    p = session.problem
    assert p is not None
    if vc.user_cell(p.id.index).solved_at_s is not None:
        return _say(session, f"{p.id.index} is already accepted")
    got = _with_source(session, inp, "test", "a judgement is already running")
    if isinstance(got, Step):
        return got
    s, src = got
    return Step(
        s,
        (RunTests(p, src, "submit", index=p.id.index, at=inp.now),),
        (Say(f"submitting {p.id.index}…", "dim"),),
    )


def _cmd_board(session: Session, inp: Input) -> Step:
    if session.vc is None:
        return _error(session, "no virtual contest: start one with `vc CONTEST`")
    return Step(session, (), (ShowBoard(session.vc, inp.now),))


def _cmd_end(session: Session, inp: Input) -> Step:
    if not _vc_running(session):
        return _error(session, "no virtual contest is running")
    return _finish_vc(session, inp.now, "contest ended")


def _cmd_status(session: Session, inp: Input) -> Step:
    return Step(session, (), (session,))


def _cmd_help(session: Session, inp: Input) -> Step:
    return Step(session, (), (ShowHelp(),))


def _cmd_quit(session: Session, inp: Input) -> Step:
    return Step(replace(session, done=True), (_rec("session_end"), Exit()), (Say("bye", "dim"),))


_HANDLERS = {
    "pick": _cmd_pick,
    "open": _cmd_open,
    "show": _cmd_show,
    "file": _cmd_file,
    "lang": _cmd_lang,
    "edit": _cmd_edit,
    "test": _cmd_test,
    "stress": _cmd_stress,
    "save": _cmd_save,
    "hint": _cmd_hint,
    "hints": _cmd_hints,
    "yes": _cmd_yes,
    "no": _cmd_no,
    "review": _cmd_review,
    "vc": _cmd_vc,
    "submit": _cmd_submit,
    "board": _cmd_board,
    "end": _cmd_end,
    "status": _cmd_status,
    "help": _cmd_help,
    "quit": _cmd_quit,
}


# --------------------------------------------------------------------------------------------- results


def _problem_loaded(session: Session, msg: ProblemLoaded) -> Step:
    if msg.origin == "companion" and _vc_running(session):
        return _say(session, f"received {msg.problem.id} from the browser; `end` the contest to practise it")
    # Work on the problem the user left would show stale results (and keep the judge and the model busy).
    stale = PER_PROBLEM_JOBS & session.busy
    s = _fresh_problem(replace(session, busy=session.busy - {"pick", "load"} - stale), msg.problem)
    s = replace(s, vc=None)
    stop = tuple(Cancel(job) for job in sorted(stale)) + (
        (Cancel("bot"),) if session.bot is BotState.SOLVING else ()
    )
    outs: list[Output] = [msg.problem]
    if msg.note:
        outs.append(Say(msg.note, "dim"))
    record = _rec("problem", origin=msg.origin, **_problem_data(msg.problem))
    return Step(s, (*stop, record, _enter(s, msg.problem)), tuple(outs))


def _workspace_ready(session: Session, msg: WorkspaceReady) -> Step:
    if session.problem is None or msg.problem != session.problem.id:
        return Step(session)  # the user has moved on to another problem
    made = " (a template to start from is there)" if msg.created else ""
    verb = "`submit` judges it" if _vc_running(session) else "`test` judges it"
    return _say(session, f"write your solution in {msg.path}{made}; `edit` opens $EDITOR, {verb}", "dim")


def _tests_done(session: Session, msg: Judged) -> Step:
    s = replace(session, busy=session.busy - {"test"}, last_report=msg.report)
    r = msg.report
    p = session.problem
    pid = str(p.id) if p else ""
    effects: list[Effect] = []
    outputs: list[Output] = [r]
    if msg.purpose == "submit":
        return _submitted(s, msg, outputs)
    effects.append(_rec("test", problem=pid, verdict=r.verdict.value, passed=r.passed, total=len(r.outcomes)))
    if r.verdict is Verdict.AC and r.outcomes and not session.solved and p is not None:
        s = replace(s, solved=True)
        level = max((int(h.level) for h in session.hints), default=0)
        effects.append(_rec("solved", hints=level, attempts=session.attempts, **_problem_data(p)))
        outputs.append(Say("every test passes. `stress` checks it against the bot on random tests", "ok"))
    return Step(s, tuple(effects), tuple(outputs))


def _submitted(s: Session, msg: Judged, outputs: list[Output]) -> Step:
    vc = s.vc
    if vc is None or vc.finished or msg.now > vc.started_at + vc.duration_s:
        outputs.append(Say("the contest is over: the submission does not count", "warn"))
        return Step(s, (), tuple(outputs))
    prev = vc.user_cell(msg.index)
    r = msg.report
    if r.verdict is Verdict.AC:
        cell = BoardCell(prev.attempts, msg.now - vc.started_at)
        outputs.append(Say(f"{msg.index}: accepted at {clock(cell.solved_at_s or 0)}", "ok"))
    elif r.verdict is Verdict.CE or not r.outcomes or r.outcomes[0].verdict is not Verdict.AC:
        # Codeforces charges no penalty for a compilation error or a failure on the first test.
        cell = prev
        why = "compilation error" if r.verdict is Verdict.CE else "failed on the first test"
        outputs.append(Say(f"{msg.index}: {r.verdict.long} ({why}: no penalty, as on Codeforces)", "error"))
    else:
        cell = BoardCell(prev.attempts + 1, None)
        outputs.append(
            Say(f"{msg.index}: {msg.report.verdict.long} (rejected attempt {cell.attempts})", "error")
        )
    vc = replace(vc, user=_set_cell(vc.user, msg.index, cell))
    s = replace(s, vc=vc)
    outputs.append(ShowBoard(vc, msg.now))
    recs = [
        _rec(
            "vc_submit",
            contest=vc.contest.id,
            index=msg.index,
            verdict=msg.report.verdict.value,
            at_s=round(msg.now - vc.started_at, 1),
        )
    ]
    solved = next((p for p in vc.problems if p.id.index == msg.index), None)
    if r.verdict is Verdict.AC and solved is not None:  # no hints in a contest: solved unaided
        recs.append(
            _rec("solved", hints=0, attempts=cell.attempts + 1, origin="vc", **_problem_data(solved))
        )
    return Step(s, tuple(recs), tuple(outputs))


def _set_cell(
    cells: tuple[tuple[str, BoardCell], ...], index: str, cell: BoardCell
) -> tuple[tuple[str, BoardCell], ...]:
    return tuple((i, cell if i == index else c) for i, c in cells)


def _bot_done(session: Session, msg: BotDone) -> Step:
    p = session.problem
    if p is None or msg.problem != p.id or session.vc is not None:
        return Step(session)
    s = replace(session, bot=BotState.SOLVED, bot_solution=msg.solution, bot_detail="")
    effects: list[Effect] = [_rec("bot_solved", problem=str(p.id), run=msg.solution.run_dir)]
    outputs: list[Output] = [Say(f"the bot has an accepted solution for {p.id}", "ok")]
    if session.stress_waiting is not None and session.stress_path is not None and session.stress_lang:
        count = session.stress_waiting
        effects.append(RunStress(p, session.stress_path, session.stress_lang, msg.solution, count))
        outputs.append(Say(f"stress testing your program on {plural(count, 'random test')}…", "dim"))
        s = replace(s, busy=s.busy | {"stress"}, stress_waiting=None)
    return Step(s, tuple(effects), tuple(outputs))


def _contest_loaded(session: Session, msg: ContestLoaded) -> Step:
    if not msg.problems:
        return _error(
            replace(session, busy=session.busy - {"vc"}), f"contest {msg.contest.id} has no problems"
        )
    blank = tuple((p.id.index, BoardCell()) for p in msg.problems)
    vc = VirtualContest(msg.contest, msg.problems, msg.now, msg.duration_s, blank, blank)
    s = _fresh_problem(replace(session, busy=session.busy - {"vc"}), msg.problems[0])
    s = replace(s, vc=vc)
    minutes = msg.duration_s / 60
    intro = (
        f"virtual contest {msg.contest.id} ({msg.contest.name}) started: {plural(len(msg.problems), 'problem')}, "
        f"{plural(minutes, 'minute')}, against the bot. `open B` switches problem, `submit` judges on the samples "
        "and your tests, `board` shows the scoreboard, `end` finishes early."
    )
    return Step(
        s,
        (
            _enter(s, msg.problems[0]),
            StartBotContest(msg.problems, msg.now),
            _rec("vc_start", contest=msg.contest.id, duration_s=msg.duration_s, problems=len(msg.problems)),
        ),
        (Say(intro, "ok"), msg.problems[0], ShowBoard(vc, msg.now)),
    )


def _bot_vc_result(session: Session, msg: BotVcResult) -> Step:
    vc = session.vc
    if vc is None or vc.finished:
        return Step(session)
    if msg.at_s > vc.duration_s:
        return Step(session)  # solved after the end: does not count, like a late submission
    prev = vc.bot_cell(msg.index)
    if msg.accepted:
        cell = BoardCell(prev.attempts + msg.attempts - 1, msg.at_s)
        text = f"the bot solved {msg.index} at {clock(msg.at_s)}"
    else:
        cell = BoardCell(prev.attempts + msg.attempts, None)
        text = f"the bot gave up on {msg.index}"
    vc = replace(vc, bot=_set_cell(vc.bot, msg.index, cell))
    rec = _rec(
        "vc_bot", contest=vc.contest.id, index=msg.index, accepted=msg.accepted, at_s=round(msg.at_s, 1)
    )
    return Step(replace(session, vc=vc), (rec,), (Say(text, "dim"),))


def _finish_vc(session: Session, now: float, why: str) -> Step:
    vc = session.vc
    assert vc is not None
    vc = replace(vc, finished=True)
    s = replace(session, vc=vc, busy=session.busy | {"rate"})
    return Step(
        s,
        (Cancel("bot-vc"), RateVc(vc), _rec("vc_end", contest=vc.contest.id, reason=why)),
        (
            Say(f"{why}: computing both performance ratings from the real standings…", "warn"),
            ShowBoard(vc, now),
        ),
    )


__all__ = ["COMMANDS", "Hint", "parse_command", "problem_dir", "template_for", "tests_dir", "update"]
