"""Building the judge image.

Two routes to the same image, both driven by one recipe (packages + a setup script generated from
``sandbox.languages``, so the precompiled header is built with exactly the compile flags):

* offline (the default where we are root on Linux): ``debootstrap --variant=minbase`` a Debian root
  file system (cached by package list), run the setup script in it with ``chroot``, then
  ``tar -C DIR -c . | docker import``;
* ``--dockerfile``: ``docker build`` from ``sandbox/image/Dockerfile`` where a registry is reachable.

The image carries the label ``cp-solver.recipe=<hash of the recipe>``; building is a no-op when the
image exists with the current hash. The runner script is not in the image: it is passed in when a
worker starts, so changing it needs no rebuild.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sandbox.api import default_image
from sandbox.backend import JudgeUnavailable
from sandbox.docker_backend import connect
from sandbox.languages import LANGUAGES, PCH_ROOT
from sandbox.testlib import cache_dir

IMAGE = default_image()  # $CP_SOLVER_JUDGE_IMAGE, else cp-solver-judge:latest
SUITE = "bookworm"
# mold: links a static C++ program in ~30 ms where ld.bfd takes ~100 ms (see languages.LINKER)
PACKAGES = ("g++", "gcc", "libc6-dev", "mold", "python3", "pypy3")
LABEL = "cp-solver.recipe"
DOCKERFILE = Path(__file__).parent / "image" / "Dockerfile"
SPAWN_C = Path(__file__).parent / "image" / "spawn.c"
RECIPE_VERSION = "1"  # bump when the build steps below change in a way the hash cannot see


class ImageError(JudgeUnavailable):
    """The image could not be built; the message says what to do."""


def setup_script() -> str:
    """Shell run inside the new root file system: precompile bits/stdc++.h per C++ language."""
    lines = ["set -eu", f"rm -rf {PCH_ROOT}", "hdr=$(echo /usr/include/x86_64-linux-gnu/c++/*/bits/stdc++.h)"]
    for spec in LANGUAGES.values():
        if not spec.has_pch:
            continue
        d = f"{PCH_ROOT}/{spec.key}/bits"
        flags = " ".join(spec.pch_flags)
        lines += [
            f"mkdir -p {d}",
            f'cp "$hdr" {d}/stdc++.h',
            f"g++ {flags} -x c++-header {d}/stdc++.h -o {d}/stdc++.h.gch",
        ]
    lines += [
        # The helper that runs each program (see spawn.c), static so it starts in microseconds.
        "mkdir -p /opt/judge/bin",
        "gcc -O2 -static -o /opt/judge/bin/spawn /judge-spawn.c && rm /judge-spawn.c",
        # Scratch mount points (the root is read-only at run time) and a world-writable /tmp.
        "mkdir -p /box /tmp /dev/shm && chmod 1777 /tmp",
        "rm -rf /var/cache/apt/archives/*.deb /var/lib/apt/lists/* /usr/share/doc /usr/share/man",
    ]
    return "\n".join(lines) + "\n"


def recipe_hash() -> str:
    h = hashlib.sha256()
    for part in (
        RECIPE_VERSION,
        SUITE,
        *PACKAGES,
        setup_script(),
        DOCKERFILE.read_text(),
        SPAWN_C.read_text(),
    ):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class ImageStatus:
    exists: bool
    current: bool
    recipe: str
    found: str | None  # recipe label of the existing image


def image_status(client: object, image: str = IMAGE) -> ImageStatus:
    import docker.errors

    want = recipe_hash()
    try:
        img = client.images.get(image)  # type: ignore[attr-defined]
    except docker.errors.ImageNotFound:
        return ImageStatus(False, False, want, None)
    found = (img.labels or {}).get(LABEL)
    return ImageStatus(True, found == want, want, found)


def _cache_dir() -> Path:
    return cache_dir()  # one cache for the image's root file systems and testlib.h


def _mirror() -> str:
    """The Debian mirror apt already uses here (deb822 or one-line sources), else deb.debian.org."""
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        try:
            text = path.read_text()
        except OSError:
            continue
        for line in text.splitlines():
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            urls = [w for w in words if w.startswith("http") and "security" not in w]
            if words[0] == "URIs:" and urls and "/debian" in urls[0]:
                return urls[0]
            if words[0] == "deb" and urls and urls[0].rstrip("/").endswith("/debian"):
                return urls[0]
    return "http://deb.debian.org/debian"


Log = Callable[[str], None]


def _run(cmd: list[str], log: Log, *, stream: bool = False, env: dict[str, str] | None = None) -> None:
    """Run a build step; stream: show its output lines as progress (debootstrap takes minutes)."""
    log("$ " + " ".join(cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line.rstrip())
        if stream:
            log("  " + line.rstrip())
    if proc.wait() != 0:
        tail = "\n".join(lines[-20:])
        raise ImageError(f"{cmd[0]} failed (exit {proc.returncode}):\n{tail}")


def build_offline(image: str = IMAGE, log: Log = print) -> str:
    """debootstrap + chroot setup + docker import. Returns the recipe hash."""
    if os.geteuid() != 0:
        raise ImageError(
            "building the image offline needs root (debootstrap, chroot); run as root or "
            "use `python -m sandbox build-image --dockerfile` where a registry is reachable"
        )
    for tool in ("docker", "tar", "debootstrap"):
        if shutil.which(tool) is None:
            raise ImageError(f"{tool} is not installed; install it (apt-get install debootstrap docker.io)")
    want = recipe_hash()
    base_key = hashlib.sha256(" ".join((SUITE, *PACKAGES)).encode()).hexdigest()[:12]
    cache = _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    base = cache / f"rootfs-{base_key}"
    if not (base / ".complete").exists():
        tmp = cache / f"rootfs-{base_key}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        mirror = _mirror()
        log(f"debootstrap {SUITE} from {mirror} (a few minutes, once)")
        _run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE, str(tmp), mirror],
            log,
        )
        (tmp / ".complete").touch()
        tmp.rename(base)
    work = Path(tempfile.mkdtemp(prefix="judge-rootfs-", dir=cache))
    try:
        log("copying the base root file system")
        _run(["cp", "-a", f"{base}/.", str(work)], log)
        (work / ".complete").unlink(missing_ok=True)
        (work / "judge-setup.sh").write_text(setup_script())
        shutil.copy(SPAWN_C, work / "judge-spawn.c")
        log("precompiling bits/stdc++.h with the judge's flags")
        t0 = time.monotonic()
        _run(
            ["chroot", str(work), "/bin/sh", "/judge-setup.sh"],
            log,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        log(f"setup took {time.monotonic() - t0:.1f} s")
        (work / "judge-setup.sh").unlink()
        log(f"importing into docker as {image}")
        tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(work), "-c", "."], stdout=subprocess.PIPE)
        imp = subprocess.run(
            [
                "docker",
                "import",
                "--change",
                f"LABEL {LABEL}={want}",
                "--change",
                "WORKDIR /",
                "--change",
                'CMD ["/bin/sh"]',
                "-",
                image,
            ],
            stdin=tar.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert tar.stdout is not None
        tar.stdout.close()
        if tar.wait() != 0 or imp.returncode != 0:
            raise ImageError(f"docker import failed: {imp.stdout.strip()[-2000:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return want


def build_dockerfile(image: str = IMAGE, log: Log = print) -> str:
    """docker build from sandbox/image/Dockerfile (needs a registry for the debian base image)."""
    want = recipe_hash()
    with tempfile.TemporaryDirectory() as ctx:
        shutil.copy(DOCKERFILE, Path(ctx) / "Dockerfile")
        (Path(ctx) / "judge-setup.sh").write_text(setup_script())
        shutil.copy(SPAWN_C, Path(ctx) / "judge-spawn.c")
        _run(
            [
                "docker",
                "build",
                "--label",
                f"{LABEL}={want}",
                "--build-arg",
                f"PACKAGES={' '.join(PACKAGES)}",
                "-t",
                image,
                ctx,
            ],
            log,
        )
    return want


def ensure_image(
    image: str = IMAGE, *, force: bool = False, dockerfile: bool = False, log: Log | None = None
) -> bool:
    """Build the image unless it exists with the current recipe. True when something was built."""
    say: Log = log or (lambda s: print(s, file=sys.stderr))
    client = connect()  # a missing engine is said as such, before any build tool is looked for
    try:
        status = image_status(client, image)
    finally:
        client.close()
    if status.current and not force:
        return False
    # One build at a time on this machine (two test sessions may both find the image missing).
    lock_path = _cache_dir() / "build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        client = connect()
        try:
            status = image_status(client, image)
        finally:
            client.close()
        if status.current and not force:
            return False
        _build(status, image, dockerfile, say)
    return True


def _build(status: ImageStatus, image: str, dockerfile: bool, say: Log) -> None:
    if status.exists:
        say(f"judge image {image} is from an older recipe ({status.found}); rebuilding ({status.recipe})")
    else:
        say(f"judge image {image} is missing; building it ({status.recipe})")
    (build_dockerfile if dockerfile else build_offline)(image, say)
