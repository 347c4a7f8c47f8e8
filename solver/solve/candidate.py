"""One candidate: draft -> compile -> local tests -> stress -> repair, until it passes or a budget is spent.

Test anchors: every accepted version passes a set of pool tests; a repair must pass every one of them too, or
it is rejected and the next repair starts again from the better version (told what the rejected one broke).

The local tests are the examples and the inputs derived from them (``derive``): a version that crashes or
times out on a derived input is not accepted. A version that passes them all is stress-tested; it is solved
only when random tests against a brute force ran and agreed. Without any (no working helper, ``--stress-tests
0``, an interactive problem) it passed "the examples only", a weaker result. Its model requests carry the
priorities of ``schedule`` (drafts first, then repairs, then helpers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sandbox.api import TestResult, Verdict
from solver.errors import ModelError
from solver.llm.base import Message
from solver.llm.pool import request_priority
from solver.solve import derive, evidence
from solver.solve.budget import Stop
from solver.solve.compile_fix import build_fixing
from solver.solve.extract import extract_code
from solver.solve.kit import Kit
from solver.solve.programs import PoolTest, Program, interact_fairly, judge_fairly, solution_limits
from solver.solve.prompts import messages
from solver.solve.schedule import (
    EXAMPLE_MISSES,
    LazyKit,
    counterexample_stages,
    judging_checker,
    solution_priority,
    stress_stages,
)
from solver.solve.stress import disputed_evidence, stress, stress_candidate
from solver.solve.work import Counterexample, StressOutcome, Work


@dataclass(frozen=True)
class Version:
    program: Program
    passed: frozenset[str]  # names of the pool tests it passes
    results: tuple[TestResult, ...]


@dataclass(frozen=True)
class CandidateResult:
    name: str
    best: Version | None  # the last accepted version
    solved: bool
    stress: StressOutcome | None
    stop: Stop
    reason: str
    examples_only: bool = False  # passed every local test, but no random stress test ran
    suspect: str = ""  # why its outputs look independent of its input ("" when they do not)


class Unjudgeable(Exception):
    """The problem cannot be judged locally (the message says why)."""


async def evaluate(work: Work, kit: Kit, program: Program) -> Version:
    """Judge ``program`` on every pool test (interactive problems: through the interactor)."""
    limits = solution_limits(work.problem)
    if work.problem.interactive:
        helper = await kit.get("interactor")
        if helper.program is None:
            raise Unjudgeable(f"interactive problem without a working interactor: {helper.note}")
        results = tuple(
            [
                await interact_fairly(work.judge, program.compiled, helper.program.compiled, t, limits)
                for t in kit.example_tests
            ]
        )
    else:
        pool = list(work.pool)
        tests = [t.to_test() for t in pool]
        checker, provisional = await judging_checker(work, kit)
        res = await judge_fairly(work.judge, program.compiled, tests, limits, checker)
        if provisional:  # an output that differs from the example's answer may still be right: ask the checker
            undecided = [
                t
                for t in tests
                if t.answer is not None and t.name in res and res[t.name].verdict in (Verdict.WA, Verdict.PE)
            ]
            if undecided:
                res.update(await judge_fairly(work.judge, program.compiled, undecided, limits, await kit.checker()))
        results = tuple(res[t.name] for t in pool if t.name in res)
    passed = frozenset(r.test for r in results if r.verdict is Verdict.AC)
    return Version(program, passed, results)


def first_failure(work: Work, version: Version) -> str | None:
    """Evidence for the first failing pool test (examples first), or None when all pass."""
    tests = {t.name: t for t in work.pool}
    for r in version.results:
        if r.verdict is Verdict.AC or r.verdict is Verdict.JE:
            continue  # a judge error says nothing about the program: never evidence for a repair
        t = tests.get(r.test)
        tl = work.problem.time_limit_s
        if t is None:  # interactive: the example's hidden data
            said = r.check.message if r.check else ""
            return f"On {r.test} the interactor reported {r.verdict.long}" + (f": {said}" if said else ".")
        d = work.derived.get(t.name)
        if d is not None:
            where = f"an input derived from Example {d.example} ({d.description})"
        else:
            where = {"example": f"Example {t.name.split('-')[-1]}", "max-size": "a maximum-size test"}.get(
                t.kind, "a test found by stress testing"
            )
        return evidence.from_test(r, t.input, t.answer, tl, large=t.large, where=where)
    return None


async def run_candidate(work: Work, kit: Kit, index: int) -> CandidateResult:
    name = f"c{index}"
    try:
        return await _loop(work, kit, index)
    except Unjudgeable as e:
        work.log("unjudgeable", candidate=name, reason=str(e))
        return CandidateResult(name, None, False, None, Stop.UNJUDGEABLE, str(e))
    except ModelError as e:  # the model layer, not the problem: the problem stays unfinished (resumable)
        work.log("model_failed", candidate=name, error=str(e))
        raise


async def _loop(work: Work, kit: Kit, index: int) -> CandidateResult:
    name = f"c{index}"
    pid, lang = work.pid, work.lang
    base: Version | None = None  # the better version: anchors come from it, repairs start from it
    base_evidence = ""
    rejected: list[str] = []
    prompt = messages("draft", problem=work.problem, lang=lang, feedback="")
    last_stress: StressOutcome | None = None
    disputed = False  # the model was shown a disagreement with the brute force that nothing corroborates
    misses = 0  # kept versions in a row whose first failure is an example
    told_unusable = False  # the model was told once why a reply of this candidate was unusable
    n = 0
    while True:
        stop = work.spending.exhausted()
        if stop is not None:
            return CandidateResult(name, base, False, last_stress, stop, stop.text)
        if n and work.solved_by:
            why = f"{work.solved_by} already passes every local test"
            return CandidateResult(name, base, False, last_stress, Stop.SOLVED, why)
        if n and work.examples_only_by:
            why = f"{work.examples_only_by} passes the examples and no stress test can run"
            return CandidateResult(name, base, False, last_stress, Stop.EXAMPLES_ONLY, why)
        work.spending.attempts += 1
        n += 1
        stage = "draft" if base is None and n == 1 else "repair"
        work.progress(pid, name, stage=stage, attempt=n)
        with request_priority(solution_priority(work, first_draft=n == 1)):
            reply = await work.model.ask(
                f"{pid}/{name}/solution/{n}",
                prompt,
                variant=index,
                tokens_left=work.spending.tokens_left(),
                problem=pid,
                candidate=name,
                stage=stage,
                attempt=n,
            )
        work.spending.tokens += reply.tokens
        found = extract_code(reply.content, lang, reply.done_reason)
        if not found.ok:
            work.log("reply_unusable", candidate=name, attempt=n, reason=found.reason, truncated=found.truncated)
            # Said once per candidate: a model that ignored the note once is asked the normal way again
            # (the prompt itself asks for the code block) rather than shown the same words every time.
            why = "" if told_unusable else found.feedback
            told_unusable = True
            if base is not None:
                note = f"\n\nYour last reply was unusable: {why}" if why else ""
                prompt = _repair(work, base, base_evidence + note, rejected)
            else:
                prompt = messages("draft", problem=work.problem, lang=lang, feedback=why)
            continue
        if found.note:
            work.log("code_taken", candidate=name, attempt=n, note=found.note)
        work.progress(pid, name, stage="compile", attempt=n)
        program = await build_fixing(work.judge, work.run, work.problem, f"{name}-v{n}", found.code, lang.key)
        if not program.ok:
            ev = evidence.compile_error(program.compiled.message)
            work.log("verdict", candidate=name, version=program.name, verdict="CE", evidence=ev)
            if base is None:
                prompt = messages("repair", problem=work.problem, lang=lang, code=found.code, evidence=ev, rejected=[])
            else:
                rejected.append(f"a version did not compile: {evidence.first_compiler_error(program.compiled.message)}")
                work.log("repair_rejected", candidate=name, version=program.name, reason=rejected[-1])
                prompt = _repair(work, base, base_evidence, rejected)
            continue
        work.progress(pid, name, stage="tests", attempt=n)
        version = await evaluate(work, kit, program)
        work.progress(pid, name, passed=len(version.passed), total=len(version.results))
        work.log(
            "verdict",
            candidate=name,
            version=program.name,
            passed=sorted(version.passed),
            failed={r.test: r.verdict.value for r in version.results if r.verdict is not Verdict.AC},
        )
        if base is not None and not base.passed <= version.passed:
            lost = [r for r in version.results if r.test in base.passed and r.verdict is not Verdict.AC]
            what = ", ".join(f"{r.test} ({r.verdict.value})" for r in lost[:3]) or "tests it passed before"
            rejected.append(f"a repair broke {what}")
            work.log(
                "repair_rejected",
                candidate=name,
                version=program.name,
                broke=[r.test for r in lost],
                reason=rejected[-1],
                kept=base.program.name,
            )
            prompt = _repair(work, base, base_evidence, rejected)
            continue
        if base is not None:
            # kept because it passes every test the base passes (maybe no more): not "accepted" as correct
            work.log("repair_kept", candidate=name, version=program.name, replaces=base.program.name,
                     passed=len(version.passed), before=len(base.passed))
        base, rejected = version, []
        work.best[name] = version
        _mark_fixed(work, version)
        failure = first_failure(work, version)
        if failure is not None:
            base_evidence = failure
            misses = misses + 1 if _fails_an_example(work, version) else 0
            if misses >= EXAMPLE_MISSES and isinstance(kit, LazyKit) and work.spending.exhausted() is None:
                small = await _small_counterexample(work, kit, name, program)
                if small:
                    base_evidence = f"{failure}\n\n{small}"
            prompt = _repair(work, base, base_evidence, rejected)
            continue
        suspect = suspicion(work, version)
        if suspect:
            work.log("suspect", candidate=name, version=program.name, reason=suspect)
        s = work.settings
        if isinstance(kit, LazyKit):
            kit.want(stress_stages(work))  # helpers only now, all at once: a candidate passes the examples
        trust = None
        if s.stress_tests <= 0 and not work.problem.interactive:
            outcome = StressOutcome(notes=("no stress test: --stress-tests 0",))
        else:
            work.progress(pid, name, stage="stress", attempt=n)
            outcome, trust = await stress_candidate(work, kit, name, program, told=disputed)
        last_stress = outcome
        finding = outcome.counterexample
        work.log(
            "stress",
            candidate=name,
            version=program.name,
            tests=outcome.tests_run,
            agreed=outcome.agreed,
            max_tests=outcome.max_tests,
            finding=finding.kind if finding else None,
            notes=list(outcome.notes),
        )
        if finding is None and outcome.tests_run > 0:
            work.log("candidate_passed", candidate=name, version=program.name, stress=outcome.summary)
            work.solved_by = work.solved_by or name
            return CandidateResult(name, base, True, outcome, Stop.SOLVED, outcome.summary, suspect=suspect)
        if finding is None:  # nothing found, but nothing was looked for: the examples are all it passed
            why = "; ".join(outcome.notes) or "no stress test ran"
            work.log("candidate_examples_only", candidate=name, version=program.name, reason=why, suspect=suspect)
            if not suspect:  # a suspect one leaves the other candidates looking for better
                work.examples_only_by = work.examples_only_by or name
            return CandidateResult(name, base, False, outcome, Stop.EXAMPLES_ONLY, why, True, suspect)
        if trust is not None and not trust.gate:  # the brute force may be wrong: evidence, not a test
            disputed = True
            base_evidence = disputed_evidence(finding, trust)
            prompt = _repair(work, base, base_evidence, rejected)
            continue
        _record(work, name, program, finding)
        base_evidence = finding.evidence
        prompt = _repair(work, base, base_evidence, rejected)


def _fails_an_example(work: Work, version: Version) -> bool:
    """The first failure (as ``first_failure`` picks it) is on an example: the only evidence is the example."""
    kinds = {t.name: t.kind for t in work.pool}
    first = next((r for r in version.results if r.verdict not in (Verdict.AC, Verdict.JE)), None)
    return first is not None and kinds.get(first.test) == "example"


async def _small_counterexample(work: Work, kit: LazyKit, name: str, program: Program) -> str:
    """Evidence from a small random input where ``program`` differs from the brute force ("" when none).

    The helpers are asked for now and waited for: the next repair is to be shown what they find. A brute
    force is a suspect, so this is evidence only, never a permanent test. Helpers that failed are not asked
    again (``LazyKit``)."""
    stages = counterexample_stages(work)
    if not stages:
        return ""
    kit.want(stages)
    for stage in stages:
        if (await kit.get(stage)).program is None:
            return ""
    s = work.settings
    outcome = await stress(work.judge, work.problem, program.compiled, kit, s.stress_tests, s.seed, small_only=True)
    cx = outcome.counterexample
    if cx is None:
        return ""
    work.log("counterexample_shown", candidate=name, version=program.name, input=cx.input[:20000],
             expected=cx.expected[:20000], found=cx.actual[:20000])
    return (
        "A brute force (which may itself be wrong) also gives another answer than your program on this small "
        f"random test:\n{cx.evidence}"
    )


def suspicion(work: Work, version: Version) -> str:
    """Why ``version``'s outputs look independent of its input ("" when they do not); see ``derive.suspect``."""
    kinds = {t.name: t.kind for t in work.pool}
    outs = {r.test: evidence.decode(r.run.stdout) for r in version.results if r.verdict is Verdict.AC}
    examples = {int(t.split("-")[1]): o for t, o in outs.items() if kinds.get(t) == "example"}
    return derive.suspect(list(work.derived.values()), outs, examples)


