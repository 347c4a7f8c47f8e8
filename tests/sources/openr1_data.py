"""Small copies of open-r1/codeforces for tests, in the dataset's own parquet schema and file layout.

The schema is the dataset card's (config ``default``; ``verifiable`` has the same columns); generated tests
are one file per contest, ``generated_tests/test_cases_NNNN.parquet`` with problem_id, input, output, test_i.
Shards are named as the hub names them (``data/train-00000-of-00002.parquet``) and written with small
row groups, so that reading one contest has groups to skip.

Built here: synthetic problems covering the dataset's cases (a checker, a real-number answer, multi-test
input, an interactive problem, file input, an alias into a parallel round, an old zero-padded contest), and
rows made from real data read in place: Codeflaws' real Codeforces tests and CodeElo's statements of
contest 1999.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

_TEST = pa.struct([("input", pa.string()), ("output", pa.string())])
PROBLEM_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("contest_id", pa.string()),
        ("contest_name", pa.string()),
        ("contest_type", pa.string()),
        ("contest_start", pa.int64()),
        ("contest_start_year", pa.int64()),
        ("index", pa.string()),
        ("time_limit", pa.float64()),
        ("memory_limit", pa.float64()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("input_format", pa.string()),
        ("output_format", pa.string()),
        ("interaction_format", pa.string()),
        ("note", pa.string()),
        ("examples", pa.list_(_TEST)),
        ("editorial", pa.string()),
        ("rating", pa.int64()),
        ("tags", pa.list_(pa.string())),
        ("testset_size", pa.int64()),
        ("official_tests", pa.list_(_TEST)),
        ("official_tests_complete", pa.bool_()),
        ("input_mode", pa.string()),
        ("generated_checker", pa.string()),
        ("executable", pa.bool_()),
        ("generated_tests", pa.int64()),
    ]
)
GENERATED_SCHEMA = pa.schema(
    [("problem_id", pa.string()), ("input", pa.string()), ("output", pa.string()), ("test_i", pa.int64())]
)

# A checker as the dataset ships them: Python, `checker.py input correct_output solution_output`, prints 1/0.
FLOAT_CHECKER = """import sys

def main():
    expected = float(open(sys.argv[2]).read().split()[0])
    found = float(open(sys.argv[3]).read().split()[0])
    print(1 if abs(found - expected) <= 1e-6 * max(1.0, abs(expected)) else 0)

main()
"""
ANY_PAIR_CHECKER = """import sys

n = int(open(sys.argv[1]).read().split()[0])
a, b = map(int, open(sys.argv[3]).read().split()[:2])
print(1 if a + b == n and a > 0 and b > 0 else 0)
"""


def row(pid: str, **fields: Any) -> dict[str, Any]:
    """A full problem row for ``pid`` ("1999/A"), every column present; ``fields`` override the defaults."""
    contest, index = pid.split("/")
    base: dict[str, Any] = {
        "id": pid,
        "aliases": None,
        "contest_id": contest,
        "contest_name": f"Codeforces Round {contest}",
        "contest_type": "CF",
        "contest_start": 1_700_000_000 + int(contest),
        "contest_start_year": 2024,
        "index": index,
        "time_limit": 1.0,
        "memory_limit": 256.0,
        "title": f"Problem {pid}",
        "description": f"Statement of {pid}.",
        "input_format": "One integer n.",
        "output_format": "One integer.",
        "interaction_format": None,
        "note": None,
        "examples": [{"input": "1\n", "output": "1\n"}],
        "editorial": "An editorial that the reader never needs.",
        "rating": 800,
        "tags": ["math"],
        "testset_size": 1,
        "official_tests": [{"input": "1\n", "output": "1\n"}],
        "official_tests_complete": True,
        "input_mode": "stdio",
        "generated_checker": None,
        "executable": True,
        "generated_tests": 0,
    }
    unknown = set(fields) - set(base)
    assert not unknown, f"not columns of the dataset: {unknown}"
    base.update(fields)
    return base


def write_problems(
    root: Path, rows: Sequence[dict[str, Any]], *, folder: str = "data", shards: int = 2, row_group_size: int = 2
) -> list[Path]:
    """``rows`` split in order over ``shards`` files named as on the hub, with small row groups."""
    (root / folder).mkdir(parents=True, exist_ok=True)
    per = -(-len(rows) // shards)
    paths = []
    for k in range(shards):
        path = root / folder / f"train-{k:05d}-of-{shards:05d}.parquet"
        table = pa.Table.from_pylist(list(rows[k * per : (k + 1) * per]), schema=PROBLEM_SCHEMA)
        pq.write_table(table, path, row_group_size=row_group_size)
        paths.append(path)
    return paths


def write_generated(
    root: Path, contest_id: int, tests: Iterable[tuple[str, int, str, str]], *, row_group_size: int = 2
) -> Path:
    """``tests`` as (problem_id, test_i, input, output), in the order given, into the contest's file."""
    (root / "generated_tests").mkdir(parents=True, exist_ok=True)
    path = root / "generated_tests" / f"test_cases_{contest_id:04d}.parquet"
    rows = [{"problem_id": p, "input": i, "output": o, "test_i": n} for p, n, i, o in tests]
    pq.write_table(pa.Table.from_pylist(rows, schema=GENERATED_SCHEMA), path, row_group_size=row_group_size)
    return path


