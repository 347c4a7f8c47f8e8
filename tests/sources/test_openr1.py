"""open-r1/codeforces as a source of problems and hidden tests, the spec parser and `tests fetch`.

Every copy here is written in the dataset's parquet schema by tests/sources/openr1_data.py; no test touches
the network (the hub client is replaced by a stand-in serving a local "remote" copy).
"""

from __future__ import annotations

import shutil
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from solver.cli import main
from solver.commands import tests_fetch
from solver.errors import NetworkError, NotFoundError, OfflineError, UsageError
from solver.problem import ContestKind, ProblemId, Sample
from solver.sources import openr1
from solver.sources.openr1 import OpenR1
from solver.sources.specs import (
    Spec,
    SpecKind,
    parse_contests,
    parse_hidden_tests_spec,
    parse_source_spec,
    parse_spec,
)
from tests.sources import openr1_data as data


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return data.write_synthetic(tmp_path / "open-r1")


def pid(text: str) -> ProblemId:
    return ProblemId.parse(text)


# --- problems ---------------------------------------------------------------------------------------------------


def test_a_row_becomes_the_projects_problem(copy: Path) -> None:
    p = OpenR1(copy).problem(pid("1990B"))
    assert p.id == pid("1990B")
    assert p.name == "Real Product"
    assert (p.time_limit_s, p.memory_limit_mb) == (2.5, 512)
    assert p.rating == 1400 and p.tags == ("math",)
    assert p.samples == (Sample("2 0.5\n", "1.000000\n"),)
    assert p.output_spec == "The product, with absolute or relative error at most 1e-6."
    assert p.several_answers and not p.interactive  # a checker means token equality is not the rule
    assert (p.input_file, p.output_file) == ("standard input", "standard output")
    assert p.url == "https://codeforces.com/contest/1990/problem/B"


def test_interactive_file_io_and_unrated_problems(copy: Path) -> None:
    reader = OpenR1(copy)
    guess = reader.problem(pid("1991A"))
    assert guess.interactive and guess.interaction.startswith("Print ? x")
    assert guess.rating is None and not guess.several_answers
    file_io = reader.problem(pid("1994A"))
    assert (file_io.input_file, file_io.output_file) == ("input.txt", "output.txt")


def test_a_contest_lists_its_problems_in_index_order_with_aliases(copy: Path) -> None:
    # 1992/C is the same problem as 1993/E (a parallel round): the row says so in `aliases`.
    problems = OpenR1(copy).contest_problems(1993)
    assert [str(p.id) for p in problems] == ["1993A", "1993B", "1993E"]
    assert problems[2].name == "Any Split" and problems[2].url.endswith("/contest/1993/problem/E")
    assert [str(p.id) for p in OpenR1(copy).contest_problems(1990)] == ["1990A", "1990B"]


def test_a_problem_in_both_configs_is_read_once(copy: Path) -> None:
    assert (copy / "verifiable").is_dir()
    rows = OpenR1(copy).rows([1980, 1981])
    assert sorted(r["id"] for r in rows) == ["1980/A", "1981/A"]


def test_a_rows_own_id_wins_over_another_rows_alias() -> None:
    own, alias = data.row("1993/E", title="own"), data.row("1992/C", aliases=["1993/E"], title="alias")
    for rows in ([own, alias], [alias, own]):
        assert openr1.match_rows(rows, 1993)["E"]["title"] == "own"
    assert openr1.match_rows([alias], 1993)["E"]["title"] == "alias"
    assert openr1.match_rows([alias], 1992)["C"]["title"] == "alias"


# --- hidden tests --------------------------------------------------------------------------------------------


def test_official_tests_first_then_generated_in_test_order(copy: Path) -> None:
    t = OpenR1(copy).hidden_tests(pid("1990B"))
    assert t.tests == (("2 0.5\n", "1.000000\n"), *data.B_GENERATED)  # the file holds them as 2, 0, 1
    assert t.official_count == 1 and t.official == (("2 0.5\n", "1.000000\n"),)
    assert t.generated_tests == tuple(data.B_GENERATED)
    assert not t.complete and t.generated
    assert t.checker_source == data.FLOAT_CHECKER and openr1.CHECKER_LANGUAGE == "python"
    assert t.missing_generated_file is None and t.input_mode == "stdio"


