"""What contest mode needs from Codeforces, and what to say when it cannot be had.

``contest`` and ``rate`` need a contest's final standings, its rating changes, its problems, and (for
``rate``) the contest list. The sources say why one call failed; this says, for the command, what it was
getting, where from, and the ways to go on: run again when Codeforces answers (or through a mirror), or
``--offline`` with a store that already holds the contest (an online run caches the API answers; the
problems come from ``fetch`` or from pages saved in a browser and ``import``-ed).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from solver.config import Config
from solver.errors import ApiError, ChallengeError, NetworkError, OfflineError

T = TypeVar("T")


def _ways_on(contest_id: int | None, config: Config, problems: bool) -> str:
    cid = "ID" if contest_id is None else str(contest_id)
    if problems:
        have = (
            f"`python -m solver fetch {cid}` where Codeforces answers, or `python -m solver import` the "
            f"contest's problems page (codeforces.com/contest/{cid}/problems) saved from a browser"
        )
        if config.offline:
            return f"put the problems in the store {config.store}: {have}"
        return f"run again when Codeforces answers, or put the problems in the store first: {have}"
    offline = (
        f"run `python -m solver contest {cid}` once where Codeforces answers (it caches the API answers in "
        f"the store), then use --offline with that --store"
    )
    if config.offline:
        return f"{offline}; or point --store at a store that already has this contest"
    return (
        f"check the network and run again, or give a mirror with --base-url/--api-url; or {offline}"
    )


async def needed(
    what: str, call: Awaitable[T], config: Config, contest_id: int | None = None, *, problems: bool = False
) -> T:
    """Await one thing contest mode needs (``what``: "the final standings (contest.standings)"); when the
    network, a challenge page or the offline store stands in the way, raise the same kind of error with
    the command's message: what it was getting, where from, the cause, and the ways to go on."""
    try:
        return await call
    except ApiError:
        raise  # Codeforces answered, and said no: its comment is the message
    except (NetworkError, OfflineError, ChallengeError) as e:
        of = f"contest {contest_id}: " if contest_id is not None else ""
        where = f"the store {config.store} (--offline)" if config.offline else f"Codeforces ({config.api_url})"
        if problems and not config.offline:
            where = f"Codeforces ({', '.join(config.base_urls)})"
        ways = _ways_on(contest_id, config, problems)
        raise type(e)(f"{of}could not get {what} from {where}. Cause: {e}. To go on: {ways}") from e
