"""The bubblewrap backend runs the same runner: real runs where bwrap and root are available."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest

from sandbox.api import Checker, JudgeConfig, Limits, Source, Test, Verdict
from sandbox.judge import Judge, JudgeUnavailable, open_judge

needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None or os.geteuid() != 0, reason="needs bubblewrap and root"
)


@pytest.fixture
async def local() -> AsyncIterator[Judge]:
    j = await open_judge(JudgeConfig(backend="local", workers=1))
    yield j
    await j.close()


@needs_bwrap
async def test_local_backend_judges_and_isolates(local: Judge) -> None:
    exe = await local.compile(Source("a, b = map(int, input().split())\nprint(a + b)\n", "python3"))
    assert exe.ok, exe.message
    res = await local.judge(
        exe, [Test("1", b"1 2\n", b"3\n"), Test("2", b"1 1\n", b"3\n")], Limits(2.0, 256), Checker.tokens()
    )
    assert [t.verdict for t in res.tests] == [Verdict.AC, Verdict.WA]
    spin = await local.compile(Source("int main(){ volatile long x = 0; for(;;) x++; }", "cpp17"))
    assert (await local.run(spin, b"", Limits(0.5, 256))).status is Verdict.TLE
    net = await local.compile(
        Source(
            "import socket\ntry:\n socket.create_connection(('127.0.0.1', 22), 1)\n"
            " print('net')\nexcept OSError:\n print('none')\n",
            "python3",
        )
    )
    assert (await local.run(net, b"")).stdout == b"none\n"


async def test_unknown_backend_is_refused() -> None:
    with pytest.raises(JudgeUnavailable, match="docker"):
        await open_judge(JudgeConfig(backend="chroot"))


async def test_without_docker_the_judge_refuses_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    with pytest.raises(JudgeUnavailable) as err:
        await open_judge(JudgeConfig(backend="docker"))
    text = str(err.value)
    assert "install Docker" in text and "apt-get install docker.io" in text and "backend='local'" in text
