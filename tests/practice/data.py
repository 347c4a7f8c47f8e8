"""Problems, programs and model replies the practice tests share (see tests/fixtures/practice/README.md).

Two real Codeforces problems: 4A "Watermelon" (its statement as published) and 2022A "Bus to Pénjamo"
(a multi-test problem; statement abridged, samples and limits as published). A contest index for 2022 with
the real-format standings and rating changes of tests/fixtures/codeforces/api, so a virtual contest can be
rated offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from solver.problem import ContestRef, Problem, ProblemId, Sample
from solver.sources.cf_api import format_params
from solver.sources.store import ProblemStore

REPO = Path(__file__).resolve().parents[2]
API = REPO / "tests" / "fixtures" / "codeforces" / "api"
PRACTICE = REPO / "tests" / "fixtures" / "practice"


def _problem(name: str) -> Problem:
    return Problem.from_json(json.loads((PRACTICE / name).read_text(encoding="utf-8")))


WATERMELON = _problem("4A.json")
BUS = _problem("2022A.json")

# ---- programs ---------------------------------------------------------------------------------------

WATERMELON_OK = """#include <bits/stdc++.h>
int main() { int w; std::cin >> w; std::cout << (w % 2 == 0 && w > 2 ? "YES" : "NO") << "\\n"; }
"""
# The classic mistake: passes the sample (8), fails on w = 2.
WATERMELON_WRONG = """#include <bits/stdc++.h>
int main() { int w; std::cin >> w; std::cout << (w % 2 == 0 ? "YES" : "NO") << "\\n"; }
"""
WATERMELON_CE = """#include <bits/stdc++.h>
int main() { int w; std::cin >> w std::cout << w; }
"""
WATERMELON_BRUTE = """#include <bits/stdc++.h>
int main() { int w; std::cin >> w; bool ok = false;
  for (int a = 1; a < w; a++) if (a % 2 == 0 && (w - a) % 2 == 0 && w - a > 0) ok = true;
  std::cout << (ok ? "YES" : "NO") << "\\n"; }
"""
WATERMELON_GEN = """#include <bits/stdc++.h>
int main() { unsigned seed, size; std::cin >> seed >> size; std::mt19937 rng(seed);
  int hi = std::min(100u, size * 10); std::cout << (int)(rng() % hi) + 1 << "\\n"; }
"""
WATERMELON_VALIDATOR = """#include <bits/stdc++.h>
int main() { long long w; if (!(std::cin >> w) || w < 1 || w > 100) return 1; std::string rest;
  if (std::cin >> rest) return 1; return 0; }
"""
WATERMELON_MAXGEN = """#include <bits/stdc++.h>
int main() { unsigned seed; std::cin >> seed; std::cout << 100 - (int)(seed % 2) << "\\n"; }
"""

BUS_OK = """#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long n, r, pairs = 0, singles = 0; std::cin >> n >> r;
  for (int i = 0; i < n; i++) { long long a; std::cin >> a; pairs += a / 2; singles += a % 2; }
  long long rem = r - pairs;
  std::cout << 2 * pairs + (singles <= rem ? singles : 2 * rem - singles) << "\\n"; } }
"""
# Caps the rows at n by mistake: right on the first three samples, wrong on the fourth (expected 6, found 4).
BUS_WRONG = """#include <bits/stdc++.h>
int main() { int t; std::cin >> t; while (t--) { long long n, r, pairs = 0, singles = 0; std::cin >> n >> r;
  for (int i = 0; i < n; i++) { long long a; std::cin >> a; pairs += a / 2; singles += a % 2; }
  long long rem = std::min(r, n) - pairs;
  std::cout << 2 * pairs + (singles <= rem ? singles : 2 * rem - singles) << "\\n"; } }
"""
BUS_BRUTE = BUS_OK  # the formula is the obvious solution at these sizes
BUS_GEN = """#include <bits/stdc++.h>
int main() { unsigned seed, size; std::cin >> seed >> size; std::mt19937 rng(seed); int t = 1 + rng() % size;
  std::cout << t << "\\n"; while (t--) { int n = 1 + rng() % 3, r = 0; std::vector<int> a(n);
  for (auto &x : a) { x = 1 + rng() % 4; r += x; } r = (r + 1) / 2 + rng() % 3;
  std::cout << n << " " << r << "\\n";
  for (int i = 0; i < n; i++) std::cout << a[i] << " \\n"[i + 1 == n]; } }