def test_multi_test_input_problem_keeps_its_official_tests_whole(copy: Path) -> None:
    t = OpenR1(copy).hidden_tests(pid("1990A"))
    assert t.tests == (("2\n77\n21\n", "14\n3\n"), ("1\n10\n", "1\n"), ("1\n99\n", "18\n"), ("1\n50\n", "5\n"))
    assert t.complete and t.checker_source is None


def test_an_interactive_problem_has_no_replayable_tests(copy: Path) -> None:
    t = OpenR1(copy).hidden_tests(pid("1991A"))
    assert t.interactive and t.tests == () and t.executable is False and not t.generated


def test_an_aliased_problem_gets_the_tests_filed_under_its_own_id(copy: Path) -> None:
    t = OpenR1(copy).hidden_tests(pid("1993E"))
    assert t.problem_id == pid("1993E")
    assert t.tests == (("4\n", "1 3\n"), *data.C_GENERATED)
    assert t.checker_source == data.ANY_PAIR_CHECKER


def test_old_contests_read_the_zero_padded_file(copy: Path) -> None:
    assert (copy / "generated_tests" / "test_cases_0071.parquet").is_file()
    assert openr1.generated_tests_file(71) == "generated_tests/test_cases_0071.parquet"
    assert OpenR1(copy).hidden_tests(pid("71A")).generated_tests == (("7\n", "7\n"),)


def test_a_missing_generated_tests_file_is_named_not_hidden(copy: Path) -> None:
    (copy / "generated_tests" / "test_cases_1990.parquet").unlink()
    t = OpenR1(copy).hidden_tests(pid("1990B"))
    assert t.tests == (("2 0.5\n", "1.000000\n"),) and not t.generated
    assert t.missing_generated_file == "generated_tests/test_cases_1990.parquet"
    # A problem that counts no generated tests misses nothing.
    assert OpenR1(copy).hidden_tests(pid("1993A")).missing_generated_file is None


def test_contest_hidden_tests_covers_every_problem(copy: Path) -> None:
    packs = OpenR1(copy).contest_hidden_tests(1993)
    assert sorted(packs) == ["A", "B", "E"]
    assert packs["E"].generated_tests == tuple(data.C_GENERATED)


# --- only matching row groups are decoded ----------------------------------------------------------------------


