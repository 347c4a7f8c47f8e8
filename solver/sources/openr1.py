"""open-r1/codeforces, read from a local copy: problems (statements, limits, samples) and hidden tests.

The public dataset (Hugging Face ``open-r1/codeforces``, CC-BY-4.0) as
``huggingface-cli download open-r1/codeforces --repo-type dataset --local-dir DIR`` leaves it, or any
subset of its files:

    DIR/data/train-NNNNN-of-NNNNN.parquet, DIR/data/test-…        config ``default``: one row per problem
    DIR/verifiable/train-NNNNN-of-NNNNN.parquet, …/test-…         config ``verifiable``: the same columns
    DIR/generated_tests/test_cases_NNNN.parquet                   one file per contest, the id zero-padded
                                                                  to 4 digits: problem_id, input, output, test_i

A problem row: ``id`` ("1999/A"), ``aliases`` (the ids the same problem has in parallel rounds),
``contest_id`` (a string), ``index``, ``title``, ``description``, ``input_format``, ``output_format``,
``interaction_format`` (set for interactive problems), ``note``, ``examples`` [{input, output}],
``time_limit`` (s), ``memory_limit`` (MB), ``rating``, ``tags``, ``official_tests`` [{input, output}],
``official_tests_complete`` (False when Codeforces showed some tests truncated: those are left out),
``input_mode`` ("stdio" or "file": input.txt/output.txt), ``generated_checker``, ``executable`` and
``generated_tests`` (how many generated tests the contest's file holds for it).

``generated_checker`` is Python source, not testlib: open-r1's grader runs it as
``python checker.py input.txt correct_output.txt solution_output.txt`` and accepts when it prints ``1``
(see CHECKER_LANGUAGE). It exists where several answers are valid or outputs are real numbers.

Files of several gigabytes are fine: a file's row groups are decoded only when their parquet statistics
(min/max of ``contest_id``, of ``aliases``' ids, of a test file's ``problem_id``) say they can hold what
is asked for; ``ScanStats`` counts what was decoded and skipped. Row dicts are turned into the project's
frozen ``Problem`` and ``HiddenTests`` by pure functions (``problem_of``, ``hidden_tests_of``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from solver.errors import NotFoundError, UsageError
from solver.problem import ContestKind, Problem, ProblemId, Sample

REPO_ID = "open-r1/codeforces"
# config name -> the folder its problem shards are in
CONFIG_DIRS: Mapping[str, str] = {"default": "data", "verifiable": "verifiable"}
GENERATED_DIR = "generated_tests"
CHECKER_LANGUAGE = "python"  # what generated_checker is written in (see the module doc)

# The columns a Problem and HiddenTests are made of; ``editorial`` (large, never needed) is not read.
PROBLEM_COLUMNS = (
    "id",
    "aliases",
    "contest_id",
    "index",
    "title",
    "description",
    "input_format",
    "output_format",
    "interaction_format",
    "note",
    "examples",
    "time_limit",
    "memory_limit",
    "rating",
    "tags",
    "official_tests",
    "official_tests_complete",
    "input_mode",
    "generated_checker",
    "executable",
    "generated_tests",
)
REQUIRED_COLUMNS = ("id", "contest_id")
TEST_ORDER_COLUMNS = ("test_i", "test_case_i")  # copies of the dataset name the position column either way

Row = Mapping[str, Any]


@dataclass(frozen=True)
class HiddenTests:
    """A problem's hidden tests from the dataset, official tests first (in Codeforces' order), then generated."""

    problem_id: ProblemId
    tests: tuple[tuple[str, str], ...]  # (input, expected output)
    official_count: int
    complete: bool  # official_tests_complete: the official tests are Codeforces' whole test set
    generated: bool  # generated tests are among ``tests``
    checker_source: str | None = None  # generated_checker, Python (CHECKER_LANGUAGE); None: compare tokens
    input_mode: str = "stdio"  # "file": the program reads input.txt and writes output.txt
    interactive: bool = False  # the dataset ships no interactor: such tests cannot be judged by replay
    executable: bool | None = None  # the dataset's own flag: its tests were checked against known solutions
    missing_generated_file: str | None = None  # DIR-relative file that holds generated tests DIR lacks
    origin: str = ""  # where the tests were read, for reports

    @property
    def official(self) -> tuple[tuple[str, str], ...]:
        return self.tests[: self.official_count]

    @property
    def generated_tests(self) -> tuple[tuple[str, str], ...]:
        return self.tests[self.official_count :]


@dataclass
class ScanStats:
    """Row groups decoded and skipped by one reader; mutable on purpose, it is a running count."""

    decoded: int = 0
    skipped: int = 0


# --- file names ---------------------------------------------------------------------------------------------


def generated_tests_file(contest_id: int) -> str:
    """The repository path of a contest's generated tests (ids below 1000 are zero-padded)."""
    return f"{GENERATED_DIR}/test_cases_{contest_id:04d}.parquet"


