"""The stress-test kit: helper programs the model writes, each checked before it is trusted.

    brute force   must pass every example (through the problem's checker)
    validator     must accept every example input; it then vets every generated input
    generator     "seed size" on stdin -> a small input; must be deterministic and pass the validator
    max-size gen  "seed" on stdin -> a largest input; must pass the validator
    checker       several-answers problems only: must accept each example's answer and reject an empty output
    interactor    interactive problems only: must replay the statement's example exchange

All are requested from the model at once, as soon as the problem starts, so the model works on them while
the candidates are being drafted and judged. A helper that fails its check goes back to the model with the
evidence (``kit_tries`` times); one that never works leaves a note saying what is not tested and why.
Generated inputs and brute-force answers are cached per problem: every candidate and every repaired version
is stress-tested on the same inputs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sandbox.api import Checker, Limits, Source, Test, Verdict
from solver.problem import Problem, Sample
from solver.solve import evidence
from solver.solve.checking import standard_checker
from solver.solve.compile_fix import build_fixing
from solver.solve.extract import extract_code, extract_text_block
from solver.solve.programs import HELPER_LIMITS, Judge, Program, by_name, outputs
from solver.solve.prompts import messages
from solver.solve.shrink import Probe
from solver.solve.work import Work

Verify = Callable[[Program], Awaitable[str | None]]
Log = Callable[..., None]  # log(event_type, **data)


def _no_log(*_a: object, **_k: object) -> None:
    return None
  # None: the program is fine; else why it is not

MAXGEN_LIMITS = Limits(time_s=10.0, memory_mb=1024, output_mb=256, wall_factor=2.0)


@dataclass(frozen=True)
class Helper:
    program: Program | None
    note: str = ""  # why there is none


def is_multitest(text: str) -> bool:
    """The input format announces several test cases (so generators print t first)."""
    low = text.lower()
    return "number of test cases" in low or ("test cases" in low and "first line" in low)


class Material:
    """The stress-test material of one problem: generated inputs that pass the validator, the reference's
    answers, max-size inputs, the checker; cached, so every program is tested on the same inputs.

    Where the helper programs come from is the subclass's business: ``Kit`` asks the model for them and
    checks each; ``Supplied`` takes ones already trusted (practice: the bot's, from its solve run).
    """

    def __init__(self, judge: Judge, problem: Problem, max_tests: int, log: Log = _no_log) -> None:
        self.judge = judge
        self.problem = problem
        self.max_tests = max_tests
        self.log = log
        self._inputs: dict[Probe, str | None] = {}
        self._answers: dict[str, str | None] = {}
        self._max: list[str] | None = None
        self._lock = asyncio.Lock()

    async def get(self, stage: str) -> Helper:
        raise NotImplementedError

    def _plan_stages(self) -> set[str]:
        raise NotImplementedError

    async def brute(self) -> Helper:
        return await self.get("brute")

    async def has_checker(self) -> bool:
        """False only for a several-answers problem whose checker could not be had."""
        return "checker" not in self._plan_stages() or (await self.get("checker")).program is not None

    async def checker(self) -> Checker:
        """How outputs are judged: the model's checker for several-answers problems, else the standard one."""
        if "checker" in self._plan_stages():
            helper = await self.get("checker")
            if helper.program is not None:
                return Checker.from_program(helper.program.compiled)
        return standard_checker(self.problem)

    async def validate(self, inputs: Sequence[str], limits: Limits = HELPER_LIMITS) -> list[str | None]:
        """For each input: None if the validator accepts it, else why not (no validator: never accepted)."""
        helper = await self.get("validator")
        if helper.program is None:
            return [f"not validated: {helper.note}"] * len(inputs)
        tests = [Test(f"in-{k}", text.encode(), None) for k, text in enumerate(inputs)]
        result = by_name(await self.judge.judge(helper.program.compiled, tests, limits, Checker.tokens()))
        out: list[str | None] = []
        for k in range(len(inputs)):
            t = result.get(f"in-{k}")
            if t is not None and t.verdict is Verdict.AC:
                out.append(None)
            else:
                said = evidence.decode(t.run.stderr).strip() if t else "not run"
                out.append(said or (t.run.detail if t else "") or "rejected")
        return out

    async def _generate(self, program: Program, probes: Sequence[Probe]) -> list[str | None]:
        tests = [Test(f"gen-{k}", f"{p.seed} {p.size}\n".encode(), None) for k, p in enumerate(probes)]
        result = await self.judge.judge(program.compiled, tests, HELPER_LIMITS, Checker.tokens())
        res, outs = by_name(result), outputs(result)
        return [
            outs[f"gen-{k}"] if f"gen-{k}" in res and res[f"gen-{k}"].verdict is Verdict.AC else None
            for k in range(len(probes))
        ]

    async def inputs(self, probes: Sequence[Probe]) -> dict[Probe, str]:
        """Valid generated inputs for ``probes`` (invalid or failed ones are left out, and logged)."""
        helper = await self.get("generator")
        if helper.program is None:
            return {}
        async with self._lock:
            missing = [p for p in dict.fromkeys(probes) if p not in self._inputs]
            if missing:
                made = await self._generate(helper.program, missing)
                present = [(p, m) for p, m in zip(missing, made, strict=True) if m is not None]
                verdicts = await self.validate([m for _, m in present])
                for p, m in zip(missing, made, strict=True):
                    self._inputs[p] = None if m is None else m
                for (p, m), why in zip(present, verdicts, strict=True):
                    if why is not None:
                        self._inputs[p] = None
                        self.log("input_invalid", seed=p.seed, size=p.size, reason=why, input=m[:2000])
        return {p: text for p in probes if (text := self._inputs.get(p)) is not None}

    async def answers(self, inputs: Sequence[str]) -> dict[str, str]:
        """The brute force's answers (only where it ran cleanly)."""
        helper = await self.brute()
        if helper.program is None:
            return {}
        async with self._lock:
            missing = list(dict.fromkeys(i for i in inputs if i not in self._answers))
            if missing:
                tests = [Test(f"b-{k}", text.encode(), None) for k, text in enumerate(missing)]
                result = await self.judge.judge(helper.program.compiled, tests, HELPER_LIMITS, Checker.tokens())
                res, outs = by_name(result), outputs(result)
                for k, text in enumerate(missing):
                    ok = f"b-{k}" in res and res[f"b-{k}"].verdict is Verdict.AC
                    self._answers[text] = outs[f"b-{k}"] if ok else None
        return {i: a for i in inputs if (a := self._answers.get(i)) is not None}

    async def max_inputs(self) -> list[str]:
        helper = await self.get("maxgen")
        if helper.program is None:
            return []
        async with self._lock:
            if self._max is None:
                n = self.max_tests
                tests = [Test(f"max-{k}", f"{k + 1}\n".encode(), None) for k in range(n)]
                result = await self.judge.judge(helper.program.compiled, tests, MAXGEN_LIMITS, Checker.tokens())
                res = by_name(result)
                made = [o for name, o in outputs(result).items() if res[name].verdict is Verdict.AC and o.strip()]
                whys = await self.validate(made, MAXGEN_LIMITS)
                self._max = [m for m, why in zip(made, whys, strict=True) if why is None]
            return list(self._max)


class Supplied(Material):
    """Material from helper programs that are already trusted (by stage: brute, generator, validator, ...)."""

    def __init__(self, judge: Judge, problem: Problem, helpers: Mapping[str, Program], max_tests: int = 0) -> None:
        super().__init__(judge, problem, max_tests)
        self.helpers = dict(helpers)

    async def get(self, stage: str) -> Helper:
        program = self.helpers.get(stage)
        return Helper(program, "" if program is not None else f"no {stage} was supplied")

    def _plan_stages(self) -> set[str]:
        return set(self.helpers)


class Kit(Material):
    """The helpers of one problem, built concurrently; ``await kit.brute()`` etc. wait for one."""

    def __init__(self, work: Work) -> None:
        super().__init__(work.judge, work.problem, work.settings.max_tests, work.log)
        self.work = work
        p = work.problem
        self._tasks: dict[str, asyncio.Task[Helper]] = {}
        self.example_tests: list[Test] = []  # interactive problems: hidden data of the examples
        self._status: dict[str, str] = {}
        self._plan: list[tuple[str, Verify]] = []
        if p.interactive:
            self._plan.append(("interactor", self._verify_interactor))
            return
        if p.several_answers:
            self._plan.append(("checker", self._verify_checker))
        self._plan += [
            ("validator", self._verify_validator),
            ("brute", self._verify_brute),
            ("generator", self._verify_generator),
            ("maxgen", self._verify_maxgen),
        ]

    def start(self) -> None:
        """Ask for every helper at once (call after the drafts were asked for: they go to the model first)."""
        if self._tasks:
            return
        for stage, verify in self._plan:
            self._tasks[stage] = asyncio.create_task(self._obtain(stage, verify), name=f"{self.work.pid}-{stage}")

    def _show(self, stage: str, status: str) -> None:
        self._status[stage] = status
        self.work.progress(self.work.pid, "kit", stage=", ".join(f"{k} {v}" for k, v in self._status.items()))

    async def get(self, stage: str) -> Helper:
        task = self._tasks.get(stage)
        if task is None and any(s == stage for s, _ in self._plan):
            self.start()  # asked before start(): start now rather than wait forever
            task = self._tasks.get(stage)
        if task is None:
            return Helper(None, f"no {stage} for this problem")
        return await asyncio.shield(task)

    def _plan_stages(self) -> set[str]:
        return {stage for stage, _ in self._plan}

    async def close(self) -> None:
        """Stop helpers still being made (their judge calls finish first) and wait for them."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    # ---- obtaining one helper

    async def _obtain(self, stage: str, verify: Verify) -> Helper:
        work = self.work
        lang = work.helper_lang
        feedback = ""
        for n in range(1, work.settings.kit_tries + 1):
            if work.spending.exhausted():
                return Helper(None, f"no {stage}: the problem's budget was spent")
            self._show(stage, f"try {n}")
            prompt = messages(
                stage,
                problem=work.problem,
                lang=lang,
                feedback=feedback,
                multitest=is_multitest(work.problem.input_spec),
            )
            reply = await work.model.ask(f"{work.pid}/kit/{stage}/{n}", prompt, problem=work.pid, stage=stage)
            work.spending.tokens += reply.tokens
            found = extract_code(reply.content, lang, reply.done_reason)
            if not found.ok:
                feedback = f"Your reply had no usable program: {found.reason}."
                work.log("helper_rejected", stage=stage, n=n, reason=feedback)
                continue
            if stage == "interactor":
                data = extract_text_block(reply.content, "text")
                if data is None:
                    feedback = "Your reply had no ```text block with the hidden data of Example 1."
                    work.log("helper_rejected", stage=stage, n=n, reason=feedback)
                    continue
                self.example_tests = [Test("example-1", data.encode(), None)]
            program = await build_fixing(work.judge, work.run, work.problem, f"{stage}-{n}", found.code, lang.key)
            if not program.ok:
                feedback = evidence.compile_error(program.compiled.message)
                work.log("helper_rejected", stage=stage, n=n, reason=feedback)
                continue
            problem_text = await verify(program)
            if problem_text is None:
                work.log("helper_ready", stage=stage, n=n, program=program.name, path=program.path)
                self._show(stage, "ok")
                return Helper(program)
            feedback = problem_text
            work.log("helper_rejected", stage=stage, n=n, reason=feedback)
            if stage == "brute" and not await self.has_checker():
                note = "several answers are allowed and no checker works: outputs cannot be compared"
                work.log("helper_failed", stage=stage, note=note)
                return Helper(None, note)
        first = feedback.strip().splitlines()[0] if feedback.strip() else "no reply"
        note = f"no working {stage} after {work.settings.kit_tries} tries (last: {first})"
        work.log("helper_failed", stage=stage, note=note)
        self._show(stage, "failed")
        return Helper(None, note)

    # ---- checks

    def _examples(self) -> list[tuple[int, Sample]]:
        return [(i + 1, s) for i, s in enumerate(self.work.problem.samples)]

    async def _verify_brute(self, program: Program) -> str | None:
        work = self.work
        tests = [Test(f"example-{i}", s.input.encode(), s.output.encode()) for i, s in self._examples()]
        if not tests:
            return None
        result = await work.judge.judge(program.compiled, tests, HELPER_LIMITS, await self.checker())
        for i, s in self._examples():
            t = by_name(result).get(f"example-{i}")
            if t is None or t.verdict is not Verdict.AC:
                if t is None:
                    return f"Example {i} was not run ({result.verdict.value})."
                return evidence.from_test(t, s.input, s.output, HELPER_LIMITS.time_s, where=f"Example {i}")
        return None

    async def _verify_validator(self, program: Program) -> str | None:
        tests = [Test(f"example-{i}", s.input.encode(), None) for i, s in self._examples()]
        if not tests:
            return None
        result = await self.work.judge.judge(program.compiled, tests, HELPER_LIMITS, Checker.tokens())
        for i, s in self._examples():
            t = by_name(result).get(f"example-{i}")
            if t is None or t.verdict is not Verdict.AC:
                said = evidence.decode(t.run.stderr).strip() if t else ""
                return (
                    f"It rejects Example {i}, which is valid"
                    + (f" (it said: {evidence.clip(said, 300, 3)})" if said else "")
                    + ".\n"
                    + evidence.describe_input(s.input, False)
                )
        return None

    async def _verify_generator(self, program: Program) -> str | None:
        if (await self.get("validator")).program is None:
            return None  # nothing to check its inputs against; stress testing will say it could not run
        probes = [Probe(11, 1), Probe(12, 5), Probe(13, 10), Probe(13, 10)]
        made = await self._generate(program, probes)
        for p, text in zip(probes, made, strict=True):
            if text is None or not text.strip():
                return f'With input "{p.seed} {p.size}" it crashed or printed nothing.'
        if made[2] != made[3]:
            return "It is not deterministic: the same seed and size gave two different inputs."
        for p, text, why in zip(probes, made, await self.validate([m or "" for m in made]), strict=True):
            if why is not None:
                return (
                    f"With seed {p.seed} and size {p.size} it printed an invalid input ({why}).\n"
                    + evidence.describe_input(text or "", False)
                )
        return None

    async def _verify_maxgen(self, program: Program) -> str | None:
        result = await self.work.judge.judge(
            program.compiled, [Test("max-1", b"1\n", None)], MAXGEN_LIMITS, Checker.tokens()
        )
        t = by_name(result).get("max-1")
        if t is None or t.verdict is not Verdict.AC or not t.run.stdout.strip():
            what = t.verdict.long if t else "not run"
            return f"With seed 1 it failed ({what}{': ' + t.run.detail if t and t.run.detail else ''})."
        text = t.run.stdout.decode("utf-8", errors="replace")
        if (await self.get("validator")).program is None:
            return None  # unvalidated max-size inputs are never used (see max_inputs)
        (why,) = await self.validate([text], MAXGEN_LIMITS)
        if why is not None:
            return f"With seed 1 it printed an invalid input ({why}).\n" + evidence.describe_input(text, True)
        return None

    async def _verify_checker(self, program: Program) -> str | None:
        """Accepts each example's own answer; rejects an empty output (via echo programs in the sandbox)."""
        checker = Checker.from_program(program.compiled)
        for i, s in self._examples():
            if not s.output.strip():
                continue
            for shown, must_pass in ((s.output, True), ("", False)):
                echo = await self.work.judge.compile(_echo(shown))
                test = Test(f"example-{i}", s.input.encode(), s.output.encode())
                result = await self.work.judge.judge(echo, [test], HELPER_LIMITS, checker)
                ok = result.verdict is Verdict.AC
                if ok != must_pass:
                    said = result.tests[0].check.message if result.tests and result.tests[0].check else ""
                    what = "rejects the example's own answer" if must_pass else "accepts an empty output"
                    return f"On Example {i} it {what}" + (f" (it said: {said})" if said else "") + "."
        return None

    async def _verify_interactor(self, program: Program) -> str | None:
        """The interactor, fed the example's hidden data, must replay Example 1's exchange and accept it."""
        work = self.work
        if not work.problem.samples or not self.example_tests:
            return None
        sample = work.problem.samples[0]
        replayer = await work.judge.compile(_replayer(sample))
        limits = Limits(time_s=5.0, memory_mb=256, wall_factor=2.0, idle_s=5.0)
        result = await work.judge.interact(replayer, program.compiled, self.example_tests[0], limits)
        if result.verdict is Verdict.AC:
            return None
        said = result.check.message if result.check else ""
        err = evidence.decode(result.run.stderr).strip()
        return (
            "Replaying Example 1's exchange against it with your hidden data failed "
            f"({result.verdict.long}{': ' + said if said else ''}{'; ' + err if err else ''}).\n"
            "Check that it sends exactly the jury's lines of Example 1 and accepts the participant's lines."
        )

    # ---- cached stress material

def _echo(text: str) -> Source:
    return Source(f"import sys\nsys.stdout.write({text!r})\n", "python3")


def _replayer(sample: Sample) -> Source:
    """A trusted program, run in the sandbox, that plays the participant's side of an example exchange."""

    ours = [line for line in sample.output.splitlines() if line.strip()]
    code = (
        "import sys\n"
        f"for line in {ours!r}:\n"
        "    sys.stdout.write(line + '\\n')\n"
        "    sys.stdout.flush()\n"
        "got = sys.stdin.read().split()\n"
        f"want = {sample.input.split()!r}\n"
        "if got != want:\n"
        "    sys.stderr.write('the interactor sent %r, the example shows %r\\n' % (got[:20], want[:20]))\n"
        "    sys.exit(3)\n"
    )
    return Source(code, "python3")
