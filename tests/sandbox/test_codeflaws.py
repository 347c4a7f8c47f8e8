"""Judge accuracy on real Codeforces submissions (Codeflaws): accepted stays AC, rejected stays rejected.

For every defect marked clean, the accepted submission must get AC on every untruncated test and the
rejected one must not. The agreement of the rejected submission's verdict class (WA, TLE, RE, ...) with its
Codeforces verdict is a figure, printed (run with ``-s``) and recorded as a test property, not a pass/fail
rule: some classes differ for reasons outside the judge's control (Codeforces ran these C programs on
Windows, where an out-of-bounds write crashes instead of corrupting a loop counter).

Two data sources share one tolerant reader: the vendored subset in ``tests/fixtures/codeflaws`` (runs
here) and ``../shared/data/codeflaws/defects.jsonl`` (the full set, where present). The shared file's field
names are not fixed, so the reader accepts the common spellings (see ``load_defects``).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Limits, Source, Test, Verdict
from sandbox.judge import Judge
from tests.conftest import FIXTURES

VENDORED = FIXTURES / "codeflaws" / "defects.jsonl"

# Codeforces verdict names (API spelling and short forms) to the verdict class compared with ours.
_CF_CLASS = {
    "WRONG_ANSWER": "WA",
    "PRESENTATION_ERROR": "WA",  # Codeforces shows it as a wrong answer
    "WA": "WA",
    "PE": "WA",
    "TIME_LIMIT_EXCEEDED": "TLE",
    "IDLENESS_LIMIT_EXCEEDED": "TLE",
    "TLE": "TLE",
    "RUNTIME_ERROR": "RE",
    "RE": "RE",
    "MEMORY_LIMIT_EXCEEDED": "MLE",
    "MLE": "MLE",
    "COMPILATION_ERROR": "CE",
    "CE": "CE",
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
_LANGS = {
    "c": "c11",
    "gnu c": "c11",
    "gnu c11": "c11",
    "c11": "c11",
    "c99": "c11",
    "cpp": "cpp17",
    "c++": "cpp17",
}


@dataclass(frozen=True)
class Defect:
    id: str
    cf_class: str  # WA, TLE, RE, MLE, CE or "?" when the data does not say
    clean: bool
    lang: str
    accepted: str
    rejected: str
    tests: tuple[Test, ...]  # untruncated tests only
    truncated: int  # tests left out because Codeflaws stored them cut short
    limits: Limits


# ------------------------------------------------------------------ tolerant reading


def _first(d: Mapping[str, Any], *keys: str) -> Any:
    for k in keys:
        if d.get(k) is not None:
            return d[k]
    return None


def _text(value: Any, base: Path) -> str | None:
    """Code or data given inline, as a path relative to the manifest, or as a dict holding either."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return _text(_first(value, "source", "code", "text", "content", "data", "path", "file"), base)
    text = str(value)
    if "\n" not in text and len(text) < 400:
        path = base / text
        if path.is_file():
            return path.read_text(errors="replace")
    return text


def _truncated(spec: Mapping[str, Any], inp: str, ans: str | None) -> bool:
    flag = _first(spec, "truncated", "is_truncated", "partial")
    if flag is not None:
        return bool(flag)
    # Codeforces (and so Codeflaws) shows long tests cut short with a trailing "..."
    return inp.rstrip().endswith("...") or (ans is not None and ans.rstrip().endswith("..."))


_CF_TEST = re.compile(r"^(heldout-)?(input|output)-(pos|neg)(\d+)$")


def _tests_from_dir(d: Path) -> list[dict[str, Any]]:
    """Codeflaws folders (input-pos1 / output-pos1, heldout-...) or NAME.in with NAME.out / NAME.ans."""
    pairs: dict[str, dict[str, Any]] = {}
    for p in sorted(d.iterdir()):
        m = _CF_TEST.match(p.name)
        if m:
            key = f"{m.group(1) or ''}{m.group(3)}{m.group(4)}"
            pairs.setdefault(key, {"name": key})["input" if m.group(2) == "input" else "answer"] = str(p)
        elif p.suffix in (".in", ".out", ".ans"):
            pairs.setdefault(p.stem, {"name": p.stem})["input" if p.suffix == ".in" else "answer"] = str(p)
    return [t for t in pairs.values() if "input" in t and "answer" in t]


