"""Judge performance, measured in one run (not a test): python bench/sandbox_bench.py [--n 400]

Prints: median and p90 per-test cost of a trivial C++ program through the sandbox (one judge.run per
test, and batched through judge.judge), the same binary run bare with subprocess on the host, their
ratio; the per-test cost of a trivial Python program; compile time of a typical C++ solution with and
without the precompiled bits/stdc++.h.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sandbox.api import Checker, JudgeConfig, Limits, Source, Test
from sandbox.judge import open_judge
from sandbox.languages import LANGUAGES

TRIVIAL = (
    '#include <cstdio>\nint main(){ int a, b; if (scanf("%d %d", &a, &b) == 2) printf("%d\\n", a + b); }\n'
)
TYPICAL = """#include <bits/stdc++.h>
using namespace std;
int main() {
    int n; cin >> n; vector<long long> a(n); for (auto& x : a) cin >> x;
    sort(a.begin(), a.end()); map<long long, int> cnt; for (auto x : a) cnt[x]++;
    set<long long> s(a.begin(), a.end()); priority_queue<long long> pq(a.begin(), a.end());
    cout << accumulate(a.begin(), a.end(), 0LL) << ' ' << s.size() << ' ' << cnt.size() << '\\n';
}
"""


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def bare(n: int) -> list[float]:
    """The same trivial program, compiled on the host, run with subprocess (our own trusted binary)."""
    with tempfile.TemporaryDirectory() as d:
        src, exe = Path(d) / "t.cpp", Path(d) / "t"
        src.write_text(TRIVIAL)
        subprocess.run(["g++", "-O2", "-static", "-o", str(exe), str(src)], check=True)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            subprocess.run([str(exe)], input=b"1 2\n", capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
        return times


async def sandboxed(n: int) -> dict[str, float]:
    judge = await open_judge(JudgeConfig(workers=1))
    try:
        exe = await judge.compile(Source(TRIVIAL, "cpp17"))
        assert exe.ok, exe.message
        for _ in range(20):
            await judge.run(exe, b"1 2\n")
        one = []
        for _ in range(n):
            t0 = time.perf_counter()
            r = await judge.run(exe, b"1 2\n", Limits(2.0, 256))
            one.append(time.perf_counter() - t0)
            assert r.stdout == b"3\n"
        tests = [Test(str(i), b"1 2\n", b"3\n") for i in range(n)]
        t0 = time.perf_counter()
        res = await judge.judge(exe, tests, Limits(2.0, 256), Checker.tokens())
        batch = (time.perf_counter() - t0) / n
        assert res.passed == n
        py = await judge.compile(Source("a, b = map(int, input().split())\nprint(a + b)\n", "python3"))
        pyt = []
        for _ in range(max(20, n // 10)):
            t0 = time.perf_counter()
            await judge.run(py, b"1 2\n")
            pyt.append(time.perf_counter() - t0)
        with_pch, without = [], []
        spec = LANGUAGES["cpp17"]
        plain = [a for a in spec.compile if not a.startswith("/opt/judge/pch")]
        plain.remove("-I")
        for _ in range(3):
            c = await judge.compile(Source(TYPICAL, "cpp17"))
            with_pch.append(c.compile_s)
            reply, _, _ = await judge._call(
                {
                    "op": "compile",
                    "handle": "benchnopch",
                    "src": spec.src,
                    "argv": plain,
                    "artifacts": list(spec.artifacts),
                    "limits": {"cpu_s": 30, "wall_s": 45, "memory_mb": 1536, "output_mb": 256},
                },
                [TYPICAL.encode()],
                90,
            )
            without.append(float(reply["time"]))
        return {
            "one_med": statistics.median(one),
            "one_p90": pct(one, 0.9),
            "batch": batch,
            "py_med": statistics.median(pyt),
            "py_p90": pct(pyt, 0.9),
            "pch": statistics.median(with_pch),
            "nopch": statistics.median(without),
        }
    finally:
        await judge.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    n = ap.parse_args().n
    b = bare(n)
    s = asyncio.run(sandboxed(n))
    bmed, bp90 = statistics.median(b), pct(b, 0.9)
    ms = 1000
    print(
        f"trivial C++, sandbox, one judge.run per test : median {s['one_med'] * ms:.2f} ms, "
        f"p90 {s['one_p90'] * ms:.2f} ms"
    )
    print(f"trivial C++, sandbox, batched judge.judge    : {s['batch'] * ms:.2f} ms per test (1 worker)")
    print(f"trivial C++, bare subprocess on the host     : median {bmed * ms:.2f} ms, p90 {bp90 * ms:.2f} ms")
    print(
        f"ratio sandbox/bare (median, one run per test): {s['one_med'] / bmed:.2f}x; "
        f"batched: {s['batch'] / bmed:.2f}x"
    )
    print(
        f"trivial Python 3, sandbox, one run per test  : median {s['py_med'] * ms:.1f} ms, "
        f"p90 {s['py_p90'] * ms:.1f} ms"
    )
    print(
        f"compile typical C++ (bits/stdc++.h)          : {s['pch']:.2f} s with the precompiled header, "
        f"{s['nopch']:.2f} s without ({s['nopch'] / s['pch']:.1f}x faster)"
    )


if __name__ == "__main__":
    main()
