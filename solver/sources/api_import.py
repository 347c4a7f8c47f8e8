"""Codeforces API answers saved by hand (a browser's "Save as", ``curl -o``), for the store's API cache.

With them in the cache, ``contest N --offline`` and ``fetch --offline`` run where the API cannot be
reached: they are filed under the very keys ``CodeforcesSource`` looks up (``solver.sources.codeforces``'s
``*_key`` functions), with the same lifetimes (``api_ttl``) counted from the file's time.

The kind is told from the content, each with the API's envelope ``{"status": "OK", "result": ...}`` or as
the bare ``result`` some tools save:

    contest.standings      {"contest", "problems", "rows"}: the standings (official, or with unofficial
                           participants when rows show them) and the contest's one-row answer
    contest.ratingChanges  [{contestId, handle, oldRating, newRating, ...}]: one contest, several handles
    user.rating            the same items: one handle, several contests
    contest.list           [{id, name, type, phase, ...}] (the gym list when every id is a gym's)
    problemset.problems    {"problems", "problemStatistics"}; also a bare list of problems with their
                           solvedCount merged in, as scrapers save it

One item of rating changes fits both of its kinds: a contest named by ``--id`` or a file name saying
``ratingChanges`` makes it a contest's, anything else a user's. Pure apart from reading the given file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.errors import UsageError
from solver.sources import cf_api
from solver.sources.cf_api import ParamValue
from solver.sources.codeforces import (
    contest_info_key,
    contest_list_key,
    problemset_key,
    rating_changes_key,
    standings_key,
    user_rating_key,
)

KINDS = ("contest.standings", "contest.ratingChanges", "contest.list", "user.rating", "problemset.problems")
KINDS_TEXT = ", ".join(KINDS)
GYM_IDS_FROM = 100000  # Codeforces numbers gym contests from 100000 on
_CHANGE_FIELDS = ("contestId", "handle", "oldRating", "newRating")


@dataclass(frozen=True)
class ApiEntry:
    """One answer for the cache: the call it stands for, and what it is, for people."""

    method: str
    params: dict[str, ParamValue]
    result: Any
    what: str


def read_json(path: Path) -> Any:
    """The document in ``path``; UsageError when it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a text file: {_reads()}") from None
    except ValueError as e:
        raise UsageError(f"{path} is not JSON ({e}): {_reads()}") from None


def looks_like_companion(doc: Any) -> bool:
    """A Competitive Companion document (or a list of them, or one under "result" as its test data has)."""
    if isinstance(doc, Mapping) and "result" in doc and "tests" not in doc:
        doc = doc["result"]
    docs = doc if isinstance(doc, list) else [doc]
    return bool(docs) and all(isinstance(d, Mapping) and "tests" in d and "name" in d for d in docs)


def api_entries(doc: Any, *, name: str = "", contest_id: int | None = None) -> list[ApiEntry] | None:
    """The cache entries a saved API answer fills; None when ``doc`` is no API answer at all.

    ``name`` is the file's (for messages, and to settle a one-item rating-changes list); ``contest_id``
    the contest ``--id`` names: the answer must be that contest's, and an empty list is its rating
    changes (an unrated round's)."""
    if isinstance(doc, Mapping) and "status" in doc:
        if doc["status"] != "OK":
            comment = doc.get("comment") or "no comment"
            raise UsageError(
                f"{name}: the saved API answer is a failure (status {doc['status']}: {comment}); "
                "save it again once the API answers OK"
            )
        if "result" not in doc:
            raise UsageError(f"{name}: the saved API answer has status OK but no result")
        result = doc["result"]
        entries = _entries(result, name, contest_id)
        if entries is None:
            raise UsageError(f"{name}: a Codeforces API answer of a kind import does not read; {_reads()}")
        return entries
    return _entries(doc, name, contest_id)


def _entries(result: Any, name: str, contest_id: int | None) -> list[ApiEntry] | None:
    if isinstance(result, Mapping):
        if {"contest", "rows"} <= result.keys():
            return _standings(result, name, contest_id)
        problemset = "problemStatistics" in result or not result.keys() - {"problems"}
        if isinstance(result.get("problems"), list) and problemset:
            return [_problemset(result, name)]
        return None
    if not isinstance(result, list):
        return None
    if not result:
        if contest_id is None:
            raise UsageError(
                f"{name}: an empty list could be any answer; if it is the rating changes of an unrated round, "
                "give the contest with --id (e.g. --id 1999)"
            )
        return [_entry(rating_changes_key(contest_id), [], f"contest {contest_id}'s rating changes (none: unrated)")]
    if not all(isinstance(item, Mapping) for item in result):
        return None
    if all(all(k in item for k in _CHANGE_FIELDS) for item in result):
        return [_rating_changes(result, name, contest_id)]
    if all({"id", "name", "phase"} <= item.keys() for item in result):
        return [_contest_list(result, name)]
    if all({"contestId", "index", "name"} <= item.keys() for item in result):
        return [_problemset({"problems": result}, name)]
    return None