# --- the synthetic copy ----------------------------------------------------------------------------------------

FILLER = [*range(1980, 1990), *range(1996, 2004)]  # one plain problem each: row groups to skip

B_GENERATED = [("0.5 0.25\n", "0.125\n"), ("3 3\n", "9.0\n"), ("1e3 2\n", "2000.0\n")]
C_GENERATED = [("10\n", "3 7\n"), ("4\n", "2 2\n")]


def synthetic_rows() -> list[dict[str, Any]]:
    rows = [row(f"{c}/A") for c in FILLER[:10]]
    rows += [
        row(
            "1990/A",
            title="Sum of Digits, many times",
            description="Given t two-digit numbers, print each one's digit sum.",
            input_format="The first line holds t, then t lines with n.",
            examples=[{"input": "2\n77\n21\n", "output": "14\n3\n"}],
            official_tests=[{"input": "2\n77\n21\n", "output": "14\n3\n"}, {"input": "1\n10\n", "output": "1\n"}],
            tags=["implementation", "math"],
            generated_tests=2,
        ),
        row(
            "1990/B",
            title="Real Product",
            output_format="The product, with absolute or relative error at most 1e-6.",
            examples=[{"input": "2 0.5\n", "output": "1.000000\n"}],
            official_tests=[{"input": "2 0.5\n", "output": "1.000000\n"}],
            official_tests_complete=False,
            generated_checker=FLOAT_CHECKER,
            generated_tests=len(B_GENERATED),
            time_limit=2.5,
            memory_limit=512.0,
            rating=1400,
        ),
        row(
            "1991/A",
            title="Guess the Number",
            interaction_format="Print ? x to ask; the jury answers < or >. Print ! x to answer.",
            examples=[{"input": "<\n>\n", "output": "? 5\n? 3\n! 4\n"}],
            official_tests=[],
            official_tests_complete=False,
            executable=False,
            rating=None,
        ),
        row("1992/A"),
        row("1992/B"),
        row(
            "1992/C",
            aliases=["1993/E"],
            title="Any Split",
            output_format="Any two positive integers a, b with a + b = n.",
            examples=[{"input": "4\n", "output": "1 3\n"}],
            official_tests=[{"input": "4\n", "output": "1 3\n"}],
            generated_checker=ANY_PAIR_CHECKER,
            generated_tests=len(C_GENERATED),
        ),
        row("1993/A"),
        row("1993/B", rating=1200),
        row("1994/A", input_mode="file", title="Read the File"),
        row("71/A", generated_tests=1),
    ]
    rows += [row(f"{c}/A") for c in FILLER[10:]]
    return rows


