"""Hidden-test packs: where a contest's submissions are judged when the real judge cannot be asked.

Two formats are imported:

- CodeContests JSONL (DeepMind's dataset, one problem per line): ``cf_contest_id``, ``cf_index``,
  ``public_tests``/``private_tests``/``generated_tests`` as ``{"input": [...], "output": [...]}``. Lines of
  other contests are skipped after a cheap look at their ``cf_contest_id``, so a multi-gigabyte file is fine.
- A plain directory per problem (``--tests-dir DIR`` reads ``DIR/<index>/``): ``NAME.in`` with ``NAME.out`` or
  ``NAME.ans``, or Polygon's ``NN`` with ``NN.a``; an optional checker: ``checker.cpp``/``check.cpp`` (testlib
  convention, compiled in the sandbox; a ``testlib.h`` beside it or in DIR is pasted in, since the judge
  compiles a single file) or ``checker.txt`` naming a built-in comparison (``tokens``, ``numbers 1e-6``,
  ``yesno``, ``lines``).

- open-r1/codeforces (``--hidden-tests open-r1:DIR``, read by ``solver.sources.openr1``): official tests first,
  in Codeforces' order, then the generated ones; ``complete`` and ``generated`` say which; the dataset's
  ``generated_checker`` is a Python program (``checker_lang`` "python").

``load_hidden_tests`` reads any of them from a ``KIND:PATH`` spec (``solver.sources.specs``).

Pure parsing: files in, frozen TestPack values out. Nothing here runs a program.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.api import CheckerKind, Test
from sandbox.testlib import inline_testlib, needs_testlib
from solver.contest.outcome import Coverage
from solver.errors import UsageError
from solver.sources.openr1 import CHECKER_LANGUAGE, HiddenTests, OpenR1
from solver.sources.specs import Spec, SpecKind


@dataclass(frozen=True)
class TestPack:
    index: str  # the problem's index in its contest ("A", "F2")
    tests: tuple[Test, ...]
    origin: str  # where the tests came from, for the report
    checker_kind: CheckerKind = CheckerKind.TOKENS
    checker_eps: float = 1e-6
    checker_source: str | None = None  # the pack's own checker program, when it ships one
    checker_lang: str = "cpp"  # what checker_source is written in: "cpp" (testlib convention) or "python"
    complete: bool = True  # the tests are the problem's whole official test set (as far as the source says)
    generated: bool = False  # some tests are generated, not Codeforces' own
    official_count: int | None = None  # how many of ``tests`` (the first ones) are official; None: unknown
    input_mode: str = "stdio"  # "file": the program reads input.txt and writes output.txt
    missing: str = ""  # what the source lacks (a generated-tests file not downloaded), for the report

    @property
    def has_checker(self) -> bool:
        return self.checker_source is not None or self.checker_kind is not CheckerKind.TOKENS

    @property
    def coverage(self) -> Coverage:
        """"complete": the official test set; "partial": truncated official tests and/or generated ones."""
        return "complete" if self.complete else "partial"

    def describe(self) -> str:
        """The tests in words, for the report: how many, of which kind, from where."""
        n = len(self.tests)
        if self.official_count is None:
            kind = "complete" if self.complete else "not known to be complete"
            what = f"{n} tests ({kind})"
        else:
            gen = n - self.official_count
            official = f"{self.official_count} official ({'complete' if self.complete else 'incomplete'})"
            what = official + (f" + {gen} generated" if gen else "")
        return f"{what} from {self.origin}" + (f"; {self.missing}" if self.missing else "")


_CF_ID = re.compile(rb'"cf_contest_id"\s*:\s*(\d+)')


def _tests_of(block: Any, prefix: str) -> list[Test]:
    if not isinstance(block, dict):
        return []
    ins, outs = block.get("input") or [], block.get("output") or []
    return [
        Test(f"{prefix}{i + 1}", str(a).encode(), str(b).encode())
        for i, (a, b) in enumerate(zip(ins, outs, strict=False))
    ]


def iter_codecontests(path: Path, contest_id: int) -> Iterator[TestPack]:
    """The problems of one contest in a CodeContests JSONL file, each as a TestPack."""
    try:
        fh = path.open("rb")
    except OSError as e:
        raise UsageError(f"cannot read the CodeContests file {path}: {e.strerror}") from None
    with fh:
        for lineno, line in enumerate(fh, 1):
            m = _CF_ID.search(line)
            if not m or int(m.group(1)) != contest_id:
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                raise UsageError(
                    f"{path}:{lineno} is not valid JSON (is it a CodeContests .jsonl file?)"
                ) from None
            index = str(d.get("cf_index") or "").strip().upper()
            if not index:
                continue
            given = _tests_of(d.get("public_tests"), "public-") + _tests_of(d.get("private_tests"), "private-")
            generated = _tests_of(d.get("generated_tests"), "generated-")
            if given or generated:
                # CodeContests kept the tests Codeforces showed in full: nothing says the set is complete.
                yield TestPack(
                    index,
                    tuple(given + generated),
                    f"CodeContests {path.name}",
                    complete=False,
                    generated=bool(generated),
                    official_count=len(given),
                )


def load_codecontests(path: Path, contest_id: int) -> dict[str, TestPack]:
    return {p.index: p for p in iter_codecontests(path, contest_id)}


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def _pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    """(name, input, answer) for every test in a folder, in natural order."""
    out: list[tuple[str, Path, Path]] = []
    for f in folder.iterdir():
        if not f.is_file():
            continue
        if f.suffix == ".in":
            for ext in (".out", ".ans"):
                ans = f.with_suffix(ext)
                if ans.is_file():
                    out.append((f.stem, f, ans))
                    break
        elif re.fullmatch(r"\d+", f.name) and (folder / f"{f.name}.a").is_file():
            out.append((f.name, f, folder / f"{f.name}.a"))
    return sorted(out, key=lambda t: _natural(t[0]))


def _inline_testlib(source: str, folders: list[Path]) -> str:
    """Paste a shipped ``testlib.h`` in place of its #include: the judge compiles one source file. Without
    one here, the judge's own testlib.h is pasted in when the checker is compiled (sandbox.testlib)."""
    header = next((f / "testlib.h" for f in folders if (f / "testlib.h").is_file()), None)
    if header is None or not needs_testlib(source):
        return source
    return inline_testlib(source, header.read_text(encoding="utf-8", errors="replace"))


