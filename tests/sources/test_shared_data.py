"""The shared real data set (../shared/data, see its README; skipped only where absent).

Every saved page has an expected parse written by another project: cptk's (``NAME.cptk.json``: id, url,
name, limits, gym/group, contest, every sample byte for byte) or what JetBrains' plugin tests assert
(``NAME.jetbrains.json``). Each page is parsed the two ways a user gets it, imported from the file as
saved and fetched from its real path through the real client, and both must match the expectation. Every
API response is typed by the real converters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from solver.config import Config
from solver.problem import ContestKind, ContestRef, Problem, ProblemId, parse_ref
from solver.sources import cf_api, companion
from solver.sources.cf_api import RateLimiter
from solver.sources.codeforces import open_source
from tests.conftest import SHARED_DATA
from tests.sources.cf_server import CfServer
from tests.sources.conftest import FAST

HTML = Path("codeforces") / "html"


@dataclass(frozen=True)
class SharedPage:
    html: Path
    expected_file: Path

    @property
    def kind(self) -> str:
        return self.expected_file.name.split(".")[-2]  # NAME.cptk.json -> cptk

    @property
    def doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.expected_file.read_text(encoding="utf-8"))
        return doc

    @property
    def url(self) -> str:
        """The address the page was saved from, as its expected parse records it."""
        return str(self.doc["expected"]["url"])


def shared_pages(root: Path) -> list[SharedPage]:
    """Every page with its one expected parse; a page without one (or one with two) is a failure."""
    html_dir = root / HTML
    pages = []
    for html in sorted(html_dir.glob("*.html")):
        expected = sorted((html_dir / "expected").glob(f"{html.stem}.*.json"))
        assert len(expected) == 1, f"{html.name}: expected one expected parse, found {expected}"
        pages.append(SharedPage(html, expected[0]))
    return pages


# Collected from the real folder so each page is its own test; where the data is absent the one
# placeholder asks for the `shared_data` fixture, which skips and says why.
_PAGES: list[SharedPage | None] = list(shared_pages(SHARED_DATA)) if (SHARED_DATA / HTML).is_dir() else [None]


def test_every_page_has_its_expected_parse_and_every_expected_parse_its_page(shared_data: Path) -> None:
    pages = shared_pages(shared_data)
    assert pages, f"no pages in {shared_data / HTML}"
    expected = sorted((shared_data / HTML / "expected").glob("*.json"))
    assert sorted(p.expected_file for p in pages) == expected
    assert {p.kind for p in pages} == {"cptk", "jetbrains"}


def check_cptk(problems: list[Problem], doc: dict[str, Any]) -> None:
    want = doc["expected"]
    [p] = problems
    assert [p.id.contest_id, p.id.index] == want["_uid"]
    assert p.url == want["url"] == doc["info"]["url"]
    assert p.name == want["name"]
    assert (p.id.kind is ContestKind.GYM) is want["gym"]
    assert p.time_limit_s == want["time_limit"] and p.memory_limit_mb == want["memory_limit"]
    assert p.id.contest().url() == want["contest"]["url"]
    if "group" in want:
        assert p.id.kind is ContestKind.GROUP and p.id.group == want["group"]["_uid"]
        assert want["group"]["url"].endswith(f"/group/{p.id.group}")
    else:
        assert p.id.kind is not ContestKind.GROUP
    # Byte for byte: cptk keeps each sample as the judge reads it, every line ending in "\n".
    assert [(s.input, s.output) for s in p.samples] == [(t["input"], t["expected"]) for t in want["tests"]]


def check_jetbrains(problems: list[Problem], doc: dict[str, Any], raw: bytes) -> None:
    want = doc["expected"]
    contest = ContestRef(want["contest_id"])
    assert parse_ref(want["url"]) == contest
    assert {p.id.contest() for p in problems} == {contest}
    # Every statement of the page, in page order (the holders' problemindex attributes say which).
    holders = list(dict.fromkeys(re.findall(rb'problemindex="([^"]+)"', raw)))
    assert [p.id.index.encode() for p in problems] == holders
    for listed in want.get("problems", []):
        [p] = [p for p in problems if p.id.index == listed["index"]]
        assert p.name == listed["name"]
    for index, text in want.get("first_sample_input", {}).items():
        [p] = [p for p in problems if p.id.index == index]
        # JetBrains keeps the text without its last line break; ours ends every line with one.
        assert p.samples[0].input == text + "\n"
    for p in problems:
        assert p.time_limit_s > 0 and p.memory_limit_mb > 0 and p.samples, p.id


def check(page: SharedPage, problems: list[Problem]) -> None:
    if page.kind == "cptk":
        check_cptk(problems, page.doc)
    else:
        check_jetbrains(problems, page.doc, page.html.read_bytes())


@pytest.mark.parametrize("page", _PAGES, ids=[p.html.stem if p else "absent" for p in _PAGES])
def test_a_saved_page_imports_to_its_expected_parse(shared_data: Path, page: SharedPage | None) -> None:
    """`import FILE.html` with no --id: the page (or, for a page with no trace of its address, the file
    name the browser gave it) says which problems these are."""
    assert page is not None
    check(page, companion.load_path(page.html))


@pytest.mark.parametrize("page", _PAGES, ids=[p.html.stem if p else "absent" for p in _PAGES])
async def test_a_page_fetched_from_its_real_path_parses_to_its_expected_parse(
    shared_data: Path, page: SharedPage | None, cf_server: CfServer, tmp_path: Path
) -> None:
    """`fetch URL` as the user pastes it: the path asked for is the page's own (a group problem's too)."""
    assert page is not None
    path = urlsplit(page.url).path
    cf_server.add_page(path, page.html.read_bytes())
    config = Config(store=tmp_path / "p", base_urls=(cf_server.url,), api_url=cf_server.api_url)
    async with open_source(config, limiter=RateLimiter(0.01), policy=FAST) as source:
        fetched = await source.fetch(page.url)
    assert [r.path for r in cf_server.page_requests] == [path]
    # A fetched problem's URL is the server's that served it; the expected one is codeforces.com's.
    assert [p.url for p in fetched] == [p.id.url(cf_server.url) for p in fetched]
    check(page, [replace(p, url=p.id.url()) for p in fetched])


def _api_documents(root: Path) -> list[tuple[Path, Any]]:
    docs = []
    for path in sorted((root / "codeforces" / "api").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        docs.append((path, doc.get("result", doc) if isinstance(doc, dict) and "status" in doc else doc))
    return docs


def test_every_shared_api_response_is_typed(shared_data: Path) -> None:
    docs = _api_documents(shared_data)
    kinds = set()
    for path, result in docs:
        if path.name.startswith("contest.ratingChanges"):
            changes = cf_api.rating_changes_from_json(result)
            contest_id = int(path.stem.rsplit("_", 1)[1])
            assert len(changes) == len(result) > 0, path.name
            assert {c.contest_id for c in changes} == {contest_id}, path.name
            assert all(c.handle and c.rank >= 1 for c in changes), path.name
            ranks = [c.rank for c in changes]
            assert ranks == sorted(ranks), path.name
            kinds.add("ratingChanges")
        elif path.name.startswith("problemset"):
            problems = result["problems"] if isinstance(result, dict) else result
            typed = [cf_api.contest_problem_from_json(p) for p in problems]
            assert len(typed) == len(problems) > 1000, path.name
            rated = [t for t in typed if t.rating is not None]
            assert rated and all(800 <= t.rating <= 3500 and t.rating % 100 == 0 for t in rated if t.rating)
            # Every index the real problemset uses is one an id or URL can name ("921/01" included).
            assert all(parse_ref(f"{p['contestId']}/{p['index']}") == ProblemId(p["contestId"], p["index"])
                       for p in problems if p["contestId"] < 100000), path.name
            kinds.add("problemset")
        else:
            pytest.fail(f"an API answer of an unknown kind: {path.name}")
    assert kinds == {"ratingChanges", "problemset"}
