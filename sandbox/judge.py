"""The judge: compile once, run many tests cheaply, interactive pairs, checkers.

    judge = await open_judge(JudgeConfig())
    exe = await judge.compile(Source(code, "cpp17"))
    res = await judge.judge(exe, tests, Limits(2.0, 256), checker=Checker.tokens())
    await judge.close()

A pool of workers (warm containers, or bubblewrap processes) each runs one job at a time. A compiled
program is kept on the host (its artifacts) and installed into a worker the first time that worker
needs it, so any worker can run any program, also after a worker was replaced. A worker whose runner
dies or answers nonsense is replaced and the job retried once; a second failure is a judge error (JE),
never a verdict about the solution. Verdicts are decided here from the runner's raw facts by the pure
function ``classify``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import hashlib
import math
import queue
import secrets
import signal
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sandbox import checkers
from sandbox.api import (
    OPEN_R1,
    TIME_RANGE_S,
    Checker,
    CheckerKind,
    CheckResult,
    Compiled,
    JudgeConfig,
    JudgeResult,
    Limits,
    RunResult,
    Source,
    Test,
    TestResult,
    Verdict,
)
from sandbox.backend import Backend, Header, Worker, WorkerDied
from sandbox.backend import JudgeUnavailable as JudgeUnavailable  # re-exported: callers catch it here
from sandbox.languages import Language, get

MB = 1 << 20
T = TypeVar("T")
MAX_INSTALLED = 48  # programs kept in one worker's scratch (static C++ binaries are ~2 MB each)
_START_S = 120.0  # at most, for a worker to start (a container, its runner's hello)


class JudgeFailure(RuntimeError):
    """The judge itself failed (twice) on a job."""


@dataclass(frozen=True)
class CompileLimits:
    cpu_s: float = 30.0
    wall_s: float = 45.0
    memory_mb: int = 1536
    output_mb: int = 256


_COMPILE_LIMITS = CompileLimits()
_LIMITS = Limits()
_TOKENS = Checker()
_CONFIG = JudgeConfig()

# Address space beyond the memory limit (RLIMIT_AS counts reserved, mostly untouched memory: a thread
# stack sized by the stack limit, interpreters' arenas; PyPy reserves gigabytes for deep recursion).
# Peak RSS decides MLE; the address-space limit stops runaway allocations early (at twice the limit).
_AS_EXTRA_MB = {"pypy3": 4096}


def _as_extra_mb(lang: str, memory_mb: int) -> int:
    return _AS_EXTRA_MB.get(lang, max(64, memory_mb))


_SIGNAMES = {s.value: s.name for s in signal.Signals}

_MEMORY_HINTS = (b"std::bad_alloc", b"MemoryError", b"out of memory", b"Cannot allocate memory")


def signal_name(sig: int) -> str:
    return _SIGNAMES.get(sig, f"signal {sig}")


def run_limits(limits: Limits, lang: str) -> dict[str, Any]:
    """The runner's limits for one run of a program in lang."""
    return {
        "time_s": limits.time_s,
        "wall_s": limits.time_s * limits.wall_factor + 0.5,
        "as_mb": limits.memory_mb + _as_extra_mb(lang, limits.memory_mb),
        # No stack limit of its own (0: the runner's, unlimited): the stack may use all the memory, as on
        # Codeforces, bounded by the address space and judged by peak memory. A finite stack limit would
        # also be every thread's stack reservation (glibc), so threads could not start within the space.
        "stack_mb": 0,
        "output_mb": limits.output_mb,
        "idle_s": limits.idle_s if limits.idle_s is not None else max(1.0, limits.time_s),
    }


