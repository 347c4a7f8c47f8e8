"""Real runs through the Docker judge: every language, every verdict."""

from __future__ import annotations

import pytest

from sandbox.api import Checker, Limits, Source, Test, Verdict
from sandbox.judge import Judge
from sandbox.languages import LANGUAGES

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
async def test_selftest_of_every_language(judge: Judge, lang: str) -> None:
    spec = LANGUAGES[lang]
    exe = await judge.compile(Source(spec.selftest, lang))
    assert exe.ok, exe.message
    r = await judge.run(exe, b"Hello, World!\n", Limits(5.0, 256))
    assert r.status is Verdict.AC, r.detail
    assert r.stdout.decode() == spec.selftest_output


CPP_AB = (
    "#include <cstdio>\n"
    'int main(){long long a,b; if(scanf("%lld %lld",&a,&b)!=2) return 3; printf("%lld\\n",a+b);}\n'
)


async def _compile(judge: Judge, code: str, lang: str = "cpp17"):  # type: ignore[no-untyped-def]
    exe = await judge.compile(Source(code, lang))
    assert exe.ok, exe.message
    return exe


async def test_accepted_and_wrong_answer_with_first_difference(judge: Judge) -> None:
    exe = await _compile(judge, CPP_AB)
    tests = [Test("1", b"1 2\n", b"3\n"), Test("2", b"2 2\n", b"5\n"), Test("3", b"-1 1\n", b"0")]
    res = await judge.judge(exe, tests, Limits(2.0, 256), Checker.tokens())
    assert [t.verdict for t in res.tests] == [Verdict.AC, Verdict.WA, Verdict.AC]
    assert res.verdict is Verdict.WA
    assert res.passed == 2
    assert "expected" in res.tests[1].diff and "4" in res.tests[1].diff
    assert res.tests[0].run.cpu_s < 0.5 and res.tests[0].run.memory_kb > 0


async def test_stop_on_failure_stops_at_the_first_failing_test(judge: Judge) -> None:
    exe = await _compile(judge, CPP_AB)
    tests = [Test("1", b"1 2\n", b"4\n"), Test("2", b"2 2\n", b"4\n")]
    res = await judge.judge(exe, tests, Limits(2.0, 256), Checker.tokens(), stop_on_failure=True)
    assert [t.verdict for t in res.tests] == [Verdict.WA]


async def test_compilation_error_carries_the_compiler_message(judge: Judge) -> None:
    exe = await judge.compile(Source("int main() { return x; }\n", "cpp17"))
    assert not exe.ok and "'x' was not declared" in exe.message
    res = await judge.judge(exe, [Test("1", b"", b"")], Limits(), Checker.tokens())
    assert res.verdict is Verdict.CE and "was not declared" in res.compile_message
    bad_py = await judge.compile(Source("def f(:\n  pass\n", "python3"))
    assert not bad_py.ok and "SyntaxError" in bad_py.message


@pytest.mark.parametrize(
    ("lang", "code", "verdict", "detail"),
    [
        ("cpp17", "int main(){ volatile unsigned long x=0; for(;;) x++; }", Verdict.TLE, "CPU"),
        ("cpp17", "#include <unistd.h>\nint main(){ sleep(100); }", Verdict.TLE, "wall-clock"),
        (
            "cpp17",
            "#include <bits/stdc++.h>\nint main(){ std::vector<char> v(600<<20, 1); "
            'printf("%d", v[12345]); }',
            Verdict.MLE,
            "",
        ),
        (
            "cpp17",
            "#include <bits/stdc++.h>\nint main(){ std::vector<int*> v; for(;;) "
            "{ int* p = new int[1<<20]; memset(p, 1, 4<<20); v.push_back(p);} }",
            Verdict.MLE,
            "",
        ),
        (
            "cpp17",
            '#include <cstdio>\nint main(){ for(;;) fputs("spam spam spam spam\\n", stdout); }',
            Verdict.OLE,
            "output",
        ),
        ("cpp17", "int main(){ int* p = nullptr; return *p; }", Verdict.RE, "SIGSEGV"),
        ("cpp17", "int main(){ return 3; }", Verdict.RE, "exit code 3"),
        ("cpp17", "#include <cstdlib>\nint main(){ abort(); }", Verdict.RE, "SIGABRT"),
        ("c11", "int main(void){ volatile int *volatile p = 0; *p = 1; return 0; }", Verdict.RE, "SIGSEGV"),
        ("python3", "import sys\nsys.exit(4)\n", Verdict.RE, "exit code 4"),
        ("python3", "while True: pass\n", Verdict.TLE, "CPU"),
        ("python3", "x = [0] * (400 * 1024 * 1024)\n", Verdict.MLE, ""),
        ("pypy3", "raise ValueError('boom')\n", Verdict.RE, "exit code 1"),
        ("pypy3", "x = [1] * (100 * 1024 * 1024)\nprint(len(x))\n", Verdict.MLE, ""),
    ],
)
async def test_execution_verdicts(judge: Judge, lang: str, code: str, verdict: Verdict, detail: str) -> None:
    exe = await _compile(judge, code, lang)
    r = await judge.run(exe, b"", Limits(time_s=1.0, memory_mb=256, output_mb=16, wall_factor=2.0))
    assert r.status is verdict, (r.detail, r.stderr[-300:])
    assert detail in r.detail


