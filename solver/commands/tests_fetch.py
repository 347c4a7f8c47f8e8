"""`python -m solver tests fetch open-r1 --contests 1990-2010 [--dir DIR]`: the dataset files a contest needs.

Downloads from the Hugging Face hub with ``huggingface_hub`` (an optional dependency), into DIR laid out
as ``huggingface-cli download`` lays it out, so ``--hidden-tests open-r1:DIR`` reads it as it is:

1. the problem shards of one config (``data/*.parquet`` for ``default``, about 2.7 GB; the shards are not
   split by contest, so every shard is needed);
2. then, reading those rows, the generated-tests files holding the asked contests' problems (one per
   contest, ``generated_tests/test_cases_NNNN.parquet``; a problem shared with a parallel round has its
   tests under that round's id).

Each file is resumed where an interrupted download stopped and skipped when already whole (the hub client
keeps that record in DIR/.cache), with its progress bar. Offline, or without huggingface_hub, the error
names the files and where to put them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.markup import escape

from solver.config import Config
from solver.errors import NetworkError, OfflineError
from solver.sources import openr1
from solver.sources.specs import parse_contests

DEFAULT_DIR = Path("datasets") / "open-r1-codeforces"


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "tests",
        help="hidden-test datasets: download what a contest needs",
        description="Hidden-test datasets for judging contests locally.",
    )
    tsub = p.add_subparsers(dest="tests_command", required=True, metavar="ACTION")
    f = tsub.add_parser(
        "fetch",
        parents=[parent],
        help="download the open-r1/codeforces files some contests need",
        description="Download the open-r1/codeforces (CC-BY-4.0) files that some contests need: the problem "
        "shards of one config and the generated-tests files of those contests. Resumable; needs "
        "huggingface_hub (pip install huggingface_hub). Then use --hidden-tests open-r1:DIR.",
    )
    f.add_argument("dataset", choices=["open-r1"], help="the dataset (only open-r1/codeforces for now)")
    f.add_argument("--contests", required=True, metavar="IDS", help="contest ids: 1999, 1990-2010 or 1990-1995,2001")
    f.add_argument("--dir", type=Path, default=None, help=f"where to put the files (default: {DEFAULT_DIR})")
    f.add_argument(
        "--dataset-config",
        choices=sorted(openr1.CONFIG_DIRS),
        default="default",
        help="which problem rows: default (every problem, data/) or verifiable (verifiable/)",
    )
    f.set_defaults(func=run)


@dataclass(frozen=True)
class FetchReport:
    root: Path
    contests: tuple[int, ...]
    problem_files: tuple[str, ...]
    test_files: tuple[str, ...]  # downloaded (or already whole)
    tests_not_in_dataset: tuple[str, ...]  # rows count generated tests, the repository has no such file
    contests_found: tuple[int, ...]  # contests with at least one problem row

    @property
    def contests_missing(self) -> tuple[int, ...]:
        return tuple(c for c in self.contests if c not in self.contests_found)

    def to_json(self) -> dict[str, Any]:
        return {
            "dir": str(self.root),
            "problem_files": list(self.problem_files),
            "test_files": list(self.test_files),
            "tests_not_in_dataset": list(self.tests_not_in_dataset),
            "contests_found": list(self.contests_found),
            "contests_missing": list(self.contests_missing),
        }


def plan_tests(rows: Sequence[openr1.Row], repo_files: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(generated-tests files to download, files the rows count but the repository lacks)."""
    listed = set(repo_files)
    needed = openr1.generated_files_for(rows)
    return tuple(f for f in needed if f in listed), tuple(f for f in needed if f not in listed)


def hub_module() -> ModuleType:
    """huggingface_hub, imported only here: the rest of the project never needs it."""
    return importlib.import_module("huggingface_hub")


def fetch(
    root: Path,
    contests: Sequence[int],
    config_name: str = "default",
    *,
    offline: bool = False,
    hub: Callable[[], ModuleType] = hub_module,
) -> FetchReport:
    hint = openr1.download_hint(root, contests, config_name, command=False)
    if offline:
        raise OfflineError(f"--offline: nothing is downloaded; to place the files yourself, {hint}")
    try:
        hf = hub()
    except ImportError:
        raise OfflineError(f"huggingface_hub is not installed: pip install huggingface_hub, or {hint}") from None
    try:
        listing = list(hf.list_repo_files(openr1.REPO_ID, repo_type="dataset"))
    except Exception as e:  # the hub client raises many kinds; every one means the same here
        raise NetworkError(f"cannot list {openr1.REPO_ID} on the Hugging Face hub ({e}); {hint}") from None
    shards = openr1.problem_shards(listing, config_name)
    if not shards:
        raise NetworkError(
            f"the hub lists no {openr1.CONFIG_DIRS[config_name]}/*.parquet in {openr1.REPO_ID}: "
            "its layout has changed; download it by hand and use --hidden-tests open-r1:DIR"
        )
    for name in shards:
        _download(hf, name, root, hint)
    reader = openr1.OpenR1(root, what="tests fetch --dir")
    rows = reader.rows(contests)
    wanted, absent = plan_tests(rows, listing)
    for name in wanted:
        _download(hf, name, root, hint)
    found = tuple(c for c in contests if reader.rows([c]))
    return FetchReport(root, tuple(contests), shards, wanted, absent, found)


def _download(hf: ModuleType, name: str, root: Path, hint: str) -> None:
    try:
        hf.hf_hub_download(openr1.REPO_ID, name, repo_type="dataset", local_dir=str(root))
    except Exception as e:  # network, disk, hub: the file is resumed on the next run
        raise NetworkError(f"downloading {name} failed ({e}); run again to resume, or {hint}") from None


async def run(args: argparse.Namespace, config: Config) -> int:
    contests = parse_contests(args.contests)
    root = args.dir or DEFAULT_DIR
    report = await asyncio.to_thread(fetch, root, contests, args.dataset_config, offline=config.offline)
    if config.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0
    console = Console()
    console.print(
        f"[bold]{escape(str(root))}[/]: {len(report.problem_files)} problem shard(s), "
        f"{len(report.test_files)} generated-tests file(s)"
    )
    console.print(f"contests with problems in the dataset: {len(report.contests_found)} of {len(contests)}")
    if report.contests_missing:
        console.print(f"[yellow]not in the dataset:[/] {escape(openr1.contest_ranges(report.contests_missing))}")
    if report.tests_not_in_dataset:
        console.print(f"[yellow]counted but not published:[/] {escape(', '.join(report.tests_not_in_dataset))}")
    console.print(f"use it with [bold]--hidden-tests open-r1:{escape(str(root))}[/]")
    return 0