def problem_shards(repo_files: Iterable[str], config: str = "default") -> tuple[str, ...]:
    """The problem shards of one config among a repository listing, sorted."""
    folder = _config_dir(config)
    return tuple(sorted(f for f in repo_files if f.startswith(f"{folder}/") and f.endswith(".parquet")))


def generated_files_for(rows: Iterable[Row]) -> tuple[str, ...]:
    """The generated-tests files that hold tests of these problem rows (rows counting none need none)."""
    wanted = {generated_tests_file(_contest_of(row)) for row in rows if _int(row.get("generated_tests")) > 0}
    return tuple(sorted(wanted))


def download_hint(root: Path, contests: Sequence[int], config: str = "default", *, command: bool = True) -> str:
    """What to download and where to put it, for error messages (one wording everywhere)."""
    folder = _config_dir(config)
    ids = sorted(set(contests))
    names = [generated_tests_file(c).split("/")[1] for c in ids]
    shown = ", ".join(names) if len(names) <= 3 else f"{names[0]}, …, {names[-1]}"
    tests = (
        f"{shown} (one file per contest, for {contest_ranges(ids)}; contests without generated tests have none)"
        if ids
        else "test_cases_NNNN.parquet (one file per contest)"
    )
    by_hand = (
        f"download from the Hugging Face dataset {REPO_ID} every problem shard {folder}/*.parquet into "
        f"{root / folder}/ and {tests} from {GENERATED_DIR}/ into {root / GENERATED_DIR}/"
    )
    if not command:
        return by_hand
    span = f" --contests {contest_ranges(ids)}" if ids else " --contests IDS"
    return f"run `python -m solver tests fetch open-r1{span} --dir {root}` (needs huggingface_hub), or {by_hand}"


# --- rows -> the project's values (pure) ---------------------------------------------------------------------


def problem_of(row: Row, pid: ProblemId | None = None) -> Problem:
    """The Problem a dataset row describes, under ``pid`` (the row's own id, or one of its aliases)."""
    pid = pid or _pid_of(str(row["id"]))
    interaction = _text(row.get("interaction_format"))
    file_mode = _text(row.get("input_mode")) == "file"
    rating = row.get("rating")
    return Problem(
        id=pid,
        name=_text(row.get("title")),
        time_limit_s=float(row.get("time_limit") or 0.0),
        memory_limit_mb=int(row.get("memory_limit") or 0),
        statement=_text(row.get("description")),
        input_spec=_text(row.get("input_format")),
        output_spec=_text(row.get("output_format")),
        samples=tuple(Sample(_text(e.get("input")), _text(e.get("output"))) for e in row.get("examples") or ()),
        notes=_text(row.get("note")),
        interaction=interaction,
        interactive=bool(interaction.strip()),
        # A checker exists exactly where token equality is not the rule (several answers, real numbers).
        several_answers=bool(_text(row.get("generated_checker")).strip()),
        input_file="input.txt" if file_mode else "standard input",
        output_file="output.txt" if file_mode else "standard output",
        rating=int(rating) if rating is not None else None,
        tags=tuple(str(t) for t in row.get("tags") or ()),
        url=pid.url(),
    )


