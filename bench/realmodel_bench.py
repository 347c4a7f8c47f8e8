"""Benchmark: the solve loop against one plain request per problem, with the same real model.

For each problem of a sample of the shared CodeElo set (``codeforces/codeelo_problems_2024.json``):

- LOOP: ``python -m solver solve ID --backend openai --host URL --model NAME --seed S --stress-tests K
  --attempts A --wall-time W --json --offline --store TMP`` as a subprocess, exactly as a user runs it; its
  JSON result gives the status (``stop``: solved, examples_only, attempts, wall_time, ...), the tokens and
  the chosen program; the run's transcript gives the number of model replies.
- PLAIN: one chat request to the same server through the project's model layer
  (``solver.llm.factory.build_backend`` and ``backend.chat``, what ``solve`` and ``ask`` call), with the loop's
  own draft prompt (``solver.solve.prompts.messages("draft", ...)``; ``--prompt plain`` sends the statement and
  "write a C++17 solution" instead) and the sampling parameters the loop's first request was sent with (read
  from its transcript: seed, temperature, reply cap, ...; ``ChatParams(seed=S)`` if it made none), so model,
  seed and temperature are the same. The code is taken with ``solver.solve.extract.extract_code``.

Both programs are then judged the same way, on the problem's examples in the real Docker judge
(``sandbox.judge.open_judge``, ``judge.compile``, ``judge.judge`` with ``solver.solve.checking.standard_checker``).
Both get the same wall-time cap per problem (``--wall-time``): the loop's own budget (its subprocess is killed
after a margin beyond it), and a timeout on the plain request.

Figures: "loop solved X/N" counts problems whose chosen program passes the examples when judged anew (the same
test as "plain request solved Y/N (examples)"); "loop Z/N with stress evidence" counts those the loop reported
``solved`` after random stress tests ran (its ``stress`` summary shows at least one random test compared).

    eval "$(bash scripts/real_model.sh start)"
    python bench/realmodel_bench.py --sample 10 --seed 1 --out runs/realmodel_bench.json
    python bench/realmodel_bench.py --problems 1999A,1971B --wall-time 300
    python bench/realmodel_bench.py --quick       # one problem (1999A), tiny budgets: a smoke test
    bash scripts/real_model.sh stop

The sample (``--sample N --seed S``): a seeded choice among the non-interactive problems rated at most
``--max-rating`` (1200) whose answer is unique (several-answer problems cannot be judged on their examples by
comparison), at most one problem per contest, so N problems come from N contests. The chosen ids are printed.
A JSON file (``--out``) gets every figure; it is rewritten after each problem, so a stopped run keeps what ran.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sandbox.api import JudgeConfig, Limits, Source, Test, Verdict  # noqa: E402
from sandbox.judge import Judge, JudgeUnavailable, open_judge  # noqa: E402
from solver.config import Config  # noqa: E402
from solver.errors import ModelError  # noqa: E402
from solver.llm.base import ChatParams, Message  # noqa: E402
from solver.llm.factory import build_backend  # noqa: E402
from solver.problem import Problem  # noqa: E402
from solver.runstore import atomic_write  # noqa: E402
from solver.solve.checking import standard_checker  # noqa: E402
from solver.solve.extract import extract_code  # noqa: E402
from solver.solve.languages import prompt_style  # noqa: E402
from solver.solve.prompts import messages  # noqa: E402
from solver.sources.store import ProblemStore  # noqa: E402
from tests.realmodel.codeelo import CODEELO_FILE, load_rows, problem_from_row  # noqa: E402

URL_ENV, NAME_ENV = "SOLVER_REAL_MODEL_URL", "SOLVER_REAL_MODEL_NAME"
SHARED_DATA = Path(os.environ.get("SOLVER_SHARED_DATA", REPO.parent / "shared" / "data"))
LOOP_EXIT_CODES = (0, 1, 3)  # `solve`: 0 solved, 3 examples only, 1 not solved; anything else is a failure
KILL_MARGIN_S = 180.0  # beyond --wall-time: start-up, the reply being cancelled, the final judging
QUICK: dict[str, Any] = {"problems": "1999A", "attempts": 2, "stress_tests": 0, "wall_time": 180.0}
FULL: dict[str, Any] = {"sample": 10, "attempts": 4, "stress_tests": 50, "wall_time": 480.0}
_RANDOM_TESTS = re.compile(r"(\d+)/(\d+) random tests")


# ---------------------------------------------------------------------------------------------- the sample


def eligible(rows: Sequence[Mapping[str, Any]], max_rating: int) -> list[Mapping[str, Any]]:
    """Rows the benchmark can judge fairly on the examples: rated, easy enough, not interactive, one answer."""
    out = []
    for row in rows:
        rating = row.get("rating")
        if not isinstance(rating, int) or rating > max_rating or str(row.get("interaction") or "").strip():
            continue
        if problem_from_row(row).several_answers:
            continue
        out.append(row)
    return out


def contest_of(problem_id: str) -> str:
    return re.sub(r"[A-Z]\d*$", "", problem_id)


def choose_sample(rows: Sequence[Mapping[str, Any]], n: int, seed: int, max_rating: int) -> list[str]:
    """N problem ids from N different contests (fewer if fewer contests qualify), the same for the same seed."""
    by_contest: dict[str, list[str]] = {}
    for row in eligible(rows, max_rating):
        by_contest.setdefault(contest_of(str(row["problem_id"])), []).append(str(row["problem_id"]))
    rng = random.Random(seed)
    contests = sorted(by_contest)
    rng.shuffle(contests)
    return sorted((rng.choice(sorted(by_contest[c])) for c in contests[:n]), key=_id_key)


def _id_key(pid: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", pid)
    return (int(m.group(1)), m.group(2)) if m else (0, pid)


# ---------------------------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Judged:
    passed: bool
    verdict: str  # AC, WA, CE, ... or "none" when there was no program
    detail: str = ""


@dataclass(frozen=True)
class PlainOutcome:
    passed: bool
    verdict: str
    seconds: float  # request, extraction, compile and judging
    model_s: float
    prompt_tokens: int
    output_tokens: int
    done_reason: str
    reason: str  # why it failed, in words ("" when it passed)
    params: dict[str, Any]
    params_from: str  # "loop transcript" or "default"
    code: str | None


@dataclass(frozen=True)
class LoopOutcome:
    status: str  # the result's `stop` (solved, examples_only, attempts, wall_time, ...), else error / killed
    passed: bool  # the chosen program passes the examples, judged anew
    verdict: str
    seconds: float  # the subprocess's wall time
    elapsed_s: float  # the loop's own figure
    replies: int  # model replies answered (transcript entries with ok)
    failed_requests: int
    tokens: int
    attempts: int
    stress: str
    stress_evidence: bool
    returncode: int | None
    reason: str
    run: str
    first_params: dict[str, Any] | None  # what the loop's first request was sent with


@dataclass(frozen=True)
class Row:
    problem: str
    rating: int | None
    several_answers: bool
    loop: LoopOutcome
    plain: PlainOutcome


def stress_evidence(result: Mapping[str, Any]) -> bool:
    """Solved, with at least one random stress test compared (the loop's `stress` summary says how many)."""
    if result.get("stop") != "solved":
        return False
    m = _RANDOM_TESTS.search(str(result.get("stress") or ""))
    return bool(m and int(m.group(2)) > 0)


def summary_line(rows: Sequence[Row]) -> str:
    n = len(rows)
    loop = sum(r.loop.passed for r in rows)
    plain = sum(r.plain.passed for r in rows)
    stressed = sum(r.loop.passed and r.loop.stress_evidence for r in rows)
    return (
        f"real model: loop solved {loop}/{n}, plain request solved {plain}/{n} (examples), "
        f"loop {stressed}/{n} with stress evidence"
    )


def table(rows: Sequence[Row]) -> str:
    head = ("problem", "rating", "plain", "plain s", "plain tokens", "loop status", "loop", "loop s", "replies",
            "loop tokens")
    lines = [head]
    for r in rows:
        p, lo = r.plain, r.loop
        lines.append((
            r.problem + (" (several answers)" if r.several_answers else ""),
            str(r.rating or "?"),
            "pass" if p.passed else f"fail ({p.verdict})",
            f"{p.seconds:.0f}",
            f"{p.prompt_tokens}+{p.output_tokens}" if p.prompt_tokens or p.output_tokens else "n/a",
            lo.status,
            "pass" if lo.passed else f"fail ({lo.verdict})",
            f"{lo.seconds:.0f}",
            str(lo.replies),
            str(lo.tokens) if lo.tokens else "n/a",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    if any(line[4] == "n/a" or line[9] == "n/a" for line in lines[1:]):
        out.append("n/a: the model layer reported no token count (a server streaming no usage)")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- judging


async def judge_examples(judge: Judge, problem: Problem, code: str | None, lang: str) -> Judged:
    """The program on the problem's examples, with the checker its statement calls for."""
    if not code:
        return Judged(False, "none", "no program")
    compiled = await judge.compile(Source(code, lang))
    if not compiled.ok:
        lines = compiled.message.strip().splitlines()
        said = next((line for line in lines if "error" in line), lines[0] if lines else "compile error")
        return Judged(False, Verdict.CE.value, said[:300])
    tests = [Test(f"example-{i}", s.input.encode(), s.output.encode()) for i, s in enumerate(problem.samples, 1)]
    judged = await judge.judge(compiled, tests, Limits(problem.time_limit_s, problem.memory_limit_mb),
                               standard_checker(problem))
    first = next((t for t in judged.tests if t.verdict is not Verdict.AC), None)
    detail = "" if first is None else f"{first.test}: {first.diff or first.run.detail}"[:300]
    return Judged(judged.verdict is Verdict.AC, judged.verdict.value, detail)


# ---------------------------------------------------------------------------------------------- the loop


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def run_loop(pid: str, args: argparse.Namespace, work: Path) -> tuple[LoopOutcome, dict[str, Any]]:
    """`python -m solver solve` as a user runs it; the outcome (not yet judged) and its JSON result."""
    cmd = [
        sys.executable, "-m", "solver", "solve", pid,
        "--store", str(work / "problems"), "--runs", str(work / "runs"), "--offline", "--json",
        "--backend", "openai", "--host", args.host, "--model", args.model, "--num-ctx", str(args.num_ctx),
        "--seed", str(args.seed), "--attempts", str(args.attempts), "--wall-time", str(args.wall_time),
        "--stress-tests", str(args.stress_tests), "--lang", args.lang,
    ]  # fmt: skip
    # The run's configuration is these flags over the defaults: no solver.toml (cwd is the work folder), no
    # SOLVER_* or OLLAMA_HOST from this shell.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLVER_") and k != "OLLAMA_HOST"}
    env["PYTHONPATH"] = str(REPO)
    t0 = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=work, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group, so a kill reaches the judge it started too
    )
    killed = False
    try:
        out, err = await asyncio.wait_for(proc.communicate(), args.wall_time + KILL_MARGIN_S)
    except TimeoutError:
        killed = True
        out, err = await _stop(proc)
    seconds = time.monotonic() - t0
    stderr = err.decode(errors="replace")
    result: dict[str, Any] = {}
    with contextlib.suppress(json.JSONDecodeError):
        doc = json.loads(out.decode(errors="replace") or "null")
        result = doc if isinstance(doc, dict) else {}
    if killed:
        status, reason = "killed", f"still running {args.wall_time + KILL_MARGIN_S:.0f} s after start"
    elif proc.returncode not in LOOP_EXIT_CODES or not result:
        tail = stderr.strip().splitlines()[-3:]
        status, reason = "error", f"exit {proc.returncode}: {' | '.join(tail)}"[:500]
    else:
        status, reason = str(result.get("stop", "?")), str(result.get("reason", ""))
    run_dir = Path(str(result["run"])) if result.get("run") else None
    transcript = _jsonl(run_dir / "transcript.jsonl") if run_dir else []
    first = transcript[0].get("params") if transcript and isinstance(transcript[0].get("params"), dict) else None
    outcome = LoopOutcome(
        status=status,
        passed=False,
        verdict="none",
        seconds=round(seconds, 1),
        elapsed_s=float(result.get("elapsed_s") or 0.0),
        replies=sum(1 for e in transcript if e.get("ok")),
        failed_requests=sum(1 for e in transcript if not e.get("ok")),
        tokens=int(result.get("tokens") or 0),
        attempts=int(result.get("attempts") or 0),
        stress=str(result.get("stress") or ""),
        stress_evidence=stress_evidence(result),
        returncode=proc.returncode,
        reason=reason,
        run=str(run_dir or ""),
        first_params=first,
    )
    return outcome, result


async def _stop(proc: asyncio.subprocess.Process) -> tuple[bytes, bytes]:
    """Interrupt the subprocess's group (it closes its judge), then kill it if it does not end."""
    for sig, wait in ((signal.SIGINT, 20.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(proc.communicate(), wait)
    return b"", b""


# ---------------------------------------------------------------------------------------------- plain


def plain_prompt(problem: Problem, kind: str, lang: str) -> list[Message]:
    style = prompt_style(lang)
    if kind == "draft":
        return list(messages("draft", problem=problem, lang=style, feedback=""))
    examples = "\n\n".join(f"Input:\n{s.input}\nOutput:\n{s.output}" for s in problem.samples)
    text = (
        f"# {problem.name}\n\n{problem.statement}\n\n## Input\n\n{problem.input_spec}\n\n"
        f"## Output\n\n{problem.output_spec}\n\n## Examples\n\n{examples}\n\n"
        + (f"## Note\n\n{problem.notes}\n\n" if problem.notes.strip() else "")
        + f"Write a {style.name} solution. Put the complete program in one ```{style.fence} block."
    )
    return [Message("user", text)]


def params_from(sent: Mapping[str, Any] | None, seed: int) -> tuple[ChatParams, str]:
    """The loop's first request's parameters (as the backend sent them), else the seed alone."""
    if not sent:
        return ChatParams(seed=seed), "default"
    known = {f.name for f in dataclasses.fields(ChatParams)}
    values: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in sent.items() if k in known}
    values["seed"] = seed  # the first candidate's; parallel candidates shift theirs
    return ChatParams(**values), "loop transcript"


async def run_plain(backend: Any, judge: Judge, problem: Problem, args: argparse.Namespace,
                    first_params: Mapping[str, Any] | None) -> PlainOutcome:
    params, source = params_from(first_params, args.seed)
    shown = {k: v for k, v in asdict(params).items() if v is not None and v != ()}
    t0 = time.monotonic()
    try:
        reply = await asyncio.wait_for(backend.chat(plain_prompt(problem, args.prompt, args.lang), params),
                                       args.wall_time)
    except (TimeoutError, ModelError) as e:
        why = f"no reply within {args.wall_time:g} s" if isinstance(e, TimeoutError) else f"model error: {e}"
        return PlainOutcome(False, "none", round(time.monotonic() - t0, 3), round(time.monotonic() - t0, 3), 0, 0,
                            "", why, shown, source, None)
    model_s = time.monotonic() - t0
    found = extract_code(reply.content, prompt_style(args.lang), reply.done_reason)
    code = found.code if found.ok else None
    judged = await judge_examples(judge, problem, code, args.lang)
    reason = "" if judged.passed else (found.reason if not found.ok else f"{judged.verdict}: {judged.detail}")
    return PlainOutcome(
        passed=judged.passed,
        verdict=judged.verdict,
        seconds=round(time.monotonic() - t0, 3),
        model_s=round(model_s, 3),
        prompt_tokens=int(getattr(reply, "prompt_tokens", 0) or 0),
        output_tokens=int(getattr(reply, "output_tokens", 0) or 0),
        done_reason=str(reply.done_reason),
        reason=reason,
        params=shown,
        params_from=source,
        code=code,
    )


# ---------------------------------------------------------------------------------------------- the bench


def problems_of(args: argparse.Namespace, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    if args.problems:
        ids = [p.strip() for p in args.problems.split(",") if p.strip()]
        known = {str(r["problem_id"]) for r in rows}
        missing = [p for p in ids if p not in known]
        if missing:
            raise ValueError(f"not in the CodeElo set ({CODEELO_FILE}): {', '.join(missing)}")
        return ids
    return choose_sample(rows, args.sample, args.seed, args.max_rating)


def document(args: argparse.Namespace, ids: Sequence[str], rows: Sequence[Row], work: Path) -> dict[str, Any]:
    return {
        "benchmark": "realmodel_bench",
        "model": args.model,
        "host": args.host,
        "seed": args.seed,
        "settings": {
            "attempts": args.attempts, "stress_tests": args.stress_tests, "wall_time_s": args.wall_time,
            "num_ctx": args.num_ctx, "lang": args.lang, "prompt": args.prompt, "quick": args.quick,
            "sample": None if args.problems else args.sample, "max_rating": args.max_rating,
        },
        "problems": list(ids),
        "work": str(work),
        "results": [asdict(r) for r in rows],
        "summary": {
            "n": len(rows),
            "loop_examples": sum(r.loop.passed for r in rows),
            "plain_examples": sum(r.plain.passed for r in rows),
            "loop_stress_evidence": sum(r.loop.passed and r.loop.stress_evidence for r in rows),
            "loop_seconds": round(sum(r.loop.seconds for r in rows), 1),
            "plain_seconds": round(sum(r.plain.seconds for r in rows), 1),
        },
        "line": summary_line(rows),
    }


async def bench(args: argparse.Namespace) -> int:
    all_rows = load_rows(args.shared_data)
    try:
        ids = problems_of(args, all_rows)
    except ValueError as e:
        print(f"error: {e}; give ids of that file", file=sys.stderr)
        return 2
    print(f"problems ({len(ids)}): {', '.join(ids)}", flush=True)
    by_id = {str(r["problem_id"]): r for r in all_rows}
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="realmodel-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store = ProblemStore(work / "problems")
    problems = {pid: problem_from_row(by_id[pid]) for pid in ids}
    for p in problems.values():
        store.save(p, source="codeelo")
    config = Config(backend="openai", model=args.model, hosts=(args.host,), num_ctx=args.num_ctx)
    backend = build_backend(config)
    try:
        await backend.preflight()
        judge = await open_judge(JudgeConfig(workers=1, build_if_missing=False))
    except (ModelError, JudgeUnavailable) as e:
        await backend.close()
        print(f"error: {e}", file=sys.stderr)
        return 1
    rows: list[Row] = []
    try:
        for k, pid in enumerate(ids, 1):
            problem = problems[pid]
            print(f"[{k}/{len(ids)}] {pid}: loop ...", file=sys.stderr, flush=True)
            loop, result = await run_loop(pid, args, work)
            judged = await judge_examples(judge, problem, result.get("solution"), str(result.get("lang") or args.lang))
            loop = dataclasses.replace(loop, passed=judged.passed, verdict=judged.verdict)
            print(f"[{k}/{len(ids)}] {pid}: loop {loop.status}, examples {judged.verdict}, {loop.seconds:.0f} s;"
                  " plain ...", file=sys.stderr, flush=True)
            plain = await run_plain(backend, judge, problem, args, loop.first_params)
            print(f"[{k}/{len(ids)}] {pid}: plain {'pass' if plain.passed else 'fail'} ({plain.verdict}),"
                  f" {plain.seconds:.0f} s", file=sys.stderr, flush=True)
            rows.append(Row(pid, problem.rating, problem.several_answers, loop, plain))
            # rewritten after each problem, atomically: a stopped run keeps every figure so far
            atomic_write(Path(args.out), json.dumps(document(args, ids, rows, work), indent=2) + "\n")
    finally:
        await judge.close()
        await backend.close()
    print(table(rows))
    print(f"work folder (problem store, loop runs): {work}")
    print(f"figures: {args.out}")
    print(summary_line(rows))
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python bench/realmodel_bench.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    pick = ap.add_mutually_exclusive_group()
    pick.add_argument("--problems", default=None, metavar="IDS", help="comma-separated CodeElo ids (1999A,1971B)")
    pick.add_argument("--sample", type=int, default=None, metavar="N",
                      help=f"a seeded sample of N problems from N contests ({FULL['sample']})")
    ap.add_argument("--seed", type=int, default=1, help="the sample's, the loop's and the plain request's seed (1)")
    ap.add_argument("--max-rating", type=int, default=1200, help="the sample's highest rating (1200)")
    ap.add_argument("--host", default=os.environ.get(URL_ENV), help=f"the OpenAI-compatible server (${URL_ENV})")
    ap.add_argument("--model", default=os.environ.get(NAME_ENV), help=f"the model's id (${NAME_ENV})")
    ap.add_argument("--num-ctx", type=int, default=4096, help="the context window (4096, the server's n_ctx)")
    ap.add_argument("--attempts", type=int, default=None, help=f"the loop's attempts ({FULL['attempts']})")
    ap.add_argument("--stress-tests", type=int, default=None, dest="stress_tests",
                    help=f"the loop's random stress tests ({FULL['stress_tests']})")
    ap.add_argument("--wall-time", type=float, default=None, dest="wall_time", metavar="SECONDS",
                    help=f"per problem, for the loop and for the plain request ({FULL['wall_time']:g})")
    ap.add_argument("--lang", default="cpp17", help="the solutions' language (cpp17)")
    ap.add_argument("--prompt", choices=("draft", "plain"), default="draft",
                    help="the plain request's prompt: the loop's draft prompt (default) or statement + 'write it'")
    ap.add_argument("--quick", action="store_true",
                    help=f"one problem ({QUICK['problems']}), {QUICK['attempts']} attempts, no stress tests,"
                         f" {QUICK['wall_time']:g} s (a smoke test; CI runs it against a fake server)")
    ap.add_argument("--out", default="runs/realmodel_bench.json", help="the JSON file of every figure")
    ap.add_argument("--work", default=None, metavar="DIR", help="problem store and runs (default: a new temp dir)")
    ap.add_argument("--shared-data", type=Path, default=SHARED_DATA, help=f"the shared data folder ({SHARED_DATA})")
    args = ap.parse_args(argv)
    preset = QUICK if args.quick else FULL
    if args.problems is None and args.sample is None:
        args.problems = QUICK["problems"] if args.quick else None
        args.sample = FULL["sample"]
    if args.quick and args.problems and len(args.problems.split(",")) > 1:
        ap.error("--quick runs one problem: give one id with --problems, or none")
    if args.quick and args.sample is not None and not args.problems:
        args.sample = 1
    args.attempts = args.attempts if args.attempts is not None else preset["attempts"]
    args.stress_tests = args.stress_tests if args.stress_tests is not None else preset["stress_tests"]
    args.wall_time = float(args.wall_time if args.wall_time is not None else preset["wall_time"])
    if not args.host or not args.model:
        ap.error(f"give --host and --model (or set {URL_ENV} and {NAME_ENV}: "
                 '`eval "$(bash scripts/real_model.sh start)"`)')
    if args.attempts < 1 or args.stress_tests < 0 or args.wall_time <= 0 or (args.sample or 1) < 1:
        ap.error("--attempts and --sample must be at least 1, --stress-tests at least 0, --wall-time positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(bench(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
