"""Cheap compile fixes on real g++ messages: each broken program is compiled in the real sandbox first."""

from __future__ import annotations

import pytest

from sandbox.api import Source
from solver.solve import compile_fix, evidence
from solver.solve.budget import Stop
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

HEAD = "#include <bits/stdc++.h>\nusing namespace std;\n"
SUM_BODY = "int t; cin >> t; while (t--) { ll a, b; cin >> a >> b; cout << a + b << endl; }"

# (name, broken source, what the fix must be)
FIXABLE = [
    (
        "missing header (vector)",
        "#include <iostream>\nusing namespace std;\nint main() {\n  vector<int> v(3);\n"
        "  cout << v.size() << endl;\n}\n",
        ("header",),
    ),
    (
        "missing header (ios, cin)",
        "int main() {\n  ios::sync_with_stdio(false);\n  int n;\n  std::cin >> n;\n  std::cout << n << '\\n';\n}\n",
        ("header", "std"),
    ),
    (
        "missing header (std::sort, printf, INT_MAX)",
        "#include <iostream>\nint main() { std::vector<int> a{3, 1}; std::sort(a.begin(), a.end());\n"
        '  printf("%d %d\\n", a[0], INT_MAX > 0); }\n',
        ("header",),
    ),
    (
        "std namespace",
        "#include <bits/stdc++.h>\nint main() {\n  int n; cin >> n; vector<int> a(n);\n"
        "  for (auto& x : a) cin >> x;\n  sort(a.begin(), a.end());\n  string s = \"ok\";\n  cout << s << endl;\n}\n",
        ("std",),
    ),
    (
        "aliases (ll, pii, vi, ld) with follow-on errors",
        "#include <bits/stdc++.h>\nusing namespace std;\nll total[10];\nvoid add(vi& g, int u) { g.push_back(u); }\n"
        "int main() {\n  ll n;\n  cin >> n;\n  pii p = {1, 2};\n  vi w;\n  add(w, p.first);\n  ld x = 1.5;\n"
        "  cout << n + total[0] + w.size() + (x > 1) << endl;\n}\n",
        ("alias",),
    ),
    (
        "header, std and an alias at once",
        f"#include <iostream>\nint main() {{ {SUM_BODY} vector<int> v; }}\n",
        ("header", "std", "alias"),
    ),
]

NOT_FIXABLE = [
    # a real syntax error: the model's business
    ("missing semicolon", f"{HEAD}int main() {{ int n; cin >> n while (n--) {{}} }}\n"),
    # an unknown name that is no standard name or alias
    ("unknown function", f"{HEAD}int main() {{ cout << solve(3) << endl; }}\n"),
]
# g++ does not report the missing ';' while n is undeclared: the fix is tried, and fails on the next compile
ALIAS_AND_REAL_ERROR = f"{HEAD}int main() {{\n  ll n = 1;\n  cout << n << endl\n  return 0;\n}}\n"


@pytest.mark.parametrize(("what", "code", "kinds"), FIXABLE, ids=[f[0] for f in FIXABLE])
async def test_each_fix_class_on_a_real_compile(judge: object, what: str, code: str, kinds: tuple[str, ...]) -> None:
    broken = await judge.compile(Source(code, "cpp17"))  # type: ignore[attr-defined]
    assert not broken.ok, what
    fix = compile_fix.try_fix(broken.message, code)
    assert fix is not None, broken.message
    assert fix.kinds == kinds
    fixed = await judge.compile(Source(fix.source, "cpp17"))  # type: ignore[attr-defined]
    assert fixed.ok, fixed.message
    # only lines were added: the program's own lines are all still there, in order
    assert [line for line in fix.source.splitlines() if line not in fix.added] == code.splitlines()