"""
# A real validator: the solve loop checks that a validator rejects out-of-range and trailing input.
BUS_VALIDATOR = """#include <bits/stdc++.h>
int main() { long long t; if (!(std::cin >> t) || t < 1 || t > 1000) return 1;
  while (t--) { long long n, r, sum = 0; if (!(std::cin >> n >> r) || n < 1 || n > 100 || r < 1 || r > 500) return 1;
    for (long long i = 0; i < n; i++) { long long a; if (!(std::cin >> a) || a < 1 || a > 10) return 1; sum += a; }
    if (sum > 2 * r) return 1; }
  std::string rest; if (std::cin >> rest) return 1; return 0; }
"""
BUS_MAXGEN = """#include <bits/stdc++.h>
int main() { std::cout << "1\\n1 1\\n2\\n"; }
"""


def fence(code: str) -> str:
    return f"Here is the program.\n\n```cpp\n{code}```\n"


def reply(content: str, thinking: str = "Let me think about it.") -> dict[str, Any]:
    return {"content": content, "thinking": thinking, "chunk_chars": 200}


HINTS = {
    "nudge": "Try w = 2 by hand: can both parts be even and positive?",
    "key_idea": "Key idea: w must be even, and 2 is the one even weight that cannot be split.",
    "outline": "1. Read w. 2. Answer YES exactly when w is even and greater than 2. O(1).",
    "full": "Full solution: check w % 2 == 0 and w > 2.\n\n```cpp\n" + WATERMELON_OK + "```",
}


def routes() -> list[dict[str, Any]]:
    """Model replies by prompt: the solve loop's stages for both problems, then the hint ladder and review."""
    out: list[dict[str, Any]] = []
    for problem, ok, brute, gen, val, maxgen in (
        (
            "Watermelon",
            WATERMELON_OK,
            WATERMELON_BRUTE,
            WATERMELON_GEN,
            WATERMELON_VALIDATOR,
            WATERMELON_MAXGEN,
        ),
        ("Bus to Pénjamo", BUS_OK, BUS_BRUTE, BUS_GEN, BUS_VALIDATOR, BUS_MAXGEN),
    ):
        for stage, code in (
            ("# Task: solve the problem", ok),
            ("# Task: brute force", brute),
            ("# Task: random test generator", gen),
            ("# Task: input validator", val),
            ("# Task: maximum-size test generator", maxgen),
        ):
            out.append({"match": [problem, stage], "reply": reply(fence(code))})
    out += [
        {"match": ["Give a NUDGE"], "reply": reply(HINTS["nudge"])},
        {"match": ["Give the KEY IDEA"], "reply": reply(HINTS["key_idea"])},
        # A model that oversteps: the outline arrives with code, which the guard must withhold.
        {
            "match": ["Give an OUTLINE"],
            "reply": reply(HINTS["outline"] + "\n\n```cpp\n" + WATERMELON_OK + "```"),
        },
        {"match": ["FULL SOLUTION"], "reply": reply(HINTS["full"])},
        {
            "match": ["Review this"],
            "reply": reply(
                "Bug: w = 2 prints YES, but 2 cannot be split into two even "
                "positive parts. Complexity O(1) is fine."
            ),
        },
    ]
    return out


def prepare_store(root: Path) -> ProblemStore:
    """A problem store as `fetch` would leave it: both problems, contest 2022's index and its API answers."""
    store = ProblemStore(root)
    store.save(WATERMELON, source="tests/fixtures/practice/4A.json")
    store.save(BUS, source="tests/fixtures/practice/2022A.json")
    store.save_contest(ContestRef(2022), ["A"])
    standings = json.loads((API / "contest.standings-2022.json").read_text(encoding="utf-8"))["result"]
    changes = json.loads((API / "contest.ratingChanges-2022.json").read_text(encoding="utf-8"))["result"]
    one_row = dict(standings, rows=standings["rows"][:1])
    store.api_put(
        "contest.standings", format_params({"contestId": 2022, "from": 1, "count": 1}), one_row, None
    )
    store.api_put(
        "contest.standings", format_params({"contestId": 2022, "showUnofficial": False}), standings, None
    )
    store.api_put("contest.ratingChanges", format_params({"contestId": 2022}), changes, None)
    return store


__all__ = ["BUS", "WATERMELON", "ProblemId", "Sample", "prepare_store", "routes"]