def hidden_tests_of(
    row: Row,
    generated: Sequence[tuple[str, str]] | None,
    pid: ProblemId | None = None,
    origin: str = "",
) -> HiddenTests:
    """The hidden tests of a row; ``generated`` are its tests from the contest's file, None when that file
    is absent (then ``missing_generated_file`` names it if the row counts any)."""
    pid = pid or _pid_of(str(row["id"]))
    official = tuple((_text(t.get("input")), _text(t.get("output"))) for t in row.get("official_tests") or ())
    extra = tuple(generated or ())
    wants = _int(row.get("generated_tests")) > 0
    checker = _text(row.get("generated_checker"))
    executable = row.get("executable")
    return HiddenTests(
        problem_id=pid,
        tests=official + extra,
        official_count=len(official),
        complete=bool(row.get("official_tests_complete")),
        generated=bool(extra),
        checker_source=checker if checker.strip() else None,
        input_mode=_text(row.get("input_mode")) or "stdio",
        interactive=bool(_text(row.get("interaction_format")).strip()),
        executable=bool(executable) if executable is not None else None,
        missing_generated_file=generated_tests_file(_contest_of(row)) if wants and generated is None else None,
        origin=origin,
    )


def match_rows(rows: Iterable[Row], contest_id: int) -> dict[str, Row]:
    """index -> row of a contest: rows whose own id is in it win over rows that only alias into it."""
    own: dict[str, Row] = {}
    aliased: dict[str, Row] = {}
    for row in rows:
        for ref in (str(row["id"]), *(str(a) for a in row.get("aliases") or ())):
            cid, _, index = ref.partition("/")
            if cid.strip() == str(contest_id) and index:
                target = own if ref == str(row["id"]) else aliased
                target.setdefault(index.strip().upper(), row)
    return {**aliased, **own}


# --- the reader (I/O) ------------------------------------------------------------------------------------------


