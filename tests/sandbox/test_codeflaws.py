"""Judge accuracy on real Codeforces submissions (Codeflaws): accepted stays AC, rejected stays rejected.

For every defect marked clean, the accepted submission must get AC on every untruncated test and the
rejected one must not. The agreement of the rejected submission's verdict class (WA, TLE, RE, ...) with its
Codeforces verdict is a figure, printed (run with ``-s``) and recorded as a test property, not a pass/fail
rule: some classes differ for reasons outside the judge's control (Codeforces ran these C programs on
Windows, where an out-of-bounds write crashes instead of corrupting a loop counter).

Two data sets, each read by its own exact reader (their layouts are documented, nothing is guessed): the
vendored subset in ``tests/fixtures/codeflaws`` (its README) and every defect of
``../shared/data/codeflaws/defects.jsonl`` (the shared data's README). A test stored cut short
(``truncated``) cannot be compared and is left out; its defect is still judged on the others.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Limits, Source, Test, Verdict
from sandbox.judge import Judge
from tests.conftest import FIXTURES

VENDORED = FIXTURES / "codeflaws" / "defects.jsonl"
SHARED = Path("codeflaws") / "defects.jsonl"  # in the shared data folder
SHARED_DEFECTS, SHARED_CLEAN = 108, 85  # as the shared data's README counts them

# Codeforces verdict names (API spelling) to the verdict class compared with ours; "?" where none fits
# (CHALLENGED: hacked, on a test not in the data).
_CF_CLASS = {
    "WRONG_ANSWER": "WA",
    "PRESENTATION_ERROR": "WA",  # Codeforces shows it as a wrong answer
    "TIME_LIMIT_EXCEEDED": "TLE",
    "IDLENESS_LIMIT_EXCEEDED": "TLE",
    "RUNTIME_ERROR": "RE",
    "CRASHED": "RE",
    "MEMORY_LIMIT_EXCEEDED": "MLE",
    "COMPILATION_ERROR": "CE",
}
_OUR_CLASS = {
    Verdict.WA: "WA",
    Verdict.PE: "WA",
    Verdict.TLE: "TLE",
    Verdict.ILE: "TLE",
    Verdict.RE: "RE",
    Verdict.MLE: "MLE",
    Verdict.OLE: "OLE",
    Verdict.CE: "CE",
    Verdict.JE: "JE",
    Verdict.AC: "AC",
}
# Codeflaws' programs are C, marked clean with gcc -std=c99 -O2; the judge's C is GNU C11 (-std=gnu11),
# a superset for these programs (every clean defect below is judged the same under it).
LANG = "c11"
DEFAULT_LIMITS = Limits(time_s=2.0, memory_mb=256)  # where the shared data has no scraped limits


@dataclass(frozen=True)
class Defect:
    id: str
    cf_class: str  # WA, TLE, RE, MLE, CE or "?" when no class fits
    clean: bool
    lang: str
    accepted: str
    rejected: str
    tests: tuple[Test, ...]  # untruncated tests only
    truncated: int  # tests left out because they were stored cut short
    limits: Limits


# ------------------------------------------------------------------ reading


def _tests(
    rows: Sequence[Mapping[str, Any]], answer_key: str, text: Callable[[str], str]
) -> tuple[tuple[Test, ...], int]:
    tests = [
        Test(str(t["name"]), text(t["input"]).encode(), text(t[answer_key]).encode())
        for t in rows
        if not t["truncated"]
    ]
    return tuple(tests), len(rows) - len(tests)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def load_vendored(path: Path = VENDORED) -> list[Defect]:
    """The vendored layout: sources and tests as files beside the manifest (tests/fixtures/codeflaws)."""

    def text(rel: str) -> str:
        return (path.parent / rel).read_text()

    defects = []
    for raw in _jsonl(path):
        tests, truncated = _tests(raw["tests"], "answer", text)
        defects.append(
            Defect(
                id=raw["id"],
                cf_class=_CF_CLASS.get(raw["verdict"], "?"),
                clean=raw["clean"],
                lang=raw["lang"],
                accepted=text(raw["accepted"]),
                rejected=text(raw["rejected"]),
                tests=tests,
                truncated=truncated,
                limits=Limits(time_s=raw["time_limit_s"], memory_mb=raw["memory_limit_mb"]),
            )
        )
    return defects


def load_shared(path: Path) -> list[Defect]:
    """The shared layout (its README): sources and tests inline, limits as scraped in 2024 (or null)."""
    defects = []
    for raw in _jsonl(path):
        tests, truncated = _tests(raw["tests"], "output", str)
        time_s, memory_mb = raw["time_limit_seconds_scraped_2024"], raw["memory_limit_mb_scraped_2024"]
        defects.append(
            Defect(
                id=raw["defect"],
                cf_class=_CF_CLASS.get(raw["buggy_cf_verdict"], "?"),
                clean=raw["clean"],
                lang=LANG,
                accepted=raw["accepted_source"],
                rejected=raw["buggy_source"],
                tests=tests,
                truncated=truncated,
                limits=DEFAULT_LIMITS
                if time_s is None or memory_mb is None
                else Limits(time_s=float(time_s), memory_mb=int(memory_mb)),
            )
        )
    return defects


# ------------------------------------------------------------------ judging


@dataclass(frozen=True)
class Outcome:
    defect: Defect
    accepted: tuple[Verdict, ...]  # per test
    rejected: Verdict  # overall (first failing test's verdict)

    @property
    def accepted_ok(self) -> bool:
        return all(v is Verdict.AC for v in self.accepted)

    @property
    def rejected_ok(self) -> bool:
        return self.rejected is not Verdict.AC

    @property
    def agrees(self) -> bool:
        return _OUR_CLASS[self.rejected] == self.defect.cf_class


async def judge_defect(judge: Judge, d: Defect) -> Outcome:
    """Each program compiled once and judged on all its tests in one batch (the rejected one up to its
    first failure)."""
    acc, rej = await asyncio.gather(
        judge.compile(Source(d.accepted, d.lang)), judge.compile(Source(d.rejected, d.lang))
    )
    acc_res = await judge.judge(acc, d.tests, d.limits)
    rej_res = await judge.judge(rej, d.tests, d.limits, stop_on_failure=True)
    accepted = tuple(t.verdict for t in acc_res.tests) if acc.ok else (Verdict.CE,)
    return Outcome(d, accepted, rej_res.verdict)


async def judge_all(judge: Judge, defects: Sequence[Defect]) -> list[Outcome]:
    gate = asyncio.Semaphore(2 * judge.workers)

    async def one(d: Defect) -> Outcome:
        async with gate:
            return await judge_defect(judge, d)

    return list(await asyncio.gather(*(one(d) for d in defects)))


def summary(outcomes: Sequence[Outcome]) -> tuple[str, float]:
    """A table of outcomes and the agreement of verdict classes over clean, rejected, classified defects."""
    lines = [f"{'defect':32} {'CF':4} {'ours':4} {'acc':4} clean"]
    for o in outcomes:
        d = o.defect
        flag = "" if d.clean else "no"
        lines.append(f"{d.id:32} {d.cf_class:4} {o.rejected.value:4} {'ok' if o.accepted_ok else 'FAIL':4} {flag}")
    counted = [o for o in outcomes if o.defect.clean and o.rejected_ok and o.defect.cf_class != "?"]
    agree = sum(o.agrees for o in counted)
    rate = agree / len(counted) if counted else 0.0
    by_class: dict[str, list[int]] = {}
    for o in counted:
        by_class.setdefault(o.defect.cf_class, [0, 0])
        by_class[o.defect.cf_class][0] += o.agrees
        by_class[o.defect.cf_class][1] += 1
    parts = ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(by_class.items()))
    lines.append(f"verdict-class agreement: {agree}/{len(counted)} = {rate:.0%} ({parts})")
    return "\n".join(lines), rate


def assert_judged_correctly(outcomes: Sequence[Outcome]) -> None:
    wrong = [
        f"{o.defect.id}: accepted got {[v.value for v in o.accepted]}"
        for o in outcomes
        if o.defect.clean and not o.accepted_ok
    ]
    wrong += [f"{o.defect.id}: rejected got AC" for o in outcomes if o.defect.clean and not o.rejected_ok]
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------ tests


def test_vendored_manifest_reads_completely() -> None:
    defects = load_vendored()
    assert len(defects) == len(VENDORED.read_text().splitlines()) >= 10
    assert {d.cf_class for d in defects} == {"WA", "TLE", "RE"}
    for d in defects:
        assert d.tests and d.truncated == 0
        assert "int main" in d.accepted and "int main" in d.rejected and d.accepted != d.rejected
    assert [d.id for d in defects if not d.clean] == ["509-B-bug-10034741-10034768"]


def test_shared_manifest_reads_completely(shared_data: Path) -> None:
    """Every defect, every field as the shared README documents it; truncated tests only are left out."""
    path = shared_data / SHARED
    defects = load_shared(path)
    rows = _jsonl(path)
    assert (len(defects), sum(d.clean for d in defects)) == (SHARED_DEFECTS, SHARED_CLEAN)
    assert sum(d.truncated for d in defects) == sum(t["truncated"] for r in rows for t in r["tests"])
    assert sum(len(d.tests) + d.truncated for d in defects) == sum(len(r["tests"]) for r in rows)
    assert all(d.tests for d in defects if d.clean), "a clean defect with no comparable test"
    assert {d.cf_class for d in defects} >= {"WA", "TLE", "RE"}
    scraped = [d for d, r in zip(defects, rows, strict=True) if r["time_limit_seconds_scraped_2024"] is not None]
    assert scraped and any(d.limits != DEFAULT_LIMITS for d in scraped)
    for d in defects:
        assert "main" in d.accepted and "main" in d.rejected and d.accepted != d.rejected
        assert not any(t.input.rstrip().endswith(b"...") and t.answer is None for t in d.tests)


def test_summary_counts_only_clean_rejected_classified() -> None:
    def mk(cls: str, clean: bool, got: Verdict) -> Outcome:
        return Outcome(Defect("d", cls, clean, "c11", "", "", (), 0, Limits()), (Verdict.AC,), got)

    outcomes = [mk("WA", True, Verdict.WA), mk("TLE", True, Verdict.OLE), mk("RE", False, Verdict.RE)]
    outcomes.append(mk("?", True, Verdict.WA))
    outcomes.append(mk("WA", True, Verdict.AC))
    text, rate = summary(outcomes)
    assert rate == 0.5 and "1/2 = 50%" in text and "TLE 0/1" in text and "WA 1/1" in text


_outcomes: dict[str, Outcome] = {}


@pytest.mark.docker
@pytest.mark.timeout(300)
async def test_vendored_codeflaws_defects(judge: Judge, record_property: Any) -> None:
    outcomes = await judge_all(judge, load_vendored())
    text, rate = summary(outcomes)
    print("\n" + text)
    record_property("codeflaws_vendored_agreement", f"{rate:.3f}")
    assert_judged_correctly(outcomes)
    # The unclean defect is kept to show why it is unclean: under C11 its rejection cannot be reproduced.
    unclean = [o for o in outcomes if not o.defect.clean]
    assert [o.rejected for o in unclean] == [Verdict.AC]


@pytest.mark.docker
@pytest.mark.timeout(1800)
async def test_shared_codeflaws_defects(shared_data: Path, judge: Judge, record_property: Any) -> None:
    """Every clean defect of the shared file, not a sample."""
    defects = load_shared(shared_data / SHARED)
    clean = [d for d in defects if d.clean]
    assert len(clean) == SHARED_CLEAN
    outcomes = await judge_all(judge, clean)
    text, rate = summary(outcomes)
    print(f"\n{len(clean)} clean of {len(defects)} defects\n{text}")
    record_property("codeflaws_shared_agreement", f"{rate:.3f}")
    assert len(outcomes) == SHARED_CLEAN and all(len(o.accepted) == len(o.defect.tests) for o in outcomes)
    assert_judged_correctly(outcomes)
