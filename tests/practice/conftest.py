"""Practice tests use the sandbox's shared real judge (skipped, with the reason, where Docker is absent)."""

from __future__ import annotations

from tests.sandbox.conftest import judge

__all__ = ["judge"]
