"""The shared real data set (../shared/data, skipped where absent): every page served by the local
server and fetched by the real client, every API response typed by the real converters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from solver.sources import cf_api, cf_html
from solver.sources.http import new_session
from solver.sources.pages import PageFetcher
from tests.sources.cf_server import CfServer
from tests.sources.conftest import FAST


async def test_every_shared_page_round_trips_through_the_server(
    shared_data: Path, cf_server: CfServer
) -> None:
    pages = sorted((shared_data / "codeforces" / "html").glob("*.htm*"))
    if not pages:
        pytest.skip("no pages under codeforces/html")
    for i, path in enumerate(pages):
        cf_server.add_page(f"/page/{i}", path.read_bytes())
    async with new_session() as session:
        fetcher = PageFetcher(session, [cf_server.url], policy=FAST)
        for i, path in enumerate(pages):
            fetched = await fetcher.get(f"/page/{i}")
            assert fetched.body == path.read_bytes()
            problems = cf_html.parse_problems(fetched.body)
            assert problems, path.name
            assert all(p.time_limit_s > 0 and p.memory_limit_mb > 0 for p in problems), path.name


def _api_documents(root: Path) -> list[tuple[Path, Any]]:
    docs = []
    for path in sorted(root.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        docs.append((path, doc.get("result", doc) if isinstance(doc, dict) and "status" in doc else doc))
    return docs


def test_every_shared_api_response_is_typed(shared_data: Path) -> None:
    docs = _api_documents(shared_data / "codeforces")
    typed = 0
    for path, result in docs:
        if isinstance(result, dict) and {"contest", "problems", "rows"} <= result.keys():
            standings = cf_api.standings_from_json(result)
            ranks = [r.rank for r in standings.rows]
            assert ranks == sorted(ranks), path.name
            for row in standings.rows:
                assert len(row.problem_results) == len(standings.problems), path.name
            typed += 1
        elif isinstance(result, list) and result and isinstance(result[0], dict) and "oldRating" in result[0]:
            changes = cf_api.rating_changes_from_json(result)
            assert len(changes) == len(result) and all(c.handle for c in changes), path.name
            typed += 1
    if not typed:
        pytest.skip("no standings or rating changes among the shared API responses")