def _record(work: Work, name: str, program: Program, finding: Counterexample) -> None:
    """A stress finding becomes a pool test (an anchor once fixed) and a counterexample in the log."""
    count = sum(1 for t in work.pool if t.kind == finding.kind) + 1
    answer = None if finding.kind == "max-size" else finding.expected
    test = work.add_test(PoolTest(f"{finding.kind}-{count}", finding.kind, finding.input, answer))
    cx = replace(finding, actual=finding.actual[:4000], candidate=program.name, test=test.name)
    work.counterexamples.append(cx)
    work.log(
        "counterexample",
        candidate=name,
        version=program.name,
        test=test.name,
        kind=finding.kind,
        input=finding.input[:20000],
        expected=answer,
        found=finding.actual[:20000],
        verdict=finding.verdict.value,
        evidence=finding.evidence,
    )


def _repair(work: Work, base: Version, ev: str, rejected: list[str]) -> tuple[Message, ...]:
    return messages(
        "repair",
        problem=work.problem,
        lang=work.lang,
        code=base.program.code,
        evidence=ev,
        rejected=list(rejected),
    )


def _mark_fixed(work: Work, version: Version) -> None:
    for k, cx in enumerate(work.counterexamples):
        if not cx.fixed_by and cx.test in version.passed:
            work.counterexamples[k] = replace(cx, fixed_by=version.program.name)
            work.log("counterexample_fixed", test=cx.test, by=version.program.name)

