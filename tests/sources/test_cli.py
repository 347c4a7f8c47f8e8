"""fetch, show and import as a user runs them: `python -m solver ...` in a subprocess, against the
local Codeforces stand-in."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO
from tests.sources.cf_server import CfServer, Failure
from tests.sources.conftest import CF, page


@dataclass
class Result:
    code: int
    out: str
    err: str


async def solver(*args: str | Path, cwd: Path) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLVER_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "100"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "solver", *map(str, args),
        cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode())


def one_line_error(r: Result) -> str:
    assert r.code != 0
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error: ")
    return lines[0]


async def test_fetch_one_problem_fills_the_store(cf_server: CfServer, tmp_path: Path) -> None:
    cf_server.add_page("/contest/1155/problem/C", page("1155C.html"))
    store = tmp_path / "problems"
    r = await solver(
        "fetch", "1155C", "--base-url", cf_server.url, "--api-url", cf_server.api_url, "--store", store,
        cwd=tmp_path,
    )
    assert r.code == 0, r.err
    assert "1155C" in r.out and "Alarm Clocks Everywhere" in r.out
    assert (store / "1155C" / "01.in").read_text() == "3 5\n3 12 18\n2 6 5 3 3\n"
    doc = json.loads((store / "1155C" / "problem.json").read_text())
    assert doc["problem"]["several_answers"] is True


async def test_fetch_a_contest_by_url_as_json(cf_server: CfServer, tmp_path: Path) -> None:
    cf_server.add_page("/contest/1294/problems", page("contest-1294-problems.html"))
    store = tmp_path / "p"
    url = "https://codeforces.com/contest/1294"
    r = await solver(
        "fetch", url, "--json", "--base-url", cf_server.url, "--api-url", cf_server.api_url, "--store", store,
        cwd=tmp_path,
    )
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert [row["id"] for row in rows] == ["1294A", "1294B"]
    assert rows[1]["samples"] == 1 and Path(rows[1]["path"]) == store / "1294B"


async def test_show_prints_statement_limits_and_samples(cf_server: CfServer, tmp_path: Path) -> None:
    cf_server.add_page("/contest/764/problem/C", page("764C.html"))
    store = tmp_path / "p"
    r = await solver(
        "show", "764C", "--base-url", cf_server.url, "--api-url", cf_server.api_url, "--store", store,
        cwd=tmp_path,
    )
    assert r.code == 0, r.err
    assert "764C. Timofey and a tree" in r.out
    assert "time limit 2 s · memory limit 256 MB" in r.out
    assert "gets color $c_i$." in r.out  # TeX kept readable
    assert "1 2 1 1" in r.out and "YES" in r.out
    assert "rating" not in r.out  # the API knew nothing of 764: nothing to print, no complaint
    again = await solver("show", "764C", "--offline", "--json", "--store", store, cwd=tmp_path)
    assert again.code == 0, again.err
    assert json.loads(again.out)["samples"][2] == {"input": "4\n1 2\n2 3\n3 4\n1 2 1 2\n", "output": "NO\n"}
    assert len(cf_server.page_requests) == 1


async def test_show_prints_rating_and_tags_from_the_api(cf_server: CfServer, tmp_path: Path) -> None:
    cf_server.add_page("/contest/764/problem/C", page("764C.html"))
    row = {"contestId": 764, "index": "C", "name": "Timofey and a tree", "type": "PROGRAMMING",
           "rating": 1600, "tags": ["dfs and similar", "graphs"]}
    contest = {"id": 764, "name": "Codeforces Round #395 (Div. 2)", "type": "CF", "phase": "FINISHED"}
    cf_server.add_api("contest.standings", {"contest": contest, "problems": [row], "rows": []})
    store = tmp_path / "p"
    args = ("--base-url", cf_server.url, "--api-url", cf_server.api_url, "--store", store)
    r = await solver("show", "764C", *args, cwd=tmp_path)
    assert r.code == 0, r.err
    assert "rating 1600 · tags: dfs and similar, graphs" in r.out
    again = await solver("show", "764C", "--offline", "--json", "--store", store, cwd=tmp_path)
    assert json.loads(again.out)["rating"] == 1600 and len(cf_server.api_calls) == 1


async def test_import_companion_json_then_show_offline(tmp_path: Path) -> None:
    store = tmp_path / "p"
    r = await solver("import", CF / "companion" / "118A.json", "--store", store, cwd=tmp_path)
    assert r.code == 0, r.err
    assert "imported 118A (String Task, 3 samples)" in r.out
    shown = await solver("show", "118A", "--offline", "--store", store, cwd=tmp_path)
    assert shown.code == 0 and ".c.d.f.r.c.s" in shown.out


async def test_import_a_page_saved_from_a_browser(tmp_path: Path) -> None:
    saved = tmp_path / "Problem - C - Codeforces.html"
    saved.write_bytes(page("gym-102644A.html"))
    r = await solver("import", saved, "--json", "--store", tmp_path / "p", cwd=tmp_path)
    assert r.code == 0, r.err
    assert json.loads(r.out)[0]["id"] == "gym/102644A"
    assert (tmp_path / "p" / "gym-102644A" / "problem.json").is_file()


async def test_malformed_id_is_a_usage_error(tmp_path: Path) -> None:
    r = await solver("fetch", "codeforces.com/blog/entry/1", "--store", tmp_path, cwd=tmp_path)
    assert r.code == 2
    assert "is not a Codeforces problem or contest URL" in one_line_error(r)


async def test_unknown_problem_fails_cleanly(cf_server: CfServer, tmp_path: Path) -> None:
    r = await solver("fetch", "1155Z", "--base-url", cf_server.url, "--store", tmp_path / "p", cwd=tmp_path)
    assert r.code == 1
    assert "no such page on Codeforces" in one_line_error(r)
    assert not (tmp_path / "p" / "1155Z").exists()


async def test_cloudflare_challenge_tells_what_to_do(cf_server: CfServer, tmp_path: Path) -> None:
    cf_server.add_page("/contest/1155/problem/C", page("1155C.html"))
    cf_server.fail("/contest/1155/problem/C", Failure.challenge())
    r = await solver(
        "fetch", "1155C", "--base-url", cf_server.url, "--store", tmp_path / "p", cwd=tmp_path)
    line = one_line_error(r)
    assert "Cloudflare challenge" in line and "python -m solver import" in line


async def test_offline_names_what_is_missing(tmp_path: Path) -> None:
    r = await solver("show", "1999A", "--offline", "--store", tmp_path / "p", cwd=tmp_path)
    line = one_line_error(r)
    assert "problem 1999A is not in the store" in line and "without --offline" in line


async def test_corrupt_problem_json(tmp_path: Path) -> None:
    folder = tmp_path / "p" / "1999A"
    folder.mkdir(parents=True)
    (folder / "problem.json").write_text('{"schema": 1, "problem": ')
    r = await solver("show", "1999A", "--store", tmp_path / "p", cwd=tmp_path)
    line = one_line_error(r)
    assert "problem.json is corrupt" in line and "--refresh" in line


def test_show_renders_plain_text_without_eating_brackets_or_tex() -> None:
    import io

    from rich.console import Console

    from solver.commands.show import render_problem
    from solver.sources import cf_html

    problem = cf_html.parse_problem(page("2220D2.html"))
    buf = io.StringIO()
    render_problem(problem, Console(file=buf, width=400, color_system=None))
    text = buf.getvalue()
    assert "2220D2. Unique Values (Hard version)" in text
    assert "interactive" in text and "needs a checker" not in text
    assert "$[a_1, a_2] = [1, 1]$" in text  # rich markup would have swallowed [1, 1]
    assert "output (an exchange)" in text and "? 2 1 2" in text


async def test_import_a_whole_contest_page_saved_from_a_browser(shared_data: Path, tmp_path: Path) -> None:
    """The way past a Cloudflare challenge for `contest`: the contest's problems page, saved and imported;
    the contest is then in the store as `fetch` leaves it."""
    html = shared_data / "codeforces" / "html"
    store = tmp_path / "p"
    r = await solver("import", html / "contest1715_problems.html", "--json", "--store", store, cwd=tmp_path)
    assert r.code == 0, r.err
    assert [row["id"] for row in json.loads(r.out)] == [f"1715{i}" for i in "ABCDEF"]
    # Saved under the browser's own name the page says nothing of its contest: --id names it.
    saved = tmp_path / "Problems - Codeforces.html"
    saved.write_bytes((html / "contest1368_problems.html").read_bytes())
    r = await solver("import", saved, "--store", store, cwd=tmp_path)
    line = one_line_error(r)
    assert "cannot tell which contest" in line and "--id 1715" in line
    r = await solver("import", saved, "--id", "1368", "--store", store, cwd=tmp_path)
    assert r.code == 0, r.err
    assert "imported 1368A (C+=, 1 sample)" in r.out and "contest 1368: problems A" in r.out
    offline = await solver("fetch", "1715", "1368", "--offline", "--json", "--store", store, cwd=tmp_path)
    assert offline.code == 0, offline.err
    assert [row["id"] for row in json.loads(offline.out)] == [f"1715{i}" for i in "ABCDEF"] + ["1368A"]
    one = await solver("import", saved, "--id", "1368A", "--json", "--store", tmp_path / "q", cwd=tmp_path)
    assert [row["id"] for row in json.loads(one.out)] == ["1368A"]
    wrong = await solver("import", saved, "--id", "1368B", "--store", tmp_path / "q", cwd=tmp_path)
    assert "holds problems A but none with index B" in one_line_error(wrong)
    assert not (tmp_path / "q" / "_contests").exists()


async def test_fetch_without_a_network_says_what_was_tried_and_what_to_do(tmp_path: Path) -> None:
    down = "http://127.0.0.1:9"  # nothing listens there: connection refused, as with no network
    r = await solver(
        "fetch", "1999A", "--base-url", down, "--api-url", f"{down}/api", "--store", tmp_path / "p", cwd=tmp_path
    )
    line = one_line_error(r)
    assert f"could not fetch /contest/1999/problem/A ({down}/contest/1999/problem/A: network error" in line
    assert "python -m solver import FILE.html" in line and "Competitive Companion" in line
    assert "--base-url" in line
