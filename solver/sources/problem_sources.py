"""Where problems come from when the store lacks them, chosen by name with ``--source``.

    --source codeforces       Codeforces' own pages (the default): needs the network
    --source open-r1:DIR      a local copy of open-r1/codeforces (solver.sources.openr1): never the network

Both answer the small ProblemSource protocol. ``CodeforcesSource`` keeps the problem store in front of
whichever is chosen (a stored problem is not asked for again unless --refresh), saves what it returns, and
keeps the Codeforces API (standings, rating changes, ratings and tags) for itself, whatever the source of
the statements. The names live in ``solver.registry.PROBLEM_SOURCES``.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from solver.errors import NotFoundError, OfflineError, ParseError, UsageError
from solver.problem import ContestKind, ContestRef, Problem, ProblemId
from solver.sources import cf_html
from solver.sources.openr1 import REPO_ID, OpenR1
from solver.sources.pages import PageFetcher
from solver.sources.specs import parse_source_spec

DEFAULT_SOURCE = "codeforces"


@dataclass(frozen=True)
class Found:
    """Problems a source returned, and where they were read (the store's ``source`` field)."""

    problems: tuple[Problem, ...]
    origin: str


class ProblemSource(Protocol):
    """Statements, limits and samples of problems and contests; nothing of the store or of the API."""

    name: str
    local: bool  # reads the disk only: usable with --offline, and asks the API for nothing

    async def problem(self, pid: ProblemId) -> Found: ...

    async def contest_problems(self, ref: ContestRef) -> Found: ...


class CodeforcesPages:
    """Problems from Codeforces' pages (or the mirrors in ``--base-url``)."""

    name = "codeforces"
    local = False

    def __init__(self, pages: PageFetcher | None) -> None:
        self._pages = pages

    async def problem(self, pid: ProblemId) -> Found:
        page = await self._fetcher().get(pid.path)
        base = base_of(page.url, pid.path)
        return Found((cf_html.parse_problem(page.body, pid, url=pid.url(base), base_url=base),), page.url)

    async def contest_problems(self, ref: ContestRef) -> Found:
        page = await self._fetcher().get(ref.problems_path)
        problems = cf_html.parse_problems(page.body, ref, base_url=base_of(page.url, ref.problems_path))
        if not problems:
            raise ParseError(f"the problems page of contest {ref} lists no problems")
        return Found(tuple(problems), page.url)

    def _fetcher(self) -> PageFetcher:
        if self._pages is None:
            raise OfflineError("no page fetcher: this source only reads the store")
        return self._pages


class OpenR1Problems:
    """Problems from a local copy of open-r1/codeforces; the parquet reading runs in a worker thread."""

    name = "open-r1"
    local = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self._reader = OpenR1(root, what="--source open-r1")
        self._origin = f"open-r1:{root}"

    async def problem(self, pid: ProblemId) -> Found:
        return Found((await asyncio.to_thread(self._reader.problem, pid),), self._origin)

    async def contest_problems(self, ref: ContestRef) -> Found:
        if ref.kind is not ContestKind.CONTEST:
            raise NotFoundError(f"contest {ref}: {REPO_ID} holds regular Codeforces contests only, not gym or groups")
        problems = await asyncio.to_thread(self._reader.contest_problems, ref.contest_id)
        return Found(tuple(problems), self._origin)


def base_of(url: str, path: str) -> str:
    """The base URL that actually served ``path`` (a mirror, perhaps): statements' links resolve there."""
    return url[: -len(path)] if url.endswith(path) else url


# --- chosen by name --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceChoice:
    name: str  # a key of solver.registry.PROBLEM_SOURCES
    path: Path | None  # the directory of open-r1; None for codeforces


def parse_problem_source(text: str) -> SourceChoice:
    """``codeforces`` or ``open-r1:DIR`` (the value of --source / SOLVER_SOURCE) -> SourceChoice."""
    if text.strip().lower() == DEFAULT_SOURCE:
        return SourceChoice(DEFAULT_SOURCE, None)
    if text.strip().lower().startswith(f"{DEFAULT_SOURCE}:"):
        raise UsageError(f"--source {text!r}: codeforces takes no path; write just codeforces")
    try:
        spec = parse_source_spec(text)
    except UsageError as e:
        raise UsageError(f"{e}; or codeforces (the default)") from None
    return SourceChoice(spec.kind.value, spec.path)


def codeforces_pages(path: Path | None, *, pages: PageFetcher | None) -> ProblemSource:
    return CodeforcesPages(pages)


def open_r1(path: Path | None, *, pages: PageFetcher | None) -> ProblemSource:
    if path is None:
        raise UsageError("--source open-r1 needs the directory of the copy: open-r1:DIR")
    return OpenR1Problems(path)


def build_problem_source(text: str, *, pages: PageFetcher | None) -> ProblemSource:
    """The source ``text`` names, built (an open-r1 directory is checked now, before any work)."""
    from solver.registry import PROBLEM_SOURCES, pick

    choice = parse_problem_source(text)
    source: ProblemSource = pick(PROBLEM_SOURCES, choice.name, "problem source")(choice.path, pages=pages)
    return source


def add_source_option(p: argparse.ArgumentParser) -> None:
    """``--source SPEC`` on every command that reads problems; its dest is the Config field ``source``."""
    p.add_argument(
        "--source",
        default=None,
        metavar="SPEC",
        help="where problems missing from the store come from: codeforces (the pages; default) or "
        "open-r1:DIR (a local copy of the open-r1/codeforces dataset, no network); env SOLVER_SOURCE",
    )