@pytest.mark.parametrize(("what", "code"), NOT_FIXABLE, ids=[f[0] for f in NOT_FIXABLE])
async def test_other_errors_are_left_to_the_model_with_the_first_error(judge: object, what: str, code: str) -> None:
    broken = await judge.compile(Source(code, "cpp17"))  # type: ignore[attr-defined]
    assert not broken.ok
    assert compile_fix.try_fix(broken.message, code) is None, what
    first = compile_fix.first_error(broken.message)
    assert first.splitlines()[0] in broken.message and " error: " in first
    # the first error, not a later one or a middle part
    assert first.count(" error: ") == 1
    assert broken.message.index(first.split(" error: ")[1].splitlines()[0]) == min(
        broken.message.index(x.split(" error: ", 1)[1]) for x in compile_fix.error_lines(broken.message)
    )
    assert first in evidence.compile_error(broken.message)


async def test_the_fix_never_changes_a_program_that_compiles(judge: object) -> None:
    warns = "#include <bits/stdc++.h>\nint main() { int x = 0; unsigned u = 1; if (x < u) return 1; return 0; }\n"
    for code in (P.SUM_GOOD, P.SUM_BRUTE, P.SUM_VALIDATOR, P.DERANGE_CHECKER, warns):
        ok = await judge.compile(Source(code, "cpp17"))  # type: ignore[attr-defined]
        assert ok.ok
        assert compile_fix.try_fix(ok.message, code) is None
    assert compile_fix.try_fix("", "int main() {}\n") is None
    assert compile_fix.try_fix("x.py:1:1: error: 'll' was not declared in this scope", "ll", "python3") is None


async def test_the_loop_fixes_a_missing_header_without_a_model_reply(solve: Solve) -> None:
    draft = f"```cpp\n#include <iostream>\nusing namespace std;\nint main() {{ {SUM_BODY} }}\n```\n"
    kit = dict(
        brute=P.cpp(P.SUM_BRUTE),
        generator=P.cpp(P.SUM_GEN),
        validator=P.cpp(P.SUM_VALIDATOR),
        maxgen=P.cpp(P.SUM_MAXGEN),
    )
    model = ScriptedModel(solution=draft, **kit)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and s.result.attempts == 1
    assert model.stages().count("draft") == 1 and "repair" not in model.stages()
    (fixed,) = [e for e in s.run.events() if e.type == "compile_fixed"]
    assert fixed.data["fixes"] == ["alias"] and fixed.data["names"] == ["ll"]
    assert "using ll = long long;" in (s.run.path / "9001A/c0-v1.cpp").read_text()


async def test_a_real_compile_error_reaches_the_model_with_its_first_error(solve: Solve) -> None:
    broken = "#include <bits/stdc++.h>\nusing namespace std;\nint main() { int t; cin >> t while (t--) {} foo(); }\n"
    kit = dict(brute=P.cpp(P.SUM_BRUTE), generator=P.cpp(P.SUM_GEN), validator=P.cpp(P.SUM_VALIDATOR))
    model = ScriptedModel(solution=[P.cpp(broken), P.cpp(P.SUM_GOOD)], **kit)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED
    (repair,) = model.prompts("repair")
    assert "expected ';' before 'while'" in repair
    assert "compile_fixed" not in s.events and "compile_fix_failed" not in s.events


async def test_a_fix_that_does_not_compile_leaves_the_original_to_the_model(solve: Solve) -> None:
    kit = dict(brute=P.cpp(P.SUM_BRUTE), generator=P.cpp(P.SUM_GEN), validator=P.cpp(P.SUM_VALIDATOR))
    model = ScriptedModel(solution=[P.cpp(ALIAS_AND_REAL_ERROR), P.cpp(P.SUM_GOOD)], **kit)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED
    (failed,) = [e for e in s.run.events() if e.type == "compile_fix_failed"]
    assert failed.data["names"] == ["ll"]
    (repair,) = model.prompts("repair")
    assert "'ll' was not declared in this scope" in repair  # the original's first error
    assert "using ll" not in repair  # the program as the model wrote it
