"""The bubblewrap backend runs the same runner: real runs where bwrap and root are available."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import AsyncIterator

import pytest

from sandbox import docker_backend, local_backend
from sandbox.api import Checker, JudgeConfig, Limits, Source, Test, Verdict
from sandbox.cli import main
from sandbox.judge import Judge, JudgeUnavailable, open_judge
from sandbox.languages import LANGUAGES
from sandbox.local_backend import missing_tools

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


@pytest.mark.parametrize("installed", [True, False])
async def test_without_a_docker_engine_the_judge_says_how_to_start_or_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, installed: bool
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    monkeypatch.setattr(docker_backend.shutil, "which", lambda name: f"/usr/bin/{name}" if installed else None)
    with pytest.raises(JudgeUnavailable) as err:
        await open_judge(JudgeConfig(backend="docker"))
    text = str(err.value)
    assert "`dockerd &`" in text and "systemctl start docker" in text
    assert "--backend local" in text and "backend='local'" in text
    if installed:
        assert "engine is not running" in text and "apt-get" not in text
    else:
        assert "Docker is not installed" in text and "apt-get install docker.io" in text


@pytest.mark.parametrize("command", [["selftest"], ["build-image"]])
def test_cli_without_an_engine_says_so_before_anything_else(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Not "debootstrap is not installed": the engine is looked for first, by every Docker use."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    monkeypatch.setattr(docker_backend.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "engine is not running" in err and "dockerd &" in err and "debootstrap" not in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_tools_name_what_the_host_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_backend.shutil, "which", lambda name, path=None: None if name == "pypy3" else name)
    assert missing_tools(LANGUAGES["python3"]) == "" and missing_tools(LANGUAGES["cpp17"]) == ""
    why = missing_tools(LANGUAGES["pypy3"])
    assert "pypy3 is not installed" in why and "apt-get install pypy3" in why
    assert LANGUAGES["cpp17"].tools == ("g++",) and LANGUAGES["pypy3"].tools == ("pypy3",)


@needs_bwrap
def test_local_selftest_says_which_languages_are_unavailable_and_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = shutil.which
    monkeypatch.setattr(
        local_backend.shutil, "which", lambda name, path=None: None if name == "pypy3" else real(name, path=path)
    )
    out = io.StringIO()
    assert main(["selftest", "--backend", "local"], out=out) == 1
    lines = out.getvalue().splitlines()
    pypy = next(line for line in lines if "pypy3" in line and "unavailable" in line)
    assert "pypy3 is not installed" in out.getvalue() and pypy.startswith("unavailable")
    assert any(line.startswith("ok") and "python3" in line for line in lines)
    assert "languages do not work here: pypy3" in out.getvalue()