def static_memory_kb(binary: bytes) -> int:
    """Memory an ELF executable maps before running a line (code, data, bss: the PT_LOAD sizes), pure.

    A global array beyond the limit is an MLE on Codeforces even when untouched; 0 when not ELF64."""
    if len(binary) < 64 or binary[:5] != b"\x7fELF\x02":
        return 0
    phoff = int.from_bytes(binary[32:40], "little")
    entsize = int.from_bytes(binary[54:56], "little")
    count = int.from_bytes(binary[56:58], "little")
    total = 0
    for k in range(count):
        ph = binary[phoff + k * entsize : phoff + (k + 1) * entsize]
        if len(ph) >= 48 and int.from_bytes(ph[0:4], "little") == 1:  # PT_LOAD
            total += int.from_bytes(ph[40:48], "little")
    return total // 1024


def classify(raw: dict[str, Any], limits: Limits) -> tuple[Verdict, str]:
    """Execution verdict and its reason from the runner's facts about one run (pure)."""
    cpu, rss = float(raw["cpu"]), int(raw["rss_kb"])
    sig, code = raw.get("signal"), raw.get("exit")
    stderr_tail: bytes = raw.get("stderr_tail", b"")
    exec_error = str(raw.get("exec_error") or "")
    mem_kb = limits.memory_mb * 1024
    if exec_error:
        if f"Errno {errno.ENOMEM}]" in exec_error or f"Errno {errno.E2BIG}]" in exec_error:
            return Verdict.MLE, f"the program does not fit in {limits.memory_mb} MB ({exec_error})"
        return Verdict.JE, exec_error
    static_kb = int(raw.get("static_kb", 0))
    if static_kb > mem_kb:
        return Verdict.MLE, f"static memory {static_kb / 1024:.1f} MB > {limits.memory_mb} MB"
    if raw.get("idle_killed"):
        return (
            Verdict.ILE,
            f"idle for {run_limits(limits, '')['idle_s']:.1f} s while waiting (CPU {cpu:.2f} s)",
        )
    if rss > mem_kb:  # it would have been stopped there, before running out of time
        return Verdict.MLE, f"peak memory {rss / 1024:.1f} MB > {limits.memory_mb} MB"
    if cpu > limits.time_s or sig == signal.SIGXCPU:
        return Verdict.TLE, f"CPU {cpu:.2f} s > {limits.time_s:.2f} s"
    if raw.get("wall_killed"):
        wall = limits.time_s * limits.wall_factor + 0.5
        return Verdict.TLE, f"killed at the wall-clock limit {wall:.1f} s (CPU {cpu:.2f} s)"
    if int(raw.get("out_size", 0)) > limits.output_mb * MB or sig == signal.SIGXFSZ:
        return Verdict.OLE, f"output over {limits.output_mb} MB"
    failed = sig is not None or (code is not None and code != 0)
    if failed and sig == signal.SIGKILL:
        # We did not send it (wall and idle kills are reported above): the kernel did, for memory.
        return Verdict.MLE, f"killed by SIGKILL at {rss / 1024:.1f} MB (out of memory)"
    if failed and any(h in stderr_tail for h in _MEMORY_HINTS):
        return Verdict.MLE, f"an allocation failed under the {limits.memory_mb} MB limit"
    if sig is not None:
        return Verdict.RE, f"killed by signal {sig} ({signal_name(sig)})"
    if code:
        return Verdict.RE, f"exit code {code}"
    return Verdict.AC, ""


def _run_result(
    raw: dict[str, Any], stdout: bytes, stderr: bytes, limits: Limits, static_kb: int = 0
) -> RunResult:
    verdict, detail = classify(dict(raw, stderr_tail=stderr[-4096:], static_kb=static_kb), limits)
    return RunResult(
        status=verdict,
        exit_code=raw.get("exit"),
        signal=raw.get("signal"),
        cpu_s=float(raw["cpu"]),
        wall_s=float(raw["wall"]),
        memory_kb=int(raw["rss_kb"]),
        stdout=stdout,
        stderr=stderr,
        detail=detail,
    )


