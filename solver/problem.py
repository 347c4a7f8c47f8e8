"""The problem domain as frozen values: ids, problems, samples, contests.

Pure: nothing here touches the network or the disk. Parsers produce these, everything else consumes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from solver.errors import UsageError


class ContestKind(str, Enum):
    CONTEST = "contest"  # a regular Codeforces round (contest id)
    GYM = "gym"  # gym contests (ids >= 100000)
    GROUP = "group"  # group contests: need the group code too


@dataclass(frozen=True, order=True)
class ProblemId:
    """A Codeforces problem: contest (or gym/group contest) plus index such as "A" or "F2"."""

    contest_id: int
    index: str
    kind: ContestKind = ContestKind.CONTEST
    group: str | None = None

    def __str__(self) -> str:
        if self.kind is ContestKind.GROUP:
            return f"group/{self.group}/{self.contest_id}{self.index}"
        if self.kind is ContestKind.GYM:
            return f"gym/{self.contest_id}{self.index}"
        return f"{self.contest_id}{self.index}"

    @property
    def slug(self) -> str:
        """A file-system-safe name, unique per problem (used as the store folder name)."""
        if self.kind is ContestKind.GROUP:
            return f"group-{self.group}-{self.contest_id}{self.index}"
        if self.kind is ContestKind.GYM:
            return f"gym-{self.contest_id}{self.index}"
        return f"{self.contest_id}{self.index}"

    def url(self, base: str = "https://codeforces.com") -> str:
        base = base.rstrip("/")
        if self.kind is ContestKind.GROUP:
            return f"{base}/group/{self.group}/contest/{self.contest_id}/problem/{self.index}"
        if self.kind is ContestKind.GYM:
            return f"{base}/gym/{self.contest_id}/problem/{self.index}"
        return f"{base}/contest/{self.contest_id}/problem/{self.index}"

    @staticmethod
    def parse(text: str) -> ProblemId:
        """Parse "1999A", "1999 A", "gym/103505A" or any Codeforces problem URL."""
        ref = parse_ref(text)
        if not isinstance(ref, ProblemId):
            raise UsageError(f"{text!r} names a whole contest, not one problem (add the index, e.g. {text}A)")
        return ref


@dataclass(frozen=True)
class ContestRef:
    """A whole contest named by the user (``1999``, a contest URL, ``gym/103505``)."""

    contest_id: int
    kind: ContestKind = ContestKind.CONTEST
    group: str | None = None

    def __str__(self) -> str:
        if self.kind is ContestKind.GROUP:
            return f"group/{self.group}/{self.contest_id}"
        if self.kind is ContestKind.GYM:
            return f"gym/{self.contest_id}"
        return str(self.contest_id)

    def problem(self, index: str) -> ProblemId:
        return ProblemId(self.contest_id, index, self.kind, self.group)


_INDEX = r"([A-Za-z][0-9]?)"
_URL_PATTERNS: list[tuple[re.Pattern[str], ContestKind]] = [
    (re.compile(rf"/contest/(\d+)/problem/{_INDEX}/?$"), ContestKind.CONTEST),
    (re.compile(rf"/problemset/problem/(\d+)/{_INDEX}/?$"), ContestKind.CONTEST),
    (re.compile(rf"/gym/(\d+)/problem/{_INDEX}/?$"), ContestKind.GYM),
    (re.compile(rf"/group/([A-Za-z0-9]+)/contest/(\d+)/problem/{_INDEX}/?$"), ContestKind.GROUP),
]
_CONTEST_URL_PATTERNS: list[tuple[re.Pattern[str], ContestKind]] = [
    (re.compile(r"/contest/(\d+)(?:/problems)?/?$"), ContestKind.CONTEST),
    (re.compile(r"/gym/(\d+)(?:/problems)?/?$"), ContestKind.GYM),
    (re.compile(r"/group/([A-Za-z0-9]+)/contest/(\d+)(?:/problems)?/?$"), ContestKind.GROUP),
]


def parse_ref(text: str) -> ProblemId | ContestRef:
    """Parse what a user typed into a problem id or a contest reference; raise UsageError otherwise."""
    s = text.strip()
    if not s:
        raise UsageError("empty problem id: give e.g. 1999A, 1999 or a Codeforces URL")
    if "://" in s or s.startswith(("codeforces.", "www.")) or s.startswith("/"):
        path = re.sub(r"^[a-z]+://[^/]+", "", s).split("?")[0].split("#")[0]
        for pat, kind in _URL_PATTERNS:
            m = pat.search(path)
            if m:
                if kind is ContestKind.GROUP:
                    return ProblemId(int(m.group(2)), m.group(3).upper(), kind, m.group(1))
                return ProblemId(int(m.group(1)), m.group(2).upper(), kind)
        for pat, kind in _CONTEST_URL_PATTERNS:
            m = pat.search(path)
            if m:
                if kind is ContestKind.GROUP:
                    return ContestRef(int(m.group(2)), kind, m.group(1))
                return ContestRef(int(m.group(1)), kind)
        raise UsageError(
            f"{text!r} is not a Codeforces problem or contest URL "
            "(expected …/contest/N/problem/X, …/problemset/problem/N/X, …/gym/N/problem/X or "
            "…/group/G/contest/N/problem/X)"
        )
    m = re.fullmatch(r"(gym/)?(\d+)\s*/?\s*([A-Za-z][0-9]?)?", s)
    if m:
        kind = ContestKind.GYM if m.group(1) or int(m.group(2)) >= 100000 else ContestKind.CONTEST
        if m.group(3):
            return ProblemId(int(m.group(2)), m.group(3).upper(), kind)
        return ContestRef(int(m.group(2)), kind)
    m = re.fullmatch(r"group/([A-Za-z0-9]+)/(\d+)([A-Za-z][0-9]?)?", s)
    if m:
        if m.group(3):
            return ProblemId(int(m.group(2)), m.group(3).upper(), ContestKind.GROUP, m.group(1))
        return ContestRef(int(m.group(2)), ContestKind.GROUP, m.group(1))
    raise UsageError(f"{text!r} is not a problem id: expected e.g. 1999A, 1999 (a contest), gym/103505A or a URL")


@dataclass(frozen=True)
class Sample:
    input: str
    output: str  # empty for interactive problems' example exchanges when there is nothing to compare


@dataclass(frozen=True)
class Problem:
    id: ProblemId
    name: str
    time_limit_s: float
    memory_limit_mb: int
    statement: str  # legend, text with TeX kept as $...$
    input_spec: str
    output_spec: str
    samples: tuple[Sample, ...]
    notes: str = ""
    interaction: str = ""  # the "Interaction" section of interactive problems
    interactive: bool = False
    several_answers: bool = False  # "print any of them": the judge needs a checker, not token equality
    images: tuple[str, ...] = ()  # absolute URLs
    input_file: str = "standard input"
    output_file: str = "standard output"
    rating: int | None = None
    tags: tuple[str, ...] = ()
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": {
                "contest_id": self.id.contest_id,
                "index": self.id.index,
                "kind": self.id.kind.value,
                "group": self.id.group,
            },
            "name": self.name,
            "time_limit_s": self.time_limit_s,
            "memory_limit_mb": self.memory_limit_mb,
            "statement": self.statement,
            "input_spec": self.input_spec,
            "output_spec": self.output_spec,
            "samples": [{"input": s.input, "output": s.output} for s in self.samples],
            "notes": self.notes,
            "interaction": self.interaction,
            "interactive": self.interactive,
            "several_answers": self.several_answers,
            "images": list(self.images),
            "input_file": self.input_file,
            "output_file": self.output_file,
            "rating": self.rating,
            "tags": list(self.tags),
            "url": self.url,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> Problem:
        i = d["id"]
        return Problem(
            id=ProblemId(int(i["contest_id"]), str(i["index"]), ContestKind(i.get("kind", "contest")), i.get("group")),
            name=d["name"],
            time_limit_s=float(d["time_limit_s"]),
            memory_limit_mb=int(d["memory_limit_mb"]),
            statement=d.get("statement", ""),
            input_spec=d.get("input_spec", ""),
            output_spec=d.get("output_spec", ""),
            samples=tuple(Sample(s["input"], s["output"]) for s in d.get("samples", [])),
            notes=d.get("notes", ""),
            interaction=d.get("interaction", ""),
            interactive=bool(d.get("interactive", False)),
            several_answers=bool(d.get("several_answers", False)),
            images=tuple(d.get("images", [])),
            input_file=d.get("input_file", "standard input"),
            output_file=d.get("output_file", "standard output"),
            rating=d.get("rating"),
            tags=tuple(d.get("tags", [])),
            url=d.get("url", ""),
        )


class ContestType(str, Enum):
    CF = "CF"  # Codeforces scoring: decaying points, -50 per rejected attempt
    ICPC = "ICPC"  # solved count, then penalty minutes (+10 per rejected attempt)
    IOI = "IOI"


@dataclass(frozen=True)
class ContestProblem:
    index: str
    name: str
    points: float | None = None  # max points under CF rules
    rating: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contest:
    id: int
    name: str
    type: ContestType
    division: str | None  # "1", "2", "3", "4", "1+2", "edu", "global", None if unknown
    start_time: int | None  # unix seconds
    duration_s: int
    problems: tuple[ContestProblem, ...] = ()
    phase: str = "FINISHED"
