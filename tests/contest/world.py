"""A tiny contest world for end-to-end tests: hand-made problems, a scripted model, real standings.

- Problems: contest 1349 gets two hand-made problems (A: sum of two integers up to 10^10, B: maximum of
  a list); contest 1350 gets one (A). They are written into the problem store, as ``fetch`` would.
- Standings and rating changes: the REAL rows of Codeforces Round 641 (Div. 1), contest 1349 (handle,
  points, penalty, old rating, delta; tests/fixtures/rating/), served as ``contest.standings`` and
  ``contest.ratingChanges`` answers by the local Codeforces stand-in. Contest 1350 reuses the same field
  (a test convenience: no second real field is vendored); 1348 is unrated, 1351 not finished.
- The model: a responder for the fake Ollama server that reads which problem and which task a prompt is
  about and answers with a program. Its first draft of 1349A adds in 32-bit ints: it passes the examples
  and small stress tests but fails the hidden test with big values; every later draft uses 64 bits.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from solver.problem import ContestRef, Problem, ProblemId, Sample
from solver.rating.placement import standing_places
from solver.sources.store import ProblemStore
from tests.conftest import FIXTURES
from tests.fakes.ollama_server import Reply
from tests.sources.cf_server import CfServer

ROWS = json.loads((FIXTURES / "rating" / "round-1349-641-div1-data.json").read_text())
PACKS = FIXTURES / "contest" / "tests-1349"
START = 1589286900  # 2020-05-12 12:35 UTC


def problems() -> dict[int, list[Problem]]:
    def sum_problem(cid: int) -> Problem:
        return Problem(
            id=ProblemId(cid, "A"),
            name="Sum",
            time_limit_s=2.0,
            memory_limit_mb=256,
            statement="Given two integers a and b, print a + b.",
            input_spec="One line with two integers a and b (-10^10 <= a, b <= 10^10).",
            output_spec="Print a + b.",
            samples=(Sample("1 2\n", "3\n"), Sample("10 -4\n", "6\n")),
            rating=800,
        )

    b = Problem(
        id=ProblemId(1349, "B"),
        name="Maximum",
        time_limit_s=2.0,
        memory_limit_mb=256,
        statement="Given n integers, print the largest.",
        input_spec="The first line has n (1 <= n <= 100). The second line has n integers from 1 to 1000.",
        output_spec="Print the largest of the n integers.",
        samples=(Sample("3\n1 5 2\n", "5\n"),),
        rating=1200,
    )
    return {1349: [sum_problem(1349), b], 1350: [sum_problem(1350)]}


def fill_store(store: Path) -> None:
    s = ProblemStore(store)
    for cid, ps in problems().items():
        for p in ps:
            s.save(p)
        s.save_contest(ContestRef(cid), [p.id.index for p in ps])


# --- Codeforces API answers -------------------------------------------------------------------------------

CONTESTS = {
    1348: ("Codeforces Round 640 (Div. 4)", "ICPC", "FINISHED"),
    1349: ("Codeforces Round 641 (Div. 1)", "CF", "FINISHED"),
    1350: ("Codeforces Round 641 (Div. 2)", "CF", "FINISHED"),
    1351: ("Codeforces Round 642 (Div. 3)", "ICPC", "BEFORE"),
}


def _contest(cid: int) -> dict[str, Any]:
    name, type_, phase = CONTESTS[cid]
    return {
        "id": cid,
        "name": name,
        "type": type_,
        "phase": phase,
        "frozen": False,
        "durationSeconds": 7200,
        "startTimeSeconds": START + (cid - 1349) * 86400,
        "relativeTimeSeconds": 200000000,
    }


def ranks() -> list[int]:
    return [p.best for p in standing_places([(float(r[1]), int(r[2])) for r in ROWS])]


def standings(cid: int) -> dict[str, Any]:
    points = {"A": 500.0, "B": 1000.0}
    ps = [
        {
            "contestId": cid,
            "index": p.id.index,
            "name": p.name,
            "type": "PROGRAMMING",
            "points": points[p.id.index],
            "rating": p.rating,
            "tags": [],
        }
        for p in problems().get(cid, [])
    ]
    rows = [
        {
            "party": {
                "contestId": cid,
                "members": [{"handle": r[0]}],
                "participantType": "CONTESTANT",
                "ghost": False,
                "room": 1,
                "startTimeSeconds": START,
            },
            "rank": rank,
            "points": float(r[1]),
            "penalty": int(r[2]),
            "successfulHackCount": 0,
            "unsuccessfulHackCount": 0,
            "problemResults": [],
        }
        for r, rank in zip(ROWS, ranks(), strict=True)
    ]
    return {"contest": _contest(cid), "problems": ps, "rows": rows}


def rating_changes(cid: int) -> list[dict[str, Any]]:
    return [
        {
            "contestId": cid,
            "contestName": CONTESTS[cid][0],
            "handle": r[0],
            "rank": rank,
            "ratingUpdateTimeSeconds": START + 20000,
            "oldRating": int(r[3]),
            "newRating": int(r[3]) + int(r[4]),
        }
        for r, rank in zip(ROWS, ranks(), strict=True)
    ]


def serve(server: CfServer) -> None:
    for cid in (1349, 1350):
        server.add_api("contest.standings", standings(cid), {"contestId": str(cid)})
        server.add_api("contest.ratingChanges", rating_changes(cid), {"contestId": str(cid)})
    server.add_api("contest.ratingChanges", [], {"contestId": "1348"})
    server.add_api("contest.list", [_contest(c) for c in sorted(CONTESTS, reverse=True)])


# --- the scripted model -----------------------------------------------------------------------------------

SUM_INT = '#include <cstdio>\nint main(){int a,b;std::scanf("%d %d",&a,&b);std::printf("%d\\n",a+b);}\n'
SUM_LL = (
    '#include <cstdio>\nint main(){long long a,b;std::scanf("%lld %lld",&a,&b);std::printf("%lld\\n",a+b);}\n'
)
MAX = (
    '#include <cstdio>\nint main(){int n,m=0,x;std::scanf("%d",&n);'
    'for(int i=0;i<n;i++){std::scanf("%d",&x);if(x>m)m=x;}std::printf("%d\\n",m);}\n'
)
# Real validators: the solve loop checks that a validator rejects out-of-range values and trailing input.
VALID_SUM = (
    "#include <bits/stdc++.h>\nint main(){long long a,b;std::string x;const long long L=10000000000LL;"
    "if(!(std::cin>>a>>b)||a<-L||a>L||b<-L||b>L||(std::cin>>x))return 1;}\n"
)
VALID_MAX = (
    "#include <bits/stdc++.h>\nint main(){long long n,v;std::string x;if(!(std::cin>>n)||n<1||n>100)return 1;"
    "for(long long i=0;i<n;i++)if(!(std::cin>>v)||v<1||v>1000)return 1;if(std::cin>>x)return 1;}\n"
)
GEN_SUM = (
    '#include <cstdio>\n#include <random>\nint main(){unsigned s,z;std::scanf("%u %u",&s,&z);'
    'std::mt19937 r(s);int k=(int)z*3;std::printf("%d %d\\n",(int)(r()%(2*k+1))-k,(int)(r()%(2*k+1))-k);}\n'
)
GEN_MAX = (
    '#include <cstdio>\n#include <random>\nint main(){unsigned s,z;std::scanf("%u %u",&s,&z);'
    'std::mt19937 r(s);int n=1+(int)(r()%z);std::printf("%d\\n",n);'
    'for(int i=0;i<n;i++)std::printf("%d ",1+(int)(r()%20));std::printf("\\n");}\n'
)
MAXGEN_SUM = '#include <cstdio>\nint main(){std::printf("1000000000 1000000000\\n");}\n'
MAXGEN_MAX = (
    '#include <cstdio>\nint main(){std::printf("100\\n");'
    'for(int i=0;i<100;i++)std::printf("1000 ");std::printf("\\n");}\n'
)


class ScriptedModel:
    """Answers by (problem, task); counts what it was asked."""

    def __init__(self) -> None:
        self.asked: Counter[tuple[str, str]] = Counter()

    def __call__(self, body: dict[str, Any]) -> Reply:
        text = "\n".join(m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user")
        pm = re.search(r"# Problem (\d+)([A-Z]\d?):", text)
        tm = re.search(r"# Task: ([^\n]+)", text)
        if pm is None or tm is None:
            return Reply(content="I do not know.")
        pid, task = pm.group(1) + pm.group(2), tm.group(1).strip().lower()
        self.asked[(pid, task)] += 1
        index = pm.group(2)
        if task.startswith("solve") or task.startswith("repair"):
            if index == "A":
                first = pid == "1349A" and task.startswith("solve") and self.asked[(pid, task)] == 1
                code = SUM_INT if first else SUM_LL
            else:
                code = MAX
        elif task.startswith("brute"):
            code = SUM_LL if index == "A" else MAX
        elif task.startswith("random test generator"):
            code = GEN_SUM if index == "A" else GEN_MAX
        elif task.startswith("maximum-size"):
            code = MAXGEN_SUM if index == "A" else MAXGEN_MAX
        elif task.startswith("input validator"):
            code = VALID_SUM if index == "A" else VALID_MAX
        else:
            return Reply(content=f"No program for task {task!r}.")
        return Reply(content=f"Here it is.\n\n```cpp\n{code}```\n", thinking="Think, then write.")

    @property
    def total(self) -> int:
        return sum(self.asked.values())