def judge_error_run(message: str) -> RunResult:
    return RunResult(Verdict.JE, None, None, 0.0, 0.0, 0, b"", b"", detail=message)


def checker_result(raw: dict[str, Any], stderr: bytes, stdout: bytes) -> CheckResult:
    """A testlib-convention checker's exit: 0 OK, 1 WA, 2 PE, 3 FAIL, 7 points (pure)."""
    message = (stderr or stdout).decode(errors="replace").strip()[:2000]
    code, sig = raw.get("exit"), raw.get("signal")
    if raw.get("wall_killed") or sig is not None:
        return CheckResult(
            Verdict.JE, f"checker failed: {'timed out' if raw.get('wall_killed') else signal_name(sig or 0)}"
        )
    if code == 0:
        return CheckResult(Verdict.AC, message)
    if code == 1:
        return CheckResult(Verdict.WA, message)
    if code == 2:
        return CheckResult(Verdict.PE, message)
    if code == 7:
        points = None
        for word in message.replace("points", " ").split():
            try:
                points = float(word)
                break
            except ValueError:
                continue
        return CheckResult(Verdict.AC, message, points=points)
    return CheckResult(Verdict.JE, f"checker failed (exit {code}): {message}")


@dataclass(frozen=True)
class _Program:
    lang: Language
    files: tuple[tuple[str, bytes], ...]
    static_kb: int = 0  # of the executable, see static_memory_kb
    wid: str = ""  # its name in the workers: shared by every handle of the same compiled code
    message: str = ""  # the compiler's warnings
    compile_s: float = 0.0
    compile_cpu_s: float = 0.0


def compile_key(lang: Language, code: str, limits: CompileLimits) -> str:
    """What decides a compilation's outcome: the language's compile command (flags included), the
    artifacts it keeps, the limits and the source (pure). Equal keys compile to equivalent programs."""
    parts = [lang.key, lang.src, *lang.compile, "|", *lang.artifacts, "|", repr(limits), "|", code]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


MAX_CACHED = 256  # compile outcomes remembered beyond the programs still in use (host memory only)


class _Abandoned(Exception):
    """The compile another caller was waiting for was cancelled: compile again."""


@dataclass
class _Slot:
    index: int
    worker: Worker | None = None
    installed: dict[str, None] = field(default_factory=dict)  # handles, least recently used first


