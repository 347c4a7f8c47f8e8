"""bench/solve_bench.py says, with numbers, whether the per-problem target is reachable on the cores used."""

from __future__ import annotations

from bench.solve_bench import TARGET_S, bound_lines


def test_the_bound_is_the_judge_cpu_spread_over_the_cores() -> None:
    lines = bound_lines(judge_cpu=2.4, compile_cpu=1.8, cores=2)
    assert "2.40 / 2 = 1.20 s" in lines[1] and "compiles alone: 0.90 s" in lines[1]
    assert "0.36 s each" in lines[0]
    assert f"{TARGET_S} s cannot be reached on 2 core(s)" in lines[2]
    assert "within reach" in bound_lines(judge_cpu=1.0, compile_cpu=0.5, cores=2)[2]
