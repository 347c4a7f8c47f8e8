"""The practice session's state machine, driven directly: every command, the hint ladder, the errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sandbox.api import Source, Verdict
from solver.practice.langs import TEMPLATES
from solver.practice.machine import COMMANDS, parse_command, update
from solver.practice.model import (
    AskHint,
    AskReview,
    BotDone,
    BotFailed,
    BotSolution,
    BotState,
    BotVcResult,
    Cancel,
    Command,
    ContestLoaded,
    Counterexample,
    Criteria,
    Exit,
    Hint,
    HintLevel,
    HintReady,
    JobFailed,
    Judged,
    JudgeReport,
    LoadContest,
    LoadProblem,
    OpenEditor,
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
    SideRating,
    StartBot,
    StartBotContest,
    Step,
    StressDone,
    StressOutcome,
    Tick,
    VcRated,
    VcRatings,
    WorkspaceReady,
)
from solver.problem import Contest, ContestRef, ContestType, Problem, ProblemId

from .helpers import WATERMELON, inp, report, with_problem


def errors(step: Step) -> list[str]:
    return [o.text for o in step.outputs if isinstance(o, Say) and o.style == "error"]


def says(step: Step) -> str:
    return "\n".join(o.text for o in step.outputs if isinstance(o, Say))


def records(step: Step) -> dict[str, dict[str, object]]:
    return {e.event: dict(e.data) for e in step.effects if isinstance(e, Record)}


def test_parse_command_aliases_and_unknown() -> None:
    assert parse_command("  TEST ") == Command("test")
    assert parse_command("stress 50") == Command("stress", ("50",))
    assert parse_command("y") == Command("yes")
    assert parse_command("exit") == Command("quit")
    assert parse_command("") == Command("noop")
    assert parse_command("frobnicate now") == Command("unknown", ("frobnicate",))


def test_unknown_command_is_an_error_naming_help() -> None:
    step = update(Session(), inp("frobnicate"))
    assert errors(step) and "frobnicate" in errors(step)[0] and "help" in errors(step)[0]


@pytest.mark.parametrize("name", ["show", "test", "stress", "hint", "review", "save"])
def test_commands_needing_a_problem_say_how_to_get_one(name: str) -> None:
    step = update(Session(), inp(name))
    assert step.effects == ()
    assert "pick" in errors(step)[0] and "open" in errors(step)[0]


# ------------------------------------------------------------------------------------ choosing a problem


def test_pick_without_rating_or_handle_is_refused() -> None:
    assert "--rating" in errors(update(Session(), inp("pick")))[0]


def test_pick_uses_criteria_tags_from_arguments_and_excludes_current() -> None:
    s = replace(with_problem(), criteria=Criteria(rating=1200))
    step = update(s, inp("pick dp greedy"))
    (eff,) = step.effects
    assert isinstance(eff, PickProblem)
    assert eff.criteria.rating == 1200 and eff.criteria.tags == ("dp", "greedy")
    assert eff.exclude == (WATERMELON.id,)
    assert "pick" in step.session.busy
    # a second pick while choosing does not start another
    assert update(step.session, inp("pick")).effects == ()


def test_open_named_problem_and_bad_ids() -> None:
    step = update(Session(), inp("open https://codeforces.com/problemset/problem/4/A"))
    assert step.effects == (LoadProblem(ProblemId(4, "A")),)
    assert "not a problem id" in errors(update(Session(), inp("open banana")))[0]
    assert "whole contest" in errors(update(Session(), inp("open 1999")))[0]
    assert errors(update(Session(), inp("open")))


def test_problem_loaded_resets_per_problem_state_and_records() -> None:
    s = replace(
        with_problem(),
        hints=(Hint(HintLevel.NUDGE, "x"),),
        solved=True,
        bot=BotState.SOLVED,
        busy=frozenset({"pick"}),
    )
    other = replace(WATERMELON, id=ProblemId(1, "A"), name="Theatre Square")
    step = update(s, ProblemLoaded(other, "pick"))
    assert step.session.problem == other
    assert step.session.hints == () and not step.session.solved and step.session.bot is BotState.IDLE
    assert "pick" not in step.session.busy
    assert isinstance(step.outputs[0], Problem)
    assert records(step)["problem"]["problem"] == "1A"
    # The folder and a solution from the template are made for the user, in the language chosen.
    assert PrepareWorkspace(other, TEMPLATES["cpp17"]) in step.effects
    py = update(replace(s, lang="python3"), ProblemLoaded(other, "pick"))
    assert PrepareWorkspace(other, TEMPLATES["python3"]) in py.effects


def test_the_ready_workspace_is_named_for_the_current_problem_only() -> None:
    path = Path("practice/4A/solution.cpp")
    step = update(with_problem(), WorkspaceReady(WATERMELON.id, path, True))
    assert says(step) == f"write your solution in {path} (a template to start from is there); " + (
        "`edit` opens $EDITOR, `test` judges it"
    )
    late = update(with_problem(), WorkspaceReady(ProblemId(1, "A"), Path("practice/1A/solution.cpp"), True))
    assert late.outputs == ()  # the user has moved on: nothing about the old folder


def test_show_renders_the_problem() -> None:
    assert update(with_problem(), inp("show")).outputs == (WATERMELON,)


# ------------------------------------------------------------------------------------ files and languages


def test_file_and_lang_commands() -> None:
    step = update(with_problem(), inp("file sol.py"))
    assert step.session.file == Path("sol.py") and "python3" in says(step)
    assert "cannot tell the language" in errors(update(with_problem(), inp("file sol.txt")))[0]
    step = update(with_problem(), inp("lang pypy3"))
    assert step.session.lang == "pypy3"
    assert update(step.session, inp("lang auto")).session.lang is None
    assert "unknown language" in errors(update(with_problem(), inp("lang cobol")))[0]


def test_edit_opens_the_editor_with_a_template_of_the_files_language() -> None:
    step = update(with_problem(), inp("edit", path=Path("w/sol.py"), code=None))
    (eff,) = step.effects
    assert isinstance(eff, OpenEditor) and eff.path == Path("w/sol.py") and "sys.stdin" in eff.template


# ------------------------------------------------------------------------------------ test


def test_test_runs_the_file_in_its_language() -> None:
    step = update(with_problem(), inp("test", path=Path("a.py"), code="print('YES')", now=5.0))
    (eff,) = step.effects
    assert isinstance(eff, RunTests)
    assert (
        eff.source == Source("print('YES')", "python3")
        and eff.purpose == "test"
        and eff.problem == WATERMELON
    )
    assert "test" in step.session.busy and step.session.attempts == 1
    assert update(step.session, inp("test")).effects == ()  # one test at a time


def test_test_with_no_solution_file_says_where_to_write_it() -> None:
    step = update(with_problem(), inp("test", code=None))
    assert step.effects == ()
    (err,) = errors(step)
    assert "no solution file at practice/4A/solution.cpp" in err and "edit" in err and "file PATH" in err


def test_test_with_an_empty_file_or_unknown_extension() -> None:
    assert "empty" in errors(update(with_problem(), inp("test", code="  \n")))[0]
    assert "cannot tell the language" in errors(update(with_problem(), inp("test", path=Path("x.rs"))))[0]


def test_lang_override_wins_over_the_extension() -> None:
    s = replace(with_problem(), lang="pypy3")
    (eff,) = update(s, inp("test", path=Path("a.py"), code="print(1)")).effects
    assert isinstance(eff, RunTests) and eff.source.lang == "pypy3"


def test_wrong_answer_report_is_shown_and_recorded_not_solved() -> None:
    s = replace(with_problem(), busy=frozenset({"test"}))
    step = update(s, Judged(report(Verdict.WA), "test"))
    assert step.outputs == (report(Verdict.WA),)
    assert not step.session.solved and "test" not in step.session.busy
    assert records(step)["test"]["verdict"] == "WA"
    assert "solved" not in records(step)


def test_compile_error_in_the_users_code_is_reported() -> None:
    ce = replace(report(Verdict.CE), outcomes=(), compile_message="main.cpp:1:1: error: expected ';'")
    step = update(with_problem(), Judged(ce, "test"))
    (out,) = step.outputs
    assert isinstance(out, JudgeReport) and out.compile_message.startswith("main.cpp")
    assert records(step)["test"]["verdict"] == "CE" and not step.session.solved


def test_accepted_marks_solved_once_with_the_hints_used() -> None:
    s = replace(with_problem(), hints=(Hint(HintLevel.NUDGE, "a"), Hint(HintLevel.KEY_IDEA, "b")), attempts=3)
    step = update(s, Judged(report(Verdict.AC, 2), "test"))
    assert step.session.solved
    solved = records(step)["solved"]
    assert solved["hints"] == 2 and solved["problem"] == "4A" and solved["rating"] == 800
    assert "solved" not in records(update(step.session, Judged(report(Verdict.AC, 2), "test")))


# ------------------------------------------------------------------------------------ stress


BOT = BotSolution(Source("int main(){}", "cpp17"), Source("gen", "python3"))


def test_stress_starts_the_bot_then_stresses_when_it_has_a_solution() -> None:
    step = update(with_problem(), inp("stress 50", path=Path("s.cpp")))
    assert step.effects[0] == StartBot(WATERMELON)
    assert step.session.bot is BotState.SOLVING and step.session.stress_waiting == 50
    # the prompt stays usable: a second stress while the bot works only says so
    again = update(step.session, inp("stress"))
    assert again.effects == () and "already" in says(again)
    done = update(step.session, BotDone(WATERMELON.id, BOT))
    run = [e for e in done.effects if isinstance(e, RunStress)]
    assert run == [RunStress(WATERMELON, Path("s.cpp"), "cpp17", BOT, 50)]
    assert done.session.bot is BotState.SOLVED and "stress" in done.session.busy
    assert done.session.stress_waiting is None


def test_bot_progress_shows_under_the_prompt_while_it_solves() -> None:
    from solver.practice.model import BotProgress
    from solver.practice.view import toolbar

    solving = update(with_problem(), inp("stress")).session
    step = update(solving, BotProgress(WATERMELON.id, "c0 tests attempt 2"))
    assert step.outputs == () and step.session.bot_detail == "c0 tests attempt 2"
    assert "bot solving: c0 tests attempt 2" in toolbar(step.session, 0.0)
    assert update(with_problem(), BotProgress(WATERMELON.id, "x")).session.bot_detail == ""  # not solving


def test_stress_with_a_solved_bot_runs_at_once() -> None:
    s = replace(with_problem(), bot=BotState.SOLVED, bot_solution=BOT)
    (eff,) = update(s, inp("stress")).effects
    assert isinstance(eff, RunStress) and eff.count == 200


def test_stress_errors() -> None:
    assert "number" in errors(update(with_problem(), inp("stress lots")))[0]
    assert "no solution file" in errors(update(with_problem(), inp("stress", code=None)))[0]
    inter = Session(problem=replace(WATERMELON, interactive=True))
    assert "interactive" in errors(update(inter, inp("stress")))[0]


def test_bot_failure_is_reported_and_clears_the_waiting_stress() -> None:
    s = update(with_problem(), inp("stress")).session
    step = update(s, BotFailed(WATERMELON.id, "budget exhausted: 8 attempts"))
    assert step.session.bot is BotState.FAILED and step.session.stress_waiting is None
    assert "budget exhausted" in errors(step)[0]


def test_leaving_a_problem_stops_the_bot_working_on_it() -> None:
    s = update(with_problem(), inp("stress")).session
    other = replace(WATERMELON, id=ProblemId(1, "A"))
    step = update(s, ProblemLoaded(other, "named"))
    assert Cancel("bot") in step.effects and step.session.bot is BotState.IDLE
    assert Cancel("bot") not in update(with_problem(), ProblemLoaded(other, "named")).effects
    busy = replace(with_problem(), busy=frozenset({"hint", "test", "pick"}))
    step = update(busy, ProblemLoaded(other, "pick"))
    assert Cancel("hint") in step.effects and Cancel("test") in step.effects
    assert step.session.busy == frozenset()


def test_bot_result_for_a_previous_problem_is_ignored() -> None:
    s = update(with_problem(), inp("stress")).session
    assert update(s, BotDone(ProblemId(1, "A"), BOT)).session == s


def test_stress_result_counterexample_then_save() -> None:
    ce = Counterexample("1\n2\n", "NO\n", "YES\n", Verdict.WA)
    s = replace(with_problem(), busy=frozenset({"stress"}))
    step = update(s, StressDone(StressOutcome(17, ce, shrunk_from=4000)))
    assert step.outputs == (StressOutcome(17, ce, shrunk_from=4000),)
    assert step.session.counterexample == ce and records(step)["stress"]["found"] is True
    save = update(step.session, inp("save"))
    assert save.effects == (SaveTest(WATERMELON, ce),)
    saved = update(save.session, SavedTest("stress-1", Path("practice/4A/tests/stress-1.in")))
    assert "stress-1" in says(saved)


def test_save_without_counterexample() -> None:
    assert "stress" in errors(update(with_problem(), inp("save")))[0]


def test_job_failure_clears_busy_and_shows_one_line() -> None:
    s = replace(with_problem(), busy=frozenset({"stress"}))
    step = update(s, JobFailed("stress", "the judge is unavailable: start Docker"))
    assert "stress" not in step.session.busy and errors(step) == ["the judge is unavailable: start Docker"]


# ------------------------------------------------------------------------------------ hints


def ask(step: Step) -> AskHint:
    (eff,) = [e for e in step.effects if isinstance(e, AskHint)]
    return eff


def test_hint_ladder_order_and_confirmation_before_the_full_solution() -> None:
    s = with_problem()
    given: list[HintLevel] = []
    for expected in (HintLevel.NUDGE, HintLevel.KEY_IDEA, HintLevel.OUTLINE):
        step = update(s, inp("hint", code="my code"))
        a = ask(step)
        assert (
            a.level is expected
            and a.code == "my code"
            and list(a.previous) == [Hint(lv, f"text {int(lv)}") for lv in given]
        )
        done = update(step.session, HintReady(Hint(expected, f"text {int(expected)}")))
        assert done.outputs == (Hint(expected, f"text {int(expected)}"),)
        assert records(done)["hint"]["level"] == int(expected)
        given.append(expected)
        s = done.session
    # the fourth `hint` only asks
    step = update(s, inp("hint"))
    assert step.effects == () and step.session.confirming_full and "yes" in says(step)
    # `no` declines; the next `hint` asks again
    declined = update(step.session, inp("no"))
    assert declined.effects == () and not declined.session.confirming_full
    # any other command in between cancels the question: a later `yes` confirms nothing
    step = update(declined.session, inp("hint"))
    other = update(step.session, inp("show"))
    late_yes = update(other.session, inp("yes"))
    assert late_yes.effects == () and "nothing to confirm" in says(late_yes)
    # hint, yes: the full solution
    step = update(update(late_yes.session, inp("hint")).session, inp("yes"))
    assert ask(step).level is HintLevel.FULL
    full = update(step.session, HintReady(Hint(HintLevel.FULL, "the solution")))
    assert records(full)["hint"]["level"] == 4
    after = update(full.session, inp("hint"))
    assert after.effects == () and "every hint" in says(after)


def test_yes_without_a_question() -> None:
    for word in ("yes", "no"):
        step = update(with_problem(), inp(word))
        assert step.effects == () and "nothing to confirm" in says(step)


def test_one_hint_at_a_time_and_hints_lists_them() -> None:
    step = update(with_problem(), inp("hint"))
    assert update(step.session, inp("hint")).effects == ()
    assert "no hints yet" in says(update(with_problem(), inp("hints")))
    s = replace(with_problem(), hints=(Hint(HintLevel.NUDGE, "n"),))
    assert update(s, inp("hints")).outputs == (Hint(HintLevel.NUDGE, "n"),)


# ------------------------------------------------------------------------------------ review


def test_review_sends_code_and_last_report() -> None:
    s = replace(with_problem(), last_report=report(Verdict.WA))
    step = update(s, inp("review", code="int main(){return 1;}"))
    (eff,) = step.effects
    assert (
        isinstance(eff, AskReview) and eff.source.code == "int main(){return 1;}" and eff.report is not None
    )
    done = update(step.session, ReviewReady("overflow in line 3"))
    assert done.outputs == (ShowReview("overflow in line 3"),) and "review" in records(done)
    assert "no solution file" in errors(update(with_problem(), inp("review", code=None)))[0]


# ------------------------------------------------------------------------------------ virtual contest

CONTEST = Contest(4, "Codeforces Beta Round 4", ContestType.CF, "2", None, 7200)
B = replace(WATERMELON, id=ProblemId(4, "B"), name="Before an Exam")


def started(now: float = 100.0, minutes: float = 10) -> Step:
    s = update(Session(), inp("vc 4 10"))
    assert s.effects == (LoadContest(ContestRef(4), 600.0),)
    return update(s.session, ContestLoaded(CONTEST, (WATERMELON, B), minutes * 60, now))


def test_vc_start_opens_first_problem_and_starts_the_bot() -> None:
    step = started()
    vc = step.session.vc
    assert vc is not None and vc.started_at == 100.0 and vc.duration_s == 600
    assert step.session.problem == WATERMELON
    assert StartBotContest((WATERMELON, B), 100.0) in step.effects
    assert any(isinstance(o, ShowBoard) for o in step.outputs)
    assert records(step)["vc_start"]["contest"] == 4


def test_vc_argument_errors() -> None:
    assert "minutes" in errors(update(Session(), inp("vc 4 soon")))[0]
    assert errors(update(Session(), inp("vc")))
    assert "positive" in errors(update(Session(), inp("vc 4 0")))[0]


def test_vc_switch_submit_score_and_end() -> None:
    s = started().session
    step = update(s, inp("open B"))
    assert step.session.problem == B
    assert "no problem 'Z'" in errors(update(s, inp("open Z")))[0]
    # no hints, stress or review during the contest
    for cmd in ("hint", "stress", "review"):
        assert "virtual contest" in errors(update(step.session, inp(cmd)))[0]
    sub = update(step.session, inp("submit", now=160.0))
    (eff,) = sub.effects
    assert isinstance(eff, RunTests) and eff.purpose == "submit" and eff.index == "B" and eff.at == 160.0
    # failing the first test costs nothing, as on Codeforces; failing a later one is a rejected attempt
    free = update(sub.session, Judged(report(Verdict.WA), "submit", now=160.0, index="B"))
    assert free.session.vc is not None and free.session.vc.user_cell("B").attempts == 0
    assert "no penalty" in errors(free)[0]
    rejected = update(free.session, Judged(report(Verdict.WA, 2), "submit", now=170.0, index="B"))
    assert rejected.session.vc is not None and rejected.session.vc.user_cell("B").attempts == 1
    sub2 = update(rejected.session, inp("submit", now=400.0))
    ok = update(sub2.session, Judged(report(Verdict.AC), "submit", now=400.0, index="B"))
    vc = ok.session.vc
    assert vc is not None and vc.user_cell("B").solved_at_s == 300.0 and vc.user_cell("B").attempts == 1
    assert records(ok)["solved"] == {
        "hints": 0,
        "attempts": 2,
        "origin": "vc",
        "problem": "4B",
        "name": "Before an Exam",
        "rating": 800,
        "tags": ["brute force", "math"],
    }
    assert "already accepted" in says(update(ok.session, inp("submit", now=401.0)))
    bot = update(ok.session, BotVcResult("A", True, 250.0))
    assert bot.session.vc is not None and bot.session.vc.bot_cell("A").solved_at_s == 250.0
    late = update(bot.session, BotVcResult("B", True, 601.0))
    assert late.session == bot.session  # after the end: does not count
    board = update(bot.session, inp("board", now=420.0))
    assert board.outputs == (ShowBoard(bot.session.vc, 420.0),)  # type: ignore[arg-type]
    # the timer ends it: ticks before the end do nothing
    assert update(bot.session, Tick(699.0)).session == bot.session
    end = update(bot.session, Tick(700.0))
    assert end.session.vc is not None and end.session.vc.finished
    assert Cancel("bot-vc") in end.effects  # the bot stops working when the contest is over
    (rate,) = [e for e in end.effects if isinstance(e, RateVc)]
    assert rate.vc.user_cell("B").solved_at_s == 300.0
    assert "no virtual contest is running" in errors(update(end.session, inp("end")))[0]
    ratings = VcRatings(
        4, (SideRating("you", 498, 10, 1, 700.0, 1450), SideRating("bot", 500, 0, 1, 650.0, 1500))
    )
    shown = update(end.session, VcRated(ratings))
    assert shown.outputs == (ratings,)
    assert records(shown)["vc_result"]["sides"] == {
        "you": {"performance": 1450, "rank": 700.0, "points": 498, "solved": 1},
        "bot": {"performance": 1500, "rank": 650.0, "points": 500, "solved": 1},
    }


def test_end_command_finishes_early_and_submit_outside_vc() -> None:
    step = update(started().session, inp("end", now=200.0))
    assert any(isinstance(e, RateVc) for e in step.effects)
    assert "virtual contests" in errors(update(with_problem(), inp("submit")))[0]
    assert "no virtual contest" in errors(update(with_problem(), inp("board")))[0]


def test_pick_refused_while_vc_runs() -> None:
    s = replace(started().session, criteria=Criteria(rating=1500))
    assert "end" in errors(update(s, inp("pick")))[0]


# ------------------------------------------------------------------------------------ the rest


def test_status_help_quit() -> None:
    assert update(Session(), inp("status")).outputs == (Session(),)
    assert update(Session(), inp("help")).outputs == (ShowHelp(),)
    step = update(Session(), inp("quit"))
    assert step.session.done and Exit() in step.effects and "session_end" in records(step)


def test_every_command_has_a_handler() -> None:
    """No command in `help` falls through to "unknown"."""
    for name in COMMANDS:
        step = update(with_problem(), inp(name))
        assert not any("unknown command" in e for e in errors(step)), name
