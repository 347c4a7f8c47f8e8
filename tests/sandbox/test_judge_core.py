"""The judge's pure parts: verdicts from raw facts, checker exits, languages, image recipe, framing."""

from __future__ import annotations

import io
import signal
import struct
from pathlib import Path

import pytest

from sandbox.api import CheckResult, Limits, RunResult, Verdict
from sandbox.backend import FrameReader, WorkerDied, encode_frame
from sandbox.image import PACKAGES, recipe_hash, setup_script
from sandbox.judge import checker_result, classify, interaction_verdict, run_limits, static_memory_kb
from sandbox.languages import LANGUAGES, detect, get

LIM = Limits(time_s=1.0, memory_mb=256, output_mb=64)


def raw(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "exit": 0,
        "signal": None,
        "cpu": 0.1,
        "wall": 0.1,
        "rss_kb": 1000,
        "out_size": 10,
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("facts", "verdict", "words"),
    [
        (raw(), Verdict.AC, ""),
        (raw(cpu=1.2), Verdict.TLE, "CPU 1.20 s > 1.00 s"),
        (raw(cpu=0.01, wall_killed=True, signal=9, exit=None), Verdict.TLE, "wall-clock"),
        (raw(signal=signal.SIGXCPU, exit=None), Verdict.TLE, "CPU"),
        (raw(idle_killed=True, signal=9, exit=None), Verdict.ILE, "idle"),
        (raw(rss_kb=300 * 1024), Verdict.MLE, "peak memory 300.0 MB > 256 MB"),
        (raw(signal=9, exit=None), Verdict.MLE, "out of memory"),
        (
            raw(exit=134, stderr_tail=b"terminate called after throwing an instance of 'std::bad_alloc'"),
            Verdict.MLE,
            "allocation failed",
        ),
        (raw(static_kb=512 * 1024), Verdict.MLE, "static memory"),
        (raw(out_size=65 * 1024 * 1024), Verdict.OLE, "output over 64 MB"),
        (raw(signal=signal.SIGXFSZ, exit=None), Verdict.OLE, "output"),
        (raw(signal=11, exit=None), Verdict.RE, "killed by signal 11 (SIGSEGV)"),
        (raw(exit=3), Verdict.RE, "exit code 3"),
        (raw(exec_error="cannot start the program: [Errno 12] Cannot allocate memory"), Verdict.MLE, "fit"),
        (
            raw(exec_error="cannot start the program: [Errno 2] No such file or directory"),
            Verdict.JE,
            "Errno 2",
        ),
    ],
)
def test_classify(facts: dict[str, object], verdict: Verdict, words: str) -> None:
    v, detail = classify(facts, LIM)
    assert v is verdict
    assert words in detail


def test_memory_beats_time_and_output_beats_crash() -> None:
    assert classify(raw(cpu=5.0, rss_kb=10), LIM)[0] is Verdict.TLE
    assert classify(raw(cpu=5.0, rss_kb=10**7), LIM)[0] is Verdict.MLE  # stopped at the memory first
    assert classify(raw(out_size=10**9, signal=11, exit=None), LIM)[0] is Verdict.OLE


def test_run_limits_give_a_stack_bounded_only_by_memory_and_a_wall_clock() -> None:
    lim = run_limits(Limits(time_s=2.0, memory_mb=512, wall_factor=3.0), "cpp17")
    assert lim["stack_mb"] == 0 and lim["as_mb"] >= 512  # 0: unlimited, within the address space
    assert lim["wall_s"] == pytest.approx(6.5)
    assert run_limits(Limits(time_s=2.0, idle_s=0.3), "python3")["idle_s"] == 0.3


def _elf(*segments: tuple[int, int]) -> bytes:
    """A minimal ELF64 header with program headers (type, memsz)."""
    phoff, entsize = 64, 56
    head = bytearray(64)
    head[:5] = b"\x7fELF\x02"
    head[32:40] = phoff.to_bytes(8, "little")
    head[54:56] = entsize.to_bytes(2, "little")
    head[56:58] = len(segments).to_bytes(2, "little")
    body = b""
    for ptype, memsz in segments:
        ph = bytearray(entsize)
        ph[0:4] = ptype.to_bytes(4, "little")
        ph[40:48] = memsz.to_bytes(8, "little")
        body += bytes(ph)
    return bytes(head) + body


def test_static_memory_counts_loadable_segments_only() -> None:
    assert static_memory_kb(_elf((1, 4096), (1, 1 << 30), (4, 1 << 40))) == (4096 + (1 << 30)) // 1024
    assert static_memory_kb(b"print('hi')\n") == 0


