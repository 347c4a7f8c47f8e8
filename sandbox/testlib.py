"""testlib.h for checkers: where the judge finds it, and how a checker source gets it.

testlib (Mike Mirzayanov's, MIT) is in no package registry, and the judge image does not carry it: a
checker's source gets the header pasted in place of its ``#include "testlib.h"`` on the host, just before
it is compiled in the sandbox (which compiles one file). So the image never changes with testlib, and
the header used is the one the user chose. Where it comes from, first found wins:

1. a path given explicitly (``--testlib PATH`` on ``python -m sandbox run`` / ``python -m solver judge``);
2. ``$SANDBOX_TESTLIB`` (a path to testlib.h);
3. the judge's cache (``<cache>/testlib/<commit>/testlib.h``), filled by
   ``python -m sandbox build-image --testlib PATH`` (copied from a file) or ``--fetch-testlib`` (downloaded
   from GitHub, pinned to ``TESTLIB_COMMIT`` and checked against ``TESTLIB_SHA256``).

Without it, a checker that includes testlib cannot be compiled: the caller reports the problem as
unjudgeable (``TestlibMissing`` says how to provide the header); it is never judged by token comparison.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from sandbox.backend import JudgeUnavailable

TESTLIB_COMMIT = "1e4e8a24c79c6bad3becbdb5a332ffc352b7d5dd"  # MikeMirzayanov/testlib, version 0.9.45
TESTLIB_SHA256 = "bb323e3c89285214966076e0d23d5a295c5f6126da7ff198c1276ddb95ecb1a0"
TESTLIB_URL = f"https://raw.githubusercontent.com/MikeMirzayanov/testlib/{TESTLIB_COMMIT}/testlib.h"
ENV = "SANDBOX_TESTLIB"

_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]testlib\.h[>"][^\n]*$', re.M)
_MARK = "registerTestlibCmd"  # every testlib.h defines it; a file without it is not testlib


class TestlibMissing(JudgeUnavailable):
    """A checker needs testlib.h and none was found or it could not be had; the message says how."""

    __test__ = False


HOW = (
    f"give its path with --testlib PATH or {ENV}=PATH, or install it once with "
    "`python -m sandbox build-image --testlib PATH` (or `--fetch-testlib` where GitHub is reachable: "
    f"{TESTLIB_URL})"
)


def cache_dir() -> Path:
    """The judge's cache (the image build's too): $CP_SOLVER_CACHE, else /var/cache/cp-solver as root, else
    ~/.cache/cp-solver."""
    base = Path("/var/cache/cp-solver") if os.geteuid() == 0 else Path.home() / ".cache" / "cp-solver"
    return Path(os.environ.get("CP_SOLVER_CACHE", base))


def cached_path() -> Path:
    return cache_dir() / "testlib" / TESTLIB_COMMIT / "testlib.h"


def _checked(path: Path, what: str) -> Path:
    if not path.is_file():
        raise TestlibMissing(f"{what} {path} is not a file; {HOW}")
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise TestlibMissing(f"cannot read {what} {path}: {e.strerror}") from None
    if _MARK not in text:
        raise TestlibMissing(f"{what} {path} is not testlib.h (it defines no {_MARK}); {HOW}")
    return path


def find_testlib(explicit: Path | None = None) -> Path | None:
    """testlib.h by the rules above, or None when nothing names one. A path that is named (flag or
    environment) but is not testlib.h raises TestlibMissing: a typo must not silently fall through."""
    if explicit is not None:
        return _checked(explicit, "--testlib")
    env = os.environ.get(ENV, "").strip()
    if env:
        return _checked(Path(env), ENV)
    cached = cached_path()
    return cached if cached.is_file() else None


def require_testlib(explicit: Path | None = None) -> str:
    """The text of testlib.h, or TestlibMissing saying how to provide it."""
    path = find_testlib(explicit)
    if path is None:
        raise TestlibMissing(f"this checker includes testlib.h, and the judge has no copy of it: {HOW}")
    return path.read_text(encoding="utf-8", errors="replace")


def needs_testlib(source: str) -> bool:
    """Whether a checker source includes testlib.h (and so cannot compile without it)."""
    return _INCLUDE.search(source) is not None


def inline_testlib(source: str, header: str, name: str = "checker.cpp") -> str:
    """The source with ``header`` in place of its first ``#include "testlib.h"`` (pure). ``#line``
    directives keep the compiler's messages pointing at the checker's own lines."""
    m = _INCLUDE.search(source)
    if m is None:
        return source
    line = source.count("\n", 0, m.start()) + 1
    pasted = f'#line 1 "[testlib.h]"\n{header}\n#line {line + 1} "{name}"'
    return source[: m.start()] + pasted + source[m.end() :]


def with_testlib(source: str, explicit: Path | None = None) -> str:
    """A checker source ready for the sandbox: testlib pasted in when it includes it (TestlibMissing
    when it does and no testlib.h is found); any other source unchanged."""
    if not needs_testlib(source):
        return source
    return inline_testlib(source, require_testlib(explicit))


def install_testlib(src: Path) -> Path:
    """Copy a testlib.h the user has into the judge's cache, where ``find_testlib`` finds it later."""
    _checked(src, "--testlib")
    dest = cached_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".partial")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)
    return dest


def fetch_testlib(url: str = TESTLIB_URL, sha256: str = TESTLIB_SHA256, timeout_s: float = 30.0) -> Path:
    """Download testlib.h pinned to TESTLIB_COMMIT, check its sha256, keep it in the cache. Offline or on
    a mismatch, TestlibMissing says what failed and how to place the file by hand."""
    dest = cached_path()
    if dest.is_file() and hashlib.sha256(dest.read_bytes()).hexdigest() == sha256:
        return dest
    by_hand = f"download {url} yourself and run `python -m sandbox build-image --testlib PATH`, or set {ENV}"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as reply:
            data = reply.read()
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise TestlibMissing(f"could not download testlib.h ({reason}); {by_hand}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise TestlibMissing(f"the downloaded testlib.h has sha256 {digest}, not the pinned {sha256}; {by_hand}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as f:
        f.write(data)
    Path(f.name).replace(dest)
    return dest
