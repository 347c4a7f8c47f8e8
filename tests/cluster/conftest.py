"""The contest test world (tests/contest/world.py) served for cluster runs, and a model with some latency."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from solver.cli import build_parser
from solver.sources import cf_api
from tests.contest import world
from tests.fakes.ollama_server import FakeOllama, Reply
from tests.sources.cf_server import CfServer


class SlowModel(world.ScriptedModel):
    """The scripted model of the contest world, each reply after ``delay`` seconds (a model that thinks)."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay

    def __call__(self, body: dict[str, Any]) -> Reply:
        return replace(super().__call__(body), first_delay=self.delay)


@pytest.fixture
async def world_servers(
    monkeypatch: pytest.MonkeyPatch, judge: object  # judge: only to skip where the sandbox cannot run
) -> AsyncIterator[tuple[CfServer, FakeOllama, SlowModel]]:
    monkeypatch.setattr(cf_api, "_DEFAULT_LIMITER", cf_api.RateLimiter(0.0))
    model = SlowModel()
    async with CfServer() as cf, FakeOllama(responder=model) as ollama:
        world.serve(cf)
        yield cf, ollama, model


def common_argv(tmp: Path, cf: CfServer, ollama: FakeOllama) -> list[str]:
    return [
        "--store", str(tmp / "problems"), "--runs", str(tmp / "runs"), "--base-url", cf.url,
        "--host", ollama.url, "--model", "gemma4:31b", "--stress-tests", "6", "--attempts", "3",
    ]  # fmt: skip


def rate_argv(*extra: str) -> list[str]:
    return [
        "rate", "--contests", "1349-1350", "--time-model", "zero", "--tests-dir", str(world.PACKS), "--json",
        *extra,
    ]  # fmt: skip


def parse(tmp: Path, cf: CfServer, ollama: FakeOllama, argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args([*argv, *common_argv(tmp, cf, ollama)])
