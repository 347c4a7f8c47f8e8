"""A judge sweeps the workers that dead judge processes of this machine left, and only those."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from typing import Any

import docker
import pytest

from sandbox.docker_backend import LABEL, OWNER, DockerBackend
from sandbox.image import IMAGE

pytestmark = pytest.mark.docker


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid  # reaped: no process has this pid now (reuse within the test is vanishingly unlikely)


def test_orphans_of_dead_judges_are_removed_and_live_ones_kept(judge: object) -> None:
    client = docker.from_env()
    host = socket.gethostname()
    made = {
        "orphan": client.containers.create(IMAGE, "true", labels={LABEL: "1", OWNER: f"{host}:{_dead_pid()}"}),
        "live": client.containers.create(IMAGE, "true", labels={LABEL: "1", OWNER: f"{host}:{os.getpid()}"}),
        "other_host": client.containers.create(IMAGE, "true", labels={LABEL: "1", OWNER: f"elsewhere:{_dead_pid()}"}),
    }
    try:
        DockerBackend(IMAGE)  # sweeps on start
        left = {c.id for c in client.containers.list(all=True, sparse=True, filters={"label": LABEL})}
        assert made["orphan"].id not in left
        assert made["live"].id in left and made["other_host"].id in left
    finally:
        for c in made.values():
            with contextlib.suppress(docker.errors.NotFound):
                c.remove(force=True)
        client.close()


def test_a_worker_whose_container_vanishes_during_its_start_is_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load, with other judges of the machine sweeping and starting theirs, the engine has answered 404 for
    a container it had just created, and a driver's judge failed to start; the start now takes a new container."""
    from docker.models.containers import ContainerCollection

    backend = DockerBackend(IMAGE)
    run = ContainerCollection.run
    gone: list[str] = []

    def vanishing(self: ContainerCollection, *args: Any, **kwargs: Any) -> Any:
        container = run(self, *args, **kwargs)
        if not gone:  # the first container is taken away under the starting judge
            gone.append(container.name)
            container.remove(force=True)
        return container

    monkeypatch.setattr(ContainerCollection, "run", vanishing)
    worker = backend.start_worker(0)
    try:
        reply, _ = worker.call({"op": "hello"}, [], timeout=30)
        assert reply.get("ok") and gone and worker.name != gone[0]
    finally:
        worker.close()
        backend.close()
