"""The problem domain as frozen values: ids, problems, samples, contests.

Pure: nothing here touches the network or the disk. Parsers produce these, everything else consumes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from solver.errors import UsageError

DEFAULT_BASE = "https://codeforces.com"


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
        return f"{self.contest()}{self._glued('/')}"

    @property
    def slug(self) -> str:
        """A file-system-safe name, unique per problem (used as the store folder name)."""
        return f"{self.contest().slug}{self._glued('-')}"

    def _glued(self, sep: str) -> str:
        """The index as written after the contest id: glued when it starts with a letter (1999A), after
        ``sep`` when it is all digits (921/01: "92101" would read as contest 92101)."""
        return f"{sep}{self.index}" if self.index[:1].isdigit() else self.index

    @property
    def path(self) -> str:
        """The problem page's path on Codeforces (``/contest/1999/problem/A``)."""
        return f"{self.contest().path}/problem/{self.index}"

    def url(self, base: str = DEFAULT_BASE) -> str:
        return base.rstrip("/") + self.path

    def contest(self) -> ContestRef:
        return ContestRef(self.contest_id, self.kind, self.group)

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

    @property
    def path(self) -> str:
        """The contest's home path on Codeforces (``/contest/1999``, ``/gym/103505``, ``/group/G/contest/N``)."""
        if self.kind is ContestKind.GROUP:
            return f"/group/{self.group}/contest/{self.contest_id}"
        if self.kind is ContestKind.GYM:
            return f"/gym/{self.contest_id}"
        return f"/contest/{self.contest_id}"

    @property
    def slug(self) -> str:
        """A file-system-safe name, unique per contest (``1999``, ``gym-103505``, ``group-G-N``)."""
        return str(self).replace("/", "-")

    @property
    def problems_path(self) -> str:
        """The page with every problem of the contest."""
        return f"{self.path}/problems"

    def url(self, base: str = DEFAULT_BASE) -> str:
        return base.rstrip("/") + self.path


# A problem index: a letter, then up to three digits ("A", "D2", "G1", group contests' "P35"); or one
# or two digits alone (contest 921's "01".."14"), which only a separator tells from the contest id.
LETTER_INDEX = r"[A-Za-z][0-9]{0,3}"
DIGIT_INDEX = r"[0-9]{1,2}"
INDEX = rf"(?:{LETTER_INDEX}|{DIGIT_INDEX})"
_I = rf"(?P<index>{INDEX})"
_G = r"(?P<group>[A-Za-z0-9]+)"
# Whole paths (fullmatch), never a search: "/group/G/contest/N/problem/X" ends in "/contest/N/problem/X",
# and an unanchored pattern took a group problem for a regular contest's.
_PATHS: list[tuple[re.Pattern[str], ContestKind, bool]] = [
    (re.compile(rf"/contest/(?P<id>\d+)/problem/{_I}"), ContestKind.CONTEST, True),
    (re.compile(rf"/problemset/problem/(?P<id>\d+)/{_I}"), ContestKind.CONTEST, True),
    (re.compile(rf"/gym/(?P<id>\d+)/problem/{_I}"), ContestKind.GYM, True),
    (re.compile(rf"/problemset/gymProblem/(?P<id>\d+)/{_I}"), ContestKind.GYM, True),
    (re.compile(rf"/group/{_G}/contest/(?P<id>\d+)/problem/{_I}"), ContestKind.GROUP, True),
    (re.compile(r"/contest/(?P<id>\d+)(?:/problems)?"), ContestKind.CONTEST, False),
    (re.compile(r"/gym/(?P<id>\d+)(?:/problems)?"), ContestKind.GYM, False),
    (re.compile(rf"/group/{_G}/contest/(?P<id>\d+)(?:/problems)?"), ContestKind.GROUP, False),
]
# Scheme-less URLs as people paste them: "codeforces.com/...", "m1.codeforces.com/...", "www...".
_HOST_ONLY = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?/")
URL_FORMS = (
    "…/contest/N/problem/X, …/problemset/problem/N/X, …/gym/N/problem/X, …/group/G/contest/N/problem/X "
    "or a contest: …/contest/N, …/gym/N, …/group/G/contest/N"
)


def ref_from_path(path: str) -> ProblemId | ContestRef | None:
    """A Codeforces URL path (``/contest/1999/problem/A``, no host, no query) -> what it names, or None."""
    path = path.rstrip("/") or "/"
    for pattern, kind, is_problem in _PATHS:
        m = pattern.fullmatch(path)
        if not m:
            continue
        group = m.group("group") if kind is ContestKind.GROUP else None
        if is_problem:
            return ProblemId(int(m.group("id")), m.group("index").upper(), kind, group)
        return ContestRef(int(m.group("id")), kind, group)
    return None


def parse_ref(text: str) -> ProblemId | ContestRef:
    """Parse what a user typed into a problem id or a contest reference; raise UsageError otherwise."""
    s = text.strip()
    if not s:
        raise UsageError("empty problem id: give e.g. 1999A, 1999 or a Codeforces URL")
    if "://" in s or s.startswith("/") or _HOST_ONLY.match(s):
        parts = urlsplit(s if "://" in s or s.startswith("/") else "https://" + s)
        if parts.scheme.lower() not in {"http", "https", ""}:
            raise UsageError(f"{text!r} is not an http(s) URL: expected {URL_FORMS}")
        ref = ref_from_path(parts.path)
        if ref is None:
            raise UsageError(f"{text!r} is not a Codeforces problem or contest URL (expected {URL_FORMS})")
        return ref
    short_index = rf"(?:\s*/?\s*(?P<index>{LETTER_INDEX})|\s*[/\s]\s*(?P<digits>{DIGIT_INDEX}))?"
    m = re.fullmatch(rf"(?P<gym>gym/)?(?P<id>\d+){short_index}", s)
    group = None
    if m:
        kind = ContestKind.GYM if m.group("gym") or int(m.group("id")) >= 100000 else ContestKind.CONTEST
    else:
        m = re.fullmatch(rf"group/(?P<group>[A-Za-z0-9]+)/(?P<id>\d+){short_index}", s)
        kind, group = ContestKind.GROUP, m.group("group") if m else None
    if m:
        contest = ContestRef(int(m.group("id")), kind, group)
        index = m.group("index") or m.group("digits")
        return contest.problem(index.upper()) if index else contest
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
