"""The container's runner (``sandbox/runner/runner.py``) loaded as a module on the host, for tests that call its
functions directly (it is a script in the image, not a package module)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from sandbox.backend import RUNNER_PATH


def load_runner(name: str) -> ModuleType:
    """A fresh copy of the runner under the module name ``name`` (each test file its own: they patch it)."""
    spec = importlib.util.spec_from_file_location(name, RUNNER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
