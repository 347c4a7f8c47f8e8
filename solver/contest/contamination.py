"""Contamination: which contests the model may have seen in training, by the model's release date.

A contest that began before the model's release day (00:00 UTC) may be in its training data: its problems,
editorials and accepted solutions were public. Such a contest is marked "possibly seen"; one that began on or
after that day is "unseen". The release date comes from ``--model-date YYYY-MM-DD`` when given, else from
the model server: Ollama's ``/api/show`` ``modified_at``, which is when the server's copy was made, so on or
after the release; marking by it can only mark more contests as possibly seen, never fewer. Without either,
every contest's status is "unknown" and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from solver.contest.report import Provenance
from solver.errors import UsageError

Seen = Literal["possibly seen", "unseen", "unknown"]

FROM_FLAG = "--model-date"
FROM_SERVER = "the model server's /api/show modified_at (when its copy was made: on or after the release)"


def parse_model_date(text: str) -> date:
    """``--model-date 2026-04-02``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--model-date {text!r} is not a date; write it as YYYY-MM-DD") from None


@dataclass(frozen=True)
class ModelDate:
    day: date | None
    source: str = ""  # FROM_FLAG, FROM_SERVER, or "" when unknown

    def text(self) -> str:
        if self.day is None:
            return "unknown (give --model-date YYYY-MM-DD): no contest can be told apart as unseen"
        return f"{self.day.isoformat()} (from {self.source})"

    def status(self, start_time: int | None) -> Seen:
        if self.day is None or start_time is None:
            return "unknown"
        return "unseen" if contest_day(start_time) >= self.day else "possibly seen"


def stamped(prov: Provenance, md: ModelDate) -> Provenance:
    """The provenance with the model's release date, so every page and figure caption carries it."""
    return replace(prov, model_date=md.day.isoformat() if md.day else "", model_date_source=md.source)


def of_provenance(prov: Provenance) -> ModelDate:
    if not prov.model_date:
        return ModelDate(None)
    return ModelDate(date.fromisoformat(prov.model_date), prov.model_date_source)


def contest_day(start_time: int) -> date:
    return datetime.fromtimestamp(start_time, UTC).date()


def contest_date_text(start_time: int | None) -> str:
    return "unknown" if start_time is None else contest_day(start_time).isoformat()


def model_date(flag: str | None, meta: Mapping[str, Any]) -> ModelDate:
    """The flag's date, else the server's ``modified_at`` recorded in the run's meta, else unknown."""
    if flag:
        return ModelDate(parse_model_date(flag), FROM_FLAG)
    served = str(meta.get("model", {}).get("modified_at", "") or "")
    if served:
        try:
            when = datetime.fromisoformat(served.replace("Z", "+00:00"))
            return ModelDate(when.astimezone(UTC).date(), FROM_SERVER)
        except ValueError:
            pass  # an unreadable server date is no date
    return ModelDate(None)


def status_text(md: ModelDate, start_time: int | None) -> str:
    """One line for a contest: its date and whether the model may have seen it."""
    when = contest_date_text(start_time)
    s = md.status(start_time)
    if s == "possibly seen":
        return f"possibly seen in training: the contest ({when}) began before the model's release ({md.day})"
    if s == "unseen":
        return f"unseen: the contest ({when}) began on or after the model's release ({md.day})"
    if start_time is None:
        return "unknown: the contest's date is unknown"
    return f"unknown: the model's release date is unknown (contest {when}; give --model-date)"