class Judge:
    """Compile and run untrusted programs through a pool of sandbox workers."""

    def __init__(self, backend: Backend, workers: int) -> None:
        self._backend = backend
        self._slots = [_Slot(i) for i in range(max(1, workers))]
        # A thread-safe queue, not asyncio's: the judge may be opened in one event loop and used from
        # others (a session-wide test fixture; a CLI that runs several asyncio.run calls).
        self._idle: queue.Queue[_Slot] = queue.Queue()
        self._programs: dict[str, _Program] = {}  # by handle
        self._refs: dict[str, int] = {}  # handles per worker-side id (wid); 0: may leave the workers
        # Compile outcomes by compile_key: an unchanged source is never compiled twice (a repair that
        # returns the same code, a helper asked again, the same checker check for every candidate).
        self._compiled: OrderedDict[str, Compiled | _Program] = OrderedDict()
        self._compiling: dict[str, Future[None]] = {}  # in flight: later callers wait for the first
        self._pool = ThreadPoolExecutor(max_workers=len(self._slots) + 2, thread_name_prefix="judge")
        self._closed = False
        self.replacements = 0  # workers replaced after their runner died (for tests and diagnostics)

    @property
    def workers(self) -> int:
        return len(self._slots)

    async def start(self) -> None:
        async def one(slot: _Slot) -> None:
            slot.worker = await self._blocking(self._backend.start_worker, slot.index)

        # Every start runs to its end (a failure does not abandon the others' containers mid-start).
        outcomes = await asyncio.gather(*(one(s) for s in self._slots), return_exceptions=True)
        for s in self._slots:
            self._idle.put_nowait(s)
        failure = next((o for o in outcomes if isinstance(o, BaseException)), None)
        if failure is not None:
            await self.close()
            raise failure

    async def close(self, grace_s: float = 1.0) -> None:
        """Stop every worker. A job still running (its caller was cancelled) gets ``grace_s`` to finish,
        then its worker is stopped under it."""
        if self._closed:
            return
        self._closed = True
        await self._blocking(self._shutdown, grace_s)
        self._pool.shutdown(wait=False)

    def _shutdown(self, grace_s: float) -> None:
        back: set[int] = set()

        def take_back(seconds: float) -> None:
            until = time.monotonic() + seconds
            while len(back) < len(self._slots):
                try:
                    back.add(self._idle.get(timeout=max(0.0, until - time.monotonic())).index)
                except queue.Empty:
                    return

        take_back(grace_s)
        for s in self._slots:
            if s.index not in back and s.worker is not None:
                with contextlib.suppress(Exception):
                    s.worker.interrupt()  # its job fails at once and hands the slot back (see _job)
        take_back(_START_S)  # a job that was starting a new worker finishes that first
        for s in self._slots:
            if s.worker is not None:
                with contextlib.suppress(Exception):
                    s.worker.close()
                s.worker = None
        self._backend.close()

    async def __aenter__(self) -> Judge:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------ plumbing
    async def _blocking(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking worker call on the judge's own threads (one per worker, plus spares), so
        callers flooding the default executor cannot starve the jobs that hold the workers."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    async def _acquire(self) -> _Slot:
        """An idle worker. Polls (no thread parked per waiting caller): at most a few ms of latency,
        and only when every worker is busy."""
        delay = 0.0005
        while True:
            if self._closed:
                raise JudgeFailure("the judge is closed")
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.005)

    async def _call(
        self,
        header: Header,
        blobs: list[bytes],
        timeout: float,
        needs: Sequence[_Program] = (),
        installs: str = "",
    ) -> tuple[Header, list[bytes]]:
        """Send one job to an idle worker and wait for its reply.

        The job runs on one judge thread that holds the worker from its start to its end and only then
        hands it back, so cancelling the caller is safe: the caller returns at once, while the job
        finishes undisturbed and its reply is read, leaving the worker clean for the next job."""
        slot = await self._acquire()
        try:
            fut = self._pool.submit(self._job, slot, header, blobs, timeout, needs, installs)
        except RuntimeError:  # the pool was shut down: the judge closed meanwhile
            self._idle.put_nowait(slot)
            raise JudgeFailure("the judge is closed") from None
        # When the job ends, or never starts (cancelled while queued for a thread), the worker is free.
        fut.add_done_callback(lambda _: self._idle.put_nowait(slot))
        return await asyncio.wrap_future(fut)

    def _job(
        self, slot: _Slot, header: Header, blobs: list[bytes], timeout: float, needs: Sequence[_Program], installs: str
    ) -> tuple[Header, list[bytes]]:
        """One job on a worker (on a judge thread, see _call); replace the worker and retry once if its
        runner fails. ``installs``: the program handle a successful compile leaves in the worker."""
        last: Exception | None = None
        for _attempt in range(2):
            self._check_open()
            try:
                if slot.worker is None:
                    self._replace(slot)
                    self._check_open()
                worker = slot.worker
                assert worker is not None
                self._evict(slot, worker, keep=[prog.wid for prog in needs])
                for prog in needs:
                    if prog.wid in slot.installed:
                        slot.installed[prog.wid] = slot.installed.pop(prog.wid)  # most recently used
                    else:
                        self._install(slot, worker, prog)
                reply, out = worker.call(header, blobs, timeout)
            except Exception as e:
                self._check_open(e)  # close() stopped this worker under the job: not the runner's fault
                if not isinstance(e, WorkerDied):
                    raise
                last = e
                try:
                    self._replace(slot)
                except Exception as e2:
                    last = e2
                    slot.worker = None
                continue
            if not reply.get("ok"):
                raise JudgeFailure(f"runner refused {header.get('op')}: {reply.get('error')}")
            if installs and reply.get("compiled"):
                slot.installed[installs] = None
            return reply, out
        raise JudgeFailure(f"the sandbox failed twice: {last}")

    def _check_open(self, cause: Exception | None = None) -> None:
        if self._closed:
            raise JudgeFailure("the judge was closed during the job") from cause

    def _replace(self, slot: _Slot) -> None:
        old, slot.worker = slot.worker, None
        slot.installed = {}
        self.replacements += 1
        if old is not None:
            old.close()
        slot.worker = self._backend.start_worker(slot.index)

    def _install(self, slot: _Slot, worker: Worker, prog: _Program) -> None:
        # The program comes from the caller (who holds it), never looked up here: this runs on a judge
        # thread while the event loop changes the judge's tables.
        reply, _ = worker.call(
            {"op": "install", "handle": prog.wid, "files": [n for n, _ in prog.files]},
            [d for _, d in prog.files],
            60.0,
        )
        if not reply.get("ok"):
            raise JudgeFailure(f"cannot install a program: {reply.get('error')}")
        slot.installed[prog.wid] = None

    def _evict(self, slot: _Slot, worker: Worker, keep: Sequence[str]) -> None:
        """Bound the programs a worker holds (its scratch is memory): forget the least recently used
        ones and released ones; the host keeps the artifacts, so they are reinstalled if needed."""
        gone = [h for h in slot.installed if not self._refs.get(h) and h not in keep]
        extra = len(slot.installed) - len(gone) - (MAX_INSTALLED - len(keep) - 1)
        if extra > 0:
            gone += [h for h in slot.installed if self._refs.get(h) and h not in keep][:extra]
        for handle in gone:
            worker.call({"op": "forget", "handle": handle}, [], 60.0)
            slot.installed.pop(handle, None)

    def release(self, compiled: Compiled) -> None:
        """Forget a program this judge compiled (its files leave the workers at their next job, unless
        another handle of the same compiled code is still in use)."""
        prog = self._programs.pop(compiled.handle, None)
        if prog is not None:
            self._refs[prog.wid] -= 1
            if not self._refs[prog.wid]:
                del self._refs[prog.wid]

    def _program(self, compiled: Compiled) -> _Program:
        if not compiled.ok:
            raise ValueError("cannot run a program that did not compile")
        prog = self._programs.get(compiled.handle)
        if prog is None:
            raise ValueError(f"unknown program handle {compiled.handle!r} (compiled by another judge?)")
        return prog

    # ------------------------------------------------------------ API
    async def compile(self, source: Source, limits: CompileLimits = _COMPILE_LIMITS) -> Compiled:
        """Compile (or syntax-check) a source; Compiled.ok False carries the compiler's message (CE).

        An unchanged source (same language, flags, limits) is not compiled again: the outcome is reused
        (Compiled.cached), also while the first compile of it is still running."""
        if self._closed:  # also for a source compiled before: a closed judge runs nothing
            raise JudgeFailure("the judge is closed")
        lang = get(source.lang)
        key = compile_key(lang, source.code, limits)
        while True:
            hit = self._compiled.get(key)
            if hit is not None:
                self._compiled.move_to_end(key)
                return self._handle(hit, cached=True)
            pending = self._compiling.get(key)
            if pending is None:
                break
            with contextlib.suppress(_Abandoned):
                await asyncio.wrap_future(pending)
        done: Future[None] = Future()
        self._compiling[key] = done
        try:
            outcome, remember = await self._compile(lang, source, limits)
            if remember:
                self._compiled[key] = outcome
                while len(self._compiled) > MAX_CACHED:
                    self._compiled.popitem(last=False)
        except BaseException:
            done.set_exception(_Abandoned())
            raise
        finally:
            del self._compiling[key]
        done.set_result(None)
        return self._handle(outcome, cached=False)

    def _handle(self, outcome: Compiled | _Program, *, cached: bool) -> Compiled:
        """A new handle for a compile outcome: every compile call gets its own (release is per handle)."""
        if isinstance(outcome, Compiled):
            if not cached:
                return outcome
            return replace(outcome, cached=True, compile_s=0.0, compile_cpu_s=0.0)
        handle = secrets.token_hex(8)
        self._programs[handle] = outcome
        self._refs[outcome.wid] = self._refs.get(outcome.wid, 0) + 1
        return Compiled(
            handle,
            outcome.lang.key,
            True,
            outcome.message,
            0.0 if cached else outcome.compile_s,
            cached,
            0.0 if cached else outcome.compile_cpu_s,
        )

    async def _compile(
        self, lang: Language, source: Source, limits: CompileLimits
    ) -> tuple[Compiled | _Program, bool]:
        """Compile in a worker: the program or the compiler's refusal, and whether to remember it (not a
        compile stopped by its limits or a signal: a busy machine can cause that, not only the source)."""
        wid = secrets.token_hex(8)
        header = {
            "op": "compile",
            "handle": wid,
            "src": lang.src,
            "argv": list(lang.compile),
            "artifacts": list(lang.artifacts),
            "limits": {
                "cpu_s": limits.cpu_s,
                "wall_s": limits.wall_s,
                "memory_mb": limits.memory_mb,
                "output_mb": limits.output_mb,
            },
        }
        reply, files = await self._call(header, [source.code.encode()], limits.wall_s + 30, installs=wid)
        seconds = float(reply.get("time", 0.0))
        message = str(reply.get("message", ""))
        report = reply.get("report") or {}
        cpu = float(report.get("cpu", 0.0))
        if not reply["compiled"]:
            stopped = report.get("wall_killed") or report.get("signal") is not None or report.get("exec_error")
            return Compiled("", lang.key, False, message, seconds, compile_cpu_s=cpu), not stopped
        static_kb = max((static_memory_kb(data) for data in files), default=0)
        files_by_name = tuple(zip(lang.artifacts, files, strict=True))
        return _Program(lang, files_by_name, static_kb, wid, message, seconds, cpu), True

    async def run(self, compiled: Compiled, input: bytes, limits: Limits = _LIMITS) -> RunResult:
        """One execution with stdin = input."""
        results = await self._run_many(compiled, [input], limits)
        return results[0]

    async def _run_many(
        self,
        compiled: Compiled,
        inputs: Sequence[bytes],
        limits: Limits,
        *,
        files: Sequence[Sequence[bytes]] | None = None,
        role: str = "run",
        stop_on_failure: bool = False,
    ) -> list[RunResult]:
        """Run a program on many inputs in as few jobs as possible, spread over the workers."""
        prog = self._program(compiled)
        lim = run_limits(limits, prog.lang.key)
        n = len(inputs)
        if n == 0:
            return []
        # Chunks: enough to keep every worker busy, small enough to bound one message's size.
        per = max(1, math.ceil(n / len(self._slots)))
        chunks: list[list[int]] = []
        cur: list[int] = []
        size = 0
        for i in range(n):
            extra = sum(len(b) for b in files[i]) if files else 0
            if cur and (len(cur) >= per or size + len(inputs[i]) + extra > 32 * MB):
                chunks.append(cur)
                cur, size = [], 0
            cur.append(i)
            size += len(inputs[i]) + extra
        chunks.append(cur)

        async def job(idx: list[int]) -> list[RunResult]:
            blobs: list[bytes] = []
            tests = []
            for i in idx:
                t: dict[str, Any] = {"stdin": len(blobs)}
                blobs.append(inputs[i])
                if files:
                    t["files"] = list(range(len(blobs), len(blobs) + len(files[i])))
                    blobs.extend(files[i])
                tests.append(t)
            header = {
                "op": "run",
                "handle": prog.wid,
                "argv": list(prog.lang.run),
                "limits": lim,
                "tests": tests,
                "role": role,
                "stop_on_failure": stop_on_failure,
            }
            timeout = len(idx) * (lim["wall_s"] + 3.0) + 30.0
            try:
                reply, out = await self._call(header, blobs, timeout, needs=[prog])
            except JudgeFailure as e:
                return [judge_error_run(str(e)) for _ in idx]
            res = [
                _run_result(raw, out[2 * k], out[2 * k + 1], limits, prog.static_kb)
                for k, raw in enumerate(reply["results"])
            ]
            return res

        # One chunk (a single run): awaited in place, no task to schedule.
        parts = [await job(chunks[0])] if len(chunks) == 1 else await asyncio.gather(*(job(c) for c in chunks))
        results: list[RunResult] = []
        for part in parts:
            results.extend(part)
            if stop_on_failure and any(r.status is not Verdict.AC for r in part):
                break
        return results

    async def judge(
        self,
        compiled: Compiled,
        tests: Sequence[Test],
        limits: Limits = _LIMITS,
        checker: Checker = _TOKENS,
        *,
        stop_on_failure: bool = False,
    ) -> JudgeResult:
        """Verdict per test (in order) and overall: AC if every test is AC, else the first failure's."""
        if not compiled.ok:
            return JudgeResult(Verdict.CE, (), compiled.message)
        runs = await self._run_many(
            compiled, [t.input for t in tests], limits, stop_on_failure=stop_on_failure
        )
        checks = await self._check_all(checker, tests, runs)
        results: list[TestResult] = []
        for t, r, c in zip(tests, runs, checks, strict=False):
            results.append(self._test_result(t, r, c, checker))
            if stop_on_failure and results[-1].verdict is not Verdict.AC:
                break
        overall = next((tr.verdict for tr in results if tr.verdict is not Verdict.AC), Verdict.AC)
        return JudgeResult(overall, tuple(results), compiled.message)

    @staticmethod
    def _test_result(t: Test, r: RunResult, c: CheckResult | None, checker: Checker) -> TestResult:
        if r.status is not Verdict.AC or c is None:
            return TestResult(t.name, r.status, r, c)
        diff = ""
        if c.verdict in (Verdict.WA, Verdict.PE) and t.answer is not None:
            from sandbox.diff import describe

            kind = checker.kind if checker.kind is not CheckerKind.PROGRAM else CheckerKind.TOKENS
            diff = describe(r.stdout, t.answer, t.input, kind=kind, eps=checker.eps)
        return TestResult(t.name, c.verdict, r, c, diff)

    async def _check_all(
        self, checker: Checker, tests: Sequence[Test], runs: Sequence[RunResult]
    ) -> list[CheckResult | None]:
        todo = [
            i
            for i, (t, r) in enumerate(zip(tests, runs, strict=False))
            if r.status is Verdict.AC and t.answer is not None
        ]
        out: list[CheckResult | None] = [None] * len(runs)
        if checker.kind is not CheckerKind.PROGRAM:
            for i in todo:
                answer = tests[i].answer
                assert answer is not None
                out[i] = checkers.check(checker, tests[i].input, runs[i].stdout, answer)
            return out
        if checker.program is None or not checker.program.ok:
            for i in todo:
                out[i] = CheckResult(Verdict.JE, "the checker program did not compile")
            return out
        files = [checkers.program_files(checker, tests[i].input, runs[i].stdout, tests[i].answer or b"") for i in todo]
        chk = await self._run_many(
            checker.program, [b""] * len(todo), Limits(time_s=10.0, memory_mb=512), files=files, role="aux"
        )
        for i, cr in zip(todo, chk, strict=True):
            if checker.convention == OPEN_R1:
                out[i] = checkers.open_r1_result(cr)
            elif cr.status is Verdict.JE:
                out[i] = CheckResult(Verdict.JE, f"checker: {cr.detail}")
            else:
                out[i] = checker_result(
                    {"exit": cr.exit_code, "signal": cr.signal, "wall_killed": cr.status is Verdict.TLE},
                    cr.stderr,
                    cr.stdout,
                )
        return out

    async def interact(
        self, solution: Compiled, interactor: Compiled, test: Test, limits: Limits = _LIMITS
    ) -> TestResult:
        """Solution and interactor talk through pipes; the interactor's exit (testlib) gives the verdict.

        The interactor gets ``input_file output_file [answer_file]`` as arguments."""
        if not solution.ok:
            return TestResult(test.name, Verdict.CE, judge_error_run("compilation error"))
        sprog, iprog = self._program(solution), self._program(interactor)
        lim = run_limits(limits, sprog.lang.key)
        itime = min(limits.time_s * limits.wall_factor + 1, TIME_RANGE_S[1])  # outlives the solution
        ilim = run_limits(Limits(time_s=itime, memory_mb=512), iprog.lang.key)
        header = {
            "op": "interact",
            "limits": lim,
            "interactor_limits": ilim,
            "solution": {"handle": sprog.wid, "argv": list(sprog.lang.run)},
            "interactor": {"handle": iprog.wid, "argv": list(iprog.lang.run)},
        }
        blobs = [test.input] + ([test.answer] if test.answer is not None else [])
        try:
            reply, out = await self._call(
                header, blobs, lim["wall_s"] + 30.0, needs=[sprog, iprog]
            )
        except JudgeFailure as e:
            return TestResult(test.name, Verdict.JE, judge_error_run(str(e)))
        _tout, serr, ierr = out
        srun = _run_result(reply["solution"], b"", serr, limits, sprog.static_kb)
        iraw = reply["interactor"]
        check = checker_result(iraw, ierr, b"")
        if iraw.get("idle_killed") and srun.status is Verdict.ILE:
            check = CheckResult(Verdict.AC, "")  # stopped by us; the verdict is the solution's idleness
        return TestResult(test.name, interaction_verdict(srun, check), srun, check)


