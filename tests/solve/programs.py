"""The programs the scripted model "writes" in the solve-loop tests, and the problems they are for.

Problem "sum": t test cases of a b (|a|, |b| <= 10^9), print a+b each. Problem "derange": print any
permutation of 1..n with p_i != i (several answers: needs a checker). Problem "guess": interactive, guess
x in 1..10 with at most 4 queries "? y" answered "<" (x < y) or ">=".
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from solver.problem import Problem, ProblemId, Sample

SUM = Problem(
    id=ProblemId(9001, "A"),
    name="Sum Over Test Cases",
    time_limit_s=1.0,
    memory_limit_mb=256,
    statement="You are given two integers a and b. Print a+b.",
    input_spec=(
        "The first line contains the number of test cases t (1 <= t <= 10^4). "
        "Each of the next t lines contains two integers a and b (-10^9 <= a, b <= 10^9)."
    ),
    output_spec="For each test case, print a+b on its own line.",
    samples=(Sample("2\n1 2\n3 4\n", "3\n7\n"),),
)

DERANGE = Problem(
    id=ProblemId(9001, "B"),
    name="Nobody In Place",
    time_limit_s=1.0,
    memory_limit_mb=256,
    statement="Print a permutation p of 1..n such that p_i != i for every i.",
    input_spec="One integer n (2 <= n <= 10^5).",
    output_spec="Print n integers: the permutation. If there are several answers, print any of them.",
    samples=(Sample("3\n", "2 3 1\n"),),
    several_answers=True,
)

GUESS = Problem(
    id=ProblemId(9001, "C"),
    name="Guess Small",
    time_limit_s=1.0,
    memory_limit_mb=256,
    statement="The jury has a hidden integer x (1 <= x <= 10). Find it with at most 4 queries.",
    input_spec="",
    output_spec="",
    interaction=(
        'Print "? y" (1 <= y <= 10) to ask; the jury answers "<" if x < y and ">=" otherwise. '
        'Print "! x" to answer. Flush after every line.'
    ),
    samples=(Sample("<\n>=\n<\n", "? 5\n? 3\n? 4\n! 3\n"),),
    interactive=True,
)


def cpp(code: str) -> str:
    return f"Here is my solution.\n\n```cpp\n{code.strip()}\n```\n"


SUM_GOOD = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; } }
"""
SUM_WRONG = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long a, b; std::cin >> a >> b; std::cout << a - b << '\\n'; } }
"""
# Passes the example (non-negative), fails on negative numbers.
SUM_ABS = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long a, b; std::cin >> a >> b;
  std::cout << std::llabs(a) + std::llabs(b) << '\\n'; } }
"""
# Handles negatives but only the first test case: breaks the example the ABS version passes.
SUM_FIRST_ONLY = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }
"""
SUM_CE = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t while (t--) { long long a, b; std::cin >> a >> b; std::cout << a + b; } }
"""
# Linear in |b|: right on small inputs, far too slow on the max-size ones.
SUM_SLOW = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long a, b; std::cin >> a >> b;
  volatile long long s = a; long long step = b < 0 ? -1 : 1; for (long long i = 0; i != b; i += step) s += step;
  std::cout << s << '\\n'; } }
"""
# Right on small inputs; wrong once there are more than 100 test cases (only max-size inputs have that).
SUM_BAD_ON_BIG = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; bool big = t > 100; while (t--) { long long a, b; std::cin >> a >> b;
  std::cout << a + b + (big ? 1 : 0) << '\\n'; } }
"""
SUM_BRUTE = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; for (int i = 0; i < t; i++) { long long a, b; std::cin >> a >> b;
  long long s = 0; s += a; s += b; std::cout << s << "\\n"; } }
"""
SUM_BRUTE_GARBAGE = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long a, b; std::cin >> a >> b; std::cout << a * b << '\\n'; } }
"""
# t cases (1..5, whatever the size) with values in [-size, size]: small, and multi-test to shrink.
SUM_GEN = """
#include <bits/stdc++.h>
int main() { unsigned seed; int size; std::cin >> seed >> size; std::mt19937 rng(seed);
  int t = 1 + rng() % 5; std::cout << t << '\\n';
  for (int i = 0; i < t; i++) { int a = (int)(rng() % (2 * size + 1)) - size, b = (int)(rng() % (2 * size + 1)) - size;
    std::cout << a << ' ' << b << '\\n'; } }
"""
SUM_VALIDATOR = """
#include <bits/stdc++.h>
int main() { long long t; if (!(std::cin >> t) || t < 1 || t > 10000) { std::cerr << "bad t\\n"; return 1; }
  for (long long i = 0; i < t; i++) { long long a, b;
    if (!(std::cin >> a >> b)) { std::cerr << "missing numbers\\n"; return 1; }
    if (std::llabs(a) > 1000000000 || std::llabs(b) > 1000000000) { std::cerr << "out of range\\n"; return 1; } }
  std::string extra; if (std::cin >> extra) { std::cerr << "extra input\\n"; return 1; } return 0; }
"""
SUM_MAXGEN = """
#include <bits/stdc++.h>
int main() { unsigned seed; std::cin >> seed; std::mt19937 rng(seed); int t = 10000; std::string out;
  out += std::to_string(t) + "\\n";
  for (int i = 0; i < t; i++) { long long a = (long long)(rng() % 2000000001) - 1000000000;
    long long b = seed % 2 ? 1000000000 : -1000000000; out += std::to_string(a) + " " + std::to_string(b) + "\\n"; }
  fwrite(out.data(), 1, out.size(), stdout); }
"""