class OpenR1:
    """A local copy of open-r1/codeforces. Rows of a contest are read once and kept."""

    def __init__(self, root: Path, *, what: str = "open-r1") -> None:
        self.root = root
        self._what = what  # how the user named it, e.g. "--hidden-tests open-r1:DIR"
        if not root.is_dir():
            raise UsageError(f"{what}:{root}: {root} is not a directory (expected a copy of {REPO_ID})")
        self.problem_files = tuple(
            f for folder in ("verifiable", "data") for f in sorted((root / folder).glob("*.parquet"))
        )
        self.test_files = tuple(sorted((root / GENERATED_DIR).glob("test_cases_*.parquet")))
        if not self.problem_files and not self.test_files:
            raise UsageError(
                f"{what}:{root}: no {REPO_ID} files in {root} (expected data/*.parquet or verifiable/*.parquet "
                f"and {GENERATED_DIR}/test_cases_NNNN.parquet); {download_hint(root, [])}"
            )
        self.stats = ScanStats()
        self._rows: dict[int, list[dict[str, Any]]] = {}

    # problems

    def problem(self, pid: ProblemId) -> Problem:
        return problem_of(self._row(pid), pid)

    def contest_problems(self, contest_id: int) -> list[Problem]:
        rows = match_rows(self.rows([contest_id]), contest_id)
        if not rows:
            raise self._not_found(f"contest {contest_id}", contest_id)
        return [problem_of(rows[i], ProblemId(contest_id, i)) for i in sorted(rows)]

    # hidden tests

    def hidden_tests(self, pid: ProblemId) -> HiddenTests:
        row = self._row(pid)
        # A copy without the generated_tests count column may still have the contest's file: look.
        counted = row.get("generated_tests")
        generated = self._generated(str(row["id"]), _contest_of(row)) if counted is None or _int(counted) > 0 else ()
        return hidden_tests_of(row, generated, pid, origin=f"{REPO_ID} at {self.root}")

    def contest_hidden_tests(self, contest_id: int) -> dict[str, HiddenTests]:
        indices = [p.id.index for p in self.contest_problems(contest_id)]
        return {i: self.hidden_tests(ProblemId(contest_id, i)) for i in indices}

    # rows

    def rows(self, contest_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Every problem row of these contests, by own id or alias, decoding only row groups that may hold one."""
        wanted = sorted({int(c) for c in contest_ids} - set(self._rows))
        if wanted:
            found: dict[int, list[dict[str, Any]]] = {c: [] for c in wanted}
            for row in self._scan(set(wanted)):
                for c in _contests_named(row) & set(wanted):
                    found[c].append(row)
            self._rows.update(found)
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for c in sorted({int(c) for c in contest_ids}):
            for row in self._rows[c]:
                if str(row["id"]) not in seen:
                    seen.add(str(row["id"]))
                    out.append(row)
        return out

    def _row(self, pid: ProblemId) -> Row:
        if pid.kind is not ContestKind.CONTEST:
            raise NotFoundError(f"problem {pid}: {REPO_ID} holds regular Codeforces contests only, not gym or groups")
        row = match_rows(self.rows([pid.contest_id]), pid.contest_id).get(pid.index)
        if row is None:
            raise self._not_found(f"problem {pid}", pid.contest_id)
        return row

    def _scan(self, contests: set[int]) -> Iterator[dict[str, Any]]:
        texts = {str(c) for c in contests}
        prefixes = [(f"{c}/", f"{c}/\U0010ffff") for c in sorted(contests)]
        for path in self.problem_files:
            pf = _open(path, self._what)
            names = set(pf.schema_arrow.names)
            if not all(c in names for c in REQUIRED_COLUMNS):
                raise UsageError(
                    f"{self._what}:{self.root}: {path} is not a {REPO_ID} problem shard "
                    f"(it has no {' / '.join(REQUIRED_COLUMNS)} columns)"
                )
            columns = [c for c in PROBLEM_COLUMNS if c in names]
            leaf = _leaf_columns(pf)
            for i in range(pf.metadata.num_row_groups):
                rg = pf.metadata.row_group(i)
                by_id = _may_hold(_stats(rg, leaf.get("contest_id")), contests, texts)
                by_alias = any(_may_hold_range(_stats(rg, leaf.get(p)), prefixes) for p in _alias_paths(leaf))
                if not (by_id or by_alias):
                    self.stats.skipped += 1
                    continue
                self.stats.decoded += 1
                for row in _read_group(pf, i, columns, path, self._what).to_pylist():
                    # A problem in both configs comes twice: rows() keeps one.
                    if row.get("id") is not None and _contests_named(row) & contests:
                        yield row

    def _generated(self, key: str, contest_id: int) -> list[tuple[str, str]] | None:
        """A problem's generated tests in their order; None when DIR lacks the contest's file."""
        path = next(
            (
                p
                for p in (
                    self.root / generated_tests_file(contest_id),
                    self.root / GENERATED_DIR / f"test_cases_{contest_id}.parquet",
                )
                if p.is_file()
            ),
            None,
        )
        if path is None:
            return None
        pf = _open(path, self._what)
        names = set(pf.schema_arrow.names)
        if not {"problem_id", "input", "output"} <= names:
            raise UsageError(
                f"{self._what}:{self.root}: {path} is not a {REPO_ID} generated-tests file "
                "(it has no problem_id / input / output columns)"
            )
        order = next((c for c in TEST_ORDER_COLUMNS if c in names), None)
        columns = ["problem_id", "input", "output", *([order] if order else [])]
        leaf = _leaf_columns(pf)
        found: list[tuple[int, int, str, str]] = []
        for i in range(pf.metadata.num_row_groups):
            if not _may_hold_range(_stats(pf.metadata.row_group(i), leaf.get("problem_id")), [(key, key)]):
                self.stats.skipped += 1
                continue
            self.stats.decoded += 1
            for row in _read_group(pf, i, columns, path, self._what).to_pylist():
                if row["problem_id"] == key:
                    position = _int(row.get(order)) if order else 0
                    found.append((position, len(found), _text(row["input"]), _text(row["output"])))
        found.sort()  # by the dataset's test number, file order among equals
        return [(a, b) for _, _, a, b in found]

    def _not_found(self, what: str, contest_id: int) -> NotFoundError:
        read = f"{len(self.problem_files)} problem shard(s)" if self.problem_files else "no problem shards"
        return NotFoundError(
            f"{what} is not in the copy of {REPO_ID} at {self.root} ({read} read); "
            + download_hint(self.root, [contest_id])
        )


# --- parquet helpers --------------------------------------------------------------------------------------------


def _open(path: Path, what: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as e:
        raise UsageError(f"{what}: cannot read {path} as parquet ({e}); download it again") from None


def _read_group(pf: pq.ParquetFile, i: int, columns: list[str], path: Path, what: str) -> pa.Table:
    try:
        return pf.read_row_group(i, columns=columns)
    except (OSError, pa.ArrowException) as e:
        raise UsageError(f"{what}: {path} is damaged (row group {i}: {e}); download it again") from None


def _leaf_columns(pf: pq.ParquetFile) -> dict[str, int]:
    schema = pf.metadata.schema
    return {schema.column(j).path: j for j in range(len(schema))}


def _alias_paths(leaf: Mapping[str, int]) -> list[str]:
    return [p for p in leaf if p.startswith("aliases.")]


def _stats(rg: Any, column: int | None) -> Any:
    """A column chunk's statistics, or None when the column is absent (then nothing can match on it)."""
    if column is None:
        return None
    return rg.column(column).statistics or _NO_STATS


class _NoStats:
    """A chunk written without statistics: it may hold anything."""

    has_min_max = False
    num_values = 1


_NO_STATS = _NoStats()


def _may_hold(stats: Any, contests: set[int], texts: set[str]) -> bool:
    """Whether a contest_id chunk may hold one of ``contests`` (stored as strings, or ints in some copies)."""
    if stats is None:
        return False
    if not stats.has_min_max:
        return bool(stats.num_values)  # no min/max but values: unknown; all null: nothing
    lo, hi = _plain(stats.min), _plain(stats.max)
    if isinstance(lo, int) and isinstance(hi, int):
        return any(lo <= c <= hi for c in contests)
    return any(str(lo) <= t <= str(hi) for t in texts)


def _may_hold_range(stats: Any, ranges: Sequence[tuple[str, str]]) -> bool:
    """Whether a string chunk may hold a value within one of the [low, high] ranges."""
    if stats is None:
        return False
    if not stats.has_min_max:
        return bool(stats.num_values)
    lo, hi = str(_plain(stats.min)), str(_plain(stats.max))
    return any(not (hi < a or lo > b) for a, b in ranges)


def _plain(v: Any) -> Any:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else v


# --- small pure helpers ----------------------------------------------------------------------------------------

_ID = re.compile(r"\s*(\d+)\s*/\s*([A-Za-z][0-9]?)\s*")


def _pid_of(text: str) -> ProblemId:
    m = _ID.fullmatch(text)
    if not m:
        raise UsageError(f"{text!r} is not an open-r1/codeforces problem id (expected e.g. 1999/A)")
    return ProblemId(int(m.group(1)), m.group(2).upper())


def _contest_of(row: Row) -> int:
    cid = str(row.get("contest_id") or "").strip()
    return int(cid) if cid.isdigit() else _pid_of(str(row["id"])).contest_id


def _contests_named(row: Row) -> set[int]:
    refs = [str(row.get("contest_id") or ""), *(str(a).partition("/")[0] for a in row.get("aliases") or ())]
    return {int(r.strip()) for r in refs if r.strip().isdigit()}


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _config_dir(config: str) -> str:
    try:
        return CONFIG_DIRS[config]
    except KeyError:
        raise UsageError(f"unknown {REPO_ID} config {config!r}: use one of {', '.join(CONFIG_DIRS)}") from None


def contest_ranges(contests: Iterable[int]) -> str:
    """1990,1991,1992,1999 -> "1990-1992,1999"."""
    parts: list[str] = []
    run: list[int] = []
    for c in sorted(set(contests)):
        if run and c == run[-1] + 1:
            run.append(c)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [c]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(parts)