def _checker(folder: Path) -> tuple[CheckerKind, float, str | None]:
    for name in ("checker.cpp", "check.cpp"):
        if (folder / name).is_file():
            source = (folder / name).read_text(encoding="utf-8", errors="replace")
            return CheckerKind.PROGRAM, 1e-6, _inline_testlib(source, [folder, folder.parent])
    spec = folder / "checker.txt"
    if spec.is_file():
        words = spec.read_text(encoding="utf-8").split()
        try:
            kind = CheckerKind(words[0].lower()) if words else CheckerKind.TOKENS
        except ValueError:
            kind = CheckerKind.PROGRAM  # flagged below
        if kind is CheckerKind.PROGRAM:
            known = ", ".join(k.value for k in CheckerKind if k is not CheckerKind.PROGRAM)
            raise UsageError(
                f"{spec}: unknown checker {words[0]!r}; write one of {known}, or ship checker.cpp"
            )
        try:
            eps = float(words[1]) if len(words) > 1 else 1e-6
        except ValueError:
            raise UsageError(f"{spec}: {words[1]!r} is not a tolerance (e.g. 1e-6)") from None
        return kind, eps, None
    return CheckerKind.TOKENS, 1e-6, None


def load_tests_dir(root: Path) -> dict[str, TestPack]:
    """Every ``root/<index>/`` folder holding tests, as a TestPack per problem index."""
    if not root.is_dir():
        raise UsageError(
            f"hidden tests dir:{root}: not a directory (expected DIR/<index>/ with *.in and *.out)"
        )
    packs: dict[str, TestPack] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        pairs = _pairs(folder)
        if not pairs:
            continue
        kind, eps, source = _checker(folder)
        tests = tuple(Test(name, i.read_bytes(), a.read_bytes()) for name, i, a in pairs)
        index = folder.name.upper()
        packs[index] = TestPack(index, tests, f"directory {folder}", kind, eps, source)
    return packs


def pack_of_hidden_tests(h: HiddenTests, index: str | None = None) -> TestPack:
    """An open-r1 problem's hidden tests as a TestPack: official tests first (Codeforces' order), then generated."""
    official = tuple(
        Test(f"official-{i + 1}", a.encode(), b.encode()) for i, (a, b) in enumerate(h.official)
    )
    generated = tuple(
        Test(f"generated-{i + 1}", a.encode(), b.encode()) for i, (a, b) in enumerate(h.generated_tests)
    )
    checker = h.checker_source
    missing = (
        f"its generated tests are in {h.missing_generated_file}, which this copy lacks"
        if h.missing_generated_file
        else ""
    )
    return TestPack(
        index=(index or h.problem_id.index).upper(),
        tests=official + generated,
        origin=h.origin or "open-r1/codeforces",
        checker_kind=CheckerKind.PROGRAM if checker is not None else CheckerKind.TOKENS,
        checker_source=checker,
        checker_lang=CHECKER_LANGUAGE if checker is not None else "cpp",
        complete=h.complete and bool(official),
        generated=bool(generated),
        official_count=len(official),
        input_mode=h.input_mode,
        missing=missing,
    )


def load_open_r1(root: Path, contest_id: int) -> dict[str, TestPack]:
    """Every problem of a contest in a local copy of open-r1/codeforces that has tests, as TestPacks."""
    found = OpenR1(root, what="--hidden-tests open-r1").contest_hidden_tests(contest_id)
    packs = {index.upper(): pack_of_hidden_tests(h, index) for index, h in found.items()}
    return {i: p for i, p in packs.items() if p.tests}


def load_hidden_tests(spec: Spec, contest_id: int) -> dict[str, TestPack]:
    """The hidden tests a ``--hidden-tests KIND:PATH`` spec gives a contest, by problem index."""
    if spec.kind is SpecKind.OPEN_R1:
        return load_open_r1(spec.path, contest_id)
    if spec.kind is SpecKind.CODECONTESTS:
        return load_codecontests(spec.path, contest_id)
    return load_tests_dir(spec.path)


def check_hidden_tests_spec(spec: Spec) -> None:
    """Fail early, before a model or a judge is started, when the spec's path cannot be what it names."""
    if spec.kind is SpecKind.CODECONTESTS:
        if not spec.path.is_file():
            raise UsageError(f"--hidden-tests {spec}: {spec.path} is not a file (expected a CodeContests .jsonl)")
    elif spec.kind is SpecKind.DIR:
        if not spec.path.is_dir():
            raise UsageError(
                f"--hidden-tests {spec}: {spec.path} is not a directory (expected DIR/<index>/ with *.in and *.out)"
            )
    else:
        OpenR1(spec.path, what="--hidden-tests open-r1")  # checks the folder holds the dataset's files