DERANGE_SHIFT = """
#include <bits/stdc++.h>
int main() { int n; std::cin >> n; for (int i = 1; i <= n; i++) std::cout << (i == 1 ? n : i - 1) << ' ';
  std::cout << '\\n'; }
"""
DERANGE_BRUTE = """
#include <bits/stdc++.h>
int main() { int n; std::cin >> n; std::vector<int> p(n); std::iota(p.begin(), p.end(), 1);
  do { bool ok = true; for (int i = 0; i < n; i++) if (p[i] == i + 1) ok = false;
    if (ok) { for (int x : p) std::cout << x << ' '; std::cout << '\\n'; return 0; } }
  while (std::next_permutation(p.begin(), p.end())); return 0; }
"""
DERANGE_CHECKER = """
#include <bits/stdc++.h>
int main(int argc, char** argv) { std::ifstream in(argv[1]), out(argv[2]); int n; in >> n;
  std::vector<int> seen(n + 1, 0);
  for (int i = 1; i <= n; i++) { long long x; if (!(out >> x)) { std::cout << "too few numbers\\n"; return 1; }
    if (x < 1 || x > n || seen[x]) { std::cout << "not a permutation\\n"; return 1; }
    if (x == i) { std::cout << "fixed point\\n"; return 1; } seen[x] = 1; }
  std::string extra; if (out >> extra) { std::cout << "extra output\\n"; return 1; } return 0; }
"""
DERANGE_GEN = """
#include <bits/stdc++.h>
int main() { unsigned seed; int size; std::cin >> seed >> size; std::mt19937 rng(seed);
  std::cout << 2 + rng() % size << '\\n'; }
"""
DERANGE_VALIDATOR = """
#include <bits/stdc++.h>
int main() { long long n; if (!(std::cin >> n) || n < 2 || n > 100000) return 1; std::string e;
  return (std::cin >> e) ? 1 : 0; }
"""
DERANGE_MAXGEN = """
#include <bits/stdc++.h>
int main() { std::cout << 100000 << '\\n'; }
"""

GUESS_SOLUTION = """
#include <bits/stdc++.h>
int main() { int lo = 1, hi = 10; while (lo < hi) { int mid = (lo + hi + 1) / 2;
    std::cout << "? " << mid << std::endl; std::string r; std::cin >> r; if (r == ">=") lo = mid; else hi = mid - 1; }
  std::cout << "! " << lo << std::endl; }
"""
GUESS_INTERACTOR = """
#include <bits/stdc++.h>
int main(int argc, char** argv) { std::ifstream in(argv[1]); int x; in >> x; int q = 0; std::string op;
  while (std::cin >> op) { long long y; if (!(std::cin >> y)) { std::cerr << "no number\\n"; return 1; }
    if (op == "?") { if (++q > 4) { std::cerr << "too many queries\\n"; return 1; }
      std::cout << (x < y ? "<" : ">=") << std::endl; }
    else if (op == "!") { if (y == x) return 0; std::cerr << "wrong answer\\n"; return 1; }
    else { std::cerr << "bad operation\\n"; return 1; } }
  std::cerr << "no answer\\n"; return 1; }
"""
# Answers ">" instead of ">=": does not replay the example exchange.
GUESS_INTERACTOR_WRONG = GUESS_INTERACTOR.replace('">="', '">"')


def interactor_reply(program: str, data: str = "3") -> str:
    return f"The hidden data:\n```text\n{data}\n```\nThe interactor:\n```cpp\n{program.strip()}\n```\n"


# The a + b kit every sum scenario uses: brute force, generator, validator and max-size generator, as replies.
SUM_KIT: Mapping[str, str] = MappingProxyType(
    dict(brute=cpp(SUM_BRUTE), generator=cpp(SUM_GEN), validator=cpp(SUM_VALIDATOR), maxgen=cpp(SUM_MAXGEN))
)