async def test_deep_recursion_of_a_million_frames_works(judge: Judge) -> None:
    code = (
        "#include <cstdio>\n"
        "int f(int n){ volatile int pad[8]; pad[0]=n; return n ? f(n-1) + pad[0] % 2 : 0; }\n"
        'int main(){ printf("%d\\n", f(1000000)); }\n'
    )
    exe = await _compile(judge, code)
    r = await judge.run(exe, b"", Limits(2.0, 256))
    assert r.status is Verdict.AC, r.detail
    assert r.stdout == b"500000\n"


_THREADS = """#include <bits/stdc++.h>
int main() {
    std::vector<std::thread> pool; std::vector<long long> part(8);
    for (int t = 0; t < 8; t++) pool.emplace_back([&, t] { for (int i = t; i < 8000000; i += 8) part[t] += i % 7; });
    for (auto& th : pool) th.join();
    printf("%lld\\n", std::accumulate(part.begin(), part.end(), 0LL));
}
"""
_BUSY_THREADS = """#include <bits/stdc++.h>
int main() {
    std::atomic<long> x{0}; std::vector<std::thread> pool;
    for (int t = 0; t < 8; t++) pool.emplace_back([&] { for (;;) x++; });
    for (auto& th : pool) th.join();
}
"""
_ALLOC = (
    "#include <bits/stdc++.h>\n"
    'int main(){ int mb; std::cin >> mb; std::vector<char> v((size_t)mb << 20, 1); printf("%d", v[mb]); }'
)


async def test_threads_start_and_their_cpu_time_counts(judge: Judge) -> None:
    """glibc reserves each thread's stack from the stack limit: a limit as large as memory left no room."""
    exe = await _compile(judge, _THREADS)
    r = await judge.run(exe, b"", Limits(2.0, 256))
    assert r.status is Verdict.AC, (r.detail, r.stderr[-300:])
    assert r.stdout == str(sum(i % 7 for i in range(8000000))).encode() + b"\n"
    busy = await _compile(judge, _BUSY_THREADS)
    r = await judge.run(busy, b"", Limits(time_s=0.5, memory_mb=256, wall_factor=2.0))
    assert r.status is Verdict.TLE, (r.detail, r.stderr[-300:])  # CPU time summed over the threads


async def test_memory_limit_is_exact(judge: Judge) -> None:
    exe = await _compile(judge, _ALLOC)
    under, over = await judge.run(exe, b"240", Limits(2.0, 256)), await judge.run(exe, b"264", Limits(2.0, 256))
    assert under.status is Verdict.AC, under.detail
    assert over.status is Verdict.MLE, over.detail


async def test_peak_memory_is_the_programs_own(judge: Judge) -> None:
    small = await _compile(judge, "int main(){}")
    big = await _compile(
        judge, '#include <bits/stdc++.h>\nint main(){ std::vector<char> v(100<<20, 7); printf("%d", v[99]); }'
    )
    rs, rb = await judge.run(small, b""), await judge.run(big, b"")
    assert rs.memory_kb < 4 * 1024, rs.memory_kb
    assert 100 * 1024 <= rb.memory_kb < 110 * 1024, rb.memory_kb