def groups_holding(paths: list[Path], match: Callable[[dict[str, Any]], bool]) -> set[tuple[str, int]]:
    """The (file, row group) pairs that really hold a matching row: read whole, before any spying."""
    out = set()
    for path in paths:
        pf = pq.ParquetFile(path)
        for i in range(pf.metadata.num_row_groups):
            if any(match(r) for r in pf.read_row_group(i).to_pylist()):
                out.add((path.name, i))
    return out


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every row group decoded from now on, as (file name, group), seen through pyarrow's public API;
    a whole-file read fails the test."""
    calls: list[tuple[str, int]] = []
    real_init, real_read = pq.ParquetFile.__init__, pq.ParquetFile.read_row_group

    def init(self: pq.ParquetFile, source: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, source, *args, **kwargs)
        self.spied_name = Path(str(source)).name  # type: ignore[attr-defined]

    def spy(self: pq.ParquetFile, i: int, *args: Any, **kwargs: Any) -> pa.Table:
        calls.append((self.spied_name, i))  # type: ignore[attr-defined]
        return real_read(self, i, *args, **kwargs)

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the reader decoded a whole file")

    monkeypatch.setattr(pq.ParquetFile, "__init__", init)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy)
    monkeypatch.setattr(pq.ParquetFile, "read", refuse)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", refuse)
    monkeypatch.setattr(pq, "read_table", refuse)
    return calls


def test_reading_a_contest_decodes_only_the_row_groups_holding_it(copy: Path, decoded: list[tuple[str, int]]) -> None:
    reader = OpenR1(copy)
    shards = list(reader.problem_files)
    total = sum(pq.ParquetFile(p).metadata.num_row_groups for p in shards)
    wanted = groups_holding(shards, lambda r: r["contest_id"] == "1990")
    decoded.clear()  # the helper above read everything, on purpose
    assert [str(p.id) for p in reader.contest_problems(1990)] == ["1990A", "1990B"]
    assert set(decoded) == wanted and len(decoded) == len(wanted)
    assert total >= 3 * len(wanted) + 8  # the copy really has groups to skip
    assert reader.stats.decoded == len(wanted) and reader.stats.skipped == total - len(wanted)
    # Rows are kept: asking again decodes nothing.
    reader.problem(pid("1990A"))
    assert len(decoded) == len(wanted)


def test_aliases_statistics_find_the_parallel_rounds_row_and_nothing_else(
    copy: Path, decoded: list[tuple[str, int]]
) -> None:
    reader = OpenR1(copy)
    wanted = groups_holding(
        list(reader.problem_files), lambda r: r["contest_id"] == "1993" or "1993/E" in (r["aliases"] or [])
    )
    own_rows = groups_holding(list(reader.problem_files), lambda r: r["contest_id"] == "1993")
    assert wanted - own_rows, "the copy must hold the aliased row apart from contest 1993's own rows"
    decoded.clear()
    reader.contest_problems(1993)
    assert set(decoded) == wanted


def test_generated_tests_decode_only_the_problems_row_groups(copy: Path, decoded: list[tuple[str, int]]) -> None:
    reader = OpenR1(copy)
    reader.rows([1990])
    tests_file = copy / "generated_tests" / "test_cases_1990.parquet"
    wanted = groups_holding([tests_file], lambda r: r["problem_id"] == "1990/B")
    assert pq.ParquetFile(tests_file).metadata.num_row_groups > len(wanted)
    decoded.clear()
    reader.hidden_tests(pid("1990B"))
    assert set(decoded) == wanted


# --- errors ---------------------------------------------------------------------------------------------------


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a directory") as e:
        OpenR1(tmp_path / "nowhere", what="--hidden-tests open-r1")
    assert "--hidden-tests open-r1:" in str(e.value) and e.value.exit_code == 2


def test_a_directory_without_the_dataset_says_what_to_download(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(UsageError) as e:
        OpenR1(tmp_path)
    msg = str(e.value)
    assert "no open-r1/codeforces files" in msg and "data/*.parquet" in msg and f"{tmp_path / 'data'}/" in msg
    assert "tests fetch open-r1" in msg


def test_a_problem_not_in_the_copy_names_the_files_to_fetch(copy: Path) -> None:
    with pytest.raises(NotFoundError) as e:
        OpenR1(copy).problem(pid("2500C"))
    msg = str(e.value)
    assert "problem 2500C is not in the copy" in msg
    assert "--contests 2500" in msg and "test_cases_2500.parquet" in msg and f"{copy / 'generated_tests'}/" in msg
    with pytest.raises(NotFoundError, match="contest 2600"):
        OpenR1(copy).contest_problems(2600)
    with pytest.raises(NotFoundError, match="regular Codeforces contests only"):
        OpenR1(copy).problem(ProblemId(103505, "A", ContestKind.GYM))


def test_tests_without_problem_rows_ask_for_the_problem_shards(copy: Path) -> None:
    shutil.rmtree(copy / "data")
    shutil.rmtree(copy / "verifiable")
    with pytest.raises(NotFoundError, match=r"no problem shards read.*data/\*\.parquet"):
        OpenR1(copy).hidden_tests(pid("1990B"))


def test_a_foreign_or_damaged_parquet_file_is_named(copy: Path) -> None:
    pq.write_table(pa.table({"x": [1]}), copy / "data" / "other.parquet")
    with pytest.raises(UsageError, match=r"other\.parquet is not a open-r1/codeforces problem shard"):
        OpenR1(copy).rows([1990])
    (copy / "data" / "other.parquet").write_bytes(b"PAR1 half a download")
    with pytest.raises(UsageError, match=r"cannot read .*other\.parquet as parquet.*download it again"):
        OpenR1(copy).rows([1990])


# --- real data: Codeflaws' tests, CodeElo's statements of contest 1999 ----------------------------------------


def test_real_codeforces_tests_come_back_exactly(tmp_path: Path, shared_data: Path) -> None:
    defects = data.codeflaws_rows(shared_data, 6)
    assert len(defects) == 6
    data.write_codeflaws(tmp_path, defects)
    reader = OpenR1(tmp_path)
    for d in defects:
        p = ProblemId(d["contest_id"], d["index"])
        t = reader.hidden_tests(p)
        assert t.tests == tuple((x["input"], x["output"]) for x in d["tests"]), p
        assert t.official_count == len(d["tests"]) // 2 and t.generated
        problem = reader.problem(p)
        assert (problem.time_limit_s, problem.memory_limit_mb) == (
            d["time_limit_seconds_scraped_2024"],
            int(d["memory_limit_mb_scraped_2024"]),
        )
        assert problem.rating == d["problem_rating"]
    assert any(d["contest_id"] < 1000 for d in defects)  # zero-padded file names on real contests too


def test_real_statements_of_contest_1999_come_back_exactly(tmp_path: Path, shared_data: Path) -> None:
    source = data.codeelo_contest(shared_data, 1999)
    assert [p["problem_id"] for p in source] == [f"1999{i}" for i in ("A", "B", "C", "D", "E", "F", "G1", "G2")]
    data.write_codeelo(tmp_path, source)
    problems = OpenR1(tmp_path).contest_problems(1999)
    assert [str(p.id) for p in problems] == [s["problem_id"] for s in source]
    for p, s in zip(problems, source, strict=True):
        assert p.name == s["title"]
        assert (p.statement, p.input_spec, p.output_spec) == (s["description"], s["input"], s["output"])
        assert (p.interaction, p.notes) == (s["interaction"], s["note"])
        assert p.interactive == bool(s["interaction"])
        assert p.samples == tuple(Sample(i, o) for i, o in data.codeelo_examples(s["examples"]))
        assert (p.time_limit_s, p.memory_limit_mb) == (s["time_limit_ms"] / 1000, s["memory_limit_mb"])
        assert (p.rating, p.tags) == (s["rating"], tuple(s["tags"]))
    assert problems[0].samples == (Sample("8\n77\n21\n40\n34\n19\n84\n10\n99\n", "14\n3\n4\n7\n10\n12\n1\n18\n"),)
    assert [p.interactive for p in problems] == [False] * 6 + [True] * 2


# --- specs ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "path"),
    [
        ("open-r1:/data/cf", SpecKind.OPEN_R1, "/data/cf"),
        ("OpenR1:rel/dir", SpecKind.OPEN_R1, "rel/dir"),
        ("open_r1: spaced ", SpecKind.OPEN_R1, "spaced"),
        ("codecontests:train.jsonl", SpecKind.CODECONTESTS, "train.jsonl"),
        ("dir:tests/1999", SpecKind.DIR, "tests/1999"),
        ("dir:C:/packs", SpecKind.DIR, "C:/packs"),  # only the first colon separates
    ],
)
def test_specs_parse(text: str, kind: SpecKind, path: str) -> None:
    spec = parse_hidden_tests_spec(text)
    assert spec == Spec(kind, Path(path))
    assert parse_spec(str(spec)) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "/some/dir",
            r"expected open-r1:DIR or codecontests:FILE or dir:DIR \(prefix the path with its kind, e\.g\. "
            r"open-r1:/some/dir\)",
        ),
        ("zip:packs.zip", "expected open-r1:DIR or codecontests:FILE or dir:DIR$"),
        ("open-r1:", "the DIR after open-r1: is missing"),
        ("codecontests: ", "the FILE after codecontests: is missing"),
    ],
)
def test_bad_specs_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as e:
        parse_hidden_tests_spec(text)
    assert e.value.exit_code == 2 and str(e.value).startswith(f"--hidden-tests {text!r}")


def test_source_specs_take_open_r1_only() -> None:
    assert parse_source_spec("open-r1:cf") == Spec(SpecKind.OPEN_R1, Path("cf"))
    with pytest.raises(UsageError, match=r"--source 'dir:x': dir cannot be used here; expected open-r1:DIR$"):
        parse_source_spec("dir:x")


def test_contest_lists() -> None:
    assert parse_contests("1990-2010") == tuple(range(1990, 2011))
    assert parse_contests("1999") == (1999,)
    assert parse_contests(" 1992, 1990-1991 ,1991") == (1990, 1991, 1992)
    for bad, message in [
        ("abc", "'abc' is not a contest id or range"),
        ("2010-1990", "not a range from a lower id"),
        ("0", "not a range from a lower id"),
        ("1-20000", "more than 5000 contests"),
        ("1990-", "not a contest id or range"),
    ]:
        with pytest.raises(UsageError, match=message):
            parse_contests(bad)


# --- tests fetch ----------------------------------------------------------------------------------------------


def test_shard_selection_is_by_config_and_generated_tests_by_row() -> None:
    listing = [
        "README.md",
        "data/train-00001-of-00002.parquet",
        "data/train-00000-of-00002.parquet",
        "data/test-00000-of-00001.parquet",
        "verifiable/train-00000-of-00010.parquet",
        "generated_tests/test_cases_1990.parquet",
        "generated_tests/test_cases_0071.parquet",
    ]
    assert openr1.problem_shards(listing) == (
        "data/test-00000-of-00001.parquet",
        "data/train-00000-of-00002.parquet",
        "data/train-00001-of-00002.parquet",
    )
    assert openr1.problem_shards(listing, "verifiable") == ("verifiable/train-00000-of-00010.parquet",)
    with pytest.raises(UsageError, match="unknown open-r1/codeforces config 'train'"):
        openr1.problem_shards(listing, "train")
    rows = [
        data.row("1990/A", generated_tests=2),
        data.row("1990/B", generated_tests=3),
        data.row("1992/C", aliases=["1993/E"], generated_tests=1),  # fetched for contest 1993 too
        data.row("1993/A", generated_tests=0),
        data.row("71/A", generated_tests=4),
    ]
    assert tests_fetch.plan_tests(rows, listing) == (
        ("generated_tests/test_cases_0071.parquet", "generated_tests/test_cases_1990.parquet"),
        ("generated_tests/test_cases_1992.parquet",),
    )


def test_fetch_offline_names_the_files_and_where_to_put_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["tests", "fetch", "open-r1", "--contests", "71,1990-1992", "--dir", str(tmp_path), "--offline"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == OfflineError.exit_code == 1
    assert "--offline: nothing is downloaded" in err
    assert f"data/*.parquet into {tmp_path / 'data'}/" in err
    assert "test_cases_0071.parquet, …, test_cases_1992.parquet" in err and "for 71,1990-1992" in err
    assert f"into {tmp_path / 'generated_tests'}/" in err


def test_fetch_without_huggingface_hub_says_how_to_install_or_place_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # import fails as if not installed
    with pytest.raises(OfflineError, match=r"pip install huggingface_hub, or download .*test_cases_1999\.parquet"):
        tests_fetch.fetch(tmp_path, [1999])


class FakeHub(types.ModuleType):
    """huggingface_hub's two calls the command uses, serving files from a local directory."""

    def __init__(self, remote: Path, fail: str | None = None) -> None:
        super().__init__("huggingface_hub")
        self.remote = remote
        self.fail = fail
        self.downloaded: list[str] = []

    def list_repo_files(self, repo_id: str, repo_type: str) -> list[str]:
        assert (repo_id, repo_type) == ("open-r1/codeforces", "dataset")
        return sorted(str(p.relative_to(self.remote)) for p in self.remote.rglob("*.parquet"))

    def hf_hub_download(self, repo_id: str, filename: str, repo_type: str, local_dir: str) -> str:
        assert (repo_id, repo_type) == ("open-r1/codeforces", "dataset")
        if filename == self.fail:
            raise ConnectionError("connection reset")
        self.downloaded.append(filename)
        target = Path(local_dir) / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.remote / filename, target)
        return str(target)