def interaction_verdict(solution: RunResult, interactor: CheckResult) -> Verdict:
    """Limits first (TLE, ILE, MLE, OLE), then the interactor's word, then the solution's crash (pure)."""
    if solution.status in (Verdict.TLE, Verdict.ILE, Verdict.MLE, Verdict.OLE, Verdict.JE):
        return solution.status
    if interactor.verdict is not Verdict.AC:
        return interactor.verdict
    return solution.status


async def open_judge(config: JudgeConfig = _CONFIG) -> Judge:
    """Start the backend's workers. Docker by default; "local" (bubblewrap) only when asked for."""
    backend: Backend
    if config.backend == "docker":
        backend = await asyncio.to_thread(_docker_backend, config)
    elif config.backend == "local":
        from sandbox.local_backend import LocalBackend

        backend = await asyncio.to_thread(LocalBackend)
    else:
        raise JudgeUnavailable(f"unknown sandbox backend {config.backend!r}; use 'docker' or 'local'")
    judge = Judge(backend, config.workers)
    try:
        await judge.start()
    except JudgeUnavailable:
        raise
    except Exception as e:  # whatever stopped the workers, the user needs one line
        raise JudgeUnavailable(f"the sandbox could not start its workers: {e}") from e
    return judge


def _docker_backend(config: JudgeConfig) -> Backend:
    from sandbox.docker_backend import DockerBackend, connect
    from sandbox.image import ensure_image

    connect().close()  # the engine first: nothing else can tell the user what is really missing

    if config.build_if_missing:
        ensure_image(config.image)
    return DockerBackend(config.image)
