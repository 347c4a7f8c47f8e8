"""The judge compiles an unchanged program once: same source, language, flags and limits reuse the outcome."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from sandbox.api import Limits, Source, Verdict
from sandbox.judge import CompileLimits, Judge

pytestmark = pytest.mark.docker


def _fresh(body: str) -> str:
    """A source no other test compiled (the session judge's cache is shared by every test)."""
    return f"// {secrets.token_hex(8)}\n{body}"


ADD = '#include <bits/stdc++.h>\nint main(){ long long a, b; std::cin >> a >> b; std::cout << a + b << "\\n"; }\n'


async def test_the_same_source_is_compiled_once_and_runs_the_same(judge: Judge) -> None:
    code = _fresh(ADD)
    first = await judge.compile(Source(code, "cpp17"))
    again = await judge.compile(Source(code, "cpp17"))
    assert first.ok and not first.cached and first.compile_s > 0
    assert 0 < first.compile_cpu_s < 60  # the compiler's own CPU (the kernel's rusage), for benchmarks
    assert again.ok and again.cached and again.compile_s == 0.0 and again.compile_cpu_s == 0.0
    assert again.handle != first.handle  # each call has its own handle
    for exe in (first, again):
        assert (await judge.run(exe, b"2 3\n", Limits(2.0, 256))).stdout == b"5\n"
    # Other flags (another standard), or another source: compiled anew.
    assert not (await judge.compile(Source(code, "cpp20"))).cached
    assert not (await judge.compile(Source(code + "\n", "cpp17"))).cached


async def test_concurrent_compiles_of_one_source_share_one_compilation(judge: Judge) -> None:
    code = _fresh(ADD)
    outs = await asyncio.gather(*(judge.compile(Source(code, "cpp17")) for _ in range(4)))
    assert all(c.ok for c in outs)
    assert sum(not c.cached for c in outs) == 1


async def test_releasing_one_handle_keeps_the_others_running(judge: Judge) -> None:
    code = _fresh(ADD)
    a = await judge.compile(Source(code, "cpp17"))
    b = await judge.compile(Source(code, "cpp17"))
    judge.release(a)
    with pytest.raises(ValueError, match="unknown program"):
        await judge.run(a, b"1 1\n")
    assert (await judge.run(b, b"1 1\n")).stdout == b"2\n"


async def test_a_compilation_error_is_remembered_with_its_message(judge: Judge) -> None:
    code = _fresh("int main() { return x; }\n")
    first = await judge.compile(Source(code, "cpp17"))
    again = await judge.compile(Source(code, "cpp17"))
    assert not first.ok and not first.cached
    assert not again.ok and again.cached and again.message == first.message


async def test_a_compile_stopped_by_its_limits_is_tried_again(judge: Judge) -> None:
    # Over the limits may be a busy machine's doing, not the source's: never remembered.
    code = _fresh(ADD)
    tight = CompileLimits(cpu_s=0.01, wall_s=0.02)
    first = await judge.compile(Source(code, "cpp17"), tight)
    assert not first.ok and "compile time limit" in first.message
    again = await judge.compile(Source(code, "cpp17"), tight)
    assert not again.cached
    ok = await judge.compile(Source(code, "cpp17"))  # the same source under the usual limits
    assert ok.ok and not ok.cached
    r = await judge.run(ok, b"1 2\n", Limits(2.0, 256))
    assert r.status is Verdict.AC