def write_synthetic(root: Path) -> Path:
    """The synthetic copy in ``root``: two data/ shards, one verifiable/ shard repeating some rows, tests."""
    # Sorted by contest id as text, as a dump sorted on that string column would be: row groups then hold
    # neighbouring contests, which is what lets statistics skip them.
    rows = sorted(synthetic_rows(), key=lambda r: (r["contest_id"], r["index"]))
    write_problems(root, rows, folder="data", shards=2, row_group_size=2)
    write_problems(root, [r for r in rows if r["executable"]][:4], folder="verifiable", shards=1, row_group_size=2)
    # Written out of test_i order, as nothing promises the file's order: the reader sorts.
    write_generated(
        root,
        1990,
        [
            ("1990/A", 0, "1\n99\n", "18\n"),
            ("1990/A", 1, "1\n50\n", "5\n"),
            ("1990/B", 2, *B_GENERATED[2]),
            ("1990/B", 0, *B_GENERATED[0]),
            ("1990/B", 1, *B_GENERATED[1]),
        ],
    )
    write_generated(root, 1992, [("1992/C", n, i, o) for n, (i, o) in enumerate(C_GENERATED)])
    write_generated(root, 71, [("71/A", 0, "7\n", "7\n")])
    return root


# --- copies made from real data -----------------------------------------------------------------------------


def codeflaws_rows(shared: Path, count: int) -> list[dict[str, Any]]:
    """Clean Codeflaws defects whose tests were all shown whole: real Codeforces problems with real tests."""
    out = []
    seen = set()
    for line in (shared / "codeflaws" / "defects.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        key = (d["contest_id"], d["index"])
        if not d["clean"] or key in seen or any(t["truncated"] for t in d["tests"]):
            continue
        seen.add(key)
        out.append(d)
        if len(out) == count:
            break
    return out


def write_codeflaws(root: Path, defects: Sequence[dict[str, Any]]) -> None:
    """Each defect's tests split as the dataset splits them: the first half official, the rest generated."""
    rows = []
    for d in defects:
        pid = f"{d['contest_id']}/{d['index']}"
        tests = [(t["input"], t["output"]) for t in d["tests"]]
        half = len(tests) // 2
        rows.append(
            row(
                pid,
                title=f"Codeflaws {d['defect']}",
                time_limit=d["time_limit_seconds_scraped_2024"],
                memory_limit=d["memory_limit_mb_scraped_2024"],
                rating=d["problem_rating"],
                official_tests=[{"input": i, "output": o} for i, o in tests[:half]],
                official_tests_complete=False,
                generated_tests=len(tests) - half,
            )
        )
        write_generated(
            root, d["contest_id"], [(pid, n, i, o) for n, (i, o) in enumerate(tests[half:])], row_group_size=5
        )
    write_problems(root, rows, shards=2, row_group_size=1)


_PRE = re.compile(r"<pre>(.*?)</pre>", re.S)


def codeelo_examples(table_html: str) -> list[tuple[str, str]]:
    """CodeElo's sample table: one <tr> per sample, an input <pre> then an output <pre>."""
    body = table_html.split("<tbody>", 1)[-1]
    out = []
    for tr in body.split("<tr>")[1:]:
        pres = [html.unescape(p) for p in _PRE.findall(tr)]
        if len(pres) >= 2:
            out.append((pres[0], pres[1]))
    return out


def codeelo_contest(shared: Path, contest_id: int) -> list[dict[str, Any]]:
    problems = json.loads((shared / "codeforces" / "codeelo_problems_2024.json").read_text(encoding="utf-8"))
    return [p for p in problems if re.fullmatch(rf"{contest_id}[A-Z]\d?", p["problem_id"])]


def write_codeelo(root: Path, problems: Sequence[dict[str, Any]]) -> None:
    rows = []
    for p in problems:
        cid = re.match(r"\d+", p["problem_id"])
        assert cid is not None
        index = p["problem_id"][cid.end() :]
        rows.append(
            row(
                f"{cid.group()}/{index}",
                title=p["title"],
                time_limit=p["time_limit_ms"] / 1000,
                memory_limit=float(p["memory_limit_mb"]),
                description=p["description"],
                input_format=p["input"],
                output_format=p["output"],
                interaction_format=p["interaction"] or None,
                note=p["note"] or None,
                examples=[{"input": i, "output": o} for i, o in codeelo_examples(p["examples"])],
                rating=p["rating"],
                tags=p["tags"],
            )
        )
    write_problems(root, rows[::-1], shards=2, row_group_size=3)  # any order in the shards will do