@pytest.mark.parametrize(
    ("exit_code", "verdict"),
    [(0, Verdict.AC), (1, Verdict.WA), (2, Verdict.PE), (3, Verdict.JE), (4, Verdict.JE), (7, Verdict.AC)],
)
def test_checker_exit_codes_follow_testlib(exit_code: int, verdict: Verdict) -> None:
    res = checker_result(
        {"exit": exit_code, "signal": None}, b"points 0.5" if exit_code == 7 else b"msg", b""
    )
    assert res.verdict is verdict
    if exit_code == 7:
        assert res.points == 0.5


def test_a_crashed_checker_is_a_judge_error_never_a_verdict() -> None:
    assert checker_result({"exit": None, "signal": 11}, b"", b"").verdict is Verdict.JE
    assert checker_result({"exit": None, "signal": 9, "wall_killed": True}, b"", b"").verdict is Verdict.JE


def _run(status: Verdict) -> RunResult:
    return RunResult(status, 0, None, 0.0, 0.0, 0, b"", b"")


def test_interaction_verdict_precedence() -> None:
    ok, wa = CheckResult(Verdict.AC), CheckResult(Verdict.WA)
    assert interaction_verdict(_run(Verdict.TLE), wa) is Verdict.TLE
    assert interaction_verdict(_run(Verdict.ILE), ok) is Verdict.ILE
    assert interaction_verdict(_run(Verdict.RE), wa) is Verdict.WA
    assert interaction_verdict(_run(Verdict.RE), ok) is Verdict.RE
    assert interaction_verdict(_run(Verdict.AC), CheckResult(Verdict.JE)) is Verdict.JE


def test_languages_detect_and_alias() -> None:
    assert detect("a.cpp").key == "cpp17" and detect("x.C").key == "c11" and detect("s.py").key == "python3"
    assert get("c++20").key == "cpp20" and get("pypy").key == "pypy3"
    with pytest.raises(KeyError, match="--lang"):
        detect("main.rs")
    for spec in LANGUAGES.values():
        assert spec.selftest and spec.run and spec.artifacts
    cpp = LANGUAGES["cpp17"]
    assert "-O2" in cpp.compile and "-std=gnu++17" in cpp.compile and "-static" in cpp.compile
    assert "-lm" in LANGUAGES["c11"].compile and "-std=gnu11" in LANGUAGES["c11"].compile


def test_one_language_table_serves_the_solver() -> None:
    """File endings, display names and the languages offered come from the sandbox's table alone."""
    from pathlib import PurePath

    from solver.practice.langs import LANGS, TEMPLATES, detect_lang, extension
    from solver.solve.languages import PROMPT_STYLES

    assert tuple(LANGUAGES) == LANGS and set(TEMPLATES) == set(LANGUAGES)
    for key, spec in LANGUAGES.items():
        assert spec.suffix == spec.suffixes[0] and extension(key) == spec.suffix
        # a file written in a language is read back as that language, or as the first one sharing its ending
        assert detect_lang(PurePath("x" + spec.suffix)) == detect("x" + spec.suffix).key
        assert LANGUAGES[detect_lang(PurePath("x" + spec.suffix))].suffixes == spec.suffixes
    assert [detect(f"a{s}").key for s in (".cc", ".cxx", ".c++", ".CPP")] == ["cpp17"] * 4
    for key, style in PROMPT_STYLES.items():
        assert style.key == key and style.name == LANGUAGES[key].name  # the prompt names what is compiled
    assert "-std=gnu++17" in PROMPT_STYLES["cpp17"].name


def test_precompiled_header_uses_exactly_the_compile_flags() -> None:
    script = setup_script()
    for key in ("cpp17", "cpp20"):
        spec = LANGUAGES[key]
        assert set(spec.pch_flags) <= set(spec.compile)
        assert f"g++ {' '.join(spec.pch_flags)} -x c++-header /opt/judge/pch/{key}/bits/stdc++.h" in script
    assert "spawn" in script
    assert recipe_hash() == recipe_hash() and len(recipe_hash()) == 16
    assert {"g++", "gcc", "python3", "pypy3"} <= set(PACKAGES)


def test_dockerfile_route_exists() -> None:
    text = (Path(__file__).resolve().parents[2] / "sandbox" / "image" / "Dockerfile").read_text()
    assert "judge-setup.sh" in text and "FROM debian:bookworm" in text


def test_frames_round_trip_and_garbage_kills_the_worker() -> None:
    data = encode_frame({"op": "x", "n": 1}, [b"abc", b"", b"\x00" * 5])
    reader = FrameReader(io.BytesIO(data).read)
    header, blobs = reader.frame()
    assert header["op"] == "x" and blobs == [b"abc", b"", b"\x00" * 5]
    with pytest.raises(WorkerDied):
        FrameReader(io.BytesIO(struct.pack(">I", 5) + b"nope!").read).frame()
    with pytest.raises(WorkerDied):
        FrameReader(io.BytesIO(data[:10]).read).frame()