def _limit(value: Any, default: float, big: float, scale: float) -> float:
    if value is None:
        return default
    v = float(value)
    return v / scale if v > big else v  # milliseconds (or KB) spelled as plain numbers


def parse_defect(raw: Mapping[str, Any], base: Path, clean_default: bool) -> Defect:
    ident = str(_first(raw, "id", "defect", "defect_id", "name", "key", "subject") or "?")
    rejected_spec = _first(
        raw, "rejected", "buggy", "rejected_source", "buggy_source", "buggy_program", "wrong"
    )
    accepted_spec = _first(raw, "accepted", "fixed", "accepted_source", "fixed_source", "correct", "golden")
    verdict = _first(raw, "verdict", "cf_verdict", "rejected_verdict", "buggy_verdict", "codeforces_verdict")
    if verdict is None and isinstance(rejected_spec, Mapping):
        verdict = _first(rejected_spec, "verdict", "cf_verdict")
    clean = _first(raw, "clean", "is_clean")
    if clean is None:
        status = _first(raw, "status", "quality")
        tags = _first(raw, "tags", "flags") or []
        clean = (status == "clean") or ("clean" in tags) or (clean_default and status is None and not tags)
    accepted, rejected = _text(accepted_spec, base), _text(rejected_spec, base)
    if accepted is None or rejected is None:
        raise ValueError(f"defect {ident}: no accepted or rejected source in {sorted(raw)}")
    specs = _first(raw, "tests", "testcases", "test_cases", "cases")
    if specs is None:
        tests_dir = _first(raw, "tests_dir", "test_dir", "dir", "path", "folder")
        specs = _tests_from_dir(base / str(tests_dir)) if tests_dir else []
    tests, truncated = [], 0
    for i, spec in enumerate(specs, start=1):
        if not isinstance(spec, Mapping):
            continue
        inp = _text(_first(spec, "input", "in", "stdin", "input_path", "input_file"), base)
        ans = _text(
            _first(spec, "answer", "output", "expected", "out", "expected_output", "answer_path"), base
        )
        if inp is None or ans is None:
            continue
        if _truncated(spec, inp, ans):
            truncated += 1
            continue
        tests.append(Test(str(_first(spec, "name", "id") or i), inp.encode(), ans.encode()))
    lang = str(_first(raw, "lang", "language") or "c11").lower()
    time_s = _limit(_first(raw, "time_limit_s", "time_limit", "timelimit"), 2.0, 50, 1000)
    memory_mb = _limit(_first(raw, "memory_limit_mb", "memory_limit", "memorylimit"), 256, 16384, 1024)
    return Defect(
        id=ident,
        cf_class=_CF_CLASS.get(str(verdict or "").upper(), "?"),
        clean=bool(clean),
        lang=_LANGS.get(lang, lang),
        accepted=accepted,
        rejected=rejected,
        tests=tuple(tests),
        truncated=truncated,
        limits=Limits(time_s=time_s, memory_mb=int(memory_mb)),
    )


