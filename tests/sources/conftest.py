"""Fixtures for the problem-source tests: the local Codeforces stand-in and fast retry settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from solver.sources.http import RetryPolicy
from tests.conftest import FIXTURES
from tests.sources.cf_server import CfServer

CF = FIXTURES / "codeforces"
# Retries as the real client does them, minus the waiting: tests would otherwise sleep for seconds.
FAST = RetryPolicy(attempts=3, backoff_s=0.01, max_backoff_s=0.05, timeout_s=5.0)


def page(name: str) -> bytes:
    return (CF / "html" / name).read_bytes()


@pytest.fixture
async def cf_server() -> AsyncIterator[CfServer]:
    async with CfServer() as server:
        yield server


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "problems"
