"""python -m sandbox: option parsing (pure) and real runs through Docker."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from sandbox.api import (
    CheckerKind,
    CheckResult,
    JudgeResult,
    Limits,
    RunResult,
    TestResult,
    Verdict,
)
from sandbox.cli import CliError, load_tests, main, outcome, parse_checker_spec, render, result_json

AB_PY = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_checker_specs(tmp_path: Path) -> None:
    assert parse_checker_spec("tokens").kind is CheckerKind.TOKENS  # type: ignore[union-attr]
    num = parse_checker_spec("numbers:1e-4")
    assert not isinstance(num, Path) and num.kind is CheckerKind.NUMBERS and num.eps == 1e-4
    assert parse_checker_spec("yesno").kind is CheckerKind.YESNO  # type: ignore[union-attr]
    src = tmp_path / "chk.cpp"
    src.write_text("int main(){}")
    assert parse_checker_spec(str(src)) == src
    with pytest.raises(CliError, match="numbers:1e-6"):
        parse_checker_spec("numbers:abc")
    with pytest.raises(CliError, match="neither"):
        parse_checker_spec("nonsense")


def test_tests_folder_pairs_in_with_out_or_ans(tmp_path: Path) -> None:
    (tmp_path / "10.in").write_bytes(b"a")
    (tmp_path / "10.ans").write_bytes(b"A")
    (tmp_path / "2.in").write_bytes(b"b")
    (tmp_path / "2.out").write_bytes(b"B")
    (tmp_path / "x.in").write_bytes(b"c")
    tests = load_tests(tmp_path)
    assert [(t.name, t.answer) for t in tests] == [("2", b"B"), ("10", b"A"), ("x", None)]
    with pytest.raises(CliError, match=r"no NAME\.in"):
        load_tests(tmp_path / "empty") if (tmp_path / "empty").mkdir() is None else None


def test_unknown_extension_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "prog.rs"
    src.write_text("fn main(){}")
    (tmp_path / "1.in").write_text("")
    assert main(["run", str(src), "--input", str(tmp_path / "1.in")]) == 2
    err = capsys.readouterr().err
    assert "pass --lang" in err and len(err.strip().splitlines()) == 1


def _ran(out: bytes = b"3\n") -> RunResult:
    return RunResult(Verdict.AC, 0, None, 0.01, 0.02, 1024, out, b"")


def test_a_test_without_an_answer_is_unchecked_never_accepted() -> None:
    checked = TestResult("1", Verdict.AC, _ran(), CheckResult(Verdict.AC))
    unchecked = TestResult("2", Verdict.AC, _ran(b"[bold]42[/bold]\n"), None)  # the judge: ran clean, no check
    res = JudgeResult(Verdict.AC, (checked, unchecked))
    assert outcome(JudgeResult(Verdict.AC, (checked,))).exit_code == 0
    got = outcome(res)
    assert (got.exit_code, got.key) == (3, "unchecked") and "Accepted" not in got.label
    doc = result_json(res)
    assert doc["verdict"] == "unchecked" and (doc["passed"], doc["unchecked"]) == (1, 1)
    assert [t["verdict"] for t in doc["tests"]] == ["AC", "unchecked"]
    out = io.StringIO()
    render(res, Console(file=out, width=120))
    text = out.getvalue()
    assert "Accepted" not in text and "1/2 tests passed" in text and "Not checked: 1 of 2" in text
    assert "[bold]42[/bold]" in text  # its output is shown, as text
    failed = JudgeResult(Verdict.WA, (TestResult("1", Verdict.WA, _ran(), CheckResult(Verdict.WA)), unchecked))
    assert outcome(failed).exit_code == 1 and outcome(failed).key == "WA"


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--time-limit", "-1"], "give 0.01 to 300 s"),
        (["--time-limit", "0"], "give 0.01 to 300 s"),
        (["--time-limit", "nan"], "give 0.01 to 300 s"),
        (["--time-limit", "inf"], "give 0.01 to 300 s"),
        (["--time-limit", "two"], "not a number"),
        (["--memory-limit", "-5"], "give 1 to 2048 MB"),
        (["--memory-limit", "0"], "give 1 to 2048 MB"),
        (["--memory-limit", "99999999"], "give 1 to 2048 MB"),
    ],
)
def test_limits_out_of_range_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], words: str
) -> None:
    src, inp = tmp_path / "a.py", tmp_path / "1.in"
    src.write_text(AB_PY)
    inp.write_text("1 2\n")
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(src), "--input", str(inp), *flags])
    assert exit_.value.code == 2 and words in capsys.readouterr().err


@pytest.mark.parametrize("spec", ["numbers:-1", "numbers:nan", "numbers:5"])
def test_a_tolerance_out_of_range_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    src, inp = tmp_path / "a.py", tmp_path / "1.in"
    src.write_text(AB_PY)
    inp.write_text("1 2\n")
    assert main(["run", str(src), "--input", str(inp), "--checker", spec]) == 2
    assert "give 0 to 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs",
    [{"time_s": -1}, {"time_s": 0}, {"memory_mb": -5}, {"memory_mb": 99999999}, {"output_mb": 0}, {"wall_factor": 0.5}],
)
def test_limits_refuse_values_the_judge_cannot_enforce(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="out of range: give"):
        Limits(**kwargs)  # type: ignore[arg-type]


@pytest.mark.docker
def test_run_with_a_missing_answer_shows_the_output_unchecked(tmp_path: Path, judge: object) -> None:
    (tmp_path / "1.in").write_text("1 2\n")
    (tmp_path / "1.out").write_text("3\n")
    (tmp_path / "2.in").write_text("20 22\n")  # no 2.out, no 2.ans
    src = tmp_path / "ab.py"
    src.write_text(AB_PY)
    out = io.StringIO()
    assert main(["run", str(src), "--tests", str(tmp_path)], out=out) == 3
    text = out.getvalue()
    assert "unchecked" in text and "42" in text and "Accepted" not in text and "1/2 tests passed" in text
    out = io.StringIO()
    assert main(["run", str(src), "--tests", str(tmp_path), "--json"], out=out) == 3
    assert json.loads(out.getvalue())["verdict"] == "unchecked"


@pytest.mark.docker
def test_run_tests_folder_json_and_table(tmp_path: Path, judge: object) -> None:
    (tmp_path / "1.in").write_text("1 2\n")
    (tmp_path / "1.out").write_text("3\n")
    (tmp_path / "2.in").write_text("2 2\n")
    (tmp_path / "2.ans").write_text("5\n")
    src = tmp_path / "ab.py"
    src.write_text(AB_PY)
    out = io.StringIO()
    assert main(["run", str(src), "--tests", str(tmp_path), "--json"], out=out) == 1
    doc = json.loads(out.getvalue())
    assert doc["verdict"] == "WA" and doc["passed"] == 1
    assert [t["verdict"] for t in doc["tests"]] == ["AC", "WA"]
    assert doc["tests"][1]["cpu_s"] >= 0 and doc["tests"][1]["memory_kb"] > 0
    assert "expected '5', found '4'" in doc["tests"][1]["diff"]
    table = io.StringIO()
    assert main(["run", str(src), "--tests", str(tmp_path), "--checker", "lines"], out=table) == 1
    text = table.getvalue()
    assert "WA" in text and "1/2 tests passed" in text and "First difference" in text


@pytest.mark.docker
def test_run_single_input_and_compile_error(tmp_path: Path, judge: object) -> None:
    (tmp_path / "in.txt").write_text("20 22\n")
    src = tmp_path / "ab.cpp"
    src.write_text('#include <cstdio>\nint main(){int a,b;scanf("%d%d",&a,&b);printf("%d\\n",a+b);}\n')
    out = io.StringIO()
    # one input, nothing to compare: run and shown, "unchecked", never Accepted (exit 3)
    assert main(["run", str(src), "--input", str(tmp_path / "in.txt"), "--time-limit", "1"], out=out) == 3
    assert "42" in out.getvalue() and "unchecked" in out.getvalue() and "Accepted" not in out.getvalue()
    bad = tmp_path / "bad.c"
    bad.write_text("int main(void) { return y; }\n")
    out = io.StringIO()
    assert main(["run", str(bad), "--input", str(tmp_path / "in.txt"), "--json"], out=out) == 1
    doc = json.loads(out.getvalue())
    assert doc["verdict"] == "CE" and "'y' undeclared" in doc["compile_message"]


@pytest.mark.docker
def test_run_with_checker_source_and_with_interactor(tmp_path: Path, judge: object) -> None:
    (tmp_path / "1.in").write_text("4\n")
    (tmp_path / "1.ans").write_text("16\n")
    sol = tmp_path / "sq.py"
    sol.write_text("n = int(input())\nprint(n * n + 1)\n")
    checker = tmp_path / "check.py"  # accepts answers within 1 of the jury's
    checker.write_text(
        "import sys\nout = int(open(sys.argv[2]).read()); ans = int(open(sys.argv[3]).read())\n"
        "sys.exit(0 if abs(out - ans) <= 1 else 1)\n"
    )
    out = io.StringIO()
    assert (
        main(["run", str(sol), "--tests", str(tmp_path), "--checker", str(checker), "--json"], out=out) == 0
    )
    assert json.loads(out.getvalue())["verdict"] == "AC"
    inter = tmp_path / "inter.py"  # sends n, expects n*n back
    inter.write_text(
        "import sys\nn = int(open(sys.argv[1]).read())\nprint(n, flush=True)\n"
        "sys.exit(0 if int(input()) == n * n else 1)\n"
    )
    out = io.StringIO()
    assert (
        main(["run", str(sol), "--tests", str(tmp_path), "--interactor", str(inter), "--json"], out=out) == 1
    )
    assert json.loads(out.getvalue())["tests"][0]["verdict"] == "WA"


@pytest.mark.docker
def test_selftest_reports_every_language(judge: object) -> None:
    out = io.StringIO()
    assert main(["selftest"], out=out) == 0
    lines = out.getvalue().splitlines()
    for key in ("cpp17", "cpp20", "c11", "python3", "pypy3"):
        assert any(line.startswith("ok") and key in line for line in lines), out.getvalue()


@pytest.mark.docker
def test_build_image_is_a_quick_no_op_when_the_image_matches_the_recipe(judge: object) -> None:
    import time

    import docker

    from sandbox.image import IMAGE, image_status

    client = docker.from_env()
    try:
        status = image_status(client, IMAGE)
    finally:
        client.close()
    assert status.exists and status.current and status.found == status.recipe
    out = io.StringIO()
    t0 = time.monotonic()
    assert main(["build-image"], out=out) == 0
    assert "current" in out.getvalue() and time.monotonic() - t0 < 10