def load_defects(path: Path) -> list[Defect]:
    """Every defect of a JSONL manifest (blank and malformed lines are skipped, and counted by the caller)."""
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    marked = any(k in r for r in rows for k in ("clean", "is_clean", "status", "tags", "flags"))
    # Where no defect carries any cleanliness marker, the data makes no such distinction: judge them all.
    return [parse_defect(r, path.parent, clean_default=not marked) for r in rows if isinstance(r, dict)]


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
    acc = await judge.compile(Source(d.accepted, d.lang))
    rej = await judge.compile(Source(d.rejected, d.lang))
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
        lines.append(
            f"{d.id:32} {d.cf_class:4} {o.rejected.value:4} {'ok' if o.accepted_ok else 'FAIL':4} {flag}"
        )
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
    defects = load_defects(VENDORED)
    assert len(defects) == len(VENDORED.read_text().splitlines()) >= 10
    assert {d.cf_class for d in defects} == {"WA", "TLE", "RE"}
    for d in defects:
        assert d.tests and d.truncated == 0
        assert "int main" in d.accepted and "int main" in d.rejected and d.accepted != d.rejected
    assert [d.id for d in defects if not d.clean] == ["509-B-bug-10034741-10034768"]


def test_reader_accepts_other_spellings(tmp_path: Path) -> None:
    """The shared manifest's exact field names are unknown: inline code, nested dicts, ms, folders."""
    folder = tmp_path / "1-A-bug-1-2"
    folder.mkdir()
    (folder / "input-pos1").write_text("6 6 4\n")
    (folder / "output-pos1").write_text("4\n")
    (folder / "heldout-input-pos2").write_text("1 2 3 4 5 ...")  # cut short by Codeforces
    (folder / "heldout-output-pos2").write_text("9\n")
    (folder / "fixed.c").write_text("int main(void){return 0;}\n")
    rows = [
        {
            "defect_id": "1-A-bug-1-2",
            "buggy": {"code": "int main(void){return 1;}\n", "verdict": "RUNTIME_ERROR"},
            "fixed": "1-A-bug-1-2/fixed.c",
            "status": "clean",
            "time_limit": 1000,
            "memory_limit": 262144,
            "tests_dir": "1-A-bug-1-2",
        },
        {
            "name": "x",
            "wrong": "int main(void){}\n",
            "correct": "int main(void){}\n",
            "cf_verdict": "WA",
            "tests": [{"in": "1\n", "out": "1\n"}, {"stdin": "2\n", "expected": "2 ...", "truncated": False}],
        },
        "not a defect",
    ]
    manifest = tmp_path / "defects.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n{broken\n")
    a, b = load_defects(manifest)
    assert (a.id, a.cf_class, a.clean, a.lang) == ("1-A-bug-1-2", "RE", True, "c11")
    assert a.rejected.startswith("int main") and a.accepted == "int main(void){return 0;}\n"
    assert a.limits == Limits(time_s=1.0, memory_mb=256)
    assert [(t.input, t.answer) for t in a.tests] == [(b"6 6 4\n", b"4\n")] and a.truncated == 1
    assert (b.id, b.cf_class, b.clean) == ("x", "WA", False)  # the file marks cleanliness elsewhere
    assert len(b.tests) == 2  # an explicit truncated=False wins over the trailing dots


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
    outcomes = await judge_all(judge, load_defects(VENDORED))
    text, rate = summary(outcomes)
    print("\n" + text)
    record_property("codeflaws_vendored_agreement", f"{rate:.3f}")
    assert_judged_correctly(outcomes)
    # The unclean defect is kept to show why it is unclean: under C11 its rejection cannot be reproduced.
    unclean = [o for o in outcomes if not o.defect.clean]
    assert [o.rejected for o in unclean] == [Verdict.AC]


@pytest.mark.docker
@pytest.mark.timeout(4 * 3600)
async def test_shared_codeflaws_defects(shared_data: Path, judge: Judge, record_property: Any) -> None:
    path = shared_data / "codeflaws" / "defects.jsonl"
    if not path.is_file():
        pytest.skip(f"no {path}")
    defects = load_defects(path)
    assert defects, f"{path} holds no readable defect"
    clean = [d for d in defects if d.clean]
    outcomes = await judge_all(judge, clean)
    text, rate = summary(outcomes)
    print(f"\n{len(clean)} clean of {len(defects)} defects in {path}\n{text}")
    record_property("codeflaws_shared_agreement", f"{rate:.3f}")
    assert_judged_correctly(outcomes)
