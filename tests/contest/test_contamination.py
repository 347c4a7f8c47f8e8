"""Contamination: the model's release date, each contest's date, and which contests the model may have seen.

The release date comes from ``--model-date`` or from the (fake) Ollama server's ``/api/show`` ``modified_at``
(2026-04-02T10:00Z in tests/fakes/ollama_server.py). What a stub would fail: the reports must put the two
dates side by side and mark a contest that began before the release as possibly seen, one on the release
day or later as unseen; ``rate`` must lead with the rating over the unseen contests only.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from solver.contest.batch import summarise
from solver.contest.contamination import FROM_FLAG, FROM_SERVER, ModelDate, model_date, stamped
from solver.contest.present import batch_report, contest_report, print_contest
from solver.contest.report import Provenance, render_markdown
from solver.errors import UsageError
from solver.llm.ollama_backend import OllamaBackend
from tests.contest import world
from tests.contest.test_end_to_end import _args, _run, world_servers  # noqa: F401 (a fixture)
from tests.contest.test_report import _result
from tests.fakes.ollama_server import FakeOllama
from tests.sources.cf_server import CfServer

PROV = Provenance("gemma4:31b", "sha256:abc", 7, "elapsed", (1990, 1991), "0.1.0")


def _ts(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, 12, 0, tzinfo=UTC).timestamp())


def test_the_release_date_comes_from_the_flag_else_the_server_else_is_unknown() -> None:
    served = {"model": {"modified_at": "2026-04-02T10:00:00+00:00"}}
    assert model_date("2025-01-31", served) == ModelDate(date(2025, 1, 31), FROM_FLAG)
    assert model_date(None, served) == ModelDate(date(2026, 4, 2), FROM_SERVER)
    assert model_date(None, {"model": {"modified_at": ""}}).day is None
    assert model_date(None, {}).day is None
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        model_date("April 2026", served)


def test_a_contest_before_the_release_day_is_possibly_seen_and_one_on_it_unseen() -> None:
    md = ModelDate(date(2024, 8, 7), FROM_FLAG)
    assert md.status(_ts("2024-08-06")) == "possibly seen"
    assert md.status(_ts("2024-08-07")) == "unseen"
    assert md.status(None) == "unknown" and ModelDate(None).status(_ts("2024-08-06")) == "unknown"


def test_the_contest_report_shows_both_dates_and_the_mark() -> None:
    r = replace(_result(1990, 1650.0, None), start_time=_ts("2024-08-06"))
    prov = stamped(PROV, ModelDate(date(2024, 8, 7), FROM_FLAG))
    report = contest_report(r, {}, prov, "elapsed")
    summary = dict(report.summary)
    assert summary["contest date"] == "2024-08-06"
    assert summary["model release"] == "2024-08-07 (from --model-date)"
    assert summary["training data"].startswith("possibly seen in training")
    assert report.data["contamination"]["status"] == "possibly seen"
    assert "released 2024-08-07" in render_markdown(report)  # in the caption of every page and figure
    out = io.StringIO()
    print_contest(Console(file=out, width=200), r, {}, [], prov)
    assert "Model released: 2024-08-07" in out.getvalue() and "possibly seen in training" in out.getvalue()
    unknown = contest_report(r, {}, PROV, "elapsed")
    assert dict(unknown.summary)["model release"].startswith("unknown (give --model-date")


def test_the_rating_report_leads_with_the_unseen_contests() -> None:
    seen = replace(_result(1990, 1600.0, None), start_time=_ts("2024-08-01"))
    fresh = [
        replace(_result(cid, perf, None), start_time=_ts("2024-09-01"))
        for cid, perf in ((1991, 1900.0), (1992, 2100.0))
    ]
    md = ModelDate(date(2024, 8, 7), FROM_SERVER)
    summary = summarise([seen, *fresh], [], 0, md)
    assert summary.unseen is not None and summary.unseen.n == 2 and summary.unseen.value == 2000.0
    assert summary.overall is not None and summary.overall.n == 3
    report = batch_report(summary, stamped(PROV, md), "elapsed")
    keys = [k for k, _ in report.summary]
    assert keys[0] == "model release"
    assert keys[1].startswith("Elo-equivalent rating, unseen contests") and "2000" in report.summary[1][1]
    assert keys[2] == "Elo-equivalent rating, all contests (1 possibly seen in training)"
    table = report.tables[0]
    at = table.columns.index("training data")
    assert [row[at] for row in table.rows] == ["possibly seen", "unseen", "unseen"]
    assert [c["status"] for c in report.data["contamination"]] == ["possibly seen", "unseen", "unseen"]
    assert report.data["rating_unseen"]["n"] == 2
    none = batch_report(summarise([seen], [], 0, md), stamped(PROV, md), "elapsed")
    assert "no contest used began on or after" in none.summary[1][1]


async def test_the_ollama_backend_reports_the_servers_model_date() -> None:
    async with FakeOllama() as srv:
        backend = OllamaBackend("gemma4:31b", hosts=[srv.url], warm_up=False)
        try:
            info = await backend.model_info()
        finally:
            await backend.close()
    assert info.modified_at.startswith("2026-04-02T10:00:00")
    assert model_date(None, {"model": {"modified_at": info.modified_at}}).day == date(2026, 4, 2)


# --- end to end: the fake model server's date, and --model-date -----------------------------------------


@pytest.mark.docker
@pytest.mark.timeout(300)
async def test_contest_and_rate_mark_contests_by_the_model_date(
    world_servers: tuple[CfServer, FakeOllama, Any],  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cf, ollama, _ = world_servers
    world.fill_store(tmp_path / "problems")
    # The server's date (2026-04-02): contest 1349 (2020-05-12) is possibly seen.
    args = _args(tmp_path, cf, ollama, "contest", "1349", "--time-model", "zero", "--json")
    assert await _run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["contamination"] == {
        "contest_id": 1349,
        "contest_date": "2020-05-12",
        "model_date": "2026-04-02",
        "model_date_source": FROM_SERVER,
        "status": "possibly seen",
    }
    assert doc["provenance"]["model_date"] == "2026-04-02"
    assert "possibly seen in training" in Path(doc["report"]["markdown"]).read_text()

    # --model-date between the two contests: 1349 (2020-05-12) possibly seen, 1350 (2020-05-13) unseen.
    args = _args(
        tmp_path, cf, ollama, "rate", "--contests", "1349-1350", "--time-model", "zero",
        "--model-date", "2020-05-13", "--json",
    )
    assert await _run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(c["contest_id"], c["status"]) for c in doc["contamination"]] == [
        (1349, "possibly seen"),
        (1350, "unseen"),
    ]
    assert doc["rating_unseen"]["n"] == 1 and doc["rating"]["n"] == 2
    assert doc["rating_unseen"]["value"] == next(
        c["placement"]["performance"] for c in doc["contests"] if c["contest_id"] == 1350
    )
    keys = list(doc["summary"])
    assert keys[0] == "model release" and doc["summary"]["model release"] == "2020-05-13 (from --model-date)"
    assert keys[1].startswith("Elo-equivalent rating, unseen contests")

    # Resumed without the flag: the batch's own --model-date still applies.
    resumed = _args(tmp_path, cf, ollama, "rate", "--resume", Path(doc["run"]).name, "--json")
    assert await _run(resumed) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["rating_unseen"] == doc["rating_unseen"] and again["provenance"]["model_date"] == "2020-05-13"
