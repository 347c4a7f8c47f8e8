"""Every prompt renders for real Codeforces statements (the parsed fixture pages, and the shared real pages
where present): no undefined variable, the examples and the limits in the text, the special kinds stated."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.problem import Problem
from solver.solve.languages import CPP17
from solver.solve.prompts import STAGES, render
from solver.sources.companion import load_path
from tests.conftest import FIXTURES


def _problems(folder: Path) -> list[Problem]:
    out: list[Problem] = []
    for page in sorted(folder.glob("*.html")):
        out.extend(load_path(page))  # as `import` reads a saved page (its file name may name the contest)
    return out


def _check(problem: Problem) -> None:
    for stage in STAGES:
        text = render(
            stage,
            problem=problem,
            lang=CPP17,
            feedback="",
            multitest=False,
            code="int main(){}",
            evidence="Wrong answer.",
            rejected=[],
        )
        assert f"# Problem {problem.id}: {problem.name}" in text
        assert f"{problem.memory_limit_mb} megabytes" in text
        for s in problem.samples:
            assert s.input.strip().splitlines()[0] in text
        if problem.interactive:
            assert "INTERACTIVE" in text
        if problem.several_answers:
            assert "any correct answer is accepted" in text


def test_prompts_render_for_the_fixture_pages() -> None:
    problems = _problems(FIXTURES / "codeforces" / "html")
    assert len(problems) >= 6
    assert any(p.interactive for p in problems) and any(p.several_answers for p in problems)
    for p in problems:
        _check(p)


def test_prompts_render_for_the_shared_real_pages(shared_data: Path) -> None:
    folder = shared_data / "codeforces" / "html"
    if not folder.is_dir():
        pytest.skip(f"no {folder}")
    problems = _problems(folder)
    assert problems
    for p in problems:
        _check(p)