def _entry(key: tuple[str, dict[str, ParamValue]], result: Any, what: str) -> ApiEntry:
    return ApiEntry(key[0], key[1], result, what)


def _standings(result: Mapping[str, Any], name: str, contest_id: int | None) -> list[ApiEntry]:
    try:
        typed = cf_api.standings_from_json(result)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise UsageError(f"{name}: malformed contest.standings answer (bad or missing field {e})") from None
    cid = _same_contest(typed.contest.id, contest_id, name)
    rows = list(result["rows"])
    unofficial = any(r.participant_type != "CONTESTANT" for r in typed.rows)
    official_rows = [row for row, r in zip(rows, typed.rows, strict=True) if r.participant_type == "CONTESTANT"]
    info = _entry(contest_info_key(cid), {**result, "rows": official_rows[:1]}, f"contest {cid}'s problems and points")
    if len(rows) <= 1:
        # One row is what `count=1` answers (the contest and its problems): it is no one's standings.
        return [info]
    first = typed.rows[0].rank
    if not unofficial and first != 1:
        raise UsageError(
            f"{name}: these standings of contest {cid} start at rank {first}, so they are a part of them "
            f"(from=/count=/handles=); save the whole answer of contest.standings?contestId={cid}"
        )
    what = f"contest {cid}'s standings ({_count(len(rows), 'row')}"
    if unofficial:
        what += (
            ", with unofficial participants: contest mode reads the official standings, "
            f"contest.standings?contestId={cid} without showUnofficial)"
        )
    else:
        what += ")"
    return [_entry(standings_key(cid, unofficial), dict(result), what), info]


def _rating_changes(items: Sequence[Mapping[str, Any]], name: str, contest_id: int | None) -> ApiEntry:
    try:
        changes = cf_api.rating_changes_from_json(items)
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"{name}: malformed rating changes (bad or missing field {e})") from None
    contests = {c.contest_id for c in changes}
    handles = {c.handle for c in changes}
    # One item is one user in one contest: a contest named (--id, the file name) makes it that contest's.
    named = contest_id is not None or "ratingchanges" in name.lower()
    if len(contests) == 1 and (len(handles) > 1 or (len(changes) == 1 and named)):
        cid = _same_contest(contests.pop(), contest_id, name)
        what = f"contest {cid}'s rating changes ({_count(len(items), 'handle')})"
        return _entry(rating_changes_key(cid), list(items), what)
    if len(handles) == 1:
        handle = handles.pop()
        if contest_id is not None:
            raise UsageError(
                f"{name}: the rating history of {handle} (user.rating), not a contest's rating changes: drop --id"
            )
        what = f"{handle}'s rating history ({_count(len(items), 'contest')})"
        return _entry(user_rating_key(handle), list(items), what)
    raise UsageError(
        f"{name}: rating changes of {len(contests)} contests and {len(handles)} handles together are neither "
        "one contest's (contest.ratingChanges) nor one user's (user.rating); save each answer whole"
    )


def _contest_list(items: Sequence[Mapping[str, Any]], name: str) -> ApiEntry:
    try:
        contests = [cf_api.contest_from_json(c) for c in items]
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"{name}: malformed contest.list answer (bad or missing field {e})") from None
    gyms = {c.id >= GYM_IDS_FROM for c in contests}
    if len(gyms) > 1:
        raise UsageError(f"{name}: a contest list mixing gym and regular contests is not an answer of contest.list")
    gym = gyms.pop()
    what = f"the {'gym ' if gym else ''}contest list ({_count(len(items), 'contest')})"
    return _entry(contest_list_key(gym), list(items), what)


def _problemset(result: Mapping[str, Any], name: str) -> ApiEntry:
    problems = list(result["problems"])
    try:
        for p in problems:
            cf_api.contest_problem_from_json(p)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise UsageError(f"{name}: malformed problemset.problems answer (bad or missing field {e})") from None
    stats = result.get("problemStatistics")
    if stats is None:  # statistics merged into each problem: split them back into the API's two lists
        stats = [
            {"contestId": p["contestId"], "index": p["index"], "solvedCount": p["solvedCount"]}
            for p in problems
            if "solvedCount" in p
        ]
        problems = [{k: v for k, v in p.items() if k != "solvedCount"} for p in problems]
    doc = {"problems": problems, "problemStatistics": list(stats)}
    return _entry(problemset_key(), doc, f"the problemset ({_count(len(problems), 'problem')})")


def _same_contest(found: int, named: int | None, name: str) -> int:
    if named is not None and named != found:
        raise UsageError(f"{name}: the answer is contest {found}'s, not contest {named}'s (--id)")
    return found


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _reads() -> str:
    return (
        "import reads Competitive Companion JSON, Codeforces API answers saved as JSON "
        f"({KINDS_TEXT}; whole, or the bare result), Codeforces pages saved as .html, "
        "and folders with a statement and NAME.in/NAME.out samples"
    )


def not_importable(path: Path) -> UsageError:
    """The error for a file that is none of the things import reads."""
    return UsageError(f"{path} is not something import reads: {_reads()}")
