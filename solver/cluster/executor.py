"""The driver's side of a cluster run: connect, start the workers, send problems, write the run store.

The contest code calls ``ClusterExecutor`` where it would solve a problem itself (``Services.solve_remote``):
the executor takes a free worker slot from one queue (every worker offers ``per_worker`` slots), sends the
problem there, and appends the events that come back to the run store, once per job. One queue of slots for
every contest of a batch means a slow problem holds one slot, never a whole node: the node's other slots keep
taking problems from any contest.

Ray is imported here and only here (and by the modules this one loads), and only for ``--cluster``.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from solver.cluster.judging import ClusterJudging
from solver.cluster.options import ClusterSpec, import_ray
from solver.cluster.progress import Follow, OnReply, Page, followed
from solver.cluster.shadow import Applied, Done, Job, finished, prior_events
from solver.config import Config
from solver.errors import JudgeUnavailableError, SolverError, UsageError
from solver.problem import Problem
from solver.runstore import Run
from solver.solve.work import ProblemResult, Progress, Settings

LOCAL_CPUS = 2  # a local cluster's logical CPUs: the actors ask for none, Ray's own work needs few
OBJECT_STORE_BYTES = 80 * 1024 * 1024  # replies and events are small; Ray's minimum is about 75 MB
UNAVAILABLE_SECONDS = 180  # a worker unreachable this long (its node lost and never replaced) fails its job
RESEND_SECONDS = 2.0  # between sends of a job to a worker that is unreachable


def _code_root() -> str:
    """The folder holding the ``solver`` and ``sandbox`` packages this driver runs."""
    return str(Path(__file__).resolve().parents[2])


def connect(spec: ClusterSpec) -> bool:
    """Join (or, for ``local``, start) the cluster; True when this call started Ray.

    ``local`` starts a cluster here even where RAY_ADDRESS names another. ``HOST:PORT`` joins as a driver on
    a node of that cluster (Ray connects to this machine's raylet); ``ray://`` (Ray Client) from anywhere;
    ``auto`` joins RAY_ADDRESS or the cluster ``ray start`` left on this machine.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    common: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    try:
        if spec.local:  # a cluster on this machine, small: workers ask for no CPU, no dashboard
            ray.init(
                address="local",
                num_cpus=LOCAL_CPUS,
                include_dashboard=False,
                object_store_memory=OBJECT_STORE_BYTES,
                # the workers import this very code, whatever another install of the package says
                runtime_env={"env_vars": {"PYTHONPATH": _code_root()}},
                **common,
            )
        else:  # the nodes get this driver's packages; their dependencies must be installed there
            _token_if_any()
            root = Path(_code_root())
            modules = [str(root / "solver"), str(root / "sandbox")]
            ray.init(address=spec.address, runtime_env={"py_modules": modules}, **common)
    except Exception as e:  # Ray raises ConnectionError, RuntimeError, ValueError, its own errors ...
        raise UsageError(_cannot_join(spec, e)) from None
    _messages_to_stderr(ray)
    return True


def _token_if_any() -> None:
    """Send this machine's Ray token (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token) where one is.

    ``ray start --head`` turns token authentication on when the head's machine has a token, and a driver
    that joins by an explicit address sends none unless RAY_AUTH_MODE=token is set: it is refused, after
    20 s of retries. Ray itself enables the token for ``auto`` only; this does the same for every address
    (a cluster without authentication ignores the token). RAY_AUTH_MODE set by the user is left as it is.
    Ray < 2.52 has no token authentication and no such helper: nothing to do there.
    """
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:
        return
    maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


def _cannot_join(spec: ClusterSpec, e: Exception) -> str:
    """Why ``ray.init`` failed, and what to do, by the address's form."""
    causes = [e]
    while causes[-1].__cause__ is not None and len(causes) < 10:
        causes.append(causes[-1].__cause__)  # type: ignore[arg-type]
    why = "; ".join(dict.fromkeys(str(c).strip().splitlines()[0] for c in causes if str(c).strip()))
    if any(type(c).__name__ == "AuthenticationError" for c in causes):
        todo = (
            "the cluster uses token authentication: put its token in ~/.ray/auth_token on this machine "
            "(or set RAY_AUTH_TOKEN)"
        )
    elif spec.client:
        todo = (
            "ray://HOST:PORT is the head's Ray Client server (ray start --head --ray-client-server-port "
            "PORT), and Ray and Python must be the same versions here and on the cluster"
        )
    elif spec.address == "auto":
        todo = (
            "auto joins the cluster in RAY_ADDRESS, or the one `ray start` started on this machine; "
            "give its address instead"
        )
    else:
        todo = (
            "HOST:PORT is the head's GCS address (ray start --head --port PORT) and joins from a node of "
            "that cluster only; from another machine use ray://HEAD:10001 (Ray Client)"
        )
    return f"--cluster {spec.address}: cannot join the Ray cluster: {why}. {todo}"


def _messages_to_stderr(ray: ModuleType) -> None:
    """Ray prints the cluster's error messages ("a worker died ...") on stdout; with ``--json`` stdout is the
    JSON document alone, so they go to stderr (Ray offers no option for it: its private printer is wrapped)."""
    internal = getattr(getattr(ray, "_private", None), "worker", None)
    printer = getattr(internal, "print_to_stdstream", None)
    if printer is None or getattr(printer, "_to_stderr", False):
        return

    def to_stderr(data: dict[str, Any], ignore_prefix: bool) -> None:
        printer({**data, "is_err": True}, ignore_prefix)

    to_stderr._to_stderr = True  # type: ignore[attr-defined]
    internal.print_to_stdstream = to_stderr  # type: ignore[union-attr]


class ClusterExecutor:
    """Solves one problem attempt on the cluster; the run store is written here, by the driver alone."""

    def __init__(self, workers: Sequence[Any], per_worker: int) -> None:
        self.workers = list(workers)
        self.per_worker = per_worker
        self.applied = Applied()
        self._free: asyncio.Queue[int] | None = None
        self.judging = ClusterJudging(self.workers)  # hidden-test judging on the workers too

    def _queue(self) -> asyncio.Queue[int]:
        if self._free is None:  # made on first use, inside the running loop
            self._free = asyncio.Queue()
            for _ in range(self.per_worker):
                for w in range(len(self.workers)):  # interleaved: the first problems go to different nodes
                    self._free.put_nowait(w)
        return self._free

    async def __call__(
        self,
        problem: Problem,
        run: Run,
        settings: Settings,
        progress: Progress | None = None,
        on_reply: OnReply | None = None,
        order: int = 0,
    ) -> ProblemResult:
        """Solve on a free worker slot; ``progress`` and ``on_reply`` (the live board, as a local solve gets
        them) see the problem's progress while the worker solves it; ``order`` (the problem's place in its
        contest, A = 0) ranks its model requests in the cluster's one queue, as it does locally."""
        done = finished(run, problem)
        if done is not None:  # finished before the driver was stopped: no node is asked
            if progress is not None:  # as a local solve says it
                progress(str(problem.id), "problem", stage="done (resumed)")
            return done
        job = Job(f"{run.id}/{problem.id}", problem, settings, prior_events(run, problem), order)
        free = self._queue()
        slot = await free.get()
        try:
            result: Done = await followed(self._send(slot, job), self._follow(slot, job, progress, on_reply))
        finally:
            free.put_nowait(slot)
        return self.applied.apply(run, result)

    async def _send(self, slot: int, job: Job) -> Done:
        from ray.exceptions import ActorUnavailableError, RayActorError, RayTaskError

        deadline = asyncio.get_running_loop().time() + UNAVAILABLE_SECONDS
        while True:
            try:
                done: Done = await self.workers[slot].solve.remote(job)
            except ActorUnavailableError:
                # A lost node: until the cluster declares it dead (its health checks, tens of seconds) the
                # worker is "unavailable" and Ray's own retries of the call run out; then the worker restarts
                # on another node. The job is sent again: a half-done first try added nothing (``Applied``).
                if asyncio.get_running_loop().time() > deadline:
                    raise JudgeUnavailableError(
                        f"cluster worker {slot} was unreachable for {UNAVAILABLE_SECONDS} s while solving "
                        f"{job.problem.id}: check the cluster's nodes (ray status)"
                    ) from None
                await asyncio.sleep(RESEND_SECONDS)
                continue
            except RayActorError as e:
                raise JudgeUnavailableError(
                    f"cluster worker {slot} died and did not come back while solving {job.problem.id}: {e}"
                ) from None
            except RayTaskError as e:  # an error inside the solve loop: the original one, as it would be here
                cause = e.cause if isinstance(getattr(e, "cause", None), BaseException) else None
                if isinstance(cause, SolverError):
                    raise cause from None
                raise
            return done

    def _follow(self, slot: int, job: Job, progress: Progress | None, on_reply: OnReply | None) -> Follow | None:
        """Who shows the job's progress while the worker solves it (nobody without a board)."""
        if progress is None and on_reply is None:
            return None
        worker = self.workers[slot]

        async def ask(key: str, process: str, after: int, last: bool) -> Page:
            page: Page = await worker.progress.remote(key, process, after, last)
            return page

        return Follow(job.key, ask, progress, on_reply)


@contextlib.asynccontextmanager
async def open_cluster(
    spec: ClusterSpec, config: Config, log: Callable[[str], None] = lambda _line: None
) -> AsyncIterator[ClusterExecutor]:
    """Connect, start one limiter of model slots and the workers, warm them; stop them all at the end."""
    ray = import_ray()
    from solver.cluster.limiter import limiter_actor
    from solver.cluster.worker import worker_actor

    started = connect(spec)
    actors: list[Any] = []
    try:
        nodes = [str(n["NodeID"]) for n in ray.nodes() if n.get("Alive")]
        alive = len(nodes)
        count = spec.workers or (2 if spec.local else max(1, alive))
        tag = secrets.token_hex(3)
        # on the driver's node (the head for HOST:PORT, auto and ray://): the limiter's leases live as long
        # as the run, whichever other node is lost
        here = ray.get_runtime_context().get_node_id()
        limiter = limiter_actor(config.hosts, config.slots_per_host, f"cp-solver-slots-{tag}", here)
        actors.append(limiter)
        workers = [  # round robin over the nodes: every node's judge is used
            worker_actor(config, f"cp-solver-worker-{tag}-{i}", limiter, nodes[i % alive] if alive else None)
            for i in range(count)
        ]
        actors += workers
        try:
            await asyncio.gather(*(w.warm.remote() for w in workers))
        except Exception as e:
            raise JudgeUnavailableError(f"the cluster's workers could not start: {e}") from None
        log(f"cluster: {count} worker(s) on {alive} node(s), {spec.per_worker} problem(s) each")
        yield ClusterExecutor(workers, spec.per_worker)
    finally:
        for w in actors[1:]:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(w.close.remote(), timeout=30)
        for a in actors:
            with contextlib.suppress(Exception):
                ray.kill(a)
        if started:
            ray.shutdown()