async def test_numbers_and_yesno_checkers(judge: Judge) -> None:
    exe = await _compile(judge, "print('0.3333334')\nprint('yes')\n", "python3")
    res = await judge.judge(
        exe, [Test("1", b"", b"0.333333333 1\n")], Limits(2.0, 256), Checker.numbers(1e-6)
    )
    assert res.verdict in (Verdict.WA, Verdict.PE)  # 'yes' is not a number
    res = await judge.judge(exe, [Test("1", b"", b"0.3333333 yes\n")], Limits(2.0, 256), Checker.yesno())
    assert res.verdict is Verdict.WA  # 0.3333334 != 0.3333333 as tokens
    exe2 = await _compile(judge, "print('0.3333334')\n", "python3")
    res = await judge.judge(exe2, [Test("1", b"", b"0.3333333\n")], Limits(2.0, 256), Checker.numbers(1e-6))
    assert res.verdict is Verdict.AC


CHECKER = r"""#include <bits/stdc++.h>
int main(int argc, char** argv) {
    if (argc < 4) return 3;
    std::ifstream in(argv[1]), out(argv[2]), ans(argv[3]);
    long long a, b, got, want;
    if (!(in >> a >> b) || !(ans >> want)) return 3;
    if (!(out >> got)) { fprintf(stderr, "no number"); return 2; }
    if (got != want) { fprintf(stderr, "wrong answer expected %lld, found %lld", want, got); return 1; }
    fprintf(stderr, "ok %lld", got); return 0;
}
"""


async def test_checker_program_testlib_convention(judge: Judge) -> None:
    checker = await _compile(judge, CHECKER)
    exe = await _compile(judge, CPP_AB)
    tests = [Test("1", b"1 2\n", b"3\n"), Test("2", b"5 5\n", b"11\n")]
    res = await judge.judge(exe, tests, Limits(2.0, 256), Checker.from_program(checker))
    assert [t.verdict for t in res.tests] == [Verdict.AC, Verdict.WA]
    assert res.tests[1].check is not None and "expected 11, found 10" in res.tests[1].check.message
    silent = await _compile(judge, "int main(){}")
    res = await judge.judge(silent, tests[:1], Limits(2.0, 256), Checker.from_program(checker))
    assert res.verdict is Verdict.PE
    broken = await _compile(judge, "int main(){ return 3; }")
    res = await judge.judge(exe, tests[:1], Limits(2.0, 256), Checker.from_program(broken))
    assert res.verdict is Verdict.JE


async def test_many_tests_are_spread_and_kept_in_order(judge: Judge) -> None:
    exe = await _compile(judge, CPP_AB)
    tests = [Test(str(i), f"{i} {i}\n".encode(), f"{2 * i}\n".encode()) for i in range(60)]
    res = await judge.judge(exe, tests, Limits(2.0, 256), Checker.tokens())
    assert res.verdict is Verdict.AC and len(res.tests) == 60
    assert [t.test for t in res.tests] == [str(i) for i in range(60)]


async def test_workers_hold_a_bounded_number_of_programs(judge: Judge) -> None:
    from sandbox import judge as judge_module

    progs = [await _compile(judge, f"print({i})\n", "python3") for i in range(judge_module.MAX_INSTALLED + 6)]
    for slot in judge._slots:
        assert len(slot.installed) <= judge_module.MAX_INSTALLED
    # The oldest was evicted from its worker yet still runs (reinstalled from the host's copy).
    assert (await judge.run(progs[0], b"")).stdout == b"0\n"
    judge.release(progs[0])
    with pytest.raises(ValueError, match="unknown program"):
        await judge.run(progs[0], b"")


async def test_many_concurrent_callers_share_the_workers(judge: Judge) -> None:
    import asyncio

    exe = await _compile(judge, CPP_AB)
    results = await asyncio.gather(*(judge.run(exe, f"{i} 1\n".encode()) for i in range(40)))
    assert [r.stdout for r in results] == [f"{i + 1}\n".encode() for i in range(40)]


async def test_a_busy_loop_is_stopped_soon_after_its_cpu_limit(judge: Judge) -> None:
    # RLIMIT_CPU counts whole seconds; the spawn helper checks CPU time every 20 ms instead.
    exe = await _compile(judge, "int main(){ volatile unsigned long x = 0; for(;;) x++; }")
    r = await judge.run(exe, b"", Limits(time_s=0.3, memory_mb=256))
    assert r.status is Verdict.TLE
    assert 0.3 < r.cpu_s < 0.8, r.cpu_s  # not the 1-2 s the rlimit alone would allow
