"""The stress-test kit: helper programs the model writes, each checked before it is trusted.

    brute force   must pass every example (through the problem's checker); still a suspect, not an oracle: a
                  candidate's disagreement with it becomes a permanent test only when corroborated
                  (``corroborate``: another candidate, or a second brute force written on its own, agrees)
    validator     must accept every example input and reject invalid inputs made from them (a value out of
                  range, a missing line, trailing garbage: ``invalid_inputs``); it then vets every generated input
    generator     "seed size" on stdin -> a small input (at most GEN_MAX_BYTES); deterministic, passes the validator
    max-size gen  "seed" on stdin -> a largest input (at most MAXGEN_MB); must pass the validator
    checker       several-answers problems only: must accept each example's answer and reject an empty output
    interactor    interactive problems only: must replay the statement's example exchange

All are requested from the model at once, as soon as the problem starts, so the model works on them while
the candidates are being drafted and judged. A helper that fails its check goes back to the model with the
evidence (``kit_tries`` times); one that never works leaves a note saying what is not tested and why.
Generated inputs and brute-force answers are cached per problem: every candidate and every repaired version
is stress-tested on the same inputs.

A helper that crashes or loops is rejected with the reason, and the program at fault is the one named: a
validator crashing on a generator's output is the validator's fault (it goes back to the model), not the
generator's.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sandbox.api import Checker, Limits, Source, Test, TestResult, Verdict
from solver.problem import Problem, Sample
from solver.solve import evidence
from solver.solve.checking import standard_checker
from solver.solve.compile_fix import build_fixing
from solver.solve.extract import extract_code, extract_text_block
from solver.solve.programs import HELPER_LIMITS, Judge, Program, by_name, judge_fairly, outputs, solution_limits
from solver.solve.prompts import messages
from solver.solve.shrink import Probe
from solver.solve.work import Work

Verify = Callable[[Program], Awaitable[str | None]]
Log = Callable[..., None]  # log(event_type, **data)


def _no_log(*_a: object, **_k: object) -> None:
    return None


# A small input is for a brute force: a few hundred bytes is usual, GEN_MAX_BYTES is plenty. The sandbox's
# output limit stops a generator that prints without end long before it fills memory.
GEN_MAX_BYTES = 64 * 1024
GEN_LIMITS = Limits(time_s=5.0, memory_mb=512, output_mb=1, wall_factor=2.0)
# Codeforces inputs stay within a few tens of megabytes; more is a generator out of the constraints.
MAXGEN_MB = 32
MAXGEN_LIMITS = Limits(time_s=10.0, memory_mb=1024, output_mb=MAXGEN_MB, wall_factor=2.0)


@dataclass(frozen=True)
class Helper:
    program: Program | None
    note: str = ""  # why there is none


@dataclass(frozen=True)
class Vetted:
    """What the validator said about one input."""

    ok: bool  # it accepts the input
    why: str = ""  # why it rejects it, or how it failed
    validator_failed: bool = False  # it crashed or ran too long: the validator's fault, not the input's

    @property
    def reason(self) -> str:
        return f"the validator {self.why}" if self.validator_failed else self.why


@dataclass(frozen=True)
class Trust:
    """Whether a candidate's disagreement with the brute force on a small input is corroborated.

    ``corroborated``: an independent program (another candidate with other code, or a second brute force)
    gives the brute force's answer too; the input becomes a permanent test. ``refuted``: the second brute
    force agrees with the candidate instead; the first one is set aside and the second is the reference.
    ``unconfirmed``: nothing independent says either way; the disagreement is evidence, not a gate.
    """

    kind: str
    by: str = ""  # the program that corroborated or refuted it
    note: str = ""  # in words

    @property
    def gate(self) -> bool:
        return self.kind == "corroborated"


def failure(t: TestResult | None, limits: Limits) -> str:
    """How a helper program failed to run cleanly, in words ("crashed (killed by signal 11 ...)")."""
    if t is None:
        return "was not run"
    run = t.run
    v = run.status if run.status is not Verdict.AC else t.verdict
    if v is Verdict.TLE or v is Verdict.ILE:
        return f"ran past the time limit of {limits.time_s:g} s (does it loop, or wait for more input?)"
    if v is Verdict.MLE:
        return f"used more than {limits.memory_mb} MB of memory"
    if v is Verdict.OLE:
        return f"printed more than {limits.output_mb} MB"
    if v is Verdict.JE:
        return f"could not be run (judge error: {run.detail or 'unknown'})"
    what = run.detail or (f"exit code {run.exit_code}" if run.exit_code is not None else "killed")
    err = evidence.decode(run.stderr).strip()
    return f"crashed ({what})" + (f"; it said: {evidence.clip(err, 300, 5)}" if err else "")


_POWER = re.compile(r"(?:(\d+)\s*(?:\\cdot|\\times|[·×*])\s*)?(\d+)\s*\^\s*\{?\s*(\d+)\s*\}?")
_NUMBER = re.compile(r"\d+")


def spec_bound(spec: str) -> int | None:
    """The largest number the input section states (10^9, 2·10^5, 2^{31}, 100), or None when it states none."""
    found: list[int] = []
    rest = spec
    for m in _POWER.finditer(spec):
        base, exp = int(m[2]), int(m[3])
        if exp > 40 or base > 10**6:
            return None  # numbers with thousands of digits: nothing safely beyond them
        found.append(int(m[1] or 1) * base**exp)
    rest = _POWER.sub(" ", spec)
    found += [int(x) for x in _NUMBER.findall(rest) if len(x) <= 40]
    return max(found) if found else None


def invalid_inputs(problem: Problem) -> list[tuple[str, str]]:
    """Inputs certainly invalid, made from the first example (pure): (input, what is wrong with it).

    - a value out of range: the example's last integer replaced by one far above every number the input
      section states (above their square, so a bound like "k <= n*m" is passed too);
    - data missing: the example without its last line;
    - trailing garbage: a line after the end of the input.
    """
    example = next((s.input for s in problem.samples if s.input.strip()), None)
    if example is None or problem.interactive:
        return []
    text = example if example.endswith("\n") else example + "\n"
    out: list[tuple[str, str]] = []
    bound = spec_bound(problem.input_spec)
    ints = list(re.finditer(r"(?<![\w.-])-?\d+(?![\w.])", text))
    if bound is not None and ints:
        last = ints[-1]
        big = str(10 * max(bound, 10) ** 2 + 7)
        out.append((text[: last.start()] + big + text[last.end() :], f"{last[0]} changed to {big}, out of range"))
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    out.append(("\n".join(lines[:-1]) + "\n" if len(lines) > 1 else "", "its last line removed"))
    out.append((text + "7\n", "a line added after the end of the input"))
    return out


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
        """The reference: the brute force (or, once it was refuted, the second one)."""
        return await self.get("brute")

    async def corroborate(self, text: str, answer: str, program: Program, others: Mapping[str, Program]) -> Trust:
        """Whether ``program``'s disagreement with the reference on ``text`` is corroborated (see ``Trust``).

        Here the reference is trusted as it is (practice: the bot's accepted solution); ``Kit`` checks.
        """
        return Trust("corroborated", note="the reference is trusted")

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
        return [None if v.ok else v.reason for v in await self.vet(inputs, limits)]

    async def vet(self, inputs: Sequence[str], limits: Limits = HELPER_LIMITS) -> list[Vetted]:
        """The validator on each input: accepted, rejected (and why), or the validator itself failed."""
        helper = await self.get("validator")
        if helper.program is None:
            return [Vetted(False, f"not validated: {helper.note}")] * len(inputs)
        return await self._vet_with(helper.program, inputs, limits)

    async def _vet_with(self, validator: Program, inputs: Sequence[str], limits: Limits) -> list[Vetted]:
        if not inputs:
            return []
        tests = [Test(f"in-{k}", text.encode(), None) for k, text in enumerate(inputs)]
        result = by_name(await self.judge.judge(validator.compiled, tests, limits, Checker.tokens()))
        out: list[Vetted] = []
        for k in range(len(inputs)):
            t = result.get(f"in-{k}")
            if t is not None and t.verdict is Verdict.AC:
                out.append(Vetted(True))
            elif t is None or evidence.validator_fault(t) is not None:  # its own failure, not a rejection
                out.append(Vetted(False, failure(t, limits), validator_failed=True))
            else:
                said = evidence.decode(t.run.stderr).strip()
                out.append(Vetted(False, said or t.run.detail or "rejected"))
        return out

    async def _generate(self, program: Program, probes: Sequence[Probe]) -> list[TestResult | None]:
        tests = [Test(f"gen-{k}", f"{p.seed} {p.size}\n".encode(), None) for k, p in enumerate(probes)]
        res = by_name(await self.judge.judge(program.compiled, tests, GEN_LIMITS, Checker.tokens()))
        return [res.get(f"gen-{k}") for k in range(len(probes))]

    async def inputs(self, probes: Sequence[Probe]) -> dict[Probe, str]:
        """Valid generated inputs for ``probes`` (invalid or failed ones are left out, and logged)."""
        helper = await self.get("generator")
        if helper.program is None:
            return {}
        async with self._lock:
            missing = [p for p in dict.fromkeys(probes) if p not in self._inputs]
            if missing:
                made = [_small_input(t) for t in await self._generate(helper.program, missing)]
                present = [(p, m) for p, m in zip(missing, made, strict=True) if m is not None]
                verdicts = await self.vet([m for _, m in present])
                for p, m in zip(missing, made, strict=True):
                    self._inputs[p] = m
                for (p, m), v in zip(present, verdicts, strict=True):
                    if not v.ok:
                        self._inputs[p] = None
                        # the program at fault is the one named: a crashing validator, not the input
                        kind = "helper_fault" if v.validator_failed else "input_invalid"
                        extra = {"stage": "validator"} if v.validator_failed else {}
                        self.log(kind, seed=p.seed, size=p.size, reason=v.reason, input=m[:2000], **extra)
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


def _small_input(t: TestResult | None) -> str | None:
    """A generator's output usable as a small input: it ran cleanly, printed something, within the cap."""
    if t is None or t.verdict is not Verdict.AC or not t.run.stdout.strip() or len(t.run.stdout) > GEN_MAX_BYTES:
        return None
    return evidence.decode(t.run.stdout)


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
        self._tries: dict[str, int] = {}  # model replies spent per stage
        self._reference = "brute"  # the brute force whose answers are the stress tests' expected outputs
        self._set_aside: set[str] = set()  # brute forces refuted by a second one: never the reference again
        self._must_survive: list[str] = []  # inputs a validator crashed on: the next one must handle them
        self._told_unusable: set[str] = set()  # stages told once why a reply had no usable code
        # asked for only when needed, not by start(): the second brute force, on a disagreement
        self._lazy: dict[str, Verify] = {"brute2": self._verify_brute}
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
        for stage, verify in self._plan:
            if stage not in self._tasks:
                self._begin(stage, verify)

    def _begin(self, stage: str, verify: Verify, feedback: str = "") -> None:
        self._tasks[stage] = asyncio.create_task(
            self._obtain(stage, verify, feedback), name=f"{self.work.pid}-{stage}"
        )

    def _show(self, stage: str, status: str) -> None:
        self._status[stage] = status
        self.work.progress(self.work.pid, "kit", stage=", ".join(f"{k} {v}" for k, v in self._status.items()))

    async def get(self, stage: str) -> Helper:
        task = self._tasks.get(stage)
        if task is None and stage in self._lazy:
            self._begin(stage, self._lazy[stage])
            task = self._tasks.get(stage)
        if task is None and any(s == stage for s, _ in self._plan):
            self.start()  # asked before start(): start now rather than wait forever
            task = self._tasks.get(stage)
        if task is None:
            return Helper(None, f"no {stage} for this problem")
        return await asyncio.shield(task)

    async def brute(self) -> Helper:
        return await self.get(self._reference)

    def _plan_stages(self) -> set[str]:
        return {stage for stage, _ in self._plan}

    async def close(self) -> None:
        """Stop helpers still being made (their judge calls finish first) and wait for them."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def _reopen(self, stage: str, feedback: str) -> None:
        """Send a helper found faulty after it was accepted back to the model, within its tries."""
        verify = dict(self._plan).get(stage) or self._lazy.get(stage)
        assert verify is not None
        self.work.log("helper_fault", stage=stage, reason=feedback)
        self._begin(stage, verify, feedback)

    # ---- the brute force is a suspect

    async def corroborate(self, text: str, answer: str, program: Program, others: Mapping[str, Program]) -> Trust:
        """Another candidate with other code, or a second brute force written on its own, must give the brute
        force's answer on ``text`` too, or the disagreement is no more than evidence (see ``Trust``)."""
        checker = await self.checker()
        test = Test("x", text.encode(), answer.encode())
        limits = solution_limits(self.problem)
        same = " ".join(program.code.split())
        for other in others.values():
            if " ".join(other.code.split()) == same:
                continue  # the same code is no second opinion
            r = (await judge_fairly(self.judge, other.compiled, [test], limits, checker)).get("x")
            if r is not None and r.verdict is Verdict.AC:
                return Trust("corroborated", other.name, f"candidate {other.name} gives the brute force's answer")
        reference = self._reference
        second = "brute2" if reference == "brute" else "brute"
        helper = await self.get(second)
        if helper.program is None:
            return Trust("unconfirmed", note=f"nothing independent agrees with the brute force ({helper.note})")
        w = by_name(await self.judge.judge(helper.program.compiled, [test], HELPER_LIMITS, checker)).get("x")
        name = helper.program.name
        if w is not None and w.verdict is Verdict.AC:
            return Trust("corroborated", name, f"a second brute force ({name}) gives the same answer")
        if w is None or w.run.status is not Verdict.AC:
            return Trust("unconfirmed", note=f"the second brute force ({name}) {failure(w, HELPER_LIMITS)} on it")
        # The two brute forces disagree. If the candidate agrees with the second, two programs written
        # apart outvote the first: it is set aside and the second becomes the reference.
        alt = Test("x", text.encode(), w.run.stdout)
        mine = (await judge_fairly(self.judge, program.compiled, [alt], limits, checker)).get("x")
        if mine is not None and mine.verdict is Verdict.AC and second not in self._set_aside:
            async with self._lock:
                if self._reference == reference:
                    self._set_aside.add(reference)
                    self._reference = second
                    self._answers.clear()
                    self.log("brute_set_aside", stage=reference, replaced_by=name, input=text[:2000])
            return Trust("refuted", name, f"a second brute force ({name}) agrees with {program.name}, not the first")
        return Trust("unconfirmed", note=f"the two brute forces disagree on it ({name} answers differently)")

    # ---- obtaining one helper

    async def _obtain(self, stage: str, verify: Verify, feedback: str = "") -> Helper:
        work = self.work
        lang = work.helper_lang
        template = "brute" if stage == "brute2" else stage
        unusable = told = ""  # why the last reply had no usable code; what the next prompt says about it
        while (n := self._tries.get(stage, 0) + 1) <= work.settings.kit_tries:
            self._tries[stage] = n
            if work.spending.exhausted():
                return Helper(None, f"no {stage}: the problem's budget was spent")
            self._show(stage, f"try {n}")
            prompt = messages(
                template,
                problem=work.problem,
                lang=lang,
                feedback=told or feedback,
                multitest=is_multitest(work.problem.input_spec),
                second=stage == "brute2",
                max_bytes=GEN_MAX_BYTES,
                max_mb=MAXGEN_MB,
            )
            reply = await work.model.ask(
                f"{work.pid}/kit/{stage}/{n}",
                prompt,
                variant=int(stage == "brute2"),
                tokens_left=work.spending.tokens_left(),
                problem=work.pid,
                stage=stage,
            )
            work.spending.tokens += reply.tokens
            found = extract_code(reply.content, lang, reply.done_reason)
            if not found.ok:
                unusable = found.feedback
                work.log("helper_rejected", stage=stage, n=n, reason=unusable)
                # Said once per stage: later the prompt is the normal one again, with the last real evidence
                # (``feedback``: a compile error, a failed check), not the same note the model ignored.
                told = "" if stage in self._told_unusable else unusable
                self._told_unusable.add(stage)
                continue
            unusable = told = ""
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
            if stage in ("brute", "brute2") and not await self.has_checker():
                note = "several answers are allowed and no checker works: outputs cannot be compared"
                work.log("helper_failed", stage=stage, note=note)
                return Helper(None, note)
        first = evidence.headline(unusable or feedback) or "no reply"
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
        """Accepts every example; rejects each invalid input made from them; survives inputs its predecessor
        crashed on. Rejecting means exiting with a non-zero code by itself: a crash or a loop is a fault."""
        examples = [s.input for _, s in self._examples()]
        invalid = invalid_inputs(self.problem)
        survive = list(self._must_survive)
        vetted = await self._vet_with(program, [*examples, *(t for t, _ in invalid), *survive], HELPER_LIMITS)
        for (i, s), v in zip(self._examples(), vetted, strict=False):
            if not v.ok:
                said = f"On Example {i} it {v.why}" if v.validator_failed else f"It rejects Example {i}, which is valid"
                return f"{said} ({v.why}).\n" + evidence.describe_input(s.input, False)
        for (text, what), v in zip(invalid, vetted[len(examples) :], strict=False):
            if v.ok:
                return f"It accepts an invalid input ({what}).\n" + evidence.describe_input(text, False)
            if v.validator_failed:
                return (
                    f"On an invalid input ({what}) it {v.why}: it must reject it by "
                    "exiting with code 1.\n" + evidence.describe_input(text, False)
                )
        for text, v in zip(survive, vetted[len(examples) + len(invalid) :], strict=False):
            if v.validator_failed:
                return f"On this input it {v.why}.\n" + evidence.describe_input(text, False)
        return None

    async def _verify_generator(self, program: Program) -> str | None:
        probes = [Probe(11, 1), Probe(12, 5), Probe(13, 10), Probe(13, 10)]
        results = await self._generate(program, probes)
        for p, t in zip(probes, results, strict=True):
            if t is None or t.verdict is not Verdict.AC:
                return f'With input "{p.seed} {p.size}" it {failure(t, GEN_LIMITS)}.'
            if not t.run.stdout.strip():
                return f'With input "{p.seed} {p.size}" it printed nothing.'
            if len(t.run.stdout) > GEN_MAX_BYTES:
                return (
                    f'With input "{p.seed} {p.size}" it printed {len(t.run.stdout)} bytes: a small test must be at '
                    f"most {GEN_MAX_BYTES} bytes, even at size 10."
                )
        made = [evidence.decode(t.run.stdout) for t in results if t is not None]
        if made[2] != made[3]:
            return "It is not deterministic: the same seed and size gave two different inputs."
        for _ in range(self.work.settings.kit_tries + 1):
            validator = await self.get("validator")
            if validator.program is None:
                return None  # nothing to check its inputs against; stress testing will say it could not run
            vetted = await self._vet_with(validator.program, made, HELPER_LIMITS)
            crash = next(((m, v) for m, v in zip(made, vetted, strict=True) if v.validator_failed), None)
            if crash is not None:  # the validator's fault, not the generator's: the validator goes back
                self._must_survive.append(crash[0])
                why = f"On an input from the generator it {crash[1].why}.\n" + evidence.describe_input(crash[0], False)
                self._reopen("validator", why)
                continue
            for p, text, v in zip(probes, made, vetted, strict=True):
                if not v.ok:
                    return (
                        f"With seed {p.seed} and size {p.size} it printed an invalid input ({v.why}).\n"
                        + evidence.describe_input(text, False)
                    )
            return None
        return None

    async def _verify_maxgen(self, program: Program) -> str | None:
        result = await self.work.judge.judge(
            program.compiled, [Test("max-1", b"1\n", None)], MAXGEN_LIMITS, Checker.tokens()
        )
        t = by_name(result).get("max-1")
        if t is None or t.verdict is not Verdict.AC:
            return f"With seed 1 it {failure(t, MAXGEN_LIMITS)}."
        if not t.run.stdout.strip():
            return "With seed 1 it printed nothing."
        text = t.run.stdout.decode("utf-8", errors="replace")
        validator = await self.get("validator")
        if validator.program is None:
            return None  # unvalidated max-size inputs are never used (see max_inputs)
        (v,) = await self._vet_with(validator.program, [text], MAXGEN_LIMITS)
        if v.validator_failed:
            self.log("helper_fault", stage="validator", reason=f"on a max-size input it {v.why}", input=text[:2000])
            return None  # not the generator's fault; the input is left out (see max_inputs)
        if not v.ok:
            return f"With seed 1 it printed an invalid input ({v.why}).\n" + evidence.describe_input(text, True)
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
