"""The golden suite, DMOJ-style: every folder under ``golden/`` is a program and the verdict it must get.

A case folder holds a source file and ``case.json``:

    description   what the case shows
    lang          cpp17 | cpp20 | c11 | python3 | pypy3
    source        the source file's name in the folder
    tests         [{"input": str, "answer": str | null}, ...]
    limits        {"time_s", "memory_mb", "output_mb"} (sandbox.api.Limits fields)
    verdict       the overall verdict (sandbox.api.Verdict value); verdict_any: several allowed
    checker       optional: {"kind": "tokens" | "numbers" (+ "eps") | "yesno" | "lines"}
                  or {"kind": "program", "lang": ..., "source": "checker.cpp"} (testlib convention)
    expect        optional details: exit_code, signal, min_cpu_s, max_wall_s, max_compile_s,
                  message_contains (compiler message), first_failing_test (1-based)
    hostile       true: after judging, every worker must come out clean (probe program) and no
                  program named "cpjhostile" may be left running anywhere on the host
    pad_source_to_mb  optional: the source is padded with comment lines to this size at test time

Compile-time bombs are judged with short compile limits so that the suite stays fast; the point is that
whatever limit applies is enforced, and that the judge still works afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Checker, CheckerKind, Compiled, JudgeResult, Limits, Source, Test, Verdict
from sandbox.judge import CompileLimits, Judge

pytestmark = pytest.mark.docker

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("_"))
PROBE = GOLDEN / "_probe" / "probe.c"
MARKER = "cpjhostile"  # the process name every hostile program gives itself (prctl PR_SET_NAME)
BOMB_LIMITS = CompileLimits(cpu_s=4.0, wall_s=6.0, memory_mb=1024, output_mb=64)


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    lang: str
    source: str
    tests: tuple[Test, ...]
    limits: Limits
    verdicts: frozenset[Verdict]
    checker: dict[str, Any] | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    hostile: bool = False
    pad_source_to_mb: float = 0.0

    @staticmethod
    def load(name: str) -> Case:
        spec = json.loads((GOLDEN / name / "case.json").read_text())
        tests = tuple(
            Test(str(i), t["input"].encode(), None if t.get("answer") is None else t["answer"].encode())
            for i, t in enumerate(spec["tests"], start=1)
        )
        verdicts = spec.get("verdict_any", [spec["verdict"]])
        return Case(
            name=name,
            description=spec["description"],
            lang=spec["lang"],
            source=spec["source"],
            tests=tests,
            limits=Limits(**spec["limits"]),
            verdicts=frozenset(Verdict(v) for v in verdicts),
            checker=spec.get("checker"),
            expect=spec.get("expect", {}),
            hostile=bool(spec.get("hostile", False)),
            pad_source_to_mb=float(spec.get("pad_source_to_mb", 0)),
        )

    def code(self) -> str:
        text = (GOLDEN / self.name / self.source).read_text()
        if self.pad_source_to_mb:
            line = "// " + "padding " * 12 + "\n"  # 100 bytes
            lines = int(self.pad_source_to_mb * (1 << 20)) // len(line) + 1
            text += line * lines
        return text


@pytest.mark.parametrize("name", CASES)
def test_every_case_is_well_formed(name: str) -> None:
    case = Case.load(name)
    assert (GOLDEN / name / case.source).is_file()
    assert case.tests and case.verdicts and case.description
    if case.checker and case.checker["kind"] == "program":
        assert (GOLDEN / name / case.checker["source"]).is_file()


def test_the_suite_covers_every_verdict_and_language() -> None:
    cases = [Case.load(n) for n in CASES]
    verdicts = set().union(*(c.verdicts for c in cases))
    assert verdicts >= {
        Verdict.AC,
        Verdict.WA,
        Verdict.PE,
        Verdict.TLE,
        Verdict.MLE,
        Verdict.OLE,
        Verdict.RE,
        Verdict.CE,
    }
    assert {c.lang for c in cases} == {"cpp17", "cpp20", "c11", "python3", "pypy3"}
    assert any("signal" in c.expect for c in cases) and any("exit_code" in c.expect for c in cases)


def marked_processes() -> list[str]:
    """Host-wide: processes named like a hostile program (the host sees every container's processes)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if comm == MARKER:
                found.append(pid)
    return found


_probes: dict[int, Compiled] = {}


async def assert_contained(judge: Judge) -> None:
    """Nothing a hostile run left behind may be visible to the next run, on any worker, or on the host."""
    deadline = time.monotonic() + 5.0
    while marked_processes() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not marked_processes(), "a hostile program is still running on this machine"
    probe = _probes.get(id(judge))
    if probe is None:
        probe = await judge.compile(Source(PROBE.read_text(), "c11"))
        assert probe.ok, probe.message
        _probes[id(judge)] = probe
    # Several probe runs, spread over all workers by the judge, so each worker's next run is checked.
    runs = [Test(f"probe{i}", b"", b"clean\n") for i in range(2 * judge.workers)]
    res = await judge.judge(probe, runs, Limits(time_s=2.0))
    leaks = {t.run.stdout.decode(errors="replace").strip() for t in res.tests if t.verdict is not Verdict.AC}
    assert res.verdict is Verdict.AC, f"the next run saw leftovers: {leaks}"


PLANT_THEN_PROBE = """
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#define main probe_main
{probe}
#undef main
int main(void) {{
    close(open("/tmp/planted", O_WRONLY | O_CREAT, 0666));
    close(open("/dev/shm/planted", O_WRONLY | O_CREAT, 0666));
    pid_t child = fork();
    if (child == 0) {{ prctl(PR_SET_NAME, "cpjplanted"); pause(); _exit(0); }}
    usleep(100000);
    int r = probe_main();
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return r;
}}
"""


async def test_the_probe_sees_leftovers(judge: Judge) -> None:
    """The containment check is only as good as its probe: it must report what a run leaves behind."""
    exe = await judge.compile(Source(PLANT_THEN_PROBE.format(probe=PROBE.read_text()), "c11"))
    assert exe.ok, exe.message
    r = await judge.run(exe, b"", Limits(time_s=2.0))
    report = r.stdout.decode()
    assert r.status is Verdict.AC, r.detail
    assert "LEAK /tmp planted" in report and "LEAK /dev/shm planted" in report
    assert "cpjplanted" in report and "clean" not in report
    await assert_contained(judge)  # and the runner wiped it all afterwards


async def checker_for(judge: Judge, case: Case) -> Checker:
    spec = case.checker
    if spec is None:
        return Checker.tokens()
    kind = CheckerKind(spec["kind"])
    if kind is CheckerKind.PROGRAM:
        program = await judge.compile(Source((GOLDEN / case.name / spec["source"]).read_text(), spec["lang"]))
        assert program.ok, program.message
        return Checker.from_program(program)
    return Checker(kind, eps=float(spec.get("eps", 1e-6)))


def check_details(case: Case, res: JudgeResult, wall_s: float) -> None:
    expect = case.expect
    failing = next((t for t in res.tests if t.verdict is not Verdict.AC), None)
    if "exit_code" in expect or "signal" in expect:
        assert failing is not None
        assert (failing.run.exit_code, failing.run.signal) == (
            expect.get("exit_code"),
            expect.get("signal"),
        ), failing.run.detail
        assert failing.run.detail, "a runtime error says why"
    if "min_cpu_s" in expect:
        assert failing is not None and failing.run.cpu_s >= expect["min_cpu_s"], failing
    if "max_wall_s" in expect:
        assert wall_s <= expect["max_wall_s"], f"judging took {wall_s:.1f} s"
    if "first_failing_test" in expect:
        k = expect["first_failing_test"]
        assert [t.verdict is Verdict.AC for t in res.tests[: k - 1]] == [True] * (k - 1)
        assert res.tests[k - 1].verdict is res.verdict
        assert res.tests[k - 1].diff, "a wrong answer says where it differs"


@pytest.mark.timeout(240)
@pytest.mark.parametrize("name", CASES)
async def test_golden(judge: Judge, name: str) -> None:
    case = Case.load(name)
    bomb = case.hostile and Verdict.CE in case.verdicts
    t0 = time.monotonic()
    exe = await judge.compile(Source(case.code(), case.lang), BOMB_LIMITS if bomb else CompileLimits())
    compile_s = time.monotonic() - t0
    if "max_compile_s" in case.expect:
        assert compile_s <= case.expect["max_compile_s"], f"compiling took {compile_s:.1f} s"
    if not exe.ok:
        assert Verdict.CE in case.verdicts, f"unexpected compilation error:\n{exe.message[:2000]}"
        assert exe.message.strip(), "a compilation error carries the compiler's message"
        if "message_contains" in case.expect:
            assert case.expect["message_contains"] in exe.message
    else:
        assert case.verdicts != {Verdict.CE}, "this program must not compile"
        checker = await checker_for(judge, case)
        t0 = time.monotonic()
        res = await judge.judge(exe, case.tests, case.limits, checker)
        wall_s = time.monotonic() - t0
        first = next((t for t in res.tests if t.verdict is not Verdict.AC), None)
        why = f"{first.run.detail} {first.check}" if first else ""
        assert res.verdict in case.verdicts, f"{case.description}: got {res.verdict.value} {why}"
        assert len(res.tests) == len(case.tests)
        check_details(case, res, wall_s)
    if case.hostile:
        await assert_contained(judge)
