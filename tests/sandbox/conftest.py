"""Sandbox test fixtures: one real Docker judge for the whole session.

``judge`` opens the real judge with the real image (building it first if it is missing) and is shared by
every sandbox test module; tests using it carry ``pytest.mark.docker``. It is skipped, with the reason,
where no Docker engine answers. The judge is loop-agnostic, so function-scoped async tests may use it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from sandbox.api import JudgeConfig
from sandbox.judge import Judge, open_judge


def _docker_ready() -> str:
    try:
        import docker

        client = docker.from_env()
        client.ping()
        client.close()
    except Exception as e:
        return f"no Docker engine: {str(e).splitlines()[0][:200]}"
    return ""


@pytest.fixture(scope="session")
def judge() -> Iterator[Judge]:
    why = _docker_ready()
    if why:
        pytest.skip(why)
    j = asyncio.run(open_judge(JudgeConfig(workers=2)))
    try:
        yield j
    finally:
        asyncio.run(j.close())