def test_fetch_downloads_the_problem_shards_then_the_contests_test_files(copy: Path, tmp_path: Path) -> None:
    hub = FakeHub(copy)
    local = tmp_path / "local"
    report = tests_fetch.fetch(local, [1990, 1991, 1993, 2500], hub=lambda: hub)
    shards = ("data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet")
    assert report.problem_files == shards
    # 1990's own file, 1992's for 1993E (an alias of 1992/C); 1991 and 1993's own rows count none; not 71's.
    assert report.test_files == ("generated_tests/test_cases_1990.parquet", "generated_tests/test_cases_1992.parquet")
    assert hub.downloaded == [*shards, *report.test_files]
    assert report.contests_found == (1990, 1991, 1993) and report.contests_missing == (2500,)
    assert report.tests_not_in_dataset == ()
    assert OpenR1(local).hidden_tests(pid("1993E")).generated_tests == tuple(data.C_GENERATED)


def test_fetch_reports_a_failed_download_as_a_network_error(copy: Path, tmp_path: Path) -> None:
    hub = FakeHub(copy, fail="generated_tests/test_cases_1990.parquet")
    with pytest.raises(NetworkError, match=r"downloading generated_tests/test_cases_1990\.parquet failed .*run again"):
        tests_fetch.fetch(tmp_path / "local", [1990], hub=lambda: hub)


def test_fetch_command_prints_what_it_got(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", FakeHub(copy))
    local = tmp_path / "local"
    assert main(["tests", "fetch", "open-r1", "--contests", "1990", "--dir", str(local), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"contests_found": [\n    1990\n  ]' in out and "test_cases_1990.parquet" in out
